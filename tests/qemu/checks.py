"""What a boot must show: `Expect`, and one check per kind of expectation.

A scenario (tests/qemu/scenario.py) is a Setup (tests/qemu/plumbing.py) and
an Expect. `check()` runs the checks that apply, in a fixed order: each entry
of CHECKS names the check function and when it applies, decided from the
scenario's setup and the expectations it holds. A check raises
plumbing.Fail with what it saw and what it expected; what it measured goes
into the result dict (results.json).

Kinds of boot, and what every boot of that kind is held to without asking:
- through chainloader: no "chainloader: error:" line, and its banner (unless
  `quiet`);
- a failure (`error`): exactly that error line, then the CPU halted with
  interrupts off; nothing else is checked;
- an image that is not Linux (`serial`, `vga`) or a probe kernel
  (`probe_entry`): its own output;
- Linux with the test initramfs (the rest): CL-DONE, then the command line,
  the payload's checksum, MemTotal, the extra initrds, the e820 view, EFI and
  ACPI, the framebuffer, the measured-boot markers, and a power-off.
"""

import dataclasses
import hashlib
import re
from pathlib import Path

import plumbing as pl
import screendump  # tests/qemu/screendump.py
import tpm_replay  # tests/qemu/tpm_replay.py
from plumbing import Fail


@dataclasses.dataclass
class Expect:
    """What a boot must show. Regexes over loader lines are bytes, over the
    kernel's marker values and the VGA screen str."""
    # Linux: the exact /proc/cmdline (CL-CMDLINE), without its newline. A probe
    # kernel's is derived from its setup (see scenario.probe_arguments).
    cmdline: str = None
    min_memtotal_kb: int = 0   # MemTotal the kernel must report at least
    min_e820_total: int = 0    # e820 entries the kernel must report at least
    # The framebuffer the kernel must list first in /proc/fb ("none" for none),
    # or None not to check; "auto": for chainloader boots, the firmware's
    # (VESA VGA on SeaBIOS, EFI VGA on OVMF), else not checked.
    fb: str = "auto"
    # Regexes (bytes) that must match some loader line, e.g. verbose output.
    loader: tuple = ()
    reject_loader: tuple = ()  # regexes (bytes) that no loader line may match
    quiet: bool = False        # the loader must print nothing at all
    # A failure: a regex the one "chainloader: error: ..." line must match in
    # full; then the CPU must sit halted, interrupts off.
    error: bytes = None
    # With `error`: dump the screen (build/qemu/<name>.png) and require at
    # least this many pixels off the background colour.
    screen_min_pixels: int = 0
    # Kernels that are not Linux (memtest86+): regexes (bytes) the serial
    # output must match; the boot ends once all have.
    serial: tuple = ()
    # Images that write to the VGA text screen, not the serial port (iPXE):
    # regexes (str) that lines of the 80x25 text screen at 0xB8000, read
    # through the QEMU monitor about once a second, must match; the boot ends
    # once all have. The last screen goes to build/qemu/<name>.screen.txt.
    vga: tuple = ()
    # Probe kernels: the entry the probe must report (elf64, pvh, bzimage64,
    # bzimage32, real16), and the RNG seed it must find (probe.rng): "setup"
    # (a SETUP_RNG_SEED node), "efi" (the LINUX_EFI_RANDOM_SEED table) or "none".
    probe_entry: str = None
    probe_rng: str = "none"
    # The TPM event log (CL-TPM-LOG) must parse and its SHA-256 replay must
    # equal the PCRs 0..9 the kernel read from the TPM (tests/qemu/tpm_replay.py).
    tpm_replay: bool = False
    # "none": the kernel must have no TPM event log; None: not checked.
    tpm_log: str = None
    # The exact CL-SECUREBOOT value (the kernel's line, e.g. "Secure boot
    # disabled", or "none"), or None not to check.
    secureboot: str = None
    # Regexes (str) that must each match the CL-EFI-TABLES value (the kernel's
    # "efi: ACPI=0x... ..." configuration-table line), e.g. r"TPMEventLog=0x".
    efi_tables: tuple = ()
    reject_efi_tables: tuple = ()  # regexes (str) that must not match it
    # KASLR-safe placement (issue 17), for chainloader on OVMF with `verbose`
    # and the kernel booted with efi=debug: nothing the loader placed that the
    # kernel reads late (the EFI memory map, the TPM event log and RNG seed
    # tables, the RSDP) overlaps an EfiConventionalMemory range of the EFI map
    # the kernel printed, where its decompressor picks a random destination.
    kaslr_safe: bool = False
    # Keep the loader's final EFI map lines and the kernel's efi: memNN lines
    # in results.json ("loader_efi_map", "kernel_efi_map").
    record_efi_maps: bool = False

    @property
    def kind(self):
        """"error", "vga", "serial", "probe" or "linux" (see the module's doc)."""
        if self.error is not None:
            return "error"
        if self.vga:
            return "vga"
        if self.serial:
            return "serial"
        if self.probe_entry is not None:
            return "probe"
        return "linux"


