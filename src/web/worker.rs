//! The Web Worker that runs the engines. The page sends it a [`WorkerRequest`] and renders the
//! [`WorkerResponse`]; nothing heavy ever runs on the page's own thread.

use std::collections::HashMap;

use gloo_worker::{HandlerId, Worker, WorkerScope};

use crate::engine::{cpu::CpuEngine, safetensors, Engine, Weights};
use crate::protocol::{RunResult, WorkerRequest, WorkerResponse};
use crate::zoo::{build, Network};

/// The worker's state: the networks whose weights it holds.
pub struct AtlasWorker {
    loaded: HashMap<String, (Network, Weights)>,
}

fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| js_sys::Reflect::get(&p, &"now".into()).ok().map(|f| (p, f)))
        .and_then(|(p, f)| js_sys::Function::from(f).call0(&p).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

impl AtlasWorker {
    fn load(&mut self, model: String, bytes: &[u8]) -> WorkerResponse {
        let Some(net) = build(&model) else {
            return WorkerResponse::Failed(format!("unknown network '{model}'"));
        };
        let weights = match safetensors::from_bytes(bytes) {
            Ok(w) => w,
            Err(e) => return WorkerResponse::Failed(e.to_string()),
        };
        if let Err(e) = weights.check(&net, &[]) {
            return WorkerResponse::Failed(e.to_string());
        }
        let tensors = weights.tensors.len();
        let params = crate::zoo::analyse(&net).total_params;
        self.loaded.insert(model.clone(), (net, weights));
        WorkerResponse::Loaded {
            model,
            tensors,
            params,
        }
    }

    fn run(&self, model: String, input: Vec<f32>, tag: u64) -> WorkerResponse {
        let Some((net, weights)) = self.loaded.get(&model) else {
            return WorkerResponse::Failed(format!("the weights of '{model}' are not loaded yet"));
        };
        let start = now_ms();
        match CpuEngine.forward(net, weights, &input, &[]) {
            Ok(a) => WorkerResponse::Ran(RunResult {
                model,
                tag,
                shapes: a.shapes,
                values: a.values,
                millis: now_ms() - start,
            }),
            Err(e) => WorkerResponse::Failed(e.to_string()),
        }
    }
}

impl Worker for AtlasWorker {
    type Message = ();
    type Input = WorkerRequest;
    type Output = WorkerResponse;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        AtlasWorker {
            loaded: HashMap::new(),
        }
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
            WorkerRequest::LoadWeights { model, bytes } => self.load(model, &bytes),
            WorkerRequest::Run { model, input, tag } => self.run(model, input, tag),
        };
        scope.respond(id, answer);
    }
}

/// The path trunk gives the worker's script (see `index.html`).
pub const WORKER_SCRIPT: &str = "./worker.js";
