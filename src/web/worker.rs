//! The Web Worker that runs the engines. The page sends it a [`WorkerRequest`] and renders the
//! [`WorkerResponse`]; nothing heavy ever runs on the page's own thread: checkpoint downloads
//! (with progress, kept in the Cache API), parsing, preprocessing and forward passes all happen
//! here.

use std::collections::HashMap;

use gloo_worker::{HandlerId, Worker, WorkerScope};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::engine::autograd::{input_gradient, magnitude_map, Unit};
use crate::engine::packed::PackedEngine;
use crate::engine::safetensors::StreamParser;
use crate::engine::{Engine, Prepared, Weights};
use crate::imagenet::{self, Image8};
use crate::pretrained;
use crate::protocol::HELD_NETWORKS_BYTES;
use crate::protocol::{Classification, InputGradient, RunResult, WorkerRequest, WorkerResponse};
use crate::zoo::graph::Op;

/// The Cache API store that keeps downloaded checkpoints.
pub const WEIGHTS_CACHE: &str = "atlas-weights-v1";

/// A prepared network the worker holds, with what its last run left.
struct Held {
    net: Box<dyn Prepared>,
    /// When it was last used (the worker's clock), for eviction.
    used: u64,
    /// The input of the last run (a prepared photo, a digit), for layer outputs and gradients.
    input: Option<Vec<f32>>,
    /// Node outputs of that input computed so far: (shape, values).
    outputs: HashMap<usize, (Vec<usize>, Vec<f32>)>,
}

impl Held {
    fn cached_bytes(&self) -> u64 {
        self.outputs.values().map(|(_, v)| v.len() as u64 * 4).sum()
    }
}

/// The worker's state: the prepared networks it holds (one copy of their weights, packed), each
/// with its last input and the node outputs asked for since.
pub struct AtlasWorker {
    held: HashMap<String, Held>,
    clock: u64,
}

/// The engine every network is prepared with.
fn engine() -> PackedEngine {
    PackedEngine
}

/// The most the worker keeps of one network's node outputs before it forgets the older ones.
const OUTPUT_CACHE_BYTES: u64 = 256 << 20;

/// Messages the worker sends itself when an asynchronous download ends.
pub enum Fetched {
    Done {
        id: HandlerId,
        model: String,
        got: Downloaded,
        source: String,
        /// The Cache API entry the bytes were kept under, removed if they do not load.
        cached_as: Option<String>,
    },
    Failed {
        id: HandlerId,
        message: String,
    },
}

fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| js_sys::Reflect::get(&p, &"now".into()).ok().map(|f| (p, f)))
        .and_then(|(p, f)| js_sys::Function::from(f).call0(&p).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// The size of the worker's WebAssembly memory.
pub fn memory_bytes() -> u64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| {
            m.buffer()
                .unchecked_into::<js_sys::ArrayBuffer>()
                .byte_length() as u64
        })
        .unwrap_or(0)
}

