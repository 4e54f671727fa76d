#!/usr/bin/env bash
# Installs whatever this project needs and is missing; quick and idempotent the second time.
# Facts behind each step: ../shared/SETUP.md (Debian 12, rustc 1.95, offline but for registries).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# 1. Debian packages: Chromium + ChromeDriver (browser tests), Mesa's Vulkan drivers (lavapipe, for
#    native wgpu tests).
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)  # atlas fetch-weights downloads with curl
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
ls /usr/share/vulkan/icd.d/lvp_icd.*.json >/dev/null 2>&1 || need_apt+=(mesa-vulkan-drivers)
# A Chinese font, so that the page's 简体中文 shows in the end-to-end screenshots (5 MB).
fc-list :lang=zh 2>/dev/null | grep -q . || need_apt+=(fonts-wqy-microhei)
# The handwriting and script typefaces `atlas train-lenet` trains on as more hands
# (src/digits/fonts.rs names each file; about 10 MB together).
for pkg_file in \
  fonts-dkg-handwriting:/usr/share/fonts/truetype/fifthhorseman/dkg.ttf \
  fonts-humor-sans:/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf \
  fonts-comic-neue:/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf \
  fonts-femkeklaver:/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf \
  fonts-breip:/usr/share/fonts/truetype/breip/Breip.ttf \
  fonts-kristi:/usr/share/fonts/truetype/kristi/Kristi.ttf \
  fonts-urw-base35:/usr/share/fonts/opentype/urw-base35/Z003-MediumItalic.otf \
  fonts-texgyre:/usr/share/texmf/fonts/opentype/public/tex-gyre/texgyrechorus-mediumitalic.otf \
  fonts-lobster:/usr/share/fonts/opentype/lobster/lobster.otf \
  fonts-sil-andika:/usr/share/fonts/truetype/andika/Andika-Italic.ttf; do
  [ -f "${pkg_file#*:}" ] || need_apt+=("${pkg_file%%:*}")
done
if ((${#need_apt[@]})); then
  say "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# 2. The wasm target.
rustup target list --installed | grep -qx wasm32-unknown-unknown || {
  say "adding the wasm32-unknown-unknown target"; rustup target add wasm32-unknown-unknown; }

# 3. trunk 0.21.14 (0.22 needs a newer rustc; no prebuilt binary can be downloaded here).
if [ "$(trunk --version 2>/dev/null)" != "trunk 0.21.14" ]; then
  say "building trunk 0.21.14 (about 9 minutes, once)"
  cargo install trunk --version 0.21.14 --locked
fi

# 4. wasm-bindgen-cli at exactly the version in Cargo.lock (also gives wasm-bindgen-test-runner).
WBG=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
grep -q "wasm_bindgen = \"$WBG\"" Trunk.toml || { echo "Trunk.toml's wasm_bindgen must be $WBG (Cargo.lock)"; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WBG" ] \
   || ! command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
  say "building wasm-bindgen-cli $WBG (about 3 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WBG" --force
fi

# 5. npm dev tools into ./node_modules: playwright-core (drives Debian's chromium) and binaryen
#    (wasm-opt 132; Debian's 108 cannot read rustc 1.95's output).
if ! [ -x node_modules/.bin/wasm-opt ] || ! [ -d node_modules/playwright-core ] \
   || ! cmp -s package-lock.json node_modules/.package-lock.json.src 2>/dev/null; then
  say "installing npm dev tools"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.package-lock.json.src
fi

# 6. The training lab's digits (static/data/mnist-lab.bin.gz, from ../shared/data/mnist; once).
node scripts/pack_mnist.mjs

# 7. Crates, so that trunk's offline build finds them.
cargo fetch --quiet
say "tools ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}')"
