//! What the worker keeps between requests: the held networks ([`crate::held`]), the GPU
//! ([`super::gpu`]), the last photo's crop, the occlusion's cancel flag and the request to lose the
//! GPU device; and the steps every
//! job shares: loading a checkpoint into a held network, a forward pass on whichever engine is in
//! use (falling back to the CPU engine when the GPU fails), and what the page is told of a
//! network.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;

use super::download::Downloaded;
use super::gpu::GpuRoom;
use crate::engine::packed::PackedEngine;
use crate::engine::{now_ms, Activations, Engine};
use crate::held::{Held, Holder, Origin};
use crate::i18n::{Arg, Msg};
use crate::imagenet::Image8;
use crate::pretrained;
use crate::protocol::{EngineKind, Reload, WorkerMemory, WorkerResponse, HELD_NETWORKS_BYTES};

/// The most the worker keeps of one network's node outputs before it forgets the older ones.
const OUTPUT_CACHE_BYTES: u64 = 256 << 20;

/// A forward pass that ran: its activations, the engine that computed them and that engine's
/// time (a failed GPU attempt before a fallback is not counted).
pub struct Ran {
    pub acts: Activations,
    pub engine: EngineKind,
    pub millis: f64,
}

pub struct State {
    pub held: Holder,
    pub gpu: GpuRoom,
    /// Set by `CancelOcclusion` (taken at once, beside the queue), read between rows.
    pub cancel: Rc<Cell<bool>>,
    /// Set by `LoseGpuDevice` (taken at once, beside the queue, as a real loss comes): the
    /// device is destroyed before the next forward pass, even in the middle of a job.
    pub lose: Rc<Cell<bool>>,
    /// The last photo classified, for `ClassifyLastCrop` (each network crops it at its own
    /// size: a file's 3×32×32 network beside the zoo's 224×224).
    pub last_photo: Option<Image8>,
    /// The normalisation the reader set for an imported network's photos (mean, std).
    pub normalisation: std::collections::HashMap<String, ([f32; 3], [f32; 3])>,
}

/// The size of the worker's WebAssembly memory.
fn wasm_bytes() -> u64 {
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
pub fn forward_failed(e: crate::engine::EngineError) -> Msg {
    Msg::new("errors-forward-failed").arg("detail", e.to_string())
}

impl State {
    pub fn new(cancel: Rc<Cell<bool>>, lose: Rc<Cell<bool>>) -> State {
        State {
            held: Holder::new(HELD_NETWORKS_BYTES, OUTPUT_CACHE_BYTES),
            gpu: GpuRoom::default(),
            cancel,
            lose,
            last_photo: None,
            normalisation: Default::default(),
        }
    }

    /// The worker's memory now.
    pub fn memory(&self) -> WorkerMemory {
        WorkerMemory {
            held: self.held.bytes(),
            wasm: wasm_bytes(),
        }
    }

    /// A held network, marked as used; a message naming it when it is not held.
    pub fn network(&mut self, model: &str) -> Result<&mut Held, Msg> {
        self.held
            .touch(model)
            .ok_or_else(|| Msg::new("errors-not-loaded").arg("model", model))
    }

    /// Destroys the GPU device if the page asked for it (the test's way to lose the device).
    pub fn lose_device_if_asked(&mut self) {
        if self.lose.replace(false) {
            self.gpu.lose_device();
        }
    }

    /// Runs a held network on `input`, keeping `keep` (every node when empty): on the GPU when it
    /// is in use, on the CPU engine otherwise or when the GPU fails (which is then left). Returns
    /// the activations, the engine that computed them and how long that engine took.
    pub async fn forward(
        &mut self,
        model: &str,
        input: &[f32],
        keep: &[usize],
    ) -> Result<Ran, Msg> {
        self.lose_device_if_asked();
        let start = now_ms();
        let on_gpu = match self.network(model)?.gpu.as_mut() {
            Some(g) => Some(g.run_async(input, keep).await),
            None => None,
        };
        match on_gpu {
            Some(Ok(acts)) => {
                self.gpu.last = Some(EngineKind::WebGpu);
                return Ok(Ran {
                    acts,
                    engine: EngineKind::WebGpu,
                    millis: now_ms() - start,
                });
            }
            Some(Err(e)) => {
                let reason = Msg::new("app-gpu-fault").arg("detail", e.to_string());
                self.gpu.failed(&mut self.held, reason);
            }
            None => {}
        }
        // Timed from here: a failed GPU attempt is not the CPU engine's time.
        let start = now_ms();
        let acts = self.network(model)?.net.run(input, keep);
        self.gpu.last = Some(EngineKind::Cpu);
        Ok(Ran {
            acts: acts.map_err(forward_failed)?,
            engine: EngineKind::Cpu,
            millis: now_ms() - start,
        })
    }

    /// Reads a checkpoint for `model`, checks it against the description, prepares it and holds
    /// it (unloading the least recently used networks beyond the bound).
    pub fn load(&mut self, model: String, got: Downloaded, origin: Origin) -> WorkerResponse {
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
        let prepared = match PackedEngine.prepare(&net, weights) {
            Ok(p) => p,
            Err(e) => return named(Msg::new("errors-prepare-failed").arg("detail", e.to_string())),
        };
        let evicted = self.held.insert(&model, prepared, origin);
        self.gpu.sync(&mut self.held);
        self.loaded(&model, evicted)
            .unwrap_or(WorkerResponse::NotHeld { model })
    }

    /// What the page is told of a held network: as when it was loaded.
    pub fn loaded(&self, model: &str, evicted: Vec<String>) -> Option<WorkerResponse> {
        let h = self.held.get(model)?;
        let net = h.net.network();
        let analysis = crate::zoo::analyse(net);
        Some(WorkerResponse::Loaded {
            model: model.to_string(),
            tensors: crate::zoo::params::param_specs(net, &analysis).len(),
            params: analysis.total_params,
            source: h.origin.label.clone(),
            from_cache: h.origin.from_cache,
            memory: self.memory(),
            engine: if h.gpu.is_some() {
                EngineKind::WebGpu
            } else {
                EngineKind::Cpu
            },
            evicted,
            url: h.origin.url.clone(),
            not_kept: None,
        })
    }

    /// The answer to `IsHeld`.
    pub fn is_held(&self, model: String) -> WorkerResponse {
        if let Some(answer) = self.loaded(&model, Vec::new()) {
            return answer;
        }
        match self.held.gone(&model) {
            Some(o) => WorkerResponse::Unloaded {
                why: Msg::new("errors-unloaded-evicted").arg("limit", HELD_NETWORKS_BYTES >> 20),
                again: o.cached.then(|| Reload {
                    url: o.url.clone(),
                    label: o.label.clone(),
                    cache: true,
                }),
                model,
            },
            None => WorkerResponse::NotHeld { model },
        }
    }
}
