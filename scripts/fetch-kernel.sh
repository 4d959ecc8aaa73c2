#!/bin/sh
# fetch-kernel.sh FLAVOUR OUTDIR
#
# Puts Debian's current kernel of FLAVOUR (amd64 or cloud-amd64) at
# OUTDIR/vmlinuz-FLAVOUR and the package name it came from at
# OUTDIR/vmlinuz-FLAVOUR.version. The .deb is cached in $BUILD/cache/debs
# ($BUILD defaults to build/ of the repository), so a second run does no
# download and no extraction.
set -eu

usage() { echo "usage: $0 amd64|cloud-amd64 OUTDIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
flavour=$1
outdir=$2
case "$flavour" in amd64|cloud-amd64) ;; *) usage ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
cache="${BUILD:-$root/build}/cache/debs"
mkdir -p "$cache" "$outdir"

# linux-image-amd64 is a metapackage depending on the versioned package,
# e.g. linux-image-6.1.0-56-amd64.
resolve() {
    apt-cache depends "linux-image-$flavour" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }'
}
pkg=$(resolve)
if [ -z "$pkg" ]; then
    # Package lists are empty (fresh machine): fetch them once.
    apt-get update >&2
    pkg=$(resolve)
fi
[ -n "$pkg" ] || { echo "$0: cannot resolve linux-image-$flavour" >&2; exit 1; }

out="$outdir/vmlinuz-$flavour"
if [ -f "$out" ] && [ "$(cat "$out.version" 2>/dev/null)" = "$pkg" ]; then
    exit 0
fi

if ! deb=$("$root/scripts/apt-download.sh" "$pkg" "$cache"); then
    # The lists now name a newer kernel package than the one resolved.
    pkg=$(resolve)
    deb=$("$root/scripts/apt-download.sh" "$pkg" "$cache")
fi

# Extract only boot/vmlinuz-* (what `dpkg-deb -x` would give, without
# writing the ~400 MB of modules we do not need).
tmp=$(mktemp -d "$outdir/.extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'
set -- "$tmp"/boot/vmlinuz-*
[ $# -eq 1 ] && [ -f "$1" ] || { echo "$0: no single boot/vmlinuz-* in $deb" >&2; exit 1; }
cp "$1" "$out.tmp" && mv "$out.tmp" "$out"
echo "$pkg" > "$out.version"
echo "fetch-kernel: $out <- $(basename "$deb")" >&2
