//! Checkpoint weights in the form the prepared engines read, shared by the CPU and GPU engines:
//! LeNet-5's C3 table applied as zero weights, and a batch norm folded into the convolution
//! before it (y = s·(W∗x + b) + t becomes (s·W)∗x + (s·b + t)) where the plan (`super::plan`)
//! folds it.

use super::weights::NamedTensor;
use super::{EngineError, Weights};
use crate::zoo::graph::{Conv, Network, NodeId, Op};

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
