//! The checkpoint a network needs, derived from its description: every tensor's key (torchvision's
//! `<module path>.<tensor>` spelling), shape and role, in execution order.

use serde::Serialize;

use super::analysis::Analysis;
use super::graph::{Network, Op};

/// What a checkpoint tensor is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Role {
    Weight,
    Bias,
    RunningMean,
    RunningVar,
    /// BatchNorm's step counter (int64 in PyTorch; unused at inference).
    NumBatchesTracked,
}

/// One tensor of the checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamSpec {
    pub key: String,
    pub shape: Vec<usize>,
    pub role: Role,
    /// The node it belongs to.
    pub node: usize,
}

/// Every tensor the network's checkpoint holds. A partially connected convolution (LeNet-5's C3)
/// stores a full `[out, in, k, k]` weight whose unconnected slices are ignored (masked).
pub fn param_specs(net: &Network, an: &Analysis) -> Vec<ParamSpec> {
    let mut out = Vec::new();
    for (id, node) in net.nodes.iter().enumerate() {
        let mut push = |suffix: &str, shape: Vec<usize>, role: Role| {
            out.push(ParamSpec {
                key: format!("{}.{suffix}", node.name),
                shape,
                role,
                node: id,
            });
        };
        let in_shape = node
            .inputs
            .first()
            .map(|&i| an.layers[i].shape.clone())
            .unwrap_or_default();
        match node.op.base() {
            Op::Conv2d(c) => {
                let cin = in_shape[0] / c.groups;
                push(
                    "weight",
                    vec![c.out_channels, cin, c.kernel[0], c.kernel[1]],
                    Role::Weight,
                );
                if c.bias {
                    push("bias", vec![c.out_channels], Role::Bias);
                }
            }
            Op::BatchNorm2d { .. } => {
                let c = in_shape[0];
                push("weight", vec![c], Role::Weight);
                push("bias", vec![c], Role::Bias);
                push("running_mean", vec![c], Role::RunningMean);
                push("running_var", vec![c], Role::RunningVar);
                push("num_batches_tracked", vec![], Role::NumBatchesTracked);
            }
            Op::Subsample { .. } => {
                push("weight", vec![in_shape[0]], Role::Weight);
                push("bias", vec![in_shape[0]], Role::Bias);
            }
            Op::Linear { out_features, bias } => {
                push("weight", vec![*out_features, in_shape[0]], Role::Weight);
                if *bias {
                    push("bias", vec![*out_features], Role::Bias);
                }
            }
            _ => {}
        }
    }
    out
}
