//! The diagram's levels, derived from the description: layers (with BN, activations and dropout
//! folded in) and blocks (a residual block, an Inception module, a dense layer…) become units;
//! consecutive units of one kind, one family and one map size are a group ("×36 bottleneck"); runs
//! of groups at one map size are the stages. A long network (ResNet-152: 516 nodes) reads as seven
//! stages of a few boxes each; every group and block opens to what it holds.

use std::ops::{Range, RangeInclusive};

use serde::Serialize;

use super::analysis::feeds_output;
use super::graph::{Network, NodeId, Op};
use super::layout::{caption, folds};
use super::Analysis;

/// What a block is, read from its structure (never from its name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BlockKind {
    /// A residual block whose main path has three convolutions (1×1, 3×3, 1×1; He et al. 2016).
    Bottleneck,
    /// A residual block with two convolutions on its main path.
    Residual,
    /// Parallel branches joined by a concatenation (Szegedy et al. 2015).
    Inception,
    /// A squeeze 1×1 then 1×1 and 3×3 expands, concatenated (Iandola et al. 2016).
    Fire,
    /// Reads the concatenation of all maps before it in its dense block (Huang et al. 2017).
    Dense,
    /// Columns joined by element-wise means (Larsson et al. 2017).
    Fractal,
    /// A convolution followed by 1×1 convolutions, a micro network (Lin et al. 2014).
    Mlpconv,
    /// A branch that does not reach the output: a training-only auxiliary classifier.
    Auxiliary,
    /// Anything else.
    Plain,
}

impl BlockKind {
    /// Its message key in the catalogue.
    pub fn key(self) -> &'static str {
        match self {
            Self::Bottleneck => "zoo-kind-bottleneck",
            Self::Residual => "zoo-kind-residual",
            Self::Inception => "zoo-kind-inception",
            Self::Fire => "zoo-kind-fire",
            Self::Dense => "zoo-kind-dense",
            Self::Fractal => "zoo-kind-fractal",
            Self::Mlpconv => "zoo-kind-mlpconv",
            Self::Auxiliary => "zoo-kind-auxiliary",
            Self::Plain => "zoo-kind-plain",
        }
    }
}

/// One layer (with what folds into it) or one block: the description's nodes `first..=last`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Unit {
    pub first: NodeId,
    /// The node whose output leaves the unit.
    pub last: NodeId,
    /// The block's name; None for a layer.
    pub block: Option<String>,
    /// None for a layer.
    pub kind: Option<BlockKind>,
    /// The side of its output maps (0 for vectors).
    pub side: usize,
    /// Whether its output reaches the network's output (false for auxiliary classifiers).
    pub main: bool,
    /// The units it reads, in order.
    pub inputs: Vec<usize>,
    /// Channels in (of its first input; 0 for the input layer) and out.
    pub channels_in: usize,
    pub channels_out: usize,
    /// Output channels of its first convolution (a bottleneck's width), if it has one.
    pub width: Option<usize>,
    pub params: u64,
    pub macs: u64,
}

impl Unit {
    pub fn nodes(&self) -> RangeInclusive<NodeId> {
        self.first..=self.last
    }
}

/// Consecutive units of one kind and family at one map size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    pub units: Range<usize>,
}

impl Group {
    pub fn repeat(&self) -> usize {
        self.units.len()
    }
}

/// A run of groups at one map size.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stage {
    pub side: usize,
    pub groups: Range<usize>,
    pub params: u64,
    pub macs: u64,
}

/// The levels of one network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Overview {
    pub units: Vec<Unit>,
    pub groups: Vec<Group>,
    pub stages: Vec<Stage>,
}

fn side_of(shape: &[usize]) -> usize {
    if shape.len() == 3 {
        shape[1]
    } else {
        0
    }
}

