//! The WebGPU engine: a network's description run as WGSL compute shaders through `wgpu`
//! (Vulkan natively — lavapipe on a machine without a GPU —, the browser's WebGPU in the page,
//! whose worker runs networks on it when the reader's choice and the adapter allow:
//! `web::worker`). Prepared once, following the engines' plan (`crate::engine::plan`) for what
//! folds and fuses: batch norms folded into the convolutions before them (`fold`), weights
//! uploaded in the layout the kernels read (fully connected weights split by rows where one
//! binding cannot hold them), a fused ReLU written by the op before it, one output buffer per
//! node (aliases where a node computes nothing: flatten, dropout, a folded norm), and every
//! dispatch's parameters and bind group made ahead. A run writes the input, records every
//! dispatch into command buffers of growing size, submitting each as soon as it is recorded, and
//! reads back only the kept nodes' outputs. Kernels: `shaders/*.wgsl`.
//!
//! In parts: `device` (the adapter, device, queue and pipelines, made once), `kernels` (which
//! kernel each convolution and fully connected layer runs, by shape or by a forced policy),
//! `lower` (a network turned into buffers and dispatches, one function per op kind: the
//! convolutions in `lower/conv.rs`, the others in `lower/ops.rs`; where each output lives in
//! `lower/place.rs`, what a run that keeps only the logits skips in `lower/lean.rs` and the
//! sibling 1 × 1 convolutions it runs as one GEMM in `lower/merge.rs`), `run` (encoding,
//! submission and read-back of the outputs and of the weights), and natively `profile` (per-dispatch timestamps) and `bench`
//! (`atlas bench-gpu`). Results come back
//! asynchronously ([`Prepared::run_async`]); natively [`Prepared::run`] waits for them, in the
//! browser only `run_async` works (a worker cannot block).

#[cfg(not(target_arch = "wasm32"))]
pub mod bench;
mod device;
pub mod kernels;
mod lower;
#[cfg(not(target_arch = "wasm32"))]
pub mod profile;
mod run;

use std::sync::Arc;

pub use self::device::{Gpu, GpuEngine};
pub use self::run::Recorded;
use super::plan::Plan;
use super::{Engine, EngineError, Prepared, Weights};
use crate::zoo::graph::{Network, NodeId};
use crate::zoo::{analyse, Analysis};

fn backend(e: impl std::fmt::Display) -> EngineError {
    EngineError::Backend(format!("WebGPU: {e}"))
}

fn bytes_of(v: &[f32]) -> &[u8] {
    // SAFETY: f32 has no padding and every bit pattern of its bytes is a valid u8.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast(), std::mem::size_of_val(v)) }
}

/// The f32s whose little-endian bytes `bytes` are (as buffers are read back).
fn floats_of(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// A prepared network on the GPU.
pub struct GpuNetwork {
    gpu: Arc<Gpu>,
    net: Network,
    an: Analysis,
    /// What is folded and fused.
    plan: Plan,
    /// Its buffers, dispatches and weights.
    lowered: lower::Lowered,
    /// The last run's read-back buffer, with the nodes it holds.
    staging: Option<(Vec<NodeId>, wgpu::Buffer)>,
    /// What the host spent recording the last run (natively).
    recorded: Recorded,
}

impl Engine for GpuEngine {
    fn name(&self) -> &'static str {
        "WebGPU"
    }

    fn prepare(&self, net: &Network, weights: Weights) -> Result<Box<dyn Prepared>, EngineError> {
        Ok(Box::new(self.prepare_gpu(net, weights)?))
    }
}

impl GpuEngine {
    /// [`Engine::prepare`], keeping the GPU network's own type (its kernels, its profile).
    pub fn prepare_gpu(&self, net: &Network, weights: Weights) -> Result<GpuNetwork, EngineError> {
        weights.check(net, &[])?;
        let an = analyse(net);
        let plan = Plan::new(net, &weights)?;
        let lowered = lower::lower(&self.gpu, &self.policy, net, &an, &plan, weights)?;
        Ok(GpuNetwork {
            gpu: self.gpu.clone(),
            net: net.clone(),
            an,
            plan,
            lowered,
            staging: None,
            recorded: Recorded::default(),
        })
    }
}

impl GpuNetwork {
    /// The kernel chosen for each convolution (by node).
    pub fn conv_kernels(&self) -> &[Option<kernels::ConvChoice>] {
        &self.lowered.conv
    }

    /// What the host spent recording and submitting the last run (`performance.now()` in the
    /// browser).
    pub fn recorded(&self) -> Recorded {
        self.recorded
    }
}
