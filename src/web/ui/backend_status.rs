//! The status line at the foot of the page: the engine the last forward pass ran on and its
//! adapter (as the worker reports them), the reader's choice of engine (`backend-toggle`), why
//! that engine (no WebGPU, a software adapter, a lost device), and the worker's state.

use yew::prelude::*;

use super::shared::WorkerState;
use crate::protocol::{BackendChoice, EngineStatus};

#[derive(Properties, PartialEq)]
pub struct BackendStatusProps {
    /// The worker's engine, once it told.
    pub engine: Option<EngineStatus>,
    pub worker: WorkerState,
    /// The reader's choice, and how a new one is made.
    pub choice: BackendChoice,
    pub on_choose: Callback<BackendChoice>,
}

#[function_component(BackendStatus)]
pub fn backend_status(props: &BackendStatusProps) -> Html {
    let (engine, kind, adapter, note) = match (&props.engine, &props.worker) {
        (Some(s), _) => (
            s.engine.clone(),
            s.kind.clone(),
            s.adapter.clone(),
            s.note.clone(),
        ),
        (None, WorkerState::Failed(_)) => (
            "none".to_string(),
            String::new(),
            String::new(),
            String::new(),
        ),
        (None, _) => (
            "starting…".to_string(),
            String::new(),
            String::new(),
            "looking for WebGPU…".to_string(),
        ),
    };
    let shown = match (kind.as_str(), adapter.is_empty()) {
        ("webgpu", false) => format!("{engine} · {adapter}"),
        _ => engine,
    };
    let (worker_text, worker_state) = match &props.worker {
        WorkerState::Starting => ("worker starting…".to_string(), "starting"),
        WorkerState::Ready(check) if check.ok => (
            "worker ready, engine self-check passed".to_string(),
            "ready",
        ),
        WorkerState::Ready(check) => (
            format!("engine self-check gave wrong values: {:?}", check.conv),
            "failed",
        ),
        WorkerState::Failed(msg) => (msg.clone(), "failed"),
    };
    let onchange = {
        let on_choose = props.on_choose.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(c) = BackendChoice::from_key(&select.value()) {
                on_choose.emit(c);
            }
        })
    };
    html! {
        <footer class="status-line">
            <span>{ "Compute: " }</span>
            <span class="backend" data-testid="backend-status" data-engine={kind}
                data-adapter={adapter} title="The engine the last forward pass ran on">{ shown }</span>
            <span class="sep">{ " · " }</span>
            <label class="backend-choice">
                { "engine " }
                <select data-testid="backend-toggle" aria-label="Engine" {onchange}>
                    { for BackendChoice::ALL.iter().map(|c| html! {
                        <option value={c.key()} selected={*c == props.choice}>{ c.label() }</option>
                    }) }
                </select>
            </label>
            <span class="sep">{ " · " }</span>
            <span class="gpu-note" data-testid="gpu-note">{ note }</span>
            <span class="sep">{ " · " }</span>
            <span class="worker" data-testid="worker-status" data-state={worker_state}>{ worker_text }</span>
        </footer>
    }
}
