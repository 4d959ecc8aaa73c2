#!/usr/bin/env python3
"""The self-relocation table against the linker (make reloc-test).

    test_reloc.py [unittest options] AT_1MIB.elf AT_OTHER.elf

AT_1MIB.elf is build/chainloader.elf; AT_OTHER.elf the same objects linked at
another address. Applying AT_1MIB's table (as arch/x86_64's relocation loops
do, scripts/mkreloc.py's decode) for the distance between the two must give
AT_OTHER's bytes exactly, but for the multiboot2 header (GRUB reads it from the
file and adjusts the entry address itself): a site missing from the table, or
one too many, shows as a difference, named by the nearest symbol.
"""
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import mkreloc  # noqa: E402

IMAGES = []


def symbol(elf, addr):
    """The symbol at or below addr, for messages."""
    best = None
    for s in elf.symbols():
        if s["name"] and s["shndx"] not in (0, mkreloc.SHN_ABS) and s["value"] <= addr:
            if best is None or s["value"] > best["value"]:
                best = s
    return f"{best['name']}+0x{addr - best['value']:x}" if best else "?"


class Image:
    def __init__(self, path):
        self.path = path
        self.elf = mkreloc.Elf(Path(path).read_bytes())
        syms = {s["name"]: s["value"] for s in self.elf.symbols() if s["name"]}
        self.start = syms["__image_start"]
        self.reloc_table = syms["__reloc_table"]
        with tempfile.NamedTemporaryFile() as out:
            subprocess.run(["objcopy", "-O", "binary", path, out.name], check=True)
            self.bytes = bytearray(Path(out.name).read_bytes())
        self.header_len = struct.unpack_from("<I", self.bytes, 8)[0]  # multiboot2 header_length
        reloc = [s for s in self.elf.sections if s["name"] == ".reloc"][0]
        self.table = bytes(self.bytes[reloc["addr"] - self.start:][:reloc["size"]])


class RelocationTable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.low, cls.high = Image(IMAGES[0]), Image(IMAGES[1])

    def test_linked_where_expected(self):
        self.assertEqual(self.low.start, 0x100000)
        self.assertGreater(self.high.start, self.low.start)
        self.assertEqual(len(self.low.bytes), len(self.high.bytes))

    def test_same_table_at_both_addresses(self):
        # Sites are stored relative to the image: the table must not depend on where it was linked.
        self.assertEqual(self.low.table, self.high.table)

    def test_table_applied_gives_the_other_link(self):
        distance = self.high.start - self.low.start
        sites = mkreloc.decode(self.low.start, self.low.table)
        self.assertGreater(len(sites), 100, "suspiciously few sites")
        image = bytearray(self.low.bytes)
        for site in sites:
            at = site - self.low.start
            struct.pack_into("<I", image, at, (struct.unpack_from("<I", image, at)[0] + distance) & 0xFFFFFFFF)
        self.assertNotEqual(image, self.low.bytes)
        header = self.low.header_len
        diffs = [i for i in range(header, len(image)) if image[i] != self.high.bytes[i]]
        where = ", ".join(symbol(self.low.elf, self.low.start + i) for i in diffs[:8])
        self.assertEqual(diffs, [], f"{len(diffs)} bytes differ after relocation, first at: {where}")
        # The header differs only in the EFI entry address GRUB adjusts.
        self.assertNotEqual(self.low.bytes[:header], self.high.bytes[:header])

    def test_table_inside_the_image_and_clear_of_the_header(self):
        sites = mkreloc.decode(self.low.start, self.low.table)
        end = self.low.start + len(self.low.bytes)
        self.assertTrue(all(self.low.start + self.low.header_len <= s <= end - 4 for s in sites))
        self.assertTrue(all(not self.low.reloc_table - 4 < s < self.low.reloc_table + len(self.low.table)
                            for s in sites))


class Encoding(unittest.TestCase):
    def test_round_trip_with_near_and_far_sites(self):
        start = 0x100000
        sites = [start + 4, start + 8, start + 8 + 255, start + 8 + 255 + 256, start + 0xFFFF + 0x200]
        table = mkreloc.encode(start, sites)
        self.assertEqual(table[:3], bytes([4, 4, 255]))
        self.assertEqual(table[3:6], b"\0" + struct.pack("<H", 256))
        self.assertEqual(table[-3:], b"\0\0\0")
        self.assertEqual(mkreloc.decode(start, table), sites)

    def test_empty_table_is_three_zero_bytes(self):
        self.assertEqual(mkreloc.encode(0x100000, []), b"\0\0\0")
        self.assertEqual(mkreloc.decode(0x100000, bytes(512)), [])  # the area as linked

    def test_refuses_what_it_cannot_encode(self):
        with self.assertRaises(SystemExit):
            mkreloc.encode(0x100000, [0x100000 + 0x10000])
        with self.assertRaises(SystemExit):
            mkreloc.encode(0x100000, [0x100010, 0x100010])


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.endswith(".elf")]
    IMAGES[:] = [a for a in sys.argv[1:] if a.endswith(".elf")]
    if len(IMAGES) != 2:
        raise SystemExit("usage: test_reloc.py [-v] AT_1MIB.elf AT_OTHER.elf")
    unittest.main(argv=[sys.argv[0]] + args)
