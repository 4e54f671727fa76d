#!/usr/bin/env python3
"""Writes a .safetensors file's f32 tensors as a PyTorch *legacy* (pre-1.6, non-zip) checkpoint.

torchvision still publishes several checkpoints in this stream format; the test fixture
tests/fixtures/lenet5_modern_legacy.pth is made by this script (python3 standard library only,
no torch) from our own LeNet-5 weights, so that the Rust reader is tested on the real layout:

    pickle(magic 0x1950a86a20f9469cfc6c) pickle(1001) pickle(sys_info)
    pickle(OrderedDict name -> torch._utils._rebuild_tensor_v2(persistent storage, offset, size,
           stride, False, OrderedDict()))
    pickle(sorted storage keys)  then per key: int64 element count, raw little-endian bytes

Like torch.save does for views, pairs of tensors share one storage here (the second at an
offset), so the reader's offset handling is exercised too.

With --zip it writes torch's current format instead (torch >= 1.6): a stored zip archive with
archive/data.pkl (persistent ids ('storage', FloatStorage, key, 'cpu', numel)), one entry per
storage under archive/data/, archive/version and archive/byteorder, as torch.save writes it:
tests/fixtures/lenet5_modern_zip.pth, the small zip checkpoint the mutation suite damages.

Usage: scripts/legacy_pth.py [--zip] IN.safetensors OUT.pth
"""
import collections
import json
import pickle
import struct
import sys
import types
import zipfile

# Stand-ins for the torch globals the pickle names (pickle checks module.qualname lookups).
torch = types.ModuleType("torch")
utils = types.ModuleType("torch._utils")


class FloatStorage:  # noqa: D101 - only its name is pickled
    pass


def _rebuild_tensor_v2(*args):  # noqa: D103 - only its name is pickled
    raise NotImplementedError


FloatStorage.__module__ = "torch"
FloatStorage.__qualname__ = "FloatStorage"
_rebuild_tensor_v2.__module__ = "torch._utils"
torch.FloatStorage = FloatStorage
utils._rebuild_tensor_v2 = _rebuild_tensor_v2
torch._utils = utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = utils


class StorageRef:
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class TensorRef:
    def __init__(self, storage, offset, shape):
        self.storage, self.offset, self.shape = storage, offset, shape

    def __reduce__(self):
        stride, acc = [], 1
        for d in reversed(self.shape):
            stride.insert(0, acc)
            acc *= d
        return (_rebuild_tensor_v2, (self.storage, self.offset, tuple(self.shape), tuple(stride),
                                     False, collections.OrderedDict()))


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, StorageRef):
            return ("storage", FloatStorage, obj.key, "cpu", obj.numel, None)
        return None


class ZipPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, StorageRef):
            return ("storage", FloatStorage, obj.key, "cpu", obj.numel)
        return None


def read_safetensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    out = collections.OrderedDict()
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        assert meta["dtype"] == "F32", f"{name}: only F32 is written"
        a, b = meta["data_offsets"]
        out[name] = (meta["shape"], body[a:b])
    return out


def main(src, dst, as_zip=False):
    tensors = read_safetensors(src)
    names = list(tensors)
    state = collections.OrderedDict()
    storages = {}
    # Tensors two by two share one storage: the second sits after the first.
    for i in range(0, len(names), 2):
        group = names[i:i + 2]
        key = str(1000 + i)
        data = b"".join(tensors[n][1] for n in group)
        storage = StorageRef(key, len(data) // 4)
        storages[key] = data
        offset = 0
        for n in group:
            shape = tensors[n][0]
            state[n] = TensorRef(storage, offset, shape)
            offset += len(tensors[n][1]) // 4
    if as_zip:
        import io
        buf = io.BytesIO()
        ZipPickler(buf, protocol=2).dump(state)
        with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_STORED) as z:
            def put(name, data):
                # A fixed date, so that the fixture is the same bytes every time.
                z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)
            put("archive/data.pkl", buf.getvalue())
            put("archive/byteorder", b"little")
            for k in sorted(storages):
                put(f"archive/data/{k}", storages[k])
            put("archive/version", b"3\n")
        return
    with open(dst, "wb") as f:
        pickle.dump(0x1950a86a20f9469cfc6c, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        pickle.dump({"protocol_version": 1001, "little_endian": True,
                     "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=2)
        Pickler(f, protocol=2).dump(state)
        keys = sorted(storages)
        pickle.dump(keys, f, protocol=2)
        for k in keys:
            f.write(struct.pack("<q", len(storages[k]) // 4))
            f.write(storages[k])


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--zip"]
    main(args[0], args[1], as_zip="--zip" in sys.argv[1:])
