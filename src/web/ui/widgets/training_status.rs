//! The training lab's part of the status line, wherever the reader is: which network trains, how
//! far, its last test accuracy, and a Stop button always one click away.

use yew::prelude::*;

use crate::i18n::thousands;
use crate::train::runner::{TrainCommand, TrainState};
use crate::web::ui::shared::{use_lang, TrainingContext};

#[function_component(TrainingStatus)]
pub fn training_status() -> Html {
    let lang = use_lang();
    let Some(ctx) = use_context::<TrainingContext>() else {
        return html! {};
    };
    let Some(u) = ctx.update.as_ref().filter(|_| ctx.active()) else {
        return html! {};
    };
    let state = match u.state {
        TrainState::Loading => "loading",
        TrainState::Running => "running",
        _ => "paused",
    };
    let examples: usize = u.runs.iter().map(|r| r.examples).sum();
    let total: usize = u.runs.iter().map(|r| r.total).sum();
    let acc = u
        .runs
        .first()
        .and_then(|r| r.test.last())
        .map(|&(_, a)| format!("{:.1} %", a * 100.0));
    let what = match (&u.experiment, u.state.clone()) {
        (_, TrainState::Loading) => lang.t("train-status-loading"),
        (Some(e), _) => lang.tf(
            "train-status-experiment",
            &[(
                "title",
                lang.t(&format!("train-exp-{}-title", e.key)).into(),
            )],
        ),
        (None, _) => lang.t("train-status-lab"),
    };
    let stop = ctx.send.reform(|_| TrainCommand::Reset);
    html! {
        <>
            <span class="sep">{ " · " }</span>
            <span class="training-status" data-testid="training-status" data-state={state}>
                { what }
                if total > 0 {
                    { " " }
                    { lang.tf("train-status-progress", &[
                        ("done", thousands(examples as u64).into()),
                        ("total", thousands(total as u64).into()),
                    ]) }
                }
                if let Some(a) = acc {
                    { " · " }{ lang.tf("train-status-accuracy", &[("accuracy", a.into())]) }
                }
                if state == "paused" {
                    { " · " }{ lang.t("train-status-paused") }
                }
                { " " }
                <button class="link-button" data-testid="training-stop" onclick={stop}>{ lang.t("train-stop") }</button>
            </span>
        </>
    }
}