fn js_text(e: &JsValue) -> String {
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

/// A downloaded checkpoint: a `.safetensors` file is parsed as its bytes arrive (never held whole
/// in the worker's memory); anything else (`.pth`) is kept as bytes and parsed at the end.
pub enum Downloaded {
    Parsed(Weights),
    Bytes(Vec<u8>),
}

/// Where a download's bytes go.
enum Sink {
    /// Deciding from the first bytes.
    Unknown(Vec<u8>),
    Stream(StreamParser),
    Bytes(Vec<u8>),
}

impl Sink {
    fn push(&mut self, chunk: &[u8], capacity: usize) -> Result<(), String> {
        match self {
            Sink::Unknown(head) => {
                head.extend_from_slice(chunk);
                if head.len() >= 9 {
                    let head = std::mem::take(head);
                    *self = if pretrained::sniff(&head) == pretrained::Format::Safetensors {
                        let mut p = StreamParser::default();
                        p.feed(&head).map_err(|e| e.to_string())?;
                        Sink::Stream(p)
                    } else {
                        let mut v = Vec::with_capacity(capacity.max(head.len()));
                        v.extend_from_slice(&head);
                        Sink::Bytes(v)
                    };
                }
                Ok(())
            }
            Sink::Stream(p) => p.feed(chunk).map_err(|e| e.to_string()),
            Sink::Bytes(v) => {
                v.extend_from_slice(chunk);
                Ok(())
            }
        }
    }

    fn finish(self) -> Result<Downloaded, String> {
        match self {
            Sink::Unknown(head) => Ok(Downloaded::Bytes(head)),
            Sink::Stream(p) => p
                .finish()
                .map(Downloaded::Parsed)
                .map_err(|e| e.to_string()),
            Sink::Bytes(v) => Ok(Downloaded::Bytes(v)),
        }
    }
}

/// Reads a response's body chunk by chunk into a checkpoint, reporting progress; with `keep`,
/// the chunks are also gathered (as JavaScript arrays, outside the worker's memory) for the
/// Cache API.
async fn read_body(
    resp: &web_sys::Response,
    mut progress: impl FnMut(u64, Option<u64>),
    keep: Option<&js_sys::Array>,
) -> Result<Downloaded, String> {
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
        .map_err(|_| "the download cannot be read".to_string())?;
    let mut sink = Sink::Unknown(Vec::new());
    let mut buf: Vec<u8> = Vec::new();
    let (mut got, mut last_report) = (0u64, 0u64);
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| js_text(&e))?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|e| js_text(&e))?;
        let bytes: js_sys::Uint8Array = value.unchecked_into();
        if let Some(k) = keep {
            k.push(&bytes);
        }
        buf.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut buf);
        sink.push(&buf, total.unwrap_or(0) as usize)?;
        got += buf.len() as u64;
        if got - last_report >= 1 << 20 {
            last_report = got;
            progress(got, total);
        }
    }
    progress(got, total);
    if let Some(t) = total {
        if got < t {
            return Err(format!("the download stopped after {got} of {t} bytes"));
        }
    }
    sink.finish()
}

fn scope_caches() -> Result<web_sys::CacheStorage, JsValue> {
    scope().caches()
}

/// Downloads `url` (or takes it from the Cache API), reporting progress.
async fn download(
    url: &str,
    cache: bool,
    label: &str,
    progress: impl FnMut(u64, Option<u64>),
) -> Result<(Downloaded, String), String> {
    let global = scope();
    let store = if cache {
        match global.caches() {
            Ok(c) => JsFuture::from(c.open(WEIGHTS_CACHE))
                .await
                .ok()
                .map(|c| c.unchecked_into::<web_sys::Cache>()),
            Err(_) => None,
        }
    } else {
        None
    };
    if let Some(store) = &store {
        if let Ok(hit) = JsFuture::from(store.match_with_str(url)).await {
            if let Ok(resp) = hit.dyn_into::<web_sys::Response>() {
                let got = read_body(&resp, progress, None).await?;
                return Ok((got, format!("{label} (from this browser's cache)")));
            }
        }
    }
    let resp = JsFuture::from(global.fetch_with_str(url))
        .await
        .map_err(|e| {
            format!(
                "the download of {label} failed ({}); check the address, your connection, and \
                 that the server allows downloads from other sites (CORS)",
                js_text(&e)
            )
        })?;
    let resp: web_sys::Response = resp.unchecked_into();
    if !resp.ok() {
        return Err(format!(
            "the download of {label} failed: the server answered HTTP {}",
            resp.status()
        ));
    }
    let chunks = js_sys::Array::new();
    let got = read_body(&resp, progress, store.as_ref().map(|_| &chunks))
        .await
        .map_err(|e| format!("the download of {label} was interrupted: {e}"))?;
    if let Some(store) = &store {
        // Keep a copy so that the next visit loads at once (gathered outside the worker's
        // memory).
        if let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence(&chunks) {
            if let Ok(resp) = web_sys::Response::new_with_opt_blob(Some(&blob)) {
                let _ = JsFuture::from(store.put_with_str(url, &resp)).await;
            }
        }
    }
    Ok((got, label.to_string()))
}

impl AtlasWorker {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// Forgets the least recently used networks while the prepared ones hold more than the
    /// bound; `keep` is never forgotten.
    fn evict(&mut self, keep: &str) -> Vec<String> {
        let mut gone = Vec::new();
        loop {
            let total: u64 = self
                .held
                .values()
                .map(|h| h.net.memory_bytes() + h.cached_bytes())
                .sum();
            if total <= HELD_NETWORKS_BYTES {
                break;
            }
            let Some(oldest) = self
                .held
                .iter()
                .filter(|(m, _)| m.as_str() != keep)
                .min_by_key(|(_, h)| h.used)
                .map(|(m, _)| m.clone())
            else {
                break;
            };
            self.held.remove(&oldest);
            gone.push(oldest);
        }
        gone
    }

