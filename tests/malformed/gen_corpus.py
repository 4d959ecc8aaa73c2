#!/usr/bin/env python3
"""The malformed-input corpus: boot modules the loader must refuse, each with
the exact `chainloader: error: ...` line it must print.

    tests/malformed/gen_corpus.py [OUTDIR]   writes OUTDIR/<case>/<module files>
                                             and OUTDIR/cases.json
                                             (default build/malformed/corpus)
    tests/malformed/gen_corpus.py --list     the cases and their messages

Every image is crafted here (tests/malformed/images.py), deterministically.
The efi- cases are chainloader.efi's (GRUB's `linux /boot/chainloader.efi
[options] -- <cmdline>` and `initrd newc:...`): each is GRUB's command line
and the initrd buffer GRUB hands over, written as GRUB 2.06 or 2.12 writes
it; they run on the host only (chainloader-check --efi-stub), not through
the multiboot2 entry in QEMU.
The expected line is the loader's message as written in loader/*.c and
boot/*.c; where a value depends on where GRUB put a module, the case holds a
regex (`regex: True`) with that value left open. A case the loader does not
handle yet carries `xfail`: why, and the message it should print; the runner
reports it as XFAIL and does not count it as a failure.
"""

import argparse
import json
import random
import re
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(HERE))
import images as im  # noqa: E402

MIB = im.MIB
E = "chainloader: error: "
KNOWN = "(known: verbose quiet timing entry=auto|64|32|16|pvh)"
ADDR = "0x[0-9a-f]+"  # a module address GRUB chose

CASES = []


def case(name, kernel, expect, opts="", args="console=ttyS0", initrds=(), regex=False,
         memory_mib=512, xfail=None, what="", grub_cmdline=None):
    """kernel: the first module's bytes (None: no module at all); initrds: more
    modules' bytes; expect: the error line after "chainloader: error: ".
    grub_cmdline: a chainloader.efi case: kernel is then GRUB's initrd buffer
    and grub_cmdline the command line GRUB's linux passes."""
    CASES.append(dict(name=name, kernel=kernel, initrds=list(initrds), opts=opts, args=args,
                      expect=E + expect if regex is False else re.escape(E) + expect,
                      regex=bool(regex), memory_mib=memory_mib, xfail=xfail, what=what,
                      grub_cmdline=grub_cmdline))


def neither(data):
    return (rf"kernel module of {len(data)} bytes is neither a bzImage \(0xaa55, \"HdrS\"\) nor an ELF "
            rf"\(first bytes {' '.join(f'{b:02x}' for b in data[:4])}\)")


def patch(data, off, fmt, value):
    b = bytearray(data)
    struct.pack_into("<" + fmt, b, off, value)
    return bytes(b)


# ---------------------------------------------------------------- bzImage
# The base image: protocol 2.15, relocatable, 64-bit, setup_sects 4 (0xa00
# bytes of setup), 0x1000 bytes of protected-mode part, init_size 4 MiB.
BZ = im.bzimage()
BZ_SIZE = len(BZ)          # 0x1a00
SETUP = 0xA00
PM = 0x1000


