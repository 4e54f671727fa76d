//! The panels: a section of a page about one thing (a table, a diagram, an idea, the weights).
//! A panel imports widgets only; where a panel holds another, the page passes it as children.

pub mod attention_panel;
pub mod backend_status;
pub mod connection_table;
pub mod explainer_card;
pub mod feature_maps;
pub mod gradient_chart;
pub mod header;
pub mod inception_panel;
pub mod kernel_panel;
pub mod layer_explorer;
pub mod layer_table;
pub mod model_picker;
pub mod network_diagram;
pub mod network_totals;
pub mod onnx_open;
pub mod photo_input;
pub mod residual_panel;
pub mod rf_chart;
pub mod train_curves;
pub mod train_settings;
pub mod vgg_first_block;
pub mod weights_manager;
pub mod weights_panel;
