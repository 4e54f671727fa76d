//! The drawing pad: a canvas taking Pointer Events (mouse, touch, pen) and the keyboard (the
//! arrow keys move a pen, Space or Enter puts it down or lifts it), an adjustable brush, clear and
//! undo of the last stroke. After every move (with the moves the browser coalesced into it) it
//! hands the ink (one value in [0, 1] per canvas pixel) to its parent.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlInputElement, KeyboardEvent, PointerEvent,
};
use yew::prelude::*;

use crate::imagenet::Image8;
use crate::web::ui::shared::use_lang;

/// Side of the drawing canvas in pixels.
pub const PAD_SIZE: u32 = 280;

/// How far an arrow key moves the keyboard's pen, in canvas pixels: one pixel of a 28×28 digit
/// (three with Shift).
const KEY_STEP: f64 = PAD_SIZE as f64 / 28.0;

/// The keyboard's pen: where it is and whether it is down (drawing as it moves).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Pen {
    at: (f64, f64),
    down: bool,
}

impl Default for Pen {
    fn default() -> Pen {
        let mid = PAD_SIZE as f64 / 2.0;
        Pen {
            at: (mid, mid),
            down: false,
        }
    }
}

/// Where an arrow key takes the pen (`None` for any other key), kept on the pad.
fn moved(at: (f64, f64), key: &str, shift: bool) -> Option<(f64, f64)> {
    let step = if shift { 3.0 * KEY_STEP } else { KEY_STEP };
    let (dx, dy) = match key {
        "ArrowLeft" => (-step, 0.0),
        "ArrowRight" => (step, 0.0),
        "ArrowUp" => (0.0, -step),
        "ArrowDown" => (0.0, step),
        _ => return None,
    };
    let side = PAD_SIZE as f64;
    Some(((at.0 + dx).clamp(0.0, side), (at.1 + dy).clamp(0.0, side)))
}

/// One stroke: brush width and the points it passed through.
#[derive(Clone, Debug, PartialEq)]
pub struct Stroke {
    pub width: f64,
    pub points: Vec<(f64, f64)>,
}

#[derive(Properties, PartialEq)]
pub struct DigitCanvasProps {
    /// Receives the ink after each change: a `PAD_SIZE`² one-channel image of the canvas's
    /// alpha (all zero when cleared).
    pub on_ink: Callback<Rc<Image8>>,
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
}

fn draw_segment(ctx: &CanvasRenderingContext2d, width: f64, a: (f64, f64), b: (f64, f64)) {
    ctx.set_line_width(width);
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    ctx.set_stroke_style_str("#111");
    ctx.begin_path();
    ctx.move_to(a.0, a.1);
    ctx.line_to(b.0, b.1);
    ctx.stroke();
}

fn redraw(canvas: &HtmlCanvasElement, strokes: &[Stroke]) {
    let Some(ctx) = context(canvas) else { return };
    ctx.clear_rect(0.0, 0.0, PAD_SIZE as f64, PAD_SIZE as f64);
    for s in strokes {
        let first = s.points[0];
        draw_segment(&ctx, s.width, first, first);
        for w in s.points.windows(2) {
            draw_segment(&ctx, s.width, w[0], w[1]);
        }
    }
}

/// The canvas's ink: its alpha channel, as a one-channel 8-bit image.
fn ink(canvas: &HtmlCanvasElement) -> Option<Image8> {
    let ctx = context(canvas)?;
    let data = ctx
        .get_image_data(0.0, 0.0, PAD_SIZE as f64, PAD_SIZE as f64)
        .ok()?;
    let alpha = data.data().0.chunks_exact(4).map(|p| p[3]).collect();
    Image8::new(PAD_SIZE as usize, PAD_SIZE as usize, 1, alpha).ok()
}

/// The pointer's position in canvas pixels.
fn position(canvas: &HtmlCanvasElement, e: &PointerEvent) -> (f64, f64) {
    let r = canvas.get_bounding_client_rect();
    let sx = PAD_SIZE as f64 / r.width().max(1.0);
    let sy = PAD_SIZE as f64 / r.height().max(1.0);
    (
        (e.client_x() as f64 - r.left()) * sx,
        (e.client_y() as f64 - r.top()) * sy,
    )
}

/// The points a `pointermove` stands for: the browser hands over one move per frame and keeps the
/// moves between in `getCoalescedEvents()` (a fast pen or mouse gives several a frame); where the
/// browser lacks it or lists none, the event itself.
fn moves(e: &PointerEvent) -> Vec<PointerEvent> {
    let listed = js_sys::Reflect::has(e, &"getCoalescedEvents".into()).unwrap_or(false);
    let coalesced: Vec<PointerEvent> = if listed {
        e.get_coalesced_events()
            .iter()
            .filter_map(|m| m.dyn_into().ok())
            .collect()
    } else {
        Vec::new()
    };
    if coalesced.is_empty() {
        vec![e.clone()]
    } else {
        coalesced
    }
}

