"""Boots under Secure Boot through Debian's stock signed chain (issue 23,
item 5): OVMF with Secure Boot enforced, shim signed by Microsoft, Debian's
signed GRUB, the release's own signed kernel, a test MOK in MokList; for
Debian 12 (shim 16.1, GRUB 2.06, Linux 6.1) and Debian 13 (shim 16.1,
GRUB 2.12, Linux 6.12), each on its own chain (tests/secureboot/machine.py).

    test_grub_linux           the reference: GRUB's own `linux` and `initrd`
                              of the signed kernel boot it with Secure Boot
                              enabled and lockdown on; the TPM event log
                              replays to the PCRs (boot times: results.json)
    test_grub_linux_tampered  the kernel with one byte changed: shim refuses
                              it for GRUB ("bad shim signature"), so the
                              change is inside the signed bytes; and GRUB's
                              fallback entry runs
    test_chainloader          chainloader.efi signed with the test MOK:
                              `linux /boot/chainloader.efi verbose -- ARGS`,
                              `initrd newc:vmlinuz:/boot/vmlinuz /boot/initrd.img`:
                              the kernel's command line is exactly ARGS (as
                              GRUB passes them), the initrd payload arrives,
                              Secure Boot enabled, lockdown, the event log
                              replays to the PCRs, and PCR 9 holds the kernel's
                              bytes and chainloader's tagged events for the
                              initrd and the command line
    test_chainloader_loaded_above_2gib  on 2.12, a 2700 MiB machine: shim's
                              loader puts chainloader.efi above 2 GiB; it
                              copies itself below and boots the kernel
    test_chainloader_tampered the same with the tampered kernel: chainloader's
                              one error line names shim and the EFI status,
                              Linux never starts, GRUB's fallback entry runs
    test_chainloader_unsigned chainloader.efi as make builds it (unsigned):
                              GRUB's "bad shim signature", chainloader never
                              runs, GRUB's fallback entry runs

Every boot's serial output is build/qemu/sbN-*.serial.log; the results
(boot times, measured values) go to --results-json.
"""

import hashlib
import re
import struct
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import machine as m  # noqa: E402
import plumbing as pl  # noqa: E402
import checks  # noqa: E402  (tests/qemu/checks.py)
import tpm_replay  # noqa: E402
from plumbing import Fail  # noqa: E402
from scenarios import CMDLINE_GRUB_LINUX, CMDLINE_MODULE2, EFI_RNG, EFI_TPM_EVENT_LOG  # noqa: E402

BOOT_TIMEOUT = 180       # a whole boot to its power-off takes 13-20 s here
FAILURE_TIMEOUT = 120    # to the fallback entry's halt after a refusal (about 20 s)

# The kernel's arguments in grub.cfg, as tests/qemu writes them (a quoted
# value that GRUB re-quotes); after `--` for chainloader.efi.
ARGS = pl.GRUB_ARGS
# What the kernel must see through chainloader.efi: exactly the text after
# "--" as GRUB hands it over (GRUB re-quotes "cl.quoted=a b"), which is the
# module2 string of the multiboot2 path, without BOOT_IMAGE.
CMDLINE_VIA_EFI = CMDLINE_MODULE2
LOADER_OPTS = "verbose"

SECURE_BOOT_ENABLED = "Secure boot enabled"        # the kernel's secureboot: line
# securityfs's lockdown file, the mode in force in brackets.
LOCKDOWN_ON = re.compile(r"^none \[(integrity|confidentiality)\] confidentiality$|"
                         r"^none integrity \[confidentiality\]$")
# The kernel's own message when Secure Boot locks it down (Debian's patch;
# 6.1 and 6.12 word it the same).
LOCKDOWN_MESSAGE = re.compile(rb"Kernel is locked down from EFI Secure Boot")

BANNER = re.compile(rb"^chainloader \d+\.\d+")
LOADER_ERROR = b"chainloader: error:"
GRUB_BAD_SIGNATURE = re.compile(rb"error: bad shim signature\.?$")
# The statuses shim's Verify gives an image that does not verify, as a
# loader may print them (name or hex).
EFI_REFUSED = re.compile(rb"(?i)(security[ _]violation|access[ _]denied|"
                         rb"0x8000000000000+1a|0x8000000000000+0f|\(0x1a\)|\(0xf\))")
