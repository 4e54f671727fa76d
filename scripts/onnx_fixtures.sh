#!/usr/bin/env bash
# Rebuilds tests/fixtures/onnx with scripts/onnx_fixtures.py in its own virtual environment
# (scripts/.onnx-venv: onnx, onnxruntime, numpy from PyPI). Not part of `make test`: the fixtures
# and onnxruntime's outputs are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=scripts/.onnx-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q "onnx>=1.16" "onnxruntime>=1.18" numpy
"$venv/bin/python" scripts/onnx_fixtures.py tests/fixtures/onnx
echo "wrote $(ls tests/fixtures/onnx | wc -l) files to tests/fixtures/onnx ($("$venv/bin/python" -c 'import onnxruntime; print("onnxruntime", onnxruntime.__version__)'))"
