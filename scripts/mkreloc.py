#!/usr/bin/env python3
"""The self-relocation table of chainloader.elf (arch/x86_64/relocate.h).

GRUB may load chainloader.elf anywhere in the range its multiboot2 header's
relocatable tag allows (boot/multiboot2/header.S). The loader is linked at 1 MiB and
compiled without PIC (smaller code), so every absolute reference to its own
image must move with it: both entries add (load address - link address) to
each of them before anything else runs.

  mkreloc.py LINKED.elf TABLE.bin

LINKED.elf is the loader linked with --emit-relocs. Every relocation the
linker applied inside the loaded image is classified:
  - R_X86_64_32, R_X86_64_32S, R_X86_64_64 whose symbol lies inside the image:
    a site to adjust (for R_X86_64_64 its low 32 bits: the image stays below
    2 GiB, so the high half stays zero);
  - PC-relative ones (PC32, PLT32, PC64, GOTPCREL*) to a symbol inside the
    image: position-independent, nothing to do;
  - absolute ones to a symbol outside the image (a constant): nothing to do;
  - anything else, or any site in the trampoline (it runs from a copy and must
    be position-independent) or a PC-relative reference leaving the image:
    an error naming the site.
The multiboot2 header (mb2_header, header_length bytes), where there is one,
is skipped: GRUB reads it from the file, and adjusts the entry address in it
itself. scripts/mkefi.py writes the same sites as chainloader.efi's PE base
relocations.

TABLE.bin: the sites in ascending order, each as its distance from the
previous one (the first from __image_start): one byte 1..255, or a zero byte
and the distance as 16-bit little-endian; a zero byte and 0x0000 end it.
"""
import struct
import sys

SHT_SYMTAB = 2
SHT_RELA = 4
SHF_ALLOC = 2
SHN_UNDEF = 0
SHN_ABS = 0xFFF1

R_X86_64_64 = 1
R_X86_64_PC32 = 2
R_X86_64_PLT32 = 4
R_X86_64_GOTPCREL = 9
R_X86_64_32 = 10
R_X86_64_32S = 11
R_X86_64_PC64 = 24
R_X86_64_GOTPCRELX = 41
R_X86_64_REX_GOTPCRELX = 42
ABSOLUTE = {R_X86_64_64: "R_X86_64_64", R_X86_64_32: "R_X86_64_32", R_X86_64_32S: "R_X86_64_32S"}
PC_RELATIVE = {R_X86_64_PC32, R_X86_64_PLT32, R_X86_64_GOTPCREL, R_X86_64_PC64,
               R_X86_64_GOTPCRELX, R_X86_64_REX_GOTPCRELX}


