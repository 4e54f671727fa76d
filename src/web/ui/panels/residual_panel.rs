//! Residual blocks on the page of a ResNet: choose a block, see it drawn from the description
//! (basic or bottleneck, identity or projection shortcut) beside the other kind of block at the
//! same place in ResNet-34 and ResNet-50; once a photo has run, see what it carries — x, F(x),
//! the shortcut, F(x) + x — map by map (`residual-view`), and how large F(x) is against the
//! shortcut in every block. Below, the gradient-flow experiment.

use std::collections::HashMap;
use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::colormap::Scale;
use crate::concepts::residual::{blocks, l2, ResBlock, ShortcutKind};
use crate::i18n::Lang;
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::ui::hooks::layer_values::use_layer_values;
use crate::web::ui::hooks::worker::use_worker;
use crate::web::ui::overlay::legend;
use crate::web::ui::shared::{activate, use_lang, PhotoContext, SharedDescribed};
use crate::web::ui::widgets::feature_map_canvas::FeatureMapCanvas;
use crate::web::ui::widgets::residual_diagram::ResidualDiagram;
use crate::web::ui::widgets::unpublished_note::UnpublishedNote;
use crate::zoo::summary::shape_text;
use crate::zoo::{analyse, build, Analysis, Network};

#[derive(Properties, PartialEq)]
pub struct ResidualPanelProps {
    pub described: SharedDescribed,
    /// What the page puts at the panel's end.
    #[prop_or_default]
    pub children: Html,
}

/// The block of `other` to compare a block named `name` with: the same name, or the last block
/// of the same stage.
fn counterpart<'a>(other: &'a [ResBlock], name: &str) -> Option<&'a ResBlock> {
    let stage = name.split('.').next().unwrap_or("");
    other.iter().find(|b| b.name == name).or_else(|| {
        other
            .iter()
            .rfind(|b| b.name.split('.').next() == Some(stage))
    })
}

fn compare_row(net: &Network, an: &Analysis, b: &ResBlock, lang: Lang) -> Html {
    html! {
        <tr data-testid="block-compare-row" data-model={net.id.clone()} data-params={b.params(an).to_string()}>
            <th scope="row">{ format!("{} {}", crate::zoo::label(net, lang), b.name) }</th>
            <td>{ b.kind.short(lang) }</td>
            <td>{ format!("{} → {}", shape_text(&an.layers[b.input].shape), shape_text(&an.layers[b.output].shape)) }</td>
            <td>{ b.shortcut_kind.short(lang) }</td>
            <td class="num">{ lang.count(b.params(an)) }</td>
            <td class="num">{ lang.count(b.macs(an)) }</td>
        </tr>
    }
}

