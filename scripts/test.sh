#!/usr/bin/env bash
# Every test: builds, then runs the lit suite (IR tests, execution tests,
# and the GoogleTest binaries through test/Unit). Ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
/usr/lib/llvm-22/bin/lit -sv build/test 2>&1 | tee "$log" || status=$?
# lit's summary: "  Passed: 31 (100.00%)", "  Failed: 2 (...)", ...
awk -F: '/^ *Passed *:/ { p += $2 }
         /^ *(Failed|Unresolved|Timed Out) *:/ { f += $2 }
         END { printf "lit: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
