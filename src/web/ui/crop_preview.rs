//! The 224×224 centre crop a photo becomes after torchvision's preprocessing: what the network
//! sees (before normalisation, which only shifts and scales each channel). A picked unit's
//! theoretical receptive field is drawn on it as `rf-box`; the part of the field that lies in the
//! zero padding around the image is drawn hatched in the margin.

use yew::prelude::*;

use super::shared::{put_rgba, use_lang};
use crate::concepts::receptive::UnitField;
use crate::i18n::{Arg, Lang};

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

/// A unit's field over an image of `side` input pixels shown at `scale` CSS pixels each, inside
/// a margin of `margin` CSS pixels: the field (`rf-box`, clipped to the margin) and its part in
/// the padding, hatched. `id` keeps the SVG ids of several overlays apart.
pub fn field_overlay(field: &UnitField, side: usize, scale: f64, margin: f64, id: &str) -> Html {
    let s = side as f64 * scale;
    let (lo, hi) = (-margin, s + margin);
    let clip = |v: f64| (v * scale).clamp(lo, hi);
    let (x0, y0) = (clip(field.x0 as f64), clip(field.y0 as f64));
    let (x1, y1) = (clip(field.x1() as f64 + 1.0), clip(field.y1() as f64 + 1.0));
    let (w, h) = (x1 - x0, y1 - y0);
    let at = |v: f64| v + margin;
    let cx = ((field.x0 + field.x1()) as f64 / 2.0 + 0.5) * scale;
    let cy = ((field.y0 + field.y1()) as f64 / 2.0 + 0.5) * scale;
    let hatch = format!("{id}-hatch");
    let outside = format!("{id}-outside");
    html! {
        <>
            <defs>
                <pattern id={hatch.clone()} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect width="6" height="6" fill="rgba(215,38,30,.10)" />
                    <line x1="0" y1="0" x2="0" y2="6" stroke="rgba(215,38,30,.55)" stroke-width="2" />
                </pattern>
                <mask id={outside.clone()}>
                    <rect x="0" y="0" width={(s + 2.0 * margin).to_string()} height={(s + 2.0 * margin).to_string()} fill="white" />
                    <rect x={margin.to_string()} y={margin.to_string()} width={s.to_string()} height={s.to_string()} fill="black" />
                </mask>
            </defs>
            <rect class="rf-padding" x={at(x0).to_string()} y={at(y0).to_string()} width={w.to_string()} height={h.to_string()}
                fill={format!("url(#{hatch})")} mask={format!("url(#{outside})")} />
            <rect class="rf-box" data-testid="rf-box" data-rf={field.rf[0].to_string()}
                data-rf-w={field.rf[1].to_string()} data-jump={field.jump[0].to_string()}
                data-x0={field.x0.to_string()} data-y0={field.y0.to_string()}
                x={at(x0).to_string()} y={at(y0).to_string()} width={w.to_string()} height={h.to_string()} />
            <circle class="rf-centre" cx={at(cx.clamp(lo, hi)).to_string()} cy={at(cy.clamp(lo, hi)).to_string()} r="2.5" />
        </>
    }
}

/// A sentence on where the field lies, in `lang`.
pub fn field_text_in(lang: Lang, field: &UnitField, side: usize) -> String {
    let mut args: Vec<(&str, Arg)> = vec![
        ("height", field.rf[0].to_string().into()),
        ("width", field.rf[1].to_string().into()),
        ("y0", field.y0.to_string().into()),
        ("y1", field.y1().to_string().into()),
        ("x0", field.x0.to_string().into()),
        ("x1", field.x1().to_string().into()),
        ("jump", field.jump[0].to_string().into()),
    ];
    if field.reaches_padding(side, side) {
        let (r, c) = field.on_image(side, side);
        let on = ((r[1] - r[0] + 1).max(0) * (c[1] - c[0] + 1).max(0)) as f64;
        let all = (field.rf[0] * field.rf[1]) as f64;
        args.push(("padding", format!("{:.0}", 100.0 * (1.0 - on / all)).into()));
        lang.tf("photo-field-padding", &args)
    } else {
        lang.tf("photo-field", &args)
    }
}

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
