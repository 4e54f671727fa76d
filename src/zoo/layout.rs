//! The network diagram's layout, derived from the description: normalisation, activation and
//! dropout layers are folded into the layer they follow, the remaining layers are placed left to
//! right by their longest distance from the input (rank), and parallel branches get their own
//! lanes, so Inception's four branches, ResNet's projection shortcuts and every merge are visible.

use serde::Serialize;

use super::graph::{Activation, Network, NodeId, Op, PoolKind};
use super::summary::shape_text;
use super::Analysis;
use crate::i18n::{Arg, Lang};

/// One box (or merge circle) of the diagram.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiagramNode {
    /// The description's node this box stands for.
    pub node: NodeId,
    /// The folded nodes drawn inside it (BN, ReLU, LRN, dropout…), by type name.
    pub folded: Vec<&'static str>,
    /// The node whose output leaves the box (the last folded one, or `node` itself).
    pub last: NodeId,
    pub rank: usize,
    pub lane: usize,
    /// Short caption: "7×7 conv, 64 /2", "max pool 3×3 /2", "fc 1000", "+", "concat".
    pub caption: String,
    /// Output shape, e.g. "64×112×112".
    pub shape: String,
    /// Merge nodes (add, concat, mean) are drawn as circles.
    pub merge: bool,
}

/// An arrow between two boxes (indices into [`Diagram::nodes`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiagramEdge {
    pub from: usize,
    pub to: usize,
}

/// A block's frame (an Inception module, a residual block…), spanning ranks and lanes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiagramBlock {
    pub name: String,
    pub first_rank: usize,
    pub last_rank: usize,
    pub lanes: usize,
}

/// The whole diagram.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagram {
    pub nodes: Vec<DiagramNode>,
    pub edges: Vec<DiagramEdge>,
    pub blocks: Vec<DiagramBlock>,
    pub ranks: usize,
    pub lanes: usize,
}

/// Whether a layer is drawn inside the box of the layer it follows (BN, activations, LRN…).
pub fn folds(op: &Op) -> bool {
    matches!(
        op.base(),
        Op::BatchNorm2d { .. }
            | Op::Act(_)
            | Op::Dropout { .. }
            | Op::Lrn { .. }
            | Op::Scale { .. }
            | Op::Flatten
    )
}

fn is_merge(op: &Op) -> bool {
    matches!(op.base(), Op::Add | Op::Concat | Op::Mean)
}

fn stride_text(s: [usize; 2]) -> String {
    if s == [1, 1] {
        String::new()
    } else if s[0] == s[1] {
        format!(" /{}", s[0])
    } else {
        format!(" /{}×{}", s[0], s[1])
    }
}

fn kernel_text(k: [usize; 2]) -> String {
    format!("{}×{}", k[0], k[1])
}

/// The caption of a box, in English (the notation of the papers' figures).
pub fn caption(op: &Op) -> String {
    caption_in(op, Lang::En)
}

/// The caption of a box in `lang`: "7×7 conv, 64 /2", "7×7 卷积, 64 /2".
pub fn caption_in(op: &Op, lang: Lang) -> String {
    let t = |key: &str, args: &[(&str, Arg)]| lang.tf(key, args);
    match op {
        Op::Input { .. } => t("zoo-cap-input", &[]),
        Op::Conv2d(c) => {
            let mut s = t(
                "zoo-cap-conv",
                &[
                    ("kernel", kernel_text(c.kernel).into()),
                    ("channels", c.out_channels.to_string().into()),
                    ("stride", stride_text(c.stride).into()),
                ],
            );
            if c.groups > 1 {
                s += &format!(" g{}", c.groups);
            }
            if c.connections.is_some() {
                s += &t("zoo-cap-table", &[]);
            }
            s
        }
        Op::Pool2d(p) => t(
            if p.kind == PoolKind::Max {
                "zoo-cap-max-pool"
            } else {
                "zoo-cap-avg-pool"
            },
            &[
                ("kernel", kernel_text(p.kernel).into()),
                ("stride", stride_text(p.stride).into()),
            ],
        ),
        Op::Subsample { kernel, stride } => t(
            "zoo-cap-subsample",
            &[
                ("kernel", kernel_text(*kernel).into()),
                ("stride", stride_text(*stride).into()),
            ],
        ),
        Op::AdaptiveAvgPool2d { output } => t(
            "zoo-cap-global-avg",
            &[("size", format!("{}×{}", output[0], output[1]).into())],
        ),
        Op::Linear { out_features, .. } => {
            t("zoo-cap-fc", &[("out", out_features.to_string().into())])
        }
        Op::Concat => "concat".into(),
        Op::Add => "+".into(),
        Op::Mean => "mean".into(),
        Op::PadShortcut { stride, .. } => t(
            "zoo-cap-pad-shortcut",
            &[("stride", stride.to_string().into())],
        ),
        Op::BatchNorm2d { .. } => "BN".into(),
        Op::Act(Activation::Relu) => "ReLU".into(),
        Op::Act(_) => "tanh".into(),
        Op::Dropout { p } => t("zoo-cap-dropout", &[("p", p.to_string().into())]),
        Op::Lrn { .. } => "LRN".into(),
        Op::Scale { factor } => format!("× {factor:.3}"),
        Op::Flatten => t("zoo-cap-flatten", &[]),
        Op::Functional(inner) => caption_in(inner, lang),
    }
}

