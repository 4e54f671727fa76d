//! The training lab's channel to the worker, held by the root component for the page's whole life
//! (so that a run keeps going, and the status line keeps showing it, when the reader leaves the
//! lab): the worker's updates, its weights for the pad (which then opens that network's page)
//! or for a download (saved as a `.safetensors` file, never uploaded).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::Msg;
use crate::protocol::{TrainedWeights, WorkerResponse};
use crate::train::runner::{ExportPurpose, TrainCommand, TrainUpdate};
use crate::web::ui::hooks::worker::open;
use crate::web::ui::shared::{PadWeights, TrainingContext, WorkerContext};

enum Reply {
    Update(Rc<TrainUpdate>),
    Weights(Box<TrainedWeights>),
    Failed(Msg),
}

fn pick(answer: WorkerResponse) -> Option<Reply> {
    match answer {
        WorkerResponse::Training(u) => Some(Reply::Update(Rc::new(*u))),
        WorkerResponse::TrainedWeights(w) => Some(Reply::Weights(w)),
        WorkerResponse::Failed(m) => Some(Reply::Failed(m)),
        _ => None,
    }
}

/// Where the page serves the training lab's digits, relative to the page.
const DIGITS: &str = "data/mnist-lab.bin.gz";

/// `path` resolved against the page's address.
fn page_address(path: &str) -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .and_then(|base| web_sys::Url::new_with_base(path, &base).ok())
        .map(|u| u.href())
        .unwrap_or_else(|| path.to_string())
}

/// Saves `bytes` as a file named `name` through a link the browser downloads.
fn save(bytes: &[u8], name: &str) {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = link {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // The click has started the download; the URL goes a minute later.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
}

/// The lab's context: opened once, by the root component (which holds the worker `ctx`); `go`
/// opens a network's page. `restarts` counts the worker's deaths: a run dies with its worker, and
/// the lab then says so instead of showing it running.
#[hook]
pub fn use_training(ctx: &WorkerContext, go: Callback<String>, restarts: usize) -> TrainingContext {
    let update = use_state(|| None::<Rc<TrainUpdate>>);
    let error = use_state(|| None::<Msg>);
    let pad = use_state(|| None::<PadWeights>);
    {
        let (update, error) = (update.clone(), error.clone());
        use_effect_with(restarts, move |n| {
            if *n > 0 && update.as_ref().is_some_and(|u| !u.runs.is_empty()) {
                update.set(None);
                error.set(Some(Msg::new("errors-training-lost")));
            }
        });
    }
    let worker = {
        let (update, error, pad) = (update.clone(), error.clone(), pad.clone());
        let ctx = ctx.clone();
        let receive = move |reply: Reply| match reply {
            Reply::Update(u) => {
                error.set(None);
                update.set(Some(u));
            }
            Reply::Failed(m) => error.set(Some(m)),
            Reply::Weights(w) => match (w.purpose, &w.model) {
                (ExportPurpose::Pad, Some(model)) => {
                    pad.set(Some(PadWeights {
                        model: model.clone(),
                        bytes: Rc::new(w.bytes),
                        examples: w.examples,
                        accuracy: w.accuracy,
                    }));
                    go.emit(model.clone());
                }
                (ExportPurpose::Pad, None) => error.set(Some(Msg::new("train-pad-unfit"))),
                (ExportPurpose::Download, _) => {
                    save(&w.bytes, &format!("{}-trained.safetensors", w.id))
                }
            },
        };
        (*use_memo((), move |_| open(&ctx, pick, receive))).clone()
    };
    let send = {
        let worker = worker.clone();
        use_callback((), move |mut cmd: TrainCommand, _| {
            // The digits' address, resolved against the page's (the labs leave it empty).
            if let TrainCommand::Start { digits, .. } = &mut cmd {
                if digits.is_empty() {
                    *digits = page_address(DIGITS);
                }
            }
            worker.send(crate::protocol::WorkerRequest::Train(cmd))
        })
    };
    let clear_pad = {
        let pad = pad.setter();
        use_callback((), move |_: (), _| pad.set(None))
    };
    TrainingContext {
        update: (*update).clone(),
        error: (*error).clone(),
        send,
        pad: (*pad).clone(),
        clear_pad,
    }
}