def bzimage_cases():
    case("bz-truncated-0x1f0", BZ[:0x1F0], neither(BZ[:0x1F0]), regex=True,
         what="cut before boot_flag: nothing to recognise")
    case("bz-truncated-0x204", BZ[:0x204],
         "bzImage: module of 516 bytes ends before the setup header (needs 518)",
         what="cut inside the HdrS magic (was \"neither a bzImage nor an ELF\" until 82318dd)")
    case("bz-truncated-0x207", BZ[:0x207], "bzImage: module of 519 bytes ends inside the setup header",
         what="cut inside the version field")
    case("bz-truncated-0x240", BZ[:0x240], "bzImage: setup header ends at 0x26c, module has 576 bytes",
         what="cut inside the setup header")
    case("bz-truncated-0x400", BZ[:0x400], "bzImage: setup_sects 4 needs 2560 bytes, module has 1024",
         what="cut inside the real-mode setup")
    case("bz-truncated-at-setup-end", BZ[:SETUP], "bzImage: setup_sects 4 needs 2560 bytes, module has 2560",
         what="cut exactly where the protected-mode part starts")
    case("bz-truncated-in-kernel", BZ[:SETUP + 0x800],
         "bzImage: syssize 256 (4096 bytes) does not fit the 2048 bytes after the 2560-byte setup",
         what="cut halfway through the protected-mode part")
    case("bz-bad-boot-flag", patch(BZ, im.BOOT_FLAG, "H", 0x55AA),
         "bzImage: boot_flag 0x55aa at 0x1fe, expected 0xaa55",
         what="boot_flag 0x55aa (was \"neither a bzImage nor an ELF\" until 82318dd)")
    case("bz-bad-hdrs-magic", patch(BZ, im.HEADER, "I", 0x58726448),
         "bzImage: header 0x58726448 at 0x202 is not \"HdrS\" (boot protocol < 2.00)",
         what="\"HdrX\" instead of \"HdrS\" (was \"neither a bzImage nor an ELF\" until 82318dd)")
    # By the 32-bit entry: on BIOS, entry=auto takes such images by the real-mode entry.
    case("bz-protocol-2.09", im.bzimage(version=0x0209), opts="entry=32",
         expect="bzImage: boot protocol 2.09 is older than 2.10 (no init_size to place it safely)")
    case("bz-protocol-2.00", im.bzimage(version=0x0200), opts="entry=32",
         expect="bzImage: boot protocol 2.00 is older than 2.10 (no init_size to place it safely)")
    case("bz-jump-not-short", patch(BZ, im.JUMP, "B", 0xE9),
         "bzImage: jump 0xe9 0x6a at 0x200 is not a short jump (0xeb)",
         what="0xe9 where the short jump 0xeb belongs (the message claimed a bad header end until 82318dd)")
    case("bz-header-too-short", im.bzimage(header_end=0x250),
         "bzImage: jump 0xeb 0x4e at 0x200 ends the header at 0x250, outside [0x264, 0x290]",
         what="the jump ends the header before init_size")
    case("bz-header-too-long", im.bzimage(header_end=0x2A0),
         "bzImage: jump 0xeb 0x9e at 0x200 ends the header at 0x2a0, outside [0x264, 0x290]")
    case("bz-setup-sects-beyond-module", im.bzimage(setup_sects=200, pm_size=0x1000)[:BZ_SIZE],
         "bzImage: setup_sects 200 needs 102912 bytes, module has 6656")
    case("bz-syssize-lies", im.bzimage(syssize=PM // 16 + 0x100),
         "bzImage: syssize 512 (8192 bytes) does not fit the 4096 bytes after the 2560-byte setup")
    case("bz-syssize-zero", im.bzimage(syssize=0),
         "bzImage: syssize 0 (0 bytes) does not fit the 4096 bytes after the 2560-byte setup")
    case("bz-zimage", im.bzimage(loadflags=0),
         "bzImage: loadflags 0x0 lack LOADED_HIGH (a zImage, not supported)")
    case("bz-code32-start-outside", im.bzimage(code32_start=0x200000),
         "bzImage: code32_start 0x200000 is outside the protected-mode part [0x100000, 0x101000)")
    case("bz-alignment-not-power-of-two", im.bzimage(alignment=0x300000),
         "bzImage: kernel_alignment 0x300000 is not a power of two")
    case("bz-alignment-zero", im.bzimage(alignment=0),
         "bzImage: kernel_alignment 0x0 is not a power of two")
    case("bz-init-size-below-kernel", im.bzimage(init_size=0x100),
         "bzImage: init_size 0x100 is smaller than the protected-mode part 0x1000")
    case("bz-init-size-beyond-ram", im.bzimage(init_size=0xF0000000),
         "no room for kernel: 0xf0000000 bytes aligned to 0x200000 within [0x1000000, 0xffffffffffffffff) "
         "of usable RAM")
    case("bz-pref-address-below-1mib", im.bzimage(pref_address=0x1000),
         "bzImage: pref_address 0x1000 with init_size 0x400000 is not a usable range")
    case("bz-fixed-on-mmio", im.bzimage(relocatable=False, pref_address=0xFEC00000),
         "kernel (not relocatable, at pref_address) needs [0xfec00000, 0xff000000), which is not usable RAM",
         what="not relocatable, at the IOAPIC")
    case("bz-fixed-beyond-ram", im.bzimage(relocatable=False, pref_address=0x40000000),
         "kernel (not relocatable, at pref_address) needs [0x40000000, 0x40400000), which is not usable RAM",
         what="not relocatable, at 1 GiB of a 512 MiB VM")
    case("bz-entry64-protocol-2.11", im.bzimage(version=0x020B), opts="entry=64",
         expect="bzImage: boot protocol 2.11 is older than 2.12 (no 64-bit entry; entry=32 may work)")
    case("bz-entry64-no-xlf-kernel-64", im.bzimage(xloadflags=0), opts="entry=64",
         expect="bzImage: xloadflags 0x0 lack XLF_KERNEL_64 (no 64-bit entry; entry=32 may work)")
    case("bz-entry-pvh", BZ, opts="entry=pvh",
         expect="entry=pvh needs an ELF kernel with a Xen PHYS32_ENTRY note; this is a bzImage")
    args = "console=ttyS0,115200 panic=-1"
    case("bz-cmdline-beyond-cmdline-size", im.bzimage(cmdline_size=16), args=args,
         expect=f"kernel command line is {len(args)} bytes, the kernel's cmdline_size is 16")
    long_args = "console=ttyS0 " + " ".join(f"cl.pad{i:04d}=xxxxxxxx" for i in range(130))
    case("bz-cmdline-beyond-2047", BZ, args=long_args,
         expect=f"kernel command line is {len(long_args)} bytes, the kernel's cmdline_size is 2047")
    # initrd_addr_max: 1 MiB, so no initrd GRUB can load fits under it.
    tiny_max = im.bzimage(initrd_addr_max=0xFFFFF, xloadflags=im.XLF_KERNEL_64)
    case("bz-initrd-above-initrd-addr-max", tiny_max, initrds=[b"\x07" * 4096],
         expect="no room for initrd: 0x1000 bytes aligned to 0x1000 within [0x100000, 0x100000) of usable RAM",
         what="initrd_addr_max 0xfffff: nowhere to put the initrd")
    case("bz-initrd-above-initrd-addr-max-entry32", tiny_max, initrds=[b"\x07" * 4096], opts="entry=32",
         expect="no room for initrd: 0x1000 bytes aligned to 0x1000 within [0x100000, 0x100000) of usable RAM",
         what="as above, by the 32-bit entry (found by fuzz_boot_plan; fixed in d11f95a)")


# ---------------------------------------------------------------- ELF
LOAD = 16 * MIB
ELF_NOTE = im.pvh_note(LOAD + 0x10)
ELF = im.elf(loads=((LOAD, 0x1000, 0x2000),), notes=ELF_NOTE)  # phdr 0 note, 1 load; 8192 bytes
PH1 = im.phdr_offset(1)


def real_mode_cases():
    """The real-mode entry (entry=16; entry=auto on BIOS for protocol < 2.10 or
    code32_start 0). BIOS only: not in the OVMF run (test_malformed.py)."""
    case("rm-setup-too-large", im.bzimage(version=0x0207, setup_sects=70),
         "entry=16: the real-mode part is 36352 bytes (setup_sects 70), more than the 0x8000 below its heap",
         what="71 sectors of setup, by entry=auto: more than fits below the real-mode heap")
    old_args = "console=ttyS0 " + "x" * 290
    case("rm-cmdline-beyond-255-old-protocol", im.bzimage(version=0x0205), args=old_args,
         expect=f"kernel command line is {len(old_args)} bytes, the kernel's cmdline_size is 255",
         what="protocol 2.05 has no cmdline_size field: 255 characters at most")
    case("rm-entry16-on-elf", ELF, opts="entry=16",
         expect="entry=16 is the bzImage real-mode entry; for an ELF kernel use entry=64 or entry=pvh")


def elf_cases():
    case("elf-truncated-in-header", ELF[:40], "ELF: module of 40 bytes is shorter than the 64-byte ELF header")
    case("elf-truncated-in-program-headers", ELF[:100],
         "ELF: program headers at 0x40 (2 x 56 bytes) run past the module's 100 bytes")
    case("elf-truncated-in-note", ELF[:0x210],
         f"ELF: PT_NOTE 0 at offset 0x200 + {len(ELF_NOTE):#x} runs past the module's 528 bytes")
    case("elf-truncated-in-segment", ELF[:0x1800],
         "ELF: PT_LOAD 1 at offset 0x1000 + filesz 0x1000 runs past the module's 6144 bytes")
    case("elf-class-32", patch(ELF, 4, "B", 1), "ELF: class 1 is not ELFCLASS64 (2)")
    case("elf-big-endian", patch(ELF, 5, "B", 2), "ELF: data encoding 2 is not little-endian (1)")
    case("elf-machine-i386", patch(ELF, im.E_MACHINE, "H", 3), "ELF: e_machine 3 is not EM_X86_64 (62)")
    case("elf-type-dyn", patch(ELF, im.E_TYPE, "H", 3), "ELF: e_type 3 is not ET_EXEC (2)")
    case("elf-type-rel", patch(ELF, im.E_TYPE, "H", 1), "ELF: e_type 1 is not ET_EXEC (2)")
    case("elf-phentsize-small", patch(ELF, im.E_PHENTSIZE, "H", 32), "ELF: e_phentsize 32 is below 56")
    case("elf-no-program-headers", patch(ELF, im.E_PHNUM, "H", 0), "ELF: no program headers (e_phnum 0)")
    case("elf-program-headers-outside", patch(ELF, im.E_PHOFF, "Q", 0x10000),
         "ELF: program headers at 0x10000 (2 x 56 bytes) run past the module's 8192 bytes")
    # Program headers inside the ELF header would be read from its own fields.
    case("elf-program-headers-in-header", patch(ELF, im.E_PHOFF, "Q", 0x10),
         "ELF: e_phoff 0x10 is inside the 64-byte ELF header")
    case("elf-load-outside-file", patch(ELF, PH1 + im.P_OFFSET, "Q", 0x10000),
         "ELF: PT_LOAD 1 at offset 0x10000 + filesz 0x1000 runs past the module's 8192 bytes")
    case("elf-filesz-above-memsz", patch(ELF, PH1 + im.P_MEMSZ, "Q", 0x800),
         "ELF: PT_LOAD 1 has p_filesz 0x1000 > p_memsz 0x800")
    case("elf-paddr-wraps", patch(ELF, PH1 + im.P_PADDR, "Q", 0xFFFFFFFFFFFFF000),
         "ELF: PT_LOAD 1 p_paddr 0xfffffffffffff000 + p_memsz 0x2000 overflows")
    case("elf-overlapping-segments", im.elf(loads=((LOAD, 0x1000, 0x2000), (LOAD + 0x1000, 0x1000, 0x2000))),
         "ELF: PT_LOAD 1 [0x1001000, 0x1003000) overlaps another PT_LOAD [0x1000000, 0x1002000)")
    seventeen = tuple((LOAD + i * 0x1000, 0x10, 0x10) for i in range(17))
    case("elf-17-segments", im.elf(loads=seventeen, seg_align=0x10), "ELF: more than 16 PT_LOAD segments")
    case("elf-no-load-segment", patch(ELF, PH1 + im.P_TYPE, "I", 6), "ELF: no PT_LOAD segment with memory",
         what="the only PT_LOAD turned into PT_PHDR")
    case("elf-entry-outside", patch(ELF, im.E_ENTRY, "Q", 0x5000000),
         "ELF: e_entry 0x5000000 is outside every PT_LOAD's file bytes")
    case("elf-entry-in-bss", patch(ELF, im.E_ENTRY, "Q", LOAD + 0x1800),
         "ELF: e_entry 0x1001800 is outside every PT_LOAD's file bytes")
    case("elf-pvh-note-descsz-2", im.elf(notes=im.pvh_note(LOAD + 0x10, descsz=2)),
         "ELF: Xen PHYS32_ENTRY note has descsz 2 (expected 4 or 8)")
    case("elf-pvh-note-descsz-16", im.elf(notes=im.pvh_note(LOAD + 0x10, descsz=16)),
         "ELF: Xen PHYS32_ENTRY note has descsz 16 (expected 4 or 8)")
    case("elf-note-runs-past", patch(ELF, 0x200, "I", 4096),
         "ELF: note at offset 0x200 (namesz 4096, descsz 4) runs past its PT_NOTE")
    case("elf-pvh-entry-outside", im.elf(notes=im.pvh_note(0x2000000)),
         "ELF: PVH entry 0x2000000 is outside every PT_LOAD's file bytes")
    case("elf-pvh-entry-above-4g", im.elf(notes=im.pvh_note(0x100000000, descsz=8)),
         "ELF: PVH entry 0x100000000 is above 4 GiB")
    case("elf-segment-on-mmio", im.elf(loads=((0xFEC00000, 0x1000, 0x2000),)),
         "ELF PT_LOAD needs [0xfec00000, 0xfec02000), which is not usable RAM", what="at the IOAPIC")
    case("elf-segment-beyond-ram", im.elf(loads=((0x40000000, 0x1000, 0x2000),)),
         "ELF PT_LOAD needs [0x40000000, 0x40002000), which is not usable RAM", what="at 1 GiB of 512 MiB")
    case("elf-segment-below-1mib", im.elf(loads=((0x10000, 0x1000, 0x2000),)),
         "ELF PT_LOAD needs [0x10000, 0x12000), below 1 MiB (real-mode and BIOS memory), "
         "which chainloader does not load to")
    case("elf-pvh-segment-above-4g",
         im.elf(loads=((LOAD, 0x1000, 0x1000), (0x100000000, 0x1000, 0x1000)), notes=ELF_NOTE), opts="entry=pvh",
         expect="ELF PT_LOAD [0x100000000, 0x100001000) is above 4 GiB, out of reach of the PVH entry")
    case("elf-entry-32", ELF, opts="entry=32",
         expect="entry=32 is the bzImage 32-bit entry; for an ELF kernel use entry=64 or entry=pvh")
    case("elf-entry-pvh-without-note", im.elf(), opts="entry=pvh",
         expect="entry=pvh: the ELF kernel has no XEN_ELFNOTE_PHYS32_ENTRY note (type 18, owner \"Xen\")")
    long_args = "console=ttyS0 " + "x" * 2100
    case("elf-cmdline-beyond-2047", ELF, args=long_args,
         expect=f"kernel command line is {len(long_args)} bytes, the kernel's cmdline_size is 2047")


# ---------------------------------------------------------------- chainloader.efi
# GRUB's initrd for `initrd newc:boot/vmlinuz:/boot/vmlinuz /boot/initrd.img`:
# the "boot" directory entry at 0, the kernel member's header at 0x74, its
# bytes at 0xf0 (both GRUBs: 4-byte padding), the TRAILER!!! at 0x1af0, then
# the plain initrd (at 7016 on GRUB 2.06, 7020 on 2.12).
EFI_LINE = "BOOT_IMAGE=/boot/chainloader.efi -- root=/dev/vda console=ttyS0"
EFI_KERNEL_HEADER = 0x74
EFI_TRAILER = 0x74 + 0x7C + BZ_SIZE
PLAIN_INITRD = b"\x07" * 1000
NOT_NEWC = "initrd: does not start with a newc: member (the kernel: initrd newc:vmlinuz:/boot/vmlinuz ...)"
NO_SEPARATOR = ("command line: no \"--\" between the loader options and the kernel's "
                "(linux /boot/chainloader.efi [options] -- <kernel command line>)")


def grub_initrd(nul, kernel=BZ, plain=(PLAIN_INITRD,), extra=()):
    return im.grub_initrd([(b"boot/vmlinuz", kernel), *extra], plain, nul)


def efi_initrd(nul, kernel_fields=None, kernel=BZ, name=b"boot/vmlinuz", trailer=True, plain=(PLAIN_INITRD,)):
    """As grub_initrd, with the kernel member's header fields overridden."""
    fields = dict(kernel_fields or {})
    mode = fields.pop("mode", 0o100777)
    out = im.newc_member(b"boot", 0o40777, b"", nul) + im.newc_member(name, mode, kernel, nul, **fields)
    if trailer:
        out += im.newc_member(im.NEWC_TRAILER, 0, b"", nul)
    return out + b"".join(plain)


def efi(name, initrd, expect, line=EFI_LINE, **kw):
    case(name, initrd, expect, grub_cmdline=line, **kw)


def efi_cases():
    """chainloader.efi's inputs (boot/efi_stub/inputs.c): host only."""
    g206, g212 = grub_initrd(False), grub_initrd(True)
    assert g206[EFI_KERNEL_HEADER:EFI_KERNEL_HEADER + 6] == b"070701" and g206[EFI_TRAILER + 110:][:10] == b"TRAILER!!!"
    gz = b"\x1f\x8b\x08\x00" + b"\0" * 252  # a gzip initrd's first bytes
    efi("efi-not-newc", gz, NOT_NEWC, what="initrd /boot/initrd.img.gz alone: no newc: member first")
    efi("efi-no-initrd", b"", "initrd: GRUB passed none; chainloader.efi takes the kernel from it: "
        "initrd newc:vmlinuz:/boot/vmlinuz-VERSION [/boot/initrd.img-VERSION]",
        what="no initrd line (chainloader-check: an empty file)")
    efi("efi-bad-magic", efi_initrd(True, {"magic": b"070702"}),
        f"initrd: cpio magic 30 37 30 37 30 32 at offset {EFI_KERNEL_HEADER:#x} is not newc's \"070701\"",
        what="the kernel member as a crc cpio header (070702)")
    efi("efi-bad-hex-digit", efi_initrd(False, {"filesize": b"00001a0g"}),
        f"initrd: cpio c_filesize at offset {EFI_KERNEL_HEADER + 6 + 8 * 6:#x} is not 8 hex digits",
        what="GRUB 2.06's archive, a 'g' in the kernel's c_filesize")
    efi("efi-namesize-0", efi_initrd(True, {"namesize": 0}),
        f"initrd: cpio c_namesize 0 at offset {EFI_KERNEL_HEADER:#x}: the name must fit the initrd's "
        f"{len(g212)} bytes")
    cut = EFI_KERNEL_HEADER + 110 + 4
    efi("efi-name-past-end", g206[:cut],
        f"initrd: cpio c_namesize 12 at offset {EFI_KERNEL_HEADER:#x}: the name must fit the initrd's {cut} bytes",
        what="cut inside the kernel member's name")
    efi("efi-truncated-header", g212[:EFI_KERNEL_HEADER + 50],
        f"initrd: cpio header at offset {EFI_KERNEL_HEADER:#x} runs past the initrd's "
        f"{EFI_KERNEL_HEADER + 50} bytes", what="cut inside the kernel member's header")
    efi("efi-filesize-past-end", efi_initrd(True, {"filesize": 0x100000}),
        f"initrd: cpio member 'boot/vmlinuz' of 1048576 bytes at offset {EFI_KERNEL_HEADER:#x} runs past the "
        f"initrd's {len(g212)} bytes", what="c_filesize 1 MiB, the archive is 8 KiB")
    efi("efi-truncated-in-kernel", g212[:0xF0 + 0x800],
        f"initrd: cpio member 'boot/vmlinuz' of {BZ_SIZE} bytes at offset {EFI_KERNEL_HEADER:#x} runs past the "
        f"initrd's {0xF0 + 0x800} bytes", what="cut inside the kernel's bytes")
    efi("efi-only-directories", efi_initrd(True, {"mode": 0o40777}),
        f"initrd: the newc: members end (TRAILER!!! at offset {EFI_TRAILER:#x}) before a regular file: "
        "no kernel member", what="the kernel member a directory")
    efi("efi-empty-kernel", im.grub_initrd([(b"vmlinuz", b"")], [PLAIN_INITRD], True),
        "initrd: the kernel member 'vmlinuz' is empty", what="newc:vmlinuz:/an/empty/file")
    efi("efi-symlink-member", efi_initrd(True, {"mode": 0o120777}),
        f"initrd: cpio member 'boot/vmlinuz' at offset {EFI_KERNEL_HEADER:#x} has mode 0xa1ff: "
        "neither a file nor a directory")
    efi("efi-nul-in-name", efi_initrd(True, name=b"boot\0vmlinuz"),
        f"initrd: cpio name at offset {EFI_KERNEL_HEADER + 110:#x} is empty or holds a NUL")
    efi("efi-no-trailer", efi_initrd(False, trailer=False, plain=()),
        f"initrd: no TRAILER!!! after the newc: members (the archive ends at {EFI_TRAILER} bytes)",
        what="the archive ends after the kernel member")
    efi("efi-no-trailer-before-plain-files", efi_initrd(False, trailer=False, plain=(gz,)),
        f"initrd: cpio magic 1f 8b 08 00 00 00 at offset {EFI_TRAILER:#x} is not newc's \"070701\"",
        what="a gzip initrd right after the kernel member, no TRAILER!!! between them")
    extras = ((b"etc/x.conf", b"k=v\n"),)
    efi("efi-grub-2.06-extra-members", grub_initrd(False, extra=extras),
        "initrd: 2 newc: members after the kernel's, and GRUB wrote their names without the NUL Linux needs "
        "(GRUB 2.06): pass other files as plain initrd paths",
        what="initrd newc:boot/vmlinuz:... newc:etc/x.conf:... on GRUB 2.06 (on 2.12 they reach the kernel)")
    efi("efi-no-separator", g212, NO_SEPARATOR, line="BOOT_IMAGE=/boot/chainloader.efi root=/dev/vda",
        what="linux /boot/chainloader.efi root=/dev/vda (no --)")
    efi("efi-triple-dash", g206, NO_SEPARATOR, line="BOOT_IMAGE=/boot/chainloader.efi verbose --- root=/dev/vda")
    long_line = "BOOT_IMAGE=/boot/chainloader.efi -- " + " ".join(f"cl.pad{i:04d}=xxxxxxxx" for i in range(230))
    efi("efi-cmdline-too-long", g212,
        f"command line: longer than the 4095 bytes chainloader.efi takes ({len(long_line) + 1} UTF-16 units)",
        line=long_line, what="GRUB 2.12's LoadOptions: the text and its NUL as UTF-16 units")
    # Past the split: the kernel and the options it found go through the usual checks.
    rnd = random.Random(20261206).randbytes(4096)
    efi("efi-kernel-member-not-a-kernel", grub_initrd(True, kernel=rnd), neither(rnd), regex=True)
    efi("efi-unknown-option", g212, f"unknown loader option 'frobnicate' {KNOWN}",
        line="BOOT_IMAGE=/boot/chainloader.efi verbose frobnicate -- root=/dev/vda")
    efi("efi-entry-pvh-on-bzimage", g206, "entry=pvh needs an ELF kernel with a Xen PHYS32_ENTRY note; this is a bzImage",
        line="BOOT_IMAGE=/boot/chainloader.efi entry=pvh -- root=/dev/vda")
    args = "root=/dev/vda console=ttyS0"  # what the kernel gets: no BOOT_IMAGE=, the options gone
    efi("efi-cmdline-beyond-cmdline-size", grub_initrd(True, kernel=im.bzimage(cmdline_size=16)),
        f"kernel command line is {len(args)} bytes, the kernel's cmdline_size is 16",
        line=f"BOOT_IMAGE=/boot/chainloader.efi verbose -- {args}")


# ---------------------------------------------------------------- others
def other_cases():
    rnd = random.Random(20240601).randbytes(4096)
    case("random-bytes", rnd, neither(rnd), regex=True)
    case("too-short", b"abc", "kernel module of 3 bytes is too short to be a kernel")
    case("empty-module", b"", rf"multiboot2: module 1 is empty or inverted: mod_start {ADDR}, mod_end {ADDR}",
         regex=True, what="a zero-byte kernel module")
    case("empty-initrd", BZ, initrds=[b""],
         expect=rf"multiboot2: module 2 is empty or inverted: mod_start {ADDR}, mod_end {ADDR}", regex=True,
         what="a zero-byte initrd after a good kernel")
    case("no-module", None, "no kernel: GRUB passed no module (add a module2 line with the kernel)")
    case("unknown-option", BZ, opts="verbose frobnicate", expect=f"unknown loader option 'frobnicate' {KNOWN}")
    case("unknown-entry-mode", BZ, opts="entry=8", expect=f"unknown loader option 'entry=8' {KNOWN}")
    case("option-wrong-case", BZ, opts="VERBOSE", expect=f"unknown loader option 'VERBOSE' {KNOWN}")


def all_cases():
    if not CASES:
        bzimage_cases()
        elf_cases()
        real_mode_cases()
        other_cases()
        efi_cases()
        names = [c["name"] for c in CASES]
        assert len(names) == len(set(names)), "duplicate case names"
    return CASES


def write(out):
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for c in all_cases():
        d = out / c["name"]
        d.mkdir(exist_ok=True)
        for f in d.iterdir():
            f.unlink()
        mods, efi_stub = [], None
        if c["grub_cmdline"] is not None:
            (d / "grub-initrd").write_bytes(c["kernel"])
            efi_stub = {"cmdline": c["grub_cmdline"], "initrd": str(d / "grub-initrd")}
        elif c["kernel"] is not None:
            (d / "kernel").write_bytes(c["kernel"])
            mods.append({"file": str(d / "kernel"), "args": c["args"]})
        for i, data in enumerate(c["initrds"]):
            (d / f"initrd{i + 1}").write_bytes(data)
            mods.append({"file": str(d / f"initrd{i + 1}"), "args": ""})
        manifest.append({k: c[k] for k in ("name", "opts", "expect", "regex", "memory_mib", "xfail", "what")}
                        | {"modules": mods, "efi_stub": efi_stub})
    (out / "cases.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", nargs="?", type=Path, default=ROOT / "build" / "malformed" / "corpus",
                    help="where to write the cases (default build/malformed/corpus)")
    ap.add_argument("--list", action="store_true", help="list the cases and their messages")
    args = ap.parse_args()
    if args.list:
        for c in all_cases():
            mark = " [xfail]" if c["xfail"] else ""
            print(f"{c['name']}{mark}: {c['expect']}")
        print(f"{len(CASES)} cases, {sum(1 for c in CASES if c['xfail'])} expected to fail")
        return 0
    out = args.outdir
    m = write(out)
    print(f"{len(m)} cases written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
