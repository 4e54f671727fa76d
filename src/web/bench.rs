//! The page's side of `make bench`: when the address has `?bench`, the page defines
//! `window.atlasBench(model, url, warmup, runs)`, which loads a checkpoint into the worker (the
//! same path a reader's download takes), times the prepared network's forward pass there, and
//! resolves with the worker's `BenchResult` as JSON. Nothing of this runs in normal use.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::ui::shared::WorkerContext;

/// The pending call: its promise's resolve and reject, and the run to start once loaded.
struct Pending {
    resolve: js_sys::Function,
    reject: js_sys::Function,
    model: String,
    warmup: usize,
    runs: usize,
}

/// Installs `window.atlasBench` when the page was opened with `?bench`.
pub fn install(ctx: &WorkerContext) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if !window
        .location()
        .search()
        .is_ok_and(|s| s.contains("bench"))
    {
        return;
    }
    let pending: Rc<RefCell<Option<Pending>>> = Rc::new(RefCell::new(None));
    let bridge_cell: Rc<
        RefCell<Option<Rc<gloo_worker::WorkerBridge<crate::web::worker::AtlasWorker>>>>,
    > = Rc::new(RefCell::new(None));
    let bridge = {
        let (pending, cell) = (pending.clone(), bridge_cell.clone());
        Rc::new(ctx.0.fork(Some(move |answer: WorkerResponse| {
            let mut slot = pending.borrow_mut();
            let Some(p) = slot.as_ref() else { return };
            match answer {
                WorkerResponse::Loaded { .. } => {
                    if let Some(b) = cell.borrow().as_ref() {
                        b.send(WorkerRequest::Bench {
                            model: p.model.clone(),
                            warmup: p.warmup,
                            runs: p.runs,
                        });
                    }
                }
                WorkerResponse::Bench(r) => {
                    let json = serde_json::to_string(&r).unwrap_or_default();
                    let _ = p.resolve.call1(&JsValue::NULL, &json.into());
                    *slot = None;
                }
                WorkerResponse::Failed(m) => {
                    let _ = p.reject.call1(&JsValue::NULL, &m.into());
                    *slot = None;
                }
                _ => {}
            }
        })))
    };
    *bridge_cell.borrow_mut() = Some(bridge.clone());
    let call = Closure::<dyn Fn(String, String, usize, usize) -> js_sys::Promise>::new(
        move |model: String, url: String, warmup: usize, runs: usize| {
            let (pending, bridge) = (pending.clone(), bridge.clone());
            js_sys::Promise::new(&mut move |resolve, reject| {
                // Addresses are resolved against the page (the worker runs from a blob: script).
                let url = web_sys::window()
                    .and_then(|w| w.location().href().ok())
                    .and_then(|base| web_sys::Url::new_with_base(&url, &base).ok())
                    .map_or(url.clone(), |u| u.href());
                *pending.borrow_mut() = Some(Pending {
                    resolve,
                    reject,
                    model: model.clone(),
                    warmup,
                    runs,
                });
                bridge.send(WorkerRequest::FetchWeights {
                    model: model.clone(),
                    url: url.clone(),
                    cache: false,
                    label: url,
                });
            })
        },
    );
    let _ = js_sys::Reflect::set(&window, &"atlasBench".into(), call.as_ref().unchecked_ref());
    call.forget();
}
