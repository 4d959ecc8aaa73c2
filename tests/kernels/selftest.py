#!/usr/bin/env python3
"""Self-test of the probe kernels, without chainloader where possible.

Boots the probes the ways that exist independently of chainloader and
checks what they report:
  - QEMU's own PVH boot (-kernel probe.elf): the PVH 32-bit entry;
  - GRUB 2's "linux" command (BIOS): the bzImage 32-bit entry, GRUB's
    type_of_loader 0x72 passed as probe.loader=0x72; GRUB 2.06 does not
    fill acpi_rsdp_addr (probe.rsdp=none), and leaves VGA text or, with
    "set gfxpayload=WxHxD", a framebuffer: its own "simple" one (0x70,
    probe.fb=efi) for QEMU's standard VGA, VESA (probe.fb=vlfb) for
    virtio-vga; under OVMF, GRUB fills efi_info (probe.firmware=uefi);
and the cases that must fail, to show the probes can fail: a wrong CRC, a
wrong memory size, an unknown probe.* argument, GRUB without
probe.loader=0x72 (type_of_loader 0x72 is not chainloader's 0xff), a BIOS
boot claimed to be UEFI, an RSDP expected where GRUB passes none, a
framebuffer expected in text mode, an RNG seed or a secure-boot state
where GRUB passes neither, and the kaslr checks (probe.kaslr=1) without an
EFI map and against GRUB's own EFI map copy in conventional memory.

    tests/kernels/selftest.py              every scenario
    tests/kernels/selftest.py --list       list them
    tests/kernels/selftest.py --only X     those whose name contains X
    tests/kernels/selftest.py --chainloader
        also boot the probes through build/chainloader.elf with
        entry=64, entry=32 and entry=pvh (needs a chainloader with them),
        under SeaBIOS and under OVMF (UEFI; needs /usr/share/OVMF)

Prints "PASS name" or "FAIL name: reason" per scenario, then
"N passed, N failed"; exits 1 if any failed. Logs: build/kernels/selftest/.
"""

import argparse
import dataclasses
import os
import random
import subprocess
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("BUILD", "build")
KDIR = BUILD / "kernels"
OUT = KDIR / "selftest"
MKISO = ROOT / "tests" / "qemu" / "mkiso.sh"
LOADER = BUILD / "chainloader.elf"

EXIT_PASS, EXIT_FAIL, EXIT_EXCEPTION = 99, 97, 101  # isa-debug-exit codes 0x31, 0x30, 0x32
INITRD_SIZE = 300_001          # odd on purpose: no page-size luck
OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")
# OVMF keeps more memory for itself than SeaBIOS (about 6.5 MiB of usable
# RAM: ACPI tables and NVS, runtime services, its reserved ranges): the
# memory checks get this tolerance there.
UEFI_SLACK = "probe.mem_slack_mib=8"


@dataclasses.dataclass
class Scenario:
    name: str
    boot: str                 # "pvh" (QEMU -kernel), "grub-linux", "chainloader"
    args: str                 # probe.* arguments as written in the boot config
    expect_rc: int
    expect_entry: str | None  # "PROBE: ENTRY <x>", None: the probe must not run
    expect_fail: tuple = ()   # check names that must report FAIL
    kernel: str = "probe.elf"
    mem_mib: int = 512
    initrd: bool = True
    loader_opts: str = ""
    cmdline_prefix: str = ""  # what the loader puts before args
    timeout: float = 60.0
    firmware: str = "bios"    # "bios" (SeaBIOS) or "uefi" (OVMF)
    pre: str = ""             # GRUB commands before the boot commands
    post: str = ""            # GRUB commands after them (multiboot2 sets gfxpayload itself)
    qemu_extra: tuple = ()    # more QEMU arguments


# GRUB 2's linux command: type_of_loader 0x72, no acpi_rsdp_addr (GRUB 2.06
# fills it only on Xen PVH builds), its kernel path before the arguments.
GRUB_ARGS = "probe.loader=0x72 probe.rsdp=none"
GRUB_PREFIX = "BOOT_IMAGE=/boot/probe.bzImage "
GRUB_FB = "  set gfxpayload=1024x768x32\n"
# QEMU's virtio-vga: GRUB has no native driver for it, so it sets the mode
# through the VESA BIOS (SeaBIOS' vgabios-virtio).
VBE_VGA = ("-vga", "virtio")


