#!/usr/bin/env python3
"""QEMU boot tests for chainloader.

Each scenario builds a GRUB ISO (tests/qemu/mkiso.sh), boots it headless in
QEMU with the serial port logged to build/qemu/<name>.serial.log, and checks
the CL-* marker lines that the test initramfs (tests/qemu/initramfs/init)
prints once Linux is up.

    tests/qemu/run_tests.py            run every scenario
    tests/qemu/run_tests.py --list     list the scenarios
    tests/qemu/run_tests.py --only X   run the scenarios whose name contains X

Prints "PASS name (12.3 s)" (seconds from QEMU start to CL-DONE) or
"FAIL name: reason" per scenario, then "N passed, N failed"; exits 1 if any
failed. Timings and the other marker values go to build/qemu/results.json.
"""

import argparse
import dataclasses
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import screendump  # tests/qemu/screendump.py
import tpm_replay  # tests/qemu/tpm_replay.py

ROOT = Path(__file__).resolve().parents[2]
# Everything generated goes under $BUILD (default: build/ of the repo).
BUILD = ROOT / os.environ.get("BUILD", "build")
QDIR = BUILD / "qemu"
KDIR = BUILD / "kernels"
LOADER = BUILD / "chainloader.elf"
SCRIPTS = ROOT / "tests" / "qemu"

MEMTEST = Path("/boot/memtest86+x64.bin")  # Debian package memtest86+
# Linux-boot-protocol images GRUB boots only with linux16 (real mode):
IPXE_LKRN = Path("/usr/lib/ipxe/ipxe.lkrn")     # Debian package ipxe: protocol 2.07, code32_start 0
MEMDISK = Path("/usr/lib/syslinux/memdisk")     # Debian package syslinux-common: protocol 2.03
FLOPPY_SIGNATURE = b"CL-SECTOR-TWO-42"          # tests/qemu/floppy/boot.S compares sector 2 with it
OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")
# Debian 13's GRUB 2.12 module directories and OVMF 2025, as
# scripts/fetch-debian13.sh extracts them (Scenario.grub = "2.12",
# Scenario.ovmf = "2025").
DEBIAN13 = BUILD / "debian13"
GRUB212_DIRS = {"uefi": DEBIAN13 / "grub" / "x86_64-efi", "bios": DEBIAN13 / "grub" / "i386-pc"}
OVMF2025 = DEBIAN13 / "ovmf"

# Kernel arguments as written in grub.cfg. The quoted value is there on
# purpose: GRUB's parser removes the quotes, then GRUB re-quotes every
# argument holding a space around the whole argument when it builds the
# string it hands over (grub_create_loader_cmdline), for "linux" and for
# "module2" alike.
#
# No "quiet"/"loglevel=" here: the kernel's boot log on the serial port is
# the main evidence when a boot fails. Instead the init lowers the console
# log level (dmesg -n 1) before it prints the markers, so no kernel message
# can split a marker line.
GRUB_ARGS = 'console=ttyS0,115200 panic=-1 cl.test=1 cl.quoted="a b"'

# What /proc/cmdline must then read, byte for byte. Literals, checked
# against a real boot (grub-linux-amd64); never derived from the output of
# the loader under test.
# - multiboot2 "module2 FILE ARGS": the module string is ARGS only (no file
#   name), and chainloader passes it to Linux unchanged.
CMDLINE_MODULE2 = 'console=ttyS0,115200 panic=-1 cl.test=1 "cl.quoted=a b"'
# - GRUB's own "linux FILE ARGS" puts "BOOT_IMAGE=FILE " in front.
CMDLINE_GRUB_LINUX = ('BOOT_IMAGE=/boot/vmlinuz '
                      'console=ttyS0,115200 panic=-1 cl.test=1 "cl.quoted=a b"')
# efi=debug: the kernel prints the EFI memory map it was handed (efi: memNN
# lines), which the KASLR scenarios check against. Added to the grub.cfg
# arguments and to the expected /proc/cmdline alike (no quoting involved).
EFI_DEBUG_ARG = "efi=debug"


@dataclasses.dataclass
class Scenario:
    name: str
    # "grub-linux", "chainloader", "probe" (chainloader + a probe kernel) or
    # "qemu-direct" (QEMU's own -kernel loader: the floor for benchmarks)
    boot: str
    flavour: str               # Debian kernel flavour: amd64, cloud-amd64
    expect_cmdline: str        # exact /proc/cmdline, without its newline
    grub_args: str = GRUB_ARGS
    memory_mib: int = 512
    firmware: str = "bios"     # "bios" (SeaBIOS) or "uefi" (OVMF)
    payload_kib: int = 4096    # size of /payload.bin in the initramfs
    timeout: float = 150.0     # seconds before QEMU is killed
    loader_opts: str = ""      # words after chainloader.elf on the multiboot2 line
    grub_after_loader: str = ""  # grub.cfg commands right after the multiboot2 line
    # "bzimage" (vmlinuz), "vmlinux" (the ELF inside it), "memtest" (memtest86+),
    # or for probe scenarios the file under build/kernels (probe.elf, probe.bzImage)
    image: str = "bzimage"
    probe_entry: str = None    # the entry the probe must report (elf64, pvh, bzimage64, bzimage32)
    initrd_gz: bool = True     # gzip the initramfs (large payloads stay plain cpio)
    # "module2 --nounzip" for the initrd: GRUB hands it over as it is on disk
    # (by default GRUB gunzips gzip modules, and the initrd grows).
    initrd_nounzip: bool = False
    extra_initrds: int = 0     # more initrd modules, each adding /extra/N (N = 2, 3, ...)
    grub_pre: str = ""         # grub.cfg commands before the boot commands (cutmem ...)
    grub_post: str = ""        # grub.cfg commands after them (the entry then boots)
    # (name, regex) pairs: the seconds from QEMU's start to the first serial
    # output each matches go to the result's "marks" (bench phases).
    time_marks: tuple = ()
    qemu_extra: tuple = ()     # more QEMU arguments (make bench: -plugin ...)
    min_memtotal_kb: int = 0   # MemTotal the kernel must report at least
    min_e820_total: int = 0    # e820 entries the kernel must report at least
    # The framebuffer the kernel must list first in /proc/fb ("none" for none),
    # or None not to check. chainloader scenarios: derived from the firmware.
    expect_fb: str = "auto"
    # Regexes (bytes) that must match some loader line, e.g. verbose output.
    expect_loader: tuple = ()
    quiet: bool = False        # the loader must print nothing at all
    reject_loader: tuple = ()  # regexes (bytes) that no loader line may match
    # For failure scenarios: a regex the one "chainloader: error: ..." line must
    # match in full; the test then checks the CPU sits halted, interrupts off.
    expect_error: bytes = None
    # For kernels that are not Linux (memtest86+): regexes the serial output
    # must match; the boot ends once all have.
    expect_serial: tuple = ()
    # Failure scenarios: also dump the screen (build/qemu/<name>.png) and
    # require at least this many pixels off the background colour.
    screen_min_pixels: int = 0
    # Which GRUB builds the ISO: "2.06" (the machine's, Debian 12) or "2.12"
    # (Debian 13's module directory for the scenario's firmware, fetched by
    # scripts/fetch-debian13.sh; such an ISO boots on that firmware only).
    grub: str = "2.06"
    # Which OVMF runs a "uefi" scenario: "2022" (the machine's, Debian 12) or
    # "2025" (Debian 13's, fetched by scripts/fetch-debian13.sh).
    ovmf: str = "2022"
    # A software TPM 2.0 (swtpm, fresh state per boot) on QEMU's tpm-tis.
    tpm: bool = False
    rng: bool = False          # a virtio-rng-pci device (EFI_RNG_PROTOCOL on OVMF)
    # grub.cfg lines before the menu entry (mkiso.sh -p), e.g. "insmod tpm\n"
    # so that GRUB measures what it loads.
    grub_preamble: str = ""
    # `insmod all_video` in grub.cfg (mkiso.sh); False: GRUB loads no video
    # driver and passes no framebuffer, so a framebuffer comes from GOP or not at all.
    grub_video: bool = True
    # The TPM event log (CL-TPM-LOG) must parse and its SHA-256 replay must
    # equal the PCRs 0..9 the kernel read from the TPM (tests/qemu/tpm_replay.py).
    expect_tpm_replay: bool = False
    # "none": the kernel must have no TPM event log; None: not checked.
    expect_tpm_log: str = None
    # The exact CL-SECUREBOOT value (the kernel's line, e.g. "Secure boot
    # disabled", or "none"), or None not to check.
    expect_secureboot: str = None
    # Regexes (str) that must each match the CL-EFI-TABLES value (the kernel's
    # "efi: ACPI=0x... ..." configuration-table line), e.g. r"TPMEventLog=0x".
    expect_efi_tables: tuple = ()
    reject_efi_tables: tuple = ()  # regexes (str) that must not match it
    # Probe scenarios: the RNG seed the probe must find (probe.rng): "setup"
    # (a SETUP_RNG_SEED node), "efi" (the LINUX_EFI_RANDOM_SEED table) or "none".
    probe_rng: str = "none"
    # Boots of the same ISO, each checked in full. For a probe scenario that
    # expects a seed, the seeds' CRC-32s (PROBE: INFO rng seed crc32) must all
    # differ: a seed that is the same every boot is no seed.
    boots: int = 1
    # KASLR-safe placement (issue 17), for chainloader on OVMF with `verbose`
    # and the kernel booted with efi=debug: nothing the loader placed that the
    # kernel reads late (the EFI memory map, the TPM event log and RNG seed
    # tables, the RSDP) overlaps an EfiConventionalMemory range of the EFI map
    # the kernel printed, where its decompressor picks a random destination.
    expect_kaslr_safe: bool = False
    # Keep the loader's final EFI map lines and the kernel's efi: memNN lines
    # in results.json ("loader_efi_map", "kernel_efi_map").
    record_efi_maps: bool = False
    # Where GRUB puts chainloader.elf: "low" (as built: the lowest free
    # address from 1 MiB, its relocatable tag's preference) or "high" (a copy
    # whose tag asks for the highest address below its 2 GiB limit, so that
    # the image runs relocated, from its own relocation table).
    loader_placed: str = "low"
    # Whose kernel, vmlinux or memtest86+: "12" (the machine's release:
    # fetch-kernel.sh, /boot/memtest86+x64.bin) or "13" (Debian 13's,
    # fetched by package name by scripts/fetch-debian13.sh).
    debian: str = "12"
    # Only in `make test-full` (run_tests.py --full): the rest of a matrix
    # whose one boot per capability is in `make test`.
    full: bool = False
    # For images that write to the VGA text screen, not the serial port
    # (iPXE): regexes (str) that lines of the 80x25 text screen at 0xB8000,
    # read through the QEMU monitor about once a second, must match; the boot
    # ends once all have. The last screen goes to build/qemu/<name>.screen.txt.
    expect_vga: tuple = ()
    floppy: bool = False       # a test floppy image as the initrd (memdisk), see make_floppy
    # Network boot: GRUB's network image (grub-mknetdir: BIOS PXE, x86_64-efi)
    # from QEMU's own TFTP server (slirp), on a virtio NIC whose option ROM
    # (ipxe-qemu) is the PXE client on SeaBIOS; GRUB then fetches grub.cfg,
    # the loader, the kernel and the initrd over TFTP. No ISO.
    netboot: bool = False

    def menuentry(self):
        """Body of the GRUB menu entry."""
        return self.grub_pre + self.boot_commands() + self.grub_post

    def boot_commands(self):
        if self.boot == "grub-linux":
            return (f"  linux /boot/vmlinuz {self.grub_args}\n"
                    "  initrd /boot/initrd.img\n")
        body = (f"  multiboot2 /boot/chainloader.elf {self.loader_opts}\n"
                f"{self.grub_after_loader}"
                f"  module2 /boot/vmlinuz {self.grub_args}\n")
        if self.image.startswith("memtest") or self.image == "ipxe":
            return body
        if self.boot == "probe" or self.floppy:
            return body + "  module2 /boot/initrd.img\n"
        body += f"  module2 {'--nounzip ' if self.initrd_nounzip else ''}/boot/initrd.img\n"
        for n in range(2, 2 + self.extra_initrds):
            body += f"  module2 /boot/extra{n}.cpio\n"
        return body


