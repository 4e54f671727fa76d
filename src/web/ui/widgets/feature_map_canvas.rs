//! One feature map (or one layer's vector of units), drawn cell by cell with a colour scale;
//! reports the unit under the pointer, and — where the parent asks — the unit clicked or chosen
//! with the arrow keys (Enter picks the marked unit), outlining the picked one.

use std::rc::Rc;

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData, KeyboardEvent, MouseEvent};
use yew::prelude::*;

use crate::colormap::Scale;
use crate::web::ui::shared::use_lang;

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
    /// A unit picked by a click, or by the arrow keys when the map has focus.
    #[prop_or_default]
    pub on_pick: Option<Callback<usize>>,
    /// The picked unit, outlined.
    #[prop_or_default]
    pub marked: Option<usize>,
    /// Whether the map takes focus for the arrow keys (false inside a button, which has its own).
    #[prop_or(true)]
    pub keyboard: bool,
}

/// The unit at a pointer position (offset in CSS pixels).
fn unit_at(e: &MouseEvent, cell: f64, rows: usize, cols: usize) -> usize {
    let x = (e.offset_x() as f64 / cell)
        .floor()
        .clamp(0.0, cols as f64 - 1.0) as usize;
    let y = (e.offset_y() as f64 / cell)
        .floor()
        .clamp(0.0, rows as f64 - 1.0) as usize;
    y * cols + x
}

#[function_component(FeatureMapCanvas)]
pub fn feature_map_canvas(props: &FeatureMapCanvasProps) -> Html {
    let lang = use_lang();
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
            let i = unit_at(&e, cell, rows, cols);
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
    let on_click = props.on_pick.clone().map(|pick| {
        let (rows, cols, units, cell) = (props.rows, props.cols, props.units, props.cell);
        Callback::from(move |e: MouseEvent| {
            let i = unit_at(&e, cell, rows, cols);
            if i < units {
                pick.emit(i);
            }
        })
    });
    let on_key = props.on_pick.clone().map(|pick| {
        let (rows, cols, units, marked) = (props.rows, props.cols, props.units, props.marked);
        Callback::from(move |e: KeyboardEvent| {
            let here = marked
                .unwrap_or((rows / 2) * cols + cols / 2)
                .min(units - 1);
            let (y, x) = (here / cols, here % cols);
            let next = match e.key().as_str() {
                "ArrowLeft" => y * cols + x.saturating_sub(1),
                "ArrowRight" => y * cols + (x + 1).min(cols - 1),
                "ArrowUp" => y.saturating_sub(1) * cols + x,
                "ArrowDown" => (y + 1).min(rows - 1) * cols + x,
                "Enter" | " " => here,
                _ => return,
            };
            e.prevent_default();
            if next < units {
                pick.emit(next);
            }
        })
    });
    let pickable = props.on_pick.is_some();
    let focusable = pickable && props.keyboard;
    // Always present (hidden when nothing is picked), so the canvas beside it is never rebuilt.
    let mark = props.marked.filter(|&i| i < props.units);
    let (my, mx) = mark.map_or((0, 0), |i| (i / props.cols, i % props.cols));
    let c = props.cell;
    let mark_style = match mark {
        Some(_) => format!(
            "left:{}px;top:{}px;width:{c}px;height:{c}px",
            mx as f64 * c,
            my as f64 * c
        ),
        None => "display:none".to_string(),
    };
    html! {
        <span class="fm-wrap">
            <canvas ref={canvas_ref} class={classes!("feature-map", pickable.then_some("pickable"))} data-testid="feature-map"
                data-layer={props.layer.clone()} data-channel={props.channel.to_string()}
                width={props.cols.to_string()} height={props.rows.to_string()}
                style={format!("width:{w}px;height:{h}px")}
                tabindex={focusable.then_some("0")}
                role={focusable.then_some("application")}
                aria-roledescription={focusable.then(|| lang.t("photo-map-role"))}
                aria-label={focusable.then(|| lang.tf("photo-map-label", &[
                    ("layer", (&props.layer).into()),
                    ("channel", props.channel.to_string().into()),
                ]))}
                onmousemove={on_move} onmouseleave={on_leave} onclick={on_click} onkeydown={on_key} />
            <span class="fm-mark" data-testid={mark.map(|_| "picked-unit")} data-y={my.to_string()}
                data-x={mx.to_string()} style={mark_style}></span>
        </span>
    }
}
