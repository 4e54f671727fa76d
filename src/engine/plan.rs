//! What the prepared engines fold and fuse, decided once from a network's description (and, for
//! whether a batch norm may fold, from its checkpoint's scale) and followed by the packed CPU
//! engine (`packed`) and the WebGPU engine (`gpu`) alike, so that neither decides on its own:
//!
//! - a batch norm that is the only consumer of a convolution folds into it (y = s·(W∗x + b) + t
//!   becomes (s·W)∗x + (s·b + t), `fold::conv_params`), unless its scale has a zero or is not
//!   finite: the convolution's own output is then no longer recoverable from the norm's;
//! - a ReLU that is the only consumer of a convolution (after its folded norm), of a fully
//!   connected layer, of a standalone batch norm or of an addition is written by that op;
//! - a two-input addition that is the only consumer of a convolution (after its folded norm) may
//!   be that convolution's epilogue (the residual), where an engine's convolution reads one: the
//!   packed engine's does, the WebGPU engine adds in a dispatch of its own;
//! - flatten and dropout are identities: their output is their input's.
//!
//! Every node's output stays available: the packed engine's schedule (`packed::schedule`) ends a
//! fused step at any node a run keeps, the WebGPU engine writes a fused ReLU's input and output
//! both, and a folded convolution's own output is recovered from its norm's.

use super::{fold, EngineError, Weights};
use crate::zoo::graph::{Activation, Network, NodeId, Op};

/// What becomes of a node in a prepared network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// The input image, written by the caller.
    Input,
    /// Computed by an op of its own (a kernel, a step).
    Own,
    /// An identity at inference (flatten, dropout): its output is its input's.
    Identity,
    /// A batch norm folded into convolution `conv`, which computes the norm's output.
    Folded { conv: NodeId },
    /// A ReLU written by `by`, the op whose output (after its folded norm) it reads.
    Fused { by: NodeId },
}

/// The fold and fusion decisions for one network (with one checkpoint).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    fates: Vec<Fate>,
    /// By convolution: the norm folded into it.
    folds: Vec<Option<NodeId>>,
    /// By producer: the ReLU it writes.
    relus: Vec<Option<NodeId>>,
    /// By convolution: the two-input addition its output (after its folded norm) only feeds.
    residuals: Vec<Option<NodeId>>,
    consumers: Vec<Vec<NodeId>>,
}

fn is_relu(op: &Op) -> bool {
    matches!(op.base(), Op::Act(Activation::Relu))
}

impl Plan {
    /// The plan for `net` prepared with `weights`: a norm folds where the description allows and
    /// its scale (γ/√(σ² + ε)) has no zero and nothing infinite.
    pub fn new(net: &Network, weights: &Weights) -> Result<Plan, EngineError> {
        Plan::with(net, |bn, eps| {
            let key = |s: &str| format!("{}.{s}", net.nodes[bn].name);
            let (scale, _) = fold::norm_affine(weights, &key, eps)?;
            Ok(scale.iter().all(|s| *s != 0.0 && s.is_finite()))
        })
    }

    /// The plan by the description alone, as if every norm's scale allowed folding.
    pub fn of_description(net: &Network) -> Plan {
        Plan::with(net, |_, _| Ok(true)).expect("no checkpoint is read")
    }

