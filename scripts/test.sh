#!/usr/bin/env bash
# Sets up what is missing, then runs every test: lint, native, wasm-in-browser and end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

# Each step says when it starts and how long the run has taken so far (CI's log tells where time goes).
step() { printf '\n\033[1;34m== %s\033[0m (at %d min %02d s)\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)); }

step "format and lints"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --bins --tests --quiet -- -D warnings

step "native tests"
cargo test --release --quiet

step "wasm tests in headless Chromium"
# The WebGPU engine's tests run on SwiftShader (a GPU emulated on the CPU): give each a few minutes.
WASM_BINDGEN_TEST_TIMEOUT=300 cargo test --target wasm32-unknown-unknown --release

step "end-to-end: release page in headless Chromium"
trunk build --release
node --test --test-concurrency=1 tests/e2e/
step "done"
