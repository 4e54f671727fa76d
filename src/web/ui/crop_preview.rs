//! The 224×224 centre crop a photo becomes after torchvision's preprocessing: what the network
//! sees (before normalisation, which only shifts and scales each channel).

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CropPreviewProps {
    /// RGB pixels, `side × side`.
    pub rgb: std::rc::Rc<Vec<u8>>,
    pub side: usize,
}

#[function_component(CropPreview)]
pub fn crop_preview(props: &CropPreviewProps) -> Html {
    let canvas_ref = use_node_ref();
    {
        let canvas_ref = canvas_ref.clone();
        use_effect_with((props.rgb.clone(), props.side), move |(rgb, side)| {
            let Some(ctx) = canvas_ref
                .cast::<HtmlCanvasElement>()
                .and_then(|c| c.get_context("2d").ok().flatten())
                .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
            else {
                return;
            };
            let mut rgba = Vec::with_capacity(side * side * 4);
            for px in rgb.chunks_exact(3) {
                rgba.extend_from_slice(&[px[0], px[1], px[2], 255]);
            }
            if let Ok(img) = ImageData::new_with_u8_clamped_array_and_sh(
                Clamped(&rgba),
                *side as u32,
                *side as u32,
            ) {
                let _ = ctx.put_image_data(&img, 0.0, 0.0);
            }
        });
    }
    html! {
        <figure class="crop-preview">
            <canvas ref={canvas_ref} data-testid="network-input-preview"
                width={props.side.to_string()} height={props.side.to_string()} />
            <figcaption>{ format!("what the network sees: {0}×{0} centre crop", props.side) }</figcaption>
        </figure>
    }
}