@dataclasses.dataclass
class Outcome:
    """One boot as the checks see it (plumbing.Booted, read into lines)."""
    name: str                  # the boot's name: its logs are QDIR/<name>.*
    data: bytes                # the serial output
    rc: int                    # QEMU's exit status, None if it was stopped
    cpu: str                   # the CPU registers after an error line
    initrd: Path               # the initrd booted (its payload's .sha256 beside it)

    def __post_init__(self):
        self.lines = pl.lines_of(self.data)
        self.clean = [pl.ANSI.sub(b"", l) for l in self.lines]


PROBE_PASS = 99  # the probe kernels' exit code when every check passed
PROBE_SEED = re.compile(rb"^PROBE: INFO rng seed crc32 (0x[0-9a-f]{8})$")


# --- the loader's own lines ---------------------------------------------------

def check_no_loader_error(setup, expect, out, result):
    """No "chainloader: error:" line in a boot that must succeed."""
    bad = [l for l in out.clean if b"chainloader: error:" in l]
    if bad:
        raise Fail(bad[0].decode("utf-8", "replace"))


def check_quiet(setup, expect, out, result):
    """`quiet`: the loader printed nothing."""
    ours = [l for l in out.clean if l.startswith(b"chainloader")]
    if ours:
        raise Fail(f"quiet, yet the loader printed {ours[0]!r}")


def check_banner(setup, expect, out, result):
    """The loader's banner with the version of VERSION."""
    version = (pl.ROOT / "VERSION").read_text().strip()
    banner = re.compile(rb"chainloader " + re.escape(version.encode())
                        + rb"(?![0-9A-Za-z])")
    if not any(banner.match(l) for l in out.clean):
        raise Fail(f"no banner line 'chainloader {version}'")


def check_loader_lines(setup, expect, out, result):
    """Every `loader` regex matches some loader line (verbose output, the summary)."""
    for rx in expect.loader:
        if not any(re.search(rx, l) for l in out.clean):
            raise Fail(f"no loader line matches {rx!r}")


def check_reject_loader(setup, expect, out, result):
    """No loader line matches a `reject_loader` regex."""
    for rx in expect.reject_loader:
        hit = next((l for l in out.clean if re.search(rx, l)), None)
        if hit is not None:
            raise Fail(f"the loader line {hit!r} matches {rx!r}, which must not appear")


# --- a failure: the error line, then a clean halt ------------------------------

def check_error_line(setup, expect, out, result):
    """Exactly one "chainloader: error:" line, matching `error` in full."""
    errors = [l for l in out.clean if l.startswith(b"chainloader: error:")]
    if len(errors) != 1 or not re.fullmatch(expect.error, errors[0]):
        raise Fail(f"error lines {errors!r}, expected one matching {expect.error!r}")


def check_halted(setup, expect, out, result):
    """After the error: no reset, the CPU halted with interrupts off."""
    if out.rc is not None:
        raise Fail(f"QEMU exited ({out.rc}) after the error: a reset, not a halt")
    cpu = out.cpu or ""
    # HMP prints "HLT=1" for a halted CPU and the flags as "RFL=" (or "EFL=").
    efl = re.search(r"[ER]FL=([0-9a-f]+)", cpu)
    if "HLT=1" not in cpu or not efl:
        shown = pl.ANSI.sub(b"", cpu.encode()).decode()
        shown = shown[shown.find("RAX="):][:700]
        raise Fail(f"CPU not halted after the error: {shown!r}")
    if int(efl.group(1), 16) & 0x200:
        raise Fail(f"CPU halted with interrupts enabled (EFL={efl.group(1)})")


