//! The page's side of its Web Worker: starts it, carries each component's requests to it and the
//! replies back (one [`Bridge`] per component, its own handler), and survives it. A panic or a
//! failed allocation in wasm is a trap that leaves the worker unusable; the worker's `error` event
//! tells the page at once. The host then ends that worker, answers every request still waiting
//! with a message, starts a new worker and sends it what the [`Journal`] kept (the self-check,
//! the engine choice, every network that can be loaded again), tells the handlers of networks that
//! cannot be loaded again (a file the reader opened), and tells the page what happened. Three
//! deaths within a minute stop the restarts: the page then says to reload it.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::Msg;
use crate::journal::{HandlerId, Journal};
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::wire::{self, FromWorker, ToWorker};

/// The path trunk gives the worker's script (see `index.html`).
pub const WORKER_SCRIPT: &str = "./worker.js";

/// What the page is told after its worker died.
#[derive(Clone, Debug, PartialEq)]
pub struct Restart {
    /// The browser's words for what happened (e.g. "RuntimeError: unreachable").
    pub reason: String,
    /// Networks being loaded into the new worker.
    pub reloaded: Vec<String>,
    /// Networks that were loaded from a file and must be opened again.
    pub lost: Vec<String>,
    /// The worker died too often: no new one was started.
    pub gave_up: bool,
    /// How many times the page's worker has died.
    pub count: usize,
}

/// Deaths within this many milliseconds count towards giving up.
const CRASH_WINDOW_MS: f64 = 60_000.0;
const CRASHES_BEFORE_GIVING_UP: usize = 3;

type Handler = dyn Fn(WorkerResponse);
type OnRestart = Rc<dyn Fn(Restart)>;

/// A running worker and the listeners that keep it heard.
struct Live {
    worker: web_sys::Worker,
    _message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _error: Closure<dyn Fn(web_sys::Event)>,
}

struct Host {
    script: String,
    live: RefCell<Option<Live>>,
    /// Requests wait here until the worker says it started.
    started: Cell<bool>,
    queue: RefCell<Vec<ToWorker>>,
    handlers: RefCell<HashMap<HandlerId, Weak<Handler>>>,
    /// Handlers with a request that has not had its answer yet.
    awaiting: RefCell<HashSet<HandlerId>>,
    next: Cell<HandlerId>,
    journal: RefCell<Journal>,
    crashes: RefCell<Vec<f64>>,
    deaths: Cell<usize>,
    on_restart: RefCell<Option<OnRestart>>,
}

/// The page's worker, shared by every component.
#[derive(Clone)]
pub struct WorkerHost(Rc<Host>);

/// One component's channel to the worker: what it sends is answered to its callback alone.
pub struct Bridge {
    host: Rc<Host>,
    id: HandlerId,
    _callback: Option<Rc<Handler>>,
}

/// Whether an answer ends what a request asked (progress and status reports do not).
fn is_final(r: &WorkerResponse) -> bool {
    !matches!(
        r,
        WorkerResponse::Progress { .. }
            | WorkerResponse::OcclusionProgress { .. }
            | WorkerResponse::Engine(_)
    )
}

