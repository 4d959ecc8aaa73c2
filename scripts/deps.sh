#!/bin/sh
# The single list of Debian packages this project needs.
# Exits 0 silently when everything is installed; installs what is missing
# when run as root; otherwise prints the install command and exits 1.
#
#   scripts/deps.sh         what building and make test need (make deps)
#   scripts/deps.sh bench   what make bench needs on top of that (BENCH_PKGS)
set -eu

# Building the loader and its unit tests.
# gcc-multilib: the 32-bit host test of start32.S's workspace finder;
# qemu-user: its qemu-i386 runs that test where the kernel runs no 32-bit
# programs (ia32_emulation=off; scripts/run-ia32.sh).
BUILD_PKGS="gcc make binutils libcmocka-dev python3 gcc-multilib qemu-user"

# The framebuffer console's font (arch/x86_64/fbcon.mk), converted at build
# time by scripts/psf2c.py: /usr/share/consolefonts/Lat15-VGA16.psf.gz.
FONT_PKGS="console-setup-linux"

# QEMU boot tests:
#   qemu-system-x86              QEMU (pulls in SeaBIOS and iPXE ROMs)
#   grub-pc-bin grub-efi-amd64-bin grub-common
#                                grub-mkrescue for a BIOS + EFI rescue ISO
#   xorriso mtools               used by grub-mkrescue (ISO9660, EFI FAT image)
#   ovmf                         UEFI firmware for QEMU
#   busybox-static cpio          the test initramfs
#   xz-utils lz4                 compressing kernels/initrds in other formats
#   memtest86+                   a non-relocatable Linux-protocol image at 1 MiB
#   zstd                         Debian 13's kernel payload (extract-vmlinux.sh)
#   swtpm                        a software TPM 2.0 for QEMU's tpm-tis (measured
#                                boot scenarios; a fresh, unmanufactured state has
#                                the sha1, sha256, sha384 and sha512 banks, so
#                                swtpm_setup, of swtpm-tools, is not needed)
#   ipxe syslinux-common         ipxe.lkrn and memdisk: Linux-boot-protocol images
#                                for the real-mode entry (entry=16)
#   tpm2-tools                   tpm2_eventlog: a second parser of the TPM event
#                                log (tests/qemu/test_tpm_replay.py cross-checks)
#   python3-pytest               runs the boot suites (tests/qemu/test_boot.py, the
#                                malformed corpus, the differential and system tests)
#   python3-pytest-xdist         two malformed cases at a time (pytest -n 2)
# dpkg-deb and apt-get download (fetch-kernel.sh) come with dpkg/apt, which
# every Debian system has; gzip and sha256sum are essential too.
TEST_PKGS="qemu-system-x86 grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools ovmf busybox-static cpio xz-utils lz4 memtest86+ zstd swtpm tpm2-tools ipxe syslinux-common python3-pytest python3-pytest-xdist"

# The Debian package and the installed-system test (debian/, tests/system/):
#   debhelper dpkg-dev fakeroot  make deb (dpkg-buildpackage, dh 13)
#   lintian                      make deb-test: lintian's errors fail it
#   mmdebstrap                   real Debian 12 and 13 systems for the installed-system boots
#   e2fsprogs                    mkfs.ext4 -d: its disk image, made without mounting
PKG_PKGS="debhelper dpkg-dev fakeroot lintian mmdebstrap e2fsprogs"

# Fuzzing and static analysis (tests/fuzz/fuzz.mk, tests/static/static.mk):
#   clang libclang-rt-14-dev     clang 14 with libFuzzer and the sanitizer
#                                runtimes (a Recommends, which --no-install-recommends skips)
#   clang-tidy cppcheck          make static-check (C); and for the shell
#                                scripts and the grub.d generator, the shellcheck package
CHECK_PKGS="clang libclang-rt-14-dev clang-tidy cppcheck shellcheck"

# Secure Boot (scripts/fetch-signed-chain.sh, tests/secureboot/): the stock
# signed shim and GRUB come as .debs by name, not installed;
#   openssl                      the test Machine Owner Key
#   sbsigntool                   sbsign/sbattach: images signed with it, or stripped
#   python3-cryptography python3-pefile python3-importlib-resources
#                                what Debian 13's virt-fw-vars (python3-virt-firmware,
#                                fetched by name) needs to run on Debian 12's python3
SB_PKGS="openssl sbsigntool python3-cryptography python3-pefile python3-importlib-resources"

# make bench only (scripts/bench.py), never make test or CI:
#   gnuplot-nox                  draws build/bench/timings.png (pngcairo, no X11)
BENCH_PKGS="gnuplot-nox"

case "${1:-}" in
    "")    wanted="$BUILD_PKGS $FONT_PKGS $TEST_PKGS $PKG_PKGS $CHECK_PKGS $SB_PKGS" ;;
    bench) wanted="$BENCH_PKGS" ;;
    *)     echo "usage: $0 [bench]" >&2; exit 2 ;;
esac

missing=""
for p in $wanted; do
    # "install ok installed" is the only status that means usable.
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing="$missing $p"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "deps.sh: installing:$missing" >&2
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
else
    echo "deps.sh: missing packages:$missing" >&2
    echo "Run: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
