//! The status line at the foot of the page: the engine the last forward pass ran on and its
//! adapter (as the worker reports them), the reader's choice of engine (`backend-toggle`), why
//! that engine (no WebGPU, a software adapter, a lost device), the worker's state, and the
//! training lab's run while one goes on.

use yew::prelude::*;

use crate::i18n::sentence;
use crate::protocol::{BackendChoice, EngineKind, EngineStatus};
use crate::web::host::Restart;
use crate::web::ui::format::engine_name;
use crate::web::ui::shared::{use_lang, WorkerState};
use crate::web::ui::widgets::training_status::TrainingStatus;

#[derive(Properties, PartialEq)]
pub struct BackendStatusProps {
    /// The worker's engine, once it told.
    pub engine: Option<EngineStatus>,
    pub worker: WorkerState,
    /// The reader's choice, and how a new one is made.
    pub choice: BackendChoice,
    pub on_choose: Callback<BackendChoice>,
    /// The last time the worker died, and what was done about it.
    #[prop_or_default]
    pub restarted: Option<Restart>,
}

#[function_component(BackendStatus)]
pub fn backend_status(props: &BackendStatusProps) -> Html {
    let lang = use_lang();
    // The choice the worker has answered (`data-choice`), which a new choice precedes.
    let answered = props
        .engine
        .as_ref()
        .map(|s| s.choice.key().to_string())
        .unwrap_or_default();
    let (shown, kind, adapter, note) = match (&props.engine, &props.worker) {
        (Some(s), _) => (
            match (s.kind, s.adapter.is_empty()) {
                (EngineKind::WebGpu, false) => {
                    format!("{} · {}", engine_name(lang, s.kind), s.adapter)
                }
                _ => engine_name(lang, s.kind),
            },
            s.kind.key().to_string(),
            s.adapter.clone(),
            s.note.sentence(lang),
        ),
        (None, WorkerState::Failed(_)) => (
            lang.t("app-engine-none"),
            String::new(),
            String::new(),
            String::new(),
        ),
        (None, _) => (
            lang.t("app-engine-starting"),
            String::new(),
            String::new(),
            sentence(lang.t("app-note-looking")),
        ),
    };
    let (worker_text, worker_state) = match &props.worker {
        WorkerState::Starting => (sentence(lang.t("app-worker-starting")), "starting"),
        WorkerState::Ready(check) if check.ok => (sentence(lang.t("app-worker-ready")), "ready"),
        WorkerState::Ready(check) => (
            sentence(lang.tf(
                "app-worker-check-wrong",
                &[("values", format!("{:?}", check.conv).into())],
            )),
            "failed",
        ),
        WorkerState::Failed(msg) => (msg.sentence(lang), "failed"),
    };
    let names = |ids: &[String]| {
        ids.iter()
            .map(|id| crate::zoo::label_of(id, lang).unwrap_or_else(|| id.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let restarted = props.restarted.as_ref().map(|r| {
        let text = if r.gave_up {
            lang.tf("app-worker-gave-up", &[("reason", r.reason.clone().into())])
        } else {
            let mut t = lang.tf(
                "app-worker-restarted",
                &[
                    ("reason", r.reason.clone().into()),
                    ("count", r.reloaded.len().into()),
                    ("reloaded", names(&r.reloaded).into()),
                ],
            );
            if !r.lost.is_empty() {
                t.push_str(&lang.tf(
                    "app-worker-restarted-lost",
                    &[("lost", names(&r.lost).into())],
                ));
            }
            t
        };
        let text = sentence(text);
        html! {
            <>
                <span class="sep">{ " · " }</span>
                <span class="worker-restarted" data-testid="worker-restarted" role="status"
                    data-reloaded={r.reloaded.join(",")} data-gave-up={r.gave_up.to_string()}
                    data-count={r.count.to_string()}>{ text }</span>
            </>
        }
    });
    let onchange = {
        let on_choose = props.on_choose.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(c) = BackendChoice::from_key(&select.value()) {
                on_choose.emit(c);
            }
        })
    };
    let choice_label = |c: BackendChoice| match c {
        BackendChoice::Auto => lang.t("app-choice-auto"),
        BackendChoice::WebGpu => lang.t("app-choice-webgpu"),
        BackendChoice::Cpu => lang.t("app-choice-cpu"),
    };
    html! {
        <footer class="status-line" data-testid="status-line">
            <span class="compute">{ lang.t("app-status-compute") }</span>
            <span class="backend" data-testid="backend-status" data-engine={kind}
                data-adapter={adapter} data-choice={answered} title={lang.t("app-status-engine-title")}>{ shown }</span>
            <span class="sep">{ " · " }</span>
            <label class="backend-choice">
                { lang.t("app-status-choice") }
                <select data-testid="backend-toggle" aria-label={lang.t("app-status-choice-label")} {onchange}>
                    { for BackendChoice::ALL.iter().map(|c| html! {
                        <option value={c.key()} selected={*c == props.choice}>{ choice_label(*c) }</option>
                    }) }
                </select>
            </label>
            <span class="sep">{ " · " }</span>
            <span class="gpu-note" data-testid="gpu-note">{ note }</span>
            <span class="sep">{ " · " }</span>
            <span class="worker" data-testid="worker-status" data-state={worker_state}>{ worker_text }</span>
            { restarted.unwrap_or_default() }
            <TrainingStatus />
        </footer>
    }
}
