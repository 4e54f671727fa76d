//! The Web Worker that runs the engines. The page sends it a [`WorkerRequest`] and renders the
//! [`WorkerResponse`]; nothing heavy ever runs on the page's own thread: checkpoint downloads
//! (with progress, kept in the Cache API), parsing, preprocessing and forward passes all happen
//! here.
//!
//! Networks run on the WebGPU engine when the reader's choice and the adapter allow (a hardware
//! adapter for `auto`, any for `webgpu`), else on the packed CPU engine. Every network is held on
//! the CPU engine too: gradients run there (candle), a network is prepared on the GPU from its
//! CPU copy, and a lost device or a failed run falls back to it with the results intact.
//! Requests are handled one at a time, in order, by one task that may wait on the GPU; downloads
//! and cancels (and the test's loss of the GPU device) are taken beside it.
//!
//! The rooms: this file (the queue, the page's messages, start-up); [`dispatch`] (each job to its
//! room); [`state`] (what is kept between jobs, loading, the forward pass); [`jobs`] (what is
//! asked of a held network); [`gpu`] (the engine choice, the GPU and the status line);
//! [`download`] (fetch, streaming, Cache API); [`training`] (the training lab's runs, beside the
//! queue); the held networks themselves live in
//! [`crate::held`], without browser APIs, tested natively.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::held::Origin;
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::wire::{self, FromWorker, HandlerId, ToWorker};

pub mod dispatch;
pub mod download;
pub mod gpu;
pub mod import;
pub mod jobs;
pub mod state;
pub mod training;

use dispatch::{Fetched, Job};
pub use download::WEIGHTS_CACHE;
use download::{download, Got};
use state::State;

/// The worker: its state, taken by the one task that handles the queued jobs in order; and how it
/// answers the page. Cloned into every task that answers.
#[derive(Clone)]
pub struct Scope(Rc<Shared>);

struct Shared {
    global: web_sys::DedicatedWorkerGlobalScope,
    /// The downloads running, by network, to be cancelled.
    downloads: RefCell<HashMap<String, web_sys::AbortController>>,
    state: RefCell<Option<State>>,
    queue: RefCell<VecDeque<Job>>,
    busy: Cell<bool>,
    cancel: Rc<Cell<bool>>,
    lose: Rc<Cell<bool>>,
    /// The training lab, advanced beside the queue.
    lab: training::SharedLab,
}

/// Resolves on the event loop's next task (a zero-delay timeout), so that messages that arrived
/// meanwhile are taken.
pub(crate) async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout = js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        match set_timeout {
            Some(f) => {
                let _ = f.call2(&JsValue::NULL, &resolve, &JsValue::from(0));
            }
            None => {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Starts a download beside the queue; its end comes back as a [`Fetched`] message. A new
/// download of the same network cancels the one before.
fn fetch(scope: &Scope, id: HandlerId, model: String, url: String, cache: bool, label: String) {
    let Ok(control) = web_sys::AbortController::new() else {
        return;
    };
    let signal = control.signal();
    if let Some(old) = scope
        .0
        .downloads
        .borrow_mut()
        .insert(model.clone(), control.clone())
    {
        old.abort();
    }
    let scope = scope.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let reporter = scope.clone();
        let progress_model = model.clone();
        let result = download(
            &model,
            &url,
            cache,
            &label,
            &signal,
            move |loaded, total| {
                reporter.respond(
                    id,
                    WorkerResponse::Progress {
                        model: progress_model.clone(),
                        loaded,
                        total,
                    },
                )
            },
        )
        .await;
        {
            let mut running = scope.0.downloads.borrow_mut();
            if running
                .get(&model)
                .is_some_and(|c| JsValue::from(c) == JsValue::from(&control))
            {
                running.remove(&model);
            }
        }
        scope.enqueue(Job::Fetched(match result {
            Ok(Got {
                checkpoint,
                from_cache,
                not_kept,
            }) => Fetched::Done {
                id,
                model,
                got: checkpoint,
                cached_as: cache.then(|| url.clone()),
                origin: Origin {
                    label,
                    url,
                    from_cache,
                    cached: false,
                },
                not_kept,
            },
            Err(message) => Fetched::Failed { id, message },
        }));
    });
}