    fn load(&mut self, model: String, got: Downloaded, source: String) -> WorkerResponse {
        let loaded = match got {
            Downloaded::Bytes(bytes) => pretrained::load_checkpoint(&model, &bytes),
            Downloaded::Parsed(weights) => pretrained::load_weights(&model, weights),
        };
        match loaded {
            Ok((net, weights)) => {
                let tensors = weights.tensors.len();
                let params = crate::zoo::analyse(&net).total_params;
                // A network loaded again replaces the old one before the new one is prepared.
                self.held.remove(&model);
                let prepared = match engine().prepare(&net, weights) {
                    Ok(p) => p,
                    Err(e) => return WorkerResponse::Failed(format!("{source}: {e}")),
                };
                let used = self.tick();
                self.held.insert(
                    model.clone(),
                    Held {
                        net: prepared,
                        used,
                        input: None,
                        outputs: HashMap::new(),
                    },
                );
                let evicted = self.evict(&model);
                WorkerResponse::Loaded {
                    model,
                    tensors,
                    params,
                    source,
                    memory_bytes: memory_bytes(),
                    engine: engine().name().to_string(),
                    evicted,
                }
            }
            Err(e) => WorkerResponse::Failed(format!("{source}: {e}")),
        }
    }

    fn held(&mut self, model: &str) -> Result<&mut Held, String> {
        let now = self.tick();
        let h = self.held.get_mut(model).ok_or_else(|| {
            format!("the weights of '{model}' are not loaded (or were unloaded to save memory)")
        })?;
        h.used = now;
        Ok(h)
    }

    fn run(&mut self, model: String, input: Vec<f32>, tag: u64) -> WorkerResponse {
        let h = match self.held(&model) {
            Ok(h) => h,
            Err(e) => return WorkerResponse::Failed(e),
        };
        let start = now_ms();
        let result = h.net.run(&input, &[]);
        h.input = Some(input);
        h.outputs.clear();
        match result {
            Ok(a) => WorkerResponse::Ran(RunResult {
                model,
                tag,
                shapes: a.shapes,
                values: a.values,
                millis: now_ms() - start,
                engine: h.net.engine().to_string(),
            }),
            Err(e) => WorkerResponse::Failed(e.to_string()),
        }
    }

    fn classify(
        &mut self,
        model: String,
        image: Result<Image8, String>,
        tag: u64,
    ) -> WorkerResponse {
        let image = match image {
            Ok(i) => i,
            Err(e) => return WorkerResponse::Failed(format!("the photo cannot be used: {e}")),
        };
        let h = match self.held(&model) {
            Ok(h) => h,
            Err(_) => {
                return WorkerResponse::Failed(format!(
                    "load the weights of '{model}' before classifying a photo"
                ))
            }
        };
        let t0 = now_ms();
        let (mean, std) = pretrained::find(&model)
            .map(|p| p.normalisation())
            .unwrap_or((imagenet::MEAN, imagenet::STD));
        let resized = imagenet::resized_size(image.width, image.height, imagenet::RESIZE);
        let prepared = imagenet::preprocess_with(&image, mean, std);
        drop(image);
        let t1 = now_ms();
        let output = h.net.network().output();
        let acts = match h.net.run(&prepared.tensor, &[output]) {
            Ok(a) => a,
            Err(e) => return WorkerResponse::Failed(e.to_string()),
        };
        let t2 = now_ms();
        let logits = &acts.values[0];
        let top5 = imagenet::top_k(logits, 5)
            .into_iter()
            .map(|r| (r.index, r.prob))
            .collect();
        h.input = Some(prepared.tensor);
        h.outputs.clear();
        h.outputs
            .insert(output, (acts.shapes[0].clone(), acts.values[0].clone()));
        WorkerResponse::Classified(Classification {
            model,
            tag,
            crop: prepared.crop.data,
            resized,
            top5,
            preprocess_ms: t1 - t0,
            forward_ms: t2 - t1,
            memory_bytes: memory_bytes(),
            engine: h.net.engine().to_string(),
        })
    }