# chainloader's verbose lines under Secure Boot: the state, and the kernel
# verified through shim.
VERBOSE_SECURE_BOOT = (rb"^secure boot: enabled",
                       rb"(?i)^(?=.*\bshim|.*SHIM_LOCK)(?=.*verif).*$")

FALLBACK_MARK = "FALLBACK-ENTRY: ran"   # not a CL- marker of the test initramfs
FALLING_BACK = b"Falling back to `fallback'"   # GRUB, as its fallback starts

# TCG EV_EVENT_TAG (PCClientTaggedEvent: id u32, size u32, data) of PCR 9, as
# Linux's EFI stub writes them (drivers/firmware/efi/libstub/efi-stub-helper.c).
EV_EVENT_TAG = 0x6
EV_IPL = 0xD
INITRD_EVENT_TAG_ID = 0x8F3B22EC        # "Linux initrd"
LOAD_OPTIONS_EVENT_TAG_ID = 0x8F3B22ED  # the command line ("LOADED_IMAGE::LoadOptions")


# --- grub.cfg ----------------------------------------------------------------

def grub_cfg(entry, fallback=False):
    """A grub.cfg that boots ENTRY (the body) at once; with FALLBACK, GRUB's
    `fallback` names a second entry that prints FALLBACK_MARK and powers
    the machine off. (`halt`, not just the echo: an entry that ends without
    an error while an image is still loaded makes GRUB boot that image, and
    an image that returned to GRUB stays loaded, so an echo-only fallback
    entry would start the refused entry's chainloader.efi a second time.)"""
    cfg = "set timeout=0\nset default=0\n"
    if fallback:
        cfg += "set fallback=1\n"
    cfg += f"menuentry 'under test' {{\n{entry}}}\n"
    if fallback:
        cfg += f"menuentry 'fallback' {{\n  echo '{FALLBACK_MARK}'\n  halt\n}}\n"
    return cfg


GRUB_LINUX_ENTRY = (f"  linux /boot/vmlinuz {ARGS}\n"
                    "  initrd /boot/initrd.img\n")
CHAINLOADER_ENTRY = (f"  linux /boot/chainloader.efi {LOADER_OPTS} -- {ARGS}\n"
                     "  initrd newc:vmlinuz:/boot/vmlinuz /boot/initrd.img\n")


# --- a boot and what it showed ------------------------------------------------

def boot(name, chain, files, cfg, kind, until=None, timeout=BOOT_TIMEOUT, result=None, memory_mib=m.MEMORY_MIB):
    """Boot the chain with FILES in /boot and CFG; (Booted, checks.Outcome).
    The boot's times go into RESULT."""
    machine = m.Boot(name, chain, files, cfg, memory_mib=memory_mib).make()
    setup = m.setup_for(kind, timeout, memory_mib)
    b = m.run(machine, setup, until)
    if result is not None:
        result["boot"] = name
        result.update(seconds=b.marks["qemu_seconds"], seconds_to_grub_entry=b.marks.get("grub_entry"),
                      seconds_to_kernel=b.t_kernel, seconds_to_done=b.t_done, qemu_exit=b.rc)
        result["tail"] = pl.tail(b.data)
    return setup, b, checks.Outcome(name, b.data, b.rc, b.cpu, chain.initrd)


def grub_refused(out, what):
    """The index of GRUB's first 'bad shim signature' line, or Fail naming WHAT."""
    refused = [i for i, l in enumerate(out.clean) if GRUB_BAD_SIGNATURE.search(l)]
    if not refused:
        raise Fail(f"GRUB never said 'error: bad shim signature.' for {what}")
    return refused[0]


