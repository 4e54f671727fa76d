//! Drawing helpers the components share (functions returning markup, not components): a unit's
//! receptive field drawn over an image with its part in the padding hatched, the sentence saying
//! where that field lies, and the colour scale's legend under a feature map.

use yew::prelude::*;

use crate::colormap::Scale;
use crate::concepts::receptive::UnitField;
use crate::i18n::{Arg, Lang};

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

/// The colour scale of a layer's maps: the ramp between its lowest and highest value.
pub fn legend(scale: &Scale) -> Html {
    let stops: Vec<String> = (0..=8)
        .map(|i| {
            let v = scale.min + (scale.max - scale.min) * i as f32 / 8.0;
            let [r, g, b] = scale.rgb(v);
            format!("rgb({r},{g},{b})")
        })
        .collect();
    html! {
        <div class="legend" data-testid="feature-legend" data-min={scale.min.to_string()} data-max={scale.max.to_string()}>
            <span class="lo">{ format!("{:.2}", scale.min) }</span>
            <span class="ramp" style={format!("background:linear-gradient(to right,{})", stops.join(","))}></span>
            <span class="hi">{ format!("{:.2}", scale.max) }</span>
        </div>
    }
}
