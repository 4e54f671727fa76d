//! The status line at the foot of the page: which compute backend runs the models and whether the
//! worker's engine passed its self-check.

use yew::prelude::*;

use super::shared::WorkerState;
use crate::web::backend::Backend;

#[derive(Properties, PartialEq)]
pub struct BackendStatusProps {
    pub backend: Option<Backend>,
    pub worker: WorkerState,
}

#[function_component(BackendStatus)]
pub fn backend_status(props: &BackendStatusProps) -> Html {
    let (label, detail) = match &props.backend {
        Some(b) => (b.label().to_string(), b.detail()),
        None => (
            "detecting…".to_string(),
            "Asking the browser for a WebGPU adapter".to_string(),
        ),
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
    html! {
        <footer class="status-line">
            <span>{ "Compute: " }</span>
            <span class="backend" data-testid="backend-status" title={detail}>{ label }</span>
            <span class="sep">{ " · " }</span>
            <span class="worker" data-testid="worker-status" data-state={worker_state}>{ worker_text }</span>
        </footer>
    }
}