class Elf:
    def __init__(self, data):
        self.data = data
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit("mkreloc: not a little-endian ELF64 file")
        (self.shoff,) = struct.unpack_from("<Q", data, 0x28)
        self.shentsize, self.shnum, self.shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        self.sections = [self._section(i) for i in range(self.shnum)]
        names = self.sections[self.shstrndx]
        for s in self.sections:
            s["name"] = self._cstr(names["offset"] + s["name_off"])

    def _section(self, i):
        f = struct.unpack_from("<IIQQQQIIQQ", self.data, self.shoff + i * self.shentsize)
        return {"name_off": f[0], "type": f[1], "flags": f[2], "addr": f[3], "offset": f[4],
                "size": f[5], "link": f[6], "info": f[7], "entsize": f[9], "index": i}

    def _cstr(self, off):
        return self.data[off:self.data.index(b"\0", off)].decode()

    def read(self, addr, size):
        """Bytes of the loaded image at a link address."""
        for s in self.sections:
            if s["flags"] & SHF_ALLOC and s["addr"] <= addr and addr + size <= s["addr"] + s["size"]:
                return self.data[s["offset"] + addr - s["addr"]:][:size]
        raise SystemExit(f"mkreloc: error: 0x{addr:x} is not in the image")

    def symbols(self):
        for s in self.sections:
            if s["type"] == SHT_SYMTAB:
                strtab = self.sections[s["link"]]
                out = []
                for k in range(s["size"] // 24):
                    name, info, other, shndx, value, size = struct.unpack_from(
                        "<IBBHQQ", self.data, s["offset"] + k * 24)
                    out.append({"name": self._cstr(strtab["offset"] + name), "shndx": shndx,
                                "value": value, "size": size})
                return out
        raise SystemExit("mkreloc: no symbol table (link without -s)")


def sites(elf):
    syms = elf.symbols()
    by_name = {s["name"]: s for s in syms if s["name"]}
    for needed in ("__image_start", "__image_end", "trampoline_start", "trampoline_end"):
        if needed not in by_name:
            raise SystemExit(f"mkreloc: symbol {needed} missing")
    lo, hi = by_name["__image_start"]["value"], by_name["__image_end"]["value"]
    tramp = (by_name["trampoline_start"]["value"], by_name["trampoline_end"]["value"])
    inside = lambda v: lo <= v <= hi
    header = (0, 0)  # chainloader.efi has no multiboot2 header
    if "mb2_header" in by_name:
        header = by_name["mb2_header"]["value"]
        header = (header, header + struct.unpack_from("<I", elf.read(header + 8, 4))[0])  # header_length
    found, errors = [], []
    for rela in elf.sections:
        if rela["type"] != SHT_RELA:
            continue
        target = elf.sections[rela["info"]]
        if not target["flags"] & SHF_ALLOC:
            continue
        for k in range(rela["size"] // 24):
            offset, info, addend = struct.unpack_from("<QQq", elf.data, rela["offset"] + k * 24)
            rtype, symi = info & 0xFFFFFFFF, info >> 32
            sym = syms[symi]
            if sym["shndx"] == SHN_UNDEF and symi != 0:
                errors.append(f"0x{offset:x}: undefined symbol {sym['name']}")
                continue
            value = sym["value"] if sym["shndx"] != SHN_ABS else None
            where = f"0x{offset:x} in {target['name']} ({sym['name'] or 'section'} {addend:+d})"
            in_tramp = tramp[0] <= offset < tramp[1]
            if header[0] <= offset < header[1]:
                continue
            if rtype in PC_RELATIVE:
                if value is None or not inside(value):
                    errors.append(f"{where}: PC-relative reference out of the image")
                continue
            if rtype not in ABSOLUTE:
                errors.append(f"{where}: relocation type {rtype} cannot be adjusted")
                continue
            if value is None or not inside(value):
                continue  # a constant: it does not move with the image
            if in_tramp:
                errors.append(f"{where}: {ABSOLUTE[rtype]} in the trampoline, which must be position-independent")
                continue
            found.append((offset, rtype, where))
    if errors:
        raise SystemExit("mkreloc: error: " + "\nmkreloc: error: ".join(errors))
    found.sort()
    for (a, _, wa), (b, _, wb) in zip(found, found[1:]):
        if b - a < 4:
            raise SystemExit(f"mkreloc: error: overlapping sites {wa} and {wb}")
    return lo, hi, found


def encode(start, offsets):
    out = bytearray()
    prev = start
    for off in offsets:
        d = off - prev
        if not 0 < d < 0x10000:
            raise SystemExit(f"mkreloc: error: site 0x{off:x} is 0x{d:x} after the previous one")
        out += bytes([d]) if d < 0x100 else b"\0" + struct.pack("<H", d)
        prev = off
    return bytes(out + b"\0\0\0")


def decode(start, table):
    """What arch/x86_64's relocation loops do with the table: the site addresses."""
    out, site, i = [], start, 0
    while True:
        d = table[i]
        i += 1
        if d == 0:
            d = struct.unpack_from("<H", table, i)[0]
            i += 2
            if d == 0:
                return out
        site += d
        out.append(site)


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: mkreloc.py LINKED.elf TABLE.bin")
    elf = Elf(open(sys.argv[1], "rb").read())
    lo, hi, found = sites(elf)
    offsets = [f[0] for f in found]
    table = encode(lo, offsets)
    assert decode(lo, table) == offsets
    area = [s for s in elf.sections if s["name"] == ".reloc"]
    if not area:
        raise SystemExit("mkreloc: error: no .reloc section (linker.ld)")
    room = area[0]["size"]
    if len(table) > room:
        raise SystemExit(f"mkreloc: error: the table of {len(offsets)} sites needs {len(table)} bytes, "
                         f"the reloc area has {room}: raise RELOC_AREA_SIZE in linker.ld")
    open(sys.argv[2], "wb").write(table + bytes(room - len(table)))
    print(f"  RELOC   {len(offsets)} sites, a {len(table)}-byte table in the {room}-byte reloc area")


if __name__ == "__main__":
    main()
