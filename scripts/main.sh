#!/usr/bin/env bash
# The main job: build, then train examples/shakespeare-cpu.mlir on
# tiny-shakespeare (about a minute on 2 cores), certify its Lipschitz bound
# and write out/shakespeare-cpu/report.json plus safetensors checkpoints;
# then evaluate the checkpoint with the compiled forward pass (eval.json),
# certify it from the model's IR (static-certificate.json) and report its
# certified robustness (robustness.json).
# The corpus comes from $LIPT_DATA or ../shared/data/tinyshakespeare.txt;
# without either it is downloaded to data/ (scripts/get-tinyshakespeare.sh).
# Arguments go to lipt-run (e.g. --steps 100).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
data=${LIPT_DATA:-../shared/data/tinyshakespeare.txt}
if [ ! -s "$data" ]; then
  data=data/tinyshakespeare.txt
  if [ ! -s "$data" ]; then
    echo "== no corpus at \$LIPT_DATA or ../shared/data; downloading it to $data"
    mkdir -p data
    bash scripts/get-tinyshakespeare.sh "$data"
  fi
fi
out=out/shakespeare-cpu
# A fresh run each time: the previous one is kept as out/shakespeare-cpu.prev.
if [ -e "$out" ]; then
  rm -rf "$out.prev"
  mv "$out" "$out.prev"
fi
echo "== training examples/shakespeare-cpu.mlir on $data"
build/bin/lipt-run examples/shakespeare-cpu.mlir --data "$data" --out "$out" "$@"
echo "== certificate, recomputed from the checkpoint alone"
build/bin/lipt-run --certify "$out/model.safetensors" --certify-out "$out/certificate.json" >/dev/null
echo "certificate: $out/certificate.json; report: $out/report.json"
echo "== loss curves"
/usr/bin/python3 scripts/plot-report.py "$out/report.json"
echo "== the compiled forward pass (model ops lowered) on the validation windows"
build/bin/lipt-run --eval "$out/model.safetensors" --data "$data" >"$out/eval.json"
grep -E '"val_(loss|acc)"' "$out/eval.json"
echo "== the bound from the model's IR (--lipt-certify with the checkpoint)"
build/bin/lipt-opt examples/shakespeare-cpu.mlir \
  --lipt-certify="checkpoint=$out/model.safetensors json=$out/static-certificate.json" \
  -o /dev/null
grep -E '"bound_(a_sound|b_caps)"' "$out/static-certificate.json"
echo "== certified robustness radii and an attack inside them"
build/bin/lipt-run --robustness "$out/model.safetensors" --data "$data" >"$out/robustness.json"
echo "robustness: $out/robustness.json"
