//! The notes' claims as experiments: a preset trains two or more LeNet-5 variants with the same
//! seed, digits, budget and schedule, side by side in the worker; their curves overlaid, a table
//! of final figures (parameters and multiply-adds from the descriptions, accuracy, time), and
//! what this run shows — worked out from its figures, including when the claim does not show at
//! this scale. Each variant's settings can be changed before running again.

use yew::prelude::*;

use crate::i18n::thousands;
use crate::train::lab::{experiments, Measure, Variant, Verdict, SPEED_MARK};
use crate::train::runner::{RunProgress, TrainCommand, TrainState};
use crate::web::ui::panels::train_curves::TrainCurves;
use crate::web::ui::panels::train_settings::TrainSettings;
use crate::web::ui::shared::{use_lang, TrainingContext};

fn measure_key(m: Measure) -> &'static str {
    match m {
        Measure::TestAccuracy => "train-measure-test",
        Measure::Speed => "train-measure-speed",
        Measure::Gap => "train-measure-gap",
    }
}

#[function_component(ExperimentLab)]
pub fn experiment_lab() -> Html {
    let lang = use_lang();
    let ctx = use_context::<TrainingContext>().expect("the training context is provided by App");
    let presets = experiments();
    let chosen = use_state(|| 0usize);
    let variants = use_state(|| presets[0].variants.clone());
    let preset = &presets[*chosen];
    // This preset's runs, when the worker's runs are of it.
    let update = ctx
        .update
        .as_ref()
        .filter(|u| u.experiment.as_ref().is_some_and(|e| e.key == preset.key));
    let state = update.map(|u| &u.state);
    let busy = matches!(
        state,
        Some(TrainState::Loading | TrainState::Running | TrainState::Paused)
    );

    let choose = |i: usize| {
        let (chosen, variants) = (chosen.clone(), variants.clone());
        let v = presets[i].variants.clone();
        Callback::from(move |_| {
            chosen.set(i);
            variants.set(v.clone());
        })
    };
    let run = {
        let (send, variants) = (ctx.send.clone(), variants.clone());
        let experiment = crate::train::lab::Experiment {
            variants: (*variants).clone(),
            ..preset.clone()
        };
        Callback::from(move |_| {
            send.emit(TrainCommand::Start {
                variants: (*variants).clone(),
                experiment: Some(experiment.clone()),
                digits: String::new(),
            })
        })
    };
    let stop = ctx.send.reform(|_| TrainCommand::Reset);
    let edit = |k: usize| {
        let variants = variants.clone();
        Callback::from(move |s| {
            let mut v: Vec<Variant> = (*variants).clone();
            v[k].settings = s;
            variants.set(v);
        })
    };

    let tabs = presets.iter().enumerate().map(|(i, e)| {
        html! {
            <button class={classes!("preset", (i == *chosen).then_some("selected"))} aria-pressed={(i == *chosen).to_string()}
                data-testid="train-preset" data-key={e.key.clone()} onclick={choose(i)} disabled={busy}>
                { lang.t(&format!("train-exp-{}-title", e.key)) }
            </button>
        }
    });
    // Keyed by preset: another preset's variants do not inherit which settings were open.
    let preset_key = preset.key.clone();
    let editors = variants.iter().enumerate().map(|(k, v)| {
        html! {
            <details class="variant-settings" key={format!("{preset_key}-{k}")}>
                <summary>{ lang.t(&v.label) }</summary>
                <TrainSettings settings={v.settings.clone()} on_change={edit(k)} choose_design={false}
                    disabled={busy} testid={format!("variant-{k}")} />
            </details>
        }
    });
    let row = |r: &RunProgress| {
        let test = r.test.last().map(|p| p.1 as f64);
        let train = r.train.last().map(|p| p.1 as f64);
        let mark = r
            .test
            .iter()
            .find(|p| p.1 as f64 >= SPEED_MARK)
            .map(|p| p.0);
        let pct = |v: Option<f64>| {
            v.map(|a| format!("{:.2} %", a * 100.0))
                .unwrap_or_else(|| "—".into())
        };
        html! {
            <tr data-testid="train-experiment-row" data-finished={r.finished.to_string()}
                data-test={test.map(|a| a.to_string()).unwrap_or_default()}>
                <th scope="row">{ lang.t(&r.variant.label) }</th>
                <td class="num">{ thousands(r.params) }</td>
                <td class="num">{ thousands(r.macs) }</td>
                <td class="num">{ pct(test) }</td>
                <td class="num">{ pct(train) }</td>
                <td class="num">{ match (train, test) { (Some(a), Some(b)) => format!("{:+.2}", (a - b) * 100.0), _ => "—".into() } }</td>
                <td class="num">{ mark.map(|n| thousands(n as u64)).unwrap_or_else(|| lang.t("train-never")) }</td>
                <td class="num">{ format!("{:.1} s", r.seconds) }</td>
            </tr>
        }
    };
    let verdict = update.and_then(|u| u.verdict.clone()).map(|v| {
        let (key, kind) = match v {
            Verdict::Agrees => ("train-verdict-agrees", "agrees"),
            Verdict::Disagrees => ("train-verdict-disagrees", "disagrees"),
            Verdict::TooClose => ("train-verdict-close", "close"),
        };
        html! {
            <p class={classes!("verdict", kind)} data-testid="train-verdict" data-verdict={kind}>
                { lang.tf(key, &[("measure", lang.t(measure_key(preset.measure)).into())]) }
            </p>
        }
    });

    html! {
        <section class="experiment-lab" data-testid="train-experiment" data-key={preset.key.clone()}
            data-state={match state { Some(TrainState::Running) => "running", Some(TrainState::Finished) => "finished",
                Some(TrainState::Loading) => "loading", Some(TrainState::Paused) => "paused", _ => "idle" }}>
            <h3>{ lang.t("train-exp-heading") }</h3>
            <div class="presets" role="group" aria-label={lang.t("train-exp-heading")}>{ for tabs }</div>
            <div class="claim">
                <h4>{ lang.t(&format!("train-exp-{}-title", preset.key)) }</h4>
                <p data-testid="train-claim">{ lang.t(&format!("train-exp-{}-claim", preset.key)) }</p>
                <p class="note">{ lang.t(&format!("train-exp-{}-setup", preset.key)) }</p>
            </div>
            <div class="variant-editors">{ for editors }</div>
            <div class="train-buttons">
                if busy {
                    <button data-testid="train-experiment-stop" onclick={stop}>{ lang.t("train-stop") }</button>
                } else {
                    <button class="primary" data-testid="train-experiment-run" onclick={run}>{ lang.t("train-exp-run") }</button>
                }
            </div>
            if let Some(u) = update {
                <TrainCurves runs={u.runs.clone()} />
                <table class="experiment-table" data-testid="train-experiment-table">
                    <thead><tr>
                        <th>{ lang.t("train-col-variant") }</th>
                        <th>{ lang.t("train-col-params") }</th>
                        <th>{ lang.t("train-col-macs") }</th>
                        <th>{ lang.t("train-col-test") }</th>
                        <th>{ lang.t("train-col-train") }</th>
                        <th>{ lang.t("train-col-gap") }</th>
                        <th>{ lang.tf("train-col-mark", &[("mark", format!("{:.0} %", SPEED_MARK * 100.0).into())]) }</th>
                        <th>{ lang.t("train-col-time") }</th>
                    </tr></thead>
                    <tbody>{ for u.runs.iter().map(row) }</tbody>
                </table>
                { verdict.unwrap_or_default() }
            }
        </section>
    }
}
