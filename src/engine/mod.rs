//! The engines that run a network's description: one trait, implemented by the CPU engine
//! (candle, wasm SIMD in the browser) and later by the WebGPU engine, and checked by one
//! conformance suite (`tests/engine_conformance.rs`) run against each.

pub mod autograd;
pub mod cpu;
pub mod pth;
pub mod safetensors;
pub mod splitmix;
pub mod weights;

use crate::zoo::Network;

pub use weights::Weights;

/// Softmax of the logits.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f64> = logits.iter().map(|&v| ((v - max) as f64).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.iter().map(|&e| (e / sum) as f32).collect()
}

/// Errors an engine reports to the reader.
#[derive(Debug)]
pub enum EngineError {
    /// A checkpoint tensor is missing, unexpected or has the wrong shape; the text names it.
    Checkpoint(String),
    /// The input's shape does not match the network's.
    Input(String),
    /// The numeric back end failed.
    Backend(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Checkpoint(m) | EngineError::Input(m) | EngineError::Backend(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for EngineError {}

impl From<candle_core::Error> for EngineError {
    fn from(e: candle_core::Error) -> Self {
        EngineError::Backend(e.to_string())
    }
}

/// Every node's output of one forward pass, flattened row-major, with its shape (batch 1, the
/// batch dimension left out).
#[derive(Clone, Debug, PartialEq)]
pub struct Activations {
    pub shapes: Vec<Vec<usize>>,
    pub values: Vec<Vec<f32>>,
}

/// What every engine offers: run a network on one image (`[C, H, W]`, row-major) and return the
/// output of the chosen nodes (`keep`), or of every node when `keep` is empty.
pub trait Engine {
    /// A name for the status line and the benchmarks.
    fn name(&self) -> &'static str;
    fn forward(
        &self,
        net: &Network,
        weights: &Weights,
        input: &[f32],
        keep: &[usize],
    ) -> Result<Activations, EngineError>;
}
