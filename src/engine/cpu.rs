//! The candle engine: runs any network of the zoo from its description with candle tensor
//! operations (multi-threaded natively, wasm SIMD128 in the browser). It is the reference the
//! prepared engine (`super::packed`) is checked against, and the forward pass of training and of
//! candle's autograd (`super::autograd`). Every op of [`crate::zoo::Op`] maps to a few candle
//! operations; nothing here knows which network it runs.

use candle_core::{DType, Device, Tensor};

use super::{Activations, Engine, EngineError, Prepared, Weights};
use crate::zoo::analysis::{pool_window, window_out};
use crate::zoo::graph::{Activation, Conv, Network, Op, Pool, PoolKind};

/// candle on the CPU.
#[derive(Clone, Copy, Debug, Default)]
pub struct CandleEngine;

/// Where a node finds its parameters: a checkpoint (inference) or trainable variables.
pub trait ParamSource {
    fn param(&self, key: &str) -> Result<Tensor, EngineError>;
}

/// Parameters from a [`Weights`] checkpoint, as candle tensors on the CPU.
pub struct CheckpointParams<'a>(pub &'a Weights);

/// A checkpoint's weights are parameters too (what `Prepared::weights` gives, for candle's
/// autograd).
impl ParamSource for Weights {
    fn param(&self, key: &str) -> Result<Tensor, EngineError> {
        CheckpointParams(self).param(key)
    }
}

impl ParamSource for CheckpointParams<'_> {
    fn param(&self, key: &str) -> Result<Tensor, EngineError> {
        let t = self
            .0
            .get(key)
            .ok_or_else(|| EngineError::Checkpoint(format!("missing key '{key}'")))?;
        Ok(Tensor::from_slice(
            &t.values,
            t.shape.as_slice(),
            &Device::Cpu,
        )?)
    }
}

fn channel_vec(t: Tensor) -> Result<Tensor, EngineError> {
    let c = t.elem_count();
    Ok(t.reshape((1, c, 1, 1))?)
}

/// Pads the last two dims: `[top, bottom]` rows and `[left, right]` columns with `value`.
pub(crate) fn pad_hw(
    x: &Tensor,
    rows: [usize; 2],
    cols: [usize; 2],
    value: f32,
) -> Result<Tensor, EngineError> {
    if rows == [0, 0] && cols == [0, 0] {
        return Ok(x.clone());
    }
    let (n, c, h, w) = x.dims4()?;
    let mut parts = Vec::new();
    if rows[0] > 0 {
        parts.push(Tensor::full(value, (n, c, rows[0], w), x.device())?);
    }
    parts.push(x.clone());
    if rows[1] > 0 {
        parts.push(Tensor::full(value, (n, c, rows[1], w), x.device())?);
    }
    let x = Tensor::cat(&parts, 2)?;
    let h2 = h + rows[0] + rows[1];
    let dev = x.device().clone();
    let mut parts = Vec::new();
    if cols[0] > 0 {
        parts.push(Tensor::full(value, (n, c, h2, cols[0]), &dev)?);
    }
    parts.push(x);
    if cols[1] > 0 {
        parts.push(Tensor::full(value, (n, c, h2, cols[1]), &dev)?);
    }
    Ok(Tensor::cat(&parts, 3)?)
}

/// Extra padding at the far end so that a plain (floor) window count gives `want` windows.
pub(crate) fn extra_for(size: usize, k: usize, s: usize, p: usize, want: usize) -> usize {
    let need = (want - 1) * s + k;
    need.saturating_sub(size + 2 * p)
}

fn conv(x: &Tensor, c: &Conv, w: Tensor, b: Option<Tensor>) -> Result<Tensor, EngineError> {
    if c.stride[0] != c.stride[1] || c.padding[0] != c.padding[1] || c.dilation[0] != c.dilation[1]
    {
        return Err(EngineError::Backend(
            "the CPU engine needs equal height/width stride, padding and dilation".into(),
        ));
    }
    let w = connected(c, w)?;
    let y = x.conv2d(&w, c.padding[0], c.stride[0], c.dilation[0], c.groups)?;
    with_bias(y, b)
}

/// The kernel with the slices a partial connection table leaves out (LeNet-5's C3: only the
/// listed input maps feed each output map) set to zero, differentiably.
pub(crate) fn connected(c: &Conv, w: Tensor) -> Result<Tensor, EngineError> {
    Ok(match &c.connections {
        Some(table) => {
            let (o, i, kh, kw) = w.dims4()?;
            let mut mask = vec![0f32; o * i];
            for (oi, ins) in table.iter().enumerate() {
                for &ii in ins {
                    mask[oi * i + ii] = 1.0;
                }
            }
            let mask = Tensor::from_vec(mask, (o, i, 1, 1), w.device())?;
            w.broadcast_mul(&mask)?.reshape((o, i, kh, kw))?
        }
        None => w,
    })
}

