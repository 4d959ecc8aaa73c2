#!/usr/bin/env python3
"""psf2c.py FONT.psf[.gz] OUT.c

Turns a Linux console font (PSF1 or PSF2, optionally gzip-compressed, as
Debian's console-setup-linux ships in /usr/share/consolefonts/) into the C
definition of `fbcon_font` (include/fbcon_font.h): the glyphs of printable
ASCII, U+0020..U+007E, in code point order, then one fallback glyph (the
font's U+FFFD, else a hollow box) for every other byte. Glyph rows are as in
PSF: ceil(width / 8) bytes per row, most significant bit leftmost.

Glyphs are looked up through the font's Unicode table when it has one (a
console font's glyph order is not ASCII's); without a table, glyph N is
taken to be code point N.
"""
import gzip
import os
import struct
import sys

PSF1_MAGIC = b"\x36\x04"
PSF1_MODE512 = 0x01
PSF1_MODEHASTAB = 0x02
PSF1_MODESEQ = 0x04
PSF1_SEPARATOR = 0xFFFF
PSF1_STARTSEQ = 0xFFFE

PSF2_MAGIC = b"\x72\xb5\x4a\x86"
PSF2_HAS_UNICODE_TABLE = 0x01
PSF2_SEPARATOR = 0xFF
PSF2_STARTSEQ = 0xFE

FIRST, LAST = 0x20, 0x7E
REPLACEMENT = 0xFFFD


class FontError(Exception):
    pass


def parse_psf1(data):
    if len(data) < 4:
        raise FontError("truncated PSF1 header")
    mode, charsize = data[2], data[3]
    count = 512 if mode & PSF1_MODE512 else 256
    width, height, row_bytes = 8, charsize, 1
    glyphs_end = 4 + count * charsize
    if charsize == 0 or len(data) < glyphs_end:
        raise FontError("truncated PSF1 glyphs")
    glyphs = [data[4 + i * charsize:4 + (i + 1) * charsize] for i in range(count)]
    table = {}
    if mode & (PSF1_MODEHASTAB | PSF1_MODESEQ):
        pos, glyph = glyphs_end, 0
        in_seq = False
        while glyph < count and pos + 2 <= len(data):
            (u,) = struct.unpack_from("<H", data, pos)
            pos += 2
            if u == PSF1_SEPARATOR:
                glyph += 1
                in_seq = False
            elif u == PSF1_STARTSEQ:
                in_seq = True  # sequences (combining) map nothing single
            elif not in_seq:
                table.setdefault(u, glyph)
    return width, height, row_bytes, glyphs, table


def parse_psf2(data):
    if len(data) < 32:
        raise FontError("truncated PSF2 header")
    (_magic, version, headersize, flags, count, charsize, height,
     width) = struct.unpack_from("<4sIIIIIII", data, 0)
    row_bytes = (width + 7) // 8
    if version != 0 or width == 0 or height == 0 or charsize != row_bytes * height:
        raise FontError(f"unsupported PSF2 header: version {version}, {width}x{height}, "
                        f"charsize {charsize}")
    glyphs_end = headersize + count * charsize
    if headersize < 32 or len(data) < glyphs_end:
        raise FontError("truncated PSF2 glyphs")
    glyphs = [data[headersize + i * charsize:headersize + (i + 1) * charsize]
              for i in range(count)]
    table = {}
    if flags & PSF2_HAS_UNICODE_TABLE:
        pos = glyphs_end
        for glyph in range(count):
            end = data.find(bytes([PSF2_SEPARATOR]), pos)
            if end < 0:
                break
            entry = data[pos:end]
            pos = end + 1
            single = entry.split(bytes([PSF2_STARTSEQ]))[0]
            for ch in single.decode("utf-8", "replace"):
                table.setdefault(ord(ch), glyph)
    return width, height, row_bytes, glyphs, table


def hollow_box(width, height, row_bytes):
    """A rectangle one pixel in from every edge: 'no glyph for this byte'."""
    rows = []
    for y in range(height):
        bits = 0
        for x in range(width):
            edge_x = x in (1, width - 2) and 1 <= y <= height - 2
            edge_y = y in (1, height - 2) and 1 <= x <= width - 2
            if edge_x or edge_y:
                bits |= 1 << (row_bytes * 8 - 1 - x)
        rows.append(bits.to_bytes(row_bytes, "big"))
    return b"".join(rows)


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data[:2] == PSF1_MAGIC:
        return parse_psf1(data)
    if data[:4] == PSF2_MAGIC:
        return parse_psf2(data)
    raise FontError("not a PSF1 or PSF2 font")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    src, out = argv[1], argv[2]
    try:
        width, height, row_bytes, glyphs, table = load(src)
    except (OSError, FontError, EOFError) as e:
        sys.stderr.write(f"psf2c: {src}: {e}\n")
        return 1
    if width > 32 or height > 64:
        sys.stderr.write(f"psf2c: {src}: {width}x{height} is larger than fbcon allows (32x64)\n")
        return 1

    def glyph_for(cp):
        if table:
            return table.get(cp)
        return cp if cp < len(glyphs) else None

    chosen = []
    missing = []
    for cp in range(FIRST, LAST + 1):
        g = glyph_for(cp)
        if g is None:
            missing.append(cp)
        chosen.append((f"U+{cp:04X} {chr(cp)!r}", glyphs[g] if g is not None else None))
    if missing:
        sys.stderr.write("psf2c: %s: no glyph for %s\n" % (src, " ".join(f"U+{c:04X}" for c in missing)))
        return 1
    g = glyph_for(REPLACEMENT)
    fallback = glyphs[g] if g is not None else hollow_box(width, height, row_bytes)
    chosen.append(("fallback (U+FFFD)" if g is not None else "fallback (hollow box)", fallback))

    name = src.rsplit("/", 1)[-1]
    lines = [
        f"/* Generated by scripts/psf2c.py from {name}: do not edit, not committed. */",
        '#include "fbcon_font.h"',
        "",
        f"static const uint8_t glyphs[{len(chosen)} * {height} * {row_bytes}] = {{",
    ]
    for label, bits in chosen:
        lines.append(f"\t/* {label.replace('*/', '* /')} */")
        lines.append("\t" + ", ".join(f"0x{b:02x}" for b in bits) + ",")
    lines += [
        "};",
        "",
        "const struct fbcon_font fbcon_font = {",
        f"\t.width = {width},",
        f"\t.height = {height},",
        f"\t.row_bytes = {row_bytes},",
        "\t.glyphs = glyphs,",
        "};",
        "",
    ]
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines))
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
