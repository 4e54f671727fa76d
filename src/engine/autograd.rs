//! Gradients through a network's description with candle's autograd: the effective receptive field
//! of one unit, |∂unit/∂input| (Luo, Li, Urtasun & Zemel, "Understanding the Effective Receptive
//! Field in Deep Convolutional Neural Networks", NIPS 2016), and the backward passes of the
//! gradient-flow experiment (`crate::concepts::gradient_flow`).
//!
//! The forward pass is the CPU engine's, node by node ([`super::cpu::run_node`]), run only for the
//! nodes the target depends on. Two things differ, because candle's backward needs them:
//! pooling windows that overlap (kernel ≠ stride) are built from strided slices and element-wise
//! maxima or sums, which candle can differentiate; and batch normalisation may use the batch's
//! own statistics, as in training.

use candle_core::{DType, Device, IndexOp, Tensor, Var};

use super::cpu::{extra_for, pad_hw, run_node, ParamSource};
use super::EngineError;
use crate::zoo::analysis::window_out;
use crate::zoo::graph::{Network, NodeId, Op, Pool, PoolKind};

/// Which statistics batch normalisation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NormStats {
    /// The running mean and variance of the checkpoint (inference).
    Running,
    /// The batch's own mean and (biased) variance (training).
    Batch,
}

/// One unit of a node's output: `channel`, row `y`, column `x` of a map; for a vector, the
/// unit's index is `channel` and `y = x = 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    pub node: NodeId,
    pub channel: usize,
    pub y: usize,
    pub x: usize,
}

/// Marks the nodes `target` depends on, itself included.
pub fn ancestors(net: &Network, target: NodeId) -> Vec<bool> {
    let mut need = vec![false; net.nodes.len()];
    need[target] = true;
    for id in (0..=target).rev() {
        if need[id] {
            for &i in &net.nodes[id].inputs {
                need[i] = true;
            }
        }
    }
    need
}

/// The `(dy, dx)` offset of every window, taken every `s` pixels: an `oh × ow` view of `xp`
/// (already padded far enough that `dy + oh·s` rows and `dx + ow·s` columns exist).
fn strided_view(
    xp: &Tensor,
    dy: usize,
    dx: usize,
    out: [usize; 2],
    s: [usize; 2],
) -> Result<Tensor, EngineError> {
    let (n, c, _, _) = xp.dims4()?;
    let v = xp
        .narrow(2, dy, out[0] * s[0])?
        .narrow(3, dx, out[1] * s[1])?;
    Ok(v.reshape((n, c, out[0], s[0], out[1], s[1]))?
        .narrow(3, 0, 1)?
        .narrow(5, 0, 1)?
        .reshape((n, c, out[0], out[1]))?)
}

/// Max or average pooling (the divisor as `count_include_pad` says), ceil mode and padding
/// included, from differentiable pieces.
pub fn pool_differentiable(x: &Tensor, p: &Pool) -> Result<Tensor, EngineError> {
    let (_, _, h, w) = x.dims4()?;
    let (k, s, pad) = (p.kernel, p.stride, p.padding);
    let oh = window_out(h, k[0], s[0], pad[0], 1, p.ceil_mode);
    let ow = window_out(w, k[1], s[1], pad[1], 1, p.ceil_mode);
    let eh = extra_for(h, k[0], s[0], pad[0], oh);
    let ew = extra_for(w, k[1], s[1], pad[1], ow);
    let fill = match p.kind {
        PoolKind::Max => f32::NEG_INFINITY,
        PoolKind::Avg => 0.0,
    };
    // Room for the last strided view: `s` more rows and columns than the windows need.
    let xp = pad_hw(
        x,
        [pad[0], pad[0] + eh + s[0]],
        [pad[1], pad[1] + ew + s[1]],
        fill,
    )?;
    let mut acc: Option<Tensor> = None;
    for dy in 0..k[0] {
        for dx in 0..k[1] {
            let v = strided_view(&xp, dy, dx, [oh, ow], s)?;
            acc = Some(match (acc, p.kind) {
                (None, _) => v,
                (Some(a), PoolKind::Max) => a.maximum(&v)?,
                (Some(a), PoolKind::Avg) => (a + v)?,
            });
        }
    }
    let acc = acc.expect("a window has at least one pixel");
    Ok(match p.kind {
        PoolKind::Max => acc,
        PoolKind::Avg => {
            acc.broadcast_div(&super::cpu::avg_divisors(p, [h, w], [oh, ow], x.device())?)?
        }
    })
}

