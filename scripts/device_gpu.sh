#!/usr/bin/env bash
# Issue 22's check on a lent GPU machine, in one call (what scripts/device_pack.sh packed here
# travels in .device and .gl): the WebGPU engine's conformance suite on the GPU's Vulkan driver,
# then `make bench-gpu` with PyTorch eager on CUDA in the same run for the ratio ours / PyTorch,
# under the kernels by shape and the baseline kernels; then each change against the kernels by
# shape, in two groups, each with its own time limit so that a slow machine loses at most one: first
# what decides how many dispatches and submissions a run makes (a run submitted in one command
# buffer, no convolution split over K, no Winograd, no lean run, no merged sibling 1 × 1
# convolutions, no max pool taken into the 1 × 1 convolution after it); then the kernels' own
# choices (no 128 × 128 tiles, no prefetch of the next slice of K, no vec4 loads of a 1 × 1 layer's
# input, F(2×2)-only Winograd, f16 fully connected weights, concatenations copied). Everything it
# prints and writes lands in $OUT (conformance.log, bench.log, gpu.json, gpu.md, torch_gpu.jsonl,
# then ablations.log and ablations/, ablations2.log and ablations2/). At most 150 + 180 + 100 + 100
# s: run it with timeout_s=540. RUNS (default 30) repeats each forward of the first part,
# ABLATION_RUNS (15) of the others; MODELS (space-separated) narrows them all; SKIP_CONFORMANCE=1
# runs the benchmark alone.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-target/device-out}
mkdir -p "$OUT"
[ -x .device/atlas ] || { echo "no .device/atlas: run scripts/device_pack.sh here first and carry .device" >&2; exit 1; }

# The Vulkan loader, and the NVIDIA driver's manifest where the loader does not find it alone.
if ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
  [ -f "$icd" ] && { export VK_DRIVER_FILES=$icd; break; }
done
command -v nvidia-smi >/dev/null && nvidia-smi -L

# The paths the binaries were built to read: the test binary's manifest directory (its
# fixtures), a link to this checkout where it does not exist; and ../shared beside this checkout,
# which is also where the link's "../shared" leads (".." of a link is its target's parent).
built=$(cat .device/manifest_dir)
if [ ! -e "$built" ]; then mkdir -p "$(dirname "$built")"; ln -s "$PWD" "$built"; fi
[ -d ../shared/reference ] || { mkdir -p ../shared; cp -r .device/shared/* ../shared/; }

status=0
if [ "${SKIP_CONFORMANCE:-0}" != 1 ]; then
  echo "== conformance (WebGPU engine, every policy)"
  timeout 150 .device/engine_conformance webgpu --test-threads=4 2>&1 | tee "$OUT/conformance.log"
  status=${PIPESTATUS[0]}
  echo "conformance exit status: $status"
fi

# First the issue's table (kernels by shape and the baseline, with PyTorch), kept in $OUT at once;
# then each change against auto, fewer runs, in two groups, so that a slow machine loses only
# the last part it reaches.
echo "== bench-gpu: auto and baseline, with PyTorch"
read -r -a models <<< "${MODELS:-}"
ATLAS_BIN=.device/atlas RUNS=${RUNS:-30} ARGS="${ARGS:---kernels auto --kernels baseline} ${MODELS:-}" \
  timeout 180 bash scripts/bench_gpu.sh 2>&1 | tee "$OUT/bench.log"
cp target/bench/gpu.json target/bench/gpu.md "$OUT"/ 2>/dev/null
cp target/bench/torch_gpu.jsonl "$OUT"/ 2>/dev/null
torch=()
[ -f target/bench/torch_gpu.jsonl ] && torch=(--torch target/bench/torch_gpu.jsonl)
ablate() { # ablate NAME LIMIT POLICY...: POLICY against auto, into $OUT/NAME
  local name=$1 limit=$2; shift 2
  local kernels=(--kernels auto)
  for p in "$@"; do kernels+=(--kernels "$p"); done
  echo "== bench-gpu: $* against auto ($name)"
  timeout "$limit" .device/atlas bench-gpu "${models[@]}" --runs "${ABLATION_RUNS:-15}" "${torch[@]}" \
    --out "$OUT/$name" "${kernels[@]}" 2>&1 | tee "$OUT/$name.log"
}
ablate ablations 100 chunks=off split=1 winograd=off lean=off merge=off poolin=off
ablate ablations2 100 tile128=off prefetch=off input4=off wtile=2 fc=half cat=copy
exit "$status"
