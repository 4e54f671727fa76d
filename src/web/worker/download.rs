//! The worker's downloads: a checkpoint fetched from an address (or taken from this browser's
//! Cache API, where downloads are kept), streamed into the reader as its bytes arrive, with
//! progress; cancellable (an `AbortSignal`); a refused cross-origin download told apart from a
//! network that failed (a second, opaque request answers only if the server is there); the copy
//! kept in the Cache API labelled with its network, source and date for the page's list, and a
//! full disk said without losing the weights, which run from memory.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::engine::safetensors::StreamParser;
use crate::engine::Weights;
use crate::i18n::{Arg, Msg};
use crate::pretrained;

/// The Cache API store that keeps downloaded checkpoints.
pub const WEIGHTS_CACHE: &str = "atlas-weights-v1";

/// Headers the kept copy carries for the page's list of what this browser keeps.
pub const HEADER_MODEL: &str = "x-atlas-model";
pub const HEADER_LABEL: &str = "x-atlas-label";
pub const HEADER_DATE: &str = "x-atlas-date";
pub const HEADER_BYTES: &str = "x-atlas-bytes";

/// A downloaded checkpoint: a `.safetensors` file is parsed as its bytes arrive (never held whole
/// in the worker's memory); anything else (`.pth`) is kept as bytes and parsed at the end.
pub enum Downloaded {
    Parsed(Weights),
    Bytes(Vec<u8>),
}

/// What a download gave: the checkpoint, whether it came from the Cache API, and why a copy
/// could not be kept (a full disk) if it could not.
pub struct Got {
    pub checkpoint: Downloaded,
    pub from_cache: bool,
    pub not_kept: Option<Msg>,
}

pub fn js_text(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

fn scope() -> web_sys::WorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Where a download's bytes go: a `.safetensors` stream is parsed as it arrives, checked against
/// the network's description before its values are kept; other bytes are gathered, never beyond
/// what a checkpoint of the network can weigh.
struct Sink {
    form: Form,
    /// The network's checkpoint (None: a network this worker does not know).
    expected: Option<crate::engine::checkpoint::expected::Expected>,
    /// The most bytes a checkpoint of this network can have.
    most: u64,
}

enum Form {
    /// Deciding from the first bytes.
    Unknown(Vec<u8>),
    Stream(StreamParser),
    Bytes(Vec<u8>),
}

impl Sink {
    fn new(model: &str) -> Sink {
        let expected = pretrained::expected(model).ok();
        // f64 storage doubles the weights; a pickle, a zip directory and padding add a little.
        let most = expected
            .as_ref()
            .map_or(u64::MAX, |e| e.values().saturating_mul(8) + (16 << 20));
        Sink {
            form: Form::Unknown(Vec::new()),
            expected,
            most,
        }
    }

    fn push(&mut self, chunk: &[u8], capacity: u64, got: u64) -> Result<(), Msg> {
        if got.saturating_add(chunk.len() as u64) > self.most {
            return Err(Msg::new("errors-download-too-big").arg(
                "network",
                self.expected.as_ref().map_or("", |e| e.network()),
            ));
        }
        match &mut self.form {
            Form::Unknown(head) => {
                head.extend_from_slice(chunk);
                if head.len() >= 9 {
                    let head = std::mem::take(head);
                    self.form = if pretrained::sniff(&head) == pretrained::Format::Safetensors {
                        let mut p = StreamParser::new(self.expected.clone());
                        p.feed(&head).map_err(|e| e.0)?;
                        Form::Stream(p)
                    } else {
                        // The size the server announced, within what the network can need;
                        // a reservation the memory cannot give is left to growth (a server
                        // may announce anything).
                        let announced = capacity.min(self.most).max(head.len() as u64);
                        let mut v = Vec::new();
                        let _ =
                            v.try_reserve_exact(usize::try_from(announced).unwrap_or(usize::MAX));
                        v.extend_from_slice(&head);
                        Form::Bytes(v)
                    };
                }
                Ok(())
            }
            Form::Stream(p) => p.feed(chunk).map_err(|e| e.0),
            Form::Bytes(v) => {
                v.extend_from_slice(chunk);
                Ok(())
            }
        }
    }

    fn finish(self) -> Result<Downloaded, Msg> {
        match self.form {
            Form::Unknown(head) => Ok(Downloaded::Bytes(head)),
            Form::Stream(p) => p.finish().map(Downloaded::Parsed).map_err(|e| e.0),
            Form::Bytes(v) => Ok(Downloaded::Bytes(v)),
        }
    }
}

/// Why a body was not read: the transfer failed (the browser's words or a message), or the
/// bytes are not a checkpoint of the network (found while they streamed in).
enum BodyError {
    Read(Arg),
    Checkpoint(Msg),
}

/// Reads a response's body chunk by chunk into a checkpoint, reporting progress.
async fn read_body(
    resp: &web_sys::Response,
    model: &str,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<Downloaded, BodyError> {
    let total = resp
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<u64>().ok());
    let Some(body) = resp.body() else {
        return Ok(Downloaded::Bytes(Vec::new()));
    };
    let reader: web_sys::ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|_| BodyError::Read(Msg::new("errors-download-unreadable").into()))?;
    let mut sink = Sink::new(model);
    let mut buf: Vec<u8> = Vec::new();
    let (mut got, mut last_report) = (0u64, 0u64);
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| BodyError::Read(js_text(&e).into()))?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into())
            .map_err(|e| BodyError::Read(js_text(&e).into()))?;
        let bytes: js_sys::Uint8Array = value.unchecked_into();
        buf.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut buf);
        sink.push(&buf, total.unwrap_or(0), got)
            .map_err(BodyError::Checkpoint)?;
        got += buf.len() as u64;
        if got - last_report >= 1 << 20 {
            last_report = got;
            progress(got, total);
        }
    }
    progress(got, total);
    if let Some(t) = total {
        if got < t {
            return Err(BodyError::Read(
                Msg::new("errors-download-stopped")
                    .arg("got", crate::i18n::thousands(got))
                    .arg("total", crate::i18n::thousands(t))
                    .into(),
            ));
        }
    }
    sink.finish().map_err(BodyError::Checkpoint)
}

