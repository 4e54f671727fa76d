//! An ONNX graph mapped onto a description: each operator becomes the description's op with its
//! hyper-parameters (checked: a window that does not fit, a padding that is not symmetric, a
//! weight of the wrong shape is an error naming the node), its initializers the layer's weights
//! under the description's keys, constant shape arithmetic folded ([`super::fold`]). Shapes are
//! followed node by node (batch left out, as the description has them).

use std::collections::HashMap;
use std::rc::Rc;

use super::fold::{self, reshape_dims};
use super::names::{block_of, module_path};
use super::proto::{data_type, GraphProto, NodeProto};
use super::tensor::{Attrs, Const};
use super::{ImportError, Imported, SUPPORTED};
use crate::engine::Weights;
use crate::i18n::Msg;
use crate::zoo::analysis::{feeds_output, window_out};
use crate::zoo::graph::{Activation, Conv, Hw, Network, Node, NodeId, Op, Pool, PoolKind};

/// The most one forward pass may keep (every layer's output, fp32).
const MAX_FORWARD_BYTES: u64 = 2 << 30;

/// What a value of the graph is: a layer's output, or a constant.
#[derive(Clone)]
enum Value {
    Node(NodeId),
    Const(Rc<Const>),
}

/// The graph as it is read.
struct Importer {
    nodes: Vec<Node>,
    /// Each node's output shape, batch left out: `[C, H, W]` or `[F]`.
    shapes: Vec<Vec<usize>>,
    weights: Weights,
    values: HashMap<String, Value>,
    /// Values that are a softmax of a layer's output (allowed only as the graph's output).
    softmaxed: HashMap<String, NodeId>,
    opset: i64,
}

/// A square-or-not pair from an attribute list, or `default` for each axis.
fn pair(v: Option<Vec<i64>>, default: usize, what: &str, at: &Ctx) -> Result<Hw, ImportError> {
    match v.as_deref() {
        None => Ok([default, default]),
        Some([a, b]) if *a >= 0 && *b >= 0 => Ok([*a as usize, *b as usize]),
        Some(other) => Err(at.err(format!(
            "{what} {other:?}: two non-negative values expected"
        ))),
    }
}

/// The node being mapped, for messages.
struct Ctx<'a> {
    name: &'a str,
    op: &'a str,
}

impl Ctx<'_> {
    fn err(&self, detail: String) -> ImportError {
        ImportError::node(self.name, self.op, detail)
    }
}

/// Padding of a window layer: explicit `pads` (begin and end must match: the description's
/// padding is symmetric) or `auto_pad` (SAME_UPPER, SAME_LOWER, VALID).
fn padding(
    attrs: &Attrs,
    size: [usize; 2],
    kernel: Hw,
    stride: Hw,
    dilation: Hw,
    at: &Ctx,
) -> Result<Hw, ImportError> {
    let auto = attrs.string("auto_pad").unwrap_or_default();
    let (begin, end) = match auto.as_str() {
        "" | "NOTSET" => match attrs.ints("pads").as_deref() {
            None => ([0, 0], [0, 0]),
            Some([t, l, b, r]) if [t, l, b, r].iter().all(|&&v| v >= 0) => {
                ([*t as usize, *l as usize], [*b as usize, *r as usize])
            }
            Some(other) => {
                return Err(at.err(format!("pads {other:?}: four non-negative values expected")))
            }
        },
        "VALID" => ([0, 0], [0, 0]),
        "SAME_UPPER" | "SAME_LOWER" => {
            let mut b = [0, 0];
            let mut e = [0, 0];
            for a in 0..2 {
                let out = size[a].div_ceil(stride[a]);
                let need = (out - 1) * stride[a] + (kernel[a] - 1) * dilation[a] + 1;
                let total = need.saturating_sub(size[a]);
                let small = total / 2;
                (b[a], e[a]) = if auto == "SAME_UPPER" {
                    (small, total - small)
                } else {
                    (total - small, small)
                };
            }
            (b, e)
        }
        other => return Err(at.err(format!("auto_pad {other}"))),
    };
    if begin != end {
        return Err(at.err(format!(
            "asymmetric padding (begin {begin:?}, end {end:?}): only equal padding on both sides is run"
        )));
    }
    Ok(begin)
}