/// Batch normalisation with the batch's statistics (training mode).
fn batch_norm_batch(
    x: &Tensor,
    weight: Tensor,
    bias: Tensor,
    eps: f64,
) -> Result<Tensor, EngineError> {
    let c = x.dim(1)?;
    let mean = x.mean_keepdim(0)?.mean_keepdim(2)?.mean_keepdim(3)?;
    let centred = x.broadcast_sub(&mean)?;
    let var = centred
        .sqr()?
        .mean_keepdim(0)?
        .mean_keepdim(2)?
        .mean_keepdim(3)?;
    let scale = weight
        .reshape((1, c, 1, 1))?
        .broadcast_div(&(var + eps)?.sqrt()?)?;
    Ok(centred
        .broadcast_mul(&scale)?
        .broadcast_add(&bias.reshape((1, c, 1, 1))?)?)
}

/// Runs the nodes `target` depends on, differentiably; the others stay `None`.
pub fn forward_until(
    net: &Network,
    input: &Tensor,
    params: &dyn ParamSource,
    target: NodeId,
    stats: NormStats,
) -> Result<Vec<Option<Tensor>>, EngineError> {
    forward_probed(net, input, params, target, stats, &mut |_, t| Ok(t))
}

/// [`forward_until`], passing every node's output through `probe` before later nodes read it
/// (the gradient-flow experiment adds a zero variable there to read the gradient reaching it).
pub fn forward_probed(
    net: &Network,
    input: &Tensor,
    params: &dyn ParamSource,
    target: NodeId,
    stats: NormStats,
    probe: &mut dyn FnMut(NodeId, Tensor) -> Result<Tensor, EngineError>,
) -> Result<Vec<Option<Tensor>>, EngineError> {
    if target >= net.nodes.len() {
        return Err(EngineError::Input(format!(
            "node {target} of a network of {} nodes",
            net.nodes.len()
        )));
    }
    let need = ancestors(net, target);
    let mut outs: Vec<Option<Tensor>> = vec![None; net.nodes.len()];
    outs[0] = Some(input.clone());
    for id in 1..=target {
        if !need[id] {
            continue;
        }
        let node = &net.nodes[id];
        let ins: Vec<&Tensor> = node
            .inputs
            .iter()
            .map(|&i| outs[i].as_ref().expect("inputs run before their readers"))
            .collect();
        let y = match node.op.base() {
            Op::Pool2d(p) if p.kernel != p.stride || p.ceil_mode || p.padding != [0, 0] => {
                pool_differentiable(ins[0], p)?
            }
            Op::BatchNorm2d { eps } if stats == NormStats::Batch => batch_norm_batch(
                ins[0],
                params.param(&format!("{}.weight", node.name))?,
                params.param(&format!("{}.bias", node.name))?,
                *eps,
            )?,
            _ => run_node(net, id, &ins, params)?,
        };
        outs[id] = Some(probe(id, y)?);
    }
    Ok(outs)
}

/// The value of `unit` in a node's output tensor (batch element 0).
fn unit_value(t: &Tensor, unit: &Unit) -> Result<Tensor, EngineError> {
    Ok(match t.rank() {
        4 => t.i((0, unit.channel, unit.y, unit.x))?,
        2 => t.i((0, unit.channel))?,
        r => {
            return Err(EngineError::Backend(format!(
                "a node output of rank {r} has no units"
            )))
        }
    })
}

/// ∂unit/∂input for one image (`[C, H, W]` row-major), with the given parameters (a checkpoint's,
/// or a prepared network's) and running statistics: the gradient image, `[C, H, W]` row-major, and
/// the unit's value.
pub fn input_gradient(
    net: &Network,
    params: &dyn ParamSource,
    input: &[f32],
    unit: Unit,
) -> Result<(Vec<f32>, f32), EngineError> {
    let [channels, height, width] = super::checked_input(net, input)?;
    let x = Var::from_tensor(&Tensor::from_slice(
        input,
        (1, channels, height, width),
        &Device::Cpu,
    )?)?;
    let outs = forward_until(net, x.as_tensor(), params, unit.node, NormStats::Running)?;
    let out = outs[unit.node]
        .as_ref()
        .ok_or_else(|| EngineError::Backend("the unit's node did not run".into()))?;
    let value = unit_value(out, &unit)?;
    let grads = value.backward()?;
    let v = value.to_dtype(DType::F32)?.to_scalar::<f32>()?;
    let g = match grads.get(x.as_tensor()) {
        Some(g) => g.flatten_all()?.to_vec1::<f32>()?,
        // A unit that does not depend on the input (a constant) has a zero gradient.
        None => vec![0.0; input.len()],
    };
    Ok((g, v))
}

