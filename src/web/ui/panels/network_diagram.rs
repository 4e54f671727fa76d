//! The network diagram, drawn as SVG from the description's layout: one box per layer (BN, ReLU,
//! LRN and dropout folded into the layer they follow), merges as circles, branches in their own
//! lanes, blocks framed. Clicking a box selects its row in the layer table.

use std::rc::Rc;

use yew::prelude::*;

use crate::web::ui::shared::{use_lang, Described};
use crate::zoo::layout::{caption_in, layout};
use crate::zoo::NodeId;

#[derive(Properties, PartialEq)]
pub struct NetworkDiagramProps {
    pub described: Rc<Option<Described>>,
    pub selected: Option<NodeId>,
    pub on_select: Callback<NodeId>,
}

const COL: f64 = 132.0;
const ROW: f64 = 70.0;
const BOX_W: f64 = 116.0;
const BOX_H: f64 = 48.0;
const PAD: f64 = 24.0;

fn centre(rank: usize, lane: usize) -> (f64, f64) {
    (
        PAD + rank as f64 * COL + BOX_W / 2.0,
        PAD + 16.0 + lane as f64 * ROW + BOX_H / 2.0,
    )
}

/// The diagram's zoom: each button press, and the bounds.
const ZOOM_STEP: f64 = 1.25;
const MIN_ZOOM: f64 = 0.2;
const MAX_ZOOM: f64 = 3.0;

