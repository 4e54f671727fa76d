//! The Web Worker that runs the engines. The page sends it a [`WorkerRequest`] and renders the
//! [`WorkerResponse`]; nothing heavy ever runs on the page's own thread.

use gloo_worker::{HandlerId, Worker, WorkerScope};

use crate::protocol::{WorkerRequest, WorkerResponse};

/// The worker's state (engines and loaded weights live here as later issues add them).
pub struct AtlasWorker;

impl Worker for AtlasWorker {
    type Message = ();
    type Input = WorkerRequest;
    type Output = WorkerResponse;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        AtlasWorker
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: Self::Message) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, id: HandlerId) {
        let answer = match msg {
            WorkerRequest::SelfCheck => match crate::engine_check::run() {
                Ok(check) => WorkerResponse::Ready(check),
                Err(e) => {
                    WorkerResponse::Failed(format!("the CPU engine failed its self-check: {e}"))
                }
            },
        };
        scope.respond(id, answer);
    }
}

/// The path trunk gives the worker's script (see `index.html`).
pub const WORKER_SCRIPT: &str = "./worker.js";
