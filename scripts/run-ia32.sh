#!/bin/sh
# Runs a 32-bit x86 host program (a test of 32-bit assembly) and returns its
# status: natively where this kernel executes 32-bit programs, otherwise
# under Debian's qemu-user (qemu-i386). Kernels since 6.7 can be built or
# booted without IA32 emulation (ia32_emulation=off); there the program
# cannot be exec'd at all, and a skip would hide the test.
#
#   scripts/run-ia32.sh PROBE PROGRAM [ARGS...]
#
# PROBE is tests/unit/ia32_probe.S built -m32: it exits 42 when run natively.
# IA32_RUN picks the way: auto (default; native when PROBE runs), native, or
# qemu (forces the fallback, so that it is tested on hosts that run both).
set -u
[ $# -ge 2 ] || { echo "usage: $0 PROBE PROGRAM [ARGS...]" >&2; exit 2; }
probe=$1
shift
name=$(basename "$1")
way=${IA32_RUN:-auto}

native_works() {
    "$probe" >/dev/null 2>&1
    [ $? -eq 42 ]
}

case "$way" in
    auto)
        if native_works; then
            way=native
        else
            echo "run-ia32: this kernel does not run 32-bit programs (ia32_emulation off?): $name under qemu-i386"
            way=qemu
        fi ;;
    native|qemu) ;;
    *) echo "run-ia32: IA32_RUN=$way: expected auto, native or qemu" >&2; exit 2 ;;
esac

if [ "$way" = qemu ]; then
    command -v qemu-i386 >/dev/null 2>&1 || {
        echo "run-ia32: error: $name needs qemu-i386 (Debian package qemu-user), which is not installed" >&2
        exit 1
    }
    echo "run-ia32: $name under $(qemu-i386 --version | head -n1)"
    exec qemu-i386 "$@"
fi
if ! native_works; then
    echo "run-ia32: error: IA32_RUN=native, but this kernel does not run 32-bit programs" >&2
    exit 1
fi
echo "run-ia32: $name natively"
exec "$@"
