#!/bin/sh
# mkiso.sh OUT.iso MENUENTRY_FILE [NAME=]FILE...
#
# Builds a GRUB rescue ISO bootable from BIOS (SeaBIOS) and UEFI (OVMF).
# Its grub.cfg talks on the serial port, boots the single menu entry at
# once, and the entry's body is the content of MENUENTRY_FILE (GRUB
# commands such as "linux /boot/vmlinuz ..."). Each FILE is put in /boot
# of the ISO under its own name, or under NAME when given as NAME=FILE.
#
#   mkiso.sh build/qemu/x.iso build/qemu/x.entry \
#       vmlinuz=build/kernels/vmlinuz-amd64 initrd.img=build/qemu/initrd.cpio.gz
set -eu

[ $# -ge 2 ] || { echo "usage: $0 OUT.iso MENUENTRY_FILE [NAME=]FILE..." >&2; exit 2; }
out=$1
entry=$2
shift 2

mkdir -p "$(dirname "$out")"
cfg="$out.grub.cfg"
{
    # GRUB talks on COM1 too, so its own errors land in the serial log.
    echo 'serial --unit=0 --speed=115200'
    echo 'terminal_input serial console'
    echo 'terminal_output serial console'
    echo 'set timeout=0'
    echo 'set default=0'
    # Video drivers (VBE on BIOS, GOP on UEFI), so that GRUB can give a
    # multiboot2 image the framebuffer it asks for, as an installed GRUB does.
    echo 'insmod all_video'
    # The title is deliberately not "chainloader ...": GRUB may echo it on
    # the serial line, where the tests look for the loader's banner.
    echo "menuentry 'cl-test' {"
    cat "$entry"
    echo '}'
} > "$cfg"

# grub-mkrescue hands extra arguments to xorriso with -graft-points, so
# "/iso/path=host/path" places a file without copying it to a staging
# directory first. Turn each argument into such a graft point (the loop
# rotates "$@": it takes one from the front, appends the rewritten one).
for f in "$@"; do
    case "$f" in
        *=*) f="/boot/${f%%=*}=${f#*=}" ;;
        *)   f="/boot/$(basename "$f")=$f" ;;
    esac
    [ -f "${f#*=}" ] || { echo "$0: no such file: ${f#*=}" >&2; exit 1; }
    set -- "$@" "$f"
    shift
done

# --locales= --fonts= --themes= : skip what a serial-only GRUB never uses,
# which keeps the ISO small and its build quick. All modules stay in, so
# "linux", "multiboot2" etc. are found wherever the test needs them.
grub-mkrescue --locales= --fonts= --themes= -o "$out.tmp" \
        "/boot/grub/grub.cfg=$cfg" "$@" >"$out.log" 2>&1 ||
    { cat "$out.log" >&2; echo "$0: grub-mkrescue failed" >&2; exit 1; }
mv "$out.tmp" "$out"
