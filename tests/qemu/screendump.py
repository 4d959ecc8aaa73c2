"""What a QEMU VM shows on its screen, for the boot tests (stdlib only).

screendump(monitor_socket_path, out_path) asks QEMU's human monitor
(-monitor unix:PATH,server,nowait) for "screendump OUT -f png" (QEMU >= 7.1;
PPM when the file name does not end in .png, or when QEMU lacks PNG support),
and count_non_background_pixels(path) decodes the PNG or PPM and counts the
pixels differing from the most common colour: a blank screen gives 0, text
gives thousands.

    python3 tests/qemu/screendump.py MONITOR_SOCKET OUT.png   # dump and count
    python3 tests/qemu/screendump.py IMAGE                    # count only
"""
import collections
import os
import socket
import struct
import sys
import time
import zlib


class ScreendumpError(Exception):
    pass


def _monitor_command(sock_path, command, timeout=10.0):
    """Runs one human monitor command and returns what QEMU printed after it
    (up to the next "(qemu) " prompt)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as m:
        m.connect(str(sock_path))
        m.settimeout(timeout)
        deadline = time.monotonic() + timeout

        def read_until_prompt(buf):
            while b"(qemu) " not in buf:
                if time.monotonic() > deadline:
                    raise ScreendumpError(f"no monitor prompt after {command!r}: {buf[-200:]!r}")
                chunk = m.recv(65536)
                if not chunk:
                    break
                buf += chunk
            return buf

        read_until_prompt(b"")  # the banner and first prompt
        m.sendall(command.encode() + b"\n")
        out = read_until_prompt(b"")
    # The monitor echoes the command (with terminal escapes) before its output.
    text = out.decode("utf-8", "replace").replace("\r", "")
    text = text.rsplit("(qemu) ", 1)[0]
    lines = text.split("\n")[1:]  # drop the echoed command line
    return "\n".join(lines).strip()


def screendump(monitor_socket_path, out_png, timeout=10.0):
    """Writes the VM's screen to out_png (PNG if its name ends in .png, else
    PPM) and returns the path of the file actually written. QEMU writes the
    file itself, so the path must be valid for the QEMU process."""
    out = os.path.abspath(str(out_png))
    if os.path.exists(out):
        os.unlink(out)
    fmt = "png" if out.endswith(".png") else "ppm"
    reply = _monitor_command(monitor_socket_path, f"screendump {out} -f {fmt}", timeout)
    if fmt == "png" and reply:
        # A QEMU built without libpng (or older than 7.1): fall back to PPM.
        out = out[:-4] + ".ppm"
        if os.path.exists(out):
            os.unlink(out)
        reply = _monitor_command(monitor_socket_path, f"screendump {out}", timeout)
    if reply:
        raise ScreendumpError(f"screendump: {reply}")
    # QEMU has written the file by the time the prompt returns; be lenient anyway.
    deadline = time.monotonic() + timeout
    while not os.path.exists(out) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not os.path.exists(out):
        raise ScreendumpError(f"screendump: {out} was not written")
    return out


VGA_TEXT = 0xB8000
VGA_TEXT_COLS, VGA_TEXT_ROWS = 80, 25


def vga_text(monitor_socket_path, out_bin, timeout=10.0):
    """The 80x25 VGA text screen as 25 lines of text (the character bytes of
    the buffer at 0xB8000, which QEMU's pmemsave reads as the CPU would)."""
    out = os.path.abspath(str(out_bin))
    if os.path.exists(out):
        os.unlink(out)
    size = VGA_TEXT_COLS * VGA_TEXT_ROWS * 2
    # The path in quotes: unquoted, its leading "/" would read as a division of the size.
    reply = _monitor_command(monitor_socket_path, f"pmemsave 0x{VGA_TEXT:x} {size} \"{out}\"", timeout)
    if reply:
        raise ScreendumpError(f"pmemsave: {reply}")
    data = open(out, "rb").read()
    chars = bytes(b if 32 <= b < 127 else 32 for b in data[0::2])
    return [chars[i:i + VGA_TEXT_COLS].decode("ascii").rstrip()
            for i in range(0, len(chars), VGA_TEXT_COLS)]


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(data):
    """(width, height, channels, rows) of an 8-bit RGB or RGBA PNG, not
    interlaced; rows are bytes objects of width * channels."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ScreendumpError("not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        length, ctype = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            break
    if ihdr is None:
        raise ScreendumpError("PNG without IHDR")
    width, height, depth, colour, _comp, _filt, interlace = ihdr
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ScreendumpError(f"PNG depth {depth} colour type {colour} interlace {interlace}: unsupported")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) < height * (stride + 1):
        raise ScreendumpError("PNG image data too short")
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif ftype == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xFF
        elif ftype == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                upleft = prev[i - channels] if i >= channels else 0
                line[i] = (line[i] + _paeth(left, prev[i], upleft)) & 0xFF
        elif ftype != 0:
            raise ScreendumpError(f"PNG filter type {ftype}")
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def decode_ppm(data):
    """(width, height, 3, rows) of a binary PPM (P6, maxval < 256)."""
    fields, pos = [], 0
    while len(fields) < 4:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        start = pos
        while pos < len(data) and not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1  # the single whitespace after maxval
    if fields[0] != b"P6" or int(fields[3]) > 255:
        raise ScreendumpError("not an 8-bit binary PPM")
    width, height = int(fields[1]), int(fields[2])
    stride = width * 3
    if len(data) < pos + height * stride:
        raise ScreendumpError("PPM image data too short")
    rows = [data[pos + y * stride:pos + (y + 1) * stride] for y in range(height)]
    return width, height, 3, rows


def load_image(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return decode_png(data)
    if data[:2] == b"P6":
        return decode_ppm(data)
    raise ScreendumpError(f"{path}: neither PNG nor PPM")


def pixel_histogram(path):
    """Counter of (r, g, b) over every pixel of the image (alpha ignored)."""
    width, _height, channels, rows = load_image(path)
    counts = collections.Counter()
    for row in rows:
        if channels == 3:
            counts.update(row[i:i + 3] for i in range(0, width * 3, 3))
        else:
            counts.update(row[i:i + 3] for i in range(0, width * 4, 4))
    return collections.Counter({tuple(k): v for k, v in counts.items()})


def _non_background(counts):
    return sum(counts.values()) - counts.most_common(1)[0][1] if counts else 0


def count_non_background_pixels(png_or_ppm_path):
    """Pixels differing from the most common colour (the background)."""
    return _non_background(pixel_histogram(png_or_ppm_path))


def main(argv):
    if len(argv) == 3:
        path = screendump(argv[1], argv[2])
    elif len(argv) == 2:
        path = argv[1]
    else:
        sys.stderr.write(__doc__)
        return 2
    counts = pixel_histogram(path)
    total = sum(counts.values())
    top = ", ".join(f"#{r:02x}{g:02x}{b:02x}: {n}" for (r, g, b), n in counts.most_common(4))
    print(f"{path}: {total} pixels, {_non_background(counts)} non-background; most common {top}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
