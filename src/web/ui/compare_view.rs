//! Two networks of the zoo side by side (`compare-view`): parameters, multiply-adds, activation
//! and parameter memory and depth in one table with the ratio, each network's stages (runs of
//! layers at one map size) as bars of their share of the multiply-adds and parameters, and the
//! growth of both receptive fields on one chart. Everything comes from the two descriptions.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use std::cell::RefCell;
use std::collections::HashMap;

use super::rf_chart::RfChart;
use super::shared::{PhotoContext, WorkerContext};
use super::top5_list::Top5List;
use super::weights_panel::mb;
use crate::catalog::CATALOG;
use crate::concepts::compare::{depth, stages, Stage};
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::zoo::summary::thousands;
use crate::zoo::{analyse, build, Analysis, Network};

/// Top-5s (or why not) by network.
type Answers = HashMap<String, Result<Vec<(usize, f32)>, String>>;

/// The networks a reader can compare: every described entry of the picker, (id, label).
fn choices() -> Vec<(String, String)> {
    CATALOG
        .iter()
        .filter_map(|e| build(e.id).map(|n| (e.id.to_string(), n.label)))
        .collect()
}

struct Side {
    net: Network,
    an: Analysis,
    depth: usize,
    stages: Vec<Stage>,
}

fn side(id: &str) -> Option<Side> {
    let net = build(id)?;
    let an = analyse(&net);
    let depth = depth(&net);
    let stages = stages(&an);
    Some(Side {
        net,
        an,
        depth,
        stages,
    })
}

/// One row of the table: what, both exact values, how they are shown.
fn row(metric: &str, what: &str, a: u64, b: u64, show: impl Fn(u64) -> String) -> Html {
    let ratio = if a == 0 {
        "–".to_string()
    } else {
        format!("{:.2}×", b as f64 / a as f64)
    };
    html! {
        <tr data-metric={metric.to_string()} data-a={a.to_string()} data-b={b.to_string()}>
            <th scope="row">{ what }</th>
            <td>{ show(a) }</td>
            <td>{ show(b) }</td>
            <td>{ ratio }</td>
        </tr>
    }
}

/// A stage's colour, the same for one map size in every bar (the hue follows log₂ of the side).
fn colour(side: usize) -> String {
    if side == 0 {
        return "#4b5563".to_string();
    }
    let hue = ((side as f64).log2() * 47.0) % 360.0;
    format!("hsl({hue:.0},55%,42%)")
}

