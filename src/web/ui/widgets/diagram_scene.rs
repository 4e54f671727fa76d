//! The overview diagram's drawing: stage frames with their labels, closed groups ("×36
//! bottleneck, 1024→256→1024") and blocks as boxes, opened blocks with their layers in lanes, and
//! the arrows and the bus between them — all from a placed [`Scene`]. Every box answers a click and
//! Enter: a layer is selected, a group or block opens, an opened one closes.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Lang;
use crate::web::ui::shared::{activate, use_lang, Described};
use crate::zoo::diagram_flow::{
    Item, ItemKind, LinkKind, Scene, BOX_H, BOX_W, COL, DETAIL_PAD, DETAIL_TOP, FRAME_TOP, ROW,
};
use crate::zoo::layout::{caption_in, Diagram};
use crate::zoo::overview::{Overview, Unit};
use crate::zoo::summary::shape_text;
use crate::zoo::NodeId;

/// What a click on the diagram asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagramAction {
    Select(NodeId),
    OpenGroup(usize),
    CloseGroup(usize),
    OpenUnit(usize),
    CloseUnit(usize),
}

/// An item's identity in the scene (`l3`, `g1`, `b7`, `d7`): its key among the drawn items and
/// its `data-item`, by which the panel finds the box to focus after opening or closing.
pub fn item_key(kind: &ItemKind) -> String {
    match kind {
        ItemKind::Layer { unit } => format!("l{unit}"),
        ItemKind::Group { group } => format!("g{group}"),
        ItemKind::Block { unit } => format!("b{unit}"),
        ItemKind::Detail { unit, .. } => format!("d{unit}"),
    }
}

#[derive(Properties, PartialEq)]
pub struct DiagramSceneProps {
    pub described: Rc<Option<Described>>,
    pub overview: Rc<Overview>,
    pub scene: Rc<Scene>,
    pub zoom: f64,
    pub selected: Option<NodeId>,
    pub on_action: Callback<DiagramAction>,
}

fn short(type_name: &str) -> &str {
    match type_name {
        "BatchNorm2d" => "BN",
        "LocalResponseNorm" => "LRN",
        "Dropout" => "drop",
        "ScaledTanh" => "tanh",
        "Flatten" => "flat",
        other => other,
    }
}

/// A unit's channels as the papers write a block: a bottleneck "1024→256→1024", others "in→out";
/// a dense block "64 + 6×32".
fn channels_text(ov: &Overview, units: &std::ops::Range<usize>) -> String {
    use crate::zoo::overview::BlockKind;
    let (first, last) = (&ov.units[units.start], &ov.units[units.end - 1]);
    match last.kind {
        Some(BlockKind::Bottleneck) => format!(
            "{}→{}→{}",
            last.channels_in,
            last.width.unwrap_or(last.channels_out),
            last.channels_out
        ),
        Some(BlockKind::Dense) => format!(
            "{} + {}×{}",
            first.channels_in,
            units.len(),
            last.channels_out
        ),
        _ => format!("{}→{}", first.channels_in, last.channels_out),
    }
}

/// About how wide a text is drawn at `size` px: CJK characters a full em, the rest about 0.6 em.
fn text_px_at(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| {
            if (c as u32) >= 0x2e80 {
                size
            } else {
                0.6 * size
            }
        })
        .sum()
}

/// A stage label's width (10.5 px, bold).
fn text_px(s: &str) -> f64 {
    text_px_at(s, 10.5) * 1.02
}

/// `s` cut with an ellipsis to fit `width` px at `size` px (the tooltip has it whole).
fn fit(s: &str, width: f64, size: f64) -> String {
    if text_px_at(s, size) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if text_px_at(&out, size) + text_px_at(&format!("{c}…"), size) > width {
            break;
        }
        out.push(c);
    }
    out + "…"
}

/// A block's name as a box shows it: the last part of a long dotted name
/// ("features.denseblock1.denselayer3" → "denselayer3"); short names whole ("layer3.0").
fn shown(name: &str) -> &str {
    if name.matches('.').count() >= 2 {
        name.rsplit('.').next().unwrap_or(name)
    } else {
        name
    }
}

struct LayerBox<'a> {
    node: NodeId,
    caption: String,
    shape: String,
    folded: Vec<&'a str>,
    merge: bool,
}

