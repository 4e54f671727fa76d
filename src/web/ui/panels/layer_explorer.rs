//! Any layer's output for the last photo: pick a layer, see every channel as a small map on one
//! shared colour scale, click a channel to enlarge it; the shape and statistics of the layer and
//! of the chosen channel are printed beside it. Clicking a unit — in a small map or in the
//! enlarged one, where the arrow keys move it too — picks it, and the photo lab draws its
//! receptive field.

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::colormap::Scale;
use crate::i18n::Lang;
use crate::web::ui::overlay::legend;
use crate::web::ui::shared::{use_lang, Described, LayerData};
use crate::web::ui::widgets::feature_map_canvas::FeatureMapCanvas;

#[derive(Properties, PartialEq)]
pub struct LayerExplorerProps {
    pub described: Rc<Option<Described>>,
    /// The chosen node.
    pub node: usize,
    /// Its values, once they arrive.
    pub data: Option<LayerData>,
    pub on_select: Callback<usize>,
    /// The picked unit of this layer: (channel, y, x); for a vector, (index, 0, 0).
    #[prop_or_default]
    pub picked: Option<(usize, usize, usize)>,
    #[prop_or_default]
    pub on_pick: Callback<(usize, usize, usize)>,
}

/// min, max, mean and the share of zeros.
fn stats(v: &[f32]) -> (f32, f32, f32, f32) {
    if v.is_empty() {
        return (0.0, 0.0, 0.0, 0.0);
    }
    let (mut lo, mut hi, mut sum, mut zeros) = (f32::INFINITY, f32::NEG_INFINITY, 0f64, 0usize);
    for &x in v {
        lo = lo.min(x);
        hi = hi.max(x);
        sum += x as f64;
        zeros += (x == 0.0) as usize;
    }
    (
        lo,
        hi,
        (sum / v.len() as f64) as f32,
        zeros as f32 / v.len() as f32,
    )
}

fn stats_text(lang: Lang, v: &[f32]) -> String {
    let (lo, hi, mean, zeros) = stats(v);
    lang.tf(
        "photo-stats",
        &[
            ("min", format!("{lo:.3}").into()),
            ("max", format!("{hi:.3}").into()),
            ("mean", format!("{mean:.3}").into()),
            ("zeros", format!("{:.1}", zeros * 100.0).into()),
        ],
    )
}

