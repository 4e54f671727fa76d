//! Messages between the page and its Web Worker. The page never runs a model itself: it sends a
//! request and renders the answer, so the UI thread stays free.

use serde::{Deserialize, Serialize};

/// What the page asks the worker to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerRequest {
    /// Prove the engine works: run a small candle computation and report it.
    SelfCheck,
    /// Parse a checkpoint (`.safetensors` bytes) for a network of the zoo and keep it.
    LoadWeights { model: String, bytes: Vec<u8> },
    /// Run a loaded network on one image (`[C, H, W]` row-major); `tag` comes back with the
    /// answer so the page can drop stale ones.
    Run {
        model: String,
        input: Vec<f32>,
        tag: u64,
    },
}

/// Every node's output of one run (batch dimension left out).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub model: String,
    pub tag: u64,
    pub shapes: Vec<Vec<usize>>,
    pub values: Vec<Vec<f32>>,
    /// Wall time of the forward pass in the worker.
    pub millis: f64,
}

/// What the worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerResponse {
    /// The engine ran its self-check.
    Ready(crate::engine_check::EngineCheck),
    /// A checkpoint was loaded and checked against the network's description.
    Loaded {
        model: String,
        tensors: usize,
        params: u64,
    },
    /// A forward pass finished.
    Ran(RunResult),
    /// Something went wrong; the text is shown to the reader.
    Failed(String),
}