#[function_component(DigitCanvas)]
pub fn digit_canvas(props: &DigitCanvasProps) -> Html {
    let lang = use_lang();
    let canvas_ref = use_node_ref();
    let strokes = use_mut_ref(Vec::<Stroke>::new);
    let drawing = use_mut_ref(|| false);
    let brush = use_state(|| 18.0f64);
    let count = use_state(|| 0usize); // strokes drawn, to enable undo/clear
                                      // The keyboard's pen, kept in a cell, not a state: keys repeat faster than the page renders.
                                      // A pointer's stroke, an undo or a clear lifts it (its stroke is over).
    let pen = use_mut_ref(Pen::default);
    let redraw_pen = use_force_update();

    let emit = {
        let canvas_ref = canvas_ref.clone();
        let on_ink = props.on_ink.clone();
        Rc::new(move || {
            if let Some(image) = canvas_ref.cast::<HtmlCanvasElement>().and_then(|c| ink(&c)) {
                on_ink.emit(Rc::new(image));
            }
        })
    };

    let on_down = {
        let (canvas_ref, strokes, drawing, brush, emit, count) = (
            canvas_ref.clone(),
            strokes.clone(),
            drawing.clone(),
            brush.clone(),
            emit.clone(),
            count.clone(),
        );
        let pen = pen.clone();
        Callback::from(move |e: PointerEvent| {
            pen.borrow_mut().down = false;
            let Some(c) = canvas_ref.cast::<HtmlCanvasElement>() else {
                return;
            };
            e.prevent_default();
            let _ = c.set_pointer_capture(e.pointer_id());
            let p = position(&c, &e);
            *drawing.borrow_mut() = true;
            strokes.borrow_mut().push(Stroke {
                width: *brush,
                points: vec![p],
            });
            if let Some(ctx) = context(&c) {
                draw_segment(&ctx, *brush, p, p);
            }
            count.set(strokes.borrow().len());
            emit();
        })
    };
    let on_move = {
        let (canvas_ref, strokes, drawing, emit) = (
            canvas_ref.clone(),
            strokes.clone(),
            drawing.clone(),
            emit.clone(),
        );
        Callback::from(move |e: PointerEvent| {
            if !*drawing.borrow() {
                return;
            }
            let Some(c) = canvas_ref.cast::<HtmlCanvasElement>() else {
                return;
            };
            let ctx = context(&c);
            {
                let mut s = strokes.borrow_mut();
                let Some(stroke) = s.last_mut() else { return };
                for m in moves(&e) {
                    let p = position(&c, &m);
                    let last = *stroke.points.last().expect("a stroke has a point");
                    stroke.points.push(p);
                    if let Some(ctx) = &ctx {
                        draw_segment(ctx, stroke.width, last, p);
                    }
                }
            }
            emit();
        })
    };
    let on_up = {
        let drawing = drawing.clone();
        Callback::from(move |_e: PointerEvent| *drawing.borrow_mut() = false)
    };
    // The keyboard's pen: a stroke starts where it is put down and follows the arrow keys.
    // Whether the pen is shown: the pad has the keyboard's focus (not a click's).
    let focused = use_state(|| false);
    let on_key = {
        let (canvas_ref, strokes, brush, emit, count, pen, focused, redraw_pen) = (
            canvas_ref.clone(),
            strokes.clone(),
            brush.clone(),
            emit.clone(),
            count.clone(),
            pen.clone(),
            focused.clone(),
            redraw_pen.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            let Some(c) = canvas_ref.cast::<HtmlCanvasElement>() else {
                return;
            };
            let now = *pen.borrow();
            let next = match e.key().as_str() {
                " " | "Enter" => Pen {
                    down: !now.down,
                    ..now
                },
                "Escape" if now.down => Pen { down: false, ..now },
                key => match moved(now.at, key, e.shift_key()) {
                    Some(at) => Pen { at, ..now },
                    None => return,
                },
            };
            e.prevent_default();
            focused.set(true);
            let ctx = context(&c);
            if next.down && !now.down {
                strokes.borrow_mut().push(Stroke {
                    width: *brush,
                    points: vec![next.at],
                });
                if let Some(ctx) = &ctx {
                    draw_segment(ctx, *brush, next.at, next.at);
                }
                count.set(strokes.borrow().len());
                emit();
            } else if next.down && next.at != now.at {
                if let Some(stroke) = strokes.borrow_mut().last_mut() {
                    stroke.points.push(next.at);
                    if let Some(ctx) = &ctx {
                        draw_segment(ctx, stroke.width, now.at, next.at);
                    }
                }
                emit();
            }
            *pen.borrow_mut() = next;
            redraw_pen.force_update();
        })
    };
    let on_focus = {
        let (focused, canvas_ref) = (focused.clone(), canvas_ref.clone());
        Callback::from(move |_: FocusEvent| {
            let by_keyboard = canvas_ref
                .cast::<HtmlCanvasElement>()
                .and_then(|c| c.matches(":focus-visible").ok())
                .unwrap_or(true);
            focused.set(by_keyboard);
        })
    };
    let on_blur = {
        let (focused, pen) = (focused.clone(), pen.clone());
        Callback::from(move |_: FocusEvent| {
            focused.set(false);
            pen.borrow_mut().down = false;
        })
    };
    let shown_pen = *pen.borrow();
    // Always in the page (hidden without the keyboard's focus): a child that came and went would
    // make Yew's unkeyed diff replace the canvas, which would lose its focus and its ink.
    let cursor = {
        let side = PAD_SIZE as f64;
        let d = 100.0 * *brush / side;
        let style = format!(
            "left:{:.3}%;top:{:.3}%;width:{d:.3}%;height:{d:.3}%",
            100.0 * shown_pen.at.0 / side,
            100.0 * shown_pen.at.1 / side,
        );
        html! {
            <div class={classes!("pad-pen", shown_pen.down.then_some("down"))} data-testid="pad-pen"
                hidden={!*focused} {style} aria-hidden="true"></div>
        }
    };
    let on_clear = {
        let (canvas_ref, strokes, emit, count) = (
            canvas_ref.clone(),
            strokes.clone(),
            emit.clone(),
            count.clone(),
        );
        let (pen, redraw_pen) = (pen.clone(), redraw_pen.clone());
        Callback::from(move |_| {
            pen.borrow_mut().down = false;
            redraw_pen.force_update();
            strokes.borrow_mut().clear();
            if let Some(c) = canvas_ref.cast::<HtmlCanvasElement>() {
                redraw(&c, &[]);
            }
            count.set(0);
            emit();
        })
    };
    let on_undo = {
        let (canvas_ref, strokes, emit, count) = (
            canvas_ref.clone(),
            strokes.clone(),
            emit.clone(),
            count.clone(),
        );
        let (pen, redraw_pen) = (pen.clone(), redraw_pen.clone());
        Callback::from(move |_| {
            pen.borrow_mut().down = false;
            redraw_pen.force_update();
            strokes.borrow_mut().pop();
            if let Some(c) = canvas_ref.cast::<HtmlCanvasElement>() {
                redraw(&c, &strokes.borrow());
            }
            count.set(strokes.borrow().len());
            emit();
        })
    };
    let on_brush = {
        let brush = brush.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                if let Ok(v) = input.value().parse::<f64>() {
                    brush.set(v);
                }
            }
        })
    };
    html! {
        <div class="digit-pad">
            <div class="pad-surface">
                <canvas
                    ref={canvas_ref}
                    class="digit-canvas"
                    data-testid="digit-canvas"
                    data-strokes={count.to_string()}
                    data-pen={if shown_pen.down { "down" } else { "up" }}
                    width={PAD_SIZE.to_string()}
                    height={PAD_SIZE.to_string()}
                    tabindex="0"
                    role="application"
                    aria-label={lang.t("lenet-canvas-label")}
                    aria-describedby="pad-keys"
                    onpointerdown={on_down}
                    onpointermove={on_move}
                    onpointerup={on_up.clone()}
                    onpointercancel={on_up}
                    onkeydown={on_key}
                    onfocus={on_focus}
                    onblur={on_blur}
                />
                { cursor }
            </div>
            <p class="pad-keys" id="pad-keys">{ lang.t("lenet-pad-keys") }</p>
            <div class="pad-controls">
                <label class="brush">
                    { lang.t("lenet-brush") }{ " " }
                    <input type="range" min="6" max="36" step="1" value={brush.to_string()}
                        data-testid="brush-size" oninput={on_brush} />
                    <span class="brush-px" data-testid="brush-px">{ format!("{} px", *brush) }</span>
                </label>
                <button data-testid="undo-button" onclick={on_undo} disabled={*count == 0}>{ lang.t("lenet-undo") }</button>
                <button data-testid="clear-button" onclick={on_clear} disabled={*count == 0}>{ lang.t("lenet-clear") }</button>
            </div>
        </div>
    }
}
