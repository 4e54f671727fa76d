//! Residual blocks as the description draws them (He, Zhang, Ren & Sun, "Deep Residual Learning
//! for Image Recognition", CVPR 2016, figures 2 and 5): for every addition of a network, the block
//! input x, the residual branch F(x), the shortcut (identity or projection), F(x) + x and the
//! block's output, with the branch's convolutions — so the page can show what each carries.
//!
//! The zoo's builders add the residual branch first and the shortcut second
//! (`b.sum("add", &[branch, shortcut])`); this module relies on that order.

use crate::i18n::Lang;
use crate::zoo::graph::{Network, NodeId, Op};
use crate::zoo::Analysis;

/// The kind of block, from its residual branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// Two 3×3 convolutions.
    Basic,
    /// 1×1 reduce, 3×3, 1×1 expand.
    Bottleneck,
    /// Another number of convolutions.
    Other(usize),
}

impl BlockKind {
    /// "basic block (two 3×3 convolutions)".
    pub fn label(self, lang: Lang) -> String {
        match self {
            BlockKind::Basic => lang.t("concepts-residual-kind-basic"),
            BlockKind::Bottleneck => lang.t("concepts-residual-kind-bottleneck"),
            BlockKind::Other(n) => lang.tf("concepts-residual-kind-other", &[("n", n.into())]),
        }
    }

    /// One word: "basic", "bottleneck".
    pub fn short(self, lang: Lang) -> String {
        match self {
            BlockKind::Basic => lang.t("concepts-residual-kind-basic-short"),
            BlockKind::Bottleneck => lang.t("concepts-residual-kind-bottleneck-short"),
            BlockKind::Other(n) => {
                lang.tf("concepts-residual-kind-other-short", &[("n", n.into())])
            }
        }
    }
}

/// What carries x to the addition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShortcutKind {
    /// x itself.
    Identity,
    /// A 1×1 convolution (with stride where the maps shrink) and its batch norm (He et al.'s
    /// option B).
    Projection,
    /// Every stride-th pixel with the new channels filled with zeros: no parameters (option A,
    /// the CIFAR ResNets).
    ZeroPad,
}

impl ShortcutKind {
    /// The page's identifier (`data-shortcut`), in English whatever the language.
    pub fn id(self) -> &'static str {
        match self {
            ShortcutKind::Identity => "identity",
            ShortcutKind::Projection => "projection",
            ShortcutKind::ZeroPad => "zero-padded identity",
        }
    }

    /// The kind in words: "identity", "projection", "zero-padded identity".
    pub fn short(self, lang: Lang) -> String {
        match self {
            ShortcutKind::Identity => lang.t("concepts-residual-shortcut-identity"),
            ShortcutKind::Projection => lang.t("concepts-residual-shortcut-projection"),
            ShortcutKind::ZeroPad => lang.t("concepts-residual-shortcut-zero-pad"),
        }
    }
}

/// One residual block.
#[derive(Clone, Debug, PartialEq)]
pub struct ResBlock {
    /// The block's name (`layer2.0`).
    pub name: String,
    /// x: the block's input.
    pub input: NodeId,
    /// F(x): the residual branch's last node.
    pub residual: NodeId,
    /// What is added to F(x): x itself, or its projection.
    pub shortcut: NodeId,
    /// F(x) + shortcut.
    pub add: NodeId,
    /// The block's output (the ReLU after the addition, or the addition).
    pub output: NodeId,
    /// The residual branch's nodes, in order.
    pub branch: Vec<NodeId>,
    /// The shortcut's nodes (empty for an identity shortcut).
    pub projection: Vec<NodeId>,
    pub shortcut_kind: ShortcutKind,
    pub kind: BlockKind,
}

impl ResBlock {
    pub fn params(&self, an: &Analysis) -> u64 {
        self.branch
            .iter()
            .chain(&self.projection)
            .map(|&i| an.layers[i].params)
            .sum()
    }

    pub fn macs(&self, an: &Analysis) -> u64 {
        self.branch
            .iter()
            .chain(&self.projection)
            .map(|&i| an.layers[i].macs)
            .sum()
    }
}

/// The nodes of `block` that `from` depends on, `from` included, in execution order; and the
/// first node outside the block that the path reads.
fn path_in_block(net: &Network, block: &str, from: NodeId) -> (Vec<NodeId>, Option<NodeId>) {
    let mut nodes = Vec::new();
    let mut outside = None;
    let mut stack = vec![from];
    while let Some(i) = stack.pop() {
        if net.nodes[i].block != block {
            outside.get_or_insert(i);
            continue;
        }
        if nodes.contains(&i) {
            continue;
        }
        nodes.push(i);
        stack.extend(net.nodes[i].inputs.iter().copied());
    }
    nodes.sort_unstable();
    (nodes, outside)
}

