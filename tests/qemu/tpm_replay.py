#!/usr/bin/env python3
"""Parse a TPM 2.0 crypto-agile event log and replay it against the PCRs.

The log format is the TCG PC Client Platform Firmware Profile's (section
"Event Logging"), as Linux shows it in
/sys/kernel/security/tpm0/binary_bios_measurements, all integers
little-endian:

- the first event is a TCG_PCR_EVENT (the SHA-1 format of TPM 1.2 logs):
  PCRIndex u32, EventType u32 (EV_NO_ACTION), Digest[20] (zeros), EventSize
  u32, Event. Its Event is a TCG_EfiSpecIDEventStruct: Signature[16]
  "Spec ID Event03\\0", platformClass u32, specVersionMinor u8,
  specVersionMajor u8, specErrata u8, uintnSize u8, numberOfAlgorithms u32,
  then that many {algorithmId u16, digestSize u16}, vendorInfoSize u8,
  vendorInfo. It lists the banks and their digest sizes;
- every further event is a TCG_PCR_EVENT2: PCRIndex u32, EventType u32,
  Digests (a TPML_DIGEST_VALUES: count u32, then count {hashAlg u16,
  digest[the size the Spec ID event gives for hashAlg]}), EventSize u32,
  Event[EventSize].

Replay of a bank: every PCR starts at zeros; each event extends its PCR,
PCR = H(PCR || digest), except EV_NO_ACTION events, which are not extended.
One EV_NO_ACTION event does matter: the StartupLocality event (PCR 0, data
"StartupLocality\\0" then the locality u8) says TPM2_Startup ran at that
locality, and PCR 0 then starts at the locality's value in its last byte
(00..03 for locality 3; 00..04 after an H-CRTM sequence) instead of zeros.

    tpm_replay.py LOG                 print the events and the replayed PCRs
    tpm_replay.py --serial SERIAL.log take the log (base64 between
                                      CL-TPM-LOG-BEGIN/END) and the PCRs
                                      (CL-PCR-SHA256: N hex) from a boot's
                                      serial output and compare; exit 1 if
                                      any of PCRs 0..9 differs
"""

import base64
import binascii
import dataclasses
import hashlib
import re
import struct
import sys

EV_NO_ACTION = 0x3
EVENT_TYPES = {
    0x0: "EV_PREBOOT_CERT", 0x1: "EV_POST_CODE", 0x3: "EV_NO_ACTION",
    0x4: "EV_SEPARATOR", 0x5: "EV_ACTION", 0x6: "EV_EVENT_TAG",
    0x7: "EV_S_CRTM_CONTENTS", 0x8: "EV_S_CRTM_VERSION", 0x9: "EV_CPU_MICROCODE",
    0xA: "EV_PLATFORM_CONFIG_FLAGS", 0xB: "EV_TABLE_OF_DEVICES",
    0xC: "EV_COMPACT_HASH", 0xD: "EV_IPL", 0xE: "EV_IPL_PARTITION_DATA",
    0xF: "EV_NONHOST_CODE", 0x10: "EV_NONHOST_CONFIG", 0x11: "EV_NONHOST_INFO",
    0x12: "EV_OMIT_BOOT_DEVICE_EVENTS",
    0x80000001: "EV_EFI_VARIABLE_DRIVER_CONFIG", 0x80000002: "EV_EFI_VARIABLE_BOOT",
    0x80000003: "EV_EFI_BOOT_SERVICES_APPLICATION",
    0x80000004: "EV_EFI_BOOT_SERVICES_DRIVER",
    0x80000005: "EV_EFI_RUNTIME_SERVICES_DRIVER", 0x80000006: "EV_EFI_GPT_EVENT",
    0x80000007: "EV_EFI_ACTION", 0x80000008: "EV_EFI_PLATFORM_FIRMWARE_BLOB",
    0x80000009: "EV_EFI_HANDOFF_TABLES", 0x8000000A: "EV_EFI_PLATFORM_FIRMWARE_BLOB2",
    0x8000000B: "EV_EFI_HANDOFF_TABLES2", 0x8000000C: "EV_EFI_VARIABLE_BOOT2",
    0x80000010: "EV_EFI_HCRTM_EVENT", 0x800000E0: "EV_EFI_VARIABLE_AUTHORITY",
    0x800000E1: "EV_EFI_SPDM_FIRMWARE_BLOB", 0x800000E2: "EV_EFI_SPDM_FIRMWARE_CONFIG",
}

# TPM_ALG_ID values (TPM 2.0 Library, Part 2) and their hashlib names.
ALG_SHA1, ALG_SHA256, ALG_SHA384, ALG_SHA512, ALG_SM3_256 = 0x4, 0xB, 0xC, 0xD, 0x12
ALG_NAMES = {ALG_SHA1: "sha1", ALG_SHA256: "sha256", ALG_SHA384: "sha384",
             ALG_SHA512: "sha512", ALG_SM3_256: "sm3_256"}