def verdict(result, check):
    """Run CHECK(); the test fails with its Fail's reason and the serial
    output's last lines, or passes."""
    try:
        check()
        why = None
    except Fail as e:
        why = e.args[0]
    if why is not None:  # outside the except: no chained traceback
        result["reason"] = why
        pytest.fail(f"{result['name']}: {why}" + "".join(f"\n    | {l}" for l in result.get("tail") or []),
                    pytrace=False)
    result["passed"] = True


def check_lockdown(out, result):
    """Lockdown in force: securityfs's mode and the kernel's message."""
    mode = pl.marker(out.lines, "CL-LOCKDOWN").decode("utf-8", "replace")
    result["lockdown"] = mode
    if not LOCKDOWN_ON.match(mode):
        raise Fail(f"CL-LOCKDOWN is {mode!r} (/sys/kernel/security/lockdown): lockdown is not on")
    if not any(LOCKDOWN_MESSAGE.search(l) for l in out.clean):
        raise Fail(f"no kernel line matches {LOCKDOWN_MESSAGE.pattern!r}")


def tpm_events(out, result):
    """The TPM event log replayed against PCRs 0..9 (SHA-256): the events."""
    log, pcrs = checks.read_tpm(out, result)
    if log is None or not pcrs:
        raise Fail(f"no TPM event log or no PCRs (CL-TPM-LOG {result.get('tpm_log')!r})")
    try:
        spec, events = tpm_replay.parse(log)
        diff = tpm_replay.compare(tpm_replay.replay(spec, events), pcrs)
    except tpm_replay.LogError as e:
        raise Fail(f"TPM event log: {e}")
    result["tpm_events"] = len(events)
    if diff:
        raise Fail("TPM event log replay differs from the TPM: " + "; ".join(diff))
    result["tpm_replay"] = "PCRs 0..9 exact"
    return events


def sha256(e):
    return e.digests.get(tpm_replay.ALG_SHA256)


def tagged(events, tag_id):
    """PCR 9's EV_EVENT_TAG events with TAG_ID: [(event, tagged data)]."""
    out = []
    for e in events:
        if e.pcr != 9 or e.type != EV_EVENT_TAG or len(e.data) < 8:
            continue
        tid, size = struct.unpack_from("<II", e.data)
        if tid == tag_id:
            out.append((e, e.data[8:8 + size]))
    return out


def describe_pcr9(events):
    """PCR 9's events in a line each (results.json)."""
    out = []
    for e in events:
        if e.pcr != 9:
            continue
        d = sha256(e)
        if e.type == EV_EVENT_TAG and len(e.data) >= 8:
            tid, size = struct.unpack_from("<II", e.data)
            text = e.data[8:8 + size].rstrip(b"\0").decode("utf-8", "replace")
            what = f"tag 0x{tid:08X} {text!r}"
        else:
            what = repr(e.data.rstrip(b"\0").decode("utf-8", "replace")[:80])
        out.append(f"{e.type_name} {what} sha256 {d.hex() if d else '-'}")
    return out


def check_kernel_measured(events, kernel):
    """PCR 9 holds the kernel file's bytes (an event whose SHA-256 digest is
    the file's: GRUB measures each file it reads), as an attestation policy
    computes it from the file."""
    want = m.sha256_file(kernel)
    if not any(e.pcr == 9 and e.type != tpm_replay.EV_NO_ACTION and sha256(e) == want for e in events):
        raise Fail(f"no PCR 9 event measures the kernel's bytes (sha256 {want.hex()} of {m.relpath(kernel)})")


def check_initrd_tag(events, initrd, who):
    """One "Linux initrd" tagged event in PCR 9, its digest the initrd file's."""
    found = tagged(events, INITRD_EVENT_TAG_ID)
    if len(found) != 1:
        raise Fail(f"{len(found)} EV_EVENT_TAG 0x{INITRD_EVENT_TAG_ID:08X} events in PCR 9, "
                   f"expected one ({who} measures the initrd)")
    e, data = found[0]
    if data.rstrip(b"\0") != b"Linux initrd":
        raise Fail(f"the initrd's tagged event reads {data!r}, expected 'Linux initrd'")
    want = m.sha256_file(initrd)
    if sha256(e) != want:
        why = ""
        for name in (b"TRAILER!!!\0", b"TRAILER!!!"):  # GRUB 2.12's and 2.06's
            if hashlib.sha256(newc_trailer(name) + Path(initrd).read_bytes()).digest() == sha256(e):
                why = (f": it is the SHA-256 of GRUB's {len(newc_trailer(name))}-byte newc TRAILER!!! "
                       f"record followed by the file (what was measured begins at GRUB's trailer)")
        raise Fail(f"the initrd's tagged event has sha256 {sha256(e).hex()}, but the initrd "
                   f"{m.relpath(initrd)} has {want.hex()}{why}")


