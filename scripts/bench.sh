#!/usr/bin/env bash
# `make bench`: installs what is missing, builds the release page, then times our engine against
# onnxruntime-web in one headless Chromium session (bench/bench.mjs). Prints a table and writes
# target/bench/results.json. Then training speed, in the page and natively (bench/train.mjs). Then our GEMM against rten-gemm on the zoo's conv shapes
# (tests/gemm_bench.rs, in the same headless Chromium), written to target/bench/gemm.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
trunk build --release
node bench/bench.mjs
# Training LeNet-5 in the page's worker and natively (target/bench/train.json).
node bench/train.mjs
mkdir -p target/bench
cargo test --target wasm32-unknown-unknown --release --test gemm_bench -- --include-ignored --nocapture 2>&1 \
  | sed -n '/^GEMM, one thread/,/^ours faster/p' | tee target/bench/gemm.txt
