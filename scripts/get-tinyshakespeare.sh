#!/usr/bin/env bash
# Downloads the tiny-shakespeare corpus (Karpathy's char-rnn data, the one
# the paper uses) to PATH (default: ./tinyshakespeare.txt) and checks it.
set -euo pipefail
out=${1:-tinyshakespeare.txt}
url=https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt
if command -v curl >/dev/null; then
  curl -fsSL "$url" -o "$out.part"
else
  wget -q "$url" -O "$out.part"
fi
size=$(wc -c < "$out.part")
if [ "$size" -ne 1115394 ]; then
  echo "get-tinyshakespeare: expected 1115394 bytes, got $size from $url" >&2
  exit 1
fi
mv "$out.part" "$out"
echo "wrote $out ($size bytes); use it with --data $out or LIPT_DATA=$out"