/// Every residual block of a network, in order.
pub fn blocks(net: &Network) -> Vec<ResBlock> {
    let mut out = Vec::new();
    for (add, n) in net.nodes.iter().enumerate() {
        if !matches!(n.op, Op::Add) || n.inputs.len() != 2 || n.block.is_empty() {
            continue;
        }
        let (residual, shortcut) = (n.inputs[0], n.inputs[1]);
        let (branch, branch_in) = path_in_block(net, &n.block, residual);
        let (projection, input) = if net.nodes[shortcut].block == n.block {
            let (p, x) = path_in_block(net, &n.block, shortcut);
            (p, x.unwrap_or(shortcut))
        } else {
            (vec![], shortcut)
        };
        let input = branch_in.unwrap_or(input);
        let output = net
            .nodes
            .iter()
            .enumerate()
            .skip(add + 1)
            .find(|(_, m)| m.block == n.block && m.inputs == [add])
            .map_or(add, |(i, _)| i);
        let convs = branch
            .iter()
            .filter(|&&i| matches!(net.nodes[i].op, Op::Conv2d(_)))
            .count();
        let kind = match convs {
            2 => BlockKind::Basic,
            3 => BlockKind::Bottleneck,
            k => BlockKind::Other(k),
        };
        let shortcut_kind = if projection.is_empty() {
            ShortcutKind::Identity
        } else if projection
            .iter()
            .any(|&i| matches!(net.nodes[i].op, Op::Conv2d(_)))
        {
            ShortcutKind::Projection
        } else {
            ShortcutKind::ZeroPad
        };
        out.push(ResBlock {
            name: n.block.clone(),
            input,
            residual,
            shortcut,
            add,
            output,
            branch,
            projection,
            shortcut_kind,
            kind,
        });
    }
    out
}

/// ‖v‖₂.
pub fn l2(v: &[f32]) -> f64 {
    v.iter()
        .map(|&x| (x as f64) * (x as f64))
        .sum::<f64>()
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::{analyse, build};

    #[test]
    fn resnet18_has_eight_basic_blocks_three_with_projections() {
        let net = build("resnet18").unwrap();
        let b = blocks(&net);
        assert_eq!(b.len(), 8);
        assert!(b.iter().all(|b| b.kind == BlockKind::Basic));
        let projected: Vec<&str> = b
            .iter()
            .filter(|b| !b.projection.is_empty())
            .map(|b| b.name.as_str())
            .collect();
        assert_eq!(projected, ["layer2.0", "layer3.0", "layer4.0"]);
        let b0 = &b[0];
        assert_eq!(net.nodes[b0.input].name, "maxpool");
        assert_eq!(b0.shortcut, b0.input);
        assert_eq!(net.nodes[b0.residual].name, "layer1.0.bn2");
        assert_eq!(net.nodes[b0.output].name, "layer1.0.relu");
        let b2 = &b[2];
        assert_eq!(net.nodes[b2.input].name, "layer1.1.relu");
        assert_eq!(net.nodes[b2.shortcut].name, "layer2.0.downsample.1");
        let an = analyse(&net);
        // conv 3×3 128←64, bn, conv 3×3 128←128, bn, projection 1×1 128←64 + bn.
        let want = 128 * 64 * 9 + 256 + 128 * 128 * 9 + 256 + 128 * 64 + 256;
        assert_eq!(b2.params(&an), want);
    }

    #[test]
    fn deeper_resnets_use_bottlenecks() {
        for (id, n) in [("resnet50", 16), ("resnet152", 50), ("resnext50_32x4d", 16)] {
            let b = blocks(&build(id).unwrap());
            assert_eq!(b.len(), n, "{id}");
            assert!(b.iter().all(|b| b.kind == BlockKind::Bottleneck), "{id}");
            assert_eq!(b.iter().filter(|b| !b.projection.is_empty()).count(), 4);
        }
    }

    #[test]
    fn the_cifar_resnet_pads_its_shortcuts_with_zeros() {
        let b = blocks(&build("stochastic_depth_110").unwrap());
        assert_eq!(b.len(), 54);
        let kinds: Vec<ShortcutKind> = b.iter().map(|b| b.shortcut_kind).collect();
        assert_eq!(
            kinds
                .iter()
                .filter(|k| **k == ShortcutKind::ZeroPad)
                .count(),
            2
        );
        assert!(!kinds.contains(&ShortcutKind::Projection));
        let r = blocks(&build("resnet18").unwrap());
        assert_eq!(r[2].shortcut_kind, ShortcutKind::Projection);
        assert_eq!(r[0].shortcut_kind, ShortcutKind::Identity);
    }

    #[test]
    fn kinds_read_in_both_languages() {
        assert_eq!(
            BlockKind::Basic.label(Lang::En),
            "basic block (two 3×3 convolutions)"
        );
        assert_eq!(BlockKind::Other(4).short(Lang::En), "4 convolutions");
        assert_eq!(
            ShortcutKind::ZeroPad.short(Lang::En),
            ShortcutKind::ZeroPad.id()
        );
        for lang in Lang::ALL {
            for k in [BlockKind::Basic, BlockKind::Bottleneck, BlockKind::Other(4)] {
                assert!(!k.label(lang).starts_with("concepts-"));
                assert!(!k.short(lang).starts_with("concepts-"));
            }
            for k in [
                ShortcutKind::Identity,
                ShortcutKind::Projection,
                ShortcutKind::ZeroPad,
            ] {
                assert!(!k.short(lang).starts_with("concepts-"));
            }
        }
    }

    #[test]
    fn norms() {
        assert_eq!(l2(&[3.0, 4.0]), 5.0);
    }
}
