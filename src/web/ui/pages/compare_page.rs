//! Two networks of the zoo side by side (`compare-view`): parameters, multiply-adds, activation
//! and parameter memory and depth in one table with the ratio, each network's stages (runs of
//! layers at one map size) as bars of their share of the multiply-adds and parameters, and the
//! growth of both receptive fields on one chart. Everything comes from the two descriptions.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use std::cell::RefCell;
use std::collections::HashMap;

use crate::catalog::CATALOG;
use crate::concepts::compare::{depth, stages, Stage};
use crate::i18n::thousands;
use crate::i18n::{Arg, Lang, Msg};
use crate::protocol::{EngineKind, WorkerRequest, WorkerResponse};
use crate::web::ui::format::{engine_name, mib};
use crate::web::ui::hooks::worker::use_worker;
use crate::web::ui::panels::rf_chart::RfChart;
use crate::web::ui::shared::{use_lang, ImportedContext, ImportedNet, PhotoContext};
use crate::web::ui::widgets::network_link::NetworkLink;
use crate::web::ui::widgets::top5_list::Top5List;
use crate::zoo::{analyse, build, Analysis, Network};

/// A network's top-5 on the last photo and the engine that ran it, or why not.
type Answer = Result<(Vec<(usize, f32)>, EngineKind), Msg>;
/// The answers by network; a failure that names no network (the worker stopped, no photo in
/// it) under "".
type Answers = HashMap<String, Answer>;

/// The answers to `ClassifyLastCrop`, by network: its top-5, or its failure (which names the
/// network as its `model` argument, or none).
fn pick(answer: WorkerResponse) -> Option<(String, Answer)> {
    match answer {
        WorkerResponse::Top5 {
            model,
            top5,
            engine,
            ..
        } => Some((model, Ok((top5, engine)))),
        WorkerResponse::Failed(m) => match m.args.iter().find(|(name, _)| name == "model") {
            Some((_, Arg::Str(model))) => Some((model.clone(), Err(m.clone()))),
            _ => Some((String::new(), Err(m))),
        },
        _ => None,
    }
}

/// The networks a reader can compare: every described entry of the picker, then the networks
/// opened from files in this visit, (id, label).
fn choices(lang: Lang, imported: &[ImportedNet]) -> Vec<(String, String)> {
    CATALOG
        .iter()
        .filter_map(|e| build(e.id).map(|n| (e.id.to_string(), crate::zoo::label(&n, lang))))
        .chain(
            imported
                .iter()
                .map(|n| (n.id().to_string(), n.id().to_string())),
        )
        .collect()
}

struct Side {
    net: Network,
    an: Analysis,
    depth: usize,
    stages: Vec<Stage>,
}

