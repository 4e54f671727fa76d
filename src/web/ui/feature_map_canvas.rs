//! One feature map (or one layer's vector of units), drawn cell by cell with a colour scale;
//! reports the unit under the pointer.

use std::rc::Rc;

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData, MouseEvent};
use yew::prelude::*;

use crate::colormap::Scale;

#[derive(Properties, PartialEq)]
pub struct FeatureMapCanvasProps {
    /// The whole layer's values; this map is `rows × cols` values from `offset`.
    pub values: Rc<Vec<f32>>,
    pub offset: usize,
    pub rows: usize,
    pub cols: usize,
    /// Units actually present (a vector's last row may be short).
    pub units: usize,
    pub scale: Scale,
    /// Displayed size of one unit in CSS pixels.
    pub cell: f64,
    pub layer: String,
    pub channel: usize,
    /// The unit under the pointer: its index in this map, or None when the pointer leaves.
    pub on_hover: Callback<Option<usize>>,
}

#[function_component(FeatureMapCanvas)]
pub fn feature_map_canvas(props: &FeatureMapCanvasProps) -> Html {
    let canvas_ref = use_node_ref();
    {
        let canvas_ref = canvas_ref.clone();
        let deps = (
            props.values.clone(),
            props.offset,
            props.rows,
            props.cols,
            props.units,
            props.scale,
        );
        use_effect_with(deps, move |(values, offset, rows, cols, units, scale)| {
            let Some(c) = canvas_ref.cast::<HtmlCanvasElement>() else {
                return;
            };
            let Some(ctx) = c
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
            else {
                return;
            };
            let mut rgba = vec![0u8; rows * cols * 4];
            for i in 0..rows * cols {
                if i < *units {
                    let [r, g, b] = scale.rgb(values[offset + i]);
                    rgba[i * 4..i * 4 + 4].copy_from_slice(&[r, g, b, 255]);
                }
            }
            if let Ok(img) = ImageData::new_with_u8_clamped_array_and_sh(
                Clamped(&rgba),
                *cols as u32,
                *rows as u32,
            ) {
                let _ = ctx.put_image_data(&img, 0.0, 0.0);
            }
        });
    }
    let on_move = {
        let on_hover = props.on_hover.clone();
        let (rows, cols, units, cell) = (props.rows, props.cols, props.units, props.cell);
        Callback::from(move |e: MouseEvent| {
            let x = (e.offset_x() as f64 / cell)
                .floor()
                .clamp(0.0, cols as f64 - 1.0) as usize;
            let y = (e.offset_y() as f64 / cell)
                .floor()
                .clamp(0.0, rows as f64 - 1.0) as usize;
            let i = y * cols + x;
            on_hover.emit((i < units).then_some(i));
        })
    };
    let on_leave = {
        let on_hover = props.on_hover.clone();
        Callback::from(move |_| on_hover.emit(None))
    };
    let (w, h) = (
        props.cols as f64 * props.cell,
        props.rows as f64 * props.cell,
    );
    html! {
        <canvas ref={canvas_ref} class="feature-map" data-testid="feature-map"
            data-layer={props.layer.clone()} data-channel={props.channel.to_string()}
            width={props.cols.to_string()} height={props.rows.to_string()}
            style={format!("width:{w}px;height:{h}px")}
            onmousemove={on_move} onmouseleave={on_leave} />
    }
}
