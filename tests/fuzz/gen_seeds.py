#!/usr/bin/env python3
"""Writes the fuzz seed corpora: tests/fuzz/corpus/<harness>/<name>.

    tests/fuzz/gen_seeds.py [OUTDIR]     (default tests/fuzz/corpus; large
                                         replay-only inputs go to OUTDIR/../replay)

Crafted valid inputs (and a few near misses), small, from the builders in
tests/malformed/images.py: a typical GRUB multiboot2 information, minimal
bzImage headers, small ELF kernels with and without a PVH note, QEMU-like
memory maps, whole boot_info layouts for the boot plan harness (its input
format is described at the top of fuzz_boot_plan.c), and TPM event logs with
final events tables (fuzz_tpm_log.c). Deterministic: running
it again rewrites the same bytes.
"""

import argparse
import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(HERE.parent / "malformed"))
import images as im  # noqa: E402

MIB = im.MIB
GIB = 1 << 30


def write(out, harness, name, data):
    d = out / harness
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def small_bzimage(**kw):
    kw.setdefault("pm_size", 0x100)
    kw.setdefault("setup_sects", 1)
    return im.bzimage(**kw)


def small_elf(pvh=True, loads=((16 * MIB, 0x40, 0x1000), (16 * MIB + 0x1000, 0x20, 0x20))):
    notes = im.pvh_note(loads[0][0] + 0x10) if pvh else b""
    return im.elf(loads=loads, notes=notes, seg_align=16)


def mb2_seeds(out):
    grub = [
        im.mb2_string(im.MB2_CMDLINE, b"/boot/chainloader.elf verbose entry=64"),
        im.mb2_string(im.MB2_LOADER_NAME, b"GRUB 2.06-13+deb12u1"),
        im.mb2_module(0x133000, 0x9A1800, b"console=ttyS0,115200 panic=-1"),
        im.mb2_module(0x9A2000, 0x9B0000, b""),
        im.mb2_tag(im.MB2_MEMINFO, struct.pack("<II", 639, 523136)),
        im.mb2_tag(im.MB2_BOOTDEV, struct.pack("<III", 0xE0, 0xFFFFFFFF, 0xFFFFFFFF)),
        im.mb2_mmap(im.QEMU_512M_MAP),
        im.mb2_tag(im.MB2_FRAMEBUFFER, struct.pack("<QIIIBBH", 0xB8000, 160, 80, 25, 16, 2, 0)),
        im.mb2_tag(im.MB2_APM, bytes(20)),
        im.mb2_tag(im.MB2_ACPI_OLD, b"RSD PTR " + bytes(12)),
        im.mb2_tag(im.MB2_LOAD_BASE, struct.pack("<I", 0x100000)),
    ]
    write(out, "mb2", "grub-typical", im.mb2_info(grub))
    write(out, "mb2", "minimal", im.mb2_info([im.mb2_mmap(im.QEMU_512M_MAP[:4])]))
    write(out, "mb2", "no-cmdline-3-modules", im.mb2_info(
        [im.mb2_module(0x200000 + i * 0x1000, 0x200800 + i * 0x1000, b"m%d" % i) for i in range(3)]
        + [im.mb2_mmap(im.QEMU_512M_MAP)]))
    write(out, "mb2", "mmap-entry-size-32", im.mb2_info(
        [im.mb2_string(im.MB2_CMDLINE, b"quiet"), im.mb2_mmap(im.QEMU_512M_MAP, entry_size=32)]))
    write(out, "mb2", "cmdline-path-only", im.mb2_info(
        [im.mb2_string(im.MB2_CMDLINE, b"(cd)/boot/chainloader.elf"), im.mb2_mmap(im.QEMU_512M_MAP)]))


def bzimage_seeds(out):
    write(out, "bzimage", "relocatable-64", small_bzimage())
    write(out, "bzimage", "protocol-2.10-32bit", small_bzimage(version=0x020A, xloadflags=0,
                                                              header_end=0x264))
    write(out, "bzimage", "not-relocatable-1mib", small_bzimage(relocatable=False, pref_address=MIB,
                                                                alignment=0x1000))
    write(out, "bzimage", "setup-sects-0", small_bzimage(setup_sects=0))
    write(out, "bzimage", "syssize-short", small_bzimage(pm_size=0x108, syssize=0x11))


