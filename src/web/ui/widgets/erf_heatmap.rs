//! The effective receptive field of a picked unit (Luo et al., NIPS 2016): |∂unit/∂pixel| from a
//! real backward pass in the worker, drawn as heat over a faded copy of the image the network saw,
//! with the theoretical field outlined. The caption says how much of the gradient lies inside the
//! theoretical field and how small a square holds half of it.

use std::rc::Rc;

use yew::prelude::*;

use crate::concepts::receptive::{erf_stats, UnitField};
use crate::web::ui::shared::{put_rgba, use_lang};

/// The image under the heat: RGB bytes, or grey values in [0, 1] (ink, dark on light).
#[derive(Clone, Debug, PartialEq)]
pub enum Background {
    Rgb(Rc<Vec<u8>>),
    Ink(Rc<Vec<f32>>),
}

#[derive(Properties, PartialEq)]
pub struct ErfHeatmapProps {
    /// |∂unit/∂pixel|, `height × width`.
    pub heat: Rc<Vec<f32>>,
    pub height: usize,
    pub width: usize,
    pub field: Option<UnitField>,
    pub background: Option<Background>,
    /// Displayed side in CSS pixels.
    #[prop_or(224.0)]
    pub shown: f64,
    /// Milliseconds the backward pass took in the worker.
    #[prop_or_default]
    pub millis: Option<f64>,
}

#[function_component(ErfHeatmap)]
pub fn erf_heatmap(props: &ErfHeatmapProps) -> Html {
    let lang = use_lang();
    let canvas_ref = use_node_ref();
    {
        let canvas_ref = canvas_ref.clone();
        let deps = (
            props.heat.clone(),
            props.height,
            props.width,
            props.background.clone(),
        );
        use_effect_with(deps, move |(heat, h, w, bg)| {
            let grey: Vec<f32> = match bg {
                Some(Background::Rgb(rgb)) => crate::colormap::grey_of_rgb(rgb),
                // Ink, dark on light.
                Some(Background::Ink(ink)) => ink.iter().map(|v| 1.0 - v.clamp(0.0, 1.0)).collect(),
                None => vec![1.0; h * w],
            };
            put_rgba(
                &canvas_ref,
                &crate::colormap::heat_over(heat, &grey),
                *w,
                *h,
            );
        });
    }
    let scale = props.shown / props.width as f64;
    let stats = props
        .field
        .as_ref()
        .map(|f| erf_stats(&props.heat, props.height, props.width, f));
    let outline = props.field.as_ref().map(|f| {
        let (r, c) = f.on_image(props.height, props.width);
        html! {
            <rect class="erf-field" x={(c[0] as f64 * scale).to_string()} y={(r[0] as f64 * scale).to_string()}
                width={((c[1] - c[0] + 1) as f64 * scale).to_string()} height={((r[1] - r[0] + 1) as f64 * scale).to_string()} />
        }
    });
    let total: f64 = props.heat.iter().map(|&v| v as f64).sum();
    let millis = props
        .millis
        .map(|m| lang.tf("concepts-erf-millis", &[("ms", format!("{m:.0}").into())]))
        .unwrap_or_default();
    let caption = match (stats, &props.field) {
        _ if total == 0.0 => lang.t("concepts-erf-zero"),
        (Some(s), Some(f)) => lang.tf(
            "concepts-erf-caption",
            &[
                ("inside", format!("{:.1}", 100.0 * s.inside).into()),
                ("rh", f.rf[0].into()),
                ("rw", f.rf[1].into()),
                ("half", s.half_side.into()),
                ("millis", millis.into()),
            ],
        ),
        _ => lang.tf("concepts-erf-caption-flat", &[("millis", millis.into())]),
    };
    html! {
        <figure class="erf" data-testid="erf-heatmap"
            data-inside={stats.map(|s| format!("{:.6}", s.inside)).unwrap_or_default()}
            data-half-side={stats.map(|s| s.half_side.to_string()).unwrap_or_default()}>
            <div class="erf-stack" style={format!("width:{0}px;height:{0}px", props.shown)}>
                <canvas ref={canvas_ref} width={props.width.to_string()} height={props.height.to_string()}
                    style={format!("width:{0}px;height:{0}px", props.shown)} />
                <svg class="erf-overlay" width={props.shown.to_string()} height={props.shown.to_string()}>{ for outline }</svg>
            </div>
            <figcaption>{ caption }</figcaption>
            <div class="legend erf-legend">
                <span class="lo">{ "0" }</span>
                <span class="ramp" style="background:linear-gradient(to right,rgb(240,240,240),rgb(255,235,60),rgb(255,35,0))"></span>
                <span class="hi">{ lang.t("concepts-erf-legend-max") }</span>
            </div>
        </figure>
    }
}