fn layer_box(
    d: &Described,
    lang: Lang,
    b: &LayerBox,
    (cx, cy): (f64, f64),
    selected: bool,
    on_action: &Callback<DiagramAction>,
) -> Html {
    let node = &d.net.nodes[b.node];
    let (onclick, onkeydown) = activate(on_action, DiagramAction::Select(b.node));
    let folded = if b.folded.is_empty() {
        String::new()
    } else {
        format!(" + {}", b.folded.join(" + "))
    };
    let title = lang.tf(
        "network-diagram-node-title",
        &[
            ("name", (&node.name).into()),
            ("type", node.op.type_label(lang).into()),
            ("folded", folded.into()),
            ("shape", (&b.shape).into()),
        ],
    );
    if b.merge {
        let sym = match b.caption.as_str() {
            "concat" => "C",
            "mean" => "μ",
            other => other,
        };
        return html! {
            <g class={classes!("dnode", "merge", selected.then_some("selected"))} data-layer={node.name.clone()}
               data-testid="diagram-node" data-kind="merge" tabindex="0" role="button" {onclick} {onkeydown}>
                <title>{ title }</title>
                <circle cx={cx.to_string()} cy={cy.to_string()} r="11" />
                <text x={cx.to_string()} y={(cy + 4.0).to_string()} class="merge-sym">{ sym }</text>
            </g>
        };
    }
    let (x, y) = (cx - BOX_W / 2.0, cy - BOX_H / 2.0);
    let kind = node
        .op
        .type_name()
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_lowercase();
    html! {
        <g class={classes!("dnode", kind.clone(), selected.then_some("selected"))} data-layer={node.name.clone()}
           data-testid="diagram-node" data-kind={kind.clone()} tabindex="0" role="button" {onclick} {onkeydown}>
            <title>{ title }</title>
            <rect x={x.to_string()} y={y.to_string()} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="5" />
            <text x={cx.to_string()} y={(y + 15.0).to_string()} class="cap">{ caption_in(&node.op, lang) }</text>
            <text x={cx.to_string()} y={(y + 29.0).to_string()} class="shape">{ &b.shape }</text>
            if !b.folded.is_empty() {
                <text x={cx.to_string()} y={(y + 42.0).to_string()} class="folded">
                    { b.folded.iter().map(|f| short(f)).collect::<Vec<_>>().join("+") }
                </text>
            }
        </g>
    }
}

fn unit_box<'a>(d: &'a Described, u: &Unit) -> LayerBox<'a> {
    let op = &d.net.nodes[u.first].op;
    LayerBox {
        node: u.first,
        caption: crate::zoo::layout::caption(op),
        shape: shape_text(&d.analysis.layers[u.last].shape),
        folded: (u.first + 1..=u.last)
            .map(|i| d.net.nodes[i].op.type_name())
            .collect(),
        merge: matches!(
            op.base(),
            crate::zoo::Op::Concat | crate::zoo::Op::Add | crate::zoo::Op::Mean
        ),
    }
}

/// An opened block: its frame, label, close button, and its layers in lanes.
fn detail(
    d: &Described,
    lang: Lang,
    ov: &Overview,
    it: &Item,
    unit: usize,
    diagram: &Diagram,
    props: &DiagramSceneProps,
) -> Html {
    let u = &ov.units[unit];
    let name = u.block.clone().unwrap_or_default();
    let kind = u.kind.map(|k| lang.t(k.key())).unwrap_or_default();
    let (onclick, onkeydown) = activate(&props.on_action, DiagramAction::CloseUnit(unit));
    let ox = it.x + DETAIL_PAD;
    let oy = it.y + DETAIL_TOP;
    let centre = |rank: usize, lane: usize| {
        (
            ox + rank as f64 * COL + BOX_W / 2.0,
            oy + lane as f64 * ROW + BOX_H / 2.0,
        )
    };
    let edges = diagram.edges.iter().map(|e| {
        let (a, b) = (&diagram.nodes[e.from], &diagram.nodes[e.to]);
        let (x1, y1) = centre(a.rank, a.lane);
        let (x2, y2) = centre(b.rank, b.lane);
        let (x1, x2) = (
            x1 + if a.merge { 11.0 } else { BOX_W / 2.0 },
            x2 - if b.merge { 11.0 } else { BOX_W / 2.0 },
        );
        let path = if a.lane == b.lane && b.rank > a.rank + 1 {
            let top = y1 - BOX_H / 2.0 - 10.0;
            format!(
                "M{x1},{y1} C{},{top} {},{top} {x2},{y2}",
                x1 + 30.0,
                x2 - 30.0
            )
        } else {
            let mid = (x1 + x2) / 2.0;
            format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}")
        };
        html! { <path class="edge" d={path} /> }
    });
    let boxes = diagram.nodes.iter().map(|n| {
        let b = LayerBox {
            node: n.node,
            caption: n.caption.clone(),
            shape: n.shape.clone(),
            folded: n.folded.clone(),
            merge: n.merge,
        };
        layer_box(
            d,
            lang,
            &b,
            centre(n.rank, n.lane),
            props.selected == Some(n.node),
            &props.on_action,
        )
    });
    let close = lang.tf("network-diagram-close", &[("name", name.clone().into())]);
    html! {
        <g class="ddetail" data-testid="diagram-detail" data-block={name.clone()}>
            <rect class="detail-frame" x={it.x.to_string()} y={it.y.to_string()} width={it.w.to_string()} height={it.h.to_string()} rx="8" />
            <g class="detail-close" data-testid="diagram-close" tabindex="0" role="button" aria-label={close.clone()} {onclick} {onkeydown}>
                <title>{ close }</title>
                <text x={(it.x + 8.0).to_string()} y={(it.y + 15.0).to_string()} class="detail-label">
                    { fit(&format!("▾ {} · {kind}", shown(&name)), it.w - 12.0, 10.5) }
                </text>
            </g>
            { for edges }
            { for boxes }
        </g>
    }
}

