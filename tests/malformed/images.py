"""Builders for small kernel images and multiboot2 information (stdlib only).

Shared by tests/malformed/gen_corpus.py (malformed boot modules),
tests/fuzz/gen_seeds.py (fuzz seed corpora) and tools/test_chainloader_check.py
(GRUB's newc: initrds). Every image is crafted from the
Linux boot protocol (Documentation/arch/x86/boot.rst) and the ELF64 and
multiboot2 specifications; none is taken from a real kernel. Code bytes are
all `hlt` (0xF4), so an image that were booted by mistake stops at once.
"""

import struct

HLT = b"\xf4"

# setup_header offsets in the image (boot.rst)
SETUP_SECTS = 0x1F1
SYSSIZE = 0x1F4
BOOT_FLAG = 0x1FE
JUMP = 0x200
HEADER = 0x202
VERSION = 0x206
LOADFLAGS = 0x211
CODE32_START = 0x214
INITRD_ADDR_MAX = 0x22C
KERNEL_ALIGNMENT = 0x230
RELOCATABLE = 0x234
XLOADFLAGS = 0x236
CMDLINE_SIZE = 0x238
PREF_ADDRESS = 0x258
INIT_SIZE = 0x260
HEADER_END_2_15 = 0x26C  # one past kernel_info_offset

LOADED_HIGH = 0x01
XLF_KERNEL_64 = 0x01
XLF_CAN_BE_LOADED_ABOVE_4G = 0x02

MIB = 1 << 20


def put(buf, off, fmt, value):
    struct.pack_into("<" + fmt, buf, off, value)


def bzimage(pm_size=0x1000, setup_sects=4, version=0x020F, relocatable=True,
            alignment=0x200000, pref_address=16 * MIB, init_size=0x400000,
            xloadflags=XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G,
            loadflags=LOADED_HIGH, cmdline_size=2047, initrd_addr_max=0x7FFFFFFF,
            code32_start=0x100000, syssize=None, header_end=HEADER_END_2_15,
            boot_flag=0xAA55, magic=b"HdrS"):
    """A bzImage: setup_sects sectors of setup after the boot sector, then
    pm_size bytes of protected-mode code (hlt). syssize defaults to the truth."""
    sects = setup_sects or 4
    setup_size = (sects + 1) * 512
    img = bytearray(setup_size + pm_size)
    img[setup_size:] = HLT * pm_size
    img[SETUP_SECTS] = setup_sects
    put(img, SYSSIZE, "I", (pm_size + 15) // 16 if syssize is None else syssize)
    put(img, BOOT_FLAG, "H", boot_flag)
    img[JUMP] = 0xEB
    img[JUMP + 1] = header_end - (JUMP + 2)
    img[HEADER:HEADER + 4] = magic
    put(img, VERSION, "H", version)
    img[LOADFLAGS] = loadflags
    put(img, CODE32_START, "I", code32_start)
    put(img, INITRD_ADDR_MAX, "I", initrd_addr_max)
    put(img, KERNEL_ALIGNMENT, "I", alignment)
    img[RELOCATABLE] = 1 if relocatable else 0
    put(img, XLOADFLAGS, "H", xloadflags)
    put(img, CMDLINE_SIZE, "I", cmdline_size)
    put(img, PREF_ADDRESS, "Q", pref_address)
    put(img, INIT_SIZE, "I", init_size)
    return bytes(img)


# ELF64
EHDR_SIZE = 64
PHDR_SIZE = 56
PT_LOAD = 1
PT_NOTE = 4
E_TYPE = 16
E_MACHINE = 18
E_ENTRY = 24
E_PHOFF = 32
E_PHENTSIZE = 54
E_PHNUM = 56
P_TYPE, P_OFFSET, P_VADDR, P_PADDR, P_FILESZ, P_MEMSZ = 0, 8, 16, 24, 32, 40
XEN_ELFNOTE_PHYS32_ENTRY = 18


def note(owner, ntype, desc):
    name = owner + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(name), len(desc), ntype) + pad(name) + pad(desc)


def pvh_note(entry, descsz=4):
    return note(b"Xen", XEN_ELFNOTE_PHYS32_ENTRY,
                struct.pack("<Q", entry)[:descsz] + b"\0" * max(0, descsz - 8))


