//! The engines that run a network's description: one trait (prepare once, run many), implemented
//! by the packed CPU engine (`packed`, wasm SIMD128 in the browser), by the WebGPU engine (`gpu`,
//! natively on Vulkan and in the page on the browser's WebGPU, where the adapter allows), and by
//! candle (`cpu`, the reference, with its autograd for gradients), and checked by one conformance
//! suite (`tests/conformance`) run unchanged against each. What the prepared engines fold and
//! fuse is decided once, by `plan`.

pub mod autograd;
pub mod checkpoint;
pub mod cpu;
pub mod fold;
pub mod gpu;
pub mod packed;
pub mod plan;
pub mod splitmix;
pub mod weights;

pub use checkpoint::{pth, safetensors};

use crate::zoo::{Network, NodeId};

pub use weights::Weights;

/// Softmax of the logits.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f64> = logits.iter().map(|&v| ((v - max) as f64).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.iter().map(|&e| (e / sum) as f32).collect()
}

/// The largest absolute difference between `got` and `want` (paired up to the shorter: callers
/// compare the lengths first) and its index. A value that is not finite on either side counts as
/// an infinite difference: `f32::max` drops a NaN, so a fold of plain differences would let an
/// engine whose outputs are all NaN agree with anything.
pub fn largest_difference(got: &[f32], want: &[f32]) -> (f32, usize) {
    let mut worst = (0f32, 0);
    for (i, (a, b)) in got.iter().zip(want).enumerate() {
        let d = if a.is_finite() && b.is_finite() {
            (a - b).abs()
        } else {
            f32::INFINITY
        };
        if d > worst.0 {
            worst = (d, i);
        }
        if d == f32::INFINITY {
            break;
        }
    }
    worst
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

/// Checks that `input` fits the network's input node, and returns the nodes a run keeps: `keep`,
/// or every node when `keep` is empty.
pub fn wanted_nodes(
    net: &Network,
    an: &crate::zoo::Analysis,
    input: &[f32],
    keep: &[NodeId],
) -> Result<Vec<NodeId>, EngineError> {
    let want = an.layers[0].activations as usize;
    if input.len() != want {
        let s = &an.layers[0].shape;
        return Err(EngineError::Input(format!(
            "{} takes a {}×{}×{} input ({want} values), got {} values",
            net.label,
            s[0],
            s[1],
            s[2],
            input.len()
        )));
    }
    Ok(if keep.is_empty() {
        (0..net.nodes.len()).collect()
    } else {
        keep.to_vec()
    })
}

/// Every node's output of one forward pass, flattened row-major, with its shape (batch 1, the
/// batch dimension left out).
#[derive(Clone, Debug, PartialEq)]
pub struct Activations {
    pub shapes: Vec<Vec<usize>>,
    pub values: Vec<Vec<f32>>,
}

/// What every engine offers: prepare a network once from its description and checkpoint (the
/// engine takes the weights and keeps them in the form its kernels read), then run the prepared
/// network on many inputs. One conformance suite (`tests/engine_conformance.rs`) checks every
/// engine through this interface alone.
pub trait Engine {
    /// A name for the status line and the benchmarks.
    fn name(&self) -> &'static str;
    fn prepare(&self, net: &Network, weights: Weights) -> Result<Box<dyn Prepared>, EngineError>;
}

/// The input image's shape `[C, H, W]` of `net`, checked against the values given: what every
/// engine and the autograd check before they run.
pub fn checked_input(net: &Network, input: &[f32]) -> Result<[usize; 3], EngineError> {
    let shape = net
        .input_shape()
        .ok_or_else(|| EngineError::Backend("the first node must be the input".into()))?;
    let [c, h, w] = shape;
    if input.len() != c * h * w {
        return Err(EngineError::Input(format!(
            "{} takes a {c}×{h}×{w} input ({} values), got {} values",
            net.label,
            c * h * w,
            input.len()
        )));
    }
    Ok(shape)
}

/// A network prepared by an engine.
pub trait Prepared {
    fn network(&self) -> &Network;
    /// The engine's name.
    fn engine(&self) -> &'static str;
    /// Runs one image (`[C, H, W]`, row-major) and returns the outputs of the chosen nodes
    /// (`keep`), or of every node when `keep` is empty.
    fn run(&mut self, input: &[f32], keep: &[NodeId]) -> Result<Activations, EngineError>;
    /// [`Prepared::run`] for callers that can wait without blocking: the WebGPU engine reads its
    /// results back asynchronously (in the browser it cannot block); the CPU engines are done
    /// when this is first polled.
    fn run_async<'a>(
        &'a mut self,
        input: &'a [f32],
        keep: &'a [NodeId],
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Activations, EngineError>> + 'a>>
    {
        Box::pin(std::future::ready(self.run(input, keep)))
    }
    /// Bytes the prepared network holds (weights and buffers).
    fn memory_bytes(&self) -> u64;
    /// The weights the prepared network computes with, under the checkpoint's keys: the same
    /// function the network computes (a norm folded at preparation given back as the affine map
    /// it computes, its convolution with its own weights; `fold::given_back`). How a network
    /// prepared on one engine is prepared again on another, and (`Weights` being a
    /// `cpu::ParamSource`) what candle's autograd differentiates.
    fn weights(&self) -> Result<Weights, EngineError>;
    /// [`Prepared::weights`] for callers that can wait without blocking: the WebGPU engine reads
    /// its weights back from the GPU (in the browser only this way); the CPU engines are done when
    /// this is first polled.
    fn weights_async(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Weights, EngineError>> + '_>>
    {
        Box::pin(std::future::ready(self.weights()))
    }
    /// Milliseconds each step of a fast run (only the output kept) takes, named by the nodes it
    /// computes; empty where an engine does not tell.
    fn profile(&mut self, _input: &[f32]) -> Vec<(String, f64)> {
        Vec::new()
    }
}

/// Milliseconds from an arbitrary origin: `performance.now()` in the browser, a monotonic clock
/// natively. For profiles and benchmarks only.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|p| {
                let f = js_sys::Reflect::get(&p, &"now".into()).ok()?;
                f.dyn_into::<js_sys::Function>().ok()?.call0(&p).ok()
            })
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        static START: OnceLock<std::time::Instant> = OnceLock::new();
        START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_secs_f64()
            * 1e3
    }
}

#[cfg(test)]
mod tests {
    use super::largest_difference;

    #[test]
    fn a_value_that_is_not_finite_is_an_infinite_difference() {
        assert_eq!(
            largest_difference(&[1.0, 2.5, 3.0], &[1.0, 2.0, 3.25]),
            (0.5, 1)
        );
        assert_eq!(
            largest_difference(&[1.0, f32::NAN], &[1.0, 2.0]),
            (f32::INFINITY, 1)
        );
        assert_eq!(
            largest_difference(&[0.0; 3], &[0.0, 0.0, f32::NAN]).0,
            f32::INFINITY
        );
        assert_eq!(
            largest_difference(&[f32::INFINITY], &[f32::INFINITY]).0,
            f32::INFINITY
        );
        assert_eq!(largest_difference(&[], &[]), (0.0, 0));
    }
}
