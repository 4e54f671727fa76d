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
//! run beside it.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::engine::autograd::{input_gradient, magnitude_map, Unit};
use crate::engine::gpu::GpuEngine;
use crate::engine::packed::PackedEngine;
use crate::engine::{Activations, Engine, Prepared, Weights};
use crate::i18n::{Arg, Msg};
use crate::imagenet::{self, Image8};
use crate::pretrained;
use crate::protocol::HELD_NETWORKS_BYTES;
use crate::protocol::{BackendChoice, EngineStatus};
use crate::protocol::{Classification, InputGradient, RunResult, WorkerRequest, WorkerResponse};
use crate::web::backend::{self, Backend};
use crate::web::wire::{self, FromWorker, HandlerId, ToWorker};
use crate::zoo::graph::Op;

pub mod download;

pub use download::WEIGHTS_CACHE;
use download::{download, uncache, Downloaded, Got};

/// Where a held network's weights came from: how the page named it, the address (empty for
/// bytes the page sent), whether from the Cache API, whether kept there.
#[derive(Clone, Debug)]
struct Origin {
    label: String,
    url: String,
    from_cache: bool,
    cached: bool,
}

/// A prepared network the worker holds, with what its last run left.
struct Held {
    /// On the CPU engine (always: gradients, and the fallback).
    net: Box<dyn Prepared>,
    /// On the WebGPU engine, while that engine is the one in use.
    gpu: Option<Box<dyn Prepared>>,
    /// When it was last used (the worker's clock), for eviction.
    used: u64,
    /// The input of the last run (a prepared photo, a digit), for layer outputs and gradients.
    input: Option<Vec<f32>>,
    /// Node outputs of that input computed so far: (shape, values).
    outputs: HashMap<usize, (Vec<usize>, Vec<f32>)>,
    origin: Origin,
}

impl Held {
    fn cached_bytes(&self) -> u64 {
        self.outputs.values().map(|(_, v)| v.len() as u64 * 4).sum()
    }
}

/// The WebGPU side of the worker.
enum Gpu {
    /// Not looked for yet (the self-check looks).
    Unknown,
    /// No adapter, and why.
    Absent(Msg),
    /// An adapter (vendor and architecture as the browser tells) that no engine uses yet.
    Found { adapter: String, fallback: bool },
    /// The engine, opened on that adapter and past its self-check.
    Ready {
        engine: GpuEngine,
        adapter: String,
        fallback: bool,
    },
    /// Opening it, or a run on it, failed (a lost device, a failed pipeline): the reason.
    Failed {
        adapter: String,
        fallback: bool,
        reason: Msg,
    },
}

/// The worker's state: the prepared networks it holds (one copy of their weights, packed, and one
/// on the GPU while it is used), each with its last input and the node outputs asked for since;
/// the engine choice and the GPU.
struct State {
    held: HashMap<String, Held>,
    clock: u64,
    choice: BackendChoice,
    gpu: Gpu,
    /// The page's status line: the bridge that asked for the self-check.
    status_to: Option<HandlerId>,
    /// The engine of the last forward pass (`webgpu`, `cpu`) since the choice last changed.
    last_kind: Option<&'static str>,
    /// The status last sent, to send only changes.
    sent: Option<EngineStatus>,
    /// Set by `CancelOcclusion` (taken at once, beside the queue), read between rows.
    cancel: Rc<Cell<bool>>,
    /// The 224×224 crop of the last photo classified, for `ClassifyLastCrop`.
    last_crop: Option<Image8>,
    /// Networks unloaded to stay within the bound, and where their weights came from.
    gone: HashMap<String, Origin>,
}

/// What the worker was asked: a request from the page, or a download that ended.
enum Job {
    Request(WorkerRequest, HandlerId),
    Fetched(Fetched),
}

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
}

