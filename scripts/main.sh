#!/usr/bin/env bash
# The main job: build, then train examples/shakespeare-cpu.mlir on
# tiny-shakespeare (about 5 minutes on 2 cores), certify its Lipschitz bound
# and write out/shakespeare-cpu/report.json plus safetensors checkpoints.
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