def newc_trailer(name):
    """The newc TRAILER!!! record GRUB writes after its newc: members
    (grub-core/loader/linux.c make_header: nlink 1, every other field 0),
    padded to 4 bytes."""
    head = b"070701" + b"".join(b"%08x" % v for v in (0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, len(name), 0)) + name
    return head + bytes(-len(head) % 4)


def cmdline_encodings(cmdline):
    """The byte strings a loader may measure for a command line: ASCII or
    UTF-16LE (as Linux's stub measures LoadOptions), with or without a NUL."""
    return {"ascii": cmdline.encode(), "ascii+NUL": cmdline.encode() + b"\0",
            "UTF-16LE": cmdline.encode("utf-16le"), "UTF-16LE+NUL": (cmdline + "\0").encode("utf-16le")}


def check_cmdline_tag(events, cmdline, result):
    """One command-line tagged event in PCR 9 whose digest is the kernel's
    command line's (in one of cmdline_encodings)."""
    found = tagged(events, LOAD_OPTIONS_EVENT_TAG_ID)
    if len(found) != 1:
        raise Fail(f"{len(found)} EV_EVENT_TAG 0x{LOAD_OPTIONS_EVENT_TAG_ID:08X} events in PCR 9, "
                   f"expected one (the command line)")
    e, data = found[0]
    match = [name for name, b in cmdline_encodings(cmdline).items() if hashlib.sha256(b).digest() == sha256(e)]
    if not match:
        raise Fail(f"the command line's tagged event ({data!r}) has sha256 {sha256(e).hex()}, which is "
                   f"not the SHA-256 of {cmdline!r} in ASCII or UTF-16LE, with or without a NUL")
    result["cmdline_measured_as"] = match[0]


def fallback_after(out, first):
    """GRUB's fallback ran after the line index FIRST: GRUB's own "Falling
    back to `fallback'" line, then the fallback entry's mark, then its
    `halt` powered the machine off (nothing else ran after it)."""
    said = [i for i, l in enumerate(out.clean) if l.strip() == FALLING_BACK]
    marks = [i for i, l in enumerate(out.clean) if l.strip() == FALLBACK_MARK.encode()]
    if not said or not marks:
        raise Fail(f"GRUB's fallback entry never ran (no {FALLING_BACK.decode()!r} "
                   f"and {FALLBACK_MARK!r} lines)")
    if not first < said[0] < marks[0]:
        raise Fail(f"GRUB fell back (line {said[0]}) or its entry ran (line {marks[0]}) before "
                   f"the refusal (line {first}) it should follow")
    if out.rc is None:
        raise Fail("QEMU still ran after the fallback entry's halt")


# --- the tests -----------------------------------------------------------------

def test_grub_linux(chain, sb_result):
    """The reference: GRUB's own `linux` of the signed kernel under Secure Boot."""
    r = sb_result
    setup, b, out = boot(f"sb{chain.release}-grub-linux", chain,
                         {"vmlinuz": chain.kernel, "initrd.img": chain.initrd},
                         grub_cfg(GRUB_LINUX_ENTRY), "grub-linux", result=r)
    expect = checks.Expect(cmdline=CMDLINE_GRUB_LINUX, secureboot=SECURE_BOOT_ENABLED, fb="0 EFI VGA",
                           efi_tables=(EFI_TPM_EVENT_LOG, EFI_RNG))

    def check():
        checks.check(setup, expect, out, r)
        check_lockdown(out, r)
        events = tpm_events(out, r)
        check_kernel_measured(events, chain.kernel)
        r["pcr9"] = describe_pcr9(events)
        r["stub_lines"] = [l.decode("utf-8", "replace") for l in out.clean if l.startswith(b"EFI stub: ")]
        if chain.release == "13":
            # GRUB 2.12 offers the initrd by LoadFile2; the kernel's stub
            # measures it into PCR 9: the reference for chainloader's event.
            check_initrd_tag(events, chain.initrd, "the kernel's EFI stub")
            check_cmdline_tag(events, CMDLINE_GRUB_LINUX, r)
    verdict(r, check)


