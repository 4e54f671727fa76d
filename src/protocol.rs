//! Messages between the page and its Web Worker. The page never runs a model itself: it sends a
//! request and renders the answer, so the UI thread stays free.

use serde::{Deserialize, Serialize};

/// What the page asks the worker to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerRequest {
    /// Prove the engine works: run a small candle computation and report it.
    SelfCheck,
}

/// What the worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerResponse {
    /// The engine ran its self-check.
    Ready(crate::engine_check::EngineCheck),
    /// Something went wrong; the text is shown to the reader.
    Failed(String),
}
