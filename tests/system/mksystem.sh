#!/bin/sh
# mksystem.sh SUITE OUT.tar
#
# Builds the Debian system of SUITE (bookworm: Debian 12, trixie: Debian 13;
# with its updates and security updates, as an installed one has them) that
# the installed-system test boots
# (tests/system/run_system.py): mmdebstrap's minbase with systemd as init,
# Debian's kernel with initramfs-tools' initrd, and GRUB's grub-mkconfig
# with its BIOS and EFI modules (grub-pc-bin, grub-efi-amd64-bin), Debian's
# signed Secure Boot chain (shim-signed, grub-efi-amd64-signed: the ESP of
# the Secure Boot boots is made from them, so GRUB and its modules are one
# version), and what chainloader's package recommends for signing its EFI
# image (sbsigntool, openssl: apt installs Recommends), as a tarball.
# chainloader's package is not in it: the test installs the .deb it has
# just built into a copy, so the tarball stays valid across commits
# and is rebuilt only when this script changes (run_system.py keys the cache
# on its hash).
#
# The test's parts of the system (what a user would not have):
#   /etc/systemd/system/cl-system-marker.service   once the boot is over,
#       prints "CL-SYSTEM: ..." lines on ttyS0 and powers off
#   /etc/default/grub   Debian's (grub-pc's postinst writes it from
#       /usr/share/grub/default/grub), then GRUB and Linux on the serial
#       port and no timeout
# The root file system's UUID is the test's to choose (mkfs.ext4 -U): fstab
# names it as CL_ROOT_UUID, which run_system.py replaces.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 SUITE OUT.tar" >&2; exit 2; }
suite=$1
out=$2
mkdir -p "$(dirname "$out")"

mmdebstrap --variant=minbase --mode=root --format=tar \
    --include=systemd-sysv,udev,linux-image-amd64,initramfs-tools,grub-common,grub2-common,grub-pc-bin,grub-efi-amd64-bin,shim-signed,grub-efi-amd64-signed,sbsigntool,openssl,zstd \
    --customize-hook='echo cl-system > "$1/etc/hostname"' \
    --customize-hook='printf "%s\n" "UUID=CL_ROOT_UUID / ext4 errors=remount-ro 0 1" > "$1/etc/fstab"' \
    --customize-hook='cp "$1/usr/share/grub/default/grub" "$1/etc/default/grub"' \
    --customize-hook='cat >> "$1/etc/default/grub" <<"GRUB"

# The installed-system test (tests/system/mksystem.sh): GRUB and Linux on COM1.
GRUB_TIMEOUT=0
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_CMDLINE_LINUX="console=ttyS0,115200 cl.system=1"
GRUB
' \
    --customize-hook='cat > "$1/usr/local/sbin/cl-system-marker" <<"MARKER"
#!/bin/sh
# Waits for the boot to be over, reports on the serial port, powers off.
state=$(systemctl is-system-running --wait)
root=$(findmnt -n -o SOURCE,UUID,FSTYPE /)
# ramdisk_size of the zero page the kernel was handed (offset 0x21c, 4 bytes).
rd=$(od -An -t u4 -j 540 -N 4 /sys/kernel/boot_params/data | tr -d " ")
{
    echo "CL-SYSTEM-STATE: $state"
    echo "CL-SYSTEM-CMDLINE: $(cat /proc/cmdline)"
    echo "CL-SYSTEM-ROOT: $root"
    echo "CL-SYSTEM-KERNEL: $(uname -r)"
    echo "CL-SYSTEM-RAMDISK-SIZE: $rd"
    echo "CL-SYSTEM-INITRAMFS: $(test -d /run/initramfs && echo /run/initramfs || echo none)"
    # Secure Boot as the kernel saw it (its "Secure boot enabled" line is
    # KERN_INFO, under "quiet"), and lockdown: the mode in force in brackets.
    echo "CL-SYSTEM-SECUREBOOT: $(dmesg | grep -o -m1 "Secure boot [a-z]*")"
    echo "CL-SYSTEM-LOCKDOWN: $(cat /sys/kernel/security/lockdown 2>/dev/null || echo unknown)"
    echo "CL-SYSTEM-LOCKDOWN-BY: $(dmesg | grep -o -m1 "Kernel is locked down from [A-Za-z ]*")"
    echo "CL-SYSTEM-FAILED: $(systemctl list-units --failed --plain --no-legend | cut -d" " -f1 | tr "\n" " ")"
    echo "CL-SYSTEM-DONE"
} > /dev/ttyS0
systemctl poweroff
MARKER
chmod 755 "$1/usr/local/sbin/cl-system-marker"' \
    --customize-hook='cat > "$1/etc/systemd/system/cl-system-marker.service" <<"UNIT"
[Unit]
Description=chainloader test: report the booted system on ttyS0, then power off
After=multi-user.target

[Service]
# simple: the unit counts as started at once, so the boot can finish while
# the script waits for it (is-system-running --wait).
Type=simple
ExecStart=/usr/local/sbin/cl-system-marker

[Install]
WantedBy=multi-user.target
UNIT
ln -s /etc/systemd/system/cl-system-marker.service "$1/etc/systemd/system/multi-user.target.wants/cl-system-marker.service"' \
    "$suite" "$out.tmp" \
    "deb http://deb.debian.org/debian $suite main" \
    "deb http://deb.debian.org/debian $suite-updates main" \
    "deb http://deb.debian.org/debian-security $suite-security main"
mv "$out.tmp" "$out"
