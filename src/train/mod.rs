//! Trains LeNet-5 (either variant of the zoo, or a variant of an experiment) on MNIST with candle
//! on the CPU: seeded and reproducible. [`session`] takes a run a batch at a time, with the
//! optimisers of [`optim`] and convolutions as products ([`custom_ops`]); [`runner`] drives the
//! page's training lab ([`lab`]: its settings and experiments) in the worker; [`cli`] is the
//! command line's whole run with its report; [`eval`] measures a checkpoint.

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
mod custom_ops;
pub mod eval;
pub mod lab;
pub mod optim;
pub mod runner;
pub mod session;

#[cfg(not(target_arch = "wasm32"))]
pub use cli::{train, HeldOut, TrainConfig, TrainReport};
pub use eval::{evaluate, evaluate_drawn, DrawnScore, HandScore};
