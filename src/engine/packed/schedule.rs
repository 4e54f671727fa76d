//! How a prepared network runs for a given set of kept outputs: which of the fusions the
//! engine's plan (`crate::engine::plan`) allows a run makes (a convolution with its folded norm,
//! then its residual addition and a ReLU; a linear layer, a standalone norm or an addition with
//! its ReLU; a step ends at a node the run keeps, since a fused step writes only its last node's
//! output), where each step writes (branch outputs straight into the slice of the concatenation
//! that reads them; identities share their input's buffer), and which buffers are reused once
//! their last reader has run. Made once per kept set, then executed.

use super::conv::conv;
use super::gemm::{gemv, Epilogue};
use super::ops;
use super::Layer;
use crate::engine::plan::{Fate, Plan};
use crate::engine::EngineError;
use crate::zoo::analysis::window_out;
use crate::zoo::graph::{Activation, Network, NodeId, Op};
use crate::zoo::Analysis;

/// Where a node's output is found after a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A value of the plan.
    Value(usize),
    /// The value of a folded norm: the convolution's own output is recovered from it.
    BeforeNorm(usize),
}

/// A tensor's place: `len` values from `offset` of buffer `buf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    buf: usize,
    offset: usize,
    len: usize,
}

/// What one step computes; value indices name its inputs.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Conv {
        node: NodeId,
        add: Option<usize>,
        relu: bool,
    },
    Linear {
        node: NodeId,
        relu: bool,
    },
    Norm {
        node: NodeId,
        relu: bool,
    },
    Act(Activation),
    Pool(NodeId),
    Adaptive,
    Subsample(NodeId),
    Lrn(NodeId),
    /// Copies the inputs not already written into their slice.
    Concat,
    Add {
        relu: bool,
    },
    Mean,
    Scale(f32),
    PadShortcut {
        stride: usize,
        out_c: usize,
    },
}

#[derive(Clone, Debug, PartialEq)]
struct Step {
    kind: Kind,
    inputs: Vec<usize>,
    out: usize,
    /// The node whose output this step produces (its shape is the value's shape).
    node: NodeId,
}

/// A run's schedule for one set of kept nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    steps: Vec<Step>,
    /// Each value's place.
    places: Vec<Place>,
    /// Where each node's output is, for the nodes a run may be asked for.
    sources: Vec<Option<Source>>,
    input: usize,
    sizes: Vec<usize>,
    buffers: Vec<Vec<f32>>,
}