    fn with(
        net: &Network,
        foldable: impl Fn(NodeId, f64) -> Result<bool, EngineError>,
    ) -> Result<Plan, EngineError> {
        let n = net.nodes.len();
        let consumers = fold::consumers(net);
        let only = |id: NodeId| match consumers[id][..] {
            [u] => Some(u),
            _ => None,
        };
        let mut fates = vec![Fate::Own; n];
        let mut folds = vec![None; n];
        let mut relus = vec![None; n];
        let mut residuals = vec![None; n];
        for (id, node) in net.nodes.iter().enumerate() {
            match node.op.base() {
                Op::Input { .. } => fates[id] = Fate::Input,
                Op::Flatten | Op::Dropout { .. } => fates[id] = Fate::Identity,
                _ => {}
            }
        }
        for (id, node) in net.nodes.iter().enumerate() {
            if !matches!(node.op.base(), Op::Conv2d(_)) {
                continue;
            }
            if let Some(bn) = only(id) {
                if let Op::BatchNorm2d { eps } = net.nodes[bn].op.base() {
                    if foldable(bn, *eps)? {
                        folds[id] = Some(bn);
                        fates[bn] = Fate::Folded { conv: id };
                    }
                }
            }
        }
        for (id, node) in net.nodes.iter().enumerate() {
            let out = match (node.op.base(), fates[id]) {
                (Op::Conv2d(_), _) => folds[id].unwrap_or(id),
                (Op::Linear { .. } | Op::Add, _) | (Op::BatchNorm2d { .. }, Fate::Own) => id,
                _ => continue,
            };
            let Some(next) = only(out) else { continue };
            let op = &net.nodes[next].op;
            if is_relu(op) {
                relus[id] = Some(next);
                fates[next] = Fate::Fused { by: id };
            } else if matches!(node.op.base(), Op::Conv2d(_))
                && matches!(op, Op::Add)
                && net.nodes[next].inputs.len() == 2
            {
                residuals[id] = Some(next);
            }
        }
        Ok(Plan {
            fates,
            folds,
            relus,
            residuals,
            consumers,
        })
    }

    /// What becomes of node `id`.
    pub fn fate(&self, id: NodeId) -> Fate {
        self.fates[id]
    }

    /// The norm folded into convolution `conv`, if any.
    pub fn fold(&self, conv: NodeId) -> Option<NodeId> {
        self.folds[conv]
    }

    /// The ReLU that `producer` writes (after its folded norm), if any.
    pub fn relu(&self, producer: NodeId) -> Option<NodeId> {
        self.relus[producer]
    }

    /// The two-input addition that convolution `conv` (after its folded norm) only feeds: the
    /// residual its epilogue may add, where an engine's convolution reads one.
    pub fn residual(&self, conv: NodeId) -> Option<NodeId> {
        self.residuals[conv]
    }

    /// The nodes that read node `id`'s output.
    pub fn consumers(&self, id: NodeId) -> &[NodeId] {
        &self.consumers[id]
    }

    /// The nodes an engine runs no op for: the input, identities, folded norms, fused ReLUs.
    pub fn skipped(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.fates.len()).filter(|&id| self.fates[id] != Fate::Own)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::builder::Builder;

    fn id(net: &Network, name: &str) -> NodeId {
        net.nodes
            .iter()
            .position(|n| n.name == name)
            .unwrap_or_else(|| panic!("no node {name}"))
    }

