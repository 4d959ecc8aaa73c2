#!/bin/sh
# extract-vmlinux.sh BZIMAGE OUT — the ELF vmlinux inside a bzImage, from the
# payload the setup header points at (payload_offset / payload_length, boot.rst).
# Handles xz payloads (Debian 12's amd64 flavour) and zstd payloads (Debian 13's).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 BZIMAGE OUT" >&2; exit 2; }
in=$1
out=$2
# shellcheck disable=SC3013 # dash, bash and busybox sh all have -nt
[ -s "$out" ] && [ "$out" -nt "$in" ] && exit 0
# setup_sects at 0x1F1 (0 means 4), payload_offset/length at 0x248/0x24C,
# the offset counted from the start of the protected-mode part.
read -r skip len <<EOT
$(python3 - "$in" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read(0x250)
sects = d[0x1f1] or 4
off, length = struct.unpack_from('<II', d, 0x248)
print((sects + 1) * 512 + off, length)
PY
)
EOT
tmp=$out.tmp
dd if="$in" of="$tmp.payload" bs=1M iflag=skip_bytes,count_bytes skip="$skip" count="$len" status=none
magic=$(od -An -tx1 -N4 "$tmp.payload" | tr -d ' ')
case $magic in
    # The kernel build appends the decompressed size: read just the one stream.
    fd377a58) xz -dc --single-stream < "$tmp.payload" > "$tmp" ;;
    # zstd: the 4 size bytes the build appends (size_append) are no zstd
    # frame, and zstd -d refuses them: decompress all but those.
    28b52ffd) head -c $((len - 4)) "$tmp.payload" | zstd -dq > "$tmp" ;;
    *) echo "$0: payload is neither xz nor zstd (magic $magic) in $in" >&2; rm -f "$tmp.payload"; exit 1 ;;
esac
rm -f "$tmp.payload"
mv "$tmp" "$out"