def test_grub_linux_tampered(chain, tampered_kernel, sb_result):
    """One byte changed in the signed kernel: shim refuses it for GRUB's
    `linux` ("bad shim signature"), which shows the change is inside the
    signed bytes; GRUB's fallback entry runs, and Linux never starts."""
    r = sb_result
    kernel, r["tampered_offset"] = tampered_kernel
    _, b, out = boot(f"sb{chain.release}-grub-linux-tampered", chain,
                     {"vmlinuz": kernel, "initrd.img": chain.initrd},
                     grub_cfg(GRUB_LINUX_ENTRY, fallback=True), "grub-linux",
                     timeout=FAILURE_TIMEOUT, result=r)

    def check():
        fallback_after(out, grub_refused(out, "the tampered kernel"))
        if b.t_kernel is not None:
            raise Fail("'Linux version' appeared: the tampered kernel ran")
    verdict(r, check)


def test_chainloader(chain, signed_efi, sb_result):
    """chainloader.efi signed with the MOK boots the signed kernel it verified
    through shim, measured, with Secure Boot and lockdown on."""
    r = sb_result
    setup, b, out = boot(f"sb{chain.release}-chainloader", chain,
                         {"chainloader.efi": signed_efi, "vmlinuz": chain.kernel, "initrd.img": chain.initrd},
                         grub_cfg(CHAINLOADER_ENTRY), "chainloader", result=r)
    expect = checks.Expect(cmdline=CMDLINE_VIA_EFI, secureboot=SECURE_BOOT_ENABLED, fb="0 EFI VGA",
                           efi_tables=(EFI_TPM_EVENT_LOG, EFI_RNG), loader=VERBOSE_SECURE_BOOT)

    def check():
        checks.check(setup, expect, out, r)
        check_lockdown(out, r)
        events = tpm_events(out, r)
        r["pcr9"] = describe_pcr9(events)
        check_kernel_measured(events, chain.kernel)
        check_initrd_tag(events, chain.initrd, "chainloader")
        check_cmdline_tag(events, CMDLINE_VIA_EFI, r)
    verdict(r, check)


# chainloader.efi's own line when it was loaded where its 32-bit relocations
# cannot reach (boot/efi_stub/entry.S, move_low).
MOVED = re.compile(rb"^chainloader\.efi: loaded at 0x([0-9a-f]+), above 2 GiB: runs from a copy at 0x([0-9a-f]+)\r?$", re.M)
# The verbose placement list's line for the loader's own image (boot/top.c).
LOADER_RANGE = re.compile(rb"^  \[0x([0-9a-f]+), 0x([0-9a-f]+)\) chainloader\r?$", re.M)
HIGH_MEMORY_MIB = 2700  # q35 keeps RAM up to 2.75 GiB below 4 GiB: OVMF allocates from its top