def elf_seeds(out):
    write(out, "elf", "pvh", small_elf(True))
    write(out, "elf", "no-note", small_elf(False))
    write(out, "elf", "pvh-desc-8", im.elf(loads=((16 * MIB, 0x40, 0x40),),
                                           notes=im.note(b"GNU", 3, b"\1\2\3\4") + im.pvh_note(16 * MIB, 8),
                                           seg_align=16))
    write(out, "elf", "three-loads", im.elf(loads=((2 * MIB, 0x10, 0x10), (MIB, 0x10, 0x10), (3 * MIB, 0, 0x100)),
                                           entry=MIB, seg_align=16))


def e820_bytes(entries):
    return b"".join(struct.pack("<QQI", b, l, t) for b, l, t in entries)


def e820_seeds(out):
    write(out, "e820", "qemu-512m", e820_bytes(im.QEMU_512M_MAP))
    write(out, "e820", "overlapping", e820_bytes([(0, 0x100000, 1), (0x80000, 0x100000, 2), (0x100000, 0x1000, 3),
                                                  (0x100000, 0x400000, 1), (0x200000, 0x1000, 99)]))
    write(out, "e820", "holes", e820_bytes([(0x100000 + i * 0x2000, 0x1000, 1 + i % 5) for i in range(40)]))
    write(out, "e820", "top-of-space", e820_bytes([(0xFFFFFFFFFFFFF000, 0x1000, 1), (0, 0xFFFFFFFFFFFFFFFF, 2)]))


def e820_replay(out):
    """Large inputs replayed by every run but not fuzzed (they would slow the
    fuzzing to about 100 inputs a second)."""
    # More ranges than the table holds: it must be full and say it overflowed.
    write(out, "e820", "overflow", e820_bytes([(0, 1 << 40, 1)] + [(0x100000 + i * 0x2000, 0x1000, 2)
                                                                  for i in range(1023)]))


def planner_seeds(out):
    # flags 0: u32 page numbers; map (start, length, type byte); ops.
    def page_map(entries):
        return bytes([0, len(entries)]) + b"".join(struct.pack("<IIB", s >> 12, l >> 12, t)
                                                   for s, l, t in entries)
    def rng(op, start, length):
        return bytes([op]) + struct.pack("<II", start >> 12, length >> 12)
    def alloc(size_pages, align_log2, min_, max_end, highest, pages=True):
        a = align_log2 | (0x80 if pages else 0) | (0x20 if max_end is None else 0)
        b = bytes([3, a]) + struct.pack("<I", size_pages)[:3] + struct.pack("<I", min_ >> 12)
        if max_end is not None:
            b += struct.pack("<I", max_end >> 12)
        return b + bytes([highest])
    qemu = page_map([(0, 0x9F000, 0), (0x100000, 0x1FEE0000, 0), (0xFFFC0000, 0x40000, 2)])
    write(out, "planner", "boot-like", qemu + rng(1, 0x100000, 0x2F000) + rng(1, 0x200000, 0x800000)
          + alloc(0x400, 21, 16 * MIB, 4 * GIB, 0) + alloc(1, 12, MIB, 4 * GIB, 1)
          + rng(2, 0x100000, 0x10000) + alloc(3, 12, MIB, None, 1))
    write(out, "planner", "fragmented", page_map([(0x100000 + i * 0x200000, 0x100000, i % 2) for i in range(12)])
          + b"".join(alloc(0x80 + i, 12 + i, MIB, None, i & 1) for i in range(8)))
    write(out, "planner", "raw-top", bytes([1, 1]) + struct.pack("<QQB", 0xFFFFFFFF00000000, 0xFFFFFFFF, 0)
          + bytes([3, 0x60]) + struct.pack("<QQQ", 0x1000, 0x1000, 0xFFFFFFFF00000000) + bytes([0]))


def efi_map(entries, desc_size=48):
    """EFI memory descriptors: (type, start, pages)."""
    out = b""
    for t, start, pages in entries:
        d = struct.pack("<IIQQQQ", t, 0, start, 0, pages, 0xF)
        out += d + b"\0" * (desc_size - len(d))
    return out


def rsdp_v1():
    r = bytearray(b"RSD PTR " + bytes(1) + b"BOCHS " + bytes([0]) + struct.pack("<I", 0x1FFE0000))
    r[8] = (-sum(r)) & 0xFF
    return bytes(r)


