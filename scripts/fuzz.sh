#!/usr/bin/env bash
# Fuzzes one target with libFuzzer (ASan + UBSan, clang-22) for SECONDS.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#   TARGET: safetensors npy tensor-literal spec-json model-import
#           custom-call-import   (fuzz/*Fuzzer.cpp)
#
# Builds build-fuzz/ (CMakePresets.json "fuzz") the first time, starts from
# the seed corpus fuzz/corpus/TARGET (fuzz/make-seeds.py) plus what earlier
# runs found (fuzz/work/TARGET, not committed), and ends with one line: the
# executions and whether anything was found. A crash, leak, timeout or
# out-of-memory input lands in fuzz/findings/TARGET/; fix it, then move it
# to fuzz/regressions/TARGET/, which test/Fuzz/replay.test replays in every
# build.
set -euo pipefail
cd "$(dirname "$0")/.."
targets="safetensors npy tensor-literal spec-json model-import custom-call-import"
if [ $# -lt 2 ] || ! [[ " $targets " == *" $1 "* ]] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]" >&2
  echo "TARGET is one of: $targets" >&2
  exit 2
fi
target=$1 seconds=$2
shift 2

bash scripts/setup-deps.sh --fuzz
[ -f build-fuzz/build.ninja ] || cmake --preset fuzz
cmake --build build-fuzz --target "lipt-$target-fuzzer"

mkdir -p "fuzz/work/$target" "fuzz/findings/$target"
log="fuzz/work/$target.log"
# -timeout: an input that runs 10 s is a hang (the readers must refuse
# early); -rss_limit_mb: one input may not need 2 GiB. Seeds are read, new
# inputs go to fuzz/work.
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
  "build-fuzz/bin/lipt-$target-fuzzer" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="fuzz/findings/$target/" \
  "$@" "fuzz/work/$target" "fuzz/corpus/$target" >"$log" 2>&1 || status=$?
grep -E '^#[0-9]+ +(pulse|DONE)|ERROR|SUMMARY|artifact' "$log" || true
execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
if [ "$status" -eq 0 ]; then
  echo "fuzz $target: ${execs:-?} executions in ${took:-$seconds} s, no finding"
else
  echo "fuzz $target: FINDING after ${execs:-?} executions (exit $status):" \
    "$(ls -t "fuzz/findings/$target" | head -1)" >&2
fi
exit "$status"
