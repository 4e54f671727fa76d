//! The overview diagram placed in a panel of a given width: stages framed one after another and
//! wrapped onto new lines like words, each holding its groups ("×36 bottleneck"), blocks or layers;
//! an opened group shows its blocks, an opened block its layers (laid out by [`layout_range`] with
//! its branches in lanes). Arrows join what follows what; a link that skips boxes (a dense block's
//! connections, the way round an auxiliary classifier) runs along a bus under the line, so many
//! of them share one line instead of piling up.

use std::collections::BTreeSet;

use serde::Serialize;

use super::graph::{Network, Op};
use super::layout::{layout_range, Diagram};
use super::overview::Overview;
use super::Analysis;

/// A layer's box; a block's or group's box; the gaps.
pub const BOX_W: f64 = 116.0;
pub const BOX_H: f64 = 48.0;
pub const MERGE_W: f64 = 30.0;
pub const BLOCK_W: f64 = 156.0;
pub const BLOCK_H: f64 = 70.0;
/// An opened block's layer grid.
pub const COL: f64 = 132.0;
pub const ROW: f64 = 70.0;
pub const PAD: f64 = 16.0;
const GAP: f64 = 18.0;
const STAGE_GAP: f64 = 14.0;
const FRAME_PAD: f64 = 10.0;
/// The strip at the top of a stage's frame that holds its label.
pub const FRAME_TOP: f64 = 22.0;
/// An opened block's label strip and margin.
pub const DETAIL_TOP: f64 = 22.0;
pub const DETAIL_PAD: f64 = 8.0;
const LINE_GAP: f64 = 40.0;

/// What is opened: groups shown as their blocks, blocks shown as their layers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Opened {
    pub groups: BTreeSet<usize>,
    pub units: BTreeSet<usize>,
}

impl Opened {
    /// Everything opened: every layer of the network.
    pub fn all(ov: &Overview) -> Self {
        Self {
            groups: (0..ov.groups.len()).collect(),
            units: (0..ov.units.len()).collect(),
        }
    }
}

/// What a placed box shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ItemKind {
    /// A layer unit (one box, or a circle for a merge).
    Layer { unit: usize },
    /// A closed group of two or more units.
    Group { group: usize },
    /// A closed block.
    Block { unit: usize },
    /// An opened block and its layers.
    Detail { unit: usize, diagram: Diagram },
}

/// A placed box, in the scene's coordinates (SVG units).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// Where arrows meet it, from the top.
    pub port: f64,
    pub line: usize,
    /// The units it draws.
    pub units: std::ops::Range<usize>,
    /// The group it belongs to, when that group is opened.
    pub opened_group: Option<usize>,
}

/// A stage's frame on one line (a stage that wraps has one per line).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Frame {
    pub stage: usize,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// The stage's first frame (the one that carries its label in full).
    pub first: bool,
    /// The line it is on.
    pub line: usize,
}

/// A stage's frame on `line` (at `top`) from where it opened (`start`: x, and whether it is the
/// stage's first) to the cursor `x` past its last box; its height is the line's, set once known.
fn frame(stage: usize, (fx, first): (f64, bool), x: f64, line: usize, top: f64) -> Frame {
    Frame {
        stage,
        x: fx,
        y: top,
        w: x - GAP + FRAME_PAD - fx,
        h: 0.0,
        first,
        line,
    }
}

/// How a link is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum LinkKind {
    /// To the next box.
    Next,
    /// Along the bus under the line, past boxes in between.
    Skip,
    /// Into a branch that does not reach the output.
    Side,
}

/// An arrow as an SVG path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    pub kind: LinkKind,
    pub path: String,
}

/// The placed overview.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    pub items: Vec<Item>,
    pub frames: Vec<Frame>,
    pub links: Vec<Link>,
}

fn item_kind(
    net: &Network,
    an: &Analysis,
    ov: &Overview,
    g: usize,
    opened: &Opened,
) -> Vec<ItemKind> {
    let group = &ov.groups[g];
    if group.repeat() > 1 && !opened.groups.contains(&g) {
        return vec![ItemKind::Group { group: g }];
    }
    group
        .units
        .clone()
        .map(|u| {
            let unit = &ov.units[u];
            match unit.block {
                None => ItemKind::Layer { unit: u },
                Some(_) if opened.units.contains(&u) => ItemKind::Detail {
                    unit: u,
                    diagram: layout_range(net, an, unit.first..unit.last + 1),
                },
                Some(_) => ItemKind::Block { unit: u },
            }
        })
        .collect()
}