/// A network's stages as one bar: each stage's share of `value` (multiply-adds or parameters).
fn bar(s: &Side, what: &str, value: fn(&Stage) -> u64) -> Html {
    let total: u64 = s.stages.iter().map(value).sum::<u64>().max(1);
    let segments = s.stages.iter().filter(|st| value(st) > 0).map(|st| {
        let share = value(st) as f64 / total as f64;
        let place = if st.side == 0 {
            "vectors".to_string()
        } else {
            format!("{0}×{0}", st.side)
        };
        let title = format!(
            "{place}: {} layers, {} {what} ({:.1} %)",
            st.layers,
            thousands(value(st)),
            100.0 * share
        );
        html! {
            <span class="stage" data-side={st.side.to_string()} data-value={value(st).to_string()}
                style={format!("flex-grow:{share:.6};background:{}", colour(st.side))}
                title={title.clone()} aria-label={title}>
                if share > 0.07 { { place } }
            </span>
        }
    });
    html! {
        <div class="stage-bar" data-testid="stage-bar" data-model={s.net.id.clone()} data-what={what.to_string()}>
            <span class="stage-name">{ &s.net.label }</span>
            <div class="stages">{ for segments }</div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct CompareViewProps {
    /// The two networks (from the address; ResNet-18 and VGG-16 when it names none).
    pub a: Option<String>,
    pub b: Option<String>,
    /// A new pair chosen.
    pub on_change: Callback<(String, String)>,
}

#[function_component(CompareView)]
pub fn compare_view(props: &CompareViewProps) -> Html {
    let choices = use_memo((), |_| choices());
    let known = |id: &Option<String>, default: &str| {
        id.clone()
            .filter(|i| choices.iter().any(|(c, _)| c == i))
            .unwrap_or_else(|| default.to_string())
    };
    let (a, b) = (known(&props.a, "resnet18"), known(&props.b, "vgg16"));
    // Both networks on the last photo, where their weights are loaded: (top-5 or why not) by
    // network.
    let photo = use_context::<PhotoContext>().and_then(|p| p.last);
    let answers = use_state(Answers::new);
    let got = use_memo((), |_| RefCell::new(Answers::new()));
    let bridge = {
        let ctx = use_context::<WorkerContext>().expect("the worker context is provided by App");
        let (answers, got) = (answers.clone(), got.clone());
        use_memo((), move |_| {
            ctx.0.fork(Some(move |a: WorkerResponse| {
                let (model, answer) = match a {
                    WorkerResponse::Top5 { model, top5, .. } => (model, Ok(top5)),
                    WorkerResponse::Failed(m) => match m.split_once(": ") {
                        Some((model, why)) => (model.to_string(), Err(why.to_string())),
                        None => return,
                    },
                    _ => return,
                };
                got.borrow_mut().insert(model, answer);
                answers.set(got.borrow().clone());
            }))
        })
    };
    {
        let answers = answers.clone();
        use_effect_with(
            (a.clone(), b.clone(), photo.as_ref().map(|p| p.tag)),
            move |_| answers.set(HashMap::new()),
        );
    }
    let on_classify = {
        let (bridge, a, b) = (bridge.clone(), a.clone(), b.clone());
        Callback::from(move |_| {
            for model in [&a, &b] {
                bridge.send(WorkerRequest::ClassifyLastCrop {
                    model: model.clone(),
                    tag: 0,
                });
            }
        })
    };
    let top5s = photo.as_ref().map(|p| {
        let label_of = |model: &str| {
            choices
                .iter()
                .find(|(id, _)| id == model)
                .map_or(model.to_string(), |(_, l)| l.clone())
        };
        let one = |model: &str| {
            let label = label_of(model);
            let body = match answers.get(model) {
                Some(Ok(top5)) => html! { <Top5List top5={top5.clone()} photo={p.photo.clone()} /> },
                Some(Err(why)) => html! { <p class="note" data-testid="compare-top5-missing">{ why }</p> },
                None => html! {},
            };
            html! {
                <div class="compare-top5" data-testid="compare-top5" data-model={model.to_string()}>
                    <h4>{ label }</h4>
                    { body }
                </div>
            }
        };
        html! {
            <>
                <h3>{ "Both on the last photo" }</h3>
                <p class="note">
                    { format!("The 224×224 crop of “{}” (last classified by {}), through each network whose weights are loaded. ", p.photo, label_of(&p.model)) }
                    <button data-testid="compare-classify" onclick={on_classify.clone()}>{ "Classify with both" }</button>
                </p>
                <div class="compare-top5s">{ one(&a) }{ one(&b) }</div>
            </>
        }
    });
    let pick = |first: bool| {
        let (on_change, a, b) = (props.on_change.clone(), a.clone(), b.clone());
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            on_change.emit(if first {
                (s.value(), b.clone())
            } else {
                (a.clone(), s.value())
            });
        })
    };
    let select = |testid: &str, chosen: &str, onchange: Callback<Event>| {
        html! {
            <select data-testid={testid.to_string()} aria-label={format!("Network {}", &testid[8..])} {onchange}>
                { for choices.iter().map(|(id, label)| html! {
                    <option value={id.clone()} selected={id == chosen}>{ label }</option>
                }) }
            </select>
        }
    };
    let (Some(sa), Some(sb)) = (side(&a), side(&b)) else {
        return html! { <p class="error">{ "One of the two networks has no description." }</p> };
    };
    let count = |v: u64| thousands(v);
    let bytes = |v: u64| format!("{} ({} bytes)", mb(v), thousands(v));
    html! {
        <section class="main-view compare-view" data-testid="compare-view" data-a={a.clone()} data-b={b.clone()}>
            <h2 data-testid="model-title">{ "Compare two networks" }</h2>
            <p class="compare-pick">
                { select("compare-a", &a, pick(true)) }
                { " against " }
                { select("compare-b", &b, pick(false)) }
            </p>
            <table class="layer-table compare-table" data-testid="compare-table">
                <thead><tr><th scope="col">{ "per image, batch 1" }</th><th scope="col">{ &sa.net.label }</th>
                    <th scope="col">{ &sb.net.label }</th><th scope="col">{ "second / first" }</th></tr></thead>
                <tbody>
                    { row("params", "parameters", sa.an.total_params, sb.an.total_params, count) }
                    { row("macs", "multiply-adds", sa.an.total_macs, sb.an.total_macs, count) }
                    { row("activation-bytes", "activation memory (fp32, forward)", sa.an.forward_bytes, sb.an.forward_bytes, bytes) }
                    { row("param-bytes", "parameter memory (fp32)", sa.an.param_bytes, sb.an.param_bytes, bytes) }
                    { row("depth", "depth (weight layers on the longest path)", sa.depth as u64, sb.depth as u64, count) }
                </tbody>
            </table>
            <h3>{ "Where the work is: stages by map size" }</h3>
            <p class="note">{ "Each bar splits a network into its stages, the runs of layers at one map size, \
                by their share of the multiply-adds (top pair) and of the parameters (bottom pair). \
                Early stages work on large maps with few weights; late ones hold the weights." }</p>
            <div class="stage-bars">
                { bar(&sa, "multiply-adds", |s| s.macs) }
                { bar(&sb, "multiply-adds", |s| s.macs) }
                { bar(&sa, "parameters", |s| s.params) }
                { bar(&sb, "parameters", |s| s.params) }
            </div>
            { for top5s }
            <h3>{ "Receptive field against depth" }</h3>
            <RfChart key={format!("{a}-{b}")} initial={vec![a.clone(), b.clone()]} />
        </section>
    }
}
