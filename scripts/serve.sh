#!/usr/bin/env bash
# Sets up what is missing, then serves the page on http://127.0.0.1:8080 with trunk.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
exec trunk serve --release "$@"
