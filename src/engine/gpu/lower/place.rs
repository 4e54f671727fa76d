//! Where each node's output lives on the GPU, and which concatenations still copy: an input of a
//! concatenation is written by its producer straight into its slice of the concatenation's
//! buffer, so that GoogLeNet's branches, SqueezeNet's expand layers and DenseNet's new features
//! cost no copy (the packed CPU engine does the same in `packed::schedule`).
//!
//! - A node that computes nothing (flatten, dropout) or a folded norm lives where its input or
//!   convolution does; every other node has a buffer of its own unless it is placed in a
//!   concatenation.
//! - Concatenations whose inputs begin another's (DenseNet's: each layer's input is the layer
//!   before's and one more map) share the longest one's buffer, each at its start: its *home*.
//! - An input of a home is placed in it at its offset when its offset is a multiple of the
//!   device's storage offset alignment (a binding may start only there), it is written by an op
//!   of its own (not the image, not another concatenation), it appears there once, and the op
//!   that writes it reads nothing in that buffer (WebGPU forbids one buffer bound both read-only
//!   and writable in a dispatch).
//! - Every output stays readable, at its place: the page still shows every layer's map.

use crate::engine::plan::{Fate, Plan};
use crate::zoo::graph::{Network, NodeId, Op};
use crate::zoo::Analysis;

/// Where a node's output is: buffer `buffer`, from element `offset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::engine::gpu) struct Place {
    pub buffer: usize,
    pub offset: u64,
}

/// The buffers of a lowered network and what each concatenation copies.
#[derive(Debug)]
pub(in crate::engine::gpu) struct Layout {
    /// By node.
    pub place: Vec<Place>,
    /// The buffers' sizes (elements, one at least) and the node each is made for (its label).
    pub buffers: Vec<(u64, NodeId)>,
    /// By concatenation: the copies its dispatches make, (source node, element offset in it).
    pub copies: Vec<Vec<(NodeId, u64)>>,
}

fn is_concat(net: &Network, plan: &Plan, id: NodeId) -> bool {
    plan.fate(id) == Fate::Own && matches!(net.nodes[id].op.base(), Op::Concat)
}

