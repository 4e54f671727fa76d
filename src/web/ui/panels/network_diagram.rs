//! The network diagram: the overview of the description's stages, groups and blocks
//! ([`crate::zoo::overview`]) placed to the panel's width ([`crate::zoo::diagram_flow`]), so a
//! network of any length fits; a click opens a group into its blocks and a block into its layers,
//! two buttons show the overview or every layer. The view zooms with the buttons, Ctrl + wheel
//! (a touchpad's pinch) and two fingers, pans by scrolling or dragging, and a minimap shows where
//! it is. Clicking a layer selects its row in the layer table.

use std::collections::HashMap;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::web::ui::shared::{use_lang, Described};
use crate::web::ui::widgets::diagram_minimap::{DiagramMinimap, ViewRect};
use crate::web::ui::widgets::diagram_scene::{DiagramAction, DiagramScene};
use crate::zoo::diagram_flow::{place, Opened};
use crate::zoo::overview::overview;
use crate::zoo::NodeId;

#[derive(Properties, PartialEq)]
pub struct NetworkDiagramProps {
    pub described: Rc<Option<Described>>,
    pub selected: Option<NodeId>,
    pub on_select: Callback<NodeId>,
}

/// The diagram's zoom: each button press, and the bounds.
const ZOOM_STEP: f64 = 1.25;
const MIN_ZOOM: f64 = 0.2;
const MAX_ZOOM: f64 = 3.0;
/// The width the diagram is placed for before the panel has been measured.
const FIRST_WIDTH: f64 = 1000.0;
/// A press that moves further than this (CSS pixels) is a drag, not a click.
const CLICK_SLOP: i32 = 4;

fn clamp_zoom(z: f64) -> f64 {
    z.clamp(MIN_ZOOM, MAX_ZOOM)
}

/// Live pointers on the diagram: a mouse drag's start, and the fingers of a pinch.
#[derive(Default)]
struct Pointers {
    drag: Option<(i32, i32, i32, i32)>,
    moved: bool,
    touches: HashMap<i32, (f64, f64)>,
    pinch: Option<(f64, f64)>,
}