/// A checkpoint found bad while it streamed, said as a failed load of `source`.
fn not_loaded(source: Arg, reason: Msg) -> Msg {
    Msg::new("errors-load-failed")
        .arg("source", source)
        .arg("reason", reason)
}

async fn weights_cache() -> Option<web_sys::Cache> {
    let caches = scope().caches().ok()?;
    JsFuture::from(caches.open(WEIGHTS_CACHE))
        .await
        .ok()
        .map(|c| c.unchecked_into())
}

/// Forgets the Cache API's copy of `url` (a copy that does not load is not kept).
pub async fn uncache(url: &str) {
    if let Some(store) = weights_cache().await {
        let _ = JsFuture::from(store.delete_with_str(url)).await;
    }
}

/// The host part of an address, for messages.
fn host_of(url: &str) -> String {
    web_sys::Url::new(url)
        .map(|u| u.host())
        .unwrap_or_else(|_| url.to_string())
}

/// Why a request for `url` failed before any answer: a server that refuses other sites
/// (the opaque request then answers), or a network that failed, or a cancel.
async fn why_refused(
    url: &str,
    label: &str,
    model: &str,
    detail: String,
    signal: &web_sys::AbortSignal,
) -> Msg {
    if signal.aborted() {
        return Msg::new("errors-download-cancelled").arg("label", label);
    }
    let init = web_sys::RequestInit::new();
    init.set_mode(web_sys::RequestMode::NoCors);
    init.set_signal(Some(signal));
    let reachable = JsFuture::from(scope().fetch_with_str_and_init(url, &init))
        .await
        .is_ok();
    if reachable {
        Msg::new("errors-download-cors")
            .arg("label", label)
            .arg("host", host_of(url))
            .arg("url", url)
            .arg("model", model)
    } else {
        Msg::new("errors-download-failed")
            .arg("label", label)
            .arg("detail", detail)
            .arg("url", url)
            .arg("model", model)
    }
}