/// A closed group or block: what it is, its channels, its output.
fn block_box(
    lang: Lang,
    d: &Described,
    ov: &Overview,
    it: &Item,
    props: &DiagramSceneProps,
) -> Html {
    let units = it.units.clone();
    let (first, last) = (&ov.units[units.start], &ov.units[units.end - 1]);
    let repeat = units.len();
    let action = match it.kind {
        ItemKind::Group { group } => DiagramAction::OpenGroup(group),
        _ => DiagramAction::OpenUnit(units.start),
    };
    let (onclick, onkeydown) = activate(&props.on_action, action);
    let is_group = matches!(it.kind, ItemKind::Group { .. });
    let names = match (&first.block, &last.block) {
        (Some(a), Some(b)) if repeat > 1 => format!("{} – {}", shown(a), shown(b)),
        (Some(a), _) => shown(a).to_string(),
        _ => format!(
            "{} – {}",
            d.net.nodes[first.first].name, d.net.nodes[last.first].name
        ),
    };
    let kind = last.kind.map(|k| lang.t(k.key()));
    // Four lines: what it is, which blocks, its channels, its output.
    let (head, sub) = match (&kind, is_group) {
        (Some(k), true) => (format!("×{repeat} {k}"), names.clone()),
        (Some(k), false) => (names.clone(), k.clone()),
        (None, _) => (
            format!(
                "×{repeat} {}",
                caption_in(&d.net.nodes[last.first].op, lang)
            ),
            names.clone(),
        ),
    };
    let channels = if kind.is_some() {
        channels_text(ov, &units)
    } else {
        (last.first + 1..=last.last)
            .map(|i| short(d.net.nodes[i].op.type_name()))
            .collect::<Vec<_>>()
            .join("+")
    };
    let (params, macs) = units
        .clone()
        .map(|u| &ov.units[u])
        .fold((0, 0), |(p, m), u| (p + u.params, m + u.macs));
    let title = lang.tf(
        "network-diagram-block-title",
        &[
            ("names", names.clone().into()),
            ("params", lang.count(params).into()),
            ("macs", lang.count(macs).into()),
        ],
    );
    let shape = shape_text(&d.analysis.layers[last.last].shape);
    let cx = it.x + it.w / 2.0;
    html! {
        <g class={classes!("dblock", is_group.then_some("group"), (!last.main).then_some("side"))}
           data-testid={if is_group { "diagram-group" } else { "diagram-block" }}
           data-repeat={repeat.to_string()} data-block={names}
           tabindex="0" role="button" {onclick} {onkeydown}>
            <title>{ title }</title>
            if is_group {
                <rect class="stack" x={(it.x + 4.0).to_string()} y={(it.y + 4.0).to_string()} width={it.w.to_string()} height={it.h.to_string()} rx="6" />
            }
            <rect x={it.x.to_string()} y={it.y.to_string()} width={it.w.to_string()} height={it.h.to_string()} rx="6" />
            <text x={cx.to_string()} y={(it.y + 16.0).to_string()} class="cap">{ fit(&head, it.w - 8.0, 11.0) }</text>
            <text x={cx.to_string()} y={(it.y + 31.0).to_string()} class="sub">{ fit(&sub, it.w - 8.0, 9.5) }</text>
            <text x={cx.to_string()} y={(it.y + 46.0).to_string()} class="shape">{ channels }</text>
            <text x={cx.to_string()} y={(it.y + 61.0).to_string()} class="shape">{ shape }</text>
        </g>
    }
}

