//! The page's Yew components, one per file, in tiers: [`app`] (the frame: header, picker, status
//! line, and which page shows), [`pages`], [`labs`], [`panels`], [`widgets`]. A component imports
//! only from tiers below its own (checked by `tests/ui_modules.rs`), and the shared types
//! ([`shared`]), formatting and drawing helpers ([`format`], [`overlay`]) and hooks ([`hooks`],
//! the one owner of the worker bridge).

pub mod app;
pub mod format;
pub mod hooks;
pub mod labs;
pub mod overlay;
pub mod pages;
pub mod panels;
pub mod shared;
pub mod widgets;

pub use app::App;