/// The CPU engine every network is prepared with.
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
        /// How the page names the source (a file name, a URL).
        source: String,
        /// Whether the bytes came from this browser's Cache API.
        from_cache: bool,
        /// The Cache API entry the bytes were kept under, removed if they do not load.
        cached_as: Option<String>,
        url: String,
        not_kept: Option<Msg>,
    },
    Failed {
        id: HandlerId,
        message: Msg,
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

/// A network that failed to run: the engine's words are a developer's detail.
fn forward_failed(e: crate::engine::EngineError) -> Msg {
    Msg::new("errors-forward-failed").arg("detail", e.to_string())
}

impl State {
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
            if let Some(h) = self.held.remove(&oldest) {
                self.gone.insert(oldest.clone(), h.origin);
            }
            gone.push(oldest);
        }
        gone
    }

    /// Whether networks should run on the GPU now: the reader's choice and the adapter allow.
    fn wants_gpu(&self) -> bool {
        let fallback = match &self.gpu {
            Gpu::Found { fallback, .. } | Gpu::Ready { fallback, .. } => *fallback,
            _ => return false,
        };
        match self.choice {
            BackendChoice::Cpu => false,
            BackendChoice::WebGpu => true,
            BackendChoice::Auto => !fallback,
        }
    }

    /// The WebGPU engine when networks run on it.
    fn active_gpu(&self) -> Option<&GpuEngine> {
        match &self.gpu {
            Gpu::Ready { engine, .. } if self.wants_gpu() => Some(engine),
            _ => None,
        }
    }

    /// Looks for a WebGPU adapter (once).
    async fn detect_gpu(&mut self) {
        if matches!(self.gpu, Gpu::Unknown) {
            self.gpu = match backend::detect().await {
                Backend::WebGpu { adapter, fallback } => Gpu::Found { adapter, fallback },
                Backend::Cpu { reason } => Gpu::Absent(reason),
            };
        }
    }

    /// Opens the WebGPU engine when the choice wants it and checks it on the self-check's
    /// convolution; a failure is kept as the reason the CPU engine runs.
    async fn open_gpu(&mut self) {
        let Gpu::Found { adapter, fallback } = &self.gpu else {
            return;
        };
        if !self.wants_gpu() {
            return;
        }
        let (adapter, fallback) = (adapter.clone(), *fallback);
        let opened = match GpuEngine::open().await {
            Ok(engine) => crate::engine_check::check_engine(&engine)
                .await
                .map(|()| engine),
            Err(e) => Err(e.to_string()),
        };
        self.gpu = match opened {
            Ok(engine) => Gpu::Ready {
                engine,
                adapter,
                fallback,
            },
            Err(reason) => Gpu::Failed {
                adapter,
                fallback,
                reason: Msg::new("app-gpu-start-failed").arg("detail", reason),
            },
        };
    }

    /// The GPU failed: every network leaves it, and the reason is kept for the status line.
    fn gpu_failed(&mut self, reason: Msg) {
        if let Gpu::Ready {
            adapter, fallback, ..
        } = &self.gpu
        {
            self.gpu = Gpu::Failed {
                adapter: adapter.clone(),
                fallback: *fallback,
                reason,
            };
        }
        for h in self.held.values_mut() {
            h.gpu = None;
        }
    }

    /// Puts every held network on the GPU while it is used (prepared from the CPU copy's
    /// weights), and takes them off it otherwise.
    fn sync_gpu(&mut self) {
        let Some(engine) = self.active_gpu().cloned() else {
            for h in self.held.values_mut() {
                h.gpu = None;
            }
            return;
        };
        let mut failure = None;
        for h in self.held.values_mut().filter(|h| h.gpu.is_none()) {
            let net = h.net.network();
            let prepared = h
                .net
                .weights()
                .and_then(|w: Weights| engine.prepare(net, w));
            match prepared {
                Ok(p) => h.gpu = Some(p),
                Err(e) => {
                    failure = Some(
                        Msg::new("app-gpu-prepare-failed")
                            .arg("network", &net.label)
                            .arg("detail", e.to_string()),
                    );
                    break;
                }
            }
        }
        let fault = || {
            engine
                .fault()
                .map(|f| Msg::new("app-gpu-fault").arg("detail", f))
        };
        if let Some(reason) = failure.or_else(fault) {
            self.gpu_failed(reason);
        }
    }

    /// What the status line shows.
    fn status(&self) -> EngineStatus {
        let (adapter, fallback) = match &self.gpu {
            Gpu::Found { adapter, fallback }
            | Gpu::Ready {
                adapter, fallback, ..
            }
            | Gpu::Failed {
                adapter, fallback, ..
            } => (adapter.clone(), *fallback),
            _ => (String::new(), false),
        };
        let active = self.active_gpu().is_some();
        let kind = self
            .last_kind
            .unwrap_or(if active { "webgpu" } else { "cpu" });
        let note = match (&self.gpu, self.choice) {
            (Gpu::Failed { reason, .. }, _) => Msg::new("app-note-fell-back").arg("reason", reason),
            (_, BackendChoice::Cpu) if !adapter.is_empty() => {
                Msg::new("app-note-cpu-chosen-unused")
                    .arg("adapter", &adapter)
                    .arg("software", fallback as u32)
            }
            (_, BackendChoice::Cpu) => Msg::new("app-note-cpu-chosen"),
            (Gpu::Unknown, _) => Msg::new("app-note-looking"),
            (Gpu::Absent(reason), _) => Msg::new("app-note-no-webgpu").arg("reason", reason),
            (Gpu::Found { .. }, BackendChoice::Auto) if fallback => {
                Msg::new("app-note-software-adapter").arg("adapter", &adapter)
            }
            (Gpu::Found { .. }, _) => Msg::new("app-note-adapter-found")
                .arg("adapter", &adapter)
                .arg("software", fallback as u32),
            (Gpu::Ready { .. }, _) => Msg::new("app-note-on-adapter")
                .arg("adapter", &adapter)
                .arg("software", fallback as u32),
        };
        EngineStatus {
            choice: self.choice,
            kind: kind.to_string(),
            engine: if kind == "webgpu" {
                "WebGPU".to_string()
            } else {
                engine().name().to_string()
            },
            adapter,
            fallback,
            note,
        }
    }

    /// Sends the status line the engine state when it changed.
    fn report(&mut self, scope: &Scope) {
        let Some(id) = self.status_to else {
            return;
        };
        let now = self.status();
        if self.sent.as_ref() != Some(&now) {
            self.sent = Some(now.clone());
            scope.respond(id, WorkerResponse::Engine(now));
        }
    }

    /// Runs a held network on `input`, keeping `keep` (every node when empty): on the GPU when it
    /// is in use, on the CPU engine otherwise or when the GPU fails (which is then left). Returns
    /// the activations and the engine that computed them.
    async fn forward(
        &mut self,
        model: &str,
        input: &[f32],
        keep: &[usize],
    ) -> Result<(Activations, &'static str), Msg> {
        let on_gpu = match self.held(model)?.gpu.as_mut() {
            Some(g) => Some(g.run_async(input, keep).await),
            None => None,
        };
        match on_gpu {
            Some(Ok(acts)) => {
                self.last_kind = Some("webgpu");
                return Ok((acts, "WebGPU"));
            }
            Some(Err(e)) => self.gpu_failed(Msg::new("app-gpu-fault").arg("detail", e.to_string())),
            None => {}
        }
        let h = self.held(model)?;
        let (acts, name) = (h.net.run(input, keep), h.net.engine());
        self.last_kind = Some("cpu");
        Ok((acts.map_err(forward_failed)?, name))
    }

    fn load(&mut self, model: String, got: Downloaded, origin: Origin) -> WorkerResponse {
        // How the failure names the source: the Cache API copy, or the file or address.
        let named = |reason: Msg| {
            let source: Arg = if origin.from_cache {
                Msg::new("errors-source-cached")
                    .arg("label", &origin.label)
                    .into()
            } else {
                (&origin.label).into()
            };
            WorkerResponse::Failed(
                Msg::new("errors-load-failed")
                    .arg("source", source)
                    .arg("reason", reason),
            )
        };
        let loaded = match got {
            Downloaded::Bytes(bytes) => pretrained::load_checkpoint(&model, &bytes),
            Downloaded::Parsed(weights) => pretrained::load_weights(&model, weights),
        };
        let (net, weights) = match loaded {
            Ok(l) => l,
            Err(e) => return named(e.0),
        };
        // A network loaded again replaces the old one before the new one is prepared.
        self.held.remove(&model);
        let prepared = match engine().prepare(&net, weights) {
            Ok(p) => p,
            Err(e) => return named(Msg::new("errors-prepare-failed").arg("detail", e.to_string())),
        };
        let used = self.tick();
        self.gone.remove(&model);
        self.held.insert(
            model.clone(),
            Held {
                net: prepared,
                gpu: None,
                used,
                input: None,
                outputs: HashMap::new(),
                origin,
            },
        );
        let evicted = self.evict(&model);
        self.sync_gpu();
        self.loaded(&model, evicted)
            .unwrap_or(WorkerResponse::NotHeld { model })
    }

    /// What the page is told of a held network: as when it was loaded.
    fn loaded(&self, model: &str, evicted: Vec<String>) -> Option<WorkerResponse> {
        let h = self.held.get(model)?;
        let net = h.net.network();
        Some(WorkerResponse::Loaded {
            model: model.to_string(),
            tensors: crate::zoo::params::param_specs(net, &crate::zoo::analyse(net)).len(),
            params: crate::zoo::analyse(net).total_params,
            source: h.origin.label.clone(),
            from_cache: h.origin.from_cache,
            memory_bytes: memory_bytes(),
            engine: if h.gpu.is_some() {
                "WebGPU"
            } else {
                engine().name()
            }
            .to_string(),
            evicted,
            url: h.origin.url.clone(),
            not_kept: None,
        })
    }

    /// The answer to `IsHeld`.
    fn is_held(&self, model: String) -> WorkerResponse {
        if let Some(answer) = self.loaded(&model, Vec::new()) {
            return answer;
        }
        match self.gone.get(&model) {
            Some(o) => WorkerResponse::Unloaded {
                why: Msg::new("errors-unloaded-evicted")
                    .arg("limit", crate::protocol::HELD_NETWORKS_BYTES >> 20),
                again: o.cached.then(|| crate::protocol::Reload {
                    url: o.url.clone(),
                    label: o.label.clone(),
                    cache: true,
                }),
                model,
            },
            None => WorkerResponse::NotHeld { model },
        }
    }

    fn held(&mut self, model: &str) -> Result<&mut Held, Msg> {
        let now = self.tick();
        let h = self
            .held
            .get_mut(model)
            .ok_or_else(|| Msg::new("errors-not-loaded").arg("model", model))?;
        h.used = now;
        Ok(h)
    }

    async fn run(&mut self, model: String, input: Vec<f32>, tag: u64) -> WorkerResponse {
        let start = now_ms();
        let result = self.forward(&model, &input, &[]).await;
        let millis = now_ms() - start;
        if let Ok(h) = self.held(&model) {
            h.input = Some(input);
            h.outputs.clear();
        }
        match result {
            Ok((a, engine)) => WorkerResponse::Ran(RunResult {
                model,
                tag,
                shapes: a.shapes,
                values: a.values,
                millis,
                engine: engine.to_string(),
            }),
            Err(e) => WorkerResponse::Failed(e),
        }
    }

    async fn classify(
        &mut self,
        model: String,
        image: Result<Image8, String>,
        tag: u64,
    ) -> WorkerResponse {
        let image = match image {
            Ok(i) => i,
            Err(e) => {
                return WorkerResponse::Failed(Msg::new("errors-photo-unusable").arg("detail", e))
            }
        };
        let output = match self.held(&model) {
            Ok(h) => h.net.network().output(),
            Err(_) => {
                return WorkerResponse::Failed(
                    Msg::new("errors-classify-no-weights").arg("model", &model),
                )
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
        let (acts, engine) = match self.forward(&model, &prepared.tensor, &[output]).await {
            Ok(r) => r,
            Err(e) => return WorkerResponse::Failed(e),
        };
        let t2 = now_ms();
        let logits = &acts.values[0];
        let top5 = imagenet::top_k(logits, 5)
            .into_iter()
            .map(|r| (r.index, r.prob))
            .collect();
        let Ok(h) = self.held(&model) else {
            return WorkerResponse::Failed(Msg::new("errors-unloaded").arg("model", &model));
        };
        h.input = Some(prepared.tensor);
        h.outputs.clear();
        h.outputs
            .insert(output, (acts.shapes[0].clone(), acts.values[0].clone()));
        self.last_crop = Some(Image8 {
            width: imagenet::CROP,
            height: imagenet::CROP,
            channels: 3,
            data: prepared.crop.data.clone(),
        });
        WorkerResponse::Classified(Classification {
            model,
            tag,
            crop: prepared.crop.data,
            resized,
            top5,
            preprocess_ms: t1 - t0,
            forward_ms: t2 - t1,
            memory_bytes: memory_bytes(),
            engine: engine.to_string(),
        })
    }

    /// Makes sure the outputs of `nodes` for the last input are computed (one run for all the
    /// missing ones).
    async fn ensure(&mut self, model: &str, nodes: &[usize]) -> Result<&mut Held, Msg> {
        let h = self.held(model)?;
        let n = h.net.network().nodes.len();
        if let Some(&bad) = nodes.iter().find(|&&i| i >= n) {
            return Err(Msg::new("errors-no-node")
                .arg("model", model)
                .arg("node", bad.to_string()));
        }
        let missing: Vec<usize> = nodes
            .iter()
            .copied()
            .filter(|i| !h.outputs.contains_key(i))
            .collect();
        if missing.is_empty() {
            return self.held(model);
        }
        let Some(input) = h.input.clone() else {
            return Err(Msg::new("errors-no-photo-yet").arg("model", model));
        };
        let (acts, _) = self.forward(model, &input, &missing).await?;
        let h = self.held(model)?;
        if h.cached_bytes() > OUTPUT_CACHE_BYTES {
            let output = h.net.network().output();
            h.outputs.retain(|&k, _| k == output);
        }
        for ((id, shape), values) in missing.into_iter().zip(acts.shapes).zip(acts.values) {
            h.outputs.insert(id, (shape, values));
        }
        Ok(h)
    }

    async fn layers(&mut self, model: String, nodes: Vec<usize>, tag: u64) -> Vec<WorkerResponse> {
        match self.ensure(&model, &nodes).await {
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
            return WorkerResponse::Failed(Msg::new("errors-nothing-run-yet").arg("model", &model));
        };
        let net = h.net.network();
        let Op::Input {
            channels,
            height,
            width,
        } = net.nodes[0].op
        else {
            return WorkerResponse::Failed(Msg::new("errors-no-input-node"));
        };
        let start = now_ms();
        let unit = Unit {
            node,
            channel,
            y,
            x,
        };
        // Gradients always run on the CPU copy (candle's autograd).
        match h
            .net
            .weights()
            .and_then(|w| input_gradient(net, &w, input, unit))
        {
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
            Err(e) => WorkerResponse::Failed(
                Msg::new("errors-gradient-failed").arg("detail", e.to_string()),
            ),
        }
    }

    /// The last photo's crop through `model` (normalised as `model` wants): its top-5.
    async fn classify_last_crop(&mut self, model: String, tag: u64) -> WorkerResponse {
        let Some(crop) = &self.last_crop else {
            return WorkerResponse::Failed(Msg::new("errors-top5-no-photo"));
        };
        let (mean, std) = pretrained::find(&model)
            .map(|p| p.normalisation())
            .unwrap_or((imagenet::MEAN, imagenet::STD));
        let input = imagenet::normalise(crop, mean, std);
        let output = match self.held(&model) {
            Ok(h) => h.net.network().output(),
            Err(_) => {
                return WorkerResponse::Failed(
                    Msg::new("errors-top5-not-loaded").arg("model", &model),
                )
            }
        };
        match self.forward(&model, &input, &[output]).await {
            Ok((acts, engine)) => WorkerResponse::Top5 {
                model,
                tag,
                top5: imagenet::top_k(&acts.values[0], 5)
                    .into_iter()
                    .map(|r| (r.index, r.prob))
                    .collect(),
                engine: engine.to_string(),
            },
            Err(e) => WorkerResponse::Failed(e.arg("model", &model)),
        }
    }

    /// The last photo's input, the output node and the input's side (square inputs only).
    fn last_photo(&mut self, model: &str) -> Result<(Vec<f32>, usize, usize), Msg> {
        let h = self.held(model)?;
        let net = h.net.network();
        let Op::Input { height, width, .. } = net.nodes[0].op else {
            return Err(Msg::new("errors-no-input-node"));
        };
        if height != width {
            return Err(Msg::new("errors-input-not-square")
                .arg("network", &net.label)
                .arg("height", height)
                .arg("width", width));
        }
        let input = h
            .input
            .clone()
            .ok_or_else(|| Msg::new("errors-classify-first").arg("model", model))?;
        Ok((input, net.output(), height))
    }

    /// The occlusion map of the last photo: one forward pass per place of the square, on the
    /// engine in use; progress after each row, then a pause for the event loop, where a
    /// `CancelOcclusion` can arrive.
    async fn occlusion(
        &mut self,
        scope: &Scope,
        id: HandlerId,
        model: &str,
        patch: usize,
        stride: usize,
        tag: u64,
    ) -> Result<WorkerResponse, Msg> {
        use crate::concepts::occlusion::{self, OcclusionMap};
        self.cancel.set(false);
        let (input, output, side) = self.last_photo(model)?;
        occlusion::check(side, patch, stride)?;
        let start = now_ms();
        let (acts, engine) = self.forward(model, &input, &[output]).await?;
        let logits = &acts.values[0];
        let class = imagenet::top_k(logits, 1)
            .first()
            .map(|r| r.index)
            .ok_or_else(|| Msg::new("errors-no-output"))?;
        let base = occlusion::probability(logits, class);
        let starts = occlusion::starts(side, patch, stride);
        let total = starts.len() * starts.len();
        let mut drops = Vec::with_capacity(total);
        for &y0 in &starts {
            for &x0 in &starts {
                let hidden = occlusion::occlude(&input, side, y0, x0, patch);
                let (acts, _) = self.forward(model, &hidden, &[output]).await?;
                drops.push(base - occlusion::probability(&acts.values[0], class));
            }
            let done = drops.len();
            scope.respond(id, WorkerResponse::OcclusionProgress { tag, done, total });
            next_task().await;
            if self.cancel.replace(false) {
                return Ok(WorkerResponse::OcclusionCancelled { tag, done, total });
            }
        }
        Ok(WorkerResponse::Occlusion {
            model: model.to_string(),
            tag,
            map: OcclusionMap {
                class,
                base,
                side,
                patch,
                stride,
                starts,
                drops,
            },
            millis: now_ms() - start,
            engine: engine.to_string(),
        })
    }

    /// The gradient saliency of the last photo's top class (on the CPU copy, candle's autograd).
    fn saliency(&mut self, model: &str, tag: u64) -> Result<WorkerResponse, Msg> {
        let (input, output, side) = self.last_photo(model)?;
        let start = now_ms();
        let h = self.held(model)?;
        let logits = match h.outputs.get(&output) {
            Some((_, v)) => v.clone(),
            None => h.net.run(&input, &[output]).map_err(forward_failed)?.values[0].clone(),
        };
        let class = imagenet::top_k(&logits, 1)
            .first()
            .map(|r| r.index)
            .ok_or_else(|| Msg::new("errors-no-output"))?;
        let unit = Unit {
            node: output,
            channel: class,
            y: 0,
            x: 0,
        };
        let (gradient, _) = h
            .net
            .weights()
            .and_then(|w| input_gradient(h.net.network(), &w, &input, unit))
            .map_err(|e| Msg::new("errors-gradient-failed").arg("detail", e.to_string()))?;
        let plane = side * side;
        let heat = (0..plane)
            .map(|i| {
                gradient
                    .iter()
                    .skip(i)
                    .step_by(plane)
                    .fold(0f32, |m, g| m.max(g.abs()))
            })
            .collect();
        Ok(WorkerResponse::Saliency {
            model: model.to_string(),
            tag,
            class,
            heat,
            side,
            millis: now_ms() - start,
        })
    }

    /// Times the CPU engine (the WebGPU engine's rows of `make bench` come from the page's
    /// `atlasBenchGpu`).
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
                Err(e) => return WorkerResponse::Failed(forward_failed(e)),
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

    async fn norms(&mut self, model: String, nodes: Vec<usize>, tag: u64) -> WorkerResponse {
        match self.ensure(&model, &nodes).await {
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

    /// Handles one job; answers go to the bridge that asked (`id`).
    async fn handle(&mut self, scope: &Scope, job: Job) {
        let (msg, id) = match job {
            Job::Fetched(Fetched::Failed { id, message }) => {
                scope.respond(id, WorkerResponse::Failed(message));
                return;
            }
            Job::Fetched(Fetched::Done {
                id,
                model,
                got,
                source,
                from_cache,
                cached_as,
                url,
                not_kept,
            }) => {
                let origin = Origin {
                    label: source,
                    url,
                    from_cache,
                    cached: cached_as.is_some() && not_kept.is_none(),
                };
                let mut answer = self.load(model, got, origin);
                if let WorkerResponse::Loaded { not_kept: n, .. } = &mut answer {
                    *n = not_kept;
                }
                if let (WorkerResponse::Failed(_), Some(url)) = (&answer, cached_as) {
                    // A checkpoint that does not load is not kept for the next visit.
                    wasm_bindgen_futures::spawn_local(async move { uncache(&url).await });
                }
                scope.respond(id, answer);
                self.report(scope);
                return;
            }
            Job::Request(msg, id) => (msg, id),
        };
        let answer = match msg {
            WorkerRequest::SelfCheck => {
                self.status_to = Some(id);
                let check = match crate::engine_check::run() {
                    Ok(check) => WorkerResponse::Ready(check),
                    Err(e) => WorkerResponse::Failed(
                        Msg::new("errors-self-check-failed").arg("detail", e.to_string()),
                    ),
                };
                scope.respond(id, check);
                self.detect_gpu().await;
                self.open_gpu().await;
                self.sync_gpu();
                self.report(scope);
                return;
            }
            WorkerRequest::SetBackend { choice } => {
                self.choice = choice;
                self.last_kind = None;
                if let Gpu::Failed {
                    adapter, fallback, ..
                } = &self.gpu
                {
                    // Choosing again tries a new device.
                    self.gpu = Gpu::Found {
                        adapter: adapter.clone(),
                        fallback: *fallback,
                    };
                }
                self.detect_gpu().await;
                self.open_gpu().await;
                self.sync_gpu();
                let now = self.status();
                self.sent = Some(now.clone());
                WorkerResponse::Engine(now)
            }
            WorkerRequest::LoseGpuDevice => {
                if let Gpu::Ready { engine, .. } = &self.gpu {
                    engine.lose_device();
                }
                WorkerResponse::Engine(self.status())
            }
            WorkerRequest::LoadWeights { model, bytes } => {
                let origin = Origin {
                    label: format!("weights/{model}.safetensors"),
                    url: String::new(),
                    from_cache: false,
                    cached: false,
                };
                self.load(model, Downloaded::Bytes(bytes), origin)
            }
            WorkerRequest::IsHeld { model } => self.is_held(model),
            WorkerRequest::FetchWeights { .. }
            | WorkerRequest::CancelOcclusion
            | WorkerRequest::CancelDownload { .. }
            | WorkerRequest::Crash { .. } => return,
            WorkerRequest::Occlusion {
                model,
                patch,
                stride,
                tag,
            } => match self.occlusion(scope, id, &model, patch, stride, tag).await {
                Ok(answer) => answer,
                Err(e) => {
                    WorkerResponse::Failed(Msg::new("errors-occlusion-failed").arg("reason", e))
                }
            },
            WorkerRequest::Saliency { model, tag } => match self.saliency(&model, tag) {
                Ok(answer) => answer,
                Err(e) => {
                    WorkerResponse::Failed(Msg::new("errors-saliency-failed").arg("reason", e))
                }
            },
            WorkerRequest::Classify {
                model,
                width,
                height,
                channels,
                pixels,
                tag,
            } => {
                let image = Image8::new(width, height, channels, pixels);
                self.classify(model, image, tag).await
            }
            WorkerRequest::Layers { model, nodes, tag } => {
                for answer in self.layers(model, nodes, tag).await {
                    scope.respond(id, answer);
                }
                self.report(scope);
                return;
            }
            WorkerRequest::Run { model, input, tag } => self.run(model, input, tag).await,
            WorkerRequest::ClassifyLastCrop { model, tag } => {
                self.classify_last_crop(model, tag).await
            }
            WorkerRequest::InputGradient {
                model,
                node,
                channel,
                y,
                x,
                tag,
            } => self.input_gradient(model, node, channel, y, x, tag),
            WorkerRequest::LayerNorms { model, nodes, tag } => self.norms(model, nodes, tag).await,
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
                    Err(e) => WorkerResponse::Failed(
                        Msg::new("errors-gradient-flow-failed").arg("detail", e.to_string()),
                    ),
                }
            }
        };
        scope.respond(id, answer);
        self.report(scope);
    }
}

/// Resolves on the event loop's next task (a zero-delay timeout), so that messages that arrived
/// meanwhile are taken.
async fn next_task() {
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
                source: label,
                from_cache,
                cached_as: cache.then(|| url.clone()),
                url,
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
    let cancel = Rc::new(Cell::new(false));
    let scope = Scope(Rc::new(Shared {
        global: global.clone(),
        downloads: RefCell::new(HashMap::new()),
        state: RefCell::new(Some(State {
            held: HashMap::new(),
            clock: 0,
            choice: BackendChoice::Auto,
            gpu: Gpu::Unknown,
            status_to: None,
            last_kind: None,
            sent: None,
            cancel: cancel.clone(),
            last_crop: None,
            gone: HashMap::new(),
        })),
        queue: RefCell::new(VecDeque::new()),
        busy: Cell::new(false),
        cancel,
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

/// The path trunk gives the worker's script (see `index.html`).
pub const WORKER_SCRIPT: &str = "./worker.js";