impl Scope {
    /// Sends `response` to the page's handler `id`.
    pub fn respond(&self, id: HandlerId, response: WorkerResponse) {
        let message = FromWorker::Reply { id, response };
        match wire::encode(&message) {
            Ok(bytes) => {
                let _ = self
                    .0
                    .global
                    .post_message_with_transfer(&bytes, &wire::transfer(&bytes));
            }
            Err(e) => web_sys::console::error_1(&format!("cannot encode a reply: {e}").into()),
        }
    }

    /// Queues a job and, unless the handling task is running, starts it: it takes the state,
    /// handles the jobs in order (waiting on the GPU where a job must), and puts the state back
    /// when the queue is empty.
    fn enqueue(&self, job: Job) {
        self.0.queue.borrow_mut().push_back(job);
        if self.0.busy.replace(true) {
            return;
        }
        let scope = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let shared = &scope.0;
            let Some(mut s) = shared.state.borrow_mut().take() else {
                shared.busy.set(false);
                return;
            };
            loop {
                let next = shared.queue.borrow_mut().pop_front();
                let Some(job) = next else { break };
                s.handle(&scope, job).await;
            }
            *shared.state.borrow_mut() = Some(s);
            shared.busy.set(false);
        });
    }

    /// A request from the page's handler `id`.
    fn received(&self, msg: WorkerRequest, id: HandlerId) {
        match msg {
            WorkerRequest::CancelOcclusion => self.0.cancel.set(true),
            // Taken at once (a job running loses the device before its next pass) and queued
            // (the status line is told after the jobs before it).
            WorkerRequest::LoseGpuDevice => {
                self.0.lose.set(true);
                self.enqueue(Job::Request(msg, id));
            }
            WorkerRequest::CancelDownload { model } => {
                if let Some(c) = self.0.downloads.borrow_mut().remove(&model) {
                    c.abort();
                }
            }
            WorkerRequest::FetchWeights {
                model,
                url,
                cache,
                label,
            } => {
                // Downloads run beside the queue; loading the result is queued when it arrives.
                fetch(self, id, model, url, cache, label);
            }
            WorkerRequest::Crash { kind } => crash(kind),
            WorkerRequest::Train(cmd) => training::command(self, &self.0.lab, id, cmd),
            msg => self.enqueue(Job::Request(msg, id)),
        }
    }
}

/// Ends the worker as a bug would: a panic (a trap in wasm) or Rust's allocation-failure path.
fn crash(kind: crate::protocol::CrashKind) {
    match kind {
        crate::protocol::CrashKind::Panic => panic!("the page asked the worker to crash"),
        crate::protocol::CrashKind::OutOfMemory => {
            // Gigabyte after gigabyte until the memory cannot grow (wasm32 stops at 4 GiB):
            // the allocator then takes Rust's allocation-failure path, as a real shortage would.
            let mut held: Vec<Vec<u8>> = Vec::new();
            loop {
                held.push(Vec::with_capacity(1 << 30));
            }
        }
    }
}

/// Starts the worker in this Web Worker's global scope: listens to the page and tells it that
/// requests are taken.
pub fn start() {
    let global: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let (cancel, lose) = (Rc::new(Cell::new(false)), Rc::new(Cell::new(false)));
    let scope = Scope(Rc::new(Shared {
        global: global.clone(),
        downloads: RefCell::new(HashMap::new()),
        state: RefCell::new(Some(State::new(cancel.clone(), lose.clone()))),
        queue: RefCell::new(VecDeque::new()),
        busy: Cell::new(false),
        cancel,
        lose,
        lab: Default::default(),
    }));
    let listener = {
        let scope = scope.clone();
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MessageEvent)>::new(
            move |e: web_sys::MessageEvent| match wire::decode::<ToWorker>(&e.data()) {
                Ok(ToWorker { id, request }) => scope.received(request, id),
                Err(e) => web_sys::console::error_1(&format!("a page message: {e}").into()),
            },
        )
    };
    global.set_onmessage(Some(listener.as_ref().unchecked_ref()));
    listener.forget();
    match wire::encode(&FromWorker::Started) {
        Ok(bytes) => {
            let _ = global.post_message(&bytes);
        }
        Err(e) => web_sys::console::error_1(&e.into()),
    }
}