#[function_component(LayerExplorer)]
pub fn layer_explorer(props: &LayerExplorerProps) -> Html {
    let lang = use_lang();
    let enlarged = use_state(|| 0usize);
    let hovered = use_state(|| None::<(usize, f32)>);
    {
        let enlarged = enlarged.clone();
        use_effect_with(props.node, move |_| enlarged.set(0));
    }
    let Some(d) = props.described.as_ref() else {
        return html! {};
    };
    let options = d.net.nodes.iter().enumerate().skip(1).map(|(i, n)| {
        let shape = &d.analysis.layers[i].shape;
        let text = format!(
            "{} — {}",
            n.name,
            shape
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("×")
        );
        html! { <option value={i.to_string()} selected={i == props.node}>{ text }</option> }
    });
    let on_change = {
        let on_select = props.on_select.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = s.value().parse() {
                on_select.emit(i);
            }
        })
    };
    let body = match &props.data {
        Some(data) if data.node == props.node => {
            let scale = Scale::fit(data.values.iter());
            let shape_text = data
                .shape
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("×");
            let (c, h, w) = match data.shape.as_slice() {
                [c, h, w] => (*c, *h, *w),
                _ => (1, 1, data.values.len()),
            };
            let per = h * w;
            let vector = data.shape.len() != 3;
            let cell = (48.0 / h.max(w) as f64).clamp(0.25, 8.0);
            let chosen = (*enlarged).min(c.saturating_sub(1));
            // A unit index in channel `ch`'s map, as the photo lab names it.
            let unit_of = move |ch: usize, i: usize| {
                if vector {
                    (i, 0, 0)
                } else {
                    (ch, i / w, i % w)
                }
            };
            let marked_in = |ch: usize| match props.picked {
                Some((pc, _, _)) if vector && ch == 0 => Some(pc),
                Some((pc, y, x)) if !vector && pc == ch => Some(y * w + x),
                _ => None,
            };
            let maps = (0..c).map(|ch| {
                let enlarged = enlarged.clone();
                let onclick = Callback::from(move |_| enlarged.set(ch));
                let on_pick = props.on_pick.reform(move |i| unit_of(ch, i));
                html! {
                    <button class={classes!("fm-thumb", (ch == chosen).then_some("chosen"))} {onclick}
                        title={lang.tf("photo-channel", &[("channel", ch.to_string().into())])} data-testid="channel-button" data-channel={ch.to_string()}>
                        <FeatureMapCanvas values={data.values.clone()} offset={ch * per} rows={h} cols={w} units={per}
                            scale={scale} cell={cell} layer={d.net.nodes[data.node].name.clone()} channel={ch}
                            on_hover={Callback::from(|_| ())} on_pick={on_pick} marked={marked_in(ch)} keyboard={false} />
                    </button>
                }
            });
            let big_cell = (288.0 / h.max(w) as f64).clamp(1.0, 48.0);
            let on_hover = {
                let hovered = hovered.clone();
                Callback::from(move |u: Option<usize>| hovered.set(u.map(|i| (i, 0.0))))
            };
            // A pick (a click, an arrow key) is what the readout says until the pointer moves
            // again: a key's pick is read out even with the pointer resting over the map.
            let on_pick_enlarged = {
                let (on_pick, hovered) = (props.on_pick.clone(), hovered.clone());
                Callback::from(move |i: usize| {
                    hovered.set(None);
                    on_pick.emit(unit_of(chosen, i));
                })
            };
            let channel_values = &data.values[chosen * per..(chosen + 1) * per];
            // The unit under the pointer, else the picked one (the arrow keys move the pick); else
            // the hint, in a mouse's words or a finger's.
            let shown_unit = hovered.map(|(i, _)| i).or_else(|| marked_in(chosen));
            let readout = match shown_unit {
                Some(i) if i < per => html! { lang.tf(
                    "photo-unit-value",
                    &[
                        ("y", (i / w).to_string().into()),
                        ("x", (i % w).to_string().into()),
                        ("value", format!("{:.4}", channel_values[i]).into()),
                    ],
                ) },
                _ => html! {
                    <>
                        <span class="for-mouse">{ lang.t("photo-explorer-hint") }</span>
                        <span class="for-touch">{ lang.t("photo-explorer-hint-touch") }</span>
                    </>
                },
            };
            html! {
                <>
                    <p class="layer-stats" data-testid="layer-stats" data-shape={shape_text.clone()}>
                        { lang.tf("photo-layer-stats", &[
                            ("layer", (&d.net.nodes[data.node].name).into()),
                            ("shape", (&shape_text).into()),
                            ("count", lang.count(data.values.len() as u64).into()),
                            ("stats", stats_text(lang, &data.values).into()),
                        ]) }
                    </p>
                    { legend(&scale) }
                    <div class="explorer">
                        <div class="fm-grid explorer-grid" data-testid="explorer-grid">{ for maps }</div>
                        <figure class="enlarged" data-testid="enlarged-map" data-channel={chosen.to_string()}
                            style={format!("width:{}px", (w as f64 * big_cell).max(288.0))}>
                            <FeatureMapCanvas values={data.values.clone()} offset={chosen * per} rows={h} cols={w}
                                    units={per} scale={scale} cell={big_cell} layer={format!("{}-enlarged", d.net.nodes[data.node].name)}
                                channel={chosen} on_hover={on_hover}
                                on_pick={on_pick_enlarged} marked={marked_in(chosen)} />
                            <figcaption>
                                { lang.tf("photo-channel-of", &[
                                    ("channel", chosen.to_string().into()),
                                    ("channels", c.to_string().into()),
                                    ("height", h.to_string().into()),
                                    ("width", w.to_string().into()),
                                    ("stats", stats_text(lang, channel_values).into()),
                                ]) }
                                <br /><span data-testid="unit-readout" aria-live="polite">{ readout }</span>
                            </figcaption>
                        </figure>
                    </div>
                </>
            }
        }
        _ => html! { <p class="note">{ lang.t("photo-layer-reading") }</p> },
    };
    html! {
        <section class="layer-explorer" data-testid="layer-explorer">
            <h3>{ lang.t("photo-explorer-title") }</h3>
            <label>{ lang.t("photo-layer-label") }
                <select data-testid="layer-select" onchange={on_change}>{ for options }</select>
            </label>
            { body }
        </section>
    }
}