def check_error_screen(setup, expect, out, result):
    """`screen_min_pixels`: the error is on the screen too (a screenshot's pixels)."""
    png = pl.QDIR / f"{out.name}.png"
    drawn = screendump.count_non_background_pixels(png) if png.exists() else 0
    if drawn < expect.screen_min_pixels:
        raise Fail(f"the error screen {png.name} has {drawn} non-background pixels, "
                   f"expected >= {expect.screen_min_pixels}")


# --- images that are not Linux ---------------------------------------------------

def check_vga_screen(setup, expect, out, result):
    """`vga`: lines of the last text screen read (iPXE)."""
    shot = pl.QDIR / f"{out.name}.screen.txt"
    screen = shot.read_text().splitlines() if shot.exists() else []
    result["screen"] = [l for l in screen if l]
    for rx in expect.vga:
        if not any(re.search(rx, l) for l in screen):
            raise Fail(f"no line of the text screen ({shot}) matches {rx!r}")


def check_serial(setup, expect, out, result):
    """`serial`: every regex matches the serial output."""
    for rx in expect.serial:
        if not re.search(rx, out.data):
            raise Fail(f"serial output never matched {rx!r}")


def check_memory_seen(setup, expect, out, result):
    """A "Memory : NNNMB" line (memtest86+), if any, gives the VM's size."""
    m = re.search(rb"Memory\s*:\s*(\d+)MB", out.data)
    if m:
        result["memory_mib"] = seen = int(m.group(1))
        if not setup.memory_mib - 2 <= seen <= setup.memory_mib:
            raise Fail(f"the kernel saw {seen} MB of a {setup.memory_mib} MiB VM")


# --- probe kernels -----------------------------------------------------------------

def check_probe_checks(setup, expect, out, result):
    """No check of the probe failed."""
    fails = [l for l in out.lines if l.startswith(b"PROBE: ") and b": FAIL" in l]
    if fails:
        raise Fail(fails[0].decode("utf-8", "replace"))


def check_probe_rng(setup, expect, out, result):
    """The RNG seed the probe found (its CRC-32 to result["rng_seed_crc32"])."""
    seeds = [m.group(1).decode() for m in map(PROBE_SEED.match, out.lines) if m]
    want = 0 if expect.probe_rng == "none" else 1
    if len(seeds) != want:
        raise Fail(f"{len(seeds)} 'PROBE: INFO rng seed crc32' lines, expected {want} "
                   f"(probe.rng={expect.probe_rng})")
    result["rng_seed_crc32"] = seeds[0] if seeds else None


def check_probe_entry(setup, expect, out, result):
    """The entry by which the probe was started."""
    entries = [l for l in out.lines if l.startswith(b"PROBE: ENTRY ")]
    if entries != [b"PROBE: ENTRY " + expect.probe_entry.encode()]:
        raise Fail(f"probe entries {entries!r}, expected {expect.probe_entry}")


def check_probe_kaslr(setup, expect, out, result):
    """On OVMF (probe.kaslr=1): the probe's own KASLR checks ran (boot_params
    entries; PVH's start_info has no EFI map, and that entry runs no decompressor)."""
    result["kaslr"] = [l[len(b"PROBE: INFO "):].decode("utf-8", "replace")
                       for l in out.lines if l.startswith(b"PROBE: INFO kaslr")]
    want = [] if expect.probe_entry == "pvh" else ["kaslr.memmap", "kaslr.rsdp", "kaslr.setup_data"]
    if expect.probe_rng == "efi":
        want.append("kaslr.rng_seed")
    for name in want:
        if b"PROBE: " + name.encode() + b": ok" not in out.lines:
            raise Fail(f"no 'PROBE: {name}: ok' line (probe.kaslr=1)")


def cmdline_is(out, marker, expected):
    """The marker's value is the expected command line, byte for byte."""
    got = pl.marker(out.lines, marker)
    if got != expected.encode():
        raise Fail(f"{marker} is {got!r}, expected {expected.encode()!r}")