# What verbose mode must show (each a regex over one loader line).
VERBOSE_LINES = (
    rb"^memory map from GRUB: \d+ entries$",
    rb"^  \[0x0000000000100000, 0x[0-9a-f]{16}\) type 1$",
    rb"^  \[0x1000000, 0x[0-9a-f]+\) kernel$",
    rb"^copy kernel: \[0x[0-9a-f]+, 0x[0-9a-f]+\) -> \[0x1000000, 0x[0-9a-f]+\)$",
    rb"^initrd: \[0x[0-9a-f]+, 0x[0-9a-f]+\) \(in place, not copied\)$",
    rb"^boot_params at 0x[0-9a-f]+: command line at 0x[0-9a-f]+ \(55 bytes\)",
    rb"^  e820 \[0x0000000000100000, 0x[0-9a-f]{16}\) usable$",
    rb"^chainloader: \d+ bytes to copy, \d+ bytes placed; own time \d+ TSC ticks = \d+ us",
)

# Probe kernels (tests/kernels/): they check the handoff from the inside and
# exit QEMU with 99 (all checks passed), 97 (a check failed) or 101 (a fault).
PROBE_ARGS = 'console=ttyS0 cl.probe=1 cl.quoted="a b"'
PROBE_ARGS_AS_PASSED = 'console=ttyS0 cl.probe=1 "cl.quoted=a b"'  # GRUB's re-quoting
PROBE_INITRD_SIZE = 1048576 + 3  # not a multiple of 4 or of a page
PROBE_PASS = 99


def debian13_matrix():
    """Debian 13's images x firmware x GRUB (see SCENARIOS)."""
    out = []
    in_make_test = {"debian13-amd64-grub212-bios", "debian13-amd64-grub212-ovmf2025",
                    "debian13-vmlinux-pvh-grub206-bios"}
    for fw, grub, ovmf in (("bios", "2.12", "2022"), ("bios", "2.06", "2022"), ("uefi", "2.12", "2025")):
        where = f"grub{grub.replace('.', '')}-{'bios' if fw == 'bios' else 'ovmf' + ovmf}"
        for flavour in ("amd64", "cloud-amd64"):
            fb = {} if flavour == "amd64" else {"expect_fb": None}  # the cloud kernel has no fb drivers
            out.append(Scenario(f"debian13-{flavour}-{where}", "chainloader", flavour, CMDLINE_MODULE2,
                                firmware=fw, grub=grub, ovmf=ovmf, debian="13", **fb,
                                # GRUB 2.12 on BIOS may put a module on 16 MiB: the kernel then
                                # goes higher; the 64-bit entry is at its load address + 0x200
                                expect_loader=(rb"^chainloader: booting bzImage \[0x(?P<load>[0-9a-f]+)000, 0x[0-9a-f]+\) "
                                               rb"by the 64-bit entry at 0x(?P=load)200,",)))
            # 6.12's e_entry is not its first byte (0x1000c43 where 6.1's is 0x1000000)
            for entry, opts, line in (("entry64", "", rb"by the 64-bit entry at 0x10[0-9a-f]{5},"),
                                      ("pvh", "entry=pvh", rb"by the PVH entry at 0x[0-9a-f]+,")):
                name = f"debian13-{'vmlinux' if flavour == 'amd64' else 'vmlinux-cloud'}-{entry}-{where}"
                # PVH passes no framebuffer; the cloud kernel's drivers are not checked
                more = {"expect_fb": "none"} if entry == "pvh" else {} if flavour == "amd64" else {"expect_fb": None}
                out.append(Scenario(name, "chainloader", flavour, CMDLINE_MODULE2, image="vmlinux",
                                    loader_opts=opts, firmware=fw, grub=grub, ovmf=ovmf, debian="13",
                                    expect_loader=(line,), **more))
    for arch, entry, at in (("x64", "64-bit", "0x100200"), ("ia32", "32-bit", "0x100000")):
        out.append(Scenario(f"debian13-memtest86plus-{arch}", "chainloader", "amd64", "",
                            image="memtest" if arch == "x64" else "memtest-ia32", debian="13",
                            grub_args="console=ttyS0", timeout=90,
                            expect_loader=(rb"by the " + entry.encode() + rb" entry at " + at.encode() + b",",),
                            expect_serial=(rb"Memtest86\+ v7", rb"Memory\s*:\s*51[01]MB")))
        if arch == "ia32":  # x64 memtest86+ (6.10) is in make test already
            in_make_test.add(out[-1].name)
    return [dataclasses.replace(sc, full=sc.name not in in_make_test) for sc in out]


DEBIAN13_MATRIX = debian13_matrix()

# The loader's own range in the verbose placement list, at 256 MiB or more.
LOADER_PLACED_HIGH = rb"^  \[0x[1-7][0-9a-f]{7}, 0x[0-9a-f]+\) chainloader$"

PROBE_SEED = re.compile(rb"^PROBE: INFO rng seed crc32 (0x[0-9a-f]{8})$")
# boot_params.secure_boot as chainloader must set it: 0 (unset) on BIOS; on
# OVMF, whose variable store has no keys enrolled, 2 (disabled), as Linux's
# EFI stub decides from SecureBoot/SetupMode.
PROBE_SECURE_BOOT = {"bios": 0, "uefi": 2}


def probe(name, image, entry, opts="", memory_mib=512, firmware="bios", **more):
    return Scenario(name, "probe", "amd64", "", image=image, probe_entry=entry,
                    loader_opts=opts, memory_mib=memory_mib, firmware=firmware, timeout=90,
                    **more)