impl Schedule {
    /// The schedule of a run that keeps `keep`, following `plan`'s folds and fusions.
    pub fn new(net: &Network, an: &Analysis, plan: &Plan, keep: &[NodeId]) -> Schedule {
        let n = net.nodes.len();
        let mut kept = vec![false; n];
        for &k in keep {
            kept[k] = true;
        }
        // A kept convolution needs its folded norm's output.
        for c in 0..n {
            if let (true, Some(bn)) = (kept[c], plan.fold(c)) {
                kept[bn] = true;
            }
        }
        kept[net.output()] = true;
        // The one consumer of `id`, when `id` is not kept and that consumer is in no group yet.
        let single = |id: NodeId, group_of: &[usize]| -> Option<NodeId> {
            match plan.consumers(id) {
                [u] if !kept[id] && group_of[*u] == usize::MAX => Some(*u),
                _ => None,
            }
        };
        // Groups: the chain of nodes each step covers.
        let mut group_of = vec![usize::MAX; n];
        let mut chains: Vec<Vec<NodeId>> = Vec::new();
        for id in 1..n {
            if group_of[id] != usize::MAX {
                continue;
            }
            let op = net.nodes[id].op.base();
            let mut chain = vec![id];
            // The plan's ReLU of `p`, when a run lets `p`'s step write it.
            let relu = |p: NodeId, last: NodeId, group_of: &[usize]| {
                plan.relu(p).filter(|&r| single(last, group_of) == Some(r))
            };
            if let Op::Conv2d(_) = op {
                chain.extend(plan.fold(id));
                let last = *chain.last().unwrap();
                let residual = plan
                    .residual(id)
                    .filter(|&a| single(last, &group_of) == Some(a));
                if let Some(a) = residual {
                    chain.push(a);
                    chain.extend(relu(a, a, &group_of));
                } else {
                    chain.extend(relu(id, last, &group_of));
                }
            } else if plan.fate(id) == Fate::Own {
                // A linear layer, a standalone norm or an addition (the ops the plan lets write
                // a ReLU).
                chain.extend(relu(id, id, &group_of));
            }
            for &c in &chain {
                group_of[c] = chains.len();
            }
            chains.push(chain);
        }
        // Steps run in the order of their chains' last nodes (every outside input of a chain
        // comes before that node).
        let mut order: Vec<usize> = (0..chains.len()).collect();
        order.sort_by_key(|&g| *chains[g].last().unwrap());
        // Values: the input, then one per chain; identities alias their input's value.
        let mut value_of: Vec<Option<usize>> = vec![None; n];
        let mut value_node: Vec<NodeId> = vec![0];
        value_of[0] = Some(0);
        let mut alias_of: Vec<Option<usize>> = vec![None];
        let mut steps: Vec<Step> = Vec::new();
        for &g in &order {
            let chain = &chains[g];
            let first = chain[0];
            let last = *chain.last().unwrap();
            let node = &net.nodes[first];
            let input_values: Vec<usize> = node
                .inputs
                .iter()
                .map(|&i| value_of[i].expect("inputs run first"))
                .collect();
            let op = node.op.base();
            if matches!(op, Op::Dropout { .. } | Op::Flatten) {
                // An identity at inference: the same place as its input.
                value_of[first] = Some(input_values[0]);
                continue;
            }
            let out = value_node.len();
            value_node.push(last);
            alias_of.push(None);
            let relu = chain.len() > 1 && matches!(plan.fate(last), Fate::Fused { .. });
            let kind = match op {
                Op::Conv2d(_) => {
                    let add = chain
                        .iter()
                        .find(|&&c| matches!(net.nodes[c].op, Op::Add))
                        .map(|&a| {
                            let prev = chain[chain.iter().position(|&c| c == a).unwrap() - 1];
                            let other = *net.nodes[a].inputs.iter().find(|&&i| i != prev).unwrap();
                            value_of[other].expect("the residual runs first")
                        });
                    Kind::Conv {
                        node: first,
                        add,
                        relu,
                    }
                }
                Op::Linear { .. } => Kind::Linear { node: first, relu },
                Op::BatchNorm2d { .. } => Kind::Norm { node: first, relu },
                Op::Act(a) => Kind::Act(*a),
                Op::Pool2d(_) => Kind::Pool(first),
                Op::AdaptiveAvgPool2d { .. } => Kind::Adaptive,
                Op::Subsample { .. } => Kind::Subsample(first),
                Op::Lrn { .. } => Kind::Lrn(first),
                Op::Concat => Kind::Concat,
                Op::Add => Kind::Add { relu },
                Op::Mean => Kind::Mean,
                Op::Scale { factor } => Kind::Scale(*factor as f32),
                Op::PadShortcut {
                    out_channels,
                    stride,
                } => Kind::PadShortcut {
                    stride: *stride,
                    out_c: *out_channels,
                },
                Op::Input { .. } | Op::Dropout { .. } | Op::Flatten | Op::Functional(_) => {
                    unreachable!("handled above")
                }
            };
            for &c in chain {
                value_of[c] = Some(out);
            }
            // A fused residual is read too: it must live until this step.
            let mut input_values = input_values;
            if let Kind::Conv { add: Some(a), .. } = kind {
                input_values.push(a);
            }
            steps.push(Step {
                kind,
                inputs: input_values,
                out,
                node: last,
            });
        }
        let values = value_node.len();
        let size = |v: usize| an.layers[value_node[v]].activations as usize;
        // Concatenations written in place: an input produced only for the concatenation, by a
        // step, not kept, becomes a slice of the concatenation's value.
        let mut readers = vec![0usize; values];
        for s in &steps {
            for &i in &s.inputs {
                readers[i] += 1;
            }
        }
        let produced_by_step: Vec<bool> = {
            let mut p = vec![false; values];
            for s in &steps {
                p[s.out] = true;
            }
            p
        };
        // A value is kept when any node it holds is (an identity shares its input's value).
        let mut value_kept = vec![false; values];
        for (id, v) in value_of.iter().enumerate() {
            if let (Some(v), true) = (v, kept[id]) {
                value_kept[*v] = true;
            }
        }
        let kept_value = |v: usize| value_kept[v];
        let mut slice_of: Vec<Option<(usize, usize)>> = vec![None; values];
        for s in &steps {
            if s.kind != Kind::Concat {
                continue;
            }
            let mut offset = 0;
            let mut seen = Vec::new();
            for &i in &s.inputs {
                let ok = produced_by_step[i]
                    && readers[i] == 1
                    && !kept_value(i)
                    && !seen.contains(&i)
                    && slice_of[i].is_none();
                if ok {
                    slice_of[i] = Some((s.out, offset));
                }
                seen.push(i);
                offset += size(i);
            }
        }
        // A concatenation written into another one (nested): its inputs' slices point into the
        // outer one's value, at their offset within it.
        for v in 0..values {
            while let Some((r, off)) = slice_of[v] {
                match slice_of[r] {
                    Some((outer, at)) => slice_of[v] = Some((outer, at + off)),
                    None => break,
                }
            }
        }
        // Intervals: the step that first writes a buffer's values and the last that reads them.
        let root = |v: usize| slice_of[v].map_or(v, |(r, _)| r);
        let mut first = vec![usize::MAX; values];
        let mut last = vec![0usize; values];
        first[0] = 0;
        for (i, s) in steps.iter().enumerate() {
            let r = root(s.out);
            first[r] = first[r].min(i);
            last[r] = last[r].max(i);
            for &inp in &s.inputs {
                let r = root(inp);
                last[r] = last[r].max(i);
            }
        }
        for v in 0..values {
            if kept_value(v) {
                last[root(v)] = usize::MAX;
            }
        }
        // Greedy assignment of buffers to the roots in order of their first write.
        let mut roots: Vec<usize> = (0..values).filter(|&v| slice_of[v].is_none()).collect();
        roots.sort_by_key(|&v| (first[v], v));
        let mut sizes: Vec<usize> = Vec::new();
        let mut busy_until: Vec<usize> = Vec::new();
        let mut buf_of = vec![0usize; values];
        for &v in &roots {
            let need = size(v);
            let start = if v == 0 { 0 } else { first[v] };
            // A free buffer (its last reader ran before this value is written), the smallest
            // that fits, else the largest to grow.
            let free: Vec<usize> = (0..sizes.len())
                .filter(|&b| busy_until[b] < start)
                .collect();
            let pick = free
                .iter()
                .copied()
                .filter(|&b| sizes[b] >= need)
                .min_by_key(|&b| sizes[b])
                .or_else(|| free.iter().copied().max_by_key(|&b| sizes[b]));
            let b = match pick {
                Some(b) => b,
                None => {
                    sizes.push(0);
                    busy_until.push(0);
                    sizes.len() - 1
                }
            };
            sizes[b] = sizes[b].max(need);
            busy_until[b] = last[v];
            buf_of[v] = b;
        }
        let places = (0..values)
            .map(|v| match slice_of[v] {
                Some((r, offset)) => Place {
                    buf: buf_of[r],
                    offset,
                    len: size(v),
                },
                None => Place {
                    buf: buf_of[v],
                    offset: 0,
                    len: size(v),
                },
            })
            .collect();
        let mut sources = vec![None; n];
        for id in 0..n {
            if let Some(v) = value_of[id] {
                if value_node[v] == id
                    || matches!(net.nodes[id].op.base(), Op::Dropout { .. } | Op::Flatten)
                    || id == 0
                {
                    sources[id] = Some(Source::Value(v));
                }
            }
        }
        for c in 0..n {
            if let (Some(bn), true) = (plan.fold(c), keep.contains(&c)) {
                if let Some(Source::Value(v)) = sources[bn] {
                    sources[c] = Some(Source::BeforeNorm(v));
                }
            }
        }
        Schedule {
            steps,
            places,
            sources,
            input: 0,
            sizes,
            buffers: Vec::new(),
        }
    }

