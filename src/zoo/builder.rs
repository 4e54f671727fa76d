//! Builds a network's description node by node ([`Builder`]), as the zoo's descriptions are
//! written: names under the current scope, blocks for the diagram, and the shapes of what is
//! built so far (the analysis walked as nodes are added) for shortcuts and concatenations.

use super::analysis::Walk;
use super::graph::{Activation, Conv, Hw, Network, Node, NodeId, Op, Pool, PoolKind, Quote};
use crate::i18n::Msg;

/// Builds a [`Network`] node by node. Names get the current scope as prefix.
pub struct Builder {
    net: Network,
    scope: Vec<String>,
    block: Vec<String>,
    /// The analysis of the nodes so far, kept as they are added.
    walk: Walk,
}

fn hw(v: usize) -> Hw {
    [v, v]
}

impl Builder {
    /// Starts a network with its input image.
    pub fn new(id: &str, label: &str, paper: &str, input: [usize; 3]) -> Self {
        let net = Network {
            id: id.into(),
            label: label.into(),
            paper: paper.into(),
            nodes: vec![Node {
                name: "input".into(),
                op: Op::Input {
                    channels: input[0],
                    height: input[1],
                    width: input[2],
                },
                inputs: vec![],
                block: String::new(),
            }],
            remarks: vec![],
            quotes: vec![],
        };
        let mut walk = Walk::default();
        walk.push(&net.nodes[0]);
        Builder {
            net,
            scope: vec![],
            block: vec![],
            walk,
        }
    }

    /// The input node.
    pub fn input(&self) -> NodeId {
        0
    }

    /// Adds a remark shown with the network (a catalogue message, `zoo-…`).
    pub fn remark(&mut self, msg: Msg) {
        self.net.remarks.push(msg);
    }

    /// Records a figure the paper prints for the node `layer` (its full name).
    pub fn quote(&mut self, layer: &str, what: &str, value: u64) {
        self.net.quotes.push(Quote {
            layer: layer.into(),
            what: what.into(),
            value,
        });
    }

    /// The full name of a node already added.
    pub fn name_of(&self, x: NodeId) -> &str {
        &self.net.nodes[x].name
    }

    /// Runs `f` with `name` appended to the name prefix (`layer1` then `0` gives `layer1.0.`).
    pub fn scope<R>(&mut self, name: impl Into<String>, f: impl FnOnce(&mut Self) -> R) -> R {
        self.scope.push(name.into());
        let r = f(self);
        self.scope.pop();
        r
    }

    /// Like [`Builder::scope`], and marks the scope as a block the diagram frames (a residual
    /// block, an Inception module, a fire module): its nodes, nested scopes included, get the
    /// block's full name as [`Node::block`].
    pub fn block<R>(&mut self, name: impl Into<String>, f: impl FnOnce(&mut Self) -> R) -> R {
        self.scope.push(name.into());
        self.block.push(self.scope.join("."));
        let r = f(self);
        self.block.pop();
        self.scope.pop();
        r
    }

    /// Adds a node named `name` (prefixed by the scope) reading `inputs`.
    pub fn add(&mut self, name: impl AsRef<str>, op: Op, inputs: &[NodeId]) -> NodeId {
        let name = name.as_ref();
        let full = if self.scope.is_empty() {
            name.to_string()
        } else if name.is_empty() {
            self.scope.join(".")
        } else {
            format!("{}.{}", self.scope.join("."), name)
        };
        let block = self.block.last().cloned().unwrap_or_default();
        for &i in inputs {
            assert!(
                i < self.net.nodes.len(),
                "{full}: input {i} does not exist yet"
            );
        }
        self.net.nodes.push(Node {
            name: full,
            op,
            inputs: inputs.to_vec(),
            block,
        });
        let id = self.net.nodes.len() - 1;
        self.walk.push(&self.net.nodes[id]);
        id
    }

    /// A square convolution `k`×`k`, stride `s`, padding `p`, with bias.
    pub fn conv(
        &mut self,
        name: &str,
        x: NodeId,
        out: usize,
        k: usize,
        s: usize,
        p: usize,
    ) -> NodeId {
        self.conv_full(name, x, out, hw(k), hw(s), hw(p), 1, true)
    }