/// Checks a sliding window fits its input (padding included) and steps forward.
fn check_window(size: [usize; 2], k: Hw, s: Hw, p: Hw, d: Hw, at: &Ctx) -> Result<(), ImportError> {
    for a in 0..2 {
        if k[a] == 0 || s[a] == 0 || d[a] == 0 {
            return Err(at.err(format!(
                "kernel {k:?}, strides {s:?}, dilations {d:?}: zero"
            )));
        }
        if k[a] > 4096 || s[a] > 4096 || d[a] > 4096 || p[a] > 4096 {
            return Err(at.err(format!(
                "kernel {k:?}, strides {s:?}, pads {p:?}: too large"
            )));
        }
        if size[a] + 2 * p[a] < d[a] * (k[a] - 1) + 1 {
            return Err(at.err(format!(
                "a {k:?} window (dilation {d:?}) is larger than the padded input {size:?} + 2·{p:?}"
            )));
        }
    }
    Ok(())
}

impl Importer {
    fn value(&self, name: &str, at: &Ctx) -> Result<Value, ImportError> {
        if let Some(v) = self.values.get(name) {
            return Ok(v.clone());
        }
        if self.softmaxed.contains_key(name) {
            return Err(
                at.err("reads a Softmax's output: a Softmax is run only as the last op".into())
            );
        }
        Err(ImportError::new("onnx-error-unknown-value")
            .arg("node", at.name)
            .arg("value", name))
    }

