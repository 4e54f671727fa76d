//! The training lab: LeNet-5 (the paper's or today's) trained in the worker with candle's
//! autograd on the MNIST digits that come with the page, while the reader watches — loss and
//! accuracy curves, digits per second, C1's kernels and a chosen test digit's maps in every
//! layer changing, the confusion matrix, a grid of test digits marked right or wrong. Start,
//! pause, resume, stop; at any point the weights go to the digit pad or into a `.safetensors`
//! file. The run lives in the worker: leaving the page keeps it going (the status line shows it).

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::thousands;
use crate::train::lab::LabSettings;
use crate::train::runner::{single, ExportPurpose, TrainCommand, TrainState, TrainUpdate};
use crate::web::ui::panels::feature_maps::FeatureMaps;
use crate::web::ui::panels::train_curves::TrainCurves;
use crate::web::ui::panels::train_settings::TrainSettings;
use crate::web::ui::shared::{use_lang, Described, TrainingContext};
use crate::web::ui::widgets::confusion_matrix::ConfusionMatrix;
use crate::web::ui::widgets::digit_grid::DigitGrid;
use crate::web::ui::widgets::filter_grid::FilterGrid;
use crate::zoo::analyse;

/// The state's key for `data-state`.
fn state_key(u: Option<&TrainUpdate>) -> &'static str {
    match u.map(|u| &u.state) {
        None | Some(TrainState::Idle) => "idle",
        Some(TrainState::Loading) => "loading",
        Some(TrainState::Running) => "running",
        Some(TrainState::Paused) => "paused",
        Some(TrainState::Finished) => "finished",
        Some(TrainState::Failed(_)) => "failed",
    }
}