SPEC_ID_SIGNATURE = b"Spec ID Event03\0"
STARTUP_LOCALITY_SIGNATURE = b"StartupLocality\0"


class LogError(ValueError):
    """The log is not a well-formed crypto-agile event log; args[0] says where."""


@dataclasses.dataclass
class SpecId:
    platform_class: int
    version: tuple          # (major, minor, errata)
    uintn_size: int
    digest_sizes: dict      # algorithm id -> digest size in bytes
    vendor_info: bytes


@dataclasses.dataclass
class Event:
    number: int             # 0 is the Spec ID event
    offset: int             # byte offset of the event in the log
    pcr: int
    type: int
    digests: dict           # algorithm id -> digest bytes
    data: bytes

    @property
    def type_name(self):
        return EVENT_TYPES.get(self.type, f"0x{self.type:08x}")


class _Reader:
    def __init__(self, log):
        self.log = log
        self.pos = 0

    def take(self, n, what):
        if n > len(self.log) - self.pos:
            raise LogError(f"{what} at offset {self.pos}: needs {n} bytes, "
                           f"{len(self.log) - self.pos} left")
        b = self.log[self.pos:self.pos + n]
        self.pos += n
        return b

    def u8(self, what):
        return self.take(1, what)[0]

    def u16(self, what):
        return struct.unpack("<H", self.take(2, what))[0]

    def u32(self, what):
        return struct.unpack("<I", self.take(4, what))[0]


def _parse_spec_id(data, offset):
    r = _Reader(data)
    sig = r.take(16, "Spec ID signature")
    if sig != SPEC_ID_SIGNATURE:
        raise LogError(f"first event (offset {offset}) has signature {sig!r}, "
                       f"not {SPEC_ID_SIGNATURE!r}: not a crypto-agile log")
    platform_class = r.u32("platformClass")
    minor, major, errata = r.u8("specVersionMinor"), r.u8("specVersionMajor"), r.u8("specErrata")
    uintn = r.u8("uintnSize")
    count = r.u32("numberOfAlgorithms")
    if count == 0:
        raise LogError("Spec ID event lists no algorithm")
    if count > (len(data) - r.pos) // 4:
        raise LogError(f"Spec ID event lists {count} algorithms, "
                       f"more than its {len(data)} bytes hold")
    sizes = {}
    for i in range(count):
        alg, size = r.u16(f"algorithmId {i}"), r.u16(f"digestSize {i}")
        if alg in sizes:
            raise LogError(f"Spec ID event lists algorithm 0x{alg:04x} twice")
        if alg in ALG_NAMES and alg != ALG_SM3_256 and \
                hashlib.new(ALG_NAMES[alg]).digest_size != size:
            raise LogError(f"Spec ID event gives {ALG_NAMES[alg]} {size} bytes, "
                           f"not {hashlib.new(ALG_NAMES[alg]).digest_size}")
        if size == 0:
            raise LogError(f"Spec ID event gives algorithm 0x{alg:04x} a digest of 0 bytes")
        sizes[alg] = size
    vendor = r.take(r.u8("vendorInfoSize"), "vendorInfo")
    if r.pos != len(data):
        raise LogError(f"Spec ID event has {len(data) - r.pos} bytes after vendorInfo")
    return SpecId(platform_class, (major, minor, errata), uintn, sizes, vendor)


def parse(log):
    """(SpecId, [Event...]) of a crypto-agile log; raise LogError if malformed.
    Event 0 is the Spec ID event itself (digests {SHA1: its 20 zero bytes})."""
    r = _Reader(bytes(log))
    if not log:
        raise LogError("empty log")
    pcr = r.u32("first event PCRIndex")
    etype = r.u32("first event EventType")
    digest = r.take(20, "first event digest")
    size = r.u32("first event EventSize")
    data = r.take(size, "first event data")
    if etype != EV_NO_ACTION or pcr != 0:
        raise LogError(f"first event is PCR {pcr} type 0x{etype:x}, not the "
                       f"Spec ID event (PCR 0, EV_NO_ACTION)")
    if digest != bytes(20):
        raise LogError("first event's digest is not zero")
    spec = _parse_spec_id(data, 0)
    events = [Event(0, 0, pcr, etype, {ALG_SHA1: digest}, data)]
    while r.pos < len(r.log):
        start = r.pos
        n = len(events)
        pcr = r.u32(f"event {n} PCRIndex")
        etype = r.u32(f"event {n} EventType")
        count = r.u32(f"event {n} digest count")
        if count > len(spec.digest_sizes):
            raise LogError(f"event {n} (offset {start}) has {count} digests; "
                           f"the Spec ID event lists {len(spec.digest_sizes)} algorithms")
        digests = {}
        for i in range(count):
            alg = r.u16(f"event {n} digest {i} hashAlg")
            if alg not in spec.digest_sizes:
                raise LogError(f"event {n} (offset {start}) has a digest of algorithm "
                               f"0x{alg:04x}, which the Spec ID event does not list")
            if alg in digests:
                raise LogError(f"event {n} (offset {start}) has two digests of 0x{alg:04x}")
            digests[alg] = r.take(spec.digest_sizes[alg], f"event {n} digest {i}")
        size = r.u32(f"event {n} EventSize")
        data = r.take(size, f"event {n} data")
        events.append(Event(n, start, pcr, etype, digests, data))
    return spec, events


