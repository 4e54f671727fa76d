//! Checkpoint weights in the form the prepared engines read, shared by the CPU and GPU engines:
//! LeNet-5's C3 table applied as zero weights, and a batch norm folded into the convolution
//! before it (y = s·(W∗x + b) + t becomes (s·W)∗x + (s·b + t)) where the plan (`super::plan`)
//! folds it; and back: the weights a prepared network computes with, under the checkpoint's keys
//! (`given_back`, what `Prepared::weights` answers).

use super::weights::NamedTensor;
use super::{EngineError, Weights};
use crate::zoo::graph::{Conv, Network, NodeId, Op};
use crate::zoo::params::{param_specs, Role};

/// A batch norm folded into the convolution before it: the norm's y = s·x + t per channel.
#[derive(Clone, Debug, PartialEq)]
pub struct Folded {
    pub bn: NodeId,
    pub scale: Vec<f32>,
    pub shift: Vec<f32>,
    pub eps: f64,
}

impl Folded {
    /// The convolution's own output recovered from the norm's: x = (y − t) / s per channel.
    pub fn unfold(&self, y: &[f32]) -> Vec<f32> {
        let per = y.len() / self.scale.len();
        y.iter()
            .enumerate()
            .map(|(i, v)| (v - self.shift[i / per]) / self.scale[i / per])
            .collect()
    }

    /// The convolution's own weights (`[o][…]`) from the folded ones: each output channel's
    /// divided by the norm's scale.
    pub fn unfold_weights(&self, mut w: Vec<f32>) -> Vec<f32> {
        let per = w.len() / self.scale.len();
        for (o, s) in self.scale.iter().enumerate() {
            w[o * per..(o + 1) * per].iter_mut().for_each(|x| *x /= s);
        }
        w
    }

    /// The convolution's own bias from the folded one (s·b + t): (folded − t) / s.
    pub fn unfold_bias(&self, folded: &[f32]) -> Vec<f32> {
        folded
            .iter()
            .zip(self.shift.iter().zip(&self.scale))
            .map(|(b, (t, s))| (b - t) / s)
            .collect()
    }

    /// The folded norm given back as the affine map it computes ([`affine_as_norm`]).
    pub fn as_norm(&self, role: Role) -> Result<Vec<f32>, EngineError> {
        affine_as_norm(&self.scale, &self.shift, self.eps, role)
    }
}

/// A batch norm's tensor that makes it the affine map y = s·x + t: weight s, bias t, mean 0 and
/// variance 1 − ε.
pub fn affine_as_norm(
    scale: &[f32],
    shift: &[f32],
    eps: f64,
    role: Role,
) -> Result<Vec<f32>, EngineError> {
    let n = scale.len();
    match role {
        Role::Weight => Ok(scale.to_vec()),
        Role::Bias => Ok(shift.to_vec()),
        Role::RunningMean => Ok(vec![0.0; n]),
        Role::RunningVar => Ok(vec![(1.0 - eps) as f32; n]),
        Role::NumBatchesTracked => Err(EngineError::Checkpoint(
            "a norm's step counter is not kept".into(),
        )),
    }
}

/// The weights a prepared network computes with, under its checkpoint's keys and with the shapes
/// its description gives: `value(node, role)` gives each tensor's values from what the engine
/// holds (norms' step counters are left out). A folded norm comes back as the affine map it
/// computes and its convolution with its own weights, so that every node computes what the
/// description says: how a network prepared on one engine is prepared again on another, and what
/// candle's autograd differentiates (`Weights` is a `cpu::ParamSource`).
pub fn given_back(
    net: &Network,
    mut value: impl FnMut(NodeId, Role) -> Result<Vec<f32>, EngineError>,
) -> Result<Weights, EngineError> {
    let mut w = Weights::default();
    for spec in param_specs(net, &crate::zoo::analyse(net)) {
        if spec.role == Role::NumBatchesTracked {
            continue;
        }
        let values = value(spec.node, spec.role)?;
        if values.len() != spec.shape.iter().product::<usize>() {
            return Err(EngineError::Backend(format!(
                "'{}' came back with {} values for the shape {:?}",
                spec.key,
                values.len(),
                spec.shape
            )));
        }
        w.insert(spec.key, spec.shape, values);
    }
    Ok(w)
}