SCENARIOS = [
    # The reference path: GRUB boots Linux itself. Needs no chainloader.
    Scenario("grub-linux-amd64", "grub-linux", "amd64", CMDLINE_GRUB_LINUX),
    Scenario("chainloader-amd64", "chainloader", "amd64", CMDLINE_MODULE2,
             expect_loader=(rb"^chainloader: booting bzImage \[0x1000000, "
                            rb"0x[0-9a-f]+\) by the 64-bit entry at 0x1000200",)),
    # Network boot as labs run it: GRUB from grub-mknetdir over PXE (SeaBIOS)
    # or UEFI's network boot (OVMF), everything over QEMU's TFTP.
    Scenario("chainloader-netboot-seabios", "chainloader", "amd64", CMDLINE_MODULE2, netboot=True,
             initrd_nounzip=True, timeout=240),
    Scenario("chainloader-netboot-ovmf", "chainloader", "amd64", CMDLINE_MODULE2, netboot=True,
             firmware="uefi", initrd_nounzip=True, timeout=240),
    # GRUB's own linux over the network, for the timings (make test-full).
    Scenario("grub-linux-netboot-seabios", "grub-linux", "amd64", CMDLINE_GRUB_LINUX, netboot=True,
             timeout=240, full=True),
    Scenario("grub-linux-netboot-ovmf", "grub-linux", "amd64", CMDLINE_GRUB_LINUX, netboot=True,
             firmware="uefi", timeout=240, full=True),
    # The cloud flavour has no vesafb/efifb: nothing in /proc/fb to check.
    Scenario("chainloader-cloud-amd64", "chainloader", "cloud-amd64",
             CMDLINE_MODULE2, expect_fb=None),
    Scenario("chainloader-amd64-verbose", "chainloader", "amd64",
             CMDLINE_MODULE2, loader_opts="verbose",
             expect_loader=VERBOSE_LINES),
    Scenario("chainloader-amd64-quiet", "chainloader", "amd64",
             CMDLINE_MODULE2, loader_opts="quiet", quiet=True),
    Scenario("chainloader-amd64-entry32", "chainloader", "amd64",
             CMDLINE_MODULE2, loader_opts="entry=32",
             expect_loader=(rb"by the 32-bit entry at 0x1000000,",)),
    # The real-mode entry (entry=16, GRUB's linux16's job; SeaBIOS only). The
    # Debian kernel's own setup code then runs in real mode and asks the BIOS
    # for its e820 map (the usual checks hold; text mode, no framebuffer).
    Scenario("chainloader-amd64-entry16", "chainloader", "amd64", CMDLINE_MODULE2,
             loader_opts="entry=16 verbose", expect_fb="none",
             expect_loader=(rb"^chainloader: booting bzImage \[0x100000, 0x[0-9a-f]+\) by the 16-bit entry "
                            rb"at 0x[0-9a-f]+200,",
                            rb"^real mode: the \d+-byte real-mode part at 0x[0-9a-f]+000, its heap and stack to "
                            rb"\+0x9000$")),
    # iPXE's ipxe.lkrn (protocol 2.07, code32_start 0: entry=auto picks the
    # real-mode entry) writes to the VGA text screen: its banner, then its
    # DHCP on an e1000 NIC with QEMU's own (slirp) DHCP server.
    # The NIC has no option ROM (romfile=), whose own iPXE would print the same banner.
    Scenario("chainloader-ipxe-lkrn", "chainloader", "amd64", "", image="ipxe", grub_args="",
             qemu_extra=("-netdev", "user,id=net0", "-device", "e1000,netdev=net0,romfile="),
             loader_opts="verbose", timeout=90,
             expect_loader=(rb"by the 16-bit entry at 0x[0-9a-f]+200,",
                            rb"^note: protocol older than 2\.10 or code32_start 0, entry=auto uses the real-mode entry$"),
             expect_vga=(r"^iPXE \S+ -- Open Source Network Boot Firmware", r"Configuring \(net0 [0-9a-f:]+\)")),
    # syslinux's memdisk (protocol 2.03) with a 1.44 MB floppy image as its
    # initrd: the floppy's own boot sector (tests/qemu/floppy/boot.S) runs from
    # memdisk's emulated drive and reads its second sector through int 13h.
    Scenario("chainloader-memdisk-floppy", "chainloader", "amd64", "", image="memdisk", floppy=True,
             grub_args="", timeout=90,
             expect_loader=(rb"by the 16-bit entry at 0x[0-9a-f]+200,",),
             expect_serial=(rb"CL-FLOPPY-BOOT", rb"CL-FLOPPY-SECTOR2: ok")),
    Scenario("chainloader-vmlinux-entry64", "chainloader", "amd64",
             CMDLINE_MODULE2, image="vmlinux",
             expect_loader=(rb"^chainloader: booting ELF \[0x1000000, "
                            rb"0x[0-9a-f]+\) by the 64-bit entry at 0x1000000,",)),
    # PVH's start_info has no field for a framebuffer: Linux finds none.
    Scenario("chainloader-vmlinux-pvh", "chainloader", "amd64",
             CMDLINE_MODULE2, image="vmlinux", loader_opts="entry=pvh", expect_fb="none",
             expect_loader=(rb"by the PVH entry at 0x[0-9a-f]+,",)),
    # UEFI (OVMF): GRUB has left the boot services; the kernel must still get
    # EFI runtime services, the ACPI tables and the framebuffer (efifb).
    Scenario("grub-linux-amd64-uefi", "grub-linux", "amd64", CMDLINE_GRUB_LINUX,
             firmware="uefi"),
    Scenario("chainloader-amd64-uefi", "chainloader", "amd64", CMDLINE_MODULE2,
             firmware="uefi", loader_opts="verbose",
             expect_loader=(rb"^UEFI: boot services kept by GRUB; collecting what Linux's EFI stub would$",
                            rb"^secure boot: disabled \(boot_params.secure_boot = 2\)$",
                            rb"^UEFI: ExitBootServices done \(\d+ calls?\), final map \d+ bytes$",
                            rb"^UEFI: system table 0x[0-9a-f]+, memory map \d+ bytes",
                            rb"^ACPI RSDP: 0x[0-9a-f]+ ",
                            # efi_info points at the final map where the firmware put it
                            rb"^  \[0x[0-9a-f]+, 0x[0-9a-f]+\) EFI memory map$"),
             reject_loader=(rb"^copy EFI memory map: ",)),
    Scenario("chainloader-vmlinux-uefi", "chainloader", "amd64", CMDLINE_MODULE2,
             firmware="uefi", image="vmlinux"),
    # As the README recommends: the gzip initramfs reaches Linux as it is on
    # disk (the summary line must give the .gz file's size), not gunzipped.
    # `timing` adds the own-time line and nothing else of verbose mode.
    Scenario("chainloader-amd64-uefi-nounzip", "chainloader", "amd64", CMDLINE_MODULE2,
             firmware="uefi", initrd_nounzip=True, loader_opts="timing",
             expect_loader=(VERBOSE_LINES[-1],),
             reject_loader=(rb"^memory map from GRUB", rb"^placement ", rb"^copy ", rb"^boot_params at ")),
    # `set gfxpayload=text` after the multiboot2 line keeps GRUB in VGA text
    # mode: Linux gets the text console and no framebuffer.
    Scenario("chainloader-amd64-textmode", "chainloader", "amd64", CMDLINE_MODULE2,
             grub_after_loader="  set gfxpayload=text\n", expect_fb="none",
             expect_loader=(rb"^chainloader: booting bzImage ",)),
    # Placement: modules where GRUB puts them, right across the kernel's 16 MiB.
    Scenario("chainloader-initrd-100m", "chainloader", "amd64", CMDLINE_MODULE2,
             memory_mib=1024, payload_kib=102400, initrd_gz=False,
             loader_opts="verbose", timeout=240,
             expect_loader=(rb"^initrd: \[0x[0-9a-f]+, 0x[0-9a-f]+\) \(in place, not copied\)$",)),
    Scenario("chainloader-vmlinux-initrd-100m", "chainloader", "amd64",
             CMDLINE_MODULE2, image="vmlinux", memory_mib=1024,
             payload_kib=102400, initrd_gz=False, loader_opts="verbose",
             timeout=240,
             expect_loader=(rb"^copy initrd: \[0x[0-9a-f]+, 0x[0-9a-f]+\) -> ",)),
    Scenario("chainloader-memtest86plus", "chainloader", "amd64", "",
             image="memtest", grub_args="console=ttyS0", timeout=90,
             expect_loader=(rb"by the 64-bit entry at 0x100200,",),
             expect_serial=(rb"Memtest86\+ v6", rb"Memory\s*:\s*51[01]MB")),
    Scenario("chainloader-6g", "chainloader", "amd64", CMDLINE_MODULE2,
             memory_mib=6144, min_memtotal_kb=6144 * 1024 * 9 // 10),
    Scenario("chainloader-8-initrds", "chainloader", "amd64", CMDLINE_MODULE2,
             extra_initrds=7),
    Scenario("chainloader-cutmem-150", "chainloader", "amd64", CMDLINE_MODULE2,
             memory_mib=1024, min_e820_total=150,
             grub_pre="".join(f"  cutmem 0x{0x30000000 + i * 0x2000:x} "
                              f"0x{0x30001000 + i * 0x2000:x}\n" for i in range(150))),
    # Probe kernels in every entry mode.
    probe("probe-bzimage-auto", "probe.bzImage", "bzimage64"),
    probe("probe-bzimage-64", "probe.bzImage", "bzimage64", "entry=64"),
    probe("probe-bzimage-32", "probe.bzImage", "bzimage32", "entry=32"),
    probe("probe-elf-64", "probe.elf", "elf64"),
    probe("probe-elf-pvh", "probe.elf", "pvh", "entry=pvh"),
    # The real-mode entry, from the inside (tests/kernels/realmode.S): the
    # segments, the stack at the heap's end, interrupts off, the real-mode IVT,
    # A20, the header fields, and the command line read through cmd_line_ptr.
    probe("probe-bzimage-16", "probe.bzImage", "real16", "entry=16"),
    probe("probe-bzimage-64-6g", "probe.bzImage", "bzimage64", memory_mib=6144),
    probe("probe-elf-pvh-6g", "probe.elf", "pvh", "entry=pvh", memory_mib=6144),
    # On OVMF the probes also check efi_info, the RSDP and the EFI framebuffer.
    probe("probe-bzimage-64-uefi", "probe.bzImage", "bzimage64", firmware="uefi"),
    probe("probe-bzimage-32-uefi", "probe.bzImage", "bzimage32", "entry=32", firmware="uefi"),
    probe("probe-elf-64-uefi", "probe.elf", "elf64", firmware="uefi"),
    probe("probe-elf-pvh-uefi", "probe.elf", "pvh", "entry=pvh", firmware="uefi"),
    # RNG seeds (every probe scenario above expects none: QEMU's default
    # qemu64 CPU has neither RDSEED nor RDRAND, and there is no virtio-rng).
    # BIOS, -cpu max (TCG has RDRAND): a SETUP_RNG_SEED node in the
    # setup_data chain; booted twice, and the two seeds must differ.
    probe("probe-bzimage-64-rng-setup", "probe.bzImage", "bzimage64", "entry=64",
          qemu_extra=("-cpu", "max"), probe_rng="setup", boots=2),
    # PVH: start_info has no field for a seed; the loader must do without.
    probe("probe-elf-pvh-rng-none", "probe.elf", "pvh", "entry=pvh", qemu_extra=("-cpu", "max")),
    # OVMF with virtio-rng: the LINUX_EFI_RANDOM_SEED configuration table from
    # EFI_RNG_PROTOCOL, secure_boot 2, and with no `insmod all_video` (GRUB
    # passes no framebuffer) the EFI framebuffer taken from GOP; on both GRUBs
    # and both OVMF generations.
    *[probe(name, "probe.bzImage", "bzimage64", "entry=64", firmware="uefi", grub=g, ovmf=o,
            rng=True, grub_video=False, probe_rng="efi")
      for name, g, o in (("probe-bzimage-64-uefi-rng-gop", "2.06", "2022"),
                         ("probe-bzimage-64-uefi-grub212-ovmf2025-rng-gop", "2.12", "2025"))],
    # Debian 13 (trixie), the current release: its 6.12 kernels (zstd
    # payloads), their vmlinux and memtest86+ 7.20, fetched by package name
    # (scripts/fetch-debian13.sh), through GRUB 2.12 (Debian 13's modules) and
    # 2.06 on SeaBIOS and on OVMF 2025. make test boots each new kind once
    # (the amd64 bzImage with GRUB 2.12 on both firmwares, the vmlinux by PVH,
    # the ia32 memtest86+); make test-full the whole cross product.
    *DEBIAN13_MATRIX,
    # Relocation (issue 14): GRUB may load chainloader.elf anywhere in
    # [1 MiB, 2 GiB) (its relocatable tag, lowest first); a copy preferring the
    # highest address runs near the top of RAM, relocated by its own table
    # before anything else, on both firmwares.
    *[probe(f"probe-bzimage-64{suffix}-loaded-high", "probe.bzImage", "bzimage64", "verbose",
            firmware=fw, loader_placed="high", expect_loader=(LOADER_PLACED_HIGH,))
      for suffix, fw in (("", "bios"), ("-uefi", "uefi"))],
    # 1 MiB taken: GRUB's cutmem on x86_64-efi allocates [1 MiB, 4 MiB) from
    # the firmware, so GRUB's search for the relocatable image (lowest first)
    # must pass over it; the kernel's e820 shows the range unusable.
    probe("probe-bzimage-64-uefi-1mib-taken", "probe.bzImage", "bzimage64", "verbose",
          firmware="uefi", grub_pre="  cutmem 0x100000 0x400000\n",
          expect_loader=(rb"^  \[0x([4-9a-f][0-9a-f]{5}|[1-7][0-9a-f]{6,7}), 0x[0-9a-f]+\) chainloader$",
                         rb"^  e820 \[0x0000000000100000, 0x0000000000400000\) unusable$")),
    # Failures: a specific message, then a clean halt (no reset, no hang in a loop).
    Scenario("probe-nopvh-by-pvh", "chainloader", "amd64", "", image="probe-nopvh.elf",
             loader_opts="entry=pvh", timeout=60,
             expect_error=re.escape(b'chainloader: error: entry=pvh: the ELF kernel has no '
                                    b'XEN_ELFNOTE_PHYS32_ENTRY note (type 18, owner "Xen")')),
    Scenario("chainloader-unknown-option", "chainloader", "amd64", "",
             loader_opts="verbose frobnicate", timeout=60,
             expect_error=re.escape(b"chainloader: error: unknown loader option 'frobnicate' "
                                    b"(known: verbose quiet timing entry=auto|64|32|16|pvh)")),
    Scenario("chainloader-entry16-uefi", "chainloader", "amd64", "", firmware="uefi",
             loader_opts="entry=16", timeout=90,
             expect_error=re.escape(b"chainloader: error: entry=16 is the real-mode entry: it needs a BIOS, "
                                    b"and this machine booted by UEFI")),
    # No low memory left (GRUB's cutmem): the real-mode part has nowhere to go.
    Scenario("chainloader-entry16-no-low-memory", "chainloader", "amd64", "", loader_opts="entry=16",
             grub_pre="  cutmem 0x10000 0x9fc00\n", timeout=60,
             expect_error=re.escape(b"chainloader: error: entry=16: no room for the real-mode part: 0xa000 bytes "
                                    b"of free RAM within [0x10000, 0x9fc00), clear of the multiboot2 "
                                    b"information and the modules")),
    Scenario("chainloader-pvh-on-bzimage", "chainloader", "amd64", "",
             loader_opts="entry=pvh", timeout=60,
             expect_error=re.escape(b"chainloader: error: entry=pvh needs an ELF kernel "
                                    b"with a Xen PHYS32_ENTRY note; this is a bzImage")),
    # A kernel module of random bytes: the message must be on the screen too
    # (the framebuffer console), on BIOS and on UEFI; screenshots kept in build/qemu.
    Scenario("chainloader-garbage-kernel-screen", "chainloader", "amd64", "",
             image="garbage", timeout=60, screen_min_pixels=2000,
             expect_error=rb"chainloader: error: kernel module \[0x[0-9a-f]+, 0x[0-9a-f]+\) is neither "
                          rb"a bzImage \(0xaa55, \"HdrS\"\) nor an ELF \(first bytes( [0-9a-f]{2}){4}\)"),
    Scenario("chainloader-garbage-kernel-screen-uefi", "chainloader", "amd64", "",
             image="garbage", firmware="uefi", timeout=90, screen_min_pixels=2000,
             expect_error=rb"chainloader: error: kernel module \[0x[0-9a-f]+, 0x[0-9a-f]+\) is neither "
                          rb"a bzImage \(0xaa55, \"HdrS\"\) nor an ELF \(first bytes( [0-9a-f]{2}){4}\)"),
    # Measured boot, the reference path: Debian 13's GRUB 2.12 `linux` on
    # x86_64-efi starts the kernel's EFI stub, which hands the kernel the
    # firmware's TPM event log (a config table, TPMEventLog=), an RNG seed
    # from EFI_RNG_PROTOCOL (virtio-rng; RNG=), the secure-boot state and a
    # GOP framebuffer (efifb). `insmod tpm`: GRUB measures its commands (PCR 8)
    # and the files it loads (PCR 9) into that log, so the log replays to the
    # TPM's PCRs 0..9 exactly.
    Scenario("grub212-linux-amd64-uefi-tpm", "grub-linux", "amd64", CMDLINE_GRUB_LINUX,
             firmware="uefi", grub="2.12", ovmf="2025", tpm=True, rng=True,
             grub_preamble="insmod tpm\n", expect_fb="0 EFI VGA",
             expect_tpm_replay=True, expect_secureboot="Secure boot disabled",
             expect_efi_tables=(r"(^| )ACPI 2\.0=0x[0-9a-f]+( |$)",
                                r"(^| )TPMEventLog=0x[0-9a-f]+( |$)",
                                r"(^| )RNG=0x[0-9a-f]+( |$)")),
    # GRUB 2.06's `linux` on EFI (Debian 12, OVMF 2022, the same TPM and
    # virtio-rng), as measured: the kernel gets the secure-boot state and the
    # firmware's own tables (TPMFinalLog= among them), but no TPM event log
    # (no TPMEventLog=, CL-TPM-LOG: none), no RNG seed (no RNG=) and no INITRD=
    # table: the EFI stub did not run. The TPM itself works (its PCRs are read).
    Scenario("grub206-linux-amd64-uefi-tpm", "grub-linux", "amd64", CMDLINE_GRUB_LINUX,
             firmware="uefi", tpm=True, rng=True, grub_preamble="insmod tpm\n",
             expect_fb="0 EFI VGA", expect_tpm_log="none",
             expect_secureboot="Secure boot disabled",
             expect_efi_tables=(r"(^| )ACPI 2\.0=0x[0-9a-f]+( |$)",
                                r"(^| )TPMFinalLog=0x[0-9a-f]+( |$)"),
             reject_efi_tables=(r"TPMEventLog=", r"(^| )RNG=", r"INITRD=")),
    # Measured boot through chainloader (issue 14): GRUB keeps the boot
    # services for it (multiboot2 tags 7 and 9), and chainloader hands the
    # kernel what the EFI stub does on the reference path above — the TPM
    # event log (replayed to PCRs 0..9), the secure-boot state, an RNG seed
    # from EFI_RNG_PROTOCOL (virtio-rng) and, with no `insmod all_video`, the
    # GOP framebuffer (efifb) — on both GRUBs and both OVMF generations.
    *[Scenario(f"chainloader-grub{g.replace('.', '')}-ovmf{o}-tpm", "chainloader", "amd64",
               CMDLINE_MODULE2, firmware="uefi", grub=g, ovmf=o, tpm=True, rng=True,
               grub_preamble="insmod tpm\n", grub_video=False, loader_opts="verbose",
               expect_fb="0 EFI VGA", expect_tpm_replay=True, expect_secureboot="Secure boot disabled",
               expect_efi_tables=(r"(^| )ACPI 2\.0=0x[0-9a-f]+( |$)",
                                  r"(^| )TPMEventLog=0x[0-9a-f]+( |$)",
                                  r"(^| )RNG=0x[0-9a-f]+( |$)"),
               expect_loader=(rb"^secure boot: disabled \(boot_params.secure_boot = 2\)$",
                              rb"^TPM event log: \d+ bytes \(crypto-agile format, \d+ bytes of final events "
                              rb"already in it\) as LINUX_EFI_TPM_EVENT_LOG at \[0x[0-9a-f]+, 0x[0-9a-f]+\)$",
                              rb"^RNG seed: 32 bytes from EFI_RNG_PROTOCOL as LINUX_EFI_RANDOM_SEED at ",
                              rb"^framebuffer: \d+x\d+, 32 bpp, pitch \d+ at 0x[0-9a-f]+$"))
      for g, o in (("2.12", "2025"), ("2.06", "2022"))],
    # No TPM, no RNG device: notes in verbose mode, no error, and the kernel
    # boots without a log or a seed table (qemu64 has no RDRAND either).
    Scenario("chainloader-ovmf2025-no-tpm-no-rng", "chainloader", "amd64", CMDLINE_MODULE2,
             firmware="uefi", grub="2.12", ovmf="2025", loader_opts="verbose",
             expect_tpm_log="none", expect_secureboot="Secure boot disabled",
             reject_efi_tables=(r"TPMEventLog=", r"(^| )RNG="),
             expect_loader=(rb"^TPM event log: note: no EFI_TCG2_PROTOCOL \(no TPM 2\.0\); the kernel gets none$",
                            rb"^RNG seed: note: no EFI_RNG_PROTOCOL nor RDSEED/RDRAND; the kernel gets none$")),
    # KASLR-safe placement on UEFI (issue 17): with efi_info, the kernel's
    # decompressor puts itself at random in the EfiConventionalMemory of the
    # EFI map it gets, avoiding only its image, the initrd, the command line,
    # boot_params and setup_data. What chainloader placed that the kernel reads
    # later (the map itself, the TPM event log and RNG seed tables, an RSDP
    # copy) must lie outside all of it: checked against the map the kernel
    # prints with efi=debug, at 1 GiB and 4 GiB (RAM above 4 GiB too), and
    # with GRUB 2.12, OVMF 2025, a TPM and virtio-rng, so that both tables exist.
    *[Scenario(f"chainloader-uefi-kaslr-{name}", "chainloader", "amd64",
               f"{CMDLINE_MODULE2} {EFI_DEBUG_ARG}", grub_args=f"{GRUB_ARGS} {EFI_DEBUG_ARG}",
               firmware="uefi", memory_mib=mib, loader_opts="verbose", expect_kaslr_safe=True,
               record_efi_maps=mib == 4096, min_memtotal_kb=mib * 1024 * 9 // 10 if mib > 3072 else 0,
               **more)
      for name, mib, more in (
          ("1g", 1024, {}),
          ("4g", 4096, {}),
          ("tpm-4g", 4096, dict(grub="2.12", ovmf="2025", tpm=True, rng=True, grub_preamble="insmod tpm\n",
                                expect_efi_tables=(r"(^| )TPMEventLog=0x[0-9a-f]+( |$)",
                                                   r"(^| )RNG=0x[0-9a-f]+( |$)"))))],
    # 64 MiB cannot hold [16 MiB, 16 MiB + init_size) (init_size is about 64 MiB).
    Scenario("chainloader-ram-too-small", "chainloader", "amd64", "",
             memory_mib=64, timeout=60,
             expect_error=rb"chainloader: error: no room for kernel: 0x[0-9a-f]+ bytes "
                          rb"aligned to 0x200000 within \[0x1000000, 0xffffffffffffffff\) "
                          rb"of usable RAM"),
]


class Fail(Exception):
    """A scenario failed; args[0] says why."""


def run(cmd):
    """Run a helper script; its output goes to our stderr."""
    subprocess.run([str(c) for c in cmd], check=True, stdout=sys.stderr,
                   env=dict(os.environ, BUILD=str(BUILD)))


FETCHED = {}    # flavour -> None if fetched, else why it failed
BUILT = set()   # payload sizes whose initramfs this run has built


def kernel(flavour):
    """Path of the kernel of FLAVOUR, fetched once per run (fetch-kernel.sh
    caches the package, so this is quick)."""
    if flavour not in FETCHED:
        try:
            run([ROOT / "scripts" / "fetch-kernel.sh", flavour, KDIR])
            FETCHED[flavour] = None
        except subprocess.CalledProcessError as e:
            FETCHED[flavour] = f"fetch-kernel.sh {flavour} failed ({e.returncode})"
    if FETCHED[flavour]:
        raise Fail(FETCHED[flavour])
    return KDIR / f"vmlinuz-{flavour}"


def vmlinux(flavour):
    """The ELF vmlinux inside the bzImage of FLAVOUR (extracted once, cached)."""
    out = KDIR / f"vmlinux-{flavour}"
    try:
        run([ROOT / "scripts" / "extract-vmlinux.sh", kernel(flavour), out])
    except subprocess.CalledProcessError:
        raise Fail(f"extract-vmlinux.sh {flavour} failed")
    return out


def debian13(what):
    """scripts/fetch-debian13.sh WHAT, once per run (it caches by version)."""
    key = f"debian13 {what}"
    if key not in FETCHED:
        try:
            run([ROOT / "scripts" / "fetch-debian13.sh", what])
            FETCHED[key] = None
        except subprocess.CalledProcessError as e:
            FETCHED[key] = f"fetch-debian13.sh {what} failed ({e.returncode})"
    if FETCHED[key]:
        raise Fail(FETCHED[key])


def package_of_system(path):
    """'PACKAGE VERSION' of the installed Debian package that owns PATH."""
    real = os.path.realpath(path)
    try:
        pkg = subprocess.run(["dpkg-query", "-S", real], capture_output=True, text=True,
                             check=True).stdout.split(":")[0]
        ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        raise Fail(f"{path}: not from an installed package (scripts/deps.sh)")
    return f"{pkg} {ver}"


def make_floppy():
    """A 1.44 MB floppy image for memdisk: the boot sector of
    tests/qemu/floppy/boot.S, then FLOPPY_SIGNATURE as sector 2, then zeros."""
    out = QDIR / "test-floppy.img"
    obj = QDIR / "floppy-boot.o"
    boot = QDIR / "floppy-boot.bin"
    try:
        run(["gcc", "-m32", "-c", SCRIPTS / "floppy" / "boot.S", "-o", obj])
        run(["ld", "-m", "elf_i386", "-Ttext=0x7c00", "--oformat=binary", "-e", "_start", obj, "-o", boot])
    except subprocess.CalledProcessError:
        raise Fail("building the floppy's boot sector failed")
    sector0 = boot.read_bytes()
    if len(sector0) != 512 or sector0[510:] != b"\x55\xaa":
        raise Fail(f"{boot}: not a 512-byte boot sector")
    image = bytearray(1474560)
    image[:512] = sector0
    image[512:512 + len(FLOPPY_SIGNATURE)] = FLOPPY_SIGNATURE
    out.write_bytes(image)
    return out


def debian13_file(what, *path):
    """A file fetch-debian13.sh WHAT extracts under build/debian13."""
    debian13(what)
    out = DEBIAN13.joinpath(*path)
    if not out.exists():
        raise Fail(f"fetch-debian13.sh {what} gave no {out}")
    return out


def grub_dir(sc):
    """The GRUB module directory of a scenario with grub = "2.12"."""
    if sc.grub != "2.12":
        raise ValueError(sc.grub)
    debian13({"uefi": "grub-efi", "bios": "grub-pc"}[sc.firmware])
    return GRUB212_DIRS[sc.firmware]


def ovmf_files(sc):
    """(code, vars template) of the scenario's OVMF."""
    if sc.ovmf == "2022":
        return OVMF_CODE, OVMF_VARS
    if sc.ovmf == "2025":
        return OVMF2025 / "OVMF_CODE_4M.fd", OVMF2025 / "OVMF_VARS_4M.fd"
    raise ValueError(sc.ovmf)


def package_of(path):
    """'PACKAGE VERSION' that fetch-debian13.sh recorded beside PATH."""
    try:
        return Path(f"{path}.version").read_text().strip()
    except OSError:
        return None


def built_once(out, script, *args):
    """OUT made by tests/qemu/SCRIPT once per run (fresh random contents each
    run: nothing can go stale)."""
    if out not in BUILT:
        try:
            run([SCRIPTS / script, out, *args])
        except subprocess.CalledProcessError:
            raise Fail(f"{script} failed")
        BUILT.add(out)
    return out


def initramfs(payload_kib, gz=True):
    """An initramfs with a random payload of that size."""
    return built_once(QDIR / f"initrd-{payload_kib}.cpio{'.gz' if gz else ''}",
                      "mkinitramfs.sh", payload_kib)


def extra_initrd(n):
    """An extra initrd module adding /extra/N."""
    return built_once(QDIR / f"extra{n}.cpio", "mkextra.sh", n)


def probe_initrd():
    """Random bytes for the probe kernels' initrd, and their CRC-32 (zlib's)."""
    import zlib
    out = QDIR / "probe-initrd.bin"
    if out not in BUILT:
        out.write_bytes(os.urandom(PROBE_INITRD_SIZE))
        BUILT.add(out)
    return out, f"{zlib.crc32(out.read_bytes()):08x}"


def monitor_socket(sc):
    return QDIR / f"{sc.name}.monitor"


def cpu_state(sc):
    """'info registers' from QEMU's human monitor (HLT=, EFL=, CS=...)."""
    import socket
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as m:
        m.connect(str(monitor_socket(sc)))
        m.settimeout(5)
        m.sendall(b"info registers\n")
        out = b""
        deadline = time.monotonic() + 5
        while b"EFER=" not in out and time.monotonic() < deadline:
            try:
                chunk = m.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
    return out.decode("ascii", "replace")


def qemu_command(sc, iso, serial_log, tpm_socket=None):
    """ISO is the GRUB rescue image, or for "qemu-direct" a (kernel, initrd) pair
    that QEMU's own loader boots (-kernel/-initrd/-append). TPM_SOCKET: the
    control socket of the swtpm that boot() started for a tpm scenario."""
    nic = ["-nic", "none"]   # no network: skips the NIC option ROM
    if sc.boot == "qemu-direct":
        media = ["-kernel", str(iso[0]), "-initrd", str(iso[1]), "-append", sc.grub_args]
    elif sc.netboot:  # ISO is then the TFTP directory (mkiso.sh -N)
        core = "boot/grub/x86_64-efi/core.efi" if sc.firmware == "uefi" else "boot/grub/i386-pc/core.0"
        media = ["-boot", "n"]
        nic = ["-netdev", f"user,id=net0,tftp={iso},bootfile={core}", "-device", "virtio-net-pci,netdev=net0"]
    else:
        media = ["-cdrom", str(iso), "-boot", "d"]
    cmd = ["qemu-system-x86_64",
           "-m", str(sc.memory_mib)] + media + [
           "-display", "none",
           "-serial", f"file:{serial_log}",
           "-no-reboot",        # with panic=-1, a kernel panic ends QEMU
           "-monitor", f"unix:{monitor_socket(sc)},server,nowait"] + nic + [
           "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    if sc.firmware == "uefi":
        # OVMF writes to its variable store: give each run a fresh copy.
        code, template = ovmf_files(sc)
        vars_copy = QDIR / f"{sc.name}.OVMF_VARS.fd"
        shutil.copyfile(template, vars_copy)
        cmd += ["-drive", f"if=pflash,format=raw,readonly=on,file={code}",
                "-drive", f"if=pflash,format=raw,file={vars_copy}"]
    elif sc.firmware != "bios":
        raise ValueError(sc.firmware)
    if sc.tpm:
        if tpm_socket is None:
            raise ValueError(f"{sc.name}: a tpm scenario needs its swtpm socket")
        cmd += ["-chardev", f"socket,id=chrtpm,path={tpm_socket}",
                "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                "-device", "tpm-tis,tpmdev=tpm0"]
    if sc.rng:
        cmd += ["-device", "virtio-rng-pci"]
    return cmd + list(sc.qemu_extra)


class SoftwareTPM:
    """swtpm for one boot: a fresh state directory build/qemu/<name>.tpm (an
    unmanufactured TPM 2.0 state: swtpm creates it with the sha1, sha256,
    sha384 and sha512 banks active), its control socket there, run under our
    control (not --daemon) and stopped when the boot ends, whatever happens.
    --terminate: it also exits by itself once QEMU closes the connection."""

    def __init__(self, sc):
        self.dir = QDIR / f"{sc.name}.tpm"
        self.socket = self.dir / "sock"
        self.log = QDIR / f"{sc.name}.swtpm.log"
        self.proc = None

    def __enter__(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                ["swtpm", "socket", "--tpm2", "--terminate",
                 "--tpmstate", f"dir={self.dir}",
                 "--ctrl", f"type=unixio,path={self.socket}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not self.socket.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise Fail(f"swtpm did not start (see {self.log})")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return False


def boot(sc, iso, marks=None):
    """Boot the ISO; return (serial output, seconds to CL-DONE or None,
    seconds to the kernel's first line or None, QEMU exit code or None if
    it had to be killed, and for a failure scenario the CPU registers once
    the error line has been printed, else None). `marks`, if given, gets
    "grub_entry": seconds to GRUB's "Booting `...'" line (the menu entry
    starts: firmware and GRUB's own start-up are behind), and the seconds to
    the first match of each of sc.time_marks under its name."""
    if sc.tpm:
        with SoftwareTPM(sc) as tpm:
            return boot_with(sc, iso, marks, tpm.socket)
    return boot_with(sc, iso, marks, None)


def boot_with(sc, iso, marks, tpm_socket):
    """boot(), with the swtpm socket of a tpm scenario."""
    marks = {} if marks is None else marks
    serial_log = QDIR / f"{sc.name}.serial.log"
    serial_log.unlink(missing_ok=True)
    cmd = qemu_command(sc, iso, serial_log, tpm_socket)
    (QDIR / f"{sc.name}.qemu.cmd").write_text(" ".join(cmd) + "\n")
    with open(QDIR / f"{sc.name}.qemu.log", "wb") as qlog:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=qlog, stderr=subprocess.STDOUT)
        data = b""
        t_done = t_kernel = None
        try:
            while True:
                rc = proc.poll()
                if serial_log.exists():
                    with open(serial_log, "rb") as f:
                        f.seek(len(data))
                        data += f.read()
                now = time.monotonic() - start
                if "grub_entry" not in marks and b"Booting `" in data:
                    marks["grub_entry"] = now
                for name, rx in sc.time_marks:
                    if name not in marks and re.search(rx, data):
                        marks[name] = now
                if t_kernel is None and b"Linux version" in data:
                    t_kernel = now
                if t_done is None and re.search(rb"(?m)^\r*(CL-DONE\r?$|PROBE: RESULT )", data):
                    t_done = now
                if sc.expect_serial and all(re.search(rx, data) for rx in sc.expect_serial):
                    if not sc.expect_vga:
                        return data, now, t_kernel, None, None
                if sc.expect_vga and now >= marks.get("vga_read", 0) + 1.0 and b"chainloader: booting" in data:
                    marks["vga_read"] = now
                    try:
                        screen = screendump.vga_text(monitor_socket(sc), QDIR / f"{sc.name}.vga.bin")
                    except (OSError, screendump.ScreendumpError):
                        screen = None
                    if screen is not None:
                        (QDIR / f"{sc.name}.screen.txt").write_text("\n".join(screen) + "\n")
                        if all(any(re.search(rx, l) for l in screen) for rx in sc.expect_vga) and (
                                not sc.expect_serial or all(re.search(rx, data) for rx in sc.expect_serial)):
                            marks.pop("vga_read")
                            return data, now, t_kernel, None, None
                if rc is not None:
                    return data, t_done, t_kernel, rc, None
                if sc.expect_error and b"chainloader: error:" in data and b"\n" in data.split(b"chainloader: error:")[-1]:
                    time.sleep(1.0)  # long enough for a reset or a runaway to show
                    if proc.poll() is not None:
                        return data, None, None, proc.poll(), None
                    cpu = cpu_state(sc)
                    if sc.screen_min_pixels:
                        screendump.screendump(monitor_socket(sc), QDIR / f"{sc.name}.png")
                    return data, None, None, None, cpu
                if now > sc.timeout:
                    return data, t_done, t_kernel, None, None
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def lines_of(data):
    """Serial output as lines of bytes. The tty turns "\\n" into "\\r\\n",
    and GRUB leaves a "\\r" in front of whatever comes after it: drop those
    and nothing else, so marker values stay byte-exact."""
    out = []
    for line in data.split(b"\n"):
        if line.endswith(b"\r"):
            line = line[:-1]
        out.append(line.lstrip(b"\r"))
    return out


def tail(data, n=15):
    """The last n non-empty serial lines, cleaned up for display."""
    shown = [ANSI.sub(b"", l).replace(b"\r", b"") for l in lines_of(data)]
    shown = [l.decode("utf-8", "replace") for l in shown if l.strip()]
    return shown[-n:] or ["(no serial output)"]


def marker(lines, name):
    """Value of the single 'NAME: value' marker line."""
    prefix = name.encode() + b": "
    found = [l[len(prefix):] for l in lines if l.startswith(prefix)]
    if len(found) != 1:
        raise Fail(f"{len(found)} {name} lines (expected 1)")
    return found[0]


def int_marker(lines, name):
    value = marker(lines, name)
    if not value.isdigit():
        raise Fail(f"{name} is not a number: {value!r}")
    return int(value)


def check_probe(sc, lines, rc, result):
    """The probe kernel's verdict, its entry and the command line it was given;
    the CRC-32 of the RNG seed it found goes to result["rng_seed_crc32"]."""
    fails = [l for l in lines if l.startswith(b"PROBE: ") and b": FAIL" in l]
    if fails:
        raise Fail(fails[0].decode("utf-8", "replace"))
    seeds = [m.group(1).decode() for m in map(PROBE_SEED.match, lines) if m]
    want = 0 if sc.probe_rng == "none" else 1
    if len(seeds) != want:
        raise Fail(f"{len(seeds)} 'PROBE: INFO rng seed crc32' lines, expected {want} "
                   f"(probe.rng={sc.probe_rng})")
    result["rng_seed_crc32"] = seeds[0] if seeds else None
    entries = [l for l in lines if l.startswith(b"PROBE: ENTRY ")]
    if entries != [b"PROBE: ENTRY " + sc.probe_entry.encode()]:
        raise Fail(f"probe entries {entries!r}, expected {sc.probe_entry}")
    if sc.firmware == "uefi":
        # probe.kaslr=1: the kaslr checks ran (boot_params entries; PVH's
        # start_info has no EFI map, and that entry runs no decompressor).
        result["kaslr"] = [l[len(b"PROBE: INFO "):].decode("utf-8", "replace")
                           for l in lines if l.startswith(b"PROBE: INFO kaslr")]
        want = [] if sc.probe_entry == "pvh" else ["kaslr.memmap", "kaslr.rsdp", "kaslr.setup_data"]
        if sc.probe_rng == "efi":
            want.append("kaslr.rng_seed")
        for name in want:
            if b"PROBE: " + name.encode() + b": ok" not in lines:
                raise Fail(f"no 'PROBE: {name}: ok' line (probe.kaslr=1)")
    got = marker(lines, "PROBE: CMDLINE")
    want = sc.expect_cmdline.encode()
    if got != want:
        raise Fail(f"the probe's command line is {got!r}, expected {want!r}")
    if not any(l.startswith(b"PROBE: RESULT PASS ") for l in lines):
        raise Fail("no 'PROBE: RESULT PASS' line")
    if rc != PROBE_PASS:
        raise Fail(f"QEMU exit status {rc}, expected {PROBE_PASS} (the probe's pass code)")


def check_serial(sc, data, result):
    """A kernel that is not Linux: its own output, and the memory it saw."""
    for rx in sc.expect_serial:
        if not re.search(rx, data):
            raise Fail(f"serial output never matched {rx!r}")
    m = re.search(rb"Memory\s*:\s*(\d+)MB", data)
    if m:
        result["memory_mib"] = seen = int(m.group(1))
        if not sc.memory_mib - 2 <= seen <= sc.memory_mib:
            raise Fail(f"the kernel saw {seen} MB of a {sc.memory_mib} MiB VM")


def check_vga(sc, data, result):
    """An image that writes to the text screen (iPXE): the last screen read."""
    shot = QDIR / f"{sc.name}.screen.txt"
    screen = shot.read_text().splitlines() if shot.exists() else []
    result["screen"] = [l for l in screen if l]
    for rx in sc.expect_vga:
        if not any(re.search(rx, l) for l in screen):
            raise Fail(f"no line of the text screen ({shot}) matches {rx!r}")
    for rx in sc.expect_serial:
        if not re.search(rx, data):
            raise Fail(f"serial output never matched {rx!r}")


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


def check_kaslr(sc, clean, result):
    """expect_kaslr_safe: nothing the loader placed that the kernel reads late
    lies in a Conventional range of the EFI map the kernel printed. Records
    each range and the types it lies in (result["kaslr"]), and with
    record_efi_maps both maps' lines."""
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
    if sc.record_efi_maps:
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
    if sc.tpm:
        need += ["TPM event log (its pages)", "LINUX_EFI_TPM_EVENT_LOG table"]
    if sc.rng:
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


def check_firmware_handoff(sc, lines, result):
    """EFI runtime services, ACPI tables and the framebuffer, as the kernel saw them."""
    efi = marker(lines, "CL-EFI").decode()
    # PVH's start_info has no field for the EFI system table (README, Limits)
    want = "yes" if sc.firmware == "uefi" and "entry=pvh" not in sc.loader_opts else "no"
    if efi != want:
        raise Fail(f"CL-EFI is {efi} (/sys/firmware/efi), expected {want} on {sc.firmware}")
    result["acpi_tables"] = tables = int_marker(lines, "CL-ACPI-TABLES")
    if tables < 3:
        raise Fail(f"CL-ACPI-TABLES is {tables}: the kernel did not find the ACPI tables")
    fb = marker(lines, "CL-FB").decode("utf-8", "replace")
    want = sc.expect_fb
    if want == "auto":
        want = {"bios": "0 VESA VGA", "uefi": "0 EFI VGA"}[sc.firmware] if sc.boot == "chainloader" else None
    if want is not None and fb != want:
        raise Fail(f"CL-FB is {fb!r} (/proc/fb), expected {want!r}")


def optional_marker(lines, name):
    """Value of the 'NAME: value' marker (str), or None when it is absent."""
    prefix = name.encode() + b": "
    found = [l[len(prefix):] for l in lines if l.startswith(prefix)]
    return found[0].decode("utf-8", "replace") if len(found) == 1 else None


def check_measured_boot(sc, lines, result):
    """The TPM event log against the PCRs, the secure-boot state and the EFI
    configuration tables, as the kernel saw them. Recorded for every boot;
    checked as far as the scenario asks."""
    for key, name in (("secureboot", "CL-SECUREBOOT"), ("efi_tables", "CL-EFI-TABLES"),
                      ("rng_seed", "CL-RNG-SEED"), ("tpm_log", "CL-TPM-LOG")):
        result[key] = optional_marker(lines, name)
    try:
        log, pcrs = tpm_replay.from_serial(lines)
    except tpm_replay.LogError as e:
        raise Fail(f"TPM event log: {e}")
    if pcrs:
        result["pcr_sha256"] = {p: v.hex() for p, v in sorted(pcrs.items())}
    if sc.tpm and sorted(pcrs) != list(range(10)):
        raise Fail(f"CL-PCR-SHA256 lines for PCRs {sorted(pcrs)}, expected 0..9: "
                   f"the kernel did not find the TPM")
    if sc.expect_secureboot is not None:
        got = marker(lines, "CL-SECUREBOOT").decode("utf-8", "replace")
        if got != sc.expect_secureboot:
            raise Fail(f"CL-SECUREBOOT is {got!r}, expected {sc.expect_secureboot!r}")
    if sc.expect_efi_tables or sc.reject_efi_tables:
        tables = marker(lines, "CL-EFI-TABLES").decode("utf-8", "replace")
        for rx in sc.expect_efi_tables:
            if not re.search(rx, tables):
                raise Fail(f"CL-EFI-TABLES {tables!r} does not match {rx!r}")
        for rx in sc.reject_efi_tables:
            if re.search(rx, tables):
                raise Fail(f"CL-EFI-TABLES {tables!r} matches {rx!r}, which must not appear")
    if sc.expect_tpm_log == "none":
        got = marker(lines, "CL-TPM-LOG").decode("utf-8", "replace")
        if got != "none" or log is not None:
            raise Fail(f"CL-TPM-LOG is {got!r}: the kernel has a TPM event log, expected none")
    if sc.expect_tpm_replay:
        size = marker(lines, "CL-TPM-LOG").decode("utf-8", "replace")
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
        result["grub_modules_measured"] = seen = check_grub_modules(sc, events)
        if sc.grub != "2.06" and not seen:
            raise Fail("GRUB measured no module into PCR 9: nothing shows which GRUB ran")


def check_grub_modules(sc, events):
    """The GRUB modules GRUB measured into PCR 9 (EV_IPL events naming
    (dev)/boot/grub/PLATFORM/X.mod) are the files of the GRUB the scenario
    asks for, byte for byte (SHA-256): the proof, at run time, that this GRUB
    ran. Returns the modules' names."""
    plat = {"uefi": "x86_64-efi", "bios": "i386-pc"}[sc.firmware]
    src = GRUB212_DIRS[sc.firmware] if sc.grub == "2.12" else Path("/usr/lib/grub") / plat
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
                       f"but {src / m.group(1)} has {want.hex()}: not GRUB {sc.grub}'s module")
        seen.append(m.group(1))
    return seen


def check_banner(clean):
    version = (ROOT / "VERSION").read_text().strip()
    banner = re.compile(rb"chainloader " + re.escape(version.encode())
                        + rb"(?![0-9A-Za-z])")
    if not any(banner.match(l) for l in clean):
        raise Fail(f"no banner line 'chainloader {version}'")


def check_halted(sc, clean, rc, cpu):
    """The loader printed exactly the expected error and sits halted."""
    errors = [l for l in clean if l.startswith(b"chainloader: error:")]
    if len(errors) != 1 or not re.fullmatch(sc.expect_error, errors[0]):
        raise Fail(f"error lines {errors!r}, expected one matching {sc.expect_error!r}")
    if rc is not None:
        raise Fail(f"QEMU exited ({rc}) after the error: a reset, not a halt")
    cpu = cpu or ""
    # HMP prints "HLT=1" for a halted CPU and the flags as "RFL=" (or "EFL=").
    efl = re.search(r"[ER]FL=([0-9a-f]+)", cpu)
    if "HLT=1" not in cpu or not efl:
        shown = ANSI.sub(b"", cpu.encode()).decode()
        shown = shown[shown.find("RAX="):][:700]
        raise Fail(f"CPU not halted after the error: {shown!r}")
    if int(efl.group(1), 16) & 0x200:
        raise Fail(f"CPU halted with interrupts enabled (EFL={efl.group(1)})")
    if sc.screen_min_pixels:
        png = QDIR / f"{sc.name}.png"
        drawn = screendump.count_non_background_pixels(png) if png.exists() else 0
        if drawn < sc.screen_min_pixels:
            raise Fail(f"the error screen {png.name} has {drawn} non-background pixels, "
                       f"expected >= {sc.screen_min_pixels}")


def check(sc, data, initrd, rc, cpu, result):
    """Assertions on the serial output; raise Fail on the first miss."""
    lines = lines_of(data)
    if sc.boot in ("chainloader", "probe"):
        clean = [ANSI.sub(b"", l) for l in lines]
        if sc.expect_error:
            return check_halted(sc, clean, rc, cpu)
        bad = [l for l in clean if b"chainloader: error:" in l]
        if bad:
            raise Fail(bad[0].decode("utf-8", "replace"))
        ours = [l for l in clean if l.startswith(b"chainloader")]
        if sc.quiet:
            if ours:
                raise Fail(f"quiet, yet the loader printed {ours[0]!r}")
        else:
            check_banner(clean)
        for rx in sc.expect_loader:
            if not any(re.search(rx, l) for l in clean):
                raise Fail(f"no loader line matches {rx!r}")
        for rx in sc.reject_loader:
            hit = next((l for l in clean if re.search(rx, l)), None)
            if hit is not None:
                raise Fail(f"the loader line {hit!r} matches {rx!r}, which must not appear")
    if sc.expect_vga:
        return check_vga(sc, data, result)
    if sc.expect_serial:
        return check_serial(sc, data, result)
    if sc.boot == "probe":
        return check_probe(sc, lines, rc, result)
    if b"CL-DONE" not in lines:
        panic = [l for l in lines if b"Kernel panic - not syncing" in l]
        why = f" ({panic[0].decode('utf-8', 'replace')})" if panic else ""
        if rc is None:
            raise Fail(f"timeout after {sc.timeout:.0f} s, no CL-DONE{why}")
        raise Fail(f"QEMU exited ({rc}) without CL-DONE{why}")

    got = marker(lines, "CL-CMDLINE")
    want = sc.expect_cmdline.encode()
    if got != want:
        raise Fail(f"CL-CMDLINE is {got!r}, expected {want!r}")

    got = marker(lines, "CL-PAYLOAD-SHA256").decode("ascii", "replace")
    want = Path(f"{initrd}.sha256").read_text().strip()
    if got != want:
        raise Fail(f"CL-PAYLOAD-SHA256 is {got}, expected {want}")

    result["memtotal_kb"] = mem = int_marker(lines, "CL-MEMTOTAL-KB")
    if not max(sc.min_memtotal_kb, 1) <= mem <= sc.memory_mib * 1024:
        raise Fail(f"CL-MEMTOTAL-KB {mem} outside [{sc.min_memtotal_kb} KiB, {sc.memory_mib} MiB]")
    extra = marker(lines, "CL-EXTRA").decode("ascii", "replace")
    want = " ".join(str(n) for n in range(1, 2 + sc.extra_initrds))
    if extra != want:
        raise Fail(f"CL-EXTRA is {extra!r}: the kernel saw the files of initrds {extra!r}, expected {want!r}")
    result["e820_usable"] = usable = int_marker(lines, "CL-E820-USABLE")
    result["e820_total"] = total = int_marker(lines, "CL-E820-TOTAL")
    if usable < 2:
        raise Fail(f"CL-E820-USABLE is {usable}, expected >= 2")
    if total < sc.min_e820_total:
        raise Fail(f"CL-E820-TOTAL is {total}, expected >= {sc.min_e820_total}")
    check_firmware_handoff(sc, lines, result)
    check_measured_boot(sc, lines, result)
    if sc.expect_kaslr_safe:
        check_kaslr(sc, [ANSI.sub(b"", l) for l in lines], result)
    if total < usable:
        raise Fail(f"CL-E820-TOTAL {total} < CL-E820-USABLE {usable}")

    if rc is None:
        raise Fail("QEMU did not power off after CL-DONE")


MB2_HEADER_MAGIC = 0xE85250D6
MB2_HEADER_TAG_RELOCATABLE = 10
MB2_LOAD_PREFERENCE_HIGH = 2


def loader_placed_high():
    """A copy of chainloader.elf whose relocatable tag prefers high addresses."""
    data = bytearray(LOADER.read_bytes())
    for at in range(0, 32768 - 16, 8):  # the multiboot2 header: 8-aligned, first 32 KiB
        magic, arch, length, check = struct.unpack_from("<IIII", data, at)
        if magic == MB2_HEADER_MAGIC and (magic + arch + length + check) & 0xFFFFFFFF == 0:
            break
    else:
        raise Fail("no multiboot2 header in chainloader.elf")
    tag = at + 16
    while tag < at + length:
        ttype, _, tsize = struct.unpack_from("<HHI", data, tag)
        if ttype == MB2_HEADER_TAG_RELOCATABLE:
            struct.pack_into("<I", data, tag + 20, MB2_LOAD_PREFERENCE_HIGH)
            out = QDIR / "chainloader-placed-high.elf"
            out.write_bytes(data)
            return out
        if ttype == 0:
            break
        tag += (tsize + 7) & ~7
    raise Fail("chainloader.elf has no relocatable tag (multiboot2 header tag 10)")


def make_iso(sc, vmlinuz, initrd):
    entry = QDIR / f"{sc.name}.entry"
    entry.write_text(sc.menuentry())
    iso = QDIR / f"{sc.name}.{'tftp' if sc.netboot else 'iso'}"
    files = [f"vmlinuz={vmlinuz}", f"initrd.img={initrd}"]
    files += [f"extra{n}.cpio={extra_initrd(n)}" for n in range(2, 2 + sc.extra_initrds)]
    if sc.boot in ("chainloader", "probe"):
        files.append(f"chainloader.elf={loader_placed_high() if sc.loader_placed == 'high' else LOADER}")
    opts = []
    if sc.grub != "2.06":
        opts += ["-d", grub_dir(sc)]
    if not sc.grub_video:
        opts.append("-n")
    if sc.netboot:
        opts.append("-N")
    if sc.grub_preamble:
        preamble = QDIR / f"{sc.name}.preamble"
        preamble.write_text(sc.grub_preamble)
        opts += ["-p", preamble]
    try:
        run([SCRIPTS / "mkiso.sh"] + opts + [iso, entry] + files)
    except subprocess.CalledProcessError:
        raise Fail("mkiso.sh failed")
    return iso


def run_scenario(sc):
    """Run one scenario; return a result dict (passed, reason, timings...)."""
    result = {"name": sc.name, "passed": False, "reason": None, "tail": None,
              "grub": sc.grub, "ovmf": sc.ovmf}
    data = b""
    booted = []  # names of the boots begun (each names its logs)
    try:
        if sc.grub != "2.06":
            result["grub_package"] = package_of(grub_dir(sc))
        if sc.firmware == "uefi" and sc.ovmf != "2022":
            debian13("ovmf")
            result["ovmf_package"] = package_of(OVMF2025 / "ovmf")
        if sc.boot in ("chainloader", "probe") and not LOADER.exists():
            raise Fail(f"{os.path.relpath(LOADER, ROOT)} missing")
        if sc.boot == "probe" or sc.image.startswith("probe"):
            vmlinuz = KDIR / sc.image
            if not vmlinuz.exists():
                raise Fail(f"{vmlinuz} missing (make probe-kernels)")
            result["kernel"] = sc.image
            initrd, crc = probe_initrd()
            if sc.boot == "probe":
                # GRUB gives chainloader a framebuffer on both firmwares; OVMF
                # keeps about 6.5 MiB more RAM to itself than SeaBIOS.
                uefi = sc.firmware == "uefi"
                args = (f"{PROBE_ARGS} probe.mem_mib={sc.memory_mib} "
                        f"probe.initrd_size={PROBE_INITRD_SIZE} probe.initrd_crc32={crc} "
                        f"probe.firmware={sc.firmware} probe.fb={'efi' if uefi else 'vlfb'} "
                        f"probe.rng={sc.probe_rng} probe.secure_boot={PROBE_SECURE_BOOT[sc.firmware]}"
                        + (" probe.mem_slack_mib=8 probe.kaslr=1" if uefi else ""))
                sc = dataclasses.replace(sc, grub_args=args, expect_cmdline=args.replace(
                    PROBE_ARGS, PROBE_ARGS_AS_PASSED))
        elif sc.debian == "13":
            vmlinuz = debian13_file(f"kernel-{sc.flavour}", "kernels", f"vmlinuz-{sc.flavour}")
            result["kernel"] = package_of(vmlinuz)
        else:
            vmlinuz = kernel(sc.flavour)
            result["kernel"] = Path(f"{vmlinuz}.version").read_text().strip()
        if sc.image == "vmlinux":
            vmlinuz = (debian13_file(f"vmlinux-{sc.flavour}", "kernels", f"vmlinux-{sc.flavour}")
                       if sc.debian == "13" else vmlinux(sc.flavour))
        elif sc.image.startswith("memtest"):
            # "memtest" (x64) or "memtest-ia32" (Debian 13's 32-bit build)
            arch = "ia32" if sc.image == "memtest-ia32" else "x64"
            if sc.debian == "13":
                vmlinuz = debian13_file("memtest", "memtest", f"memtest86+{arch}.bin")
                result["kernel"] = package_of(vmlinuz)
            elif arch == "x64":
                vmlinuz = MEMTEST
                result["kernel"] = "memtest86+"
            else:
                raise Fail("memtest86+ia32.bin: only Debian 13's memtest86+ is fetched")
        elif sc.image == "ipxe":
            vmlinuz = IPXE_LKRN.resolve()  # a symlink to /boot/ipxe.lkrn: the ISO needs the file
            result["kernel"] = package_of_system(IPXE_LKRN)
        elif sc.image == "memdisk":
            vmlinuz = MEMDISK
            result["kernel"] = package_of_system(MEMDISK)
        elif sc.image == "garbage":
            vmlinuz = QDIR / "garbage.bin"
            vmlinuz.write_bytes(b"\x7fELG" + os.urandom(65532))  # not ELF, not bzImage
            result["kernel"] = "random bytes"
        if sc.floppy:
            initrd = make_floppy()
        elif not sc.image.startswith("probe"):
            initrd = initramfs(sc.payload_kib, sc.initrd_gz)

        if sc.initrd_nounzip:  # the loader must report the file's own size
            size = initrd.stat().st_size
            sc = dataclasses.replace(sc, expect_loader=sc.expect_loader + (
                rb"^chainloader: booting .*, initrd %d bytes$" % size,))
        if sc.boot == "qemu-direct":
            iso = (vmlinuz, initrd)
        else:
            iso = make_iso(sc, vmlinuz, initrd)

        seeds = []
        for n in range(sc.boots):
            # Boots after the first keep their own logs: <name>-boot2.serial.log ...
            this = sc if n == 0 else dataclasses.replace(sc, name=f"{sc.name}-boot{n + 1}")
            booted.append(this.name)
            marks = {}
            data, t_done, t_kernel, rc, cpu = boot(this, iso, marks)
            result.update(seconds_to_done=t_done, seconds_to_kernel=t_kernel,
                          seconds_to_grub_entry=marks.get("grub_entry"), marks=marks, qemu_exit=rc)
            check(this, data, initrd, rc, cpu, result)
            seeds.append(result.get("rng_seed_crc32"))
        if sc.boots > 1 and sc.boot == "probe" and sc.probe_rng != "none":
            result["rng_seed_crc32"] = seeds
            if len(set(seeds)) != len(seeds):
                raise Fail(f"the RNG seeds of {sc.boots} boots are not all different: "
                           f"crc32 {', '.join(seeds)}")
        result["passed"] = True
    except Fail as e:
        result["reason"] = e.args[0]
        # Kept apart, so a later passing run of the same scenario does not
        # overwrite the evidence of an intermittent failure (every boot's:
        # two boots may fail together, by their seeds).
        for name in booted or [sc.name]:
            serial_log = QDIR / f"{name}.serial.log"
            if serial_log.exists():
                (QDIR / f"{name}.failed.serial.log").write_bytes(serial_log.read_bytes())
                (QDIR / f"{name}.failed.reason").write_text(e.args[0] + "\n")
        if data:
            result["tail"] = tail(data)
        elif (QDIR / f"{sc.name}.qemu.log").exists():
            # No serial output at all: QEMU's own complaint says more.
            qlog = (QDIR / f"{sc.name}.qemu.log").read_bytes()
            result["tail"] = tail(qlog) if qlog.strip() else None
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", metavar="NAME", action="append",
                    help="run only scenarios whose name contains NAME "
                         "(may be repeated)")
    ap.add_argument("--list", action="store_true", help="list scenarios")
    ap.add_argument("--full", action="store_true",
                    help="also the scenarios only make test-full runs")
    args = ap.parse_args()

    chosen = [s for s in SCENARIOS
              if (args.full or not s.full) and (not args.only or any(o in s.name for o in args.only))]
    if args.list:
        for s in chosen:
            print(f"{s.name}\t{s.boot}, {s.flavour} kernel, {s.firmware}, "
                  f"-m {s.memory_mib}")
        return 0
    if not chosen:
        print(f"no scenario matches {args.only}", file=sys.stderr)
        return 2

    QDIR.mkdir(parents=True, exist_ok=True)
    results = []
    for sc in chosen:
        r = run_scenario(sc)
        results.append(r)
        if r["passed"]:
            t = r.get("seconds_to_done")
            how = "error shown, CPU halted" if sc.expect_error else f"{t:.1f} s"
            print(f"PASS {sc.name} ({how})", flush=True)
        else:
            print(f"FAIL {sc.name}: {r['reason']}", flush=True)
            for line in r["tail"] or []:
                print(f"    | {line}", flush=True)
        if sc.expect_kaslr_safe:
            for line in r.get("kaslr") or []:
                print(f"    kaslr: {line}", flush=True)
    (QDIR / "results.json").write_text(json.dumps(results, indent=2) + "\n")

    failed = sum(not r["passed"] for r in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