def check_probe_cmdline(setup, expect, out, result):
    """The command line the probe was given, byte for byte."""
    cmdline_is(out, "PROBE: CMDLINE", expect.cmdline)


def check_probe_verdict(setup, expect, out, result):
    """The probe's PASS line and its pass code as QEMU's exit status."""
    if not any(l.startswith(b"PROBE: RESULT PASS ") for l in out.lines):
        raise Fail("no 'PROBE: RESULT PASS' line")
    if out.rc != PROBE_PASS:
        raise Fail(f"QEMU exit status {out.rc}, expected {PROBE_PASS} (the probe's pass code)")


# --- Linux with the test initramfs ----------------------------------------------------

def check_done(setup, expect, out, result):
    """The initramfs got to CL-DONE (else: a panic, a timeout or an exit)."""
    if b"CL-DONE" not in out.lines:
        panic = [l for l in out.lines if b"Kernel panic - not syncing" in l]
        why = f" ({panic[0].decode('utf-8', 'replace')})" if panic else ""
        if out.rc is None:
            raise Fail(f"timeout after {setup.timeout:.0f} s, no CL-DONE{why}")
        raise Fail(f"QEMU exited ({out.rc}) without CL-DONE{why}")


def check_cmdline(setup, expect, out, result):
    """/proc/cmdline byte for byte."""
    cmdline_is(out, "CL-CMDLINE", expect.cmdline)


def check_payload(setup, expect, out, result):
    """The initramfs's random payload arrived intact (its SHA-256)."""
    got = pl.marker(out.lines, "CL-PAYLOAD-SHA256").decode("ascii", "replace")
    want = Path(f"{out.initrd}.sha256").read_text().strip()
    if got != want:
        raise Fail(f"CL-PAYLOAD-SHA256 is {got}, expected {want}")


def check_memtotal(setup, expect, out, result):
    """MemTotal within [min_memtotal_kb (at least 1), the VM's RAM]."""
    result["memtotal_kb"] = mem = pl.int_marker(out.lines, "CL-MEMTOTAL-KB")
    if not max(expect.min_memtotal_kb, 1) <= mem <= setup.memory_mib * 1024:
        raise Fail(f"CL-MEMTOTAL-KB {mem} outside [{expect.min_memtotal_kb} KiB, {setup.memory_mib} MiB]")


def check_extra_initrds(setup, expect, out, result):
    """The files of every initrd module reached the kernel (CL-EXTRA)."""
    extra = pl.marker(out.lines, "CL-EXTRA").decode("ascii", "replace")
    want = " ".join(str(n) for n in range(1, 2 + setup.extra_initrds))
    if extra != want:
        raise Fail(f"CL-EXTRA is {extra!r}: the kernel saw the files of initrds {extra!r}, expected {want!r}")


def check_e820(setup, expect, out, result):
    """The kernel's e820 view: usable ranges, at least min_e820_total entries."""
    result["e820_usable"] = usable = pl.int_marker(out.lines, "CL-E820-USABLE")
    result["e820_total"] = total = pl.int_marker(out.lines, "CL-E820-TOTAL")
    if usable < 2:
        raise Fail(f"CL-E820-USABLE is {usable}, expected >= 2")
    if total < expect.min_e820_total:
        raise Fail(f"CL-E820-TOTAL is {total}, expected >= {expect.min_e820_total}")
    if total < usable:
        raise Fail(f"CL-E820-TOTAL {total} < CL-E820-USABLE {usable}")


def check_efi_acpi(setup, expect, out, result):
    """EFI runtime services on UEFI (not by PVH) and the ACPI tables, as the kernel saw them."""
    efi = pl.marker(out.lines, "CL-EFI").decode()
    # PVH's start_info has no field for the EFI system table (README, Limits)
    want = "yes" if setup.firmware == "uefi" and "entry=pvh" not in setup.loader_opts else "no"
    if efi != want:
        raise Fail(f"CL-EFI is {efi} (/sys/firmware/efi), expected {want} on {setup.firmware}")
    result["acpi_tables"] = tables = pl.int_marker(out.lines, "CL-ACPI-TABLES")
    if tables < 3:
        raise Fail(f"CL-ACPI-TABLES is {tables}: the kernel did not find the ACPI tables")


