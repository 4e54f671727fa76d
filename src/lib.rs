//! ConvNet Atlas: the classic convolutional networks, described once as data, analysed exactly and
//! run for real in the browser (the packed CPU engine on wasm SIMD128, the WebGPU engine where the
//! browser has it; candle for autograd and training).
//!
//! Native code (the `atlas` command line and the tests) uses everything outside `web`;
//! the page and its Web Worker (`web`) exist only on `wasm32`.

pub mod catalog;
pub mod colormap;
pub mod concepts;
pub mod digits;
pub mod engine;
pub mod engine_check;
pub mod held;
pub mod hub;
pub mod i18n;
pub mod imagenet;
pub mod inputs;
pub mod journal;
pub mod pretrained;
pub mod protocol;
pub mod rng;
pub mod sources;
pub mod view_state;
pub mod zoo;

pub mod mnist;
pub mod onnx;
pub mod train;
#[cfg(not(target_arch = "wasm32"))]
pub mod weights_store;

#[cfg(target_arch = "wasm32")]
pub mod web;