def plan_input(entry, modules, cmdline=b"console=ttyS0", mmap=im.QEMU_512M_MAP, raw=False,
               loader=(0x100000, 0x2F000), mbi=0x130000, screen=True, efi=None, desc_size=48,
               rsdp=None, firmware_rsdp=False):
    """The boot plan harness's input: modules are (start, bytes); efi: EFI
    memory map bytes; rsdp: GRUB's RSDP copy."""
    flags = (1 if screen else 0) | (2 if raw else 0) | (4 if efi is not None else 0) | \
        (8 if rsdp is not None else 0) | (16 if firmware_rsdp else 0)
    efi, rsdp = efi or b"", rsdp or b""
    b = struct.pack("<BBHBIIIHHBB", entry, flags, len(mmap), len(modules), loader[0], loader[1], mbi,
                    len(cmdline), len(efi), (desc_size - 40) // 8, len(rsdp))
    for s, l, t in mmap:
        b += struct.pack("<QQB", s, l, t) if raw else struct.pack("<IIB", s >> 12, (l + 0xFFF) >> 12, t)
    for start, data in modules:
        b += struct.pack("<II", start, len(data))
    return b + cmdline + efi + rsdp + b"".join(d for _, d in modules)


AUTO, E64, E32, PVH, E16 = 0, 1, 2, 3, 4
BIOS = 0x80  # the entry byte's bit 7: a BIOS is there (fuzz_boot_plan.c)


def boot_plan_seeds(out):
    # Page-granular maps: the one GRUB passes on QEMU rounded to whole pages.
    qemu = [(0, 0x9F000, 1), (0x9F000, 0x1000, 2), (0xF0000, 0x10000, 2), (0x100000, 0x1FEE0000, 1),
            (0x1FFE0000, 0x20000, 2), (0xFFFC0000, 0x40000, 2)]
    initrd = bytes(range(256)) * 2
    bz = small_bzimage()
    w = lambda name, data: write(out, "boot_plan", name, data)
    w("bzimage-auto-initrd", plan_input(AUTO, [(0x133000, bz), (0x135000, initrd)], mmap=qemu))
    w("bzimage-entry32", plan_input(E32, [(0x133000, bz), (0x135000, initrd)], mmap=qemu))
    w("bzimage-32bit-only", plan_input(AUTO, [(0x133000, small_bzimage(xloadflags=0, initrd_addr_max=0x37FFFFFF)),
                                              (0x135000, initrd)], mmap=qemu))
    # memtest86+-like: not relocatable, at 1 MiB, over the loader.
    w("bzimage-fixed-1mib", plan_input(E64, [(0x133000, small_bzimage(relocatable=False, pref_address=MIB,
                                                                       init_size=0x60000))], mmap=qemu))
    w("bzimage-3-initrds", plan_input(AUTO, [(0x133000, bz), (0x135000, initrd[:300]), (0x136000, initrd[:7]),
                                             (0x137000, initrd)], mmap=qemu, cmdline=b'a "b c" d'))
    w("elf-pvh", plan_input(PVH, [(0x133000, small_elf(True)), (0x134000, initrd)], mmap=qemu))
    w("elf-64", plan_input(E64, [(0x133000, small_elf(False)), (0x134000, initrd)], mmap=qemu))
    # The ELF's segments lie where GRUB put its module: staged first.
    w("elf-over-module", plan_input(AUTO, [(0x1000000, small_elf(True)), (0x2000000, initrd)], mmap=qemu))
    # The initrd lies in a fixed destination: moved.
    w("elf-over-initrd", plan_input(PVH, [(0x133000, small_elf(True)), (0x1000000, initrd)], mmap=qemu))
    holes = [(0, 0x9F000, 1), (0x100000, 0x2FF00000, 1)] + [(0x30000000 + i * 0x2000, 0x1000, 2)
                                                              for i in range(150)]
    w("bzimage-150-holes", plan_input(AUTO, [(0x133000, bz), (0x135000, initrd)], mmap=holes))
    big = [(0, 0x9FC00, 1), (0x100000, 0xBFF00000, 1), (0xFEFFC000, 0x4000, 2), (0x100000000, 0xC0000000, 1)]
    w("bzimage-6g-raw", plan_input(AUTO, [(0x133000, bz), (0x135000, initrd)], mmap=big, raw=True))
    w("no-module", plan_input(AUTO, [], mmap=qemu))
    # UEFI (OVMF-like): GRUB's map plus the EFI map, GRUB's RSDP copy.
    ovmf = [(7, 0, 0xA0), (7, 0x100000, 0x700), (4, 0x800000, 0x100), (7, 0x900000, 0x1F000),
            (10, 0x1F900000, 0x80), (6, 0x1FA00000, 0x100), (0, 0x1FB00000, 0x500), (11, 0xFFC00000, 0x400)]
    uefi_map = [(0, 0xA0000, 1), (0x100000, 0x1F800000, 1), (0x1F900000, 0x80000, 4), (0x1FA00000, 0x600000, 2)]
    w("uefi-efi-map-rsdp", plan_input(AUTO, [(0x133000, bz), (0x135000, initrd)], mmap=uefi_map,
                                      efi=efi_map(ovmf), rsdp=rsdp_v1()))
    w("uefi-pvh-firmware-rsdp", plan_input(PVH, [(0x133000, small_elf(True)), (0x134000, initrd)], mmap=uefi_map,
                                           efi=efi_map(ovmf, 40), desc_size=40, firmware_rsdp=True))
    w("bios-rsdp-copy-entry32", plan_input(E32, [(0x133000, bz), (0x135000, initrd[:100])], mmap=qemu,
                                           rsdp=rsdp_v1()))
    # The real-mode entry on BIOS (bit 7 of the entry byte: a BIOS is there):
    # by entry=16, and by entry=auto for an iPXE-like image (code32_start 0).
    w("bios-entry16", plan_input(BIOS | E16, [(0x133000, bz), (0x135000, initrd)], mmap=qemu))
    w("bios-auto-code32-0", plan_input(BIOS | AUTO, [(0x133000, small_bzimage(code32_start=0))], mmap=qemu))


# TPM event logs (fuzz_tpm_log.c: flags, last entry offset, log length, log,
# final events table). PFP formats: TCG_PCR_EVENT, TCG_EfiSpecIDEvent,
# TCG_PCR_EVENT2 with one digest per bank.
SHA1, SHA256, SHA384 = (0x0004, 20), (0x000B, 32), (0x000C, 48)
EV_NO_ACTION, EV_SEPARATOR, EV_S_CRTM_VERSION = 0x3, 0x4, 0x8
EV_EFI_VARIABLE_DRIVER_CONFIG, EV_EFI_BOOT_SERVICES_APPLICATION, EV_EFI_ACTION = 0x80000001, 0x80000003, 0x80000007


def tcg_event1(pcr, etype, data, digest=None):
    return struct.pack("<II", pcr, etype) + (digest or bytes([0xA0 + pcr]) * 20) + struct.pack("<I", len(data)) + data


def tcg_spec_id(banks, vendor=b""):
    payload = b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(banks))
    payload += b"".join(struct.pack("<HH", alg, size) for alg, size in banks) + bytes([len(vendor)]) + vendor
    return tcg_event1(0, EV_NO_ACTION, payload, digest=bytes(20))