#[function_component(TrainLab)]
pub fn train_lab() -> Html {
    let lang = use_lang();
    let ctx = use_context::<TrainingContext>().expect("the training context is provided by App");
    let settings = use_state(LabSettings::default);
    // The lab's own run (an experiment's runs show in the experiment lab).
    let update = ctx.update.as_ref().filter(|u| u.experiment.is_none());
    let run = update.and_then(|u| u.runs.first());
    let state = state_key(update.map(|u| u.as_ref()));
    let busy = matches!(state, "loading" | "running" | "paused");
    // The watched digit's network, described for the maps.
    let design = run.map(|r| r.variant.settings.clone());
    let described = use_memo(design, |d| {
        d.as_ref().map(|s| {
            let net = s.network();
            let analysis = analyse(&net);
            Described { net, analysis }
        })
    });
    let described: Rc<Option<Described>> = described;

    let on_settings = {
        let settings = settings.clone();
        Callback::from(move |s: LabSettings| settings.set(s))
    };
    let start = {
        let (send, settings) = (ctx.send.clone(), settings.clone());
        Callback::from(move |_| {
            send.emit(TrainCommand::Start {
                variants: vec![single((*settings).clone())],
                experiment: None,
                digits: String::new(),
            })
        })
    };
    let pause = ctx.send.reform(|_| TrainCommand::Pause);
    let resume = ctx.send.reform(|_| TrainCommand::Resume);
    let stop = ctx.send.reform(|_| TrainCommand::Reset);
    let use_on_pad = ctx.send.reform(|_| TrainCommand::Export {
        purpose: ExportPurpose::Pad,
    });
    let download = ctx.send.reform(|_| TrainCommand::Export {
        purpose: ExportPurpose::Download,
    });
    let on_watch = ctx.send.reform(|digit| TrainCommand::Watch { digit });

    let accuracy = run.and_then(|r| r.test.last()).map(|&(_, a)| a);
    let examples = run.map_or(0, |r| r.examples);
    let fits_pad = run.is_some_and(|r| r.variant.settings.zoo_model().is_some());
    let failed = match update.map(|u| &u.state) {
        Some(TrainState::Failed(m)) => Some(m.sentence(lang)),
        _ => ctx.error.as_ref().map(|m| m.sentence(lang)),
    };

    let stats = run.map(|r| {
        html! {
            <dl class="train-stats">
                <div><dt>{ lang.t("train-examples") }</dt>
                    <dd data-testid="train-examples" data-value={r.examples.to_string()}>
                        { lang.tf("train-examples-of", &[("done", thousands(r.examples as u64).into()), ("total", thousands(r.total as u64).into())]) }
                    </dd></div>
                <div><dt>{ lang.t("train-epoch") }</dt>
                    <dd>{ format!("{} / {}", (r.epoch + usize::from(!r.finished)).min(r.variant.settings.epochs), r.variant.settings.epochs) }</dd></div>
                <div><dt>{ lang.t("train-test-accuracy") }</dt>
                    <dd data-testid="train-test-accuracy" data-value={accuracy.map(|a| a.to_string()).unwrap_or_default()}>
                        { accuracy.map(|a| format!("{:.2} %", a * 100.0)).unwrap_or_else(|| "—".into()) }
                    </dd></div>
                <div><dt>{ lang.t("train-speed") }</dt>
                    <dd data-testid="train-speed" data-value={format!("{:.0}", r.per_second)}>
                        { lang.tf("train-speed-value", &[("n", format!("{:.0}", r.per_second).into())]) }
                    </dd></div>
                <div><dt>{ lang.t("train-time") }</dt>
                    <dd data-testid="train-time" data-value={format!("{:.2}", r.seconds)}>{ format!("{:.1} s", r.seconds) }</dd></div>
            </dl>
        }
    });

    let inside = update.filter(|u| !u.runs.is_empty()).map(|u| {
        let filters = u.filters.clone().map(|(shape, values)| html! {
            <FilterGrid shape={shape} values={Rc::new(values)} />
        });
        let maps = u.watched.clone().map(|(digit, outs)| html! {
            <div class="train-maps" data-testid="train-maps" data-digit={digit.to_string()}>
                <h4>{ match u.grid.get(digit) {
                    Some(&(label, pred)) => lang.tf("train-maps-title", &[
                        ("number", (digit + 1).into()),
                        ("label", (label as u32).into()),
                        ("pred", (pred as u32).into()),
                    ]),
                    None => String::new(),
                } }</h4>
                <FeatureMaps described={described.clone()} result={Rc::new(outs)} on_hover={Callback::noop()} />
            </div>
        });
        let watched = u.watched.as_ref().map_or(0, |w| w.0);
        html! {
            <>
                <div class="train-row">
                    <section class="train-filters-box">
                        <h4>{ lang.t("train-filters-title") }</h4>
                        <p class="note">{ lang.t("train-filters-note") }</p>
                        { filters.unwrap_or_default() }
                    </section>
                    <section>
                        <h4>{ lang.t("train-confusion-title") }</h4>
                        <ConfusionMatrix counts={u.confusion.clone()} />
                    </section>
                </div>
                <section>
                    <h4>{ lang.t("train-grid-title") }</h4>
                    <p class="note">{ lang.t("train-grid-note") }</p>
                    <DigitGrid pixels={Rc::new(u.grid_pixels.clone())} answers={u.grid.clone()} watched={watched} on_watch={on_watch.clone()} />
                </section>
                { maps.unwrap_or_default() }
            </>
        }
    });

    html! {
        <section class="train-lab" data-testid="train-lab" data-state={state}>
            <h3>{ lang.t("train-lab-title") }</h3>
            <p class="note">{ lang.t("train-lab-lead") }</p>
            <TrainSettings settings={(*settings).clone()} on_change={on_settings} disabled={busy} />
            <div class="train-buttons">
                if !busy {
                    <button class="primary" data-testid="train-start" onclick={start}>{ lang.t("train-start") }</button>
                }
                if state == "running" {
                    <button data-testid="train-pause" onclick={pause}>{ lang.t("train-pause") }</button>
                }
                if state == "paused" {
                    <button data-testid="train-resume" onclick={resume}>{ lang.t("train-resume") }</button>
                }
                if busy {
                    <button data-testid="train-stop-lab" onclick={stop}>{ lang.t("train-stop") }</button>
                }
                if run.is_some() {
                    <button data-testid="train-use-on-pad" onclick={use_on_pad} disabled={!fits_pad || examples == 0}
                        title={lang.t("train-use-on-pad-title")}>{ lang.t("train-use-on-pad") }</button>
                    <button data-testid="train-download" onclick={download} disabled={examples == 0}>{ lang.t("train-download") }</button>
                }
            </div>
            if state == "loading" {
                <p class="note" data-testid="train-loading">{ lang.t("train-loading") }</p>
            }
            if let Some(f) = failed {
                <p class="error-message" data-testid="train-error">{ f }</p>
            }
            { stats.unwrap_or_default() }
            if let Some(r) = run {
                <TrainCurves runs={vec![r.clone()]} />
            }
            { inside.unwrap_or_default() }
        </section>
    }
}