/// Lays a network out; `an` is its analysis (for the shapes).
pub fn layout(net: &Network, an: &Analysis) -> Diagram {
    layout_range(net, an, 0..net.nodes.len())
}

/// Lays out the nodes `range` of a network alone (one block of the overview, opened): inputs from
/// outside the range are left out, so the range's first layers sit at rank 0.
pub fn layout_range(net: &Network, an: &Analysis, range: std::ops::Range<NodeId>) -> Diagram {
    // The box each node is drawn in: itself, or the box of its input when it folds.
    let mut box_of: Vec<Option<usize>> = vec![None; net.nodes.len()];
    let mut nodes: Vec<DiagramNode> = Vec::new();
    let mut edges: Vec<DiagramEdge> = Vec::new();
    let mut lanes_at: Vec<Vec<bool>> = Vec::new(); // lanes_at[rank][lane] taken
    for id in range {
        let node = &net.nodes[id];
        if folds(&node.op) && node.inputs.len() == 1 {
            if let Some(b) = box_of[node.inputs[0]] {
                nodes[b].folded.push(node.op.type_name());
                nodes[b].last = id;
                nodes[b].shape = shape_text(&an.layers[id].shape);
                box_of[id] = Some(b);
                continue;
            }
        }
        let mut ins: Vec<usize> = node.inputs.iter().filter_map(|&i| box_of[i]).collect();
        ins.dedup();
        let rank = ins.iter().map(|&i| nodes[i].rank + 1).max().unwrap_or(0);
        if lanes_at.len() <= rank {
            lanes_at.resize(rank + 1, Vec::new());
        }
        let preferred = ins.first().map(|&i| nodes[i].lane).unwrap_or(0);
        let taken = &mut lanes_at[rank];
        let mut lane = preferred;
        while taken.get(lane).copied().unwrap_or(false) {
            lane += 1;
        }
        if taken.len() <= lane {
            taken.resize(lane + 1, false);
        }
        taken[lane] = true;
        let me = nodes.len();
        for &i in &ins {
            edges.push(DiagramEdge { from: i, to: me });
        }
        nodes.push(DiagramNode {
            node: id,
            folded: vec![],
            last: id,
            rank,
            lane,
            caption: caption(&node.op),
            shape: shape_text(&an.layers[id].shape),
            merge: is_merge(&node.op),
        });
        box_of[id] = Some(me);
    }
    // Frames around blocks whose boxes occupy consecutive ranks.
    let mut blocks: Vec<DiagramBlock> = Vec::new();
    for n in &nodes {
        let block = &net.nodes[n.node].block;
        if block.is_empty() {
            continue;
        }
        match blocks.last_mut() {
            Some(b) if &b.name == block => {
                b.first_rank = b.first_rank.min(n.rank);
                b.last_rank = b.last_rank.max(n.rank);
                b.lanes = b.lanes.max(n.lane + 1);
            }
            _ => blocks.push(DiagramBlock {
                name: block.clone(),
                first_rank: n.rank,
                last_rank: n.rank,
                lanes: n.lane + 1,
            }),
        }
    }
    let ranks = nodes.iter().map(|n| n.rank + 1).max().unwrap_or(0);
    let lanes = nodes.iter().map(|n| n.lane + 1).max().unwrap_or(0);
    Diagram {
        nodes,
        edges,
        blocks,
        ranks,
        lanes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::{analyse, build};

    #[test]
    fn resnet_blocks_show_projection_shortcuts_beside_the_main_path() {
        let net = build("resnet50").unwrap();
        let d = layout(&net, &analyse(&net));
        // 53 convolutions + 1 fc + input + max pool + global pool + 16 additions.
        assert_eq!(d.nodes.len(), 53 + 1 + 1 + 2 + 16);
        // The four projection shortcuts sit in a second lane.
        let side: Vec<_> = d
            .nodes
            .iter()
            .filter(|n| n.lane == 1)
            .map(|n| net.nodes[n.node].name.as_str())
            .collect();
        assert_eq!(
            side,
            [
                "layer1.0.downsample.0",
                "layer2.0.downsample.0",
                "layer3.0.downsample.0",
                "layer4.0.downsample.0"
            ]
        );
        // Every addition has two incoming arrows.
        for (i, n) in d.nodes.iter().enumerate() {
            if n.caption == "+" {
                assert_eq!(d.edges.iter().filter(|e| e.to == i).count(), 2);
            }
        }
        let conv1 = &d.nodes[1];
        assert_eq!(conv1.caption, "7×7 conv, 64 /2");
        assert_eq!(conv1.folded, ["BatchNorm2d", "ReLU"]);
        assert_eq!(
            d.blocks
                .iter()
                .filter(|b| b.name.starts_with("layer"))
                .count(),
            16
        );
    }
}