def expected_fb(setup, expect):
    if expect.fb == "auto":
        return {"bios": "0 VESA VGA", "uefi": "0 EFI VGA"}[setup.firmware] if setup.boot == "chainloader" else None
    return expect.fb


def check_fb(setup, expect, out, result):
    """One CL-FB line; the first framebuffer in /proc/fb, where the scenario says."""
    fb = pl.marker(out.lines, "CL-FB").decode("utf-8", "replace")
    want = expected_fb(setup, expect)
    if want is not None and fb != want:
        raise Fail(f"CL-FB is {fb!r} (/proc/fb), expected {want!r}")


def read_tpm(out, result):
    """The measured-boot markers into the result, and the TPM log and PCRs."""
    for key, name in (("secureboot", "CL-SECUREBOOT"), ("efi_tables", "CL-EFI-TABLES"),
                      ("rng_seed", "CL-RNG-SEED"), ("tpm_log", "CL-TPM-LOG")):
        result[key] = pl.optional_marker(out.lines, name)
    try:
        log, pcrs = tpm_replay.from_serial(out.lines)
    except tpm_replay.LogError as e:
        raise Fail(f"TPM event log: {e}")
    if pcrs:
        result["pcr_sha256"] = {p: v.hex() for p, v in sorted(pcrs.items())}
    return log, pcrs


def check_measured_boot_markers(setup, expect, out, result):
    """Every Linux boot: the TPM event log, if any, parses from the serial
    output (recorded with the other measured-boot markers); with a TPM, the
    kernel read its PCRs 0..9."""
    _, pcrs = read_tpm(out, result)
    if setup.tpm and sorted(pcrs) != list(range(10)):
        raise Fail(f"CL-PCR-SHA256 lines for PCRs {sorted(pcrs)}, expected 0..9: "
                   f"the kernel did not find the TPM")


def check_secureboot(setup, expect, out, result):
    """The kernel's secure-boot line (CL-SECUREBOOT)."""
    got = pl.marker(out.lines, "CL-SECUREBOOT").decode("utf-8", "replace")
    if got != expect.secureboot:
        raise Fail(f"CL-SECUREBOOT is {got!r}, expected {expect.secureboot!r}")


def check_efi_tables(setup, expect, out, result):
    """The EFI configuration tables the kernel listed (CL-EFI-TABLES)."""
    tables = pl.marker(out.lines, "CL-EFI-TABLES").decode("utf-8", "replace")
    for rx in expect.efi_tables:
        if not re.search(rx, tables):
            raise Fail(f"CL-EFI-TABLES {tables!r} does not match {rx!r}")
    for rx in expect.reject_efi_tables:
        if re.search(rx, tables):
            raise Fail(f"CL-EFI-TABLES {tables!r} matches {rx!r}, which must not appear")


def check_no_tpm_log(setup, expect, out, result):
    """`tpm_log="none"`: the kernel has no TPM event log."""
    log, _ = read_tpm(out, result)
    got = pl.marker(out.lines, "CL-TPM-LOG").decode("utf-8", "replace")
    if got != "none" or log is not None:
        raise Fail(f"CL-TPM-LOG is {got!r}: the kernel has a TPM event log, expected none")


def check_tpm_replay(setup, expect, out, result):
    """The kernel's TPM event log replays (SHA-256) to the PCRs 0..9 it read,
    and the GRUB modules measured are the scenario's GRUB's."""
    log, pcrs = read_tpm(out, result)
    size = pl.marker(out.lines, "CL-TPM-LOG").decode("utf-8", "replace")
    if log is None:
        raise Fail(f"CL-TPM-LOG is {size!r}: no TPM event log to replay")
    if size != str(len(log)):
        raise Fail(f"CL-TPM-LOG says {size} bytes, the base64 between "
                   f"CL-TPM-LOG-BEGIN/END decodes to {len(log)}")
    if not pcrs:
        raise Fail("no CL-PCR-SHA256 lines: the kernel found no TPM")
    try:
        spec, events = tpm_replay.parse(log)
        replayed = tpm_replay.replay(spec, events)
    except tpm_replay.LogError as e:
        raise Fail(f"TPM event log: {e}")
    result["tpm_events"] = len(events)
    result["tpm_banks"] = sorted(tpm_replay.ALG_NAMES.get(a, f"0x{a:04x}")
                                 for a in spec.digest_sizes)
    diff = tpm_replay.compare(replayed, pcrs)
    if diff:
        raise Fail("TPM event log replay differs from the TPM: " + "; ".join(diff))
    result["tpm_replay"] = "PCRs 0..9 exact"
    result["grub_modules_measured"] = seen = grub_modules_measured(setup, events)
    if setup.grub != "2.06" and not seen:
        raise Fail("GRUB measured no module into PCR 9: nothing shows which GRUB ran")


