//! The page's Yew components, one per file.

pub mod app;
pub mod backend_status;
pub mod header;
pub mod main_view;
pub mod model_picker;

pub use app::App;
