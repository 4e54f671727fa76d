#!/usr/bin/env bash
# `make bench-gpu`: the WebGPU engine natively on this machine's first Vulkan adapter (lavapipe
# where there is no GPU), the zoo's networks, median/min/max of forward + read-back after warm-up,
# per-layer times where the adapter has timestamps (src/engine/gpu/bench.rs) — and, where PyTorch
# and CUDA are present, ../shared/bench/torch_gpu.py on the same GPU in the same run, for the
# ratio ours / PyTorch per network. Writes target/bench/gpu.json and gpu.md.
#   make bench-gpu                          every network of the issue's table, kernels by shape
#   make bench-gpu ARGS="resnet18 --kernels auto --kernels baseline --runs 10"
#   ATLAS_BIN=path/to/atlas                 a prebuilt binary (a machine without cargo or network:
#                                           nothing is installed then)
# RUNS (default 30) is passed to both.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-30}
read -r -a args <<< "${ARGS:-}"
bin=${ATLAS_BIN:-}
if [ -z "$bin" ]; then
  # The tool-chain and lavapipe where missing (a GPU's own Vulkan driver is used where present).
  bash scripts/setup.sh
  source scripts/env.sh
  cargo build --release --bin atlas
  bin=target/release/atlas
fi
mkdir -p target/bench
torch=()
if python3 -c 'import sys, torch, torchvision; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  models=()
  # The models among the arguments: not an option, nor the value an option takes.
  skip=0
  for a in "${args[@]}"; do
    if ((skip)); then skip=0; continue; fi
    case $a in
      --kernels|--runs|--warmup|--torch|--out) skip=1 ;;
      --*) ;;
      *) models+=("$a") ;;
    esac
  done
  [ ${#models[@]} -gt 0 ] || models=(squeezenet1_1 googlenet densenet121 resnet50 resnet18 vgg16 resnet152 alexnet)
  echo "PyTorch on CUDA: ../shared/bench/torch_gpu.py ${models[*]}" >&2
  RUNS=$runs python3 ../shared/bench/torch_gpu.py "${models[@]}" > target/bench/torch_gpu.jsonl
  torch=(--torch target/bench/torch_gpu.jsonl)
else
  echo "no PyTorch with CUDA here: ours alone (the ratio needs ../shared/bench/torch_gpu.py on the same GPU)" >&2
fi
"$bin" bench-gpu --runs "$runs" "${torch[@]}" "${args[@]}"
