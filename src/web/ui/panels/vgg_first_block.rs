//! VGG's first block on the last photo, layer by layer: the crop, then each stacked 3×3
//! convolution's maps after its ReLU, with the field one of its units covers (3×3, then 5×5
//! pixels). Shown on a VGG network's page once a photo has run through it.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::colormap::Scale;
use crate::web::ui::hooks::layer_values::use_layer_values;
use crate::web::ui::overlay::legend;
use crate::web::ui::shared::{use_lang, PhotoContext, SharedDescribed};
use crate::web::ui::widgets::crop_preview::CropPreview;
use crate::web::ui::widgets::feature_map_canvas::FeatureMapCanvas;
use crate::web::ui::widgets::unpublished_note::UnpublishedNote;
use crate::zoo::graph::Op;
use crate::zoo::summary::shape_text;

#[derive(Properties, PartialEq)]
pub struct VggFirstBlockProps {
    pub described: SharedDescribed,
}

/// Maps shown per layer.
const SHOWN: usize = 8;

/// The convolutions before the first pooling layer, each with the node whose output is shown
/// (the last node before the next convolution or pool: its ReLU).
pub fn first_block(net: &crate::zoo::Network) -> Vec<(usize, usize)> {
    let end = net
        .nodes
        .iter()
        .position(|n| matches!(n.op, Op::Pool2d(_)))
        .unwrap_or(net.nodes.len());
    let convs: Vec<usize> = (0..end)
        .filter(|&i| matches!(net.nodes[i].op, Op::Conv2d(_)))
        .collect();
    convs
        .iter()
        .enumerate()
        .map(|(j, &c)| {
            let next = convs.get(j + 1).copied().unwrap_or(end);
            (c, next - 1)
        })
        .collect()
}

#[function_component(VggFirstBlock)]
pub fn vgg_first_block(props: &VggFirstBlockProps) -> Html {
    let lang = use_lang();
    let photo = use_context::<PhotoContext>().and_then(|p| p.last);
    let start = use_state(|| 0usize);
    let d = props.described.as_ref().as_ref();
    let model = d.map(|d| d.net.id.clone()).unwrap_or_default();
    let layers = d.map(|d| first_block(&d.net)).unwrap_or_default();
    let nodes: Vec<usize> = layers.iter().map(|l| l.1).collect();
    let values = use_layer_values(&model, photo.as_ref(), nodes);
    let Some(d) = d else { return html! {} };
    let Some(p) = photo.filter(|p| p.model == model) else {
        return html! {
            <>
            <p class="note" data-testid="first-block-note">{ lang.tf(
                "concepts-vgg-note",
                &[
                    ("network", crate::zoo::label(&d.net, lang).into()),
                    ("n", layers.len().into()),
                    ("k", layers.first().and_then(|l| match &d.net.nodes[l.0].op {
                        Op::Conv2d(c) => Some(c.kernel[0]),
                        _ => None,
                    }).unwrap_or(0).into()),
                ],
            ) }</p>
            <UnpublishedNote id={d.net.id.clone()} label={crate::zoo::label(&d.net, lang)} />
            </>
        };
    };
    let channels = d.analysis.layers[layers[0].0].shape[0];
    let on_start = {
        let start = start.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(v) = s.value().parse() {
                start.set(v);
            }
        })
    };
    let options = (0..channels).step_by(SHOWN).map(|s| {
        html! { <option value={s.to_string()} selected={s == *start}>{ lang.tf("concepts-vgg-maps-option", &[("from", s.into()), ("to", ((s + SHOWN).min(channels) - 1).into())]) }</option> }
    });
    let rows = layers.iter().enumerate().map(|(j, &(conv, shown))| {
        let l = &d.analysis.layers[shown];
        let rf = l.rf.map_or(0, |r| r[0]);
        let name = &d.net.nodes[shown].name;
        let what = match &d.net.nodes[conv].op {
            Op::Conv2d(c) => lang.tf(
                "concepts-vgg-conv",
                &[("kh", c.kernel[0].into()), ("kw", c.kernel[1].into())],
            ),
            op => op.type_name().to_string(),
        };
        let head = lang.tf(
            "concepts-vgg-layer-head",
            &[
                ("index", (j + 1).into()),
                ("conv", d.net.nodes[conv].name.as_str().into()),
                ("what", what.into()),
                ("act", d.net.nodes[shown].op.type_name().into()),
                ("shape", shape_text(&l.shape).into()),
                ("rf", rf.into()),
            ],
        );
        let body = match values.layers.get(&shown) {
            Some(data) => {
                let (c, h, w) = (data.shape[0], data.shape[1], data.shape[2]);
                let scale = Scale::fit(data.values.iter());
                let maps = (*start..(*start + SHOWN).min(c)).map(|ch| html! {
                    <FeatureMapCanvas values={data.values.clone()} offset={ch * h * w} rows={h} cols={w} units={h * w}
                        scale={scale} cell={96.0 / w as f64} layer={name.clone()} channel={ch}
                        on_hover={Callback::from(|_| ())} />
                });
                html! { <><div class="fm-grid">{ for maps }</div>{ legend(&scale) }</> }
            }
            None => match &values.failed {
                Some(why) => html! { <p class="error-message" data-testid="maps-failed">{ why.sentence(lang) }</p> },
                None => html! { <p class="note">{ lang.t("concepts-reading-maps") }</p> },
            },
        };
        html! {
            <div class="block-layer" data-testid="first-block-layer" data-layer={name.clone()} data-rf={rf.to_string()}>
                <div class="block-head">{ head }</div>
                { body }
            </div>
        }
    });
    html! {
        <div class="first-block" data-testid="first-block">
            <h4>{ lang.tf("concepts-vgg-title", &[("network", crate::zoo::label(&d.net, lang).into()), ("photo", p.photo.as_str().into())]) }</h4>
            <label>{ format!("{} ", lang.t("concepts-vgg-show")) }<select data-testid="first-block-channels" onchange={on_start}>{ for options }</select></label>
            <div class="first-block-row">
                <CropPreview rgb={p.crop.clone()} side={p.side} testid="first-block-input"
                    caption={lang.tf("concepts-vgg-crop-caption", &[("side", p.side.into())])} />
                <div class="first-block-layers">{ for rows }</div>
            </div>
        </div>
    }
}