    /// A layer's output the node reads as input `i`.
    fn map_input(&self, n: &NodeProto, i: usize, at: &Ctx) -> Result<NodeId, ImportError> {
        let name = n
            .input
            .get(i)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| at.err(format!("input {i} is missing")))?;
        match self.value(name, at)? {
            Value::Node(id) => Ok(id),
            Value::Const(_) => Err(at.err(format!(
                "input {i} ('{name}') is a constant, not a layer's output"
            ))),
        }
    }

    /// A constant the node reads as input `i` (None when omitted).
    fn const_input(
        &self,
        n: &NodeProto,
        i: usize,
        at: &Ctx,
    ) -> Result<Option<Rc<Const>>, ImportError> {
        let Some(name) = n.input.get(i).filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        match self.value(name, at)? {
            Value::Const(c) => Ok(Some(c)),
            Value::Node(_) => {
                Err(at.err(format!("input {i} ('{name}') must be a constant (weights)")))
            }
        }
    }

    fn map_shape(&self, id: NodeId, at: &Ctx) -> Result<[usize; 3], ImportError> {
        match self.shapes[id][..] {
            [c, h, w] => Ok([c, h, w]),
            ref s => Err(at.err(format!("needs a C×H×W map, got {s:?}"))),
        }
    }

    /// A unique layer name for a node of `op` named `onnx_name` in the file.
    fn layer_name(&mut self, onnx_name: &str, op: &str, module: bool) -> (String, String) {
        let path = module_path(onnx_name);
        let lower = op.to_ascii_lowercase();
        let base = match (path.is_empty(), module) {
            (false, true) => path.clone(),
            (false, false) => format!("{path}.{lower}"),
            (true, _) => lower.clone(),
        };
        let mut name = base.clone();
        let mut k = 1;
        while self.nodes.iter().any(|n| n.name == name) {
            k += 1;
            name = format!("{base}_{k}");
        }
        let block = if path.is_empty() {
            String::new()
        } else {
            block_of(&path, module)
        };
        (name, block)
    }

    fn push(&mut self, n: &NodeProto, op: Op, inputs: Vec<NodeId>, shape: Vec<usize>) -> NodeId {
        let module = op.is_module() || matches!(op, Op::Flatten);
        let (name, block) =
            self.layer_name(&n.name, &n.op_type, module && !matches!(op, Op::Flatten));
        self.nodes.push(Node {
            name,
            op,
            inputs,
            block,
        });
        self.shapes.push(shape);
        self.nodes.len() - 1
    }

    fn weight(&mut self, id: NodeId, suffix: &str, shape: Vec<usize>, values: Vec<f32>) {
        let key = format!("{}.{suffix}", self.nodes[id].name);
        self.weights.insert(key, shape, values);
    }

    /// Maps one node; returns the value its first output is.
    fn node(&mut self, n: &NodeProto) -> Result<Value, ImportError> {
        let op = n.op_type.as_str();
        let at = Ctx {
            name: if n.name.is_empty() { op } else { &n.name },
            op,
        };
        let attrs = Attrs(&n.attribute);
        if !n.domain.is_empty() && n.domain != "ai.onnx" {
            return Err(unsupported(&at, &format!("{}:{op}", n.domain)));
        }
        if op == "Constant" {
            return Ok(Value::Const(Rc::new(fold::constant(&attrs, at.name)?)));
        }
        // All inputs constant: folded at import (shape arithmetic, a transposed weight).
        let mut consts = Vec::new();
        let mut all_const = !n.input.is_empty();
        for name in &n.input {
            if name.is_empty() {
                consts.push(None);
                continue;
            }
            match self.value(name, &at)? {
                Value::Const(c) => consts.push(Some(c)),
                Value::Node(_) => all_const = false,
            }
        }
        if all_const {
            let refs: Vec<Option<&Const>> = consts.iter().map(|c| c.as_deref()).collect();
            if let Some(c) = fold::fold(op, at.name, &refs, &attrs, self.opset)? {
                return Ok(Value::Const(Rc::new(c)));
            }
        }
        let x = || self.map_input(n, 0, &at);
        let same = |me: &mut Importer, o: Op| -> Result<Value, ImportError> {
            let i = me.map_input(n, 0, &at)?;
            let s = me.shapes[i].clone();
            Ok(Value::Node(me.push(n, o, vec![i], s)))
        };
        match op {
            "Conv" => self.conv(n, &at, &attrs),
            "BatchNormalization" => {
                let i = x()?;
                let [c, _, _] = self.map_shape(i, &at)?;
                let mut vecs = Vec::new();
                for k in 1..5 {
                    let t = self
                        .const_input(n, k, &at)?
                        .ok_or_else(|| at.err(format!("input {k} is missing")))?;
                    if t.len() != c {
                        return Err(at.err(format!(
                            "input {k} holds {} values for {c} channels",
                            t.len()
                        )));
                    }
                    vecs.push(t.floats());
                }
                let eps = attrs.float("epsilon", 1e-5) as f64;
                let id = self.push(n, Op::BatchNorm2d { eps }, vec![i], self.shapes[i].clone());
                for (suffix, v) in ["weight", "bias", "running_mean", "running_var"]
                    .iter()
                    .zip(vecs)
                {
                    self.weight(id, suffix, vec![c], v);
                }
                self.weight(id, "num_batches_tracked", vec![], vec![0.0]);
                Ok(Value::Node(id))
            }
            "Relu" => same(self, Op::Act(Activation::Relu)),
            "Sigmoid" => same(self, Op::Act(Activation::Sigmoid)),
            "Tanh" => same(self, Op::Act(Activation::Tanh)),
            "LeakyRelu" => same(
                self,
                Op::Act(Activation::LeakyRelu {
                    alpha: attrs.float("alpha", 0.01),
                }),
            ),
            "Clip" => {
                let (lo, hi) = if self.opset >= 11 {
                    let get = |k| -> Result<Option<f32>, ImportError> {
                        Ok(match self.const_input(n, k, &at)? {
                            Some(c) => Some(
                                c.scalar()
                                    .ok_or_else(|| at.err("bounds must be scalars".into()))?,
                            ),
                            None => None,
                        })
                    };
                    (
                        get(1)?.unwrap_or(f32::NEG_INFINITY),
                        get(2)?.unwrap_or(f32::INFINITY),
                    )
                } else {
                    (
                        attrs.float("min", f32::NEG_INFINITY),
                        attrs.float("max", f32::INFINITY),
                    )
                };
                if lo == 0.0 && hi == f32::INFINITY {
                    same(self, Op::Act(Activation::Relu))
                } else if lo <= hi {
                    same(self, Op::Act(Activation::Clip { min: lo, max: hi }))
                } else {
                    Err(at.err(format!("bounds [{lo}, {hi}]: the lower is above the upper")))
                }
            }
            "MaxPool" | "AveragePool" => self.pool(n, &at, &attrs),
            "GlobalAveragePool" => {
                let i = x()?;
                let [c, _, _] = self.map_shape(i, &at)?;
                Ok(Value::Node(self.push(
                    n,
                    Op::AdaptiveAvgPool2d { output: [1, 1] },
                    vec![i],
                    vec![c, 1, 1],
                )))
            }
            "GlobalMaxPool" => {
                let i = x()?;
                let [c, h, w] = self.map_shape(i, &at)?;
                let pool = Pool {
                    kind: PoolKind::Max,
                    kernel: [h, w],
                    stride: [h, w],
                    padding: [0, 0],
                    ceil_mode: false,
                    count_include_pad: true,
                };
                Ok(Value::Node(self.push(
                    n,
                    Op::Pool2d(pool),
                    vec![i],
                    vec![c, 1, 1],
                )))
            }
            "Gemm" | "MatMul" => self.linear(n, &at, &attrs),
            "Add" | "Sum" => self.add(n, &at),
            "Flatten" => {
                let i = x()?;
                let axis = attrs.int("axis", 1);
                if axis != 1 {
                    return Err(at.err(format!("axis {axis}: only Flatten(axis = 1) is run")));
                }
                Ok(self.flatten(n, i))
            }
            "Reshape" => {
                let i = x()?;
                let spec = self
                    .const_input(n, 1, &at)?
                    .and_then(|c| c.ints())
                    .ok_or_else(|| at.err("the shape must be a constant".into()))?;
                let mut from = vec![1];
                from.extend(&self.shapes[i]);
                let to = reshape_dims(&from, &spec, at.name)?;
                let total: usize = self.shapes[i].iter().product();
                if to == from {
                    Ok(Value::Node(i))
                } else if to == [1, total] {
                    Ok(self.flatten(n, i))
                } else {
                    Err(at.err(format!(
                        "reshapes {from:?} to {to:?}: only the Reshape that flattens is run"
                    )))
                }
            }
            "Concat" => {
                let mut ids = Vec::new();
                for k in 0..n.input.len() {
                    ids.push(self.map_input(n, k, &at)?);
                }
                let shapes: Vec<&Vec<usize>> = ids.iter().map(|&i| &self.shapes[i]).collect();
                let rank = shapes[0].len() as i64 + 1;
                let axis = attrs.int("axis", 1);
                if axis != 1 && axis != 1 - rank {
                    return Err(at.err(format!("axis {axis}: only channels are concatenated")));
                }
                if shapes
                    .iter()
                    .any(|s| s.len() != shapes[0].len() || s[1..] != shapes[0][1..])
                {
                    return Err(at.err(format!(
                        "inputs of shapes {shapes:?} differ beyond the channels"
                    )));
                }
                let mut shape = shapes[0].clone();
                shape[0] = shapes.iter().map(|s| s[0]).sum();
                Ok(Value::Node(self.push(n, Op::Concat, ids, shape)))
            }
            "LRN" => {
                let size = attrs.int("size", 0);
                if !(1..=1024).contains(&size) {
                    return Err(at.err(format!("size {size}")));
                }
                let lrn = Op::Lrn {
                    size: size as usize,
                    alpha: attrs.float("alpha", 1e-4) as f64,
                    beta: attrs.float("beta", 0.75) as f64,
                    k: attrs.float("bias", 1.0) as f64,
                };
                let i = x()?;
                self.map_shape(i, &at)?;
                same(self, lrn)
            }
            "Dropout" => {
                let p = if self.opset >= 12 {
                    self.const_input(n, 1, &at)?
                        .and_then(|c| c.scalar())
                        .unwrap_or(0.5)
                } else {
                    attrs.float("ratio", 0.5)
                };
                same(self, Op::Dropout { p: p as f64 })
            }
            "Identity" => Ok(Value::Node(x()?)),
            "Shape" => {
                let i = x()?;
                let mut dims = vec![1i64];
                dims.extend(self.shapes[i].iter().map(|&d| d as i64));
                let dims = fold::slice_range(&dims, &attrs);
                Ok(Value::Const(Rc::new(Const::i64(vec![dims.len()], dims))))
            }
            "Softmax" => {
                let i = x()?;
                let out = n.output.first().cloned().unwrap_or_default();
                self.softmaxed.insert(out, i);
                Ok(Value::Node(usize::MAX))
            }
            _ => Err(unsupported(&at, op)),
        }
    }

    fn flatten(&mut self, n: &NodeProto, i: NodeId) -> Value {
        if self.shapes[i].len() == 1 {
            return Value::Node(i);
        }
        let total = self.shapes[i].iter().product();
        Value::Node(self.push(n, Op::Flatten, vec![i], vec![total]))
    }

    fn conv(&mut self, n: &NodeProto, at: &Ctx, attrs: &Attrs) -> Result<Value, ImportError> {
        let i = self.map_input(n, 0, at)?;
        let [c, h, w] = self.map_shape(i, at)?;
        let weight = self
            .const_input(n, 1, at)?
            .ok_or_else(|| at.err("no weight".into()))?;
        let [m, cg, kh, kw] = weight.dims[..] else {
            return Err(at.err(format!(
                "weight of shape {:?}: only 2-D convolutions are run",
                weight.dims
            )));
        };
        let groups = attrs.int("group", 1);
        if groups < 1
            || c % groups as usize != 0
            || m % groups as usize != 0
            || cg * groups as usize != c
        {
            return Err(at.err(format!(
                "{c} input channels, weight {:?}, {groups} groups do not agree",
                weight.dims
            )));
        }
        let kernel = pair(attrs.ints("kernel_shape"), 0, "kernel_shape", at)?;
        if attrs.has("kernel_shape") && kernel != [kh, kw] {
            return Err(at.err(format!(
                "kernel_shape {kernel:?} but weight {:?}",
                weight.dims
            )));
        }
        let stride = pair(attrs.ints("strides"), 1, "strides", at)?;
        let dilation = pair(attrs.ints("dilations"), 1, "dilations", at)?;
        let kernel = [kh, kw];
        check_window([h, w], kernel, stride, [0, 0], dilation, at)?;
        let pad = padding(attrs, [h, w], kernel, stride, dilation, at)?;
        check_window([h, w], kernel, stride, pad, dilation, at)?;
        let bias = self.const_input(n, 2, at)?;
        if let Some(b) = &bias {
            if b.len() != m {
                return Err(at.err(format!("bias of {} values for {m} outputs", b.len())));
            }
        }
        let conv = Conv {
            out_channels: m,
            kernel,
            stride,
            padding: pad,
            dilation,
            groups: groups as usize,
            bias: bias.is_some(),
            connections: None,
        };
        let oh = window_out(h, kh, stride[0], pad[0], dilation[0], false);
        let ow = window_out(w, kw, stride[1], pad[1], dilation[1], false);
        let id = self.push(n, Op::Conv2d(conv), vec![i], vec![m, oh, ow]);
        self.weight(id, "weight", weight.dims.clone(), weight.floats());
        if let Some(b) = bias {
            self.weight(id, "bias", vec![m], b.floats());
        }
        Ok(Value::Node(id))
    }

    fn pool(&mut self, n: &NodeProto, at: &Ctx, attrs: &Attrs) -> Result<Value, ImportError> {
        if n.output.iter().skip(1).any(|o| !o.is_empty()) {
            return Err(at.err("the indices output is not run".into()));
        }
        let i = self.map_input(n, 0, at)?;
        let [c, h, w] = self.map_shape(i, at)?;
        let kernel = pair(attrs.ints("kernel_shape"), 0, "kernel_shape", at)?;
        let stride = pair(attrs.ints("strides"), 1, "strides", at)?;
        let dilation = pair(attrs.ints("dilations"), 1, "dilations", at)?;
        if dilation != [1, 1] {
            return Err(at.err(format!(
                "dilations {dilation:?}: only undilated pooling is run"
            )));
        }
        check_window([h, w], kernel, stride, [0, 0], dilation, at)?;
        let pad = padding(attrs, [h, w], kernel, stride, dilation, at)?;
        check_window([h, w], kernel, stride, pad, dilation, at)?;
        if pad[0] * 2 > kernel[0] || pad[1] * 2 > kernel[1] {
            return Err(at.err(format!("pads {pad:?} more than half the kernel {kernel:?}")));
        }
        let ceil = attrs.int("ceil_mode", 0) != 0;
        let kind = if n.op_type == "MaxPool" {
            PoolKind::Max
        } else {
            PoolKind::Avg
        };
        let include =
            kind == PoolKind::Max || pad == [0, 0] || attrs.int("count_include_pad", 0) != 0;
        let pool = Pool {
            kind,
            kernel,
            stride,
            padding: pad,
            ceil_mode: ceil,
            count_include_pad: include,
        };
        let oh = window_out(h, kernel[0], stride[0], pad[0], 1, ceil);
        let ow = window_out(w, kernel[1], stride[1], pad[1], 1, ceil);
        Ok(Value::Node(self.push(
            n,
            Op::Pool2d(pool),
            vec![i],
            vec![c, oh, ow],
        )))
    }

    /// Gemm (y = α·A·B' + β·C) and MatMul (a following Add of a constant becomes its bias).
    fn linear(&mut self, n: &NodeProto, at: &Ctx, attrs: &Attrs) -> Result<Value, ImportError> {
        let i = self.map_input(n, 0, at)?;
        let [f] = self.shapes[i][..] else {
            return Err(at.err(format!(
                "needs a flat input, got {:?} (Flatten first)",
                self.shapes[i]
            )));
        };
        if attrs.int("transA", 0) != 0 {
            return Err(at.err("transA: the input must not be transposed".into()));
        }
        let b = self
            .const_input(n, 1, at)?
            .ok_or_else(|| at.err("no weight".into()))?;
        let gemm = n.op_type == "Gemm";
        let trans = gemm && attrs.int("transB", 0) != 0;
        let [r, k] = b.dims[..] else {
            return Err(at.err(format!("weight of shape {:?}: a matrix expected", b.dims)));
        };
        let (rows_in, out) = if trans { (k, r) } else { (r, k) };
        if rows_in != f {
            return Err(at.err(format!("weight {:?} does not take {f} inputs", b.dims)));
        }
        let alpha = if gemm { attrs.float("alpha", 1.0) } else { 1.0 };
        let v = b.floats();
        // The description's weight is [out, in].
        let weight: Vec<f32> = if trans {
            v.iter().map(|x| x * alpha).collect()
        } else {
            (0..out)
                .flat_map(|o| (0..f).map(move |j| (o, j)))
                .map(|(o, j)| v[j * out + o] * alpha)
                .collect()
        };
        let bias = if gemm {
            self.const_input(n, 2, at)?
        } else {
            None
        };
        let bias = match bias {
            Some(c) => Some(broadcast_bias(&c, out, attrs.float("beta", 1.0), at)?),
            None => None,
        };
        let op = Op::Linear {
            out_features: out,
            bias: bias.is_some(),
        };
        let id = self.push(n, op, vec![i], vec![out]);
        self.weight(id, "weight", vec![out, f], weight);
        if let Some(b) = bias {
            self.weight(id, "bias", vec![out], b);
        }
        Ok(Value::Node(id))
    }

    /// Add: two layers' outputs of one shape (a residual sum), or a MatMul's output plus a
    /// constant (its bias).
    fn add(&mut self, n: &NodeProto, at: &Ctx) -> Result<Value, ImportError> {
        let mut ids = Vec::new();
        let mut constant = None;
        for name in n.input.iter() {
            match self.value(name, at)? {
                Value::Node(id) => ids.push(id),
                Value::Const(c) => constant = Some(c),
            }
        }
        if let Some(c) = constant {
            let [id] = ids[..] else {
                return Err(at.err("adds a constant to more than one layer".into()));
            };
            let last = id == self.nodes.len() - 1;
            let node = &mut self.nodes[id];
            let out = match node.op {
                Op::Linear {
                    out_features,
                    bias: false,
                } if last => out_features,
                _ => return Err(at.err("adds a constant other than a MatMul's bias".into())),
            };
            let b = broadcast_bias(&c, out, 1.0, at)?;
            node.op = Op::Linear {
                out_features: out,
                bias: true,
            };
            self.weight(id, "bias", vec![out], b);
            return Ok(Value::Node(id));
        }
        if ids.len() < 2 || ids.iter().any(|&i| self.shapes[i] != self.shapes[ids[0]]) {
            let shapes: Vec<&Vec<usize>> = ids.iter().map(|&i| &self.shapes[i]).collect();
            return Err(at.err(format!(
                "inputs of shapes {shapes:?}: only equal shapes are added"
            )));
        }
        let shape = self.shapes[ids[0]].clone();
        Ok(Value::Node(self.push(n, Op::Add, ids, shape)))
    }
}