/// A convolution's weights `[o][cg][kh][kw]` and bias after the C3 table and folding.
pub struct ConvParams {
    pub w: Vec<f32>,
    /// None when there is neither a bias nor a folded norm.
    pub bias: Option<Vec<f32>>,
    pub folded: Option<Folded>,
}

/// Removes and returns a checkpoint tensor.
pub fn take(w: &mut Weights, key: &str) -> Result<NamedTensor, EngineError> {
    w.tensors
        .remove(key)
        .ok_or_else(|| EngineError::Checkpoint(format!("missing key '{key}'")))
}

/// Consumers of every node.
pub fn consumers(net: &Network) -> Vec<Vec<NodeId>> {
    let mut out = vec![Vec::new(); net.nodes.len()];
    for (id, n) in net.nodes.iter().enumerate() {
        for &i in &n.inputs {
            out[i].push(id);
        }
    }
    out
}

/// The weights of convolution `id` (`cg` input channels per group, `per` = kh·kw), taken from
/// `weights`, with norm `bn` folded in where the plan folds one (`plan::Plan::fold`); the norm's
/// tensors are removed too.
pub fn conv_params(
    net: &Network,
    id: NodeId,
    c: &Conv,
    cg: usize,
    per: usize,
    bn: Option<NodeId>,
    weights: &mut Weights,
) -> Result<ConvParams, EngineError> {
    let key = |s: &str| format!("{}.{s}", net.nodes[id].name);
    let mut w = take(weights, &key("weight"))?.values;
    if let Some(table) = &c.connections {
        // LeNet-5's C3: unconnected input maps get zero weights.
        for (o, ins) in table.iter().enumerate() {
            for i in 0..cg {
                if !ins.contains(&i) {
                    w[(o * cg + i) * per..(o * cg + i + 1) * per].fill(0.0);
                }
            }
        }
    }
    let mut bias = if c.bias {
        Some(take(weights, &key("bias"))?.values)
    } else {
        None
    };
    let mut folded = None;
    if let Some(bn) = bn {
        let Op::BatchNorm2d { eps } = net.nodes[bn].op.base() else {
            return Err(EngineError::Backend(format!(
                "{} is not a batch norm",
                net.nodes[bn].name
            )));
        };
        let bk = |s: &str| format!("{}.{s}", net.nodes[bn].name);
        let (scale, shift) = norm_affine(weights, &bk, *eps)?;
        let o = c.out_channels;
        let each = w.len() / o;
        for (oc, s) in scale.iter().enumerate() {
            w[oc * each..(oc + 1) * each]
                .iter_mut()
                .for_each(|v| *v *= s);
        }
        let b: Vec<f32> = (0..o)
            .map(|oc| bias.as_ref().map_or(0.0, |b| b[oc]) * scale[oc] + shift[oc])
            .collect();
        bias = Some(b);
        for s in [
            "weight",
            "bias",
            "running_mean",
            "running_var",
            "num_batches_tracked",
        ] {
            weights.tensors.remove(&bk(s));
        }
        folded = Some(Folded {
            bn,
            scale,
            shift,
            eps: *eps,
        });
    }
    Ok(ConvParams { w, bias, folded })
}

/// A batch norm's y = s·x + t (s = γ/√(σ² + ε), t = β − μ·s).
pub fn norm_affine(
    w: &Weights,
    key: &dyn Fn(&str) -> String,
    eps: f64,
) -> Result<(Vec<f32>, Vec<f32>), EngineError> {
    let get = |s: &str| {
        w.get(&key(s))
            .map(|t| t.values.clone())
            .ok_or_else(|| EngineError::Checkpoint(format!("missing key '{}'", key(s))))
    };
    let (gamma, beta, mean, var) = (
        get("weight")?,
        get("bias")?,
        get("running_mean")?,
        get("running_var")?,
    );
    let scale: Vec<f32> = gamma
        .iter()
        .zip(&var)
        .map(|(g, v)| (*g as f64 / (*v as f64 + eps).sqrt()) as f32)
        .collect();
    let shift = beta
        .iter()
        .zip(&mean)
        .zip(&scale)
        .map(|((b, m), s)| b - m * s)
        .collect();
    Ok((scale, shift))
}
