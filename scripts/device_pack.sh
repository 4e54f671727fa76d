#!/usr/bin/env bash
# Packs, on this machine, what issue 22's check on a lent GPU machine needs (scripts/device_gpu.sh
# runs it there): that machine reaches nothing and has no Rust tool-chain, so it gets the natively
# built `atlas` and engine-conformance test binaries, the ../shared files they read, and Debian's
# Vulkan loader, in two folders git ignores (.device, .gl) that the device tool's `carry` takes.
# Then, with the device tool: run(command="bash scripts/device_gpu.sh", carry=[".gl", ".device"],
# timeout_s=540). About 35 MB travel.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
for d in /.device/ /.gl/; do
  grep -qxF "$d" .git/info/exclude 2>/dev/null || echo "$d" >> .git/info/exclude
done

# 1. The binaries, built in release as CI builds them.
cargo build --release --bin atlas
test_bin=$(cargo test --release --test engine_conformance --no-run --message-format=json 2>/dev/null \
  | sed -n 's/.*"executable":"\([^"]*engine_conformance[^"]*\)".*/\1/p' | tail -1)
[ -x "$test_bin" ] || { echo "no engine_conformance test binary was built" >&2; exit 1; }
rm -rf .device && mkdir -p .device/shared/bench
cp target/release/atlas .device/atlas
cp "$test_bin" .device/engine_conformance
# The test binary reads its fixtures and ../shared through the path it was built in.
echo "$PWD" > .device/manifest_dir

# 2. What the tests and the benchmark read from ../shared.
[ -d ../shared/reference ] || { echo "missing ../shared/reference" >&2; exit 1; }
cp -r ../shared/reference .device/shared/reference
cp ../shared/bench/torch_gpu.py .device/shared/bench/torch_gpu.py

# 3. Debian's Vulkan loader (the device image has the NVIDIA driver, not always the loader).
if ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then
  mkdir -p .gl /tmp/amd64/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${o[@]}" update -qq
  (cd .gl && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
du -sh .device .gl
echo "ready: device run with carry [\".gl\", \".device\"] and command: bash scripts/device_gpu.sh"
