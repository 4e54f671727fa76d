//! Everything that only exists in the browser: the Yew page, its components, the Web Worker and
//! the detection of the compute backend.

pub mod address;
pub mod backend;
pub mod bench;
pub mod fetch;
pub mod host;
pub mod library;
pub mod photo_decode;
pub mod ui;
pub mod wire;
pub mod worker;
