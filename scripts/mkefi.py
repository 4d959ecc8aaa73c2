#!/usr/bin/env python3
"""chainloader.efi from its link (boot/efi_stub/efi.ld).

  mkefi.py LINKED.elf TABLE.bin OUT.efi

The file is at once a PE32+ EFI application (what shim verifies and what
GRUB 2.12 starts by its entry point) and an EFI-stub bzImage (what GRUB 2.06's
linuxefi reads: the setup header at 0x1f1, then a flat copy of the file from
(setup_sects + 1) * 512 = 0x1000 on, entered at handover_offset + 0x200).
Every section lies at the same offset in the file as in memory
(SectionAlignment = FileAlignment = 4 KiB), so both loaders give the loader
the same image. Written here, into the link's first 4 KiB:
  - the MS-DOS header (e_magic "MZ", e_lfanew 0x40) and the PE headers:
    COFF file header, PE32+ optional header with 6 data directories
    (4: the certificate table sbsign fills, 5: base relocations), and the
    section table — .text (RX), .rodata (R), .sbat (R), .data (RW, its
    virtual size covering .bss) and .reloc (R, discardable): no section is
    both writable and executable;
  - Linux's setup header (Documentation/arch/x86/boot.rst; the offsets are
    include/abi/zeropage.h's, checked below), protocol 2.15.
After the link's bytes, the self-relocation TABLE.bin goes into the reloc
area (scripts/mkreloc.py) and the same sites become the PE base relocations
(IMAGE_REL_BASED_HIGHLOW: the image runs below 2 GiB, so a 32-bit add is the
whole adjustment, as in the self-relocation). A PE loader that applies them
leaves the entry nothing to do (boot/efi_stub/entry.S, efi_applied_base).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkreloc  # noqa: E402

HEADERS = 0x1000          # = (SETUP_SECTS + 1) * 512
SETUP_SECTS = 7
PE_ALIGN = 0x1000
PE_OFFSET = 0x40
SIGNATURE_ROOM = 0x10000  # init_size slack: GRUB 2.06 copies the whole file, signatures included
SHT_NOBITS = 8

# IMAGE_FILE_* and IMAGE_SCN_* (PE format specification)
MACHINE_AMD64 = 0x8664
FILE_EXECUTABLE_IMAGE = 0x0002
FILE_LINE_NUMS_STRIPPED = 0x0004
FILE_LARGE_ADDRESS_AWARE = 0x0020
FILE_DEBUG_STRIPPED = 0x0200
OPTIONAL_MAGIC_PE32PLUS = 0x20B
SUBSYSTEM_EFI_APPLICATION = 10
SCN_CNT_CODE = 0x00000020
SCN_CNT_INITIALIZED_DATA = 0x00000040
SCN_MEM_DISCARDABLE = 0x02000000
SCN_MEM_EXECUTE = 0x20000000
SCN_MEM_READ = 0x40000000
SCN_MEM_WRITE = 0x80000000
REL_BASED_ABSOLUTE = 0
REL_BASED_HIGHLOW = 3
DATA_DIRECTORIES = 6      # up to base relocations (5), as Linux's header has
DIR_BASERELOC = 5

# Linux setup header (include/abi/zeropage.h), protocol 2.15
BOOT_FLAG_MAGIC = 0xAA55
HDRS_MAGIC = b"HdrS"
PROTOCOL_VERSION = 0x020F
LOADFLAGS_LOADED_HIGH = 0x01
XLF_KERNEL_64 = 1 << 0
XLF_EFI_HANDOVER_64 = 1 << 3
CMDLINE_SIZE = 4095       # boot/efi_stub/cmdline.h: STUB_CMDLINE_MAX - 1
INITRD_ADDR_MAX = 0x7FFFFFFF
CODE32_START_DEFAULT = 0x100000  # loaders move it with the part: code32_start - 1 MiB is the entry's offset
SETUP_HEADER_END = 0x26C  # past kernel_info_offset
VERSION_STRING_AT = 0x2C0
OPTIONAL_HEADER = struct.Struct("<HBBIIIIIQIIHHHHHHIIIIHHQQQQII")
SECTION = struct.Struct("<8sIIIIIIHHI")
assert OPTIONAL_HEADER.size == 112 and SECTION.size == 40


def align(n, a=PE_ALIGN):
    return (n + a - 1) // a * a


def fail(msg):
    raise SystemExit(f"mkefi: error: {msg}")


def base_relocations(rvas):
    """IMAGE_BASE_RELOCATION blocks, one per 4 KiB page, each a multiple of 4 bytes."""
    out = bytearray()
    pages = {}
    for rva in rvas:
        pages.setdefault(rva & ~0xFFF, []).append(rva & 0xFFF)
    for page in sorted(pages):
        entries = [REL_BASED_HIGHLOW << 12 | off for off in pages[page]]
        if len(entries) % 2:
            entries.append(REL_BASED_ABSOLUTE << 12)
        out += struct.pack("<II", page, 8 + 2 * len(entries))
        out += struct.pack(f"<{len(entries)}H", *entries)
    return bytes(out)


def setup_header(img, file_len, init_size, handover_offset, pm_link, version):
    def put(off, fmt, *v):
        struct.pack_into("<" + fmt, img, off, *v)
    put(0x1F1, "B", SETUP_SECTS)
    put(0x1F4, "I", (file_len - HEADERS + 15) // 16)    # syssize, in 16-byte units
    put(0x1FA, "H", 0xFFFF)                             # vid_mode: "normal"
    put(0x1FE, "H", BOOT_FLAG_MAGIC)
    put(0x200, "BB", 0xEB, SETUP_HEADER_END - 0x202)    # jump over the header: GRUB reads its length here
    img[0x202:0x206] = HDRS_MAGIC
    put(0x206, "H", PROTOCOL_VERSION)
    put(0x20E, "H", VERSION_STRING_AT - 0x200)          # kernel_version
    put(0x211, "B", LOADFLAGS_LOADED_HIGH)
    put(0x214, "I", CODE32_START_DEFAULT)               # code32_start: the 32-bit entry, +0, as if loaded at 1 MiB
    put(0x22C, "I", INITRD_ADDR_MAX)
    put(0x230, "I", PE_ALIGN)                           # kernel_alignment
    put(0x234, "BB", 1, 12)                             # relocatable_kernel, min_alignment (2^12)
    put(0x236, "H", XLF_KERNEL_64 | XLF_EFI_HANDOVER_64)
    put(0x238, "I", CMDLINE_SIZE)
    put(0x258, "Q", pm_link)                            # pref_address
    put(0x260, "I", init_size)
    put(0x264, "I", handover_offset)
    s = f"chainloader {version} (chainloader.efi)".encode() + b"\0"
    img[VERSION_STRING_AT:VERSION_STRING_AT + len(s)] = s


def main():
    if len(sys.argv) != 4:
        raise SystemExit("usage: mkefi.py LINKED.elf TABLE.bin OUT.efi")
    elf = mkreloc.Elf(open(sys.argv[1], "rb").read())
    table = open(sys.argv[2], "rb").read()
    sym = {s["name"]: s["value"] for s in elf.symbols() if s["name"]}
    sec = {s["name"]: s for s in elf.sections}
    start, image_end = sym["__image_start"], sym["__image_end"]
    pm = sym["efi_pm_start"]
    if pm - start != HEADERS:
        fail(f"efi_pm_start is at +0x{pm - start:x}, not +0x{HEADERS:x}")
    kinds = {".efi_headers", ".text", ".rodata", ".sbat", ".data", ".reloc", ".bss"}
    for s in elf.sections:
        if s["flags"] & mkreloc.SHF_ALLOC and s["size"] and s["name"] not in kinds:
            fail(f"unexpected loaded section {s['name']} (boot/efi_stub/efi.ld)")
    text, rodata, sbat, data, area = (sec[n] for n in (".text", ".rodata", ".sbat", ".data", ".reloc"))
    if len(table) != area["size"]:
        fail(f"the table has {len(table)} bytes, the reloc area {area['size']}")

    # The loaded bytes, at their offsets from __image_start.
    raw_end = area["addr"] + area["size"] - start
    img = bytearray(align(raw_end))
    for s in elf.sections:
        if s["flags"] & mkreloc.SHF_ALLOC and s["type"] != SHT_NOBITS and s["size"]:
            if s["addr"] - start + s["size"] > raw_end:
                fail(f"{s['name']} lies past the reloc area")
            img[s["addr"] - start:s["addr"] - start + s["size"]] = elf.data[s["offset"]:s["offset"] + s["size"]]
    img[area["addr"] - start:raw_end] = table
    img[:HEADERS] = bytes(HEADERS)

    _, _, found = mkreloc.sites(elf)
    relocs = base_relocations([off - start for off, _, _ in found])
    reloc_rva = align(image_end - start)
    reloc_ptr = len(img)
    img += relocs + bytes(align(len(relocs)) - len(relocs))

    # (name, rva, virtual size, raw size, characteristics), raw data at the rva but for .reloc.
    def rva(s):
        return s["addr"] - start
    sections = [
        (b".text", rva(text), text["size"], align(text["size"]), SCN_CNT_CODE | SCN_MEM_EXECUTE | SCN_MEM_READ),
        (b".rodata", rva(rodata), rodata["size"], align(rodata["size"]), SCN_CNT_INITIALIZED_DATA | SCN_MEM_READ),
        (b".sbat", rva(sbat), sbat["size"], align(sbat["size"]), SCN_CNT_INITIALIZED_DATA | SCN_MEM_READ),
        (b".data", rva(data), image_end - data["addr"], align(raw_end - rva(data)),
         SCN_CNT_INITIALIZED_DATA | SCN_MEM_READ | SCN_MEM_WRITE),
        (b".reloc", reloc_rva, len(relocs), align(len(relocs)),
         SCN_CNT_INITIALIZED_DATA | SCN_MEM_DISCARDABLE | SCN_MEM_READ),
    ]
    for (n1, r1, v1, _, _), (n2, r2, _, _, _) in zip(sections, sections[1:]):
        if r1 + v1 > r2:
            fail(f"section {n1.decode()} [0x{r1:x}, 0x{r1 + v1:x}) runs into {n2.decode()} at 0x{r2:x}")
    if not sbat["size"]:
        fail("no .sbat data: shim refuses such an image")
    size_of_image = reloc_rva + align(len(relocs))
    init_size = align(max(image_end - start, len(img)) - HEADERS) + SIGNATURE_ROOM

    # MS-DOS header, PE signature, COFF file header.
    img[0:2] = b"MZ"
    struct.pack_into("<I", img, 0x3C, PE_OFFSET)
    img[PE_OFFSET:PE_OFFSET + 4] = b"PE\0\0"
    opt_size = OPTIONAL_HEADER.size + 8 * DATA_DIRECTORIES
    struct.pack_into("<HHIIIHH", img, PE_OFFSET + 4, MACHINE_AMD64, len(sections), 0, 0, 0, opt_size,
                     FILE_EXECUTABLE_IMAGE | FILE_LINE_NUMS_STRIPPED | FILE_LARGE_ADDRESS_AWARE | FILE_DEBUG_STRIPPED)
    opt = PE_OFFSET + 24
    code = sections[0][3]
    initialized = sum(s[3] for s in sections[1:])
    OPTIONAL_HEADER.pack_into(
        img, opt, OPTIONAL_MAGIC_PE32PLUS, 0, 0, code, initialized, 0,
        sym["efi_pe_entry"] - start, rva(text), start, PE_ALIGN, PE_ALIGN,
        0, 0,          # operating system version
        1, 0,          # image version 1.0: GRUB 2.12 then offers the initrd by LoadFile2, as to Linux
        0, 0, 0,       # subsystem version, Win32VersionValue
        size_of_image, HEADERS, 0, SUBSYSTEM_EFI_APPLICATION, 0,
        0, 0, 0, 0, 0, DATA_DIRECTORIES)
    dirs = opt + OPTIONAL_HEADER.size
    struct.pack_into("<II", img, dirs + 8 * DIR_BASERELOC, reloc_rva, len(relocs))
    table_at = opt + opt_size
    for k, (name, r, vsize, rawsize, flags) in enumerate(sections):
        ptr = reloc_ptr if name == b".reloc" else r
        SECTION.pack_into(img, table_at + k * SECTION.size, name, vsize, r, rawsize, ptr, 0, 0, 0, 0, flags)
    if table_at + len(sections) * SECTION.size > 0x1F1:
        fail("the section table runs into the setup header at 0x1f1")

    handover = sym["efi_handover_entry"] - pm - 0x200
    if handover <= 0 or sym["efi_no_services_entry"] - pm != 0x200 or sym["efi_entry32"] != pm:
        fail("the entries are not where the setup header says (boot/efi_stub/entry.S)")
    version = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "VERSION")).read().strip()
    setup_header(img, len(img), init_size, handover, pm, version)
    open(sys.argv[3], "wb").write(img)
    print(f"  EFI     {sys.argv[3]}: {len(img)} bytes, image {size_of_image} bytes, "
          f"{len(found)} base relocations, init_size {init_size}, handover_offset 0x{handover:x}")


if __name__ == "__main__":
    main()
