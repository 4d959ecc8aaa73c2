#!/bin/sh
# mkchain.sh RELEASE OUTDIR [NAME=FILE...]
#
# A machine with Secure Boot enforced and Debian RELEASE's (12 or 13) stock
# signed chain, for QEMU, without loop devices:
#   OUTDIR/mok.key, mok.crt   a test Machine Owner Key made here (RSA 2048)
#   OUTDIR/vars.fd            OVMF's variables with Microsoft's keys
#                             (OVMF_VARS_4M.ms.fd) and that MOK in MokList,
#                             enrolled by virt-fw-vars --add-mok (no MokManager
#                             round trip)
#   OUTDIR/esp/               the ESP as a Debian UEFI install lays it out:
#                             EFI/BOOT/BOOTX64.EFI = shim, grubx64.efi and
#                             mmx64.efi beside it and in EFI/debian/, and
#                             grub.cfg there pointing GRUB at /boot/grub/grub.cfg;
#                             each NAME=FILE copied to esp/boot/NAME
# Boot it with QEMU's `-drive format=raw,file=fat:rw:OUTDIR/esp` on
# `-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on`
# with OVMF_CODE_4M.secboot.fd and OUTDIR/vars.fd as pflash. The chain comes
# from scripts/fetch-signed-chain.sh RELEASE; OUTDIR/esp/boot/grub/grub.cfg is
# the caller's to write. The MOK's owner GUID is shim's
# (605dab50-e046-4300-abb6-3dd810dd8b23), as mokutil --import makes it.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 12|13 OUTDIR [NAME=FILE...]" >&2; exit 2; }
release=$1
out=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$root/build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
SHIM_LOCK_GUID=605dab50-e046-4300-abb6-3dd810dd8b23
OVMF_MS_VARS=${OVMF_MS_VARS:-/usr/share/OVMF/OVMF_VARS_4M.ms.fd}

chain=$("$root/scripts/fetch-signed-chain.sh" "$release")
# virt-fw-vars: Debian 13's python3-virt-firmware, fetched by name (cached).
[ -d "$build/debian13/virt-firmware/virt" ] || "$root/scripts/fetch-debian13.sh" virt-firmware >&2
mkdir -p "$out"

if [ ! -f "$out/mok.key" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=chainloader test MOK/" \
        -keyout "$out/mok.key" -out "$out/mok.crt" 2>/dev/null
fi
PYTHONPATH="$build/debian13/virt-firmware" /usr/bin/python3 -m virt.firmware.vars \
    -i "$OVMF_MS_VARS" --add-mok "$SHIM_LOCK_GUID" "$out/mok.crt" -o "$out/vars.fd" >"$out/vars.log" 2>&1 ||
    { cat "$out/vars.log" >&2; exit 1; }

rm -rf "$out/esp"
mkdir -p "$out/esp/EFI/BOOT" "$out/esp/EFI/debian" "$out/esp/boot/grub"
cp "$chain/shimx64.efi" "$out/esp/EFI/BOOT/BOOTX64.EFI"
for d in BOOT debian; do
    cp "$chain/grubx64.efi" "$chain/mmx64.efi" "$out/esp/EFI/$d/"
    # What grub-install leaves beside the signed GRUB: find the real config.
    printf '%s\n' 'search --no-floppy --file --set=root /boot/grub/grub.cfg' \
        'set prefix=($root)/boot/grub' 'configfile $prefix/grub.cfg' > "$out/esp/EFI/$d/grub.cfg"
done
cp "$chain/shimx64.efi" "$out/esp/EFI/debian/shimx64.efi"
for nf in "$@"; do
    cp "${nf#*=}" "$out/esp/boot/${nf%%=*}"
done
echo "$out"
