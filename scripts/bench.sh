#!/usr/bin/env bash
# `make bench`: installs what is missing, builds the release page, then times our engine against
# onnxruntime-web in one headless Chromium session (bench/bench.mjs). Prints a table and writes
# target/bench/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
trunk build --release
node bench/bench.mjs
