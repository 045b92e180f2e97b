#!/usr/bin/env bash
# Every test: builds, then runs the lit suite (IR tests, execution tests,
# and the GoogleTest binaries through test/Unit); then the same code built
# with ASan + UBSan (build-sanitize/) runs the unit tests, the fuzz replays
# and the tests of hostile input. Ends with one summary line per build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
summary() { # lit's "  Passed: 31 (100.00%)", "  Failed: 2 (...)", ...
  awk -v what="$1" -F: '/^ *Passed *:/ { p += $2 }
    /^ *(Failed|Unresolved|Timed Out) *:/ { f += $2 }
    END { printf "%s: %d passed, %d failed\n", what, p, f }' "$log"
}
status=0
/usr/lib/llvm-22/bin/lit -sv build/test 2>&1 | tee "$log" || status=$?
summary lit
sanitize=0
bash scripts/sanitize.sh 2>&1 | tee "$log" || sanitize=$?
summary "lit under ASan+UBSan"
[ "$status" -ne 0 ] && exit "$status"
exit "$sanitize"