def grub_modules_measured(setup, events):
    """The GRUB modules GRUB measured into PCR 9 (EV_IPL events naming
    (dev)/boot/grub/PLATFORM/X.mod) are the files of the GRUB the setup
    asks for, byte for byte (SHA-256): the proof, at run time, that this GRUB
    ran. Returns the modules' names."""
    plat = {"uefi": "x86_64-efi", "bios": "i386-pc"}[setup.firmware]
    src = pl.GRUB212_DIRS[setup.firmware] if setup.grub == "2.12" else Path("/usr/lib/grub") / plat
    seen = []
    for e in events:
        if e.pcr != 9 or e.type != 0xD or tpm_replay.ALG_SHA256 not in e.digests:  # EV_IPL
            continue
        path = e.data.rstrip(b"\0").decode("utf-8", "replace")
        m = re.fullmatch(r"\([^)]*\)/boot/grub/" + plat + r"/([\w.+-]+\.mod)", path)
        if not m:
            continue
        want = hashlib.sha256((src / m.group(1)).read_bytes()).digest()
        if e.digests[tpm_replay.ALG_SHA256] != want:
            raise Fail(f"GRUB measured {path} with SHA-256 {e.digests[tpm_replay.ALG_SHA256].hex()}, "
                       f"but {src / m.group(1)} has {want.hex()}: not GRUB {setup.grub}'s module")
        seen.append(m.group(1))
    return seen


# The kernel's EFI map with efi=debug (efi_print_memmap; Linux's own type
# names, the range's end inclusive), e.g.
#   efi: mem07: [Conventional|   |  |  |  |  |  |  |  |  |   |WB|WT|WC|UC] range=[0x...-0x...] (7MB)
KERNEL_EFI_MEM = re.compile(rb"efi: mem(\d+): \[([^|\]]*)[^\]]*\] range=\[0x([0-9a-f]+)-0x([0-9a-f]+)\]")
KERNEL_EFI_TYPES = ("Reserved", "Loader Code", "Loader Data", "Boot Code", "Boot Data", "Runtime Code",
                    "Runtime Data", "Conventional", "Unusable", "ACPI Reclaim", "ACPI Mem NVS", "MMIO",
                    "MMIO Port", "PAL Code", "Persistent", "Unaccepted")
EFI_CONVENTIONAL = 7
# The final EFI map as the loader printed it in verbose mode (half-open).
LOADER_EFI_MEM = re.compile(rb"^  EFI \[0x([0-9a-f]+), 0x([0-9a-f]+)\) type (\d+) attr 0x[0-9a-f]+$")
# What the loader placed that the kernel reads late, from its verbose lines:
# (regex with start and end groups, or start only (the RSDP: its 36 bytes),
# the name to report).
LOADER_READ_LATE = (
    (rb"^  \[0x([0-9a-f]+), 0x([0-9a-f]+)\) EFI memory map$", "EFI memory map"),
    (rb"^  \[0x([0-9a-f]+), 0x([0-9a-f]+)\) TPM event log \(LINUX_EFI_TPM_EVENT_LOG table\)$",
     "TPM event log (its pages)"),
    (rb"^TPM event log: .* as LINUX_EFI_TPM_EVENT_LOG at \[0x([0-9a-f]+), 0x([0-9a-f]+)\)$",
     "LINUX_EFI_TPM_EVENT_LOG table"),
    (rb"^RNG seed: \d+ bytes from .* as LINUX_EFI_RANDOM_SEED at \[0x([0-9a-f]+), 0x([0-9a-f]+)\)$",
     "LINUX_EFI_RANDOM_SEED table"),
    (rb"^  \[0x([0-9a-f]+), 0x([0-9a-f]+)\) ACPI RSDP \(copy\)$", "ACPI RSDP (copy)"),
    (rb"^ACPI RSDP: not in the firmware's tables; GRUB's copy at 0x([0-9a-f]+) ", "ACPI RSDP (copy)"),
    (rb"^ACPI RSDP: (?:not found by the firmware tables, )?0x([0-9a-f]+)(?: |$)", "ACPI RSDP"),
)
RSDP_V2_LEN = 36


