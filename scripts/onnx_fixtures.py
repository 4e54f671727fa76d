"""Writes the ONNX fixtures of tests/fixtures/onnx: small files built with the `onnx` package, each
op with its edge cases, three whole small networks (CIFAR-sized, MNIST-sized, parallel branches
and a concatenation) and the bad files the page must refuse with a message; and for each good
file the output onnxruntime computes for a fixed input (NAME.json: input, output, shapes).

Run by scripts/onnx_fixtures.sh, which makes the script's own virtual environment (onnx,
onnxruntime, numpy from PyPI). The outputs are committed: the tests need neither Python nor
onnxruntime.
"""

import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/onnx"
RNG = np.random.default_rng(20261206)


class Net:
    """A graph being written: nodes named as torch.onnx.export names them (/scope/Op)."""

    def __init__(self, name, shape, opset=17):
        self.name, self.shape, self.opset = name, shape, opset
        self.nodes, self.inits, self.n = [], [], 0

    def w(self, shape, scale=None):
        fan = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        scale = scale or 1.0 / np.sqrt(max(fan, 1))
        return self.const(RNG.normal(0, scale, shape).astype(np.float32))

    def const(self, arr):
        self.n += 1
        name = f"w{self.n}"
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def op(self, op, inputs, scope=None, outputs=1, **attrs):
        self.n += 1
        name = f"/{scope}/{op}" if scope else f"/{op}_{self.n}"
        outs = [f"{name}_output_{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=name, **attrs))
        return outs[0] if outputs == 1 else outs

    def conv(self, x, cin, cout, k, scope, group=1, bias=True, **attrs):
        ins = [x, self.w([cout, cin // group, k, k])]
        if bias:
            ins.append(self.w([cout], 0.1))
        return self.op("Conv", ins, scope, kernel_shape=[k, k], group=group, **attrs)

    def bn(self, x, c, scope):
        return self.op(
            "BatchNormalization",
            [x, self.const(RNG.uniform(0.5, 1.5, c).astype(np.float32)),
             self.const(RNG.normal(0, 0.1, c).astype(np.float32)),
             self.const(RNG.normal(0, 0.1, c).astype(np.float32)),
             self.const(RNG.uniform(0.5, 2.0, c).astype(np.float32))],
            scope, epsilon=1e-5)

    def save(self, out, dims=None):
        dims = dims or [1] + list(self.shape)
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, dims)],
            [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)],
            self.inits)
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", self.opset)], producer_name="onnx_fixtures.py")
        model.ir_version = 8
        return model


def write(model, name, reference=True):
    path = os.path.join(OUT, f"{name}.onnx")
    onnx.save(model, path)
    if not reference:
        return
    dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    x = RNG.uniform(-1, 1, dims).astype(np.float32)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    (y,) = sess.run(None, {"input": x})
    # The output's shape written in, as exporters write it; then the file is checked.
    out = model.graph.output[0].name
    model.graph.output[0].CopyFrom(helper.make_tensor_value_info(out, TensorProto.FLOAT, list(y.shape)))
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump({
            "input_shape": dims,
            "input": [float(v) for v in x.ravel()],
            "output_shape": list(y.shape),
            "output": [float(v) for v in y.ravel()],
            "onnxruntime": ort.__version__,
        }, f)


def op_conv():
    n = Net("op_conv", [4, 13, 12])
    a = n.conv("input", 4, 6, 3, "conv_pads", pads=[1, 1, 1, 1], strides=[2, 2])
    b = n.conv("input", 4, 6, 3, "conv_groups_dilation", group=2, dilations=[2, 2], pads=[2, 2, 2, 2])
    c = n.conv("input", 4, 4, 3, "conv_depthwise", group=4, bias=False, auto_pad="SAME_UPPER")
    d = n.conv(c, 4, 6, 5, "conv_valid", auto_pad="VALID", strides=[1, 1])
    e = n.conv(b, 6, 6, 1, "conv_1x1")
    f = n.op("MaxPool", [e], "down", kernel_shape=[2, 2], strides=[2, 2])
    g = n.op("MaxPool", [d], "down2", kernel_shape=[3, 3], strides=[1, 1])
    # a: 6×7×6 and f: 6×6×6 concatenated (a pooled to 6 rows); g flattened beside them.
    a2 = n.op("AveragePool", [a], "crop", kernel_shape=[2, 1], strides=[1, 1])
    out = n.op("Concat", [a2, f], "cat", axis=1)
    out = n.op("Flatten", [out], None, axis=1)
    gf = n.op("Flatten", [g], None, axis=1)
    return n.save(n.op("Concat", [out, gf], "all", axis=1))


