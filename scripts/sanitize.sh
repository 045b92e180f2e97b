#!/usr/bin/env bash
# The tests that feed lipt hostile or arbitrary input, on a build with
# AddressSanitizer and UndefinedBehaviorSanitizer (CMakePresets.json
# "sanitize", gcc, build-sanitize/): the unit tests, the fuzz targets
# replaying their corpora and past findings, and the lit tests of the
# dialect, passes, import, tools and reliability, and the model forward
# pass compiled and run. A sanitizer report aborts
# the program (exit 134), so a test that expects a clean error fails.
# scripts/test.sh runs this after the normal build's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
[ -f build-sanitize/build.ninja ] || cmake --preset sanitize
cmake --build build-sanitize --target lipt-opt lipt-run lipt-compile LiptUnitTests \
  LiptNumericsTests LiptFakeCudaTests lipt-safetensors-fuzzer lipt-npy-fuzzer \
  lipt-tensor-literal-fuzzer lipt-spec-json-fuzzer lipt-model-import-fuzzer \
  lipt-custom-call-import-fuzzer
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
# Not here: the runtime-only build (its own test, in the normal run) and
# what loads lipt into uninstrumented hosts (the plugin, Python: the GPU
# check's script loads artifacts into Python).
# The GoogleTest binaries are named 'LIPT-Unit :: ./LiptUnitTests/0/2'
# (lit shards them): 'Tests/' selects them, 'Unit/' never did.
exec /usr/lib/llvm-22/bin/lit -sv build-sanitize/test \
  --filter 'Tests/|(Fuzz|Dialect|Passes|Import|Tools|Reliability)/|Execution/model-forward' \
  --filter-out 'runtime-only|device-check'