/// Starts keeping a copy of `resp` in the Cache API under `url`, labelled for the page's list:
/// a second branch of the body streams into the cache while the reader reads the first (a
/// blob of the whole file, as before, failed in Chromium for VGG's 528 MB). The returned future
/// says why the copy was not kept (a full disk), if it was not.
fn keep(
    store: &web_sys::Cache,
    url: &str,
    model: &str,
    label: &str,
    resp: &web_sys::Response,
) -> impl std::future::Future<Output = Option<Msg>> {
    let started = (|| {
        let copy = resp.clone()?;
        let headers = web_sys::Headers::new()?;
        let date = js_sys::Date::new_0()
            .to_iso_string()
            .as_string()
            .unwrap_or_default();
        let label_header = js_sys::encode_uri_component(label)
            .as_string()
            .unwrap_or_default();
        let bytes = resp
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .unwrap_or_default();
        for (k, v) in [
            ("content-type", "application/octet-stream".to_string()),
            (HEADER_MODEL, model.to_string()),
            (HEADER_LABEL, label_header),
            (HEADER_DATE, date),
            (HEADER_BYTES, bytes),
        ] {
            headers.set(k, &v)?;
        }
        let init = web_sys::ResponseInit::new();
        init.set_headers(&headers);
        let kept =
            web_sys::Response::new_with_opt_readable_stream_and_init(copy.body().as_ref(), &init)?;
        Ok::<_, JsValue>(JsFuture::from(store.put_with_str(url, &kept)))
    })();
    let label = label.to_string();
    async move {
        let result = match started {
            Ok(put) => put.await.map(|_| ()),
            Err(e) => Err(e),
        };
        let e = result.err()?;
        let quota = e
            .dyn_ref::<web_sys::DomException>()
            .is_some_and(|d| d.name() == "QuotaExceededError");
        Some(if quota {
            Msg::new("errors-cache-full").arg("label", &label)
        } else {
            Msg::new("errors-cache-not-kept")
                .arg("label", &label)
                .arg("detail", js_text(&e))
        })
    }
}

/// Downloads `url` (or takes it from the Cache API when `cache`), reporting progress, until
/// `signal` aborts it.
pub async fn download(
    model: &str,
    url: &str,
    cache: bool,
    label: &str,
    signal: &web_sys::AbortSignal,
    progress: impl FnMut(u64, Option<u64>),
) -> Result<Got, Msg> {
    let store = if cache { weights_cache().await } else { None };
    let cancelled = || Msg::new("errors-download-cancelled").arg("label", label);
    if let Some(store) = &store {
        if let Ok(hit) = JsFuture::from(store.match_with_str(url)).await {
            if let Ok(resp) = hit.dyn_into::<web_sys::Response>() {
                return match read_body(&resp, model, progress).await {
                    Ok(checkpoint) => Ok(Got {
                        checkpoint,
                        from_cache: true,
                        not_kept: None,
                    }),
                    Err(BodyError::Read(e)) => Err(Msg::new("errors-cache-unreadable")
                        .arg("label", label)
                        .arg("reason", e)),
                    Err(BodyError::Checkpoint(reason)) => {
                        uncache(url).await;
                        let source = Msg::new("errors-source-cached").arg("label", label);
                        Err(not_loaded(source.into(), reason))
                    }
                };
            }
        }
    }
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(signal));
    let resp = match JsFuture::from(scope().fetch_with_str_and_init(url, &init)).await {
        Ok(r) => r,
        Err(e) => return Err(why_refused(url, label, model, js_text(&e), signal).await),
    };
    let resp: web_sys::Response = resp.unchecked_into();
    if !resp.ok() {
        return Err(Msg::new("errors-download-http")
            .arg("label", label)
            .arg("status", resp.status().to_string()));
    }
    let kept = store.as_ref().map(|s| keep(s, url, model, label, &resp));
    let checkpoint = match read_body(&resp, model, progress).await {
        Ok(c) => c,
        Err(e) => {
            // What was being kept is not a checkpoint to keep: forget it once its copy ends.
            if let Some(kept) = kept {
                let url = url.to_string();
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = kept.await;
                    uncache(&url).await;
                });
            }
            return Err(match e {
                _ if signal.aborted() => cancelled(),
                BodyError::Read(e) => Msg::new("errors-download-interrupted")
                    .arg("label", label)
                    .arg("reason", e),
                BodyError::Checkpoint(reason) => not_loaded(label.into(), reason),
            });
        }
    };
    let not_kept = match kept {
        Some(k) => k.await,
        None => None,
    };
    Ok(Got {
        checkpoint,
        from_cache: false,
        not_kept,
    })
}
