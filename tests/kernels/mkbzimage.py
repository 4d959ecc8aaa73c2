#!/usr/bin/env python3
"""Wrap the probe's protected-mode part into a bzImage.

    mkbzimage.py LAYOUT_H PM_BIN MEM_SIZE REALMODE_BIN OUT

LAYOUT_H  bzimage_layout.h: the setup header values (#define BZ_*)
PM_BIN    the flat protected-mode part (objcopy -O binary of the PIE link)
MEM_SIZE  its size in memory, bss and stack included (symbol __image_end)
REALMODE_BIN  the real-mode probe (realmode.S, linked at 0x26C), put where the
          jump at 0x200 lands
OUT       the bzImage to write

Layout (Documentation/arch/x86/boot.rst): a 512-byte boot sector, then
setup_sects sectors of setup whose first bytes continue the setup header
(0x1F1..0x26C), then the protected-mode part, which the loader puts at an
aligned address of its choosing. The rest of the setup sectors is the
real-mode probe (entry=16), then hlt loops.
"""
import re
import struct
import sys

SECTOR = 512
HDR_END = 0x26C            # end of the setup header, protocol 2.15
JUMP_AT = 0x200            # "jmp short" over the header
HLT_LOOP = b"\xfa\xf4\xeb\xfd"  # cli; hlt; jmp .-1


def read_layout(path):
    vals = {}
    for line in open(path):
        m = re.match(r"#define\s+(BZ_\w+)\s+(0x[0-9a-fA-F]+|\d+)\b", line)
        if m:
            vals[m.group(1)] = int(m.group(2), 0)
    return vals


def put(buf, off, fmt, value):
    struct.pack_into("<" + fmt, buf, off, value)


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    layout_h, pm_path, mem_size, rm_path, out = (sys.argv[1], sys.argv[2], int(sys.argv[3], 0), sys.argv[4],
                                                 sys.argv[5])
    L = read_layout(layout_h)
    pm = open(pm_path, "rb").read()
    pm += b"\0" * (-len(pm) % 16)        # syssize counts 16-byte units
    if mem_size > L["BZ_INIT_SIZE"]:
        sys.exit(f"{out}: image needs {mem_size:#x} bytes in memory, init_size is {L['BZ_INIT_SIZE']:#x}")
    if len(pm) > mem_size:
        sys.exit(f"{out}: file part {len(pm):#x} larger than memory size {mem_size:#x}")

    setup_sects = L["BZ_SETUP_SECTS"]
    setup = bytearray(HLT_LOOP * ((1 + setup_sects) * SECTOR // len(HLT_LOOP)))
    setup[0x1F1:HDR_END] = bytes(HDR_END - 0x1F1)
    put(setup, 0x1F1, "B", setup_sects)
    put(setup, 0x1F4, "I", len(pm) // 16)            # syssize
    put(setup, 0x1FA, "H", L["BZ_VID_MODE"])
    put(setup, 0x1FE, "H", 0xAA55)                   # boot_flag
    put(setup, JUMP_AT, "B", 0xEB)                   # jmp short to the header end
    put(setup, JUMP_AT + 1, "B", HDR_END - (JUMP_AT + 2))
    setup[0x202:0x206] = b"HdrS"
    put(setup, 0x206, "H", L["BZ_VERSION"])
    put(setup, 0x20E, "H", 0)                        # kernel_version: no string
    put(setup, 0x211, "B", L["BZ_LOADFLAGS"])
    put(setup, 0x214, "I", L["BZ_CODE32_START"])
    put(setup, 0x22C, "I", L["BZ_INITRD_ADDR_MAX"])
    put(setup, 0x230, "I", L["BZ_KERNEL_ALIGNMENT"])
    put(setup, 0x234, "B", L["BZ_RELOCATABLE"])
    put(setup, 0x235, "B", L["BZ_MIN_ALIGNMENT"])
    put(setup, 0x236, "H", L["BZ_XLOADFLAGS"])
    put(setup, 0x238, "I", L["BZ_CMDLINE_SIZE"])
    put(setup, 0x258, "Q", L["BZ_PREF_ADDRESS"])
    put(setup, 0x260, "I", L["BZ_INIT_SIZE"])
    realmode = open(rm_path, "rb").read()
    if HDR_END + len(realmode) > len(setup):
        sys.exit(f"{out}: the real-mode probe ({len(realmode)} bytes) does not fit the setup sectors")
    setup[HDR_END:HDR_END + len(realmode)] = realmode  # where the jump lands

    with open(out, "wb") as f:
        f.write(bytes(setup) + pm)


if __name__ == "__main__":
    main()
