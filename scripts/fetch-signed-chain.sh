#!/bin/sh
# fetch-signed-chain.sh RELEASE
#
# Debian's stock Secure Boot chain of RELEASE (12 or 13) — shim signed by
# Microsoft, its MOK manager, GRUB signed by Debian — as
# $BUILD/secureboot/debianRELEASE/{shimx64.efi,mmx64.efi,grubx64.efi}, each
# with a .version file ("PACKAGE VERSION"), and for either release Debian
# 13's python3-virt-firmware (virt-fw-vars, to enroll a MOK in OVMF's
# variables; it runs on Debian 12's python3) at $BUILD/debian13/virt-firmware.
# Debian 12's packages come from the machine's apt; Debian 13's through
# scripts/fetch-debian13.sh's private apt configuration. Prints the directory.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 12|13" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
out="$build/secureboot/debian$1"
mkdir -p "$out"

BUILD=$build "$root/scripts/fetch-debian13.sh" virt-firmware >/dev/null
case "$1" in
    13)
        for f in $(BUILD=$build "$root/scripts/fetch-debian13.sh" signed-chain); do
            cp "$f" "$f.version" "$out/"
        done ;;
    12)
        # package, member, name
        while read -r pkg member name; do
            deb=$("$root/scripts/apt-download.sh" "$pkg" "$build/cache/debs")
            version="$pkg $(dpkg-deb -f "$deb" Version)"
            if [ "$(cat "$out/$name.version" 2>/dev/null)" != "$version" ] || [ ! -f "$out/$name" ]; then
                dpkg-deb --fsys-tarfile "$deb" | tar -x -O "./$member" > "$out/$name.tmp"
                mv "$out/$name.tmp" "$out/$name"
                echo "$version" > "$out/$name.version"
                echo "fetch-signed-chain: $out/$name <- $(basename "$deb")" >&2
            fi
        done <<LIST
shim-signed usr/lib/shim/shimx64.efi.signed shimx64.efi
shim-helpers-amd64-signed usr/lib/shim/mmx64.efi.signed mmx64.efi
grub-efi-amd64-signed usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed grubx64.efi
LIST
        ;;
    *) echo "usage: $0 12|13" >&2; exit 2 ;;
esac
echo "$out"