/// The effective receptive field's heat: |gradient| summed over the input channels, `H × W`.
pub fn magnitude_map(gradient: &[f32], channels: usize) -> Vec<f32> {
    let per = gradient.len() / channels;
    (0..per)
        .map(|i| (0..channels).map(|c| gradient[c * per + i].abs()).sum())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Weights;
    use crate::zoo::builder::Builder;

    fn pool(kind: PoolKind, k: usize, s: usize, p: usize, ceil: bool) -> Pool {
        Pool {
            kind,
            kernel: [k, k],
            stride: [s, s],
            padding: [p, p],
            ceil_mode: ceil,
            count_include_pad: true,
        }
    }

    #[test]
    fn differentiable_pooling_equals_the_engine() {
        let vals: Vec<f32> = (0..2 * 3 * 11 * 11)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
            .collect();
        let x = Tensor::from_vec(vals, (2, 3, 11, 11), &Device::Cpu).unwrap();
        for p in [
            pool(PoolKind::Max, 3, 2, 0, true),
            pool(PoolKind::Max, 3, 2, 1, false),
            pool(PoolKind::Max, 3, 1, 1, true),
            pool(PoolKind::Max, 2, 2, 0, false),
            pool(PoolKind::Avg, 5, 3, 0, false),
            pool(PoolKind::Avg, 3, 2, 1, false),
        ] {
            let want = super::super::cpu::pool(&x, &p).unwrap();
            let got = pool_differentiable(&x, &p).unwrap();
            assert_eq!(got.dims(), want.dims(), "{p:?}");
            let d = (got - want)
                .unwrap()
                .abs()
                .unwrap()
                .flatten_all()
                .unwrap()
                .max(0)
                .unwrap()
                .to_scalar::<f32>()
                .unwrap();
            assert!(d < 1e-5, "{p:?}: {d}");
        }
    }

    /// A small net with a strided conv, an overlapping max pool, batch norm and a linear layer:
    /// the autograd gradient matches central finite differences.
    #[test]
    fn input_gradient_matches_finite_differences() {
        let mut b = Builder::new("t", "t", "", [2, 9, 9]);
        let x = b.input();
        let y = b.conv("c1", x, 3, 3, 2, 1);
        let y = b.bn("bn", y);
        let y = b.add("tanh", Op::Act(crate::zoo::graph::Activation::Tanh), &[y]);
        let y = b.max_pool("pool", y, 3, 1, 1, true);
        let y = b.conv("c2", y, 2, 3, 1, 0);
        let y = b.flatten(y);
        b.linear("fc", y, 3);
        let net = b.finish();
        let weights = Weights::splitmix(&net);
        let input: Vec<f32> = (0..2 * 81)
            .map(|i| ((i * 7919 % 97) as f32) / 48.0 - 1.0)
            .collect();
        let unit = Unit {
            node: net.output(),
            channel: 1,
            y: 0,
            x: 0,
        };
        let params = crate::engine::cpu::CheckpointParams(&weights);
        let (g, v) = input_gradient(&net, &params, &input, unit).unwrap();
        let f = |inp: &[f32]| {
            let a = crate::engine::cpu::forward(&net, &weights, inp, &[net.output()]).unwrap();
            a.values[0][1] as f64
        };
        assert!((f(&input) - v as f64).abs() < 1e-5);
        let h = 2e-3f32;
        let mut worst = 0f64;
        for i in 0..input.len() {
            let mut p = input.clone();
            p[i] += h;
            let mut m = input.clone();
            m[i] -= h;
            let fd = (f(&p) - f(&m)) / (2.0 * h as f64);
            worst = worst.max((fd - g[i] as f64).abs());
        }
        assert!(worst < 2e-3, "largest difference {worst}");
        assert!(
            g.iter().any(|&v| v.abs() > 1e-3),
            "a gradient that is all zero"
        );
    }
}