def elf(loads=((16 * MIB, 0x1000, 0x2000),), entry=None, notes=b"", ei_class=2,
        ei_data=1, e_type=2, machine=62, seg_align=0x1000):
    """An ELF64 executable: program headers right after the ELF header (the
    PT_NOTE first when there are notes), the notes at 0x200, each PT_LOAD's
    file bytes (hlt) at the next seg_align boundary (0x1000 first with the
    default). loads: (paddr, filesz, memsz)."""
    phdrs = []
    body = {}
    nph = len(loads) + (1 if notes else 0)
    first = max(0x200 + len(notes), EHDR_SIZE + PHDR_SIZE * nph)
    off = max(0x1000, (first + 0xFFF) & ~0xFFF) if seg_align >= 0x1000 else \
        (first + seg_align - 1) // seg_align * seg_align
    assert EHDR_SIZE + PHDR_SIZE * nph <= 0x200 or not notes, "program headers would overlap the notes"
    if notes:
        phdrs.append((PT_NOTE, 0x200, 0, 0, len(notes), len(notes)))
        body[0x200] = notes
    for paddr, filesz, memsz in loads:
        phdrs.append((PT_LOAD, off, paddr | 0xFFFFFFFF80000000 if paddr < (1 << 32) else paddr,
                      paddr, filesz, memsz))
        body[off] = HLT * filesz
        off += (filesz + seg_align - 1) // seg_align * seg_align or seg_align
    size = max([o + len(b) for o, b in body.items()] + [EHDR_SIZE + PHDR_SIZE * len(phdrs)])
    img = bytearray(size)
    img[0:4] = b"\x7fELF"
    img[4], img[5], img[6] = ei_class, ei_data, 1
    put(img, E_TYPE, "H", e_type)
    put(img, E_MACHINE, "H", machine)
    put(img, 20, "I", 1)
    put(img, E_ENTRY, "Q", loads[0][0] if entry is None else entry)
    put(img, E_PHOFF, "Q", EHDR_SIZE)
    put(img, 52, "H", EHDR_SIZE)
    put(img, E_PHENTSIZE, "H", PHDR_SIZE)
    put(img, E_PHNUM, "H", len(phdrs))
    for i, (t, o, v, p, fs, ms) in enumerate(phdrs):
        struct.pack_into("<IIQQQQQQ", img, EHDR_SIZE + PHDR_SIZE * i, t, 7, o, v, p, fs, ms, 0x1000)
    for o, b in body.items():
        img[o:o + len(b)] = b
    return bytes(img)


def phdr_offset(i):
    return EHDR_SIZE + PHDR_SIZE * i


# Multiboot2 information
MB2_CMDLINE, MB2_LOADER_NAME, MB2_MODULE, MB2_MEMINFO, MB2_BOOTDEV, MB2_MMAP = 1, 2, 3, 4, 5, 6
MB2_FRAMEBUFFER, MB2_ELF_SECTIONS, MB2_APM, MB2_ACPI_OLD, MB2_LOAD_BASE = 8, 9, 10, 14, 21


def mb2_tag(ttype, payload):
    t = struct.pack("<II", ttype, 8 + len(payload)) + payload
    return t + b"\0" * (-len(t) % 8)


def mb2_info(tags):
    body = b"".join(tags) + struct.pack("<II", 0, 8)
    return struct.pack("<II", 8 + len(body), 0) + body


def mb2_string(ttype, s):
    return mb2_tag(ttype, s + b"\0")


def mb2_module(start, end, s):
    return mb2_tag(MB2_MODULE, struct.pack("<II", start, end) + s + b"\0")


def mb2_mmap(entries, entry_size=24):
    payload = struct.pack("<II", entry_size, 0)
    for base, length, mtype in entries:
        e = struct.pack("<QQII", base, length, mtype, 0)
        payload += e + b"\0" * (entry_size - len(e))
    return mb2_tag(MB2_MMAP, payload)


# The memory map SeaBIOS gives a 512 MiB QEMU VM, as GRUB passes it.
QEMU_512M_MAP = [
    (0x0, 0x9FC00, 1),
    (0x9FC00, 0x400, 2),
    (0xF0000, 0x10000, 2),
    (0x100000, 0x1FEE0000, 1),
    (0x1FFE0000, 0x20000, 2),
    (0xFEFFC000, 0x4000, 2),
    (0xFFFC0000, 0x40000, 2),
]


# ---------------------------------------------------------------- GRUB's initrd for chainloader.efi
# `initrd newc:NAME:FILE ... PLAIN...` as GRUB's initrd command writes it in
# memory (grub-core/loader/linux.c, grub_initrd_load): for each newc: member a
# directory entry (mode 040777) for each path component not written yet, the
# member (mode 0100777), its bytes padded to 4; a TRAILER!!! entry (mode 0)
# before the first plain file (or at the end); each plain file padded to 4
# but the last. Every header: ino 0, uid/gid 0, nlink 1, mtime 0, check 0.
# GRUB 2.06 writes namesize = strlen(name) (no NUL), 2.12 strlen + 1.
NEWC_TRAILER = b"TRAILER!!!"


def newc_member(name, mode, data, nul=True, **fields):
    """One newc header, its name (padded to 4) and its bytes (padded to 4);
    fields overrides a header field by its name (namesize=0, magic=b"070702")."""
    name = name + (b"\0" if nul else b"")
    values = dict(ino=0, mode=mode, uid=0, gid=0, nlink=1, mtime=0, filesize=len(data), devmajor=0,
                  devminor=0, rdevmajor=0, rdevminor=0, namesize=len(name), check=0)
    magic = fields.pop("magic", b"070701")
    values.update(fields)
    head = magic + b"".join(v if isinstance(v, bytes) else b"%08x" % v for v in values.values()) + name
    head += b"\0" * (-len(head) % 4)
    return head + data + b"\0" * (-len(data) % 4)


def grub_initrd(newc=((b"vmlinuz", b"MZ"),), plain=(), nul=True):
    """GRUB's initrd buffer: the newc: members (name, bytes), then the plain files."""
    out, dirs = b"", set()
    for name, data in newc:
        parts = name.split(b"/")
        for i in range(1, len(parts)):
            d = b"/".join(parts[:i])
            if d not in dirs:
                dirs.add(d)
                out += newc_member(d, 0o40777, b"", nul)
        out += newc_member(name, 0o100777, data, nul)
    if newc:
        out += newc_member(NEWC_TRAILER, 0, b"", nul)
    for i, data in enumerate(plain):
        out += data + (b"\0" * (-len(data) % 4) if i + 1 < len(plain) else b"")
    return out