def op_norm_act():
    n = Net("op_norm_act", [5, 6, 7])
    x = n.bn("input", 5, "bn")
    r = n.op("Relu", [x], "relu")
    l = n.op("LeakyRelu", [x], "leaky", alpha=0.2)
    s = n.op("Sigmoid", [l], "sigmoid")
    t = n.op("Tanh", [r], "tanh")
    c = n.conv(x, 5, 5, 3, "conv", pads=[1, 1, 1, 1])
    six = n.op("Clip", [c, n.const(np.array(0, np.float32)), n.const(np.array(0.5, np.float32))], "relu6")
    lo = n.op("Clip", [c, n.const(np.array(-0.3, np.float32))], "clip_min")
    lrn = n.op("LRN", [six], "lrn", size=3, alpha=1e-2, beta=0.75, bias=2.0)
    d = n.op("Dropout", [lrn], "dropout")
    i = n.op("Identity", [d], "identity")
    a = n.op("Add", [s, t], "add")
    cat = n.op("Concat", [a, i, lo], "cat", axis=1)
    return n.save(cat)


def op_pool():
    n = Net("op_pool", [3, 15, 14])
    a = n.op("MaxPool", ["input"], "max_ceil", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    b = n.op("MaxPool", ["input"], "max_pads", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    c = n.op("AveragePool", ["input"], "avg_excl", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    d = n.op("AveragePool", ["input"], "avg_incl", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1)
    e = n.op("AveragePool", ["input"], "avg_ceil", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    f = n.op("AveragePool", ["input"], "avg_same", kernel_shape=[3, 3], strides=[1, 1], auto_pad="SAME_UPPER")
    g = n.op("GlobalAveragePool", [f], "gap")
    h = n.op("GlobalMaxPool", [f], "gmp")
    flat = [n.op("Flatten", [v], None, axis=1) for v in (a, b, c, d, e, g, h)]
    return n.save(n.op("Concat", flat, "all", axis=1))


def op_linear():
    """Gemm with transB, alpha and beta; MatMul + Add; the shape arithmetic older exporters write
    before a Reshape (Shape → Gather → Unsqueeze → Concat); a final Softmax."""
    n = Net("op_linear", [2, 5, 5])
    s = n.op("Shape", ["input"], "shape")
    g = n.op("Gather", [s, n.const(np.array(0, np.int64))], "gather", axis=0)
    u = n.op("Unsqueeze", [g, n.const(np.array([0], np.int64))], "unsqueeze")
    spec = n.op("Concat", [u, n.const(np.array([-1], np.int64))], "spec", axis=0)
    flat = n.op("Reshape", ["input", spec], "reshape")
    a = n.op("Gemm", [flat, n.w([12, 50]), n.w([12], 0.1)], "fc1", transB=1, alpha=0.5, beta=2.0)
    r = n.op("Relu", [a], "relu")
    m = n.op("MatMul", [r, n.w([12, 7])], "fc2")
    b = n.op("Add", [m, n.w([7], 0.1)], "fc2_bias")
    c = n.op("Gemm", [b, n.w([7, 4]), n.w([1, 4], 0.1)], "fc3")
    return n.save(n.op("Softmax", [c], "softmax", axis=1))


def op_opset9():
    """Opset 9: Clip's bounds and Dropout's ratio as attributes, Flatten, Gemm."""
    n = Net("op_opset9", [3, 8, 8], opset=9)
    c = n.conv("input", 3, 4, 3, "conv", pads=[1, 1, 1, 1])
    k = n.op("Clip", [c], "relu6", min=0.0, max=6.0)
    d = n.op("Dropout", [k], "drop", ratio=0.3)
    p = n.op("MaxPool", [d], "pool", kernel_shape=[2, 2], strides=[2, 2])
    f = n.op("Flatten", [p], None, axis=1)
    return n.save(n.op("Gemm", [f, n.w([5, 64]), n.w([5], 0.1)], "fc", transB=1))


def net_cifar():
    """A CIFAR-10-sized network: 3×32×32, two conv-BN-ReLU-pool stages, two linear layers."""
    n = Net("net_cifar", [3, 32, 32])
    x = n.conv("input", 3, 8, 3, "features/features.0", pads=[1, 1, 1, 1])
    x = n.op("Relu", [n.bn(x, 8, "features/features.1")], "features/features.2")
    x = n.op("MaxPool", [x], "features/features.3", kernel_shape=[2, 2], strides=[2, 2])
    x = n.conv(x, 8, 16, 3, "features/features.4", pads=[1, 1, 1, 1])
    x = n.op("Relu", [n.bn(x, 16, "features/features.5")], "features/features.6")
    x = n.op("MaxPool", [x], "features/features.7", kernel_shape=[2, 2], strides=[2, 2])
    x = n.op("Flatten", [x], None, axis=1)
    x = n.op("Relu", [n.op("Gemm", [x, n.w([32, 1024]), n.w([32], 0.1)], "classifier/classifier.0", transB=1)], "classifier/classifier.1")
    return n.save(n.op("Gemm", [x, n.w([10, 32]), n.w([10], 0.1)], "classifier/classifier.2", transB=1))


def net_mnist():
    """An MNIST network: 1×28×28, LeNet-like with ReLU and max-pooling."""
    n = Net("net_mnist", [1, 28, 28])
    x = n.conv("input", 1, 6, 5, "conv1", pads=[2, 2, 2, 2])
    x = n.op("MaxPool", [n.op("Relu", [x], "relu1")], "pool1", kernel_shape=[2, 2], strides=[2, 2])
    x = n.conv(x, 6, 16, 5, "conv2")
    x = n.op("MaxPool", [n.op("Relu", [x], "relu2")], "pool2", kernel_shape=[2, 2], strides=[2, 2])
    x = n.op("Flatten", [x], None, axis=1)
    x = n.op("Relu", [n.op("Gemm", [x, n.w([120, 400]), n.w([120], 0.1)], "fc1", transB=1)], "relu3")
    x = n.op("Relu", [n.op("Gemm", [x, n.w([84, 120]), n.w([84], 0.1)], "fc2", transB=1)], "relu4")
    return n.save(n.op("Gemm", [x, n.w([10, 84]), n.w([10], 0.1)], "fc3", transB=1))


def net_branches():
    """Parallel branches and a concatenation (an Inception module), then a residual sum."""
    n = Net("net_branches", [8, 16, 16])
    s = "block/block.0"
    b1 = n.op("Relu", [n.conv("input", 8, 8, 1, f"{s}/branch1")], f"{s}/relu1")
    b2 = n.op("Relu", [n.conv("input", 8, 4, 1, f"{s}/branch2a")], f"{s}/relu2a")
    b2 = n.op("Relu", [n.conv(b2, 4, 8, 3, f"{s}/branch2b", pads=[1, 1, 1, 1])], f"{s}/relu2b")
    b3 = n.op("Relu", [n.conv("input", 8, 4, 5, f"{s}/branch3", pads=[2, 2, 2, 2])], f"{s}/relu3")
    b4 = n.op("MaxPool", ["input"], f"{s}/pool", kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1])
    b4 = n.conv(b4, 8, 4, 1, f"{s}/branch4")
    cat = n.op("Concat", [b1, b2, b3, b4], s, axis=1)
    proj = n.conv(cat, 24, 8, 1, "block/block.1/proj")
    add = n.op("Add", [proj, "input"], "block/block.1")
    x = n.op("Relu", [add], "block/block.1/relu")
    x = n.op("GlobalAveragePool", [x], "avgpool")
    x = n.op("Flatten", [x], None, axis=1)
    return n.save(n.op("Gemm", [x, n.w([6, 8]), n.w([6], 0.1)], "fc", transB=1))


def bad_files():
    """Files the page refuses, each with its message."""
    n = Net("bad_op", [3, 8, 8])
    c = n.conv("input", 3, 4, 3, "conv")
    write(n.save(n.op("Erf", [c], "erf")), "bad_op", reference=False)
    n = Net("bad_dynamic", [3, 8, 8])
    write(n.save(n.conv("input", 3, 4, 3, "conv"), dims=["batch", 3, "height", "width"]), "bad_dynamic", reference=False)
    n = Net("bad_two_inputs", [3, 8, 8])
    m = n.save(n.op("Add", ["input", "second"], "add"))
    m.graph.input.append(helper.make_tensor_value_info("second", TensorProto.FLOAT, [1, 3, 8, 8]))
    write(m, "bad_two_inputs", reference=False)
    n = Net("bad_opset", [3, 8, 8], opset=3)
    write(n.save(n.op("Relu", ["input"], "relu")), "bad_opset", reference=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    for make in (op_conv, op_norm_act, op_pool, op_linear, op_opset9, net_cifar, net_mnist, net_branches):
        write(make(), make.__name__)
    bad_files()


if __name__ == "__main__":
    main()