def tcg_event2(pcr, etype, banks, data):
    digests = b"".join(struct.pack("<H", alg) + bytes((pcr * 16 + j) & 0xFF for j in range(size))
                       for alg, size in banks)
    return struct.pack("<III", pcr, etype, len(banks)) + digests + struct.pack("<I", len(data)) + data


def tcg2_log(banks):
    """A spec ID event and the events OVMF and GRUB log; returns (log, offsets)."""
    var = bytes(16) + struct.pack("<QQ", 10, 1) + "SecureBoot".encode("utf-16-le") + b"\0"
    events = [tcg_spec_id(banks), tcg_event2(0, EV_S_CRTM_VERSION, banks, "1.0\0".encode("utf-16-le")),
              tcg_event2(7, EV_EFI_VARIABLE_DRIVER_CONFIG, banks, var)]
    events += [tcg_event2(pcr, EV_SEPARATOR, banks, bytes(4)) for pcr in range(8)]
    events += [tcg_event2(4, EV_EFI_BOOT_SERVICES_APPLICATION, banks, bytes([0x5A]) * 0x40),
               tcg_event2(5, EV_EFI_ACTION, banks, b"Exit Boot Services Invocation")]
    offsets, at = [], 0
    for e in events:
        offsets.append(at)
        at += len(e)
    return b"".join(events), offsets, events


def final_table(events):
    return struct.pack("<QQ", 1, len(events)) + b"".join(events)


def tpm_input(log, last, table=b"", tcg12=False, empty=False):
    return struct.pack("<BHH", (1 if tcg12 else 0) | (2 if empty else 0), last, len(log)) + log + table


