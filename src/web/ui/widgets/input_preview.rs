//! "What the network sees": the preprocessed input image, enlarged pixel for pixel, with the
//! receptive field of the hovered unit outlined on it, and the field of a pinned unit drawn as
//! `rf-box`.

use std::rc::Rc;

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};
use yew::prelude::*;

use crate::concepts::receptive::UnitField;
use crate::web::ui::overlay::field_overlay;
use crate::web::ui::shared::use_lang;

#[derive(Properties, PartialEq)]
pub struct InputPreviewProps {
    /// Grey values in [0, 1], `side`×`side`, or None before anything is drawn.
    pub pixels: Option<Rc<Vec<f32>>>,
    pub side: usize,
    /// The hovered unit's receptive field to outline, in input pixels (it may reach into the
    /// padding beyond the image).
    pub field: Option<UnitField>,
    /// The pinned unit's field.
    #[prop_or_default]
    pub pinned: Option<UnitField>,
}

/// Displayed size of the preview in CSS pixels.
const SHOWN: f64 = 192.0;

#[function_component(InputPreview)]
pub fn input_preview(props: &InputPreviewProps) -> Html {
    let lang = use_lang();
    let canvas_ref = use_node_ref();
    {
        let canvas_ref = canvas_ref.clone();
        let side = props.side;
        use_effect_with(props.pixels.clone(), move |pixels| {
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
            let mut rgba = vec![255u8; side * side * 4];
            if let Some(p) = pixels {
                for (i, v) in p.iter().enumerate().take(side * side) {
                    let g = (255.0 * (1.0 - v.clamp(0.0, 1.0))).round() as u8;
                    rgba[i * 4..i * 4 + 3].copy_from_slice(&[g, g, g]);
                }
            }
            if let Ok(img) = ImageData::new_with_u8_clamped_array_and_sh(
                Clamped(&rgba),
                side as u32,
                side as u32,
            ) {
                let _ = ctx.put_image_data(&img, 0.0, 0.0);
            }
        });
    }
    let px = SHOWN / props.side as f64;
    let outline = props.field.as_ref().map(|f| {
        let ([top, bottom], [left, right]) = ([f.y0, f.y1()], [f.x0, f.x1()]);
        let clip = |v: i64| v.clamp(0, props.side as i64 - 1) as f64;
        let (x, y) = (clip(left) * px, clip(top) * px);
        let (w, h) = (
            (clip(right) - clip(left) + 1.0) * px,
            (clip(bottom) - clip(top) + 1.0) * px,
        );
        html! {
            <rect class="rf-outline" data-testid="receptive-field"
                data-rows={format!("{top}..{bottom}")} data-cols={format!("{left}..{right}")}
                x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} />
        }
    });
    html! {
        <figure class="input-preview">
            <div class="preview-stack" style={format!("width:{SHOWN}px;height:{SHOWN}px")}>
                <canvas ref={canvas_ref} data-testid="network-input-preview"
                    width={props.side.to_string()} height={props.side.to_string()}
                    style={format!("width:{SHOWN}px;height:{SHOWN}px")} />
                <svg class="preview-overlay" width={SHOWN.to_string()} height={SHOWN.to_string()}>
                    { for props.pinned.as_ref().map(|f| field_overlay(f, props.side, px, 0.0, "pad")) }
                    { for outline }
                </svg>
            </div>
            <figcaption>{ lang.tf("photo-input-preview", &[("side", props.side.to_string().into())]) }</figcaption>
        </figure>
    }
}