#[function_component(ResidualPanel)]
pub fn residual_panel(props: &ResidualPanelProps) -> Html {
    let lang = use_lang();
    let photo = use_context::<PhotoContext>().and_then(|p| p.last);
    let d = props.described.as_ref().as_ref();
    let model = d.map(|d| d.net.id.clone()).unwrap_or_default();
    let list = use_memo(model.clone(), |_| {
        d.map(|d| blocks(&d.net)).unwrap_or_default()
    });
    let chosen = use_state(|| 0usize);
    let channel = use_state(|| 0usize);
    let others = use_memo((), |_| {
        ["resnet34", "resnet50"].map(|id| {
            let n = build(id).expect("in the zoo");
            let a = analyse(&n);
            let b = blocks(&n);
            (n, a, b)
        })
    });
    let index = (*chosen).min(list.len().saturating_sub(1));
    let block = list.get(index).cloned();
    let nodes: Vec<usize> = block
        .as_ref()
        .map(|b| vec![b.shortcut, b.residual, b.add, b.output])
        .unwrap_or_default();
    let values = use_layer_values(&model, photo.as_ref(), nodes);
    // ‖F(x)‖ / ‖shortcut‖ for every block, computed in the worker.
    let norms = use_state(|| None::<(u64, HashMap<usize, f64>)>);
    let norm_bridge = {
        let norms = norms.clone();
        use_worker(
            (),
            |a| match a {
                WorkerResponse::Norms { tag, norms, .. } => Some((tag, norms)),
                _ => None,
            },
            move |(tag, n): (u64, Vec<(usize, f64)>)| {
                norms.set(Some((tag, n.into_iter().collect())))
            },
        )
    };
    {
        let key = photo.as_ref().filter(|p| p.model == model).map(|p| p.tag);
        let list = list.clone();
        let model = model.clone();
        use_effect_with(key, move |key| {
            if let Some(tag) = key {
                let nodes = list.iter().flat_map(|b| [b.residual, b.shortcut]).collect();
                norm_bridge.send(WorkerRequest::LayerNorms {
                    model,
                    nodes,
                    tag: *tag,
                });
            }
        });
    }
    let (Some(d), Some(block)) = (d, block) else {
        return html! {};
    };
    let on_block = {
        let (chosen, channel) = (chosen.clone(), channel.clone());
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = s.value().parse() {
                chosen.set(i);
                channel.set(0);
            }
        })
    };
    let options = list.iter().enumerate().map(|(i, b)| {
        let tag = match b.shortcut_kind {
            ShortcutKind::Identity => String::new(),
            k => format!(" · {}", k.short(lang)),
        };
        html! { <option value={i.to_string()} selected={i == index}>{ format!("{}{tag}", b.name) }</option> }
    });
    let compare = others
        .iter()
        .filter_map(|(n, a, bs)| counterpart(bs, &block.name).map(|b| compare_row(n, a, b, lang)));
    let out_c = d.analysis.layers[block.output].shape[0];
    // What this network's shortcuts do where the maps shrink or widen.
    let widening = list
        .iter()
        .map(|b| b.shortcut_kind)
        .find(|k| *k != ShortcutKind::Identity);
    let lead = format!(
        "{}{}",
        lang.t("concepts-residual-lead"),
        match widening {
            Some(ShortcutKind::Projection) => lang.t("concepts-residual-lead-projection"),
            Some(ShortcutKind::ZeroPad) => lang.t("concepts-residual-lead-zero-pad"),
            _ => String::new(),
        }
    );
    // Only the ImageNet networks have a photo lab above.
    let photo_lab = d.analysis.layers[0].shape == [3, 224, 224];
    let ch = (*channel).min(out_c.saturating_sub(1));
    let view = match &photo {
        Some(p) if p.model == model => {
            let get = |n: usize| values.layers.get(&n);
            match (
                get(block.residual),
                get(block.shortcut),
                get(block.add),
                get(block.output),
            ) {
                (Some(f), Some(s), Some(sum), Some(out)) => {
                    let (h, w) = (f.shape[1], f.shape[2]);
                    let per = h * w;
                    let at = |v: &Rc<Vec<f32>>| v[ch * per..(ch + 1) * per].to_vec();
                    let slices = [
                        at(&s.values),
                        at(&f.values),
                        at(&sum.values),
                        at(&out.values),
                    ];
                    let scale = Scale::fit(slices.iter().flatten());
                    let (nf, ns) = (l2(&f.values), l2(&s.values));
                    let titles = [
                        match block.shortcut_kind {
                            ShortcutKind::Identity => lang.t("concepts-residual-map-identity"),
                            ShortcutKind::Projection => lang.t("concepts-residual-map-projection"),
                            ShortcutKind::ZeroPad => lang.t("concepts-residual-map-zero-pad"),
                        },
                        lang.t("concepts-residual-map-residual"),
                        lang.t("concepts-residual-map-sum"),
                        if block.output != block.add {
                            lang.t("concepts-residual-map-relu")
                        } else {
                            lang.t("concepts-residual-map-output")
                        },
                    ];
                    let cell = (150.0 / w as f64).min(12.0);
                    let maps = slices.into_iter().zip(titles).enumerate().map(|(i, (v, t))| html! {
                        <figure class="res-map">
                            <FeatureMapCanvas values={Rc::new(v)} offset={0} rows={h} cols={w} units={per}
                                scale={scale} cell={cell} layer={format!("{}-{i}", block.name)} channel={ch}
                                on_hover={Callback::from(|_| ())} />
                            <figcaption>{ t }</figcaption>
                        </figure>
                    });
                    let on_channel = {
                        let channel = channel.clone();
                        Callback::from(move |e: Event| {
                            let s: HtmlSelectElement = e.target_unchecked_into();
                            if let Ok(i) = s.value().parse() {
                                channel.set(i);
                            }
                        })
                    };
                    let ch_options = (0..out_c).map(|i| html! { <option value={i.to_string()} selected={i == ch}>{ lang.tf("concepts-residual-map-option", &[("i", i.into())]) }</option> });
                    html! {
                        <div class="residual-view" data-testid="residual-view" data-block={block.name.clone()}
                            data-f-norm={format!("{nf:.6}")} data-shortcut-norm={format!("{ns:.6}")}>
                            <div class="controls">
                                <label>{ format!("{} ", lang.t("concepts-residual-map-label")) }<select data-testid="residual-channel" onchange={on_channel}>{ for ch_options }</select></label>
                                { legend(&scale) }
                            </div>
                            <div class="res-maps">{ for maps }</div>
                            <p class="note">{ lang.tf("concepts-residual-norm-note", &[
                                ("photo", p.photo.as_str().into()),
                                ("f", format!("{nf:.1}").into()),
                                ("shortcut", format!("{ns:.1}").into()),
                                ("ratio", format!("{:.2}", nf / ns.max(1e-12)).into()),
                            ]) }</p>
                        </div>
                    }
                }
                _ => match &values.failed {
                    Some(why) => {
                        html! { <p class="error-message" data-testid="maps-failed">{ why.sentence(lang) }</p> }
                    }
                    None => {
                        html! { <p class="note" data-testid="residual-view-loading">{ lang.t("concepts-residual-reading") }</p> }
                    }
                },
            }
        }
        _ if photo_lab => {
            html! {
                <>
                    <p class="note">{ lang.tf("concepts-residual-classify", &[("network", crate::zoo::label(&d.net, lang).into())]) }</p>
                    <UnpublishedNote id={d.net.id.clone()} label={crate::zoo::label(&d.net, lang)} />
                </>
            }
        }
        _ => html! {},
    };
    let bars = match (&photo, &*norms) {
        (Some(p), Some((tag, n))) if p.model == model && *tag == p.tag => {
            // (block's place in the list, its name, its ratio).
            let ratios: Vec<(usize, String, f64)> = list
                .iter()
                .enumerate()
                .filter_map(|(i, b)| {
                    Some((
                        i,
                        b.name.clone(),
                        n.get(&b.residual)? / n.get(&b.shortcut)?.max(1e-12),
                    ))
                })
                .collect();
            let max = ratios.iter().map(|r| r.2).fold(0.0, f64::max).max(1e-9);
            let bw = (640.0 / ratios.len().max(1) as f64).min(24.0);
            let said = |name: &str, r: f64| {
                lang.tf(
                    "concepts-residual-bar",
                    &[("block", name.into()), ("ratio", format!("{r:.2}").into())],
                )
            };
            // A bar is a button: a click, Enter or Space opens its block above.
            let open_block = {
                let (chosen, channel) = (chosen.clone(), channel.clone());
                Callback::from(move |i: usize| {
                    chosen.set(i);
                    channel.set(0);
                })
            };
            let bars = ratios.iter().enumerate().map(|(at, (i, name, r))| {
                let hgt = 110.0 * r / max;
                let (onclick, onkeydown) = activate(&open_block, *i);
                html! {
                    <rect class={classes!("bar", (*i == index).then_some("on"))} x={(at as f64 * bw).to_string()} y={(120.0 - hgt).to_string()}
                        width={(bw - 2.0).to_string()} height={hgt.to_string()} data-block={name.clone()} data-ratio={format!("{r:.4}")}
                        data-testid="residual-norm-bar" tabindex="0" role="button" aria-pressed={(*i == index).to_string()} aria-label={said(name, *r)}
                        {onclick} {onkeydown}>
                        <title>{ said(name, *r) }</title>
                    </rect>
                }
            });
            let this = ratios.iter().find(|(i, ..)| *i == index);
            html! {
                <figure class="norm-bars" data-testid="residual-norms">
                    <svg width={(ratios.len() as f64 * bw).to_string()} height="124" role="group"
                        aria-label={lang.t("concepts-residual-bars-aria")}>{ for bars }</svg>
                    <figcaption>{ lang.tf("concepts-residual-bars-caption", &[
                        ("n", ratios.len().into()),
                        ("photo", p.photo.as_str().into()),
                        ("max", format!("{max:.2}").into()),
                    ]) }
                    if let Some((_, name, r)) = this {
                        <br /><span data-testid="residual-norm-readout" aria-live="polite">{ said(name, *r) }</span>
                    }
                    </figcaption>
                </figure>
            }
        }
        _ => html! {},
    };
    html! {
        <section class="panel residual-panel" data-testid="residual-panel">
            <h3>{ lang.t("concepts-residual-title") }</h3>
            <p class="lead">{ lead }</p>
            <div class="controls">
                <label>{ format!("{} ", lang.t("concepts-residual-block-label")) }<select data-testid="residual-block-select" onchange={on_block}>{ for options }</select></label>
                <span class="note">{ lang.tf("concepts-residual-block-figures", &[
                    ("kind", block.kind.label(lang).into()),
                    ("params", lang.count(block.params(&d.analysis)).into()),
                    ("macs", lang.count(block.macs(&d.analysis)).into()),
                ]) }</span>
            </div>
            <div class="residual-row">
                <ResidualDiagram block={block.clone()} described={props.described.clone()} />
                <div class="table-wrap compact" tabindex="0" role="region" aria-label={lang.t("concepts-residual-compare-aria")}>
                    <table class="block-compare" data-testid="block-compare">
                        <caption>{ lang.t("concepts-residual-compare-caption") }</caption>
                        <thead><tr><th scope="col">{ lang.t("concepts-residual-col-block") }</th><th scope="col">{ lang.t("concepts-residual-col-kind") }</th><th scope="col">{ lang.t("concepts-residual-col-shapes") }</th>
                            <th scope="col">{ lang.t("concepts-residual-col-shortcut") }</th><th scope="col">{ lang.t("concepts-residual-col-params") }</th><th scope="col">{ lang.t("concepts-residual-col-macs") }</th></tr></thead>
                        <tbody>{ for compare }</tbody>
                    </table>
                </div>
            </div>
            { view }
            { bars }
            { props.children.clone() }
        </section>
    }
}