def tpm_log_seeds(out):
    w = lambda name, data: write(out, "tpm_log", name, data)
    log, offs, events = tcg2_log([SHA1, SHA256])
    w("sha1-sha256-final-1", tpm_input(log, offs[-1], final_table(events[1:2])))
    log3, offs3, events3 = tcg2_log([SHA1, SHA256, SHA384])
    w("three-banks-final-3", tpm_input(log3, offs3[-1], final_table(events3[1:4])))
    w("spec-id-only", tpm_input(log3[:offs3[1]], 0, final_table([])))
    w("empty", tpm_input(log[:offs[1]], 0, empty=True))
    w("last-in-the-middle", tpm_input(log, offs[5], final_table(events[1:3])))
    one_two = [tcg_event1(0, EV_S_CRTM_VERSION, "1.0\0".encode("utf-16-le")),
               tcg_event1(4, EV_EFI_BOOT_SERVICES_APPLICATION, bytes([0x5A]) * 0x40),
               tcg_event1(5, EV_EFI_ACTION, b"Exit Boot Services Invocation")]
    w("tcg-1.2", tpm_input(b"".join(one_two), len(one_two[0]) + len(one_two[1]), tcg12=True))
    # Near misses: an empty type-0 event last, a digest of a bank the log does not list.
    w("type0-empty-last", tpm_input(log[:offs[-1]] + tcg_event2(0, 0, [SHA1, SHA256], b""), offs[-1]))
    w("unknown-bank", tpm_input(log[:offs[-1]] + tcg_event2(5, EV_EFI_ACTION, [SHA1, SHA384], b"x"), offs[-1]))


def newc_member(name, mode, data, nul):
    """One member as GRUB's initrd command writes it (grub-core/loader/linux.c):
    2.06 without the name's NUL, 2.12 with it."""
    name = name + (b"\0" if nul else b"")
    fields = [0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name), 0]
    head = b"070701" + b"".join(b"%08x" % f for f in fields) + name
    head += b"\0" * (-len(head) % 4)
    return head + data + b"\0" * (-len(data) % 4)


def newc_archive(nul, extra=False, plain=b"plain initrd"):
    a = newc_member(b"boot", 0o40777, b"", nul) + newc_member(b"boot/vmlinuz", 0o100777, b"MZ kernel", nul)
    if extra:
        a += newc_member(b"etc", 0o40777, b"", nul) + newc_member(b"etc/x.conf", 0o100777, b"k=v\n", nul)
    return a + newc_member(b"TRAILER!!!", 0, b"", nul) + plain


def newc_seeds(out):
    """fuzz_newc.c: the archive, then (after a NUL) a command line."""
    line = b"\0BOOT_IMAGE=/boot/chainloader.efi verbose -- root=/dev/vda \"cl.quoted=a b\""
    write(out, "newc", "grub-2.06", newc_archive(False) + line)
    write(out, "newc", "grub-2.12", newc_archive(True) + line)
    write(out, "newc", "grub-2.12-extra", newc_archive(True, extra=True) + b"\0--")
    write(out, "newc", "grub-2.06-extra", newc_archive(False, extra=True, plain=b""))


def stub_inputs_seeds(out):
    """fuzz_stub_inputs.c: a 16-bit length, the command line (text, or GRUB
    2.12's UTF-16LE LoadOptions with their NUL unit), then GRUB's initrd."""
    def w(name, line, initrd):
        write(out, "stub_inputs", name, struct.pack("<H", len(line)) + line + initrd)
    text = "BOOT_IMAGE=/boot/chainloader.efi verbose -- root=/dev/vda \"cl.quoted=a b\""
    w("grub-2.12-text", text.encode(), newc_archive(True))
    w("grub-2.06-text", text.encode(), newc_archive(False))
    w("grub-2.12-utf16", (text + "\0").encode("utf-16-le"), newc_archive(True, extra=True))
    w("grub-2.12-utf16-non-ascii", "BOOT_IMAGE=/x -- cl.name=\u00e9\u20ac\U0001f600\0".encode("utf-16-le"),
      newc_archive(True))
    w("grub-2.06-extra", b"BOOT_IMAGE=/x --", newc_archive(False, extra=True))
    w("no-separator", b"BOOT_IMAGE=/boot/chainloader.efi root=/dev/vda", newc_archive(True))
    w("no-initrd", text.encode(), b"")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", nargs="?", type=Path, default=HERE / "corpus",
                    help="where to write the seeds (default tests/fuzz/corpus)")
    out = ap.parse_args().outdir
    for gen in (mb2_seeds, bzimage_seeds, elf_seeds, e820_seeds, planner_seeds, boot_plan_seeds, tpm_log_seeds,
                newc_seeds, stub_inputs_seeds):
        gen(out)
    e820_replay(out.parent / "replay")
    print(f"seeds written under {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
