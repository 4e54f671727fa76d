//! The diagram's minimap: the whole placed scene in miniature (stage frames and boxes), with a
//! rectangle for the part the panel shows; a click or drag on it moves the view there.

use std::rc::Rc;

use yew::prelude::*;

use crate::web::ui::shared::use_lang;
use crate::zoo::diagram_flow::Scene;

/// The part of the scene in view, in scene units.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ViewRect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

#[derive(Properties, PartialEq)]
pub struct DiagramMinimapProps {
    pub scene: Rc<Scene>,
    pub view: ViewRect,
    /// Asks for the view to be centred on a point of the scene.
    pub on_go: Callback<(f64, f64)>,
}

/// The minimap's width on the page, in CSS pixels.
const WIDTH: f64 = 180.0;

#[function_component(DiagramMinimap)]
pub fn diagram_minimap(props: &DiagramMinimapProps) -> Html {
    let lang = use_lang();
    let s = &*props.scene;
    let scale = WIDTH / s.width.max(1.0);
    let height = (s.height * scale).clamp(20.0, 160.0);
    let dragging = use_mut_ref(|| false);
    let go = {
        let on_go = props.on_go.clone();
        let (sw, sh) = (s.width, s.height);
        move |e: &PointerEvent| {
            if let Some(el) = e
                .current_target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            {
                let r = el.get_bounding_client_rect();
                let fx = (e.client_x() as f64 - r.left()) / r.width().max(1.0);
                let fy = (e.client_y() as f64 - r.top()) / r.height().max(1.0);
                on_go.emit((fx.clamp(0.0, 1.0) * sw, fy.clamp(0.0, 1.0) * sh));
            }
        }
    };
    let on_down = {
        let (go, dragging) = (go.clone(), dragging.clone());
        Callback::from(move |e: PointerEvent| {
            *dragging.borrow_mut() = true;
            go(&e)
        })
    };
    let on_move = {
        let dragging = dragging.clone();
        Callback::from(move |e: PointerEvent| {
            if *dragging.borrow() && e.buttons() & 1 == 1 {
                go(&e)
            }
        })
    };
    let on_up = Callback::from(move |_: PointerEvent| *dragging.borrow_mut() = false);
    let v = props.view;
    html! {
        <svg class="diagram-minimap" data-testid="diagram-minimap" width={WIDTH.to_string()} height={height.to_string()}
             viewBox={format!("0 0 {} {}", s.width, s.height)} preserveAspectRatio="none"
             role="img" aria-label={lang.t("network-diagram-minimap")}
             onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up.clone()} onpointerleave={on_up}>
            { for s.frames.iter().map(|f| html! {
                <rect class="mini-stage" x={f.x.to_string()} y={f.y.to_string()} width={f.w.to_string()} height={f.h.to_string()} />
            }) }
            { for s.items.iter().map(|i| html! {
                <rect class="mini-item" x={i.x.to_string()} y={i.y.to_string()} width={i.w.to_string()} height={i.h.to_string()} />
            }) }
            <rect class="mini-view" data-testid="diagram-minimap-view" x={v.x.to_string()} y={v.y.to_string()}
                  width={v.w.to_string()} height={v.h.to_string()} />
        </svg>
    }
}