/// `y` plus a per-channel bias, if any.
pub(crate) fn with_bias(y: Tensor, b: Option<Tensor>) -> Result<Tensor, EngineError> {
    Ok(match b {
        Some(b) => y.broadcast_add(&channel_vec(b)?)?,
        None => y,
    })
}

pub(crate) fn pool(x: &Tensor, p: &Pool) -> Result<Tensor, EngineError> {
    let (_, _, h, w) = x.dims4()?;
    let oh = window_out(h, p.kernel[0], p.stride[0], p.padding[0], 1, p.ceil_mode);
    let ow = window_out(w, p.kernel[1], p.stride[1], p.padding[1], 1, p.ceil_mode);
    let eh = extra_for(h, p.kernel[0], p.stride[0], p.padding[0], oh);
    let ew = extra_for(w, p.kernel[1], p.stride[1], p.padding[1], ow);
    let k = (p.kernel[0], p.kernel[1]);
    let s = (p.stride[0], p.stride[1]);
    let y = match p.kind {
        PoolKind::Max => {
            let xp = pad_hw(
                x,
                [p.padding[0], p.padding[0] + eh],
                [p.padding[1], p.padding[1] + ew],
                f32::NEG_INFINITY,
            )?;
            xp.max_pool2d_with_stride(k, s)?
        }
        PoolKind::Avg => {
            // Window sums over the zero-padded input, each divided by what its window counts
            // (`pool_window`: the padding included or not, a ceil-mode window clipped).
            let xp = pad_hw(
                x,
                [p.padding[0], p.padding[0] + eh],
                [p.padding[1], p.padding[1] + ew],
                0.0,
            )?;
            let sums = (xp.avg_pool2d_with_stride(k, s)? * (k.0 * k.1) as f64)?;
            let sums = sums.narrow(2, 0, oh)?.narrow(3, 0, ow)?;
            return Ok(sums.broadcast_div(&avg_divisors(p, [h, w], [oh, ow], x.device())?)?);
        }
    };
    Ok(y.narrow(2, 0, oh)?.narrow(3, 0, ow)?)
}

/// What each window of an average pooling divides by, `[1, 1, oh, ow]` ([`pool_window`]).
pub(crate) fn avg_divisors(
    p: &Pool,
    [h, w]: [usize; 2],
    [oh, ow]: [usize; 2],
    device: &Device,
) -> Result<Tensor, EngineError> {
    let rows: Vec<f32> = (0..oh).map(|o| pool_window(p, 0, h, o).2).collect();
    let cols: Vec<f32> = (0..ow).map(|o| pool_window(p, 1, w, o).2).collect();
    let div: Vec<f32> = rows
        .iter()
        .flat_map(|r| cols.iter().map(move |c| r * c))
        .collect();
    Ok(Tensor::from_vec(div, (1, 1, oh, ow), device)?)
}

fn adaptive_avg_pool(x: &Tensor, out: [usize; 2]) -> Result<Tensor, EngineError> {
    let (_, _, h, w) = x.dims4()?;
    if out == [h, w] {
        return Ok(x.clone());
    }
    if h % out[0] == 0 && w % out[1] == 0 {
        let k = (h / out[0], w / out[1]);
        return Ok(x.avg_pool2d_with_stride(k, k)?);
    }
    // PyTorch's windows: [floor(i·in/out), ceil((i+1)·in/out)).
    let mut rows = Vec::with_capacity(out[0]);
    for i in 0..out[0] {
        let (h0, h1) = (i * h / out[0], ((i + 1) * h).div_ceil(out[0]));
        let mut cols = Vec::with_capacity(out[1]);
        for j in 0..out[1] {
            let (w0, w1) = (j * w / out[1], ((j + 1) * w).div_ceil(out[1]));
            cols.push(
                x.narrow(2, h0, h1 - h0)?
                    .narrow(3, w0, w1 - w0)?
                    .mean_keepdim(2)?
                    .mean_keepdim(3)?,
            );
        }
        rows.push(Tensor::cat(&cols, 3)?);
    }
    Ok(Tensor::cat(&rows, 2)?)
}

fn lrn(x: &Tensor, size: usize, alpha: f64, beta: f64, k: f64) -> Result<Tensor, EngineError> {
    // PyTorch: b_c = a_c / (k + α/n · Σ_{c' ∈ window(c)} a_c'²)^β, window of n channels centred
    // on c (n/2 before, (n−1)/2 after), zeros beyond the edges.
    let (n, c, h, w) = x.dims4()?;
    let sq = x.sqr()?;
    let before = size / 2;
    let after = (size - 1) / 2;
    let zeros_b = Tensor::zeros((n, before, h, w), DType::F32, x.device())?;
    let zeros_a = Tensor::zeros((n, after, h, w), DType::F32, x.device())?;
    let padded = Tensor::cat(&[&zeros_b, &sq, &zeros_a], 1)?;
    let mut sum = padded.narrow(1, 0, c)?;
    for i in 1..size {
        sum = (sum + padded.narrow(1, i, c)?)?;
    }
    let denom = ((sum * (alpha / size as f64))? + k)?.powf(beta)?;
    Ok((x / denom)?)
}