/// "layer3" for "layer3.17", "inception4" for "inception4c", "features.denseblock2" for
/// "features.denseblock2.denselayer5": what repeats, without the repetition's index.
pub fn family(block: &str) -> &str {
    if let Some((head, _)) = block.rsplit_once('.') {
        return head;
    }
    let b = block.as_bytes();
    if b.len() >= 2 && b[b.len() - 1].is_ascii_lowercase() && b[b.len() - 2].is_ascii_digit() {
        return &block[..block.len() - 1];
    }
    block.trim_end_matches(|c: char| c.is_ascii_digit())
}

fn block_kind(net: &Network, nodes: RangeInclusive<NodeId>, main: bool) -> BlockKind {
    if !main {
        return BlockKind::Auxiliary;
    }
    let inside = |i: NodeId| nodes.contains(&i);
    let ops = || nodes.clone().map(|i| (i, &net.nodes[i]));
    if ops().any(|(_, n)| matches!(n.op.base(), Op::Mean)) {
        return BlockKind::Fractal;
    }
    if let Some((add, _)) = ops().find(|(_, n)| matches!(n.op.base(), Op::Add)) {
        // The most convolutions on one path inside the block up to the addition.
        let mut convs = vec![0usize; add + 1 - nodes.start()];
        for i in *nodes.start()..=add {
            let n = &net.nodes[i];
            let before = n
                .inputs
                .iter()
                .filter(|&&j| inside(j))
                .map(|&j| convs[j - nodes.start()])
                .max()
                .unwrap_or(0);
            convs[i - nodes.start()] = before + usize::from(matches!(n.op.base(), Op::Conv2d(_)));
        }
        return if convs[add - nodes.start()] >= 3 {
            BlockKind::Bottleneck
        } else {
            BlockKind::Residual
        };
    }
    if let Some((_, cat)) = ops().find(|(_, n)| matches!(n.op.base(), Op::Concat)) {
        return if cat.inputs.iter().any(|&j| !inside(j)) {
            BlockKind::Dense
        } else if cat.inputs.len() == 2 {
            BlockKind::Fire
        } else {
            BlockKind::Inception
        };
    }
    let convs: Vec<_> = ops()
        .filter_map(|(_, n)| match n.op.base() {
            Op::Conv2d(c) => Some(c.kernel),
            _ => None,
        })
        .collect();
    if convs.len() >= 2 && convs[1..].iter().all(|k| *k == [1, 1]) {
        BlockKind::Mlpconv
    } else {
        BlockKind::Plain
    }
}