#[function_component(NetworkDiagram)]
pub fn network_diagram(props: &NetworkDiagramProps) -> Html {
    let lang = use_lang();
    let diagram = use_memo(props.described.clone(), |d| {
        d.as_ref().as_ref().map(|d| layout(&d.net, &d.analysis))
    });
    // Zoom (the buttons) and pan (scrolling, or dragging with the mouse) of the diagram's box.
    let zoom = use_state(|| 1.0_f64);
    {
        let zoom = zoom.clone();
        use_effect_with(props.described.clone(), move |_| zoom.set(1.0));
    }
    let wrap = use_node_ref();
    let drag = use_mut_ref(|| None::<(i32, i32, i32, i32)>);
    let (Some(diagram), Some(d)) = (diagram.as_ref(), props.described.as_ref()) else {
        return html! {};
    };
    let width = PAD * 2.0 + diagram.ranks as f64 * COL;
    let height = PAD * 2.0 + 16.0 + diagram.lanes as f64 * ROW;
    let frames = diagram.blocks.iter().map(|b| {
        let x = PAD + b.first_rank as f64 * COL - 6.0;
        let w = (b.last_rank - b.first_rank) as f64 * COL + BOX_W + 12.0;
        let h = b.lanes as f64 * ROW - (ROW - BOX_H) + 24.0;
        html! {
            <g class="frame">
                <rect x={x.to_string()} y={(PAD - 2.0).to_string()} width={w.to_string()} height={h.to_string()} rx="8" />
                <text x={(x + 6.0).to_string()} y={(PAD + 10.0).to_string()}>{ &b.name }</text>
            </g>
        }
    });
    let edges = diagram.edges.iter().map(|e| {
        let (a, b) = (&diagram.nodes[e.from], &diagram.nodes[e.to]);
        let (x1, y1) = centre(a.rank, a.lane);
        let (x2, y2) = centre(b.rank, b.lane);
        let (x1, x2) = (
            x1 + if a.merge { 11.0 } else { BOX_W / 2.0 },
            x2 - if b.merge { 11.0 } else { BOX_W / 2.0 },
        );
        let path = if a.lane == b.lane && b.rank > a.rank + 1 {
            // A skip along the same lane (an identity shortcut): arc over the boxes between.
            let top = y1 - BOX_H / 2.0 - 12.0;
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
        let (cx, cy) = centre(n.rank, n.lane);
        let node = &d.net.nodes[n.node];
        let id = n.node;
        let on_click = {
            let on_select = props.on_select.clone();
            Callback::from(move |_| on_select.emit(id))
        };
        let selected = props.selected == Some(id);
        let folded = if n.folded.is_empty() {
            String::new()
        } else {
            format!(" + {}", n.folded.join(" + "))
        };
        let title = lang.tf(
            "network-diagram-node-title",
            &[
                ("name", (&node.name).into()),
                ("type", node.op.type_label(lang).into()),
                ("folded", folded.into()),
                ("shape", (&n.shape).into()),
            ],
        );
        if n.merge {
            html! {
                <g class={classes!("dnode", "merge", selected.then_some("selected"))} data-layer={node.name.clone()} onclick={on_click}>
                    <title>{ title }</title>
                    <circle cx={cx.to_string()} cy={cy.to_string()} r="11" />
                    <text x={cx.to_string()} y={(cy + 4.0).to_string()} class="merge-sym">
                        { match n.caption.as_str() { "concat" => "C", "mean" => "μ", other => other } }
                    </text>
                </g>
            }
        } else {
            let x = cx - BOX_W / 2.0;
            let y = cy - BOX_H / 2.0;
            let kind = node.op.type_name().split_whitespace().next().unwrap_or("").to_lowercase();
            html! {
                <g class={classes!("dnode", kind, selected.then_some("selected"))} data-layer={node.name.clone()} onclick={on_click}>
                    <title>{ title }</title>
                    <rect x={x.to_string()} y={y.to_string()} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="5" />
                    <text x={cx.to_string()} y={(y + 15.0).to_string()} class="cap">{ caption_in(&d.net.nodes[n.node].op, lang) }</text>
                    <text x={cx.to_string()} y={(y + 29.0).to_string()} class="shape">{ &n.shape }</text>
                    if !n.folded.is_empty() {
                        <text x={cx.to_string()} y={(y + 42.0).to_string()} class="folded">
                            { n.folded.iter().map(|f| short(f)).collect::<Vec<_>>().join("+") }
                        </text>
                    }
                </g>
            }
        }
    });
    let set_zoom = |f: Box<dyn Fn(f64) -> f64>| {
        let zoom = zoom.clone();
        Callback::from(move |_: MouseEvent| zoom.set(f(*zoom).clamp(MIN_ZOOM, MAX_ZOOM)))
    };
    let fit = {
        let (zoom, wrap) = (zoom.clone(), wrap.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = wrap.cast::<web_sys::Element>() {
                let inner = el.client_width() as f64 - 4.0;
                zoom.set((inner / width).clamp(MIN_ZOOM, MAX_ZOOM));
            }
        })
    };
    let on_down = {
        let (drag, wrap) = (drag.clone(), wrap.clone());
        Callback::from(move |e: PointerEvent| {
            if let (true, Some(el)) = (
                e.pointer_type() == "mouse" && e.button() == 0,
                wrap.cast::<web_sys::Element>(),
            ) {
                *drag.borrow_mut() = Some((
                    e.client_x(),
                    e.client_y(),
                    el.scroll_left(),
                    el.scroll_top(),
                ));
            }
        })
    };
    let on_move = {
        let (drag, wrap) = (drag.clone(), wrap.clone());
        Callback::from(move |e: PointerEvent| {
            if let (Some((x, y, left, top)), Some(el)) =
                (*drag.borrow(), wrap.cast::<web_sys::Element>())
            {
                if e.buttons() & 1 == 0 {
                    return;
                }
                el.set_scroll_left(left - (e.client_x() - x));
                el.set_scroll_top(top - (e.client_y() - y));
            }
        })
    };
    let on_up = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| *drag.borrow_mut() = None)
    };
    let z = *zoom;
    html! {
        <>
        <div class="diagram-tools" data-testid="diagram-zoom" data-zoom={format!("{z:.3}")}>
            <button data-testid="diagram-zoom-out" title={lang.t("network-zoom-out")} aria-label={lang.t("network-zoom-out")}
                onclick={set_zoom(Box::new(|z| z / ZOOM_STEP))} disabled={z <= MIN_ZOOM}>{ "−" }</button>
            <span class="zoom-level" aria-live="polite">{ lang.tf("network-zoom-level", &[("percent", format!("{:.0}", z * 100.0).into())]) }</span>
            <button data-testid="diagram-zoom-in" title={lang.t("network-zoom-in")} aria-label={lang.t("network-zoom-in")}
                onclick={set_zoom(Box::new(|z| z * ZOOM_STEP))} disabled={z >= MAX_ZOOM}>{ "+" }</button>
            <button data-testid="diagram-zoom-fit" onclick={fit}>{ lang.t("network-zoom-fit") }</button>
        </div>
        <div class="diagram-wrap" ref={wrap} tabindex="0" role="region" aria-label={lang.t("network-diagram-region")}
            onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up.clone()} onpointerleave={on_up}>
            <svg class="network-diagram" data-testid="network-diagram"
                 width={(width * z).to_string()} height={(height * z).to_string()}
                 viewBox={format!("0 0 {width} {height}")} role="img"
                 aria-label={lang.tf("network-diagram-label", &[("net", crate::zoo::label(&d.net, lang).into())])}>
                <defs>
                    <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M0,0 L8,4 L0,8 z" />
                    </marker>
                </defs>
                { for frames }
                { for edges }
                { for boxes }
            </svg>
        </div>
        </>
    }
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
