#!/bin/sh
# mkinitramfs.sh OUT.cpio.gz|OUT.cpio PAYLOAD_SIZE_KIB
#
# Builds the boot-test initramfs: static busybox, tests/qemu/initramfs/init,
# /extra/1 (the first of the files that extra initrds add, see mkextra.sh)
# and /payload.bin (PAYLOAD_SIZE_KIB KiB of random bytes), as a newc cpio,
# gzipped when OUT ends in .gz (large payloads stay uncompressed: neither
# GRUB nor Linux then spends seconds of TCG time on them). Writes the
# payload's sha256 (hex only) to OUT.sha256.
set -eu

[ $# -eq 2 ] || { echo "usage: $0 OUT.cpio.gz|OUT.cpio PAYLOAD_SIZE_KIB" >&2; exit 2; }
out=$1
kib=$2
case "$kib" in ''|*[!0-9]*) echo "$0: bad size: $kib" >&2; exit 2 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox   # from busybox-static (scripts/deps.sh): needs no libc

mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$out.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# Applet links are made by the init itself (busybox --install -s); it only
# needs /bin/sh to start and the directories the links go into.
mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" \
         "$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp" "$stage/extra"
echo extra-1 > "$stage/extra/1"
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$here/initramfs/init" "$stage/init"
chmod 755 "$stage/init"

head -c $((kib * 1024)) /dev/urandom > "$stage/payload.bin"
sum=$(sha256sum "$stage/payload.bin" | cut -d' ' -f1)

# Files owned by root in the archive whoever builds it; gzip -1 because the
# payload is random and does not compress anyway.
case "$out" in *.gz) compress="gzip -1 -n" ;; *) compress="cat" ;; esac
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0) | $compress > "$out.tmp"
mv "$out.tmp" "$out"
echo "$sum" > "$out.sha256"