def kernel_efi_map(lines):
    """The first map the kernel printed (efi_init; with efi=debug it prints
    the runtime map again later, from mem00): [(index, start, end, type, line)],
    end exclusive; and how many maps it printed."""
    maps = []
    for l in lines:
        m = KERNEL_EFI_MEM.search(l)
        if not m:
            continue
        index = int(m.group(1))
        if index == 0:
            maps.append([])
        if not maps or index != len(maps[-1]):
            raise Fail(f"kernel EFI map line out of order: {l!r}")
        name = m.group(2).decode().strip()
        if name.startswith("type="):
            etype = int(name[5:])
        elif name in KERNEL_EFI_TYPES:
            etype = KERNEL_EFI_TYPES.index(name)
        else:
            raise Fail(f"kernel EFI map line with an unknown type {name!r}: {l!r}")
        maps[-1].append((index, int(m.group(3), 16), int(m.group(4), 16) + 1, etype,
                         l[m.start():].decode("utf-8", "replace")))
    return (maps[0] if maps else []), len(maps)


def check_kaslr(setup, expect, out, result):
    """`kaslr_safe`: nothing the loader placed that the kernel reads late
    lies in a Conventional range of the EFI map the kernel printed. Records
    each range and the types it lies in (result["kaslr"]), and with
    record_efi_maps both maps' lines."""
    clean = out.clean
    kmap, printed = kernel_efi_map(clean)
    if not kmap:
        raise Fail("the kernel printed no 'efi: memNN' lines: efi=debug missing from its command line?")
    lmap = [(int(m.group(1), 16), int(m.group(2), 16), int(m.group(3)), l.decode())
            for l, m in ((l, LOADER_EFI_MEM.match(l)) for l in clean) if m]
    if not lmap:
        raise Fail("no '  EFI [...) type N' lines: the loader's verbose final EFI map is missing")
    result["kaslr_kernel_map"] = f"{len(kmap)} descriptors ({printed} maps printed)"
    result["kaslr_kernel_map_is_loader_map"] = same = (
        [(s, e, t) for _, s, e, t, _ in kmap] == [(s, e, t) for s, e, t, _ in lmap])
    if expect.record_efi_maps:
        result["loader_efi_map"] = [l for *_, l in lmap]
        result["kernel_efi_map"] = [l for *_, l in kmap]
    ranges = []
    for rx, what in LOADER_READ_LATE:
        for l in clean:
            m = re.search(rx, l)
            if not m:
                continue
            start = int(m.group(1), 16)
            end = int(m.group(2), 16) if m.re.groups > 1 else start + RSDP_V2_LEN
            if start and (what, start, end) not in ranges and not (
                    what == "ACPI RSDP" and any(r[1] == start for r in ranges)):
                ranges.append((what, start, end))
    need = ["EFI memory map", "ACPI RSDP"]
    if setup.tpm:
        need += ["TPM event log (its pages)", "LINUX_EFI_TPM_EVENT_LOG table"]
    if setup.rng:
        need.append("LINUX_EFI_RANDOM_SEED table")
    for what in need:
        if not any(r[0] == what or r[0] == what + " (copy)" for r in ranges):
            raise Fail(f"no verbose loader line gives the {what}")

    result["kaslr"] = notes = []
    bad = None
    for what, start, end in ranges:
        khit = [d for d in kmap if d[1] < end and start < d[2]]
        lhit = [d for d in lmap if d[0] < end and start < d[1]]
        ktext = " + ".join(f"mem{i:02d} {KERNEL_EFI_TYPES[t] if t < len(KERNEL_EFI_TYPES) else t}"
                           for i, _, _, t, _ in khit) or "no descriptor"
        ltext = " + ".join(f"type {t}" for _, _, t, _ in lhit) or "no descriptor"
        notes.append(f"{what} [0x{start:x}, 0x{end:x}): kernel's map {ktext}; loader's final map {ltext}")
        conv = [d for d in khit if d[3] == EFI_CONVENTIONAL]
        if conv and bad is None:
            i, s, e, _, _ = conv[0]
            bad = (f"KASLR: {what} [0x{start:x}, 0x{end:x}) overlaps the kernel's mem{i:02d} "
                   f"Conventional [0x{s:x}, 0x{e:x}): its decompressor may land there")
    if not same:
        notes.append("note: the kernel's map differs from the loader's final map")
    if bad:
        raise Fail(bad)


