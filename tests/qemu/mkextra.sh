#!/bin/sh
# mkextra.sh OUT.cpio N — an extra initrd: a newc cpio holding just /extra/N,
# for the tests that pass several initrd modules (the kernel must see the
# files of all of them, so the init lists /extra).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 OUT.cpio N" >&2; exit 2; }
out=$1
n=$2
stage=$(mktemp -d "$out.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/extra"
echo "extra-$n" > "$stage/extra/$n"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$out.tmp"
mv "$out.tmp" "$out"