/// Keeps every `s`-th row and column (top-left aligned), as `x[:, :, ::s, ::s]`.
fn subsample_every(x: &Tensor, s: usize) -> Result<Tensor, EngineError> {
    if s == 1 {
        return Ok(x.clone());
    }
    let (n, c, h, w) = x.dims4()?;
    let (oh, ow) = (h.div_ceil(s), w.div_ceil(s));
    let xp = pad_hw(x, [0, oh * s - h], [0, ow * s - w], 0.0)?;
    Ok(xp
        .reshape((n, c, oh, s, ow, s))?
        .narrow(3, 0, 1)?
        .narrow(5, 0, 1)?
        .reshape((n, c, oh, ow))?)
}

/// Runs one node given its inputs; parameters come from `params`.
pub fn run_node(
    net: &Network,
    id: usize,
    ins: &[&Tensor],
    params: &dyn ParamSource,
) -> Result<Tensor, EngineError> {
    let node = &net.nodes[id];
    let key = |s: &str| format!("{}.{s}", node.name);
    let x = ins.first().copied();
    let x0 = || x.ok_or_else(|| EngineError::Backend(format!("{} has no input", node.name)));
    Ok(match node.op.base() {
        Op::Input { .. } => return Err(EngineError::Backend("the input node is not run".into())),
        Op::Conv2d(c) => {
            let b = if c.bias {
                Some(params.param(&key("bias"))?)
            } else {
                None
            };
            conv(x0()?, c, params.param(&key("weight"))?, b)?
        }
        Op::BatchNorm2d { eps } => {
            let mean = channel_vec(params.param(&key("running_mean"))?)?;
            let var = channel_vec(params.param(&key("running_var"))?)?;
            let w = channel_vec(params.param(&key("weight"))?)?;
            let b = channel_vec(params.param(&key("bias"))?)?;
            let scale = w.broadcast_div(&(var + *eps)?.sqrt()?)?;
            x0()?
                .broadcast_sub(&mean)?
                .broadcast_mul(&scale)?
                .broadcast_add(&b)?
        }
        Op::Act(Activation::Relu) => x0()?.relu()?,
        Op::Act(Activation::Tanh) => x0()?.tanh()?,
        Op::Act(Activation::ScaledTanh) => ((x0()? * (2.0 / 3.0))?.tanh()? * 1.7159)?,
        Op::Act(Activation::Sigmoid) => candle_nn::ops::sigmoid(x0()?)?,
        Op::Act(Activation::LeakyRelu { alpha }) => {
            let x = x0()?;
            (x.relu()? - (x.neg()?.relu()? * *alpha as f64)?)?
        }
        Op::Act(Activation::Clip { min, max }) => x0()?.clamp(*min, *max)?,
        Op::Pool2d(p) => pool(x0()?, p)?,
        Op::Subsample { kernel, stride } => {
            let sum = (x0()?
                .avg_pool2d_with_stride((kernel[0], kernel[1]), (stride[0], stride[1]))?
                * (kernel[0] * kernel[1]) as f64)?;
            let w = channel_vec(params.param(&key("weight"))?)?;
            let b = channel_vec(params.param(&key("bias"))?)?;
            sum.broadcast_mul(&w)?.broadcast_add(&b)?
        }
        Op::AdaptiveAvgPool2d { output } => adaptive_avg_pool(x0()?, *output)?,
        Op::Lrn {
            size,
            alpha,
            beta,
            k,
        } => lrn(x0()?, *size, *alpha, *beta, *k)?,
        Op::Dropout { .. } => x0()?.clone(),
        Op::Flatten => x0()?.flatten_from(1)?,
        Op::Linear { bias, .. } => {
            let w = params.param(&key("weight"))?;
            let y = x0()?.matmul(&w.t()?)?;
            if *bias {
                y.broadcast_add(&params.param(&key("bias"))?)?
            } else {
                y
            }
        }
        Op::Concat => Tensor::cat(ins, 1)?,
        Op::Add => {
            let mut acc = ins[0].clone();
            for t in &ins[1..] {
                acc = (acc + *t)?;
            }
            acc
        }
        Op::Mean => {
            let mut acc = ins[0].clone();
            for t in &ins[1..] {
                acc = (acc + *t)?;
            }
            (acc / ins.len() as f64)?
        }
        Op::Scale { factor } => (x0()? * *factor)?,
        Op::PadShortcut {
            out_channels,
            stride,
        } => {
            let y = subsample_every(x0()?, *stride)?;
            let (n, c, h, w) = y.dims4()?;
            let extra = out_channels - c;
            let (before, after) = (extra / 2, extra - extra / 2);
            let zb = Tensor::zeros((n, before, h, w), DType::F32, y.device())?;
            let za = Tensor::zeros((n, after, h, w), DType::F32, y.device())?;
            Tensor::cat(&[&zb, &y, &za], 1)?
        }
        Op::Functional(_) => unreachable!("Op::base unwraps functional ops"),
    })
}