def check_poweroff(setup, expect, out, result):
    """After CL-DONE the init powers the VM off: QEMU exits by itself."""
    if out.rc is None:
        raise Fail("QEMU did not power off after CL-DONE")


# --- dispatch ----------------------------------------------------------------------

def _loader(s, e):
    return s.via_loader and e.kind != "error"


# (check, applies to (setup, expect)), in the order they run; the first miss fails the boot.
CHECKS = (
    (check_error_line, lambda s, e: e.kind == "error"),
    (check_halted, lambda s, e: e.kind == "error"),
    (check_error_screen, lambda s, e: e.kind == "error" and e.screen_min_pixels),
    (check_no_loader_error, _loader),
    (check_quiet, lambda s, e: _loader(s, e) and e.quiet),
    (check_banner, lambda s, e: _loader(s, e) and not e.quiet),
    (check_loader_lines, lambda s, e: _loader(s, e) and e.loader),
    (check_reject_loader, lambda s, e: _loader(s, e) and e.reject_loader),
    (check_vga_screen, lambda s, e: e.kind == "vga"),
    (check_serial, lambda s, e: e.kind in ("vga", "serial")),
    (check_memory_seen, lambda s, e: e.kind == "serial"),
    (check_probe_checks, lambda s, e: e.kind == "probe"),
    (check_probe_rng, lambda s, e: e.kind == "probe"),
    (check_probe_entry, lambda s, e: e.kind == "probe"),
    (check_probe_kaslr, lambda s, e: e.kind == "probe" and s.firmware == "uefi"),
    (check_probe_cmdline, lambda s, e: e.kind == "probe"),
    (check_probe_verdict, lambda s, e: e.kind == "probe"),
    (check_done, lambda s, e: e.kind == "linux"),
    (check_cmdline, lambda s, e: e.kind == "linux"),
    (check_payload, lambda s, e: e.kind == "linux"),
    (check_memtotal, lambda s, e: e.kind == "linux"),
    (check_extra_initrds, lambda s, e: e.kind == "linux"),
    (check_e820, lambda s, e: e.kind == "linux"),
    (check_efi_acpi, lambda s, e: e.kind == "linux"),
    (check_fb, lambda s, e: e.kind == "linux"),
    (check_measured_boot_markers, lambda s, e: e.kind == "linux"),
    (check_secureboot, lambda s, e: e.kind == "linux" and e.secureboot is not None),
    (check_efi_tables, lambda s, e: e.kind == "linux" and (e.efi_tables or e.reject_efi_tables)),
    (check_no_tpm_log, lambda s, e: e.kind == "linux" and e.tpm_log == "none"),
    (check_tpm_replay, lambda s, e: e.kind == "linux" and e.tpm_replay),
    (check_kaslr, lambda s, e: e.kind == "linux" and e.kaslr_safe),
    (check_poweroff, lambda s, e: e.kind == "linux"),
)


def checks_for(setup, expect):
    """The check functions that apply, in order."""
    return [fn for fn, applies in CHECKS if applies(setup, expect)]


def check(setup, expect, out, result):
    """Run every check that applies; raise Fail on the first miss."""
    for fn in checks_for(setup, expect):
        fn(setup, expect, out, result)
