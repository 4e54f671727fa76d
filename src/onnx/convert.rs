//! An ONNX graph mapped onto a description: each operator becomes the description's op with its
//! hyper-parameters (checked: a window that does not fit, a padding that is not symmetric, a
//! weight of the wrong shape is an error naming the node), its initializers the layer's weights
//! under the description's keys, constant shape arithmetic folded ([`super::fold`]). Shapes are
//! followed node by node (batch left out, as the description has them).

use std::collections::HashMap;
use std::rc::Rc;

use super::fold::{self, reshape_dims};
use super::names::{block_of, module_path};
use super::proto::{GraphProto, NodeProto};
use super::tensor::{Attrs, Const, MAX_ELEMENTS, MAX_RANK};
use super::{ImportError, Imported};
use crate::engine::Weights;
use crate::i18n::Msg;
use crate::zoo::analysis::feeds_output;
use crate::zoo::graph::{Activation, Network, Node, NodeId, Op, Pool, PoolKind};

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
    /// Values made by constant folding so far.
    folded_values: usize,
    /// The file's name, for messages.
    file: String,
    /// The bytes of the layers' outputs so far, the input's included.
    bytes_so_far: u64,
}

/// The message for a network whose layers' outputs would keep `bytes`.
fn too_large(file: &str, bytes: u64) -> ImportError {
    ImportError::new("onnx-error-too-large")
        .arg("file", file)
        .arg("mib", bytes >> 20)
}

mod checks;
mod layers;

use checks::{image_input, unsupported, Ctx};

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

    /// Adds a layer with its output `shape`, which must hold at least one value and no more than
    /// one forward pass may keep (so that no count of the analysis overflows).
    fn push(
        &mut self,
        n: &NodeProto,
        op: Op,
        inputs: Vec<NodeId>,
        shape: Vec<usize>,
    ) -> Result<NodeId, ImportError> {
        if shape.contains(&0) {
            let name = if n.name.is_empty() {
                &n.op_type
            } else {
                &n.name
            };
            return Err(ImportError::node(
                name,
                &n.op_type,
                format!("an output of shape {shape:?} is empty"),
            ));
        }
        let bytes = shape
            .iter()
            .try_fold(4u64, |v, &d| v.checked_mul(d as u64))
            .unwrap_or(u64::MAX);
        self.bytes_so_far = self.bytes_so_far.saturating_add(bytes);
        if bytes > MAX_FORWARD_BYTES {
            // One output alone is past what the whole pass may keep (said with what the layers
            // read so far keep).
            return Err(too_large(&self.file, self.bytes_so_far));
        }
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
        Ok(self.nodes.len() - 1)
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
            if let ("Identity", [Some(c)]) = (op, &consts[..]) {
                // The same values under another name: shared, not copied.
                return Ok(Value::Const(c.clone()));
            }
            let refs: Vec<Option<&Const>> = consts.iter().map(|c| c.as_deref()).collect();
            // Each fold makes new values (a chain of Reshapes of one big weight copies it each
            // time): all of them together may hold what one tensor may, each one sized before
            // it is computed.
            let budget = MAX_ELEMENTS.saturating_sub(self.folded_values);
            if let Some(c) = fold::fold(op, at.name, &refs, &attrs, self.opset, budget)? {
                self.folded_values = self.folded_values.saturating_add(c.len());
                return Ok(Value::Const(Rc::new(c)));
            }
        }
        let x = || self.map_input(n, 0, &at);
        let same = |me: &mut Importer, o: Op| -> Result<Value, ImportError> {
            let i = me.map_input(n, 0, &at)?;
            let s = me.shapes[i].clone();
            Ok(Value::Node(me.push(n, o, vec![i], s)?))
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
                let id = self.push(n, Op::BatchNorm2d { eps }, vec![i], self.shapes[i].clone())?;
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
                )?))
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
                )?))
            }
            "Gemm" | "MatMul" => self.linear(n, &at, &attrs),
            "Add" | "Sum" => self.add(n, &at),
            "Flatten" => {
                let i = x()?;
                let axis = attrs.int("axis", 1);
                if axis != 1 {
                    return Err(at.err(format!("axis {axis}: only Flatten(axis = 1) is run")));
                }
                self.flatten(n, i)
            }
            "Reshape" => {
                let i = x()?;
                let spec = self
                    .const_input(n, 1, &at)?
                    .filter(|c| c.len() <= MAX_RANK)
                    .and_then(|c| c.ints())
                    .ok_or_else(|| at.err("the shape must be a constant".into()))?;
                let mut from = vec![1];
                from.extend(&self.shapes[i]);
                let to = reshape_dims(&from, &spec, at.name)?;
                let total: usize = self.shapes[i].iter().product();
                if to == from {
                    Ok(Value::Node(i))
                } else if to == [1, total] {
                    self.flatten(n, i)
                } else {
                    Err(at.err(format!(
                        "reshapes {from:?} to {to:?}: only the Reshape that flattens is run"
                    )))
                }
            }
            "Concat" => {
                if n.input.is_empty() {
                    return Err(at.err("no inputs".into()));
                }
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
                shape[0] = shapes
                    .iter()
                    .try_fold(0usize, |c, s| c.checked_add(s[0]))
                    .ok_or_else(|| at.err("too many channels".into()))?;
                Ok(Value::Node(self.push(n, Op::Concat, ids, shape)?))
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

    fn flatten(&mut self, n: &NodeProto, i: NodeId) -> Result<Value, ImportError> {
        if self.shapes[i].len() == 1 {
            return Ok(Value::Node(i));
        }
        let total = self.shapes[i].iter().product();
        Ok(Value::Node(self.push(
            n,
            Op::Flatten,
            vec![i],
            vec![total],
        )?))
    }
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
        folded_values: 0,
        file: file.to_string(),
        bytes_so_far: 4 * (c * h * w) as u64,
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
        return Err(too_large(file, bytes));
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