/// A bias constant as `out` values (a vector, a `[1, out]` row or a scalar), times `beta`.
fn broadcast_bias(c: &Const, out: usize, beta: f32, at: &Ctx) -> Result<Vec<f32>, ImportError> {
    let v = c.floats();
    match v.len() {
        1 => Ok(vec![v[0] * beta; out]),
        l if l == out => Ok(v.iter().map(|x| x * beta).collect()),
        l => Err(at.err(format!("a bias of {l} values for {out} outputs"))),
    }
}

fn unsupported(at: &Ctx, op: &str) -> ImportError {
    ImportError::new("onnx-error-unsupported-op")
        .arg("op", op)
        .arg("node", at.name)
        .arg("supported", SUPPORTED.join(", "))
}

/// The graph's one image input (its name and `[C, H, W]`); initializers listed as inputs (older
/// exporters) are not inputs.
fn image_input(g: &GraphProto) -> Result<(String, [usize; 3]), ImportError> {
    let weights: std::collections::HashSet<&str> =
        g.initializer.iter().map(|t| t.name.as_str()).collect();
    let inputs: Vec<_> = g
        .input
        .iter()
        .filter(|i| !weights.contains(i.name.as_str()))
        .collect();
    if inputs.len() != 1 {
        let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        return Err(ImportError::new("onnx-error-inputs")
            .arg("n", inputs.len())
            .arg("names", names.join(", ")));
    }
    let input = inputs[0];
    let tensor = input.r#type.as_ref().and_then(|t| t.tensor_type.as_ref());
    let Some(tensor) = tensor else {
        return Err(ImportError::new("onnx-error-input-rank")
            .arg("input", &input.name)
            .arg("dims", "?"));
    };
    if tensor.elem_type != data_type::FLOAT {
        return Err(ImportError::new("onnx-error-input-type").arg("input", &input.name));
    }
    use super::proto::DimensionValue;
    let dims: Vec<Option<i64>> = tensor
        .shape
        .as_ref()
        .map(|s| {
            s.dim
                .iter()
                .map(|d| match &d.value {
                    Some(DimensionValue::DimValue(v)) => Some(*v),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let text = dims
        .iter()
        .map(|d| d.map_or("?".to_string(), |v| v.to_string()))
        .collect::<Vec<_>>()
        .join(" × ");
    if dims.len() != 4 || !matches!(dims[0], None | Some(1)) {
        return Err(ImportError::new("onnx-error-input-rank")
            .arg("input", &input.name)
            .arg("dims", text));
    }
    let mut chw = [0usize; 3];
    for (a, d) in dims[1..].iter().enumerate() {
        match d {
            Some(v) if (1..=8192).contains(v) => chw[a] = *v as usize,
            _ => {
                return Err(ImportError::new("onnx-error-dynamic")
                    .arg("input", &input.name)
                    .arg("dims", text));
            }
        }
    }
    if chw[0] > 4096 || chw[0] * chw[1] * chw[2] > 1 << 26 {
        return Err(ImportError::new("onnx-error-input-rank")
            .arg("input", &input.name)
            .arg("dims", text));
    }
    Ok((input.name.clone(), chw))
}

/// Maps the graph; `file` names the network, `opset` and `producer` are said in its remarks.
pub fn convert(
    g: &GraphProto,
    file: &str,
    opset: i64,
    producer: &str,
) -> Result<Imported, ImportError> {
    let (input, [c, h, w]) = image_input(g)?;
    let mut im = Importer {
        nodes: vec![Node {
            name: "input".into(),
            op: Op::Input {
                channels: c,
                height: h,
                width: w,
            },
            inputs: vec![],
            block: String::new(),
        }],
        shapes: vec![vec![c, h, w]],
        weights: Weights::default(),
        values: HashMap::new(),
        softmaxed: HashMap::new(),
        opset,
    };
    im.values.insert(input, Value::Node(0));
    for t in &g.initializer {
        im.values
            .insert(t.name.clone(), Value::Const(Rc::new(Const::from_proto(t)?)));
    }
    let mut folded = 0usize;
    for n in &g.node {
        let v = im.node(n)?;
        if matches!(v, Value::Const(_)) {
            folded += 1;
        }
        if let Value::Node(usize::MAX) = v {
            continue; // a softmax, recorded by its output's name
        }
        if let Some(out) = n.output.first() {
            im.values.insert(out.clone(), v);
        }
    }
    let output = g
        .output
        .first()
        .map(|o| o.name.as_str())
        .unwrap_or_default();
    let (out_id, softmax) = match (im.values.get(output), im.softmaxed.get(output)) {
        (Some(Value::Node(id)), _) => (*id, false),
        (_, Some(&id)) => (id, true),
        _ => return Err(ImportError::new("onnx-error-output").arg("output", output)),
    };
    if out_id == 0 {
        return Err(ImportError::new("onnx-error-output").arg("output", output));
    }
    // Only what the output depends on, the output last.
    im.nodes.truncate(out_id + 1);
    let probe = Network {
        id: String::new(),
        label: String::new(),
        paper: String::new(),
        nodes: im.nodes,
        remarks: vec![],
        quotes: vec![],
    };
    let used = feeds_output(&probe);
    let mut renumber = vec![usize::MAX; used.len()];
    let mut nodes = Vec::new();
    for (old, node) in probe.nodes.into_iter().enumerate() {
        if used[old] {
            renumber[old] = nodes.len();
            let inputs = node.inputs.iter().map(|&i| renumber[i]).collect();
            nodes.push(Node { inputs, ..node });
        }
    }
    let keep: std::collections::HashSet<String> =
        nodes.iter().map(|n| format!("{}.", n.name)).collect();
    im.weights.tensors.retain(|k, _| {
        keep.iter()
            .any(|p| k.starts_with(p.as_str()) && !k[p.len()..].contains('.'))
    });
    let mut remarks = vec![Msg::new("onnx-remark-source")
        .arg("file", file)
        .arg("opset", opset)
        .arg("producer", if producer.is_empty() { "?" } else { producer })];
    if folded > 0 {
        remarks.push(Msg::new("onnx-remark-folded").arg("n", folded));
    }
    if softmax {
        remarks.push(Msg::new("onnx-remark-softmax"));
    }
    let probe = Network {
        id: String::new(),
        label: String::new(),
        paper: String::new(),
        nodes,
        remarks: vec![],
        quotes: vec![],
    };
    // What one image's forward pass keeps must fit a page's memory (wasm32 has 4 GiB in all).
    let bytes = crate::zoo::analyse(&probe).forward_bytes;
    if bytes > MAX_FORWARD_BYTES {
        return Err(ImportError::new("onnx-error-too-large")
            .arg("file", file)
            .arg("mib", bytes >> 20));
    }
    let nodes = probe.nodes;
    let net = Network {
        id: file.to_string(),
        label: file.to_string(),
        paper: format!(
            "ONNX · opset {opset} · {}",
            if producer.is_empty() { "?" } else { producer }
        ),
        nodes,
        remarks,
        quotes: vec![],
    };
    Ok(Imported {
        net,
        weights: im.weights,
        softmax_dropped: softmax,
    })
}