fn size(net: &Network, ov: &Overview, kind: &ItemKind) -> (f64, f64, f64) {
    match kind {
        ItemKind::Layer { unit } => {
            let merge = matches!(
                net.nodes[ov.units[*unit].first].op.base(),
                Op::Concat | Op::Add | Op::Mean
            );
            (if merge { MERGE_W } else { BOX_W }, BOX_H, BOX_H / 2.0)
        }
        ItemKind::Group { .. } | ItemKind::Block { .. } => (BLOCK_W, BLOCK_H, BLOCK_H / 2.0),
        ItemKind::Detail { diagram, .. } => (
            diagram.ranks as f64 * COL - (COL - BOX_W) + 2.0 * DETAIL_PAD,
            DETAIL_TOP + diagram.lanes as f64 * ROW - (ROW - BOX_H) + DETAIL_PAD,
            DETAIL_TOP + BOX_H / 2.0,
        ),
    }
}

/// Places the overview of `net` (its `ov`) with `opened` opened, in a panel `width` wide.
pub fn place(net: &Network, an: &Analysis, ov: &Overview, opened: &Opened, width: f64) -> Scene {
    let right = width - PAD;
    let mut items: Vec<Item> = Vec::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut line = 0usize;
    let mut x = PAD;
    // Each line's items start at its top; its height is known once it is full.
    let mut line_tops = vec![PAD];
    let mut line_heights = vec![0.0_f64];
    for (s, stage) in ov.stages.iter().enumerate() {
        let kinds: Vec<(ItemKind, Option<usize>)> = stage
            .groups
            .clone()
            .flat_map(|g| {
                let opened_group =
                    (ov.groups[g].repeat() > 1 && opened.groups.contains(&g)).then_some(g);
                item_kind(net, an, ov, g, opened)
                    .into_iter()
                    .map(move |k| (k, opened_group))
            })
            .collect();
        let mut frame_start: Option<(f64, bool)> = None;
        for (kind, opened_group) in kinds {
            let (w, h, port) = size(net, ov, &kind);
            let need = if frame_start.is_some() {
                w + FRAME_PAD
            } else {
                2.0 * FRAME_PAD + w
            };
            let on_line = items.last().is_some_and(|i| i.line == line);
            if on_line && x + need > right {
                if let Some(start) = frame_start.take() {
                    frames.push(frame(s, start, x, line, line_tops[line]));
                    frame_start = Some((PAD, false));
                    x = PAD + FRAME_PAD;
                } else {
                    x = PAD;
                }
                line_tops.push(line_tops[line] + line_heights[line] + LINE_GAP);
                line_heights.push(0.0);
                line += 1;
            }
            if frame_start.is_none() {
                frame_start = Some((x, true));
                x += FRAME_PAD;
            }
            let units = match &kind {
                ItemKind::Group { group } => ov.groups[*group].units.clone(),
                ItemKind::Layer { unit }
                | ItemKind::Block { unit }
                | ItemKind::Detail { unit, .. } => *unit..*unit + 1,
            };
            items.push(Item {
                kind,
                x,
                y: line_tops[line] + FRAME_TOP,
                w,
                h,
                port,
                line,
                units,
                opened_group,
            });
            line_heights[line] = line_heights[line].max(FRAME_TOP + h + FRAME_PAD);
            x += w + GAP;
        }
        if let Some(start) = frame_start {
            frames.push(frame(s, start, x, line, line_tops[line]));
            x += -GAP + FRAME_PAD + STAGE_GAP;
        }
    }
    for f in &mut frames {
        f.h = line_heights[f.line];
    }
    let links = links(ov, &items, &line_tops, &line_heights, width);
    let widest = items
        .iter()
        .map(|i| i.x + i.w + FRAME_PAD + PAD)
        .fold(width, f64::max);
    let height = line_tops[line] + line_heights[line] + PAD + LINE_GAP / 2.0;
    Scene {
        width: widest,
        height,
        items,
        frames,
        links,
    }
}