/// Units, groups and stages of a network.
pub fn overview(net: &Network, an: &Analysis) -> Overview {
    let main = feeds_output(net);
    let mut unit_of = vec![0usize; net.nodes.len()];
    let mut spans: Vec<(NodeId, NodeId)> = Vec::new();
    for (id, node) in net.nodes.iter().enumerate() {
        let joins = match spans.last() {
            Some(&(first, _)) if !node.block.is_empty() => net.nodes[first].block == node.block,
            Some(&(first, last)) => {
                net.nodes[first].block.is_empty()
                    && folds(&node.op)
                    && node.inputs.len() == 1
                    && (first..=last).contains(&node.inputs[0])
            }
            None => false,
        };
        if joins {
            spans.last_mut().expect("a unit is open").1 = id;
        } else {
            spans.push((id, id));
        }
        unit_of[id] = spans.len() - 1;
    }
    let units: Vec<Unit> = spans
        .iter()
        .map(|&(first, last)| {
            let range = first..=last;
            let mut inputs: Vec<usize> = range
                .clone()
                .flat_map(|i| net.nodes[i].inputs.iter().copied())
                .filter(|j| !range.contains(j))
                .map(|j| unit_of[j])
                .collect();
            inputs.sort_unstable();
            inputs.dedup();
            let block = &net.nodes[first].block;
            let first_input = range
                .clone()
                .flat_map(|i| net.nodes[i].inputs.iter().copied())
                .find(|j| !range.contains(j));
            Unit {
                first,
                last,
                block: (!block.is_empty()).then(|| block.clone()),
                kind: (!block.is_empty()).then(|| block_kind(net, range.clone(), main[last])),
                side: side_of(&an.layers[last].shape),
                main: main[last],
                inputs,
                // A block that opens with a concatenation (a dense layer) reads all of it.
                channels_in: if matches!(net.nodes[first].op.base(), Op::Concat) {
                    an.layers[first].shape[0]
                } else {
                    first_input.map_or(0, |j| an.layers[j].shape[0])
                },
                channels_out: an.layers[last].shape[0],
                width: range.clone().find_map(|i| match net.nodes[i].op.base() {
                    Op::Conv2d(c) => Some(c.out_channels),
                    _ => None,
                }),
                params: range.clone().map(|i| an.layers[i].params).sum(),
                macs: range.map(|i| an.layers[i].macs).sum(),
            }
        })
        .collect();
    // A dense block's first layer reads a single map, so nothing concatenates inside it: it is a
    // dense layer when the next layer of its family is.
    let mut units = units;
    for i in (0..units.len().saturating_sub(1)).rev() {
        let next = &units[i + 1];
        if units[i].kind == Some(BlockKind::Plain)
            && next.kind == Some(BlockKind::Dense)
            && next.block.as_deref().map(family) == units[i].block.as_deref().map(family)
        {
            units[i].kind = Some(BlockKind::Dense);
        }
    }
    // What makes two neighbouring units repeats of one another.
    let signature = |u: &Unit| -> (Option<BlockKind>, String) {
        match &u.block {
            Some(b) => (u.kind, family(b).to_string()),
            None => {
                let folded: Vec<&str> = (u.first + 1..=u.last)
                    .map(|i| net.nodes[i].op.type_name())
                    .collect();
                (
                    None,
                    format!("{} {}", caption(&net.nodes[u.first].op), folded.join("+")),
                )
            }
        }
    };
    let mut groups: Vec<Group> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let repeats = i > 0 && {
            let prev = &units[i - 1];
            let chained = u.inputs == [i - 1] || u.kind == Some(BlockKind::Dense);
            let merge = u.block.is_none()
                && matches!(
                    net.nodes[u.first].op.base(),
                    Op::Concat | Op::Add | Op::Mean
                );
            prev.main
                && u.main
                && prev.side == u.side
                && chained
                && !merge
                && !matches!(net.nodes[u.first].op, Op::Input { .. })
                && signature(prev) == signature(u)
                && groups.last().is_some_and(|g| g.units.end == i)
        };
        if repeats {
            groups.last_mut().expect("a group is open").units.end = i + 1;
        } else {
            groups.push(Group { units: i..i + 1 });
        }
    }
    let mut stages: Vec<Stage> = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        // A branch off the main line (an auxiliary classifier) stays in the stage it leaves.
        let u = &units[group.units.start];
        let side = match stages.last() {
            Some(s) if !u.main => s.side,
            _ => u.side,
        };
        let (params, macs) = units[group.units.clone()]
            .iter()
            .fold((0, 0), |(p, m), u| (p + u.params, m + u.macs));
        match stages.last_mut() {
            Some(s) if s.side == side => {
                s.groups.end = g + 1;
                s.params += params;
                s.macs += macs;
            }
            _ => stages.push(Stage {
                side,
                groups: g..g + 1,
                params,
                macs,
            }),
        }
    }
    Overview {
        units,
        groups,
        stages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::{analyse, build, ids};

    fn of(model: &str) -> Overview {
        let net = build(model).unwrap();
        overview(&net, &analyse(&net))
    }

    #[test]
    fn families_drop_the_repetition_index() {
        assert_eq!(family("layer3.17"), "layer3");
        assert_eq!(family("inception4c"), "inception4");
        assert_eq!(
            family("features.denseblock2.denselayer5"),
            "features.denseblock2"
        );
        assert_eq!(family("mlpconv3"), "mlpconv");
        assert_eq!(family("aux1"), "aux");
    }

    #[test]
    fn resnet152_reads_as_its_stages_of_repeated_bottlenecks() {
        let ov = of("resnet152");
        let blocks: Vec<(usize, usize, Option<BlockKind>)> = ov
            .groups
            .iter()
            .filter(|g| ov.units[g.units.start].block.is_some())
            .map(|g| {
                let u = &ov.units[g.units.end - 1];
                (g.repeat(), u.side, u.kind)
            })
            .collect();
        let b = Some(BlockKind::Bottleneck);
        assert_eq!(blocks, [(3, 56, b), (8, 28, b), (36, 14, b), (3, 7, b)]);
        let layer3 = &ov.units[ov
            .groups
            .iter()
            .find(|g| g.repeat() == 36)
            .unwrap()
            .units
            .end
            - 1];
        assert_eq!(
            (layer3.channels_in, layer3.width, layer3.channels_out),
            (1024, Some(256), 1024)
        );
        let sides: Vec<usize> = ov.stages.iter().map(|s| s.side).collect();
        // The global average pool's flatten folds into it: its output is a vector.
        assert_eq!(sides, [224, 112, 56, 28, 14, 7, 0]);
    }

    #[test]
    fn stages_and_units_partition_the_network() {
        for id in ids() {
            let net = build(id).unwrap();
            let an = analyse(&net);
            let ov = overview(&net, &an);
            let mut next = 0;
            for u in &ov.units {
                assert_eq!(u.first, next, "{id}");
                next = u.last + 1;
            }
            assert_eq!(next, net.nodes.len(), "{id}");
            assert_eq!(
                ov.stages.iter().map(|s| s.params).sum::<u64>(),
                an.total_params,
                "{id}"
            );
            assert_eq!(
                ov.stages.iter().map(|s| s.macs).sum::<u64>(),
                an.total_macs,
                "{id}"
            );
            assert_eq!(ov.stages.last().unwrap().groups.end, ov.groups.len());
        }
    }

    #[test]
    fn kinds_are_read_from_the_structure() {
        let kinds = |m: &str| -> Vec<(usize, BlockKind)> {
            let ov = of(m);
            ov.groups
                .iter()
                .filter_map(|g| ov.units[g.units.start].kind.map(|k| (g.repeat(), k)))
                .collect()
        };
        use BlockKind::*;
        assert_eq!(
            kinds("resnet18"),
            [(2, Residual), (2, Residual), (2, Residual), (2, Residual)]
        );
        assert_eq!(
            kinds("densenet121"),
            [(6, Dense), (12, Dense), (24, Dense), (16, Dense)]
        );
        assert_eq!(
            kinds("googlenet"),
            [(2, Inception), (5, Inception), (2, Inception)]
        );
        // The paper's auxiliary classifiers break the run of 4a–4e and stand apart.
        assert_eq!(
            kinds("googlenet_paper"),
            [
                (2, Inception),
                (1, Inception),
                (1, Auxiliary),
                (3, Inception),
                (1, Auxiliary),
                (1, Inception),
                (2, Inception)
            ]
        );
        assert!(kinds("squeezenet1_1").iter().all(|(_, k)| *k == Fire));
        assert!(kinds("nin").iter().all(|(_, k)| *k == Mlpconv));
        assert!(kinds("fractalnet").iter().all(|(_, k)| *k == Fractal));
        // VGG has no blocks: its repeated convolutions group as layers.
        let ov = of("vgg16");
        let repeats: Vec<usize> = ov.groups.iter().map(Group::repeat).collect();
        // input, 2 × conv, pool, … , max pool, average pool, 2 × fc 4096, fc 1000.
        assert_eq!(repeats, [1, 2, 1, 2, 1, 3, 1, 3, 1, 3, 1, 1, 2, 1]);
    }
}
