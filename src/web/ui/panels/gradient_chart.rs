//! The gradient-flow experiment in the page: one backward pass at initialisation through a plain
//! 34-layer network and through ResNet-34 with the same weights (`crate::concepts::gradient_flow`),
//! run in the worker, and the gradient reaching every layer drawn against depth — once with batch
//! normalisation off (the setting of the notes' "gradient highway" argument) and once with it on,
//! as torchvision builds both networks.

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::concepts::gradient_flow::{
    depth, first_to_last, times, verdict, Flow, FlowConfig, FlowRun, LayerGrad,
};
use crate::i18n::{Lang, Msg};
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::ui::hooks::worker::use_worker;
use crate::web::ui::shared::use_lang;
use crate::zoo::nets::resnet::RESNETS;

#[derive(Clone, PartialEq)]
enum State {
    Idle,
    Running,
    Done(Rc<Flow>, f64),
    Failed(Msg),
}

const W: f64 = 330.0;
const H: f64 = 190.0;
const PAD_L: f64 = 44.0;
const PAD_B: f64 = 26.0;

fn value(l: &LayerGrad, weights: bool) -> f64 {
    if weights {
        l.weight_norm
    } else {
        l.output_norm
    }
}

/// One panel: both networks' gradient norms (log scale) against depth.
fn panel(run: &FlowRun, weights: bool, flow: &Flow, lang: Lang) -> Html {
    let all: Vec<f64> = run
        .plain
        .iter()
        .chain(&run.residual)
        .map(|l| value(l, weights))
        .filter(|v| *v > 0.0)
        .collect();
    let lo = all
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .log10()
        .floor();
    let hi = all
        .iter()
        .copied()
        .fold(0.0, f64::max)
        .log10()
        .ceil()
        .max(lo + 1.0);
    let n = run.plain.len().max(2) as f64;
    let x = |d: usize| PAD_L + (d as f64 - 1.0) / (n - 1.0) * (W - PAD_L - 8.0);
    let y = |v: f64| 8.0 + (hi - v.max(1e-300).log10()) / (hi - lo) * (H - PAD_B - 8.0);
    let line = |layers: &[LayerGrad]| {
        layers
            .iter()
            .map(|l| format!("{:.1},{:.1}", x(l.depth), y(value(l, weights))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let ticks = (lo as i64..=hi as i64).map(|e| {
        let yy = y(10f64.powi(e as i32));
        html! {
            <g class="tick">
                <line x1={PAD_L.to_string()} x2={(W - 8.0).to_string()} y1={yy.to_string()} y2={yy.to_string()} />
                <text x={(PAD_L - 4.0).to_string()} y={(yy + 3.0).to_string()} class="ylab">{ format!("1e{e}") }</text>
            </g>
        }
    });
    let xt = [1usize, 10, 20, 30, run.plain.len()].map(|d| {
        html! {
            <text class="xlab" x={x(d).to_string()} y={(H - 8.0).to_string()}>{ d }</text>
        }
    });
    let dots = |layers: &[LayerGrad], class: &'static str, label: &str| {
        layers
            .iter()
            .map(|l| {
                let v = value(l, weights);
                html! {
                    <circle class={class} cx={x(l.depth).to_string()} cy={y(v).to_string()} r="2.2"
                        data-layer={l.name.clone()} data-value={format!("{v:e}")}>
                        <title>{ lang.tf("concepts-gradient-point", &[
                            ("network", label.into()),
                            ("depth", l.depth.into()),
                            ("layer", l.name.as_str().into()),
                            ("value", format!("{v:.3e}").into()),
                        ]) }</title>
                    </circle>
                }
            })
            .collect::<Html>()
    };
    let (rp, rr) = (first_to_last(&run.plain), first_to_last(&run.residual));
    let title = if run.batch_norm {
        lang.t("concepts-gradient-bn-on")
    } else {
        lang.t("concepts-gradient-bn-off")
    };
    let plain_label = plain_label(flow, lang);
    html! {
        <figure class="grad-panel" data-testid="gradient-panel" data-batch-norm={run.batch_norm.to_string()}
            data-plain-ratio={format!("{rp:e}")} data-residual-ratio={format!("{rr:e}")}>
            <figcaption class="panel-title">{ title.clone() }</figcaption>
            <svg width={W.to_string()} height={H.to_string()} role="img"
                aria-label={lang.tf("concepts-gradient-aria", &[("setting", title.as_str().into())])}>
                { for ticks }
                { for xt }
                <polyline class="plain" points={line(&run.plain)} />
                <polyline class="residual" points={line(&run.residual)} />
                { dots(&run.plain, "plain", &plain_label) }
                { dots(&run.residual, "residual", &flow.residual_label) }
            </svg>
            <figcaption>{ lang.tf("concepts-gradient-ratio", &[
                ("last", run.plain.len().into()),
                ("plain", times(rp).into()),
                ("residual", times(rr).into()),
                ("network", flow.residual_label.as_str().into()),
            ]) }</figcaption>
        </figure>
    }
}

/// The plain network's name: the residual one's without its shortcuts.
fn plain_label(flow: &Flow, lang: Lang) -> String {
    lang.tf(
        "concepts-gradient-plain-net",
        &[("network", flow.residual_label.as_str().into())],
    )
}

#[function_component(GradientChart)]
pub fn gradient_chart() -> Html {
    let lang = use_lang();
    let state = use_state(|| State::Idle);
    let weights = use_state(|| false);
    let bridge = {
        let state = state.clone();
        use_worker(
            (),
            |a| match a {
                WorkerResponse::GradientFlow { flow, millis } => {
                    Some(State::Done(Rc::new(flow), millis))
                }
                WorkerResponse::Failed(m) if m.key == "errors-gradient-flow-failed" => {
                    Some(State::Failed(m))
                }
                _ => None,
            },
            move |s| state.set(s),
        )
    };
    let on_run = {
        let state = state.clone();
        Callback::from(move |_| {
            state.set(State::Running);
            bridge.send(WorkerRequest::GradientFlow {
                config: FlowConfig::default(),
            });
        })
    };
    let on_measure = {
        let weights = weights.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            weights.set(s.value() == "weights");
        })
    };
    let cfg = FlowConfig::default();
    let body = match &*state {
        State::Idle => html! {},
        State::Running => {
            html! { <p class="note" data-testid="gradient-running">{ lang.t("concepts-gradient-running") }</p> }
        }
        State::Failed(m) => html! { <p class="error" role="alert">{ m.sentence(lang) }</p> },
        State::Done(flow, millis) => {
            let panels = flow.runs.iter().map(|r| panel(r, *weights, flow, lang));
            html! {
                <>
                    <div class="legend-row">
                        <span class="key plain">{ plain_label(flow, lang) }</span>
                        <span class="key residual">{ &flow.residual_label }</span>
                        <label>{ format!("{} ", lang.t("concepts-gradient-measure")) }
                            <select data-testid="gradient-measure" onchange={on_measure}>
                                <option value="outputs" selected={!*weights}>{ lang.t("concepts-gradient-measure-outputs") }</option>
                                <option value="weights" selected={*weights}>{ lang.t("concepts-gradient-measure-weights") }</option>
                            </select>
                        </label>
                    </div>
                    <div class="grad-panels">{ for panels }</div>
                    <p class="note" data-testid="gradient-verdict">{ verdict(flow, lang) }</p>
                    <p class="note">{ lang.tf("concepts-gradient-setting", &[
                        ("batch", flow.config.batch.into()),
                        ("side", flow.config.side.into()),
                        ("seed", flow.config.seed.to_string().into()),
                        ("seconds", format!("{:.1}", millis / 1000.0).into()),
                    ]) }</p>
                </>
            }
        }
    };
    html! {
        <section class="gradient-chart" data-testid="gradient-chart"
            data-state={match &*state { State::Idle => "idle", State::Running => "running", State::Done(..) => "done", State::Failed(_) => "failed" }}>
            <h4>{ lang.t("concepts-gradient-title") }</h4>
            <p class="lead">{ lang.tf("concepts-gradient-lead", &[
                ("n", depth(&RESNETS[1]).into()),
                ("network", RESNETS[1].label.into()),
                ("batch", cfg.batch.into()),
                ("side", cfg.side.into()),
            ]) }</p>
            <button data-testid="gradient-run" onclick={on_run} disabled={*state == State::Running}>
                { if matches!(*state, State::Done(..)) { lang.t("concepts-gradient-run-again") } else { lang.t("concepts-gradient-run") } }
            </button>
            { body }
        </section>
    }
}
