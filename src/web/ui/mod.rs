//! The page's Yew components, one per file.

pub mod app;
pub mod backend_status;
pub mod connection_table;
pub mod crop_preview;
pub mod digit_canvas;
pub mod feature_map_canvas;
pub mod feature_maps;
pub mod header;
pub mod input_preview;
pub mod layer_explorer;
pub mod layer_table;
pub mod lenet_lab;
pub mod main_view;
pub mod model_picker;
pub mod network_diagram;
pub mod network_totals;
pub mod photo_input;
pub mod photo_lab;
pub mod probability_bars;
pub mod shared;
pub mod top5_list;
pub mod weights_panel;

pub use app::App;
