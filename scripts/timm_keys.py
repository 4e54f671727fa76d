#!/usr/bin/env python3
"""Record timm's state_dict layout for the Hub's `timm/<name>.tv_in1k` checkpoints.

The Hugging Face Hub holds torchvision's ImageNet weights re-saved by timm as
`timm/<name>.tv_in1k` (model.safetensors / pytorch_model.bin). Those files use
timm's key names and tensor shapes, which differ from torchvision's for some
models (VGG's classifier becomes 1x1 convs under `pre_logits` / `head`, for
instance). The Rust tests cannot download them, so this script writes down,
for every model below, each state_dict entry's name and shape, in order; the
tests read that fixture to build files in the same layout filled with
synthetic values.

How to run (once; the output is committed, the environment is not needed by
the Rust build or its tests):

    python3 -m venv /tmp/timmenv          # outside the repository
    /tmp/timmenv/bin/pip install torch timm
    /tmp/timmenv/bin/python scripts/timm_keys.py

No network access is needed at run time: models are built with
`pretrained=False`, so only their architecture is instantiated.

Output: tests/fixtures/timm_tv_in1k_keys.json (relative to the repository
root, found from this file's location), shaped as

    {"timm_version": "...", "torch_version": "...",
     "models": {"resnet18": [["conv1.weight", [64, 3, 7, 7]], ...], ...}}

Every state_dict entry is kept, BatchNorm running_mean / running_var /
num_batches_tracked included; a 0-dim tensor's shape is [].
"""

import json
from pathlib import Path

import timm
import torch

# The models whose torchvision ImageNet weights the Hub holds as
# `timm/<name>.tv_in1k`.
MODELS = [
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
    "resnext50_32x4d", "wide_resnet50_2",
    "densenet121",
    "vgg11", "vgg13", "vgg16", "vgg19",
    "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn",
]

# scripts/timm_keys.py -> repository root is the parent of scripts/.
REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_PATH = REPO_ROOT / "tests" / "fixtures" / "timm_tv_in1k_keys.json"


def create(name):
    """Build the model under its `.tv_in1k` pretrained tag (timm 1.0.31
    accepts it for all of MODELS); fall back to the bare architecture name
    for a timm that does not know the tag. The layout is the same either way:
    the tag only selects which weights `pretrained=True` would load."""
    try:
        model = timm.create_model(f"{name}.tv_in1k", pretrained=False)
    except RuntimeError as err:  # "Invalid pretrained tag (tv_in1k) for ..."
        print(f"{name}.tv_in1k refused ({err}); using {name}")
        return timm.create_model(name, pretrained=False)
    # Accepted: the model's pretrained config names the Hub repo it would use.
    assert model.pretrained_cfg.get("hf_hub_id") == f"timm/{name}.tv_in1k", name
    return model


def layout(model):
    """[[key, [dims...]], ...] in state_dict order."""
    return [[k, list(v.shape)] for k, v in model.state_dict().items()]


def main():
    models = {}
    for name in MODELS:
        models[name] = layout(create(name))
        print(f"{name}: {len(models[name])} entries")

    # Compact JSON, but one model per line so diffs stay readable.
    compact = dict(separators=(",", ":"))
    lines = [
        "{" + f'"timm_version":{json.dumps(timm.__version__)},'
        f'"torch_version":{json.dumps(torch.__version__)},'
        '"models":{'
    ]
    lines.append(",\n".join(
        f"{json.dumps(n)}:{json.dumps(models[n], **compact)}" for n in MODELS))
    lines.append("}}\n")
    OUT_PATH.parent.mkdir(parents=True, exist_ok=True)
    OUT_PATH.write_text("\n".join(lines))

    # Round-trip check: the file is valid JSON holding exactly what we built.
    assert json.loads(OUT_PATH.read_text())["models"] == models
    print(f"wrote {OUT_PATH} ({OUT_PATH.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
