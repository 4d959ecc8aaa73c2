#!/bin/sh
# mkiso.sh [-n] [-N] [-d GRUB_DIR] [-p PREAMBLE_FILE] OUT.iso MENUENTRY_FILE [NAME=]FILE...
#
# Builds a GRUB rescue ISO bootable from BIOS (SeaBIOS) and UEFI (OVMF).
# Its grub.cfg talks on the serial port, boots the single menu entry at
# once, and the entry's body is the content of MENUENTRY_FILE (GRUB
# commands such as "linux /boot/vmlinuz ..."). Each FILE is put in /boot
# of the ISO under its own name, or under NAME when given as NAME=FILE.
#
#   mkiso.sh build/qemu/x.iso build/qemu/x.entry \
#       vmlinuz=build/kernels/vmlinuz-amd64 initrd.img=build/qemu/initrd.cpio.gz
#
# -d GRUB_DIR: build the ISO from that GRUB module directory instead of the
#    machine's (/usr/lib/grub/*), e.g. Debian 13's GRUB 2.12 from
#    scripts/fetch-debian13.sh: build/debian13/grub/x86_64-efi (boots on
#    UEFI only) or build/debian13/grub/i386-pc (BIOS only). grub-mkrescue
#    takes one -d (the last one given wins), so such an ISO carries that one
#    platform: build one per firmware. The ISO's modules are checked to be
#    that directory's, and "GRUB VERSION (PLATFORM)" is printed on stderr.
# -n: no `insmod all_video` (GRUB then passes no framebuffer on UEFI: what
#    the firmware's GOP gives is the loader's to find).
# -p PREAMBLE_FILE: grub.cfg lines placed before the menu entry, after the
#    serial and video set-up (e.g. "insmod tpm", so GRUB measures what it
#    loads).
# -N: a network-boot directory OUT instead of an ISO, for QEMU's TFTP server
#    (-netdev user,tftp=OUT,bootfile=...): grub-mknetdir's GRUB for BIOS PXE
#    (boot/grub/i386-pc/core.0) and UEFI (boot/grub/x86_64-efi/core.efi),
#    which reads boot/grub/grub.cfg and the files from the server.
set -eu

usage() { echo "usage: $0 [-n] [-N] [-d GRUB_DIR] [-p PREAMBLE_FILE] OUT.iso MENUENTRY_FILE [NAME=]FILE..." >&2; exit 2; }
grub_dir=""
preamble=""
video=yes
netdir=no
while getopts nNd:p: opt; do
    case "$opt" in
        n) video=no ;;
        N) netdir=yes ;;
        d) grub_dir=$OPTARG ;;
        p) preamble=$OPTARG ;;
        *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
if [ -n "$grub_dir" ]; then
    [ -f "$grub_dir/modinfo.sh" ] || { echo "$0: $grub_dir is no GRUB module directory (no modinfo.sh)" >&2; exit 1; }
    platform=$(basename "$grub_dir")
fi
[ "$netdir" = no ] || [ -z "$grub_dir" ] || { echo "$0: -N builds from the machine's GRUB only" >&2; exit 2; }
if [ -n "$preamble" ]; then
    [ -f "$preamble" ] || { echo "$0: no such file: $preamble" >&2; exit 1; }
fi
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
    [ "$video" = no ] || echo 'insmod all_video'
    [ -z "$preamble" ] || cat "$preamble"
    # The title is deliberately not "chainloader ...": GRUB may echo it on
    # the serial line, where the tests look for the loader's banner.
    echo "menuentry 'cl-test' {"
    cat "$entry"
    echo '}'
} > "$cfg"

# grub-mkrescue hands extra arguments to xorriso with -graft-points, so
# "/iso/path=host/path" places a file without copying it to a staging
# directory first. Turn each argument into such a graft point (the loop
# rotates "$@": it takes one from the front, appends the rewritten one);
# -N copies each to the same path under OUT.
for f in "$@"; do
    case "$f" in
        *=*) f="/boot/${f%%=*}=${f#*=}" ;;
        *)   f="/boot/$(basename "$f")=$f" ;;
    esac
    [ -f "${f#*=}" ] || { echo "$0: no such file: ${f#*=}" >&2; exit 1; }
    set -- "$@" "$f"
    shift
done

if [ "$netdir" = yes ]; then
    rm -rf "$out"
    grub-mknetdir --locales= --fonts= --themes= --net-directory="$out" --subdir=boot/grub >"$out.log" 2>&1 ||
        { cat "$out.log" >&2; echo "$0: grub-mknetdir failed" >&2; exit 1; }
    cp "$cfg" "$out/boot/grub/grub.cfg"
    for f in "$@"; do
        cp "${f#*=}" "$out${f%%=*}"
    done
    exit 0
fi

# --locales= --fonts= --themes= : skip what a serial-only GRUB never uses,
# which keeps the ISO small and its build quick. All modules stay in, so
# "linux", "multiboot2" etc. are found wherever the test needs them.
if [ -n "$grub_dir" ]; then
    set -- -d "$grub_dir" "$@"
fi
grub-mkrescue --locales= --fonts= --themes= -o "$out.tmp" \
        "/boot/grub/grub.cfg=$cfg" "$@" >"$out.log" 2>&1 ||
    { cat "$out.log" >&2; echo "$0: grub-mkrescue failed" >&2; exit 1; }

if [ -n "$grub_dir" ]; then
    # The GRUB that runs is the ISO's /boot/grub/PLATFORM (the core image
    # loads normal.mod and the rest from there): it must be GRUB_DIR's, and
    # its version is the one normal.mod prints in its banner.
    got="$out.normal.mod"
    rm -f "$got"
    xorriso -osirrox on -indev "$out.tmp" -extract "/boot/grub/$platform/normal.mod" "$got" >>"$out.log" 2>&1 ||
        { echo "$0: no /boot/grub/$platform/normal.mod in the ISO" >&2; exit 1; }
    cmp -s "$got" "$grub_dir/normal.mod" ||
        { echo "$0: the ISO's normal.mod is not $grub_dir's" >&2; exit 1; }
    version=$(strings -a "$got" | grep -A1 -x 'GNU GRUB  version %s' | sed -n 2p)
    rm -f "$got"
    echo "mkiso.sh: GRUB ${version:-(unknown version)} ($platform)" >&2
fi
mv "$out.tmp" "$out"
