#!/bin/sh
# run_static.sh: shellcheck over the shell scripts; cppcheck and clang-tidy
# over the project's C, each file with
# the flags its real build uses (passed in by tests/static/static.mk):
#   TIDY_TARGET_FLAGS  boot/ loader/ firmware/ lib/ arch/x86_64/   (the loader)
#   TIDY_UNIT_FLAGS    tests/unit/, tests/kernels/test_probe_host.c (host tests), tools/chainloader-check.c
#   TIDY_PROBE_FLAGS   tests/kernels/ (the probe kernels)
# and TIDY_UNIT_CHECKS / TIDY_PROBE_CHECKS: checks those groups turn off.
# Checks: .clang-tidy at the top; cppcheck's options below and its
# suppressions in tests/static/cppcheck-suppressions.txt.
# Prints every finding, then "static-check: N passed, N failed" (one per
# tool and file group); exits 1 on any finding. STATIC_JOBS (default 2) runs
# clang-tidy on that many files at once.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
out=$BUILD/static
mkdir -p "$out"
pass=0
fail=0

result() { # name, status, log
    if [ "$2" -eq 0 ]; then
        pass=$((pass + 1)); echo "PASS $1"
    else
        fail=$((fail + 1)); echo "FAIL $1:"; sed 's/^/    | /' "$3"
    fi
}

target=$(find boot loader firmware lib arch/x86_64 -name '*.c' | sort)
unit="$(ls tests/unit/*.c) tests/kernels/test_probe_host.c tools/chainloader-check.c tools/check_map.c"
probe=""
for f in tests/kernels/*.c; do
    [ "$f" = tests/kernels/test_probe_host.c ] || probe="$probe $f"
done

# cppcheck: warning, style, performance and portability findings; --std and
# --platform as the code is built (gnu11 on x86_64 Linux / freestanding).
cppcheck_group() { # name, include flags, files
    name=$1; incs=$2; shift 2
    # shellcheck disable=SC2086 # lists of flags and files
    cppcheck --quiet --error-exitcode=1 --inline-suppr \
        --enable=warning,style,performance,portability --std=c11 --platform=unix64 \
        --suppressions-list=tests/static/cppcheck-suppressions.txt \
        -D__x86_64__ -DCHAINLOADER_VERSION='"0"' $incs \
        --template='{file}:{line}: {severity}: {id}: {message}' "$@" >"$out/$name.log" 2>&1
    result "$name" $? "$out/$name.log"
}
# shellcheck disable=SC2086
cppcheck_group cppcheck-loader "-Iinclude -I. -Iarch/x86_64" $target
# shellcheck disable=SC2086
cppcheck_group cppcheck-unit "-Iinclude -I. -Itests/unit -Itests/kernels" $unit
# shellcheck disable=SC2086
cppcheck_group cppcheck-probe "-Iinclude -I. -Itests/kernels" $probe

# clang-tidy: one process per file, STATIC_JOBS at once; -Wno-unused-command-
# line-argument because the link flags (-nostdlib) come along.
tidy_group() { # name, extra --checks (may be empty), flags, files
    name=$1; checks=$2; flags=$3; shift 3
    : >"$out/$name.log"
    # shellcheck disable=SC2016 # expanded by the inner sh, from its arguments
    printf '%s\n' "$@" | xargs -P "${STATIC_JOBS:-2}" -I{} sh -c \
        'clang-tidy --quiet ${4:+--checks=$4} "$1" -- $2 -Wno-unused-command-line-argument \
            >"$3/$(echo "$1" | tr / _).tidy" 2>&1 || exit 1' \
        sh {} "$flags" "$out" "$checks"
    rc=$?
    for f in "$@"; do
        grep -E 'warning:|error:' -A3 "$out/$(echo "$f" | tr / _).tidy" >>"$out/$name.log" || true
    done
    result "$name" $rc "$out/$name.log"
}
# shellcheck disable=SC2086
tidy_group clang-tidy-loader "" "${TIDY_TARGET_FLAGS:?}" $target
# shellcheck disable=SC2086
tidy_group clang-tidy-unit "${TIDY_UNIT_CHECKS:-}" "${TIDY_UNIT_FLAGS:?}" $unit
# shellcheck disable=SC2086
tidy_group clang-tidy-probe "${TIDY_PROBE_CHECKS:-}" "${TIDY_PROBE_FLAGS:?}" $probe

# Every shell script of the project, with shellcheck (the grub.d generator and
# the maintainer scripts included), warnings and errors.
shell_scripts=$(for f in .ci/run scripts/*.sh tests/*/*.sh tests/qemu/initramfs/init tests/system/grub-probe \
                    tests/system/grub-mkrelpath tools/grub.d/* debian/*.postinst debian/*.postrm; do
                    [ -f "$f" ] && echo "$f"; done)
# shellcheck disable=SC2086 # a list of files
shellcheck -S warning $shell_scripts >"$out/shellcheck.log" 2>&1
result shellcheck $? "$out/shellcheck.log"

echo "static-check: $pass passed, $fail failed"
[ $fail -eq 0 ]
