//! One map of where a network looks: heat (signed or not, `side × side`) drawn over a faded copy
//! of the crop the network saw, with its legend. Used by the occlusion and saliency maps.

use std::rc::Rc;

use yew::prelude::*;

use crate::web::ui::shared::put_rgba;
#[derive(Properties, PartialEq)]
pub struct AttentionMapProps {
    pub heat: Rc<Vec<f32>>,
    pub side: usize,
    /// The crop, RGB.
    pub crop: Rc<Vec<u8>>,
    pub caption: String,
    /// What the legend's ends mean.
    pub low: String,
    pub high: String,
    /// Whether the legend has a negative (blue) end.
    #[prop_or(false)]
    pub signed: bool,
}

#[function_component(AttentionMap)]
pub fn attention_map(props: &AttentionMapProps) -> Html {
    let canvas_ref = use_node_ref();
    {
        let canvas_ref = canvas_ref.clone();
        let deps = (props.heat.clone(), props.side, props.crop.clone());
        use_effect_with(deps, move |(heat, side, crop)| {
            let grey = crate::colormap::grey_of_rgb(crop);
            if heat.len() != side * side || grey.len() != heat.len() {
                return;
            }
            put_rgba(
                &canvas_ref,
                &crate::colormap::heat_over(heat, &grey),
                *side,
                *side,
            );
        });
    }
    let ramp = if props.signed {
        "background:linear-gradient(to right,rgb(0,120,255),rgb(240,240,240),rgb(255,235,60),rgb(255,35,0))"
    } else {
        "background:linear-gradient(to right,rgb(240,240,240),rgb(255,235,60),rgb(255,35,0))"
    };
    html! {
        <figure class="attention-map">
            <canvas ref={canvas_ref} width={props.side.to_string()} height={props.side.to_string()}
                style={format!("width:{0}px;height:{0}px", props.side)} />
            <div class="legend">
                <span class="lo">{ &props.low }</span>
                <span class="ramp" style={ramp}></span>
                <span class="hi">{ &props.high }</span>
            </div>
            <figcaption>{ &props.caption }</figcaption>
        </figure>
    }
}