def probe_args(mem=512, size=INITRD_SIZE, crc=None, extra=""):
    crc = crc if crc is not None else initrd_crc()
    a = f"probe.mem_mib={mem} probe.initrd_size={size}"
    if size:
        a += f" probe.initrd_crc32={crc:08x}"
    return (a + " " + extra).strip()


_initrd = None


def initrd_bytes():
    global _initrd
    if _initrd is None:
        _initrd = random.Random(1).randbytes(INITRD_SIZE)
    return _initrd


def initrd_crc():
    return zlib.crc32(initrd_bytes())


def scenarios():
    s = [
        Scenario("pvh-qemu", "pvh", probe_args(), EXIT_PASS, "pvh"),
        Scenario("pvh-qemu-4g", "pvh", probe_args(mem=4096), EXIT_PASS, "pvh", mem_mib=4096),
        Scenario("pvh-qemu-noinitrd", "pvh", probe_args(size=0), EXIT_PASS, "pvh", initrd=False),
        Scenario("pvh-qemu-bad-crc", "pvh", probe_args(crc=initrd_crc() ^ 1), EXIT_FAIL, "pvh",
                 expect_fail=("initrd.crc32",)),
        Scenario("pvh-qemu-bad-mem", "pvh", probe_args(mem=1024), EXIT_FAIL, "pvh",
                 expect_fail=("mem.total", "mem.top")),
        Scenario("pvh-qemu-bad-param", "pvh", probe_args(extra="probe.mem_mb=512"), EXIT_FAIL,
                 "pvh", expect_fail=("params",)),
        Scenario("pvh-qemu-fault", "pvh", probe_args(extra="probe.fault=1"), EXIT_EXCEPTION, "pvh"),
        # start_info has no field for a seed: only probe.rng=none can pass.
        Scenario("pvh-qemu-rng-setup", "pvh", probe_args(extra="probe.rng=setup"), EXIT_FAIL, "pvh",
                 expect_fail=("rng.pvh",)),
        # GRUB 2.06's linux (BIOS) passes no RNG seed and leaves secure_boot 0.
        Scenario("bz32-grub", "grub-linux",
                 probe_args(extra=GRUB_ARGS + " probe.rng=none probe.secure_boot=0"), EXIT_PASS,
                 "bzimage32", kernel="probe.bzImage", cmdline_prefix=GRUB_PREFIX),
        # GRUB's own driver for QEMU's VGA (bochs) makes a "simple"
        # framebuffer (0x70, as EFI); without it GRUB uses VESA (0x23).
        Scenario("bz32-grub-fb", "grub-linux", probe_args(extra=GRUB_ARGS + " probe.fb=efi"),
                 EXIT_PASS, "bzimage32", kernel="probe.bzImage", cmdline_prefix=GRUB_PREFIX,
                 pre=GRUB_FB),
        Scenario("bz32-grub-vlfb", "grub-linux", probe_args(extra=GRUB_ARGS + " probe.fb=vlfb"),
                 EXIT_PASS, "bzimage32", kernel="probe.bzImage", cmdline_prefix=GRUB_PREFIX,
                 pre=GRUB_FB, qemu_extra=VBE_VGA),
        Scenario("bz32-grub-wrong-loader", "grub-linux", probe_args(extra="probe.rsdp=none"), EXIT_FAIL,
                 "bzimage32", expect_fail=("bp.loader", "bp.boot_flag", "fb.none"),
                 kernel="probe.bzImage", cmdline_prefix=GRUB_PREFIX),
        # GRUB's linux command under OVMF: GRUB fills efi_info itself, so the
        # EFI checks are seen to pass without chainloader. bz.header fails
        # for GRUB's sake: when pref_address is taken (OVMF uses it), GRUB
        # 2.06's allocate_pages lowers kernel_alignment one step too far
        # (0x200000 < 1 << min_alignment), though it loads at 4 MiB alignment.
        Scenario("bz32-grub-uefi", "grub-linux",
                 probe_args(extra=f"{GRUB_ARGS} probe.firmware=uefi probe.fb=efi {UEFI_SLACK}"),
                 EXIT_FAIL, "bzimage32", expect_fail=("bz.header",), kernel="probe.bzImage",
                 cmdline_prefix=GRUB_PREFIX, firmware="uefi"),
        # probe.kaslr=1 against GRUB's own linux under OVMF: GRUB 2.06 copies
        # the EFI map into low memory that the map itself calls conventional
        # (below 1 MiB, where Linux's decompressor, whose lowest choice is
        # min(its load address, 512 MiB), would not go in practice; the rule
        # is stricter than that on purpose), so kaslr.memmap must fail; on
        # SeaBIOS there is no EFI map to check against at all.
        Scenario("bz32-grub-uefi-kaslr", "grub-linux",
                 probe_args(extra=f"{GRUB_ARGS} probe.firmware=uefi probe.fb=efi {UEFI_SLACK} probe.kaslr=1"),
                 EXIT_FAIL, "bzimage32", expect_fail=("bz.header", "kaslr.memmap"), kernel="probe.bzImage",
                 cmdline_prefix=GRUB_PREFIX, firmware="uefi"),
        Scenario("bz32-grub-kaslr-bios", "grub-linux", probe_args(extra=GRUB_ARGS + " probe.kaslr=1"),
                 EXIT_FAIL, "bzimage32", expect_fail=("kaslr.memmap",), kernel="probe.bzImage",
                 cmdline_prefix=GRUB_PREFIX),
        # A BIOS boot claimed to be UEFI; an RSDP expected where GRUB gives
        # none; a framebuffer expected in text mode, and the wrong kind.
        Scenario("bz32-grub-not-uefi", "grub-linux", probe_args(extra=GRUB_ARGS + " probe.firmware=uefi"),
                 EXIT_FAIL, "bzimage32", expect_fail=("efi.signature", "efi.systab", "efi.memmap"),
                 kernel="probe.bzImage", cmdline_prefix=GRUB_PREFIX),
        Scenario("bz32-grub-no-rsdp", "grub-linux", probe_args(extra="probe.loader=0x72"), EXIT_FAIL,
                 "bzimage32", expect_fail=("acpi.rsdp",), kernel="probe.bzImage",
                 cmdline_prefix=GRUB_PREFIX),
        Scenario("bz32-grub-text-not-fb", "grub-linux", probe_args(extra=GRUB_ARGS + " probe.fb=efi"),
                 EXIT_FAIL, "bzimage32", expect_fail=("fb.type",), kernel="probe.bzImage",
                 cmdline_prefix=GRUB_PREFIX),
        Scenario("bz32-grub-vlfb-not-efi", "grub-linux", probe_args(extra=GRUB_ARGS + " probe.fb=efi"),
                 EXIT_FAIL, "bzimage32", expect_fail=("fb.type",), kernel="probe.bzImage",
                 cmdline_prefix=GRUB_PREFIX, pre=GRUB_FB, qemu_extra=VBE_VGA),
        # A SETUP_RNG_SEED node and a secure-boot state expected from GRUB,
        # which passes neither (even with RDRAND, -cpu max).
        Scenario("bz32-grub-no-seed", "grub-linux",
                 probe_args(extra=GRUB_ARGS + " probe.rng=setup probe.secure_boot=2"), EXIT_FAIL,
                 "bzimage32", expect_fail=("rng.setup", "bp.secure_boot"), kernel="probe.bzImage",
                 cmdline_prefix=GRUB_PREFIX, qemu_extra=("-cpu", "max")),
    ]
    # chainloader asks GRUB for a framebuffer: on SeaBIOS it passes it as VESA
    # (0x23), on OVMF as EFI (0x70); with gfxpayload=text, VGA text. On OVMF
    # the kaslr checks too (PVH: noted, not checked).
    bios, uefi = "probe.fb=vlfb", f"probe.firmware=uefi probe.fb=efi {UEFI_SLACK} probe.kaslr=1"
    cl = [
        Scenario("cl-bz64", "chainloader", probe_args(extra=bios), EXIT_PASS, "bzimage64",
                 kernel="probe.bzImage", loader_opts="entry=64"),
        Scenario("cl-bz32", "chainloader", probe_args(extra=bios), EXIT_PASS, "bzimage32",
                 kernel="probe.bzImage", loader_opts="entry=32"),
        Scenario("cl-elf64", "chainloader", probe_args(extra=bios), EXIT_PASS, "elf64",
                 loader_opts="entry=64"),
        Scenario("cl-pvh", "chainloader", probe_args(), EXIT_PASS, "pvh", loader_opts="entry=pvh"),
        Scenario("cl-bz64-4g", "chainloader", probe_args(mem=4096, extra=bios), EXIT_PASS, "bzimage64",
                 kernel="probe.bzImage", loader_opts="entry=64", mem_mib=4096),
        Scenario("cl-bz64-text", "chainloader", probe_args(), EXIT_PASS, "bzimage64",
                 kernel="probe.bzImage", loader_opts="entry=64", post="  set gfxpayload=text\n"),
        Scenario("cl-uefi-bz64", "chainloader", probe_args(extra=uefi), EXIT_PASS, "bzimage64",
                 kernel="probe.bzImage", loader_opts="entry=64", firmware="uefi"),
        Scenario("cl-uefi-bz32", "chainloader", probe_args(extra=uefi), EXIT_PASS, "bzimage32",
                 kernel="probe.bzImage", loader_opts="entry=32", firmware="uefi"),
        Scenario("cl-uefi-elf64", "chainloader", probe_args(extra=uefi), EXIT_PASS, "elf64",
                 loader_opts="entry=64", firmware="uefi"),
        Scenario("cl-uefi-pvh", "chainloader", probe_args(extra=f"{UEFI_SLACK} probe.kaslr=1"), EXIT_PASS, "pvh",
                 loader_opts="entry=pvh", firmware="uefi"),
        Scenario("cl-uefi-bz64-4g", "chainloader", probe_args(mem=4096, extra=uefi), EXIT_PASS,
                 "bzimage64", kernel="probe.bzImage", loader_opts="entry=64", mem_mib=4096,
                 firmware="uefi"),
        # A BIOS boot claimed to be UEFI, and the other way round.
        Scenario("cl-bz64-not-uefi", "chainloader", probe_args(extra="probe.fb=vlfb probe.firmware=uefi"),
                 EXIT_FAIL, "bzimage64", expect_fail=("efi.signature", "efi.systab", "efi.memmap"),
                 kernel="probe.bzImage", loader_opts="entry=64"),
        Scenario("cl-uefi-not-bios", "chainloader", probe_args(extra=f"probe.fb=efi {UEFI_SLACK}"),
                 EXIT_FAIL, "bzimage64", expect_fail=("efi.none",), kernel="probe.bzImage",
                 loader_opts="entry=64", firmware="uefi"),
        # The loader must refuse: the probe must never start.
        Scenario("cl-nopvh-refused", "chainloader", probe_args(), -1, None,
                 kernel="probe-nopvh.elf", loader_opts="entry=pvh", timeout=20),
    ]
    return s, cl


