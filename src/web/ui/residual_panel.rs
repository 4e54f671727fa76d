//! Residual blocks on the page of a ResNet: choose a block, see it drawn from the description
//! (basic or bottleneck, identity or projection shortcut) beside the other kind of block at the
//! same place in ResNet-34 and ResNet-50; once a photo has run, see what it carries — x, F(x),
//! the shortcut, F(x) + x — map by map (`residual-view`), and how large F(x) is against the
//! shortcut in every block. Below, the gradient-flow experiment.

use std::collections::HashMap;
use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::feature_map_canvas::FeatureMapCanvas;
use super::feature_maps::legend;
use super::gradient_chart::GradientChart;
use super::layer_values::use_layer_values;
use super::residual_diagram::ResidualDiagram;
use super::shared::{PhotoContext, SharedDescribed, WorkerContext};
use crate::colormap::Scale;
use crate::concepts::residual::{blocks, l2, ResBlock, ShortcutKind};
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::zoo::summary::{shape_text, thousands};
use crate::zoo::{analyse, build, Analysis, Network};

#[derive(Properties, PartialEq)]
pub struct ResidualPanelProps {
    pub described: SharedDescribed,
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

fn compare_row(net: &Network, an: &Analysis, b: &ResBlock) -> Html {
    html! {
        <tr data-testid="block-compare-row" data-model={net.id.clone()} data-params={b.params(an).to_string()}>
            <th scope="row">{ format!("{} {}", net.label, b.name) }</th>
            <td>{ b.kind.short() }</td>
            <td>{ format!("{} → {}", shape_text(&an.layers[b.input].shape), shape_text(&an.layers[b.output].shape)) }</td>
            <td>{ b.shortcut_kind.short() }</td>
            <td class="num">{ thousands(b.params(an)) }</td>
            <td class="num">{ thousands(b.macs(an)) }</td>
        </tr>
    }
}

#[function_component(ResidualPanel)]
pub fn residual_panel(props: &ResidualPanelProps) -> Html {
    let ctx = use_context::<WorkerContext>().expect("the worker context is provided by App");
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
        use_memo((), move |_| {
            Rc::new(ctx.0.fork(Some(move |a: WorkerResponse| {
                if let WorkerResponse::Norms { tag, norms: n, .. } = a {
                    norms.set(Some((tag, n.into_iter().collect())));
                }
            })))
        })
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
            k => format!(" · {}", k.short()),
        };
        html! { <option value={i.to_string()} selected={i == index}>{ format!("{}{tag}", b.name) }</option> }
    });
    let compare = others
        .iter()
        .filter_map(|(n, a, bs)| counterpart(bs, &block.name).map(|b| compare_row(n, a, b)));
    let out_c = d.analysis.layers[block.output].shape[0];
    // What this network's shortcuts do where the maps shrink or widen.
    let widening = list
        .iter()
        .map(|b| b.shortcut_kind)
        .find(|k| *k != ShortcutKind::Identity);
    let lead = format!(
        "A residual block outputs F(x) + x: its layers learn only the correction F to their input. {}",
        match widening {
            Some(ShortcutKind::Projection) => "Where the maps shrink or widen, the shortcut becomes a 1×1 convolution with stride (a projection), so the two can be added.",
            Some(ShortcutKind::ZeroPad) => "Where the maps shrink or widen, the shortcut keeps every second pixel and fills the new channels with zeros: no parameters.",
            _ => "",
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
                            ShortcutKind::Identity => "x (the shortcut)".to_string(),
                            ShortcutKind::Projection => "projected x (the shortcut)".to_string(),
                            ShortcutKind::ZeroPad => {
                                "x subsampled, zero channels added (the shortcut)".to_string()
                            }
                        },
                        "F(x), the residual".to_string(),
                        "F(x) + shortcut".to_string(),
                        if block.output != block.add {
                            "ReLU(F(x) + shortcut), the output".to_string()
                        } else {
                            "output".to_string()
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
                    let ch_options = (0..out_c).map(|i| html! { <option value={i.to_string()} selected={i == ch}>{ format!("map {i}") }</option> });
                    html! {
                        <div class="residual-view" data-testid="residual-view" data-block={block.name.clone()}
                            data-f-norm={format!("{nf:.6}")} data-shortcut-norm={format!("{ns:.6}")}>
                            <div class="controls">
                                <label>{ "Map " }<select data-testid="residual-channel" onchange={on_channel}>{ for ch_options }</select></label>
                                { legend(&scale) }
                            </div>
                            <div class="res-maps">{ for maps }</div>
                            <p class="note">{ format!(
                                "On {}: ‖F(x)‖ = {:.1} against ‖shortcut‖ = {:.1} over the whole block ({:.2}×). \
                                 The block adds a correction to what the shortcut carries; with its weights at zero it would pass x on unchanged.",
                                p.photo, nf, ns, nf / ns.max(1e-12)
                            ) }</p>
                        </div>
                    }
                }
                _ => {
                    html! { <p class="note" data-testid="residual-view-loading">{ "Reading the block's maps from the worker…" }</p> }
                }
            }
        }
        _ if photo_lab => {
            html! { <p class="note">{ format!("Classify a photo with {} above to see x, F(x) and F(x) + x of this block.", d.net.label) }</p> }
        }
        _ => html! {},
    };
    let bars = match (&photo, &*norms) {
        (Some(p), Some((tag, n))) if p.model == model && *tag == p.tag => {
            let ratios: Vec<(String, f64)> = list
                .iter()
                .filter_map(|b| {
                    Some((
                        b.name.clone(),
                        n.get(&b.residual)? / n.get(&b.shortcut)?.max(1e-12),
                    ))
                })
                .collect();
            let max = ratios.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
            let bw = (640.0 / ratios.len().max(1) as f64).min(24.0);
            let bars = ratios.iter().enumerate().map(|(i, (name, r))| {
                let hgt = 110.0 * r / max;
                html! {
                    <rect class={classes!("bar", (i == index).then_some("on"))} x={(i as f64 * bw).to_string()} y={(120.0 - hgt).to_string()}
                        width={(bw - 2.0).to_string()} height={hgt.to_string()} data-block={name.clone()} data-ratio={format!("{r:.4}")}>
                        <title>{ format!("{name}: ‖F(x)‖ / ‖shortcut‖ = {r:.2}") }</title>
                    </rect>
                }
            });
            html! {
                <figure class="norm-bars" data-testid="residual-norms">
                    <svg width={(ratios.len() as f64 * bw).to_string()} height="124" role="img"
                        aria-label="‖F(x)‖ / ‖shortcut‖ for every block">{ for bars }</svg>
                    <figcaption>{ format!("‖F(x)‖ / ‖shortcut‖ in each of the {} blocks on {} (largest {:.2}).", ratios.len(), p.photo, max) }</figcaption>
                </figure>
            }
        }
        _ => html! {},
    };
    html! {
        <section class="panel residual-panel" data-testid="residual-panel">
            <h3>{ "Residual blocks: what the shortcut carries" }</h3>
            <p class="lead">{ lead }</p>
            <div class="controls">
                <label>{ "Block " }<select data-testid="residual-block-select" onchange={on_block}>{ for options }</select></label>
                <span class="note">{ format!("{}: {} parameters, {} multiply-adds", block.kind.label(), thousands(block.params(&d.analysis)), thousands(block.macs(&d.analysis))) }</span>
            </div>
            <div class="residual-row">
                <ResidualDiagram block={block.clone()} described={props.described.clone()} />
                <div class="table-wrap compact" tabindex="0" role="region" aria-label="Basic and bottleneck blocks">
                    <table class="block-compare" data-testid="block-compare">
                        <caption>{ "The same place in ResNet-34 (basic blocks) and ResNet-50 (bottlenecks)" }</caption>
                        <thead><tr><th scope="col">{ "block" }</th><th scope="col">{ "kind" }</th><th scope="col">{ "x → output" }</th>
                            <th scope="col">{ "shortcut" }</th><th scope="col">{ "parameters" }</th><th scope="col">{ "multiply-adds" }</th></tr></thead>
                        <tbody>{ for compare }</tbody>
                    </table>
                </div>
            </div>
            { view }
            { bars }
            <GradientChart />
        </section>
    }
}