#[function_component(DiagramScene)]
pub fn diagram_scene(props: &DiagramSceneProps) -> Html {
    let lang = use_lang();
    let Some(d) = props.described.as_ref() else {
        return html! {};
    };
    let (ov, scene) = (&*props.overview, &*props.scene);
    let frames = scene.frames.iter().map(|f| {
        let st = &ov.stages[f.stage];
        let place = if st.side == 0 {
            lang.t("compare-stage-vectors")
        } else {
            format!("{0}×{0}", st.side)
        };
        let full = lang.tf(
            "network-diagram-stage",
            &[
                ("place", place.clone().into()),
                ("params", lang.compact(st.params).into()),
                ("macs", lang.compact(st.macs).into()),
            ],
        );
        // The label in full where the frame has room, else as much as fits.
        let room = f.w - 16.0;
        let label = if !f.first {
            format!("{place} …")
        } else if text_px(&full) <= room {
            full.clone()
        } else {
            let mid = format!(
                "{place} · {}",
                lang.tf("network-diagram-stage-params", &[("params", lang.compact(st.params).into())])
            );
            if text_px(&mid) <= room {
                mid
            } else {
                place.clone()
            }
        };
        html! {
            <g class="stage" data-testid="diagram-stage" data-place={place} data-first={f.first.to_string()}>
                <title>{ full }</title>
                <rect x={f.x.to_string()} y={f.y.to_string()} width={f.w.to_string()} height={f.h.to_string()} rx="8" />
                <text x={(f.x + 8.0).to_string()} y={(f.y + FRAME_TOP - 8.0).to_string()} class="stage-label">{ label }</text>
            </g>
        }
    });
    // Under each line's run of an opened group's blocks, a bracket that closes the group.
    let mut brackets: Vec<(usize, usize, f64, f64, f64)> = Vec::new();
    for it in &scene.items {
        if let Some(g) = it.opened_group {
            match brackets.last_mut() {
                Some((bg, line, _, y, x2)) if *bg == g && *line == it.line => {
                    *x2 = it.x + it.w;
                    *y = y.max(it.y + it.h + 4.0);
                }
                _ => brackets.push((g, it.line, it.x, it.y + it.h + 4.0, it.x + it.w)),
            }
        }
    }
    // Keyed by group and by row (a group opened over two rows has a bracket on each).
    let mut rows_of = std::collections::HashMap::<usize, usize>::new();
    let brackets = brackets.into_iter().map(|(g, _, x1, y, x2)| {
        let row = rows_of.entry(g).or_default();
        let key = format!("c{g}-{row}");
        *row += 1;
        let repeat = ov.groups[g].repeat();
        let (onclick, onkeydown) = activate(&props.on_action, DiagramAction::CloseGroup(g));
        let close = lang.tf("network-diagram-close-group", &[("repeat", repeat.to_string().into())]);
        html! {
            <g key={key} class="bracket" data-testid="diagram-group-close" data-group={g.to_string()} tabindex="0" role="button" aria-label={close.clone()} {onclick} {onkeydown}>
                <title>{ close }</title>
                <path d={format!("M{x1},{} V{y} H{x2} V{}", y - 3.0, y - 3.0)} />
                <rect x={(x1 + 6.0).to_string()} y={(y - 6.0).to_string()} width="40" height="12" rx="6" />
                <text x={(x1 + 26.0).to_string()} y={(y + 3.5).to_string()}>{ format!("▴ ×{repeat}") }</text>
            </g>
        }
    });
    let links = scene.links.iter().map(|l| {
        let class = match l.kind {
            LinkKind::Next => "edge",
            LinkKind::Skip => "edge skip",
            LinkKind::Side => "edge side",
        };
        html! { <path class={class} d={l.path.clone()} /> }
    });
    // Each item keyed by what it is: opening a group changes how many items there are, and an
    // unkeyed list would hand the focused box's element to another box.
    let items = scene.items.iter().map(|it| {
        let key = item_key(&it.kind);
        let inner = match &it.kind {
            ItemKind::Layer { unit } => {
                let u = &ov.units[*unit];
                let b = unit_box(d, u);
                let cx = it.x + it.w / 2.0;
                let cy = it.y + it.port;
                layer_box(
                    d,
                    lang,
                    &b,
                    (cx, cy),
                    props.selected == Some(u.first),
                    &props.on_action,
                )
            }
            ItemKind::Group { .. } | ItemKind::Block { .. } => block_box(lang, d, ov, it, props),
            ItemKind::Detail { unit, diagram } => detail(d, lang, ov, it, *unit, diagram, props),
        };
        html! { <g key={key.clone()} data-item={key}>{ inner }</g> }
    });
    let z = props.zoom;
    html! {
        <svg class="network-diagram" data-testid="network-diagram"
             data-width={format!("{:.0}", scene.width)}
             width={(scene.width * z).to_string()} height={(scene.height * z).to_string()}
             viewBox={format!("0 0 {} {}", scene.width, scene.height)} role="group"
             aria-label={lang.tf("network-diagram-label", &[("net", crate::zoo::label(&d.net, lang).into())])}>
            <defs>
                <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                    <path d="M0,0 L8,4 L0,8 z" />
                </marker>
            </defs>
            <g class="frames">{ for frames }</g>
            <g class="links">{ for links }</g>
            <g class="items">{ for items }</g>
            <g class="brackets">{ for brackets }</g>
        </svg>
    }
}
