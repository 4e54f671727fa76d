//! The 224×224 centre crop a photo becomes after torchvision's preprocessing: what the network
//! sees (before normalisation, which only shifts and scales each channel). A picked unit's
//! theoretical receptive field is drawn on it as `rf-box`; the part of the field that lies in the
//! zero padding around the image is drawn hatched in the margin.

use yew::prelude::*;

use crate::concepts::receptive::UnitField;
use crate::web::ui::overlay::{field_overlay, field_text_in};
use crate::web::ui::shared::{put_rgba, use_lang};

#[derive(Properties, PartialEq)]
pub struct CropPreviewProps {
    /// RGB pixels, `side × side`.
    pub rgb: std::rc::Rc<Vec<u8>>,
    pub side: usize,
    /// The picked unit's field, in crop pixels.
    #[prop_or_default]
    pub field: Option<UnitField>,
    /// What the field belongs to ("features.3.cat, map 5, unit (10, 12)").
    #[prop_or_default]
    pub field_label: Option<String>,
    /// The caption when no field is drawn (by default: how to pick a unit).
    #[prop_or_default]
    pub caption: Option<AttrValue>,
    /// The canvas's `data-testid` (the photo lab's crop is `network-input-preview`).
    #[prop_or(AttrValue::Static("network-input-preview"))]
    pub testid: AttrValue,
}

/// Margin around the crop, in CSS pixels, where the padding part of a field is drawn.
const MARGIN: f64 = 28.0;

#[function_component(CropPreview)]
pub fn crop_preview(props: &CropPreviewProps) -> Html {
    let lang = use_lang();
    let canvas_ref = use_node_ref();
    {
        let canvas_ref = canvas_ref.clone();
        use_effect_with((props.rgb.clone(), props.side), move |(rgb, side)| {
            let mut rgba = Vec::with_capacity(side * side * 4);
            for px in rgb.chunks_exact(3) {
                rgba.extend_from_slice(&[px[0], px[1], px[2], 255]);
            }
            put_rgba(&canvas_ref, &rgba, *side, *side);
        });
    }
    let side = props.side;
    let full = side as f64 + 2.0 * MARGIN;
    let caption = match (&props.field, &props.field_label) {
        (Some(f), Some(label)) => lang.tf(
            "photo-field-of",
            &[
                ("unit", label.into()),
                ("field", field_text_in(lang, f, side).into()),
            ],
        ),
        (Some(f), None) => field_text_in(lang, f, side),
        _ => props.caption.as_ref().map_or_else(
            || lang.tf("photo-crop-caption", &[("side", side.to_string().into())]),
            |c| c.to_string(),
        ),
    };
    html! {
        <figure class="crop-preview">
            <div class="crop-stack" style={format!("width:{full}px;height:{full}px")}>
                <canvas ref={canvas_ref} data-testid={props.testid.clone()}
                    width={side.to_string()} height={side.to_string()}
                    style={format!("left:{MARGIN}px;top:{MARGIN}px")} />
                <svg class="crop-overlay" width={full.to_string()} height={full.to_string()}>
                    <rect class="crop-edge" x={MARGIN.to_string()} y={MARGIN.to_string()} width={side.to_string()} height={side.to_string()} />
                    { for props.field.as_ref().map(|f| field_overlay(f, side, 1.0, MARGIN, "crop")) }
                </svg>
            </div>
            <figcaption data-testid={props.field.is_some().then_some("rf-text")}>{ caption }</figcaption>
        </figure>
    }
}