    /// ResNet-18: every batch norm folds into the convolution before it, every ReLU is written by
    /// the op before it (a convolution through its norm, or a residual addition), and the
    /// second convolution of each block takes the block's addition as its residual.
    #[test]
    fn resnet18_folds_every_norm_and_fuses_every_relu() {
        let net = crate::zoo::build("resnet18").unwrap();
        let plan = Plan::new(&net, &Weights::splitmix(&net)).unwrap();
        assert_eq!(plan, Plan::of_description(&net));
        let mut norms = 0;
        for (i, node) in net.nodes.iter().enumerate() {
            match node.op.base() {
                Op::BatchNorm2d { .. } => {
                    norms += 1;
                    let conv = node.inputs[0];
                    assert_eq!(plan.fate(i), Fate::Folded { conv }, "{}", node.name);
                    assert_eq!(plan.fold(conv), Some(i));
                }
                Op::Act(Activation::Relu) => {
                    let Fate::Fused { by } = plan.fate(i) else {
                        panic!("{} is not fused", node.name)
                    };
                    assert_eq!(plan.relu(by), Some(i));
                    assert!(
                        matches!(net.nodes[by].op.base(), Op::Conv2d(_) | Op::Add),
                        "{} fused into {}",
                        node.name,
                        net.nodes[by].name
                    );
                }
                Op::Conv2d(_) | Op::Linear { .. } | Op::Add | Op::Pool2d(_) => {
                    assert_eq!(plan.fate(i), Fate::Own, "{}", node.name)
                }
                _ => {}
            }
        }
        assert_eq!(norms, 20);
        let conv1 = id(&net, "conv1");
        assert_eq!(plan.fold(conv1), Some(id(&net, "bn1")));
        assert_eq!(plan.relu(conv1), Some(id(&net, "relu")));
        // A block: conv1 → bn1 → relu → conv2 → bn2 → (+ identity) → relu.
        let c2 = id(&net, "layer1.0.conv2");
        let add = plan.residual(c2).expect("a residual");
        assert!(matches!(net.nodes[add].op, Op::Add));
        assert_eq!(plan.relu(c2), None);
        let relu = plan.relu(add).expect("the block's ReLU");
        assert_eq!(plan.fate(relu), Fate::Fused { by: add });
        assert_eq!(plan.residual(id(&net, "layer1.0.conv1")), None);
        // The fully connected layer ends the network: nothing to fuse.
        let fc = id(&net, "fc");
        assert_eq!((plan.relu(fc), plan.fate(fc)), (None, Fate::Own));
        assert!(plan.skipped().all(|s| plan.fate(s) != Fate::Own));
    }

    /// A norm after something other than a convolution, after a convolution that also feeds
    /// another node, or with a zero in its scale stays a norm of its own (and may write its ReLU);
    /// a ReLU after an op that cannot write it stays too.
    #[test]
    fn norms_that_cannot_fold_stay() {
        let mut b = Builder::new("t", "t", "", [3, 8, 8]);
        let x = b.input();
        let conv = |b: &mut Builder, name: &str, x| {
            b.conv_full(name, x, 4, [3, 3], [1, 1], [1, 1], 1, true)
        };
        let c1 = conv(&mut b, "c1", x);
        let p = b.max_pool("pool", c1, 2, 2, 0, false);
        let n1 = b.bn("n1", p); // after a pool: stays
        let r1 = b.relu("r1", n1); // written by the norm
        let c2 = conv(&mut b, "c2", r1);
        let n2 = b.bn("n2", c2); // c2 also feeds the concatenation: stays
        let cat = b.concat("cat", &[n2, c2]);
        let c3 = conv(&mut b, "c3", cat);
        let n3 = b.bn("n3", c3); // a zero in its scale: stays
        let t = b.add("tanh", Op::Act(Activation::Tanh), &[n3]);
        let r2 = b.relu("r2", t); // after a tanh: stays
        let net = b.finish();
        let mut w = Weights::splitmix(&net);
        w.tensors.get_mut("n3.weight").unwrap().values[1] = 0.0;
        let plan = Plan::new(&net, &w).unwrap();
        assert_eq!(plan.fate(n1), Fate::Own);
        assert_eq!(plan.relu(n1), Some(r1));
        assert_eq!(plan.fate(r1), Fate::Fused { by: n1 });
        assert_eq!((plan.fate(n2), plan.fold(c2)), (Fate::Own, None));
        assert_eq!((plan.fate(n3), plan.fold(c3)), (Fate::Own, None));
        assert_eq!(plan.fate(r2), Fate::Own);
        assert_eq!(plan.relu(c1), None);
        // By the description alone n3 would fold; the others still stay.
        let d = Plan::of_description(&net);
        assert_eq!(d.fate(n3), Fate::Folded { conv: c3 });
        assert_eq!((d.fate(n1), d.fate(n2)), (Fate::Own, Fate::Own));
        assert_eq!(
            plan.skipped().collect::<Vec<_>>(),
            vec![0, r1],
            "the input and the fused ReLU"
        );
    }
}
