#!/usr/bin/env bash
# Installs missing system packages, then configures and builds lipt in
# build/ (CMakePresets.json holds the configuration).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
cmake --preset default
cmake --build build