/// The layout of `net` (analysed as `an`, folded and fused as `plan` says) on a device whose
/// storage bindings start at multiples of `align` elements; every concatenation copies its inputs
/// where `align` is `None`.
pub(in crate::engine::gpu) fn layout(
    net: &Network,
    an: &Analysis,
    plan: &Plan,
    align: Option<u64>,
) -> Layout {
    let n = net.nodes.len();
    let count = |id: NodeId| an.layers[id].activations;
    let inputs = |id: NodeId| &net.nodes[id].inputs[..];
    // The node whose op writes each node's values.
    let mut owner: Vec<NodeId> = (0..n).collect();
    for id in 0..n {
        owner[id] = match plan.fate(id) {
            Fate::Identity => owner[inputs(id)[0]],
            Fate::Folded { conv } => owner[conv],
            Fate::Input | Fate::Own | Fate::Fused { .. } => id,
        };
    }
    let concats: Vec<NodeId> = (0..n).filter(|&c| is_concat(net, plan, c)).collect();
    // Each concatenation's home: the longest (then latest) one whose inputs begin with its own
    // (its own buffer where nothing is placed).
    let mut home: Vec<NodeId> = (0..n).collect();
    for &c in concats.iter().filter(|_| align.is_some()) {
        home[c] = concats
            .iter()
            .copied()
            .filter(|&d| inputs(d).starts_with(inputs(c)))
            .max_by_key(|&d| (inputs(d).len(), d))
            .unwrap_or(c);
    }
    // The owners placed in a home, at their offset.
    let mut placed: Vec<Option<(NodeId, u64)>> = vec![None; n];
    for &h in concats.iter().filter(|&&c| home[c] == c) {
        let mut at = 0;
        for &x in inputs(h) {
            let r = owner[x];
            let ok = matches!(plan.fate(r), Fate::Own | Fate::Fused { .. })
                && !is_concat(net, plan, r)
                && placed[r].is_none()
                && count(r) == count(x)
                && count(r) > 0
                && align.is_some_and(|a| at % a == 0)
                && inputs(h).iter().filter(|&&y| owner[y] == r).count() == 1;
            if ok {
                placed[r] = Some((h, at));
            }
            at += count(x);
        }
    }
    // The buffer (named by the node it is made for) that holds a node's values.
    let root = |placed: &[Option<(NodeId, u64)>], id: NodeId| {
        let r = owner[id];
        if is_concat(net, plan, r) {
            home[r]
        } else {
            placed[r].map_or(r, |(h, _)| h)
        }
    };
    // An owner whose writer reads its home stays out of it; taking one out never makes another
    // read its home, so one pass over a fixed point suffices.
    loop {
        let clash = (0..n).find(|&r| {
            placed[r].is_some_and(|(h, _)| {
                let writer = match plan.fate(r) {
                    Fate::Fused { by } => by,
                    _ => r,
                };
                inputs(writer).iter().any(|&i| root(&placed, i) == h)
            })
        });
        match clash {
            Some(r) => placed[r] = None,
            None => break,
        }
    }
    let mut buffer_of = vec![usize::MAX; n];
    let mut buffers = Vec::new();
    let mut place = Vec::with_capacity(n);
    for id in 0..n {
        let r = root(&placed, id);
        if buffer_of[r] == usize::MAX {
            buffer_of[r] = buffers.len();
            buffers.push((count(r).max(1), r));
        }
        let offset = match placed[owner[id]] {
            Some((_, at)) if !is_concat(net, plan, owner[id]) => at,
            _ => 0,
        };
        place.push(Place {
            buffer: buffer_of[r],
            offset,
        });
    }
    let mut copies = vec![Vec::new(); n];
    for (k, &c) in concats.iter().enumerate() {
        let h = home[c];
        // What earlier concatenations sharing the home have filled already.
        let filled = concats[..k]
            .iter()
            .filter(|&&p| home[p] == h)
            .map(|&p| inputs(p).len())
            .max()
            .unwrap_or(0);
        // The longest earlier concatenation elsewhere whose inputs begin this one's is copied
        // whole, in one dispatch instead of one per input.
        let prefix = concats[..k]
            .iter()
            .copied()
            .filter(|&p| home[p] != h && inputs(c).starts_with(inputs(p)))
            .max_by_key(|&p| inputs(p).len())
            .filter(|&p| inputs(p).len() > filled);
        let skip = match prefix {
            Some(p) => {
                copies[c].push((p, 0));
                inputs(p).len()
            }
            None => filled,
        };
        let mut at = inputs(c)[..skip].iter().map(|&x| count(x)).sum::<u64>();
        for &x in &inputs(c)[skip..] {
            if placed[owner[x]] != Some((h, at)) {
                copies[c].push((x, at));
            }
            at += count(x);
        }
    }
    Layout {
        place,
        buffers,
        copies,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Weights;

    fn layout_of(model: &str, align: Option<u64>) -> (Network, Layout) {
        let net = crate::zoo::build(model).unwrap();
        let an = crate::zoo::analyse(&net);
        let plan = Plan::new(&net, &Weights::splitmix(&net)).unwrap();
        let l = layout(&net, &an, &plan, align);
        (net, l)
    }

    fn copied(net: &Network, l: &Layout) -> Vec<String> {
        l.copies
            .iter()
            .flatten()
            .map(|&(x, _)| net.nodes[x].name.clone())
            .collect()
    }

    /// SqueezeNet's expand layers and GoogLeNet's branches write into their concatenation: no
    /// copy is left, at 256-byte alignment (WebGPU's default) as at 16 bytes.
    #[test]
    fn squeezenet_and_googlenet_concatenate_without_copies() {
        for model in ["squeezenet1_1", "googlenet"] {
            for align in [Some(4), Some(64)] {
                let (net, l) = layout_of(model, align);
                assert_eq!(
                    copied(&net, &l),
                    Vec::<String>::new(),
                    "{model} at {align:?}"
                );
            }
        }
        let (net, l) = layout_of("squeezenet1_1", Some(64));
        let at = |name: &str| {
            let id = net.nodes.iter().position(|n| n.name == name).unwrap();
            l.place[id]
        };
        let cat = at("features.3.cat");
        assert_eq!(at("features.3.expand1x1_activation").buffer, cat.buffer);
        assert_eq!(at("features.3.expand1x1_activation").offset, 0);
        // 64 maps of 55×55 before the 3×3 expand layer's.
        assert_eq!(
            at("features.3.expand3x3_activation"),
            Place {
                buffer: cat.buffer,
                offset: 64 * 55 * 55
            }
        );
        // The expand layers' own outputs (before their ReLU) keep buffers of their own.
        assert_ne!(at("features.3.expand3x3").buffer, cat.buffer);
    }

    /// DenseNet-121: every dense block's concatenations share the block's last one's buffer and
    /// every new feature is written there, so that nothing is copied; at 256-byte alignment the
    /// 7×7 block's odd features (at (512 + 32k)·49 floats, k odd) cannot start a binding and are
    /// copied, 8 of them.
    #[test]
    fn densenet_blocks_share_one_buffer_each() {
        let (net, l) = layout_of("densenet121", Some(4));
        assert_eq!(copied(&net, &l), Vec::<String>::new());
        let blocks: std::collections::BTreeSet<usize> = net
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.op, Op::Concat))
            .map(|(id, _)| l.place[id].buffer)
            .collect();
        assert_eq!(blocks.len(), 4, "one buffer per dense block");
        let (net, l) = layout_of("densenet121", Some(64));
        let c = copied(&net, &l);
        assert_eq!(c.len(), 8, "{c:?}");
        assert!(
            c.iter().all(|x| x.starts_with("features.denseblock4.")),
            "{c:?}"
        );
    }

    /// Without placing (`cat=copy`), each concatenation copies: SqueezeNet's 8 copy their 2
    /// inputs each; DenseNet's copy the concatenation before whole and the new feature.
    #[test]
    fn copies_without_placing() {
        let (net, l) = layout_of("squeezenet1_1", None);
        assert_eq!(copied(&net, &l).len(), 16);
        let (net, l) = layout_of("densenet121", None);
        let cat = |name: &str| net.nodes.iter().position(|n| n.name == name).unwrap();
        let copies = |name: &str| {
            l.copies[cat(name)]
                .iter()
                .map(|&(x, at)| (net.nodes[x].name.as_str(), at))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            copies("features.denseblock1.denselayer3.cat"),
            [
                ("features.denseblock1.denselayer2.cat", 0),
                ("features.denseblock1.denselayer2.conv2", 96 * 56 * 56)
            ]
        );
        assert!(l.place.iter().all(|p| p.offset == 0));
    }
}
