#!/bin/sh
# run_fuzz.sh SECONDS HARNESS...
#
# For each harness ($BUILD/fuzz/fuzz_<name>, built by `make fuzz-build`):
#  1. replays every saved crash (tests/fuzz/regressions/<name>/*), every
#     large replay-only input (tests/fuzz/replay/<name>/*) and every seed
#     (tests/fuzz/corpus/<name>/) once: any failure fails the harness;
#  2. fuzzes for SECONDS from the seeds plus what earlier runs found
#     ($BUILD/fuzz/corpus/<name>/, where new inputs go; the committed corpus
#     is only read), crashes to $BUILD/fuzz/artifacts/<name>-*.
# Prints "PASS fuzz_<name>: N execs in S s (E/s), C corpus inputs" or
# "FAIL fuzz_<name>: ..." per harness, then "fuzz: N passed, N failed";
# exits 1 if any failed. Logs: $BUILD/fuzz/<name>.log. Extra libFuzzer flags
# come from $FUZZ_ARGS.
set -u

[ $# -ge 2 ] || { echo "usage: $0 SECONDS HARNESS..." >&2; exit 2; }
seconds=$1
shift
BUILD=${BUILD:-build}
here=$(dirname "$0")
pass=0
fail=0

# Inputs each harness is given at most (bytes): enough for its seeds and
# some room, small enough to keep the runs fast. (e820: 64 entries; the
# overflow input, 1024 entries, is in replay/: fuzzing inputs that large
# runs at about 100 per second.)
max_len() {
    case $1 in
        mb2) echo 4096 ;;
        bzimage|elf) echo 8192 ;;
        e820) echo 1280 ;;
        planner) echo 1024 ;;
        boot_plan) echo 16384 ;;
        *) echo 4096 ;;
    esac
}

for h in "$@"; do
    bin=$BUILD/fuzz/fuzz_$h
    log=$BUILD/fuzz/$h.log
    work=$BUILD/fuzz/corpus/$h
    mkdir -p "$work" "$BUILD/fuzz/artifacts"
    if [ ! -x "$bin" ]; then
        echo "FAIL fuzz_$h: $bin missing (make fuzz-build)"
        fail=$((fail + 1))
        continue
    fi

    # 1. Saved crashes and seeds, each run once.
    replay=""
    for d in "$here/regressions/$h" "$here/replay/$h"; do
        [ -d "$d" ] && replay="$replay $(find "$d" -type f ! -name '*.md' | sort)"
    done
    # (libFuzzer takes either files, each run once, or corpus directories.)
    : >"$log"
    # shellcheck disable=SC2086 # one argument per file
    if { [ -n "$replay" ] && ! "$bin" $replay >>"$log" 2>&1; } ||
       ! "$bin" -runs=0 "$here/corpus/$h" >>"$log" 2>&1; then
        echo "FAIL fuzz_$h: a saved crash or seed fails again (see $log):"
        grep -E 'invariant failed|ERROR: |runtime error|Running: ' "$log" | tail -5 | sed 's/^/    | /'
        fail=$((fail + 1))
        continue
    fi
    # shellcheck disable=SC2086
    nreplay=$(printf '%s\n' $replay | grep -c . || true)

    # 2. Fuzz.
    t0=$(date +%s)
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    "$bin" -max_total_time="$seconds" -max_len="$(max_len "$h")" -print_final_stats=1 \
        -artifact_prefix="$BUILD/fuzz/artifacts/$h-" ${FUZZ_ARGS:-} \
        "$work" "$here/corpus/$h" >>"$log" 2>&1
    rc=$?
    took=$(($(date +%s) - t0))
    execs=$(grep -h '^stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
    corpus=$(find "$work" -type f | wc -l)
    if [ $rc -eq 0 ]; then
        rate=$((execs / (took > 0 ? took : 1)))
        echo "PASS fuzz_$h: $execs execs in $took s ($rate/s), $nreplay saved inputs replayed, $corpus corpus inputs"
        pass=$((pass + 1))
    else
        echo "FAIL fuzz_$h: exit $rc after $execs execs (see $log):"
        grep -E 'invariant failed|ERROR: |runtime error|Test unit written|SUMMARY' "$log" | tail -6 | sed 's/^/    | /'
        fail=$((fail + 1))
    fi
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