/// Whether a request is answered at all.
fn expects_answer(r: &WorkerRequest) -> bool {
    !matches!(
        r,
        WorkerRequest::CancelOcclusion
            | WorkerRequest::SetBackend { .. }
            | WorkerRequest::LoseGpuDevice
            | WorkerRequest::CancelDownload { .. }
            | WorkerRequest::Crash { .. }
    )
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

impl Host {
    /// Starts a worker running `script` (trunk's no-modules build and its `_bg.wasm`).
    fn spawn(self: &Rc<Self>) -> Result<(), String> {
        let base = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        let js = web_sys::Url::new_with_base(&self.script, &base)
            .map_err(|_| format!("cannot resolve {}", self.script))?
            .href();
        let wasm = js.replace(".js", "_bg.wasm");
        let shim = js_sys::Array::of1(
            &format!("importScripts({js:?}); wasm_bindgen({{ module_or_path: {wasm:?} }});").into(),
        );
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&shim, &options)
            .map_err(|_| "cannot make the worker's loader".to_string())?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)
            .map_err(|_| "cannot make the worker's loader".to_string())?;
        let worker = web_sys::Worker::new(&url).map_err(|e| format!("{e:?}"))?;
        let _ = web_sys::Url::revoke_object_url(&url);
        let weak = Rc::downgrade(self);
        let message = Closure::<dyn Fn(web_sys::MessageEvent)>::new({
            let weak = weak.clone();
            move |e: web_sys::MessageEvent| {
                if let Some(host) = weak.upgrade() {
                    host.heard(&e.data());
                }
            }
        });
        let error = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            let reason = e
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| e.type_());
            if let Some(host) = weak.upgrade() {
                host.died(reason);
            }
        });
        worker.set_onmessage(Some(message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(error.as_ref().unchecked_ref()));
        *self.live.borrow_mut() = Some(Live {
            worker,
            _message: message,
            _error: error,
        });
        Ok(())
    }

    fn post(&self, message: &ToWorker) {
        let live = self.live.borrow();
        let Some(live) = live.as_ref() else { return };
        match wire::encode(message) {
            Ok(bytes) => {
                let _ = live
                    .worker
                    .post_message_with_transfer(&bytes, &wire::transfer(&bytes));
            }
            Err(e) => web_sys::console::error_1(&format!("cannot encode a request: {e}").into()),
        }
    }

    fn send(&self, id: HandlerId, request: WorkerRequest) {
        self.journal.borrow_mut().sent(id, &request);
        if expects_answer(&request) {
            self.awaiting.borrow_mut().insert(id);
        }
        let message = ToWorker { id, request };
        if self.started.get() {
            self.post(&message);
        } else {
            self.queue.borrow_mut().push(message);
        }
    }

    fn deliver(&self, id: HandlerId, response: WorkerResponse) {
        let handler = self.handlers.borrow().get(&id).and_then(Weak::upgrade);
        if let Some(h) = handler {
            h(response);
        }
    }

    fn heard(&self, data: &JsValue) {
        match wire::decode::<FromWorker>(data) {
            Ok(FromWorker::Started) => {
                self.started.set(true);
                let queued = std::mem::take(&mut *self.queue.borrow_mut());
                for m in &queued {
                    self.post(m);
                }
            }
            Ok(FromWorker::Reply { id, response }) => {
                self.journal.borrow_mut().replied(id, &response);
                if is_final(&response) {
                    self.awaiting.borrow_mut().remove(&id);
                }
                self.deliver(id, response);
            }
            Err(e) => web_sys::console::error_1(&format!("a worker message: {e}").into()),
        }
    }

    /// The worker died: end it, answer what waited, start another and load it again.
    fn died(self: &Rc<Self>, reason: String) {
        if let Some(live) = self.live.borrow_mut().take() {
            live.worker.terminate();
        }
        self.started.set(false);
        self.queue.borrow_mut().clear();
        self.deaths.set(self.deaths.get() + 1);
        let now = now_ms();
        let gave_up = {
            let mut c = self.crashes.borrow_mut();
            c.retain(|&t| now - t < CRASH_WINDOW_MS);
            c.push(now);
            c.len() >= CRASHES_BEFORE_GIVING_UP
        };
        let waiting: Vec<HandlerId> = self.awaiting.borrow_mut().drain().collect();
        let replay = self.journal.borrow_mut().replay();
        // The new worker's queue starts with what it needs again, before anything a handler
        // sends on hearing the news.
        if !gave_up {
            if let Err(e) = self.spawn() {
                web_sys::console::error_1(&format!("cannot start the worker again: {e}").into());
            }
            for (id, request) in replay.requests {
                self.send(id, request);
            }
        }
        let stopped = Msg::new("errors-worker-stopped").arg("reason", &reason);
        for id in waiting {
            self.deliver(id, WorkerResponse::Failed(stopped.clone()));
        }
        let lost: Vec<String> = replay.lost.iter().map(|l| l.model.clone()).collect();
        for l in &replay.lost {
            self.deliver(
                l.handler,
                WorkerResponse::Unloaded {
                    model: l.model.clone(),
                    why: Msg::new("errors-unloaded-worker-restarted"),
                    again: None,
                },
            );
        }
        let notice = Restart {
            reason,
            reloaded: if gave_up { Vec::new() } else { replay.reloaded },
            lost,
            gave_up,
            count: self.deaths.get(),
        };
        let tell = self.on_restart.borrow().clone();
        if let Some(tell) = tell {
            tell(notice);
        }
    }
}

impl WorkerHost {
    /// Starts the worker that runs `script` (`./worker.js`).
    pub fn start(script: &str) -> WorkerHost {
        let host = Rc::new(Host {
            script: script.to_string(),
            live: RefCell::new(None),
            started: Cell::new(false),
            queue: RefCell::new(Vec::new()),
            handlers: RefCell::new(HashMap::new()),
            awaiting: RefCell::new(HashSet::new()),
            next: Cell::new(1),
            journal: RefCell::new(Journal::default()),
            crashes: RefCell::new(Vec::new()),
            deaths: Cell::new(0),
            on_restart: RefCell::new(None),
        });
        if let Err(e) = host.spawn() {
            web_sys::console::error_1(&format!("cannot start the worker: {e}").into());
        }
        WorkerHost(host)
    }

    /// Tells `f` whenever the worker died and what was done about it.
    pub fn on_restart(&self, f: impl Fn(Restart) + 'static) {
        *self.0.on_restart.borrow_mut() = Some(Rc::new(f));
    }

    /// A new channel whose answers go to `callback`.
    pub fn fork<F: Fn(WorkerResponse) + 'static>(&self, callback: Option<F>) -> Bridge {
        let id = self.0.next.get();
        self.0.next.set(id + 1);
        let callback = callback.map(|f| Rc::new(f) as Rc<Handler>);
        if let Some(cb) = &callback {
            self.0.handlers.borrow_mut().insert(id, Rc::downgrade(cb));
        }
        Bridge {
            host: self.0.clone(),
            id,
            _callback: callback,
        }
    }

    /// The networks the worker holds, as far as the page has seen them loaded.
    pub fn held(&self) -> Vec<String> {
        self.0
            .journal
            .borrow()
            .held()
            .into_iter()
            .map(str::to_string)
            .collect()
    }
}

impl Bridge {
    pub fn send(&self, request: WorkerRequest) {
        self.host.send(self.id, request);
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        self.host.handlers.borrow_mut().remove(&self.id);
        self.host.awaiting.borrow_mut().remove(&self.id);
    }
}