@pytest.mark.parametrize("chain", ["13"], ids=["debian13"], indirect=True)
def test_chainloader_loaded_above_2gib(chain, signed_efi, sb_result):
    """On a 2700 MiB machine shim's loader puts chainloader.efi above 2 GiB
    (OVMF allocates from the top of the RAM below 4 GiB); the image copies
    itself below 2 GiB, relocates there and boots the kernel all the same.
    GRUB 2.06 places it at its pref_address (1 MiB), so only 2.12's path
    meets this."""
    r = sb_result
    setup, b, out = boot(f"sb{chain.release}-chainloader-high", chain,
                         {"chainloader.efi": signed_efi, "vmlinuz": chain.kernel, "initrd.img": chain.initrd},
                         grub_cfg(CHAINLOADER_ENTRY), "chainloader", result=r, memory_mib=HIGH_MEMORY_MIB)
    expect = checks.Expect(cmdline=CMDLINE_VIA_EFI, secureboot=SECURE_BOOT_ENABLED, loader=VERBOSE_SECURE_BOOT)

    def check():
        moved = MOVED.search(b.data)
        if not moved:
            raise Fail("no 'loaded at ..., above 2 GiB: runs from a copy' line: the image was not loaded high, "
                       "or did not say it moved")
        loaded, copy = (int(x, 16) for x in moved.groups())
        r["loaded_at"], r["copy_at"] = hex(loaded), hex(copy)
        image = LOADER_RANGE.search(b.data)
        if not image:
            raise Fail("no '[start, end) chainloader' line in the verbose placement list")
        start, end = (int(x, 16) for x in image.groups())
        r["image"] = f"[{start:#x}, {end:#x})"
        if loaded < 0x80000000 or not start < copy < end <= 0x80000000:
            raise Fail(f"loaded at {loaded:#x}, running as [{start:#x}, {end:#x}) with the copy at {copy:#x}: "
                       "not from above 2 GiB to below it")
        checks.check(setup, expect, out, r)
    verdict(r, check)


def test_chainloader_tampered(chain, signed_efi, tampered_kernel, sb_result):
    """The tampered kernel through chainloader.efi: chainloader's error naming
    shim and the status, Linux never starts, GRUB's fallback entry runs."""
    r = sb_result
    kernel, r["tampered_offset"] = tampered_kernel
    _, b, out = boot(f"sb{chain.release}-chainloader-tampered", chain,
                     {"chainloader.efi": signed_efi, "vmlinuz": kernel, "initrd.img": chain.initrd},
                     grub_cfg(CHAINLOADER_ENTRY, fallback=True), "chainloader",
                     timeout=FAILURE_TIMEOUT, result=r)

    def check():
        if not any(BANNER.match(l) for l in out.clean):
            raise Fail("no chainloader banner: chainloader.efi never ran")
        errors = [(i, l) for i, l in enumerate(out.clean) if l.startswith(LOADER_ERROR)]
        if len(errors) != 1:
            raise Fail(f"{len(errors)} '{LOADER_ERROR.decode()}' lines, expected one: "
                       f"{[l.decode('utf-8', 'replace') for _, l in errors]}")
        at, line = errors[0]
        r["error"] = line.decode("utf-8", "replace")
        if not re.search(rb"(?i)shim", line) or not EFI_REFUSED.search(line):
            raise Fail(f"the error line {r['error']!r} does not name shim and the EFI status "
                       f"(one of {EFI_REFUSED.pattern.decode()})")
        if b.t_kernel is not None:
            raise Fail("'Linux version' appeared: the tampered kernel ran")
        if any(l.startswith(b"CL-") for l in out.clean):
            raise Fail("the test initramfs printed its markers: the tampered kernel ran")
        fallback_after(out, at)
    verdict(r, check)


def test_chainloader_unsigned(chain, unsigned_efi, sb_result):
    """chainloader.efi unsigned: GRUB refuses it ("bad shim signature"),
    chainloader never runs, GRUB's fallback entry does."""
    r = sb_result
    _, b, out = boot(f"sb{chain.release}-chainloader-unsigned", chain,
                     {"chainloader.efi": unsigned_efi, "vmlinuz": chain.kernel, "initrd.img": chain.initrd},
                     grub_cfg(CHAINLOADER_ENTRY, fallback=True), "chainloader",
                     timeout=FAILURE_TIMEOUT, result=r)

    def check():
        refused = grub_refused(out, "the unsigned chainloader.efi")
        ran = [l for l in out.clean if BANNER.match(l) or l.startswith(b"chainloader:")]
        if ran:
            raise Fail(f"chainloader printed {ran[0]!r}: the unsigned image ran")
        if b.t_kernel is not None:
            raise Fail("'Linux version' appeared: a kernel ran")
        fallback_after(out, refused)
    verdict(r, check)