    /// A convolution with every hyper-parameter given.
    #[allow(clippy::too_many_arguments)]
    pub fn conv_full(
        &mut self,
        name: &str,
        x: NodeId,
        out: usize,
        kernel: Hw,
        stride: Hw,
        padding: Hw,
        groups: usize,
        bias: bool,
    ) -> NodeId {
        let conv = Conv {
            out_channels: out,
            kernel,
            stride,
            padding,
            dilation: [1, 1],
            groups,
            bias,
            connections: None,
        };
        self.add(name, Op::Conv2d(conv), &[x])
    }

    pub fn bn(&mut self, name: &str, x: NodeId) -> NodeId {
        self.add(name, Op::BatchNorm2d { eps: 1e-5 }, &[x])
    }

    pub fn relu(&mut self, name: &str, x: NodeId) -> NodeId {
        self.add(name, Op::Act(Activation::Relu), &[x])
    }

    pub fn max_pool(
        &mut self,
        name: &str,
        x: NodeId,
        k: usize,
        s: usize,
        p: usize,
        ceil: bool,
    ) -> NodeId {
        let pool = Pool {
            kind: PoolKind::Max,
            kernel: hw(k),
            stride: hw(s),
            padding: hw(p),
            ceil_mode: ceil,
            count_include_pad: true,
        };
        self.add(name, Op::Pool2d(pool), &[x])
    }

    pub fn avg_pool(
        &mut self,
        name: &str,
        x: NodeId,
        k: usize,
        s: usize,
        p: usize,
        ceil: bool,
    ) -> NodeId {
        let pool = Pool {
            kind: PoolKind::Avg,
            kernel: hw(k),
            stride: hw(s),
            padding: hw(p),
            ceil_mode: ceil,
            count_include_pad: true,
        };
        self.add(name, Op::Pool2d(pool), &[x])
    }

    pub fn adaptive_avg_pool(&mut self, name: &str, x: NodeId, out: usize) -> NodeId {
        self.add(name, Op::AdaptiveAvgPool2d { output: hw(out) }, &[x])
    }

    pub fn dropout(&mut self, name: &str, x: NodeId, p: f64) -> NodeId {
        self.add(name, Op::Dropout { p }, &[x])
    }

    pub fn flatten(&mut self, x: NodeId) -> NodeId {
        self.add("flatten", Op::Flatten, &[x])
    }

    pub fn linear(&mut self, name: &str, x: NodeId, out: usize) -> NodeId {
        self.add(
            name,
            Op::Linear {
                out_features: out,
                bias: true,
            },
            &[x],
        )
    }

    pub fn concat(&mut self, name: &str, xs: &[NodeId]) -> NodeId {
        self.add(name, Op::Concat, xs)
    }

    pub fn sum(&mut self, name: &str, xs: &[NodeId]) -> NodeId {
        self.add(name, Op::Add, xs)
    }

    /// Channels of a node's output, inferred from the nodes so far (builders use it to size
    /// shortcuts and concatenations).
    pub fn channels(&self, x: NodeId) -> usize {
        self.walk.layers()[x].shape[0]
    }

    /// Finishes the network.
    pub fn finish(self) -> Network {
        self.net
    }
}

/// Convenience methods for the networks with local response normalisation, non-default
/// batch-norm epsilons and functional (non-module) layers.
impl Builder {
    /// Local response normalisation across `size` channels (PyTorch's `LocalResponseNorm`).
    pub fn lrn(
        &mut self,
        name: &str,
        x: NodeId,
        size: usize,
        alpha: f64,
        beta: f64,
        k: f64,
    ) -> NodeId {
        self.add(
            name,
            Op::Lrn {
                size,
                alpha,
                beta,
                k,
            },
            &[x],
        )
    }

    /// Batch normalisation with the given epsilon (GoogLeNet's `BasicConv2d` uses 0.001).
    pub fn bn_eps(&mut self, name: &str, x: NodeId, eps: f64) -> NodeId {
        self.add(name, Op::BatchNorm2d { eps }, &[x])
    }

    /// Adds `op` as a functional call ([`Op::Functional`]): computed, but no torchvision module.
    pub fn functional(&mut self, name: &str, op: Op, x: NodeId) -> NodeId {
        self.add(name, Op::Functional(Box::new(op)), &[x])
    }

    /// A ReLU applied as `F.relu` rather than an `nn.ReLU` module.
    pub fn relu_fn(&mut self, name: &str, x: NodeId) -> NodeId {
        self.functional(name, Op::Act(Activation::Relu), x)
    }
}