/// Runs the whole network on a batch `[N, C, H, W]`; returns every node's output. Outputs no
/// later node needs (and `keep` does not ask for) are dropped as soon as possible.
pub fn forward_tensors(
    net: &Network,
    input: &Tensor,
    params: &dyn ParamSource,
    keep: &[usize],
) -> Result<Vec<Option<Tensor>>, EngineError> {
    forward_tensors_with(net, input, keep, &mut |id, ins| {
        run_node(net, id, ins, params)
    })
}

/// Computes one node from its inputs (see [`forward_tensors_with`]).
pub type NodeRunner<'a> = dyn FnMut(usize, &[&Tensor]) -> Result<Tensor, EngineError> + 'a;

/// [`forward_tensors`] with each node computed by `run` (given the node and its inputs): what
/// training uses to make dropout drop.
pub fn forward_tensors_with(
    net: &Network,
    input: &Tensor,
    keep: &[usize],
    run: &mut NodeRunner,
) -> Result<Vec<Option<Tensor>>, EngineError> {
    let n = net.nodes.len();
    let mut last_use = vec![0usize; n];
    for (id, node) in net.nodes.iter().enumerate() {
        for &i in &node.inputs {
            last_use[i] = last_use[i].max(id);
        }
    }
    let out_id = net.output();
    let mut outs: Vec<Option<Tensor>> = vec![None; n];
    outs[0] = Some(input.clone());
    for id in 1..n {
        let ins: Vec<&Tensor> = net.nodes[id]
            .inputs
            .iter()
            .map(|&i| outs[i].as_ref().expect("inputs are computed before use"))
            .collect();
        let y = run(id, &ins)?;
        outs[id] = Some(y);
        for &i in &net.nodes[id].inputs {
            let keep_all = keep.is_empty();
            if last_use[i] == id && !keep_all && !keep.contains(&i) && i != out_id {
                outs[i] = None;
            }
        }
    }
    Ok(outs)
}

/// A network for the candle engine: its description and checkpoint as they are.
pub struct CandleNetwork {
    net: Network,
    weights: Weights,
}

impl Engine for CandleEngine {
    fn name(&self) -> &'static str {
        "CPU (candle)"
    }

    fn prepare(&self, net: &Network, weights: Weights) -> Result<Box<dyn Prepared>, EngineError> {
        weights.check(net, &[])?;
        Ok(Box::new(CandleNetwork {
            net: net.clone(),
            weights,
        }))
    }
}

impl Prepared for CandleNetwork {
    fn network(&self) -> &Network {
        &self.net
    }

    fn engine(&self) -> &'static str {
        CandleEngine.name()
    }

    fn run(&mut self, input: &[f32], keep: &[usize]) -> Result<Activations, EngineError> {
        forward(&self.net, &self.weights, input, keep)
    }

    fn memory_bytes(&self) -> u64 {
        self.weights
            .tensors
            .values()
            .map(|t| t.values.len() as u64 * 4)
            .sum()
    }

    fn weights(&self) -> Result<Weights, EngineError> {
        Ok(self.weights.clone())
    }
}

/// Runs a network with a checkpoint's weights on one image; returns the outputs of `keep` (every
/// node when empty).
pub fn forward(
    net: &Network,
    weights: &Weights,
    input: &[f32],
    keep: &[usize],
) -> Result<Activations, EngineError> {
    let [channels, height, width] = super::checked_input(net, input)?;
    let x = Tensor::from_slice(input, (1, channels, height, width), &Device::Cpu)?;
    let outs = forward_tensors(net, &x, &CheckpointParams(weights), keep)?;
    let wanted: Vec<usize> = if keep.is_empty() {
        (0..net.nodes.len()).collect()
    } else {
        keep.to_vec()
    };
    let mut shapes = Vec::with_capacity(wanted.len());
    let mut values = Vec::with_capacity(wanted.len());
    for id in wanted {
        let t = outs[id]
            .as_ref()
            .ok_or_else(|| EngineError::Backend(format!("output of node {id} was not kept")))?;
        shapes.push(t.dims()[1..].to_vec());
        values.push(t.flatten_all()?.to_vec1::<f32>()?);
    }
    Ok(Activations { shapes, values })
}