def qemu_base(sc, log):
    cmd = ["qemu-system-x86_64", "-m", str(sc.mem_mib), "-display", "none", "-no-reboot",
           "-nic", "none", "-serial", f"file:{log}",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=4", *sc.qemu_extra]
    if sc.firmware == "uefi":
        nvram = OUT / f"{sc.name}.vars.fd"  # OVMF writes its variables: a fresh copy each run
        nvram.write_bytes(OVMF_VARS.read_bytes())
        cmd += ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,file={nvram}"]
    return cmd


def command(sc, initrd):
    log = OUT / f"{sc.name}.serial.log"
    kernel = KDIR / sc.kernel
    if sc.boot == "pvh":
        cmd = qemu_base(sc, log) + ["-kernel", str(kernel), "-append", sc.args]
        if sc.initrd:
            cmd += ["-initrd", str(initrd)]
        return cmd, log
    if sc.boot == "grub-linux":
        body = sc.pre + f"  linux /boot/{sc.kernel} {sc.args}\n"
        files = [f"{sc.kernel}={kernel}"]
    else:
        body = sc.pre + (f"  multiboot2 /boot/chainloader.elf {sc.loader_opts}\n"
                f"  module2 /boot/{sc.kernel} {sc.args}\n")
        files = [f"chainloader.elf={LOADER}", f"{sc.kernel}={kernel}"]
    if sc.initrd:
        body += "  initrd /boot/initrd.bin\n" if sc.boot == "grub-linux" else "  module2 /boot/initrd.bin\n"
        files.append(f"initrd.bin={initrd}")
    body += sc.post
    entry = OUT / f"{sc.name}.entry"
    entry.write_text(body)
    iso = OUT / f"{sc.name}.iso"
    subprocess.run([str(MKISO), str(iso), str(entry)] + files, check=True)
    return qemu_base(sc, log) + ["-cdrom", str(iso), "-boot", "d"], log


def run(sc, initrd):
    cmd, log = command(sc, initrd)
    (OUT / f"{sc.name}.qemu.cmd").write_text(" ".join(cmd) + "\n")
    try:
        rc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, timeout=sc.timeout).returncode
    except subprocess.TimeoutExpired:
        rc = -1
    text = log.read_bytes().decode("latin-1") if log.exists() else ""
    lines = [l.rstrip("\r") for l in text.split("\n")]
    probe = [l[l.index("PROBE: "):] for l in lines if "PROBE: " in l]

    if sc.expect_entry is None:
        if any(l.startswith("PROBE: ENTRY") for l in probe) or rc == EXIT_PASS:
            return "the probe ran, but the loader should have refused it"
        return None
    if f"PROBE: ENTRY {sc.expect_entry}" not in probe:
        return f"no 'PROBE: ENTRY {sc.expect_entry}' (exit {rc})"
    want_cmdline = "PROBE: CMDLINE: " + sc.cmdline_prefix + sc.args
    got = [l for l in probe if l.startswith("PROBE: CMDLINE: ")]
    if got != [want_cmdline]:
        return f"command line {got!r}, expected {want_cmdline!r}"
    failed = sorted(l.split(":")[1].strip() for l in probe if ": FAIL" in l and "RESULT" not in l)
    if sorted(sc.expect_fail) != failed:
        return f"failed checks {failed}, expected {sorted(sc.expect_fail)}"
    result = [l for l in probe if l.startswith("PROBE: RESULT ")]
    want_result = "PROBE: RESULT PASS" if sc.expect_rc == EXIT_PASS else "PROBE: RESULT FAIL"
    if sc.expect_rc == EXIT_EXCEPTION:
        want_result = "PROBE: RESULT FAIL exception 14"
        if not any(l.startswith("PROBE: EXCEPTION vector=14 ") for l in probe):
            return "no 'PROBE: EXCEPTION vector=14' line"
    if len(result) != 1 or not result[0].startswith(want_result):
        return f"result line {result!r}, expected '{want_result} ...'"
    if rc != sc.expect_rc:
        return f"exit status {rc}, expected {sc.expect_rc}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--chainloader", action="store_true")
    a = ap.parse_args()
    own, cl = scenarios()
    todo = own + (cl if a.chainloader else [])
    if a.only:
        todo = [s for s in todo if any(o in s.name for o in a.only)]
    if a.list:
        for s in own + cl:
            print(s.name)
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    initrd = OUT / "initrd.bin"
    initrd.write_bytes(initrd_bytes())
    passed = failed = 0
    for sc in todo:
        why = run(sc, initrd)
        if why:
            failed += 1
            print(f"FAIL {sc.name}: {why} (log {OUT / (sc.name + '.serial.log')})", flush=True)
        else:
            passed += 1
            print(f"PASS {sc.name}", flush=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