    /// Where a node's output is (for a node this schedule keeps).
    pub fn source(&self, node: NodeId) -> Option<Source> {
        self.sources[node]
    }

    /// A value's data after a run.
    pub fn read(&self, v: usize) -> &[f32] {
        let p = self.places[v];
        &self.buffers[p.buf][p.offset..p.offset + p.len]
    }

    /// Bytes of the schedule's buffers.
    pub fn bytes(&self) -> usize {
        self.buffers.iter().map(|b| b.capacity() * 4).sum()
    }

    /// Runs the steps on `input`; with `times`, records each step's milliseconds.
    pub fn execute(
        &mut self,
        net: &Network,
        an: &Analysis,
        layers: &[Layer],
        input: &[f32],
        scratch: &mut Vec<f32>,
        mut times: Option<&mut Vec<(String, f64)>>,
    ) -> Result<(), EngineError> {
        if self.buffers.len() != self.sizes.len() {
            self.buffers = self.sizes.iter().map(|&s| vec![0f32; s]).collect();
        }
        let p = self.places[self.input];
        self.buffers[p.buf][p.offset..p.offset + p.len].copy_from_slice(input);
        for s in &self.steps {
            let out = self.places[s.out];
            let start = times.as_ref().map(|_| crate::engine::now_ms());
            let mut buf = std::mem::take(&mut self.buffers[out.buf]);
            let result = run_step(
                s,
                net,
                an,
                layers,
                &self.places,
                &self.buffers,
                &mut buf[out.offset..out.offset + out.len],
                scratch,
            );
            self.buffers[out.buf] = buf;
            result?;
            if let (Some(t), Some(start)) = (times.as_deref_mut(), start) {
                t.push((
                    format!("{} ({})", net.nodes[s.node].name, kind_name(&s.kind)),
                    crate::engine::now_ms() - start,
                ));
            }
        }
        Ok(())
    }
}