fn side(id: &str, imported: &[ImportedNet]) -> Option<Side> {
    let net = build(id).or_else(|| {
        imported
            .iter()
            .find(|n| n.id() == id)
            .and_then(|n| n.described.as_ref().as_ref().map(|d| d.net.clone()))
    })?;
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
fn row(metric: &str, what: String, a: u64, b: u64, show: impl Fn(u64) -> String) -> Html {
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
    format!("hsl({hue:.0},55%,29%)")
}

/// A network's stages as one bar: each stage's share of `value` (multiply-adds or parameters).
/// A segment pointed at, tapped or focused gives its figures to `on_show` (read out under the
/// bars, not only in its title).
fn bar(
    s: &Side,
    what: &str,
    value: fn(&Stage) -> u64,
    lang: Lang,
    on_show: &Callback<String>,
) -> Html {
    let total: u64 = s.stages.iter().map(value).sum::<u64>().max(1);
    let name = crate::zoo::label(&s.net, lang);
    let segments = s.stages.iter().filter(|st| value(st) > 0).map(|st| {
        let share = value(st) as f64 / total as f64;
        let place = st.place(lang);
        let args = [
            ("place", place.clone().into()),
            ("layers", st.layers.into()),
            ("value", thousands(value(st)).into()),
            ("pct", format!("{:.1}", 100.0 * share).into()),
        ];
        let title = if what == "parameters" {
            lang.tf("compare-stage-title-params", &args)
        } else {
            lang.tf("compare-stage-title-macs", &args)
        };
        let show = on_show.reform({
            let said = format!("{name} · {title}");
            move |_: ()| said.clone()
        });
        html! {
            <span class="stage" data-testid="stage" data-side={st.side.to_string()} data-value={value(st).to_string()}
                style={format!("flex-grow:{share:.6};background:{}", colour(st.side))}
                role="img" tabindex="0" title={title.clone()} aria-label={title}
                onfocus={show.reform(|_: FocusEvent| ())} onmouseenter={show.reform(|_: MouseEvent| ())}>
                if share > 0.07 { { place } }
            </span>
        }
    });
    html! {
        <div class="stage-bar" data-testid="stage-bar" data-model={s.net.id.clone()} data-what={what.to_string()}>
            <span class="stage-name">{ name.clone() }</span>
            <div class="stages">{ for segments }</div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ComparePageProps {
    /// The two networks (from the address; ResNet-18 and VGG-16 when it names none).
    pub a: Option<String>,
    pub b: Option<String>,
    /// A new pair chosen.
    pub on_change: Callback<(String, String)>,
}

#[function_component(ComparePage)]
pub fn compare_page(props: &ComparePageProps) -> Html {
    let lang = use_lang();
    let imported = use_context::<ImportedContext>()
        .map(|c| c.nets.clone())
        .unwrap_or_default();
    let choices = {
        let imported = imported.clone();
        let ids: Vec<String> = imported.iter().map(|n| n.id().to_string()).collect();
        use_memo((lang, ids), move |(l, _)| choices(*l, &imported))
    };
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
    // The stage segment last pointed at or focused: its figures, read out under the bars.
    let stage_shown = use_state(|| None::<String>);
    let on_stage = {
        let stage_shown = stage_shown.clone();
        Callback::from(move |t: String| stage_shown.set(Some(t)))
    };
    let got = use_memo((), |_| RefCell::new(Answers::new()));
    let bridge = {
        let (answers, got) = (answers.clone(), got.clone());
        use_worker((), pick, move |(model, answer): (String, Answer)| {
            got.borrow_mut().insert(model, answer);
            answers.set(got.borrow().clone());
        })
    };
    let classify_both = {
        let (bridge, a, b) = (bridge.clone(), a.clone(), b.clone());
        move || {
            for model in [&a, &b] {
                bridge.send(WorkerRequest::ClassifyLastCrop {
                    model: model.clone(),
                    tag: 0,
                });
            }
        }
    };
    // A new pair or a new photo: both run on it at once (a network without weights answers why,
    // with a link to its photo lab).
    {
        let (answers, got, classify_both) = (answers.clone(), got.clone(), classify_both.clone());
        let run = photo.as_ref().map(|p| (p.model.clone(), p.tag));
        let stage_shown = stage_shown.clone();
        use_effect_with((a.clone(), b.clone(), run), move |(_, _, run)| {
            // A stage read out belongs to the pair it was read from.
            stage_shown.set(None);
            got.borrow_mut().clear();
            answers.set(HashMap::new());
            if run.is_some() {
                classify_both();
            }
        });
    }
    let on_classify = Callback::from(move |_: MouseEvent| classify_both());
    let top5s = photo.as_ref().map(|p| {
        let label_of = |model: &str| {
            choices
                .iter()
                .find(|(id, _)| id == model)
                .map_or(model.to_string(), |(_, l)| l.clone())
        };
        let one = |model: &str| {
            let label = label_of(model);
            let body = match answers.get(model).or_else(|| answers.get("")) {
                Some(Ok((top5, engine))) => {
                    // An opened network of other than ImageNet's 1,000 outputs: indices.
                    let names = imported
                        .iter()
                        .find(|n| n.id() == model)
                        .and_then(|n| n.described.as_ref().as_ref())
                        .and_then(|d| d.analysis.layers.last())
                        .filter(|l| l.shape.iter().product::<usize>() != 1000)
                        .map(|_| std::rc::Rc::new(Vec::new()));
                    html! {
                        <>
                            <Top5List top5={top5.clone()} photo={p.photo.clone()} {names} />
                            <p class="note" data-testid="compare-engine" data-engine={engine.key()}>
                                { lang.tf("compare-ran-on", &[("engine", engine_name(lang, *engine).into())]) }
                            </p>
                        </>
                    }
                }
                Some(Err(why)) => html! {
                    <p class="note" data-testid="compare-top5-missing">
                        { why.sentence(lang) }
                        if why.key == "errors-top5-not-loaded" {
                            { " " }
                            <NetworkLink id={model.to_string()} testid="compare-open-lab">
                                { lang.tf("compare-open-lab", &[("net", label.clone().into())]) }
                            </NetworkLink>
                        }
                    </p>
                },
                // Asked and not yet answered.
                None => html! {
                    <p class="note busy" data-testid="compare-top5-running">{ lang.t("compare-running") }</p>
                },
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
                <h3>{ lang.t("compare-photo-title") }</h3>
                <p class="note" data-testid="compare-photo" data-photo={p.photo.clone()} data-model={p.model.clone()}>
                    { lang.tf("compare-photo-note", &[("photo", (&p.photo).into()), ("net", label_of(&p.model).into())]) }
                    { " " }
                    <button data-testid="compare-classify" onclick={on_classify.clone()}>{ lang.t("compare-classify") }</button>
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
    let select = |testid: &str, label: String, chosen: &str, onchange: Callback<Event>| {
        html! {
            <select data-testid={testid.to_string()} aria-label={label} {onchange}>
                { for choices.iter().map(|(id, label)| html! {
                    <option value={id.clone()} selected={id == chosen}>{ label }</option>
                }) }
            </select>
        }
    };
    let (Some(sa), Some(sb)) = (side(&a, &imported), side(&b, &imported)) else {
        return html! { <p class="error">{ lang.t("compare-no-description") }</p> };
    };
    let count = |v: u64| thousands(v);
    let bytes = |v: u64| {
        lang.tf(
            "compare-bytes",
            &[("size", mib(v).into()), ("bytes", thousands(v).into())],
        )
    };
    html! {
        <section class="main-view compare-view" data-testid="compare-view" data-a={a.clone()} data-b={b.clone()}>
            <h2 data-testid="model-title">{ lang.t("compare-title") }</h2>
            <p class="compare-pick">
                { select("compare-a", lang.t("compare-select-first"), &a, pick(true)) }
                { format!(" {} ", lang.t("compare-against")) }
                { select("compare-b", lang.t("compare-select-second"), &b, pick(false)) }
            </p>
            <div class="table-wrap compact" tabindex="0" role="region" aria-label={lang.t("compare-table-label")}>
            <table class="layer-table compare-table" data-testid="compare-table">
                <thead><tr><th scope="col">{ lang.t("compare-col-what") }</th><th scope="col">{ crate::zoo::label(&sa.net, lang) }</th>
                    <th scope="col">{ crate::zoo::label(&sb.net, lang) }</th><th scope="col">{ lang.t("compare-col-ratio") }</th></tr></thead>
                <tbody>
                    { row("params", lang.t("compare-row-params"), sa.an.total_params, sb.an.total_params, count) }
                    { row("macs", lang.t("compare-row-macs"), sa.an.total_macs, sb.an.total_macs, count) }
                    { row("activation-bytes", lang.t("compare-row-activation-bytes"), sa.an.forward_bytes, sb.an.forward_bytes, bytes) }
                    { row("param-bytes", lang.t("compare-row-param-bytes"), sa.an.param_bytes, sb.an.param_bytes, bytes) }
                    { row("depth", lang.t("compare-row-depth"), sa.depth as u64, sb.depth as u64, count) }
                </tbody>
            </table>
            </div>
            <h3>{ lang.t("compare-stages-title") }</h3>
            <p class="note">{ lang.t("compare-stages-note") }</p>
            <div class="stage-bars">
                { bar(&sa, "multiply-adds", |s| s.macs, lang, &on_stage) }
                { bar(&sb, "multiply-adds", |s| s.macs, lang, &on_stage) }
                { bar(&sa, "parameters", |s| s.params, lang, &on_stage) }
                { bar(&sb, "parameters", |s| s.params, lang, &on_stage) }
            </div>
            <p class="note stage-readout" data-testid="stage-readout" aria-live="polite">
                { stage_shown.as_ref().map_or_else(|| lang.t("compare-stages-hint"), |t| t.clone()) }
            </p>
            { for top5s }
            <h3>{ lang.t("compare-rf-title") }</h3>
            <RfChart key={format!("{a}-{b}")} initial={vec![a.clone(), b.clone()]} />
        </section>
    }
}