fn links(ov: &Overview, items: &[Item], tops: &[f64], heights: &[f64], width: f64) -> Vec<Link> {
    let mut item_of = vec![0usize; ov.units.len()];
    for (i, it) in items.iter().enumerate() {
        for u in it.units.clone() {
            item_of[u] = i;
        }
    }
    let bus = |line: usize| tops[line] + heights[line] + 8.0;
    let mut out = Vec::new();
    for (b, to) in items.iter().enumerate() {
        let first = &ov.units[to.units.start];
        let mut sources: Vec<usize> = to
            .units
            .clone()
            .flat_map(|u| ov.units[u].inputs.iter().map(|&s| item_of[s]))
            .filter(|&a| a != b)
            .collect();
        sources.sort_unstable();
        sources.dedup();
        for a in sources {
            let from = &items[a];
            let (x1, y1) = (from.x + from.w, from.y + from.port);
            let (x2, y2) = (to.x, to.y + to.port);
            let kind = if !first.main {
                LinkKind::Side
            } else if a + 1 == b {
                LinkKind::Next
            } else {
                LinkKind::Skip
            };
            let path = match kind {
                LinkKind::Next if from.line == to.line => format!("M{x1},{y1} L{x2},{y2}"),
                LinkKind::Next => {
                    // Down past the line, back to the left margin, into the next line.
                    let gap = tops[from.line] + heights[from.line] + LINE_GAP / 2.0 + 6.0;
                    format!("M{x1},{y1} H{} V{gap} H{} V{y2} H{x2}", x1 + 6.0, PAD / 2.0)
                }
                LinkKind::Skip | LinkKind::Side => {
                    let (cx1, cx2) = (from.x + from.w / 2.0, to.x + to.w / 2.0);
                    let (b1, b2) = (from.y + from.h, to.y + to.h);
                    if from.line == to.line {
                        let y = bus(from.line);
                        format!("M{cx1},{b1} V{y} H{cx2} V{b2}")
                    } else {
                        // Along the first line's bus to the right margin, down, along the
                        // second's.
                        let (ya, yb) = (bus(from.line), bus(to.line));
                        let edge = width - PAD / 2.0;
                        format!("M{cx1},{b1} V{ya} H{edge} V{yb} H{cx2} V{b2}")
                    }
                }
            };
            out.push(Link { kind, path });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::overview::overview;
    use crate::zoo::{analyse, build, ids};

    #[test]
    fn every_network_fits_a_desktop_and_a_phone_panel_closed() {
        for id in ids() {
            let net = build(id).unwrap();
            let an = analyse(&net);
            let ov = overview(&net, &an);
            for width in [1000.0, 340.0] {
                let s = place(&net, &an, &ov, &Opened::default(), width);
                assert!(s.width <= width, "{id} at {width}: {}", s.width);
                for it in &s.items {
                    assert!(it.x >= PAD && it.x + it.w <= width - PAD, "{id} at {width}");
                }
                // Every stage has a frame that carries its label.
                for st in 0..ov.stages.len() {
                    assert_eq!(
                        s.frames.iter().filter(|f| f.stage == st && f.first).count(),
                        1
                    );
                }
            }
        }
    }

    #[test]
    fn resnet152_is_a_few_lines_and_opens_to_its_blocks_and_layers() {
        let net = build("resnet152").unwrap();
        let an = analyse(&net);
        let ov = overview(&net, &an);
        let closed = place(&net, &an, &ov, &Opened::default(), 1000.0);
        // input, conv1, max pool, 4 groups, average pool, fc.
        assert_eq!(closed.items.len(), 9);
        assert!(closed.height < 500.0, "{}", closed.height);
        let g36 = ov.groups.iter().position(|g| g.repeat() == 36).unwrap();
        let mut opened = Opened::default();
        opened.groups.insert(g36);
        let s = place(&net, &an, &ov, &opened, 1000.0);
        assert_eq!(s.items.len(), 9 - 1 + 36);
        assert!(s.width <= 1000.0);
        let u = ov.groups[g36].units.start;
        opened.units.insert(u);
        let s = place(&net, &an, &ov, &opened, 1000.0);
        let ItemKind::Detail { diagram, .. } =
            &s.items.iter().find(|i| i.units.start == u).unwrap().kind
        else {
            panic!("layer3.0 is opened");
        };
        // Three convolutions, the projection and the addition.
        assert_eq!(diagram.nodes.len(), 5);
        // Every box follows the one before it, and the chain never skips.
        assert!(s.links.iter().all(|l| l.kind == LinkKind::Next));
        assert_eq!(s.links.len(), s.items.len() - 1);
    }

    #[test]
    fn dense_connections_run_along_the_bus() {
        let net = build("densenet121").unwrap();
        let an = analyse(&net);
        let ov = overview(&net, &an);
        let opened = Opened {
            groups: (0..ov.groups.len()).collect(),
            units: BTreeSet::new(),
        };
        let s = place(&net, &an, &ov, &opened, 1000.0);
        // Dense layer k of a block reads the k maps before it: 6·7/2 − 6 skips in the first
        // block, and the block's concatenation reads all 7 (6 skips).
        let skips = s.links.iter().filter(|l| l.kind == LinkKind::Skip).count();
        let per_block = |n: usize| n * (n + 1) / 2 - n + (n + 1 - 1);
        assert_eq!(skips, [6, 12, 24, 16].map(per_block).iter().sum::<usize>());
        assert!(s.width <= 1000.0);
    }

    #[test]
    fn the_auxiliary_classifiers_hang_off_the_main_line() {
        let net = build("googlenet_paper").unwrap();
        let an = analyse(&net);
        let ov = overview(&net, &an);
        let s = place(&net, &an, &ov, &Opened::default(), 1000.0);
        assert_eq!(
            s.links.iter().filter(|l| l.kind == LinkKind::Side).count(),
            2
        );
    }
}