fn distance(t: &HashMap<i32, (f64, f64)>) -> Option<f64> {
    let mut v = t.values();
    let (a, b) = (v.next()?, v.next()?);
    Some(((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt())
}

#[function_component(NetworkDiagram)]
pub fn network_diagram(props: &NetworkDiagramProps) -> Html {
    let lang = use_lang();
    let ov = use_memo(props.described.clone(), |d| {
        d.as_ref()
            .as_ref()
            .map(|d| Rc::new(overview(&d.net, &d.analysis)))
    });
    let opened = use_state(Opened::default);
    let zoom = use_state(|| 1.0_f64);
    let zoom_now = use_mut_ref(|| 1.0_f64);
    *zoom_now.borrow_mut() = *zoom;
    // Scroll to apply once the new zoom is drawn (keeps the point under the pointer in place).
    let pending_scroll = use_mut_ref(|| None::<(f64, f64)>);
    let panel_w = use_state(|| 0.0_f64);
    let view = use_state(ViewRect::default);
    let wrap = use_node_ref();
    let pointers = use_mut_ref(Pointers::default);
    {
        let (opened, zoom) = (opened.clone(), zoom.clone());
        use_effect_with(props.described.clone(), move |_| {
            opened.set(Opened::default());
            zoom.set(1.0);
        });
    }
    let width = if *panel_w > 0.0 {
        *panel_w
    } else {
        FIRST_WIDTH
    };
    let net_id = props.described.as_ref().as_ref().map(|d| d.net.id.clone());
    let scene = use_memo(
        (net_id, (*ov).clone(), (*opened).clone(), width.to_bits()),
        {
            let described = props.described.clone();
            move |(_, ov, opened, _)| match (described.as_ref(), ov.as_deref()) {
                (Some(d), Some(ov)) => Some(Rc::new(place(&d.net, &d.analysis, ov, opened, width))),
                _ => None,
            }
        },
    );
    // A layer chosen elsewhere (the table) is shown: its group and block open.
    {
        let (opened, ov) = (opened.clone(), ov.clone());
        use_effect_with(props.selected, move |sel| {
            if let (Some(node), Some(ov)) = (*sel, ov.as_deref()) {
                if let Some(u) = ov.units.iter().position(|u| u.nodes().contains(&node)) {
                    let mut next = (*opened).clone();
                    if ov.units[u].block.is_some() {
                        next.units.insert(u);
                    }
                    if let Some(g) = ov.groups.iter().position(|g| g.units.contains(&u)) {
                        if ov.groups[g].repeat() > 1 {
                            next.groups.insert(g);
                        }
                    }
                    if next != *opened {
                        opened.set(next);
                    }
                }
            }
        });
    }
    // The panel's width, now and whenever the window changes size; what is in view.
    // What was last measured, kept outside the render (the window's resize listener outlives it).
    let measured = use_mut_ref(|| (0.0_f64, ViewRect::default()));
    let measure = {
        let (wrap, panel_w, view, zoom_now, measured) = (
            wrap.clone(),
            panel_w.clone(),
            view.clone(),
            zoom_now.clone(),
            measured.clone(),
        );
        Rc::new(move || {
            if let Some(el) = wrap.cast::<web_sys::Element>() {
                let mut last = measured.borrow_mut();
                let w = (el.client_width() as f64).floor();
                if w > 0.0 && (w - last.0).abs() > 1.0 {
                    last.0 = w;
                    panel_w.set(w);
                }
                let z = *zoom_now.borrow();
                let v = ViewRect {
                    x: el.scroll_left() as f64 / z,
                    y: el.scroll_top() as f64 / z,
                    w: el.client_width() as f64 / z,
                    h: el.client_height() as f64 / z,
                };
                if v != last.1 {
                    last.1 = v;
                    view.set(v);
                }
            }
        })
    };
    // After a group or block opens or closes, the box the reader was on keeps the focus.
    let focus_next = use_mut_ref(|| None::<String>);
    {
        let (wrap, focus_next) = (wrap.clone(), focus_next.clone());
        use_effect(move || {
            let target = focus_next.borrow_mut().take();
            if let (Some(sel), Some(el)) = (target, wrap.cast::<web_sys::Element>()) {
                // The boxes are SVG elements: `focus` is theirs as much as an HTML element's.
                if let Some(found) = el.query_selector(&sel).ok().flatten() {
                    let focus = js_sys::Reflect::get(&found, &"focus".into())
                        .ok()
                        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
                    if let Some(f) = focus {
                        let _ = f.call0(&found);
                    }
                }
            }
        });
    }
    {
        let measure = measure.clone();
        let (wrap, pending) = (wrap.clone(), pending_scroll.clone());
        use_effect(move || {
            if let (Some((l, t)), Some(el)) =
                (pending.borrow_mut().take(), wrap.cast::<web_sys::Element>())
            {
                el.set_scroll_left(l.round() as i32);
                el.set_scroll_top(t.round() as i32);
            }
            measure();
        });
    }
    {
        let measure = measure.clone();
        use_effect_with((), move |_| {
            let listener =
                web_sys::window().map(|w| EventListener::new(&w, "resize", move |_| measure()));
            move || drop(listener)
        });
    }
    // Zooms to `z`, keeping the scene point under (px, py) of the panel where it is.
    let zoom_to = {
        let (zoom, zoom_now, pending, wrap) = (
            zoom.clone(),
            zoom_now.clone(),
            pending_scroll.clone(),
            wrap.clone(),
        );
        Rc::new(move |z: f64, px: f64, py: f64| {
            let old = *zoom_now.borrow();
            let z = clamp_zoom(z);
            if let Some(el) = wrap.cast::<web_sys::Element>() {
                let (l, t) = (el.scroll_left() as f64, el.scroll_top() as f64);
                *pending.borrow_mut() = Some(((l + px) * z / old - px, (t + py) * z / old - py));
            }
            *zoom_now.borrow_mut() = z;
            zoom.set(z);
        })
    };
    // Ctrl + wheel (and a touchpad's pinch, which the browser sends as one) zooms; a plain wheel
    // scrolls the page as everywhere else. The listener is not passive, so the page itself does
    // not zoom.
    {
        let (wrap, zoom_to, zoom_now) = (wrap.clone(), zoom_to.clone(), zoom_now.clone());
        use_effect_with((), move |_| {
            let listener = wrap.cast::<web_sys::Element>().map(|el| {
                let target = el.clone();
                EventListener::new_with_options(
                    &el,
                    "wheel",
                    EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        let Some(e) = e.dyn_ref::<web_sys::WheelEvent>() else {
                            return;
                        };
                        if !(e.ctrl_key() || e.meta_key()) {
                            return;
                        }
                        e.prevent_default();
                        let r = target.get_bounding_client_rect();
                        let factor = (-e.delta_y() * 0.002).exp();
                        let z = *zoom_now.borrow() * factor;
                        zoom_to(
                            z,
                            e.client_x() as f64 - r.left(),
                            e.client_y() as f64 - r.top(),
                        );
                    },
                )
            });
            move || drop(listener)
        });
    }
    let (Some(ov_rc), Some(scene), Some(d)) = (
        (*ov).clone(),
        (*scene).clone(),
        props.described.as_ref().as_ref(),
    ) else {
        return html! {};
    };
    let on_action = {
        let (opened, on_select, pointers) =
            (opened.clone(), props.on_select.clone(), pointers.clone());
        let (focus_next, ov) = (focus_next.clone(), ov_rc.clone());
        Callback::from(move |a: DiagramAction| {
            // The click that ends a drag is no click (the flag is cleared right after it).
            if pointers.borrow().moved {
                return;
            }
            let mut next = (*opened).clone();
            // The box that takes the focus once drawn: the first of an opened group, the group
            // again once closed, an opened block's first button, the block again once closed.
            let focus = |item: String| format!("[data-item=\"{item}\"] [tabindex]");
            let target = match a {
                DiagramAction::Select(node) => return on_select.emit(node),
                DiagramAction::OpenGroup(g) => {
                    next.groups.insert(g);
                    let first = ov.groups.get(g).map_or(0, |gr| gr.units.start);
                    // Its first unit: a box, a closed block, or a block left open.
                    ["l", "b", "d"]
                        .map(|k| focus(format!("{k}{first}")))
                        .join(", ")
                }
                DiagramAction::CloseGroup(g) => {
                    next.groups.remove(&g);
                    focus(format!("g{g}"))
                }
                DiagramAction::OpenUnit(u) => {
                    next.units.insert(u);
                    focus(format!("d{u}"))
                }
                DiagramAction::CloseUnit(u) => {
                    next.units.remove(&u);
                    focus(format!("b{u}"))
                }
            };
            *focus_next.borrow_mut() = Some(target);
            opened.set(next);
        })
    };
    let whole = {
        let (opened, ov) = (opened.clone(), ov.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(ov) = ov.as_deref() {
                opened.set(Opened::all(ov));
            }
        })
    };
    let closed = {
        let opened = opened.clone();
        Callback::from(move |_: MouseEvent| opened.set(Opened::default()))
    };
    let button_zoom = |f: f64| {
        let (zoom_to, zoom_now, wrap) = (zoom_to.clone(), zoom_now.clone(), wrap.clone());
        Callback::from(move |_: MouseEvent| {
            let (w, h) = wrap.cast::<web_sys::Element>().map_or((0.0, 0.0), |el| {
                (el.client_width() as f64, el.client_height() as f64)
            });
            let z = *zoom_now.borrow() * f;
            zoom_to(z, w / 2.0, h / 2.0)
        })
    };
    let fit = {
        let (zoom_to, scene) = (zoom_to.clone(), scene.clone());
        let panel = width;
        Callback::from(move |_: MouseEvent| zoom_to((panel / scene.width).min(1.0), 0.0, 0.0))
    };
    let on_key = {
        let (zoom_to, zoom_now, scene) = (zoom_to.clone(), zoom_now.clone(), scene.clone());
        let panel = width;
        Callback::from(move |e: KeyboardEvent| {
            // Ctrl/⌘ with − = 0 is the browser's own page zoom: leave it be.
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let z = *zoom_now.borrow();
            match e.key().as_str() {
                "+" | "=" => zoom_to(z * ZOOM_STEP, 0.0, 0.0),
                "-" => zoom_to(z / ZOOM_STEP, 0.0, 0.0),
                "0" => zoom_to((panel / scene.width).min(1.0), 0.0, 0.0),
                _ => return,
            }
            e.prevent_default();
        })
    };
    let on_down = {
        let (pointers, wrap) = (pointers.clone(), wrap.clone());
        Callback::from(move |e: PointerEvent| {
            let mut p = pointers.borrow_mut();
            p.moved = false;
            if e.pointer_type() == "touch" {
                p.touches
                    .insert(e.pointer_id(), (e.client_x() as f64, e.client_y() as f64));
                p.pinch = None;
            } else if let (true, Some(el)) = (e.button() == 0, wrap.cast::<web_sys::Element>()) {
                p.drag = Some((
                    e.client_x(),
                    e.client_y(),
                    el.scroll_left(),
                    el.scroll_top(),
                ));
            }
        })
    };
    let on_move = {
        let (pointers, wrap, zoom_to, zoom_now) = (
            pointers.clone(),
            wrap.clone(),
            zoom_to.clone(),
            zoom_now.clone(),
        );
        Callback::from(move |e: PointerEvent| {
            let Some(el) = wrap.cast::<web_sys::Element>() else {
                return;
            };
            let mut p = pointers.borrow_mut();
            if e.pointer_type() == "touch" {
                if !p.touches.contains_key(&e.pointer_id()) {
                    return;
                }
                p.touches
                    .insert(e.pointer_id(), (e.client_x() as f64, e.client_y() as f64));
                if let Some(dist) = distance(&p.touches) {
                    p.moved = true;
                    let (d0, z0) = *p.pinch.get_or_insert((dist, *zoom_now.borrow()));
                    let r = el.get_bounding_client_rect();
                    let (cx, cy) = p
                        .touches
                        .values()
                        .fold((0.0, 0.0), |(x, y), t| (x + t.0 / 2.0, y + t.1 / 2.0));
                    drop(p);
                    zoom_to(z0 * dist / d0.max(1.0), cx - r.left(), cy - r.top());
                }
                return;
            }
            if let Some((x, y, left, top)) = p.drag {
                if e.buttons() & 1 == 0 {
                    p.drag = None;
                    return;
                }
                let (dx, dy) = (e.client_x() - x, e.client_y() - y);
                if dx.abs() > CLICK_SLOP || dy.abs() > CLICK_SLOP {
                    p.moved = true;
                }
                if p.moved {
                    el.set_scroll_left(left - dx);
                    el.set_scroll_top(top - dy);
                }
            }
        })
    };
    let on_up = {
        let pointers = pointers.clone();
        Callback::from(move |e: PointerEvent| {
            let mut p = pointers.borrow_mut();
            if p.moved {
                // The click a drag ends with comes before any timer: it is ignored, and the flag
                // is gone for the next click or key.
                let pointers = pointers.clone();
                let clear = wasm_bindgen::closure::Closure::once_into_js(move || {
                    pointers.borrow_mut().moved = false;
                });
                if let Some(w) = web_sys::window() {
                    let _ = w.set_timeout_with_callback(clear.unchecked_ref());
                }
            }
            p.drag = None;
            p.touches.remove(&e.pointer_id());
            if p.touches.len() < 2 {
                p.pinch = None;
            }
        })
    };
    let on_scroll = {
        let measure = measure.clone();
        Callback::from(move |_: Event| measure())
    };
    let on_go = {
        let (wrap, zoom_now) = (wrap.clone(), zoom_now.clone());
        Callback::from(move |(x, y): (f64, f64)| {
            if let Some(el) = wrap.cast::<web_sys::Element>() {
                let z = *zoom_now.borrow();
                el.set_scroll_left((x * z - el.client_width() as f64 / 2.0).round() as i32);
                el.set_scroll_top((y * z - el.client_height() as f64 / 2.0).round() as i32);
            }
        })
    };
    let z = *zoom;
    let v = *view;
    let overflows = v.w > 0.0 && (scene.width > v.w + 1.0 || scene.height > v.h + 1.0);
    let all_open = *opened == Opened::all(&ov_rc);
    let none_open = *opened == Opened::default();
    html! {
        <div class="diagram-panel" data-testid="diagram-panel" data-net={d.net.id.clone()}>
        <div class="diagram-tools" data-testid="diagram-zoom" data-zoom={format!("{z:.3}")}>
            <span class="diagram-hint">
                <span class="for-mouse">{ lang.t("network-diagram-hint") }</span>
                <span class="for-touch">{ lang.t("network-diagram-hint-touch") }</span>
            </span>
            <button data-testid="diagram-overview" onclick={closed} disabled={none_open} aria-pressed={none_open.to_string()}>{ lang.t("network-diagram-overview") }</button>
            <button data-testid="diagram-every-layer" onclick={whole} disabled={all_open} aria-pressed={all_open.to_string()}>{ lang.t("network-diagram-every-layer") }</button>
            <button data-testid="diagram-zoom-out" title={lang.t("network-zoom-out")} aria-label={lang.t("network-zoom-out")}
                onclick={button_zoom(1.0 / ZOOM_STEP)} disabled={z <= MIN_ZOOM}>{ "−" }</button>
            <span class="zoom-level" aria-live="polite">{ lang.tf("network-zoom-level", &[("percent", format!("{:.0}", z * 100.0).into())]) }</span>
            <button data-testid="diagram-zoom-in" title={lang.t("network-zoom-in")} aria-label={lang.t("network-zoom-in")}
                onclick={button_zoom(ZOOM_STEP)} disabled={z >= MAX_ZOOM}>{ "+" }</button>
            <button data-testid="diagram-zoom-fit" onclick={fit}>{ lang.t("network-zoom-fit") }</button>
        </div>
        <div class="diagram-box">
            <div class="diagram-wrap" data-testid="diagram-wrap" ref={wrap} tabindex="0" role="region" aria-label={lang.t("network-diagram-region")}
                onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up.clone()} onpointercancel={on_up.clone()}
                onpointerleave={on_up} onscroll={on_scroll} onkeydown={on_key}>
                <DiagramScene described={props.described.clone()} overview={ov_rc.clone()} scene={scene.clone()}
                    zoom={z} selected={props.selected} on_action={on_action} />
            </div>
            if overflows {
                <DiagramMinimap scene={scene.clone()} view={v} on_go={on_go} />
            }
        </div>
        </div>
    }
}
