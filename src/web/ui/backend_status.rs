//! The status line at the foot of the page: the engine that runs the networks (as the worker
//! reports it after its self-check), what WebGPU the browser offers, and the worker's state.

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
    // Every network runs on the worker's CPU engine; its name comes from the worker itself.
    let engine = match &props.worker {
        WorkerState::Ready(check) => check.engine.clone(),
        WorkerState::Starting => "starting…".to_string(),
        WorkerState::Failed(_) => "none".to_string(),
    };
    let (gpu_note, adapter, detail) = match &props.backend {
        Some(b) => (b.gpu_note(), b.adapter().to_string(), b.detail()),
        None => (
            "detecting WebGPU…".to_string(),
            String::new(),
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
            <span class="backend" data-testid="backend-status" data-engine="cpu"
                data-adapter={adapter} title="The engine every forward pass runs on">{ engine }</span>
            <span class="sep">{ " · " }</span>
            <span class="gpu-note" data-testid="gpu-note" title={detail}>{ gpu_note }</span>
            <span class="sep">{ " · " }</span>
            <span class="worker" data-testid="worker-status" data-state={worker_state}>{ worker_text }</span>
        </footer>
    }
}
