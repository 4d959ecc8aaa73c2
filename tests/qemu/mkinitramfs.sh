#!/bin/sh
# mkinitramfs.sh OUT.cpio.gz PAYLOAD_SIZE_KIB
#
# Builds the boot-test initramfs: static busybox, tests/qemu/initramfs/init
# and /payload.bin (PAYLOAD_SIZE_KIB KiB of random bytes), as a gzipped
# newc cpio. Writes the payload's sha256 (hex only) to OUT.cpio.gz.sha256.
set -eu

[ $# -eq 2 ] || { echo "usage: $0 OUT.cpio.gz PAYLOAD_SIZE_KIB" >&2; exit 2; }
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
         "$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp"
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$here/initramfs/init" "$stage/init"
chmod 755 "$stage/init"

head -c $((kib * 1024)) /dev/urandom > "$stage/payload.bin"
sum=$(sha256sum "$stage/payload.bin" | cut -d' ' -f1)

# Files owned by root in the archive whoever builds it; gzip -1 because the
# payload is random and does not compress anyway.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0) | gzip -1 -n > "$out.tmp"
mv "$out.tmp" "$out"
echo "$sum" > "$out.sha256"