def startup_locality(events):
    """The locality of the StartupLocality event, or None if there is none."""
    for e in events[1:]:
        if (e.type == EV_NO_ACTION and e.pcr == 0 and len(e.data) == 17
                and e.data[:16] == STARTUP_LOCALITY_SIGNATURE):
            return e.data[16]
    return None


def replay(spec, events, alg=ALG_SHA256, pcrs=range(24)):
    """{pcr: value} of bank ALG after replaying the log, for PCRs PCRS."""
    if alg not in spec.digest_sizes:
        raise LogError(f"the log has no 0x{alg:04x} bank "
                       f"(it has {', '.join(f'0x{a:04x}' for a in spec.digest_sizes)})")
    size = spec.digest_sizes[alg]
    value = {p: bytes(size) for p in pcrs}
    locality = startup_locality(events)
    if locality is not None and 0 in value:
        value[0] = locality.to_bytes(size, "big")
    for e in events[1:]:
        if e.type == EV_NO_ACTION:
            continue
        if alg not in e.digests:
            raise LogError(f"event {e.number} ({e.type_name}, PCR {e.pcr}, offset "
                           f"{e.offset}) has no 0x{alg:04x} digest")
        if e.pcr in value:
            value[e.pcr] = hashlib.new(ALG_NAMES[alg], value[e.pcr] + e.digests[alg]).digest()
    return value


def compare(replayed, actual, pcrs=range(10)):
    """Lines naming each PCR in PCRS whose replayed value differs from ACTUAL
    (or is missing from it); empty when all agree."""
    out = []
    for p in pcrs:
        want = actual.get(p)
        got = replayed.get(p)
        if want is None:
            out.append(f"PCR {p}: no value read from the TPM")
        elif got != want:
            out.append(f"PCR {p}: log replay {got.hex() if got else None}, TPM {want.hex()}")
    return out


def from_serial(lines):
    """(log bytes or None, {pcr: bytes}) from a boot's serial lines (bytes, one
    per line, as plumbing.lines_of gives them): the base64 between
    CL-TPM-LOG-BEGIN and CL-TPM-LOG-END and the CL-PCR-SHA256 lines."""
    log = None
    if b"CL-TPM-LOG-BEGIN" in lines:
        begin = lines.index(b"CL-TPM-LOG-BEGIN")
        try:
            end = lines.index(b"CL-TPM-LOG-END", begin)
        except ValueError:
            raise LogError("CL-TPM-LOG-BEGIN without CL-TPM-LOG-END")
        try:
            log = base64.b64decode(b"".join(lines[begin + 1:end]), validate=True)
        except binascii.Error as e:
            raise LogError(f"the log's base64 does not decode: {e}")
    pcrs = {}
    for l in lines:
        m = re.fullmatch(rb"CL-PCR-SHA256: (\d+) ([0-9a-f]{64})", l)
        if m:
            p = int(m.group(1))
            if p in pcrs:
                raise LogError(f"two CL-PCR-SHA256 lines for PCR {p}")
            pcrs[p] = bytes.fromhex(m.group(2).decode())
    return log, pcrs


def main(argv):
    if len(argv) == 1:
        with open(argv[0], "rb") as f:
            spec, events = parse(f.read())
        for e in events:
            d = e.digests.get(ALG_SHA256)
            print(f"{e.number:3} PCR {e.pcr:2} {e.type_name:34} {len(e.data):6} bytes "
                  f"{d.hex() if d else '-'}")
        for p, v in replay(spec, events, pcrs=range(10)).items():
            print(f"PCR {p}: {v.hex()}")
        return 0
    if len(argv) == 2 and argv[0] == "--serial":
        with open(argv[1], "rb") as f:
            data = f.read()
        lines = [l[:-1] if l.endswith(b"\r") else l for l in data.split(b"\n")]
        lines = [l.lstrip(b"\r") for l in lines]
        log, pcrs = from_serial(lines)
        if log is None:
            print("no TPM event log in the serial output")
            return 1
        spec, events = parse(log)
        diff = compare(replay(spec, events), pcrs)
        print(f"{len(log)} bytes, {len(events)} events; "
              + ("PCRs 0..9 replay exactly" if not diff else "; ".join(diff)))
        return 1 if diff else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except LogError as e:
        print(f"tpm_replay.py: {e}", file=sys.stderr)
        sys.exit(1)