    /// Makes sure the outputs of `nodes` for the last input are computed (one run for all the
    /// missing ones).
    fn ensure(&mut self, model: &str, nodes: &[usize]) -> Result<&mut Held, String> {
        let h = self.held(model)?;
        let n = h.net.network().nodes.len();
        if let Some(&bad) = nodes.iter().find(|&&i| i >= n) {
            return Err(format!("'{model}' has no node {bad}"));
        }
        let missing: Vec<usize> = nodes
            .iter()
            .copied()
            .filter(|i| !h.outputs.contains_key(i))
            .collect();
        if missing.is_empty() {
            return Ok(h);
        }
        let Some(input) = &h.input else {
            return Err(format!("no photo has run through '{model}' yet"));
        };
        let acts = h.net.run(input, &missing).map_err(|e| e.to_string())?;
        if h.cached_bytes() > OUTPUT_CACHE_BYTES {
            let output = h.net.network().output();
            h.outputs.retain(|&k, _| k == output);
        }
        for ((id, shape), values) in missing.into_iter().zip(acts.shapes).zip(acts.values) {
            h.outputs.insert(id, (shape, values));
        }
        Ok(h)
    }

    fn layers(&mut self, model: String, nodes: Vec<usize>, tag: u64) -> Vec<WorkerResponse> {
        match self.ensure(&model, &nodes) {
            Ok(h) => nodes
                .iter()
                .map(|&node| {
                    let (shape, values) = h.outputs[&node].clone();
                    WorkerResponse::LayerValues {
                        model: model.clone(),
                        node,
                        tag,
                        shape,
                        values,
                    }
                })
                .collect(),
            Err(e) => vec![WorkerResponse::Failed(e)],
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn input_gradient(
        &mut self,
        model: String,
        node: usize,
        channel: usize,
        y: usize,
        x: usize,
        tag: u64,
    ) -> WorkerResponse {
        let h = match self.held(&model) {
            Ok(h) => h,
            Err(e) => return WorkerResponse::Failed(e),
        };
        let Some(input) = &h.input else {
            return WorkerResponse::Failed(format!("nothing has run through '{model}' yet"));
        };
        let net = h.net.network();
        let Op::Input {
            channels,
            height,
            width,
        } = net.nodes[0].op
        else {
            return WorkerResponse::Failed("the network has no input node".into());
        };
        let start = now_ms();
        let unit = Unit {
            node,
            channel,
            y,
            x,
        };
        match input_gradient(net, h.net.params().as_ref(), input, unit) {
            Ok((gradient, value)) => WorkerResponse::InputGradient(InputGradient {
                model,
                tag,
                node,
                channel,
                y,
                x,
                value,
                heat: magnitude_map(&gradient, channels),
                height,
                width,
                millis: now_ms() - start,
            }),
            Err(e) => WorkerResponse::Failed(format!("the gradient could not be computed: {e}")),
        }
    }

    fn bench(&mut self, model: String, warmup: usize, runs: usize) -> WorkerResponse {
        let h = match self.held(&model) {
            Ok(h) => h,
            Err(e) => return WorkerResponse::Failed(e),
        };
        let net = h.net.network();
        let (n, output) = (crate::zoo::analyse(net).layers[0].activations, net.output());
        let input = crate::engine::splitmix::input(n as usize);
        let mut times_ms = Vec::with_capacity(runs);
        let mut output_sum = 0.0;
        for i in 0..warmup + runs {
            let start = now_ms();
            match h.net.run(&input, &[output]) {
                Ok(a) => output_sum = a.values[0].iter().map(|&v| v as f64).sum(),
                Err(e) => return WorkerResponse::Failed(e.to_string()),
            }
            if i >= warmup {
                times_ms.push(now_ms() - start);
            }
        }
        WorkerResponse::Bench(crate::protocol::BenchResult {
            model,
            engine: h.net.engine().to_string(),
            times_ms,
            memory_bytes: memory_bytes(),
            output_sum,
        })
    }

    fn norms(&mut self, model: String, nodes: Vec<usize>, tag: u64) -> WorkerResponse {
        match self.ensure(&model, &nodes) {
            Ok(h) => {
                let norms = nodes
                    .iter()
                    .map(|&n| (n, crate::concepts::residual::l2(&h.outputs[&n].1)))
                    .collect();
                WorkerResponse::Norms { model, tag, norms }
            }
            Err(e) => WorkerResponse::Failed(e),
        }
    }

    fn fetch(
        &self,
        scope: &WorkerScope<Self>,
        id: HandlerId,
        model: String,
        url: String,
        cache: bool,
        label: String,
    ) {
        let scope = scope.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let reporter = scope.clone();
            let progress_model = model.clone();
            let result = download(&url, cache, &label, move |loaded, total| {
                reporter.respond(
                    id,
                    WorkerResponse::Progress {
                        model: progress_model.clone(),
                        loaded,
                        total,
                    },
                )
            })
            .await;
            scope.send_message(match result {
                Ok((got, source)) => Fetched::Done {
                    id,
                    model,
                    got,
                    source,
                    cached_as: cache.then_some(url),
                },
                Err(message) => Fetched::Failed { id, message },
            });
        });
    }
}