fn kind_name(k: &Kind) -> &'static str {
    match k {
        Kind::Conv { .. } => "conv",
        Kind::Linear { .. } => "linear",
        Kind::Norm { .. } => "norm",
        Kind::Act(_) => "act",
        Kind::Pool(_) => "pool",
        Kind::Adaptive => "adaptive pool",
        Kind::Subsample(_) => "subsample",
        Kind::Lrn(_) => "lrn",
        Kind::Concat => "concat",
        Kind::Add { .. } => "add",
        Kind::Mean => "mean",
        Kind::Scale(_) => "scale",
        Kind::PadShortcut { .. } => "pad shortcut",
    }
}

fn chw(s: &[usize]) -> (usize, usize, usize) {
    match s {
        [c, h, w] => (*c, *h, *w),
        [f] => (*f, 1, 1),
        _ => (0, 0, 0),
    }
}

#[allow(clippy::too_many_arguments)]
fn run_step(
    s: &Step,
    net: &Network,
    an: &Analysis,
    layers: &[Layer],
    places: &[Place],
    buffers: &[Vec<f32>],
    y: &mut [f32],
    scratch: &mut Vec<f32>,
) -> Result<(), EngineError> {
    let read = |v: usize| {
        let p = places[v];
        &buffers[p.buf][p.offset..p.offset + p.len]
    };
    let x = || read(s.inputs[0]);
    match &s.kind {
        Kind::Conv { node, add, relu } => {
            let Layer::Conv { g, w, bias, .. } = &layers[*node] else {
                return Err(EngineError::Backend(format!(
                    "{} is not prepared as a convolution",
                    net.nodes[*node].name
                )));
            };
            let ep = Epilogue {
                bias: bias.as_deref(),
                add: add.map(read),
                relu: *relu,
            };
            conv(x(), g, w, y, ep, scratch);
        }
        Kind::Linear { node, relu } => {
            let Layer::Linear { w, m, k, bias } = &layers[*node] else {
                return Err(EngineError::Backend("not a linear layer".into()));
            };
            gemv(w, *m, *k, x(), bias.as_deref(), y);
            if *relu {
                ops::activate(y, Activation::Relu);
            }
        }
        Kind::Norm { node, relu } => {
            let Layer::Norm { scale, shift } = &layers[*node] else {
                return Err(EngineError::Backend("not a norm".into()));
            };
            let per = y.len() / scale.len();
            for (i, (o, v)) in y.iter_mut().zip(x()).enumerate() {
                let c = i / per;
                *o = v * scale[c] + shift[c];
                if *relu {
                    *o = o.max(0.0);
                }
            }
        }
        Kind::Act(a) => {
            y.copy_from_slice(x());
            ops::activate(y, *a);
        }
        Kind::Pool(node) => {
            let Op::Pool2d(p) = net.nodes[*node].op.base() else {
                unreachable!("a pool step")
            };
            let (c, h, w) = chw(&an.layers[net.nodes[*node].inputs[0]].shape);
            let (_, oh, ow) = chw(&an.layers[*node].shape);
            ops::pool(x(), c, [h, w], p, [oh, ow], y);
        }
        Kind::Adaptive => {
            let node = &net.nodes[s.node];
            let (c, h, w) = chw(&an.layers[node.inputs[0]].shape);
            let (_, oh, ow) = chw(&an.layers[s.node].shape);
            ops::adaptive_avg(x(), c, [h, w], [oh, ow], y);
        }
        Kind::Subsample(node) => {
            let (Op::Subsample { kernel, stride }, Layer::Subsample { coeff, bias }) =
                (net.nodes[*node].op.base(), &layers[*node])
            else {
                unreachable!("a sub-sampling step")
            };
            let (c, h, w) = chw(&an.layers[net.nodes[*node].inputs[0]].shape);
            let oh = window_out(h, kernel[0], stride[0], 0, 1, false);
            let ow = window_out(w, kernel[1], stride[1], 0, 1, false);
            ops::subsample(x(), c, [h, w], *kernel, *stride, [oh, ow], coeff, bias, y);
        }
        Kind::Lrn(node) => {
            let Op::Lrn {
                size,
                alpha,
                beta,
                k,
            } = net.nodes[*node].op.base()
            else {
                unreachable!("an LRN step")
            };
            let (c, h, w) = chw(&an.layers[*node].shape);
            ops::lrn(x(), c, h * w, *size, *alpha, *beta, *k, y);
        }
        Kind::Concat => {
            let mut offset = 0;
            let out = places[s.out];
            for &i in &s.inputs {
                let p = places[i];
                let inplace = p.buf == out.buf && p.offset == out.offset + offset;
                if !inplace {
                    y[offset..offset + p.len].copy_from_slice(read(i));
                }
                offset += p.len;
            }
        }
        Kind::Add { relu } => {
            y.copy_from_slice(read(s.inputs[0]));
            for &i in &s.inputs[1..] {
                for (o, v) in y.iter_mut().zip(read(i)) {
                    *o += v;
                }
            }
            if *relu {
                ops::activate(y, Activation::Relu);
            }
        }
        Kind::Mean => {
            y.copy_from_slice(read(s.inputs[0]));
            for &i in &s.inputs[1..] {
                for (o, v) in y.iter_mut().zip(read(i)) {
                    *o += v;
                }
            }
            let k = s.inputs.len() as f32;
            y.iter_mut().for_each(|v| *v /= k);
        }
        Kind::Scale(f) => {
            for (o, v) in y.iter_mut().zip(x()) {
                *o = v * f;
            }
        }
        Kind::PadShortcut { stride, out_c } => {
            let node = &net.nodes[s.node];
            let (c, h, w) = chw(&an.layers[node.inputs[0]].shape);
            let (_, oh, ow) = chw(&an.layers[s.node].shape);
            ops::pad_shortcut(x(), c, [h, w], *stride, *out_c, [oh, ow], y);
        }
    }
    Ok(())
}
