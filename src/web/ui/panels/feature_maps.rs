//! Every layer's feature maps, live: one grid per layer of the diagram (each box's output, after
//! its activation), a colour scale and its legend per layer. Hovering a unit reports it so the
//! page can show its value and outline its receptive field on the input; clicking one (or the
//! arrow keys on a focused map) pins it.

use std::rc::Rc;

use yew::prelude::*;

use crate::colormap::Scale;
use crate::protocol::NodeOutputs;
use crate::web::ui::overlay::legend;
use crate::web::ui::shared::{use_lang, Described, HoveredUnit};
use crate::web::ui::widgets::feature_map_canvas::FeatureMapCanvas;
use crate::zoo::layout::{caption_in, layout};

#[derive(Properties, PartialEq)]
pub struct FeatureMapsProps {
    pub described: Rc<Option<Described>>,
    pub result: Rc<NodeOutputs>,
    pub on_hover: Callback<Option<HoveredUnit>>,
    /// A unit clicked or chosen with the keyboard.
    #[prop_or_default]
    pub on_pick: Callback<HoveredUnit>,
    /// The pinned unit, outlined where it lies.
    #[prop_or_default]
    pub pinned: Option<HoveredUnit>,
}

/// The most units in a row of a vector: 36 cells of 8 px (290 px with the border) fit a phone
/// of 320 px beside the lab's margins.
const VECTOR_ROW: usize = 36;

/// Columns used to lay a vector of `n` units out in rows of at most `VECTOR_ROW`.
fn vector_cols(n: usize) -> usize {
    if n <= VECTOR_ROW {
        n
    } else {
        n.div_ceil(n.div_ceil(VECTOR_ROW))
    }
}

#[function_component(FeatureMaps)]
pub fn feature_maps(props: &FeatureMapsProps) -> Html {
    let lang = use_lang();
    let diagram = use_memo(props.described.clone(), |d| {
        d.as_ref().as_ref().map(|d| layout(&d.net, &d.analysis))
    });
    let (Some(diagram), Some(d)) = (diagram.as_ref(), props.described.as_ref()) else {
        return html! {};
    };
    let r = &props.result;
    let layers = diagram.nodes.iter().skip(1).filter(|b| r.values.get(b.last).is_some()).map(|b| {
        let node = &d.net.nodes[b.node];
        let id = b.last;
        let values = Rc::new(r.values[id].clone());
        let shape = &r.shapes[id];
        let scale = Scale::fit(values.iter());
        let name = node.name.clone();
        // For a map, `channel` is its index and the unit is (y, x); for a vector, each unit is
        // its own channel.
        let unit_for = |channel: usize, cols: usize, offset: usize, vector: bool| {
            let values = values.clone();
            let name = name.clone();
            move |i: usize| HoveredUnit {
                node: id,
                layer: name.clone(),
                channel: if vector { i } else { channel },
                y: if vector { 0 } else { i / cols },
                x: if vector { 0 } else { i % cols },
                value: values[offset + i],
            }
        };
        let hover_for = |channel: usize, cols: usize, offset: usize, vector: bool| {
            let unit = unit_for(channel, cols, offset, vector);
            props
                .on_hover
                .reform(move |u: Option<usize>| u.map(&unit))
        };
        let pick_for = |channel: usize, cols: usize, offset: usize, vector: bool| {
            props.on_pick.reform(unit_for(channel, cols, offset, vector))
        };
        // The pinned unit's index in map `channel` of this layer.
        let pinned = props.pinned.as_ref().filter(|p| p.node == id);
        let marked = |channel: usize, cols: usize, vector: bool| {
            pinned.and_then(|p| match vector {
                true => Some(p.channel),
                false if p.channel == channel => Some(p.y * cols + p.x),
                false => None,
            })
        };
        let maps: Html = if shape.len() == 3 {
            let (c, h, w) = (shape[0], shape[1], shape[2]);
            let cell = (84.0 / h.max(w) as f64).clamp(3.0, 16.0).floor();
            (0..c)
                .map(|ch| {
                    html! {
                        <FeatureMapCanvas values={values.clone()} offset={ch * h * w} rows={h} cols={w} units={h * w}
                            scale={scale} cell={cell} layer={name.clone()} channel={ch}
                            on_hover={hover_for(ch, w, ch * h * w, false)}
                            on_pick={pick_for(ch, w, ch * h * w, false)} marked={marked(ch, w, false)} />
                    }
                })
                .collect()
        } else {
            let n = values.len();
            let cols = vector_cols(n);
            let rows = n.div_ceil(cols);
            let cell = if n <= 10 { 22.0 } else { 8.0 };
            html! {
                <FeatureMapCanvas values={values.clone()} offset={0} rows={rows} cols={cols} units={n}
                    scale={scale} cell={cell} layer={name.clone()} channel={0}
                    on_hover={hover_for(0, cols, 0, true)}
                    on_pick={pick_for(0, cols, 0, true)} marked={marked(0, cols, true)} />
            }
        };
        let shape_text = shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("×");
        html! {
            <section class="fm-layer" data-layer={name.clone()}>
                <header>
                    <span class="fm-name">{ &name }</span>
                    <span class="fm-cap">{ format!("{} · {}", caption_in(&d.net.nodes[b.node].op, lang), shape_text) }</span>
                    { legend(&scale) }
                </header>
                <div class={classes!("fm-grid", (shape.len() != 3).then_some("vector"))}>{ maps }</div>
            </section>
        }
    });
    html! { <div class="feature-maps" data-testid="feature-maps">{ for layers }</div> }
}