impl Worker for AtlasWorker {
    type Message = Fetched;
    type Input = WorkerRequest;
    type Output = WorkerResponse;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        AtlasWorker {
            held: HashMap::new(),
            clock: 0,
        }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, msg: Self::Message) {
        match msg {
            Fetched::Done {
                id,
                model,
                got,
                source,
                cached_as,
            } => {
                let answer = self.load(model, got, source);
                if let (WorkerResponse::Failed(_), Some(url)) = (&answer, cached_as) {
                    // A checkpoint that does not load is not kept for the next visit.
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(caches) = scope_caches() {
                            if let Ok(store) = JsFuture::from(caches.open(WEIGHTS_CACHE)).await {
                                let store: web_sys::Cache = store.unchecked_into();
                                let _ = JsFuture::from(store.delete_with_str(&url)).await;
                            }
                        }
                    });
                }
                scope.respond(id, answer);
            }
            Fetched::Failed { id, message } => scope.respond(id, WorkerResponse::Failed(message)),
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, id: HandlerId) {
        let answer = match msg {
            WorkerRequest::SelfCheck => match crate::engine_check::run() {
                Ok(check) => WorkerResponse::Ready(check),
                Err(e) => WorkerResponse::Failed(format!("the engine failed its self-check: {e}")),
            },
            WorkerRequest::LoadWeights { model, bytes } => {
                let source = format!("weights/{model}.safetensors");
                self.load(model, Downloaded::Bytes(bytes), source)
            }
            WorkerRequest::FetchWeights {
                model,
                url,
                cache,
                label,
            } => {
                self.fetch(scope, id, model, url, cache, label);
                return;
            }
            WorkerRequest::Classify {
                model,
                width,
                height,
                channels,
                pixels,
                tag,
            } => self.classify(model, Image8::new(width, height, channels, pixels), tag),
            WorkerRequest::Layers { model, nodes, tag } => {
                for answer in self.layers(model, nodes, tag) {
                    scope.respond(id, answer);
                }
                return;
            }
            WorkerRequest::Run { model, input, tag } => self.run(model, input, tag),
            WorkerRequest::InputGradient {
                model,
                node,
                channel,
                y,
                x,
                tag,
            } => self.input_gradient(model, node, channel, y, x, tag),
            WorkerRequest::LayerNorms { model, nodes, tag } => self.norms(model, nodes, tag),
            WorkerRequest::Bench {
                model,
                warmup,
                runs,
            } => self.bench(model, warmup, runs),
            WorkerRequest::GradientFlow { config } => {
                let start = now_ms();
                match crate::concepts::gradient_flow::run(
                    &crate::zoo::nets::resnet::RESNETS[1],
                    &config,
                ) {
                    Ok(flow) => WorkerResponse::GradientFlow {
                        flow,
                        millis: now_ms() - start,
                    },
                    Err(e) => {
                        WorkerResponse::Failed(format!("the gradient-flow experiment failed: {e}"))
                    }
                }
            }
        };
        scope.respond(id, answer);
    }
}

/// The path trunk gives the worker's script (see `index.html`).
pub const WORKER_SCRIPT: &str = "./worker.js";
