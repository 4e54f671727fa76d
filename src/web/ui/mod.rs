//! The page's Yew components, one per file.

pub mod app;
pub mod backend_status;
pub mod header;
pub mod layer_table;
pub mod main_view;
pub mod model_picker;
pub mod network_diagram;
pub mod network_totals;

pub use app::App;
