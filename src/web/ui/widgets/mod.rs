//! The widgets: the drawing pieces every tier above uses (a map, a canvas, a bar chart). A
//! widget imports no component.

pub mod attention_map;
pub mod confusion_matrix;
pub mod crop_preview;
pub mod diagram_minimap;
pub mod diagram_scene;
pub mod digit_canvas;
pub mod digit_grid;
pub mod erf_heatmap;
pub mod feature_map_canvas;
pub mod field_composition;
pub mod filter_grid;
pub mod googlenet_strip;
pub mod inception_cost;
pub mod inception_diagram;
pub mod input_preview;
pub mod line_chart;
pub mod network_link;
pub mod probability_bars;
pub mod residual_diagram;
pub mod top5_list;
pub mod training_status;
pub mod unpublished_note;
