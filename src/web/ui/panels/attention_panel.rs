//! What the network looks at in the photo it classified: an occlusion-sensitivity map (Zeiler &
//! Fergus, ECCV 2014: a grey square slid over the photo, the drop of the top class's probability
//! at each place; square and stride settable, progress shown, cancellable) and a gradient
//! saliency map (Simonyan, Vedaldi & Zisserman, ICLR 2014 workshop: |∂ top-class score / ∂pixel|).
//! Both are computed in the worker and drawn over the crop.

use std::cell::Cell;
use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::concepts::occlusion::{starts, OcclusionMap};
use crate::i18n::{Lang, Msg};
use crate::protocol::{EngineKind, WorkerRequest, WorkerResponse};
use crate::web::ui::format::engine_name;
use crate::web::ui::hooks::worker::use_worker;
use crate::web::ui::shared::use_lang;
use crate::web::ui::widgets::attention_map::AttentionMap;

#[derive(Properties, PartialEq)]
pub struct AttentionPanelProps {
    pub model: String,
    /// The classification's tag: a new photo starts over.
    pub tag: u64,
    /// The crop the network saw, RGB, `side × side`.
    pub crop: Rc<Vec<u8>>,
    pub side: usize,
}

#[derive(Clone, PartialEq)]
enum Occlusion {
    Idle,
    Running {
        done: usize,
        total: usize,
    },
    /// The map, its time, the first pass's engine and where the engine changed (after how many
    /// passes, to which).
    Done(
        Rc<OcclusionMap>,
        f64,
        EngineKind,
        Option<(usize, EngineKind)>,
    ),
    Cancelled {
        done: usize,
        total: usize,
    },
    Failed(Msg),
}

#[derive(Clone, PartialEq)]
enum Saliency {
    Idle,
    Running,
    Done(Rc<Vec<f32>>, usize, f64),
    Failed(Msg),
}

const PATCHES: [usize; 5] = [16, 24, 32, 48, 64];
const STRIDES: [usize; 4] = [8, 16, 24, 32];

/// An ImageNet class's name (English: the page has no licensed Chinese list).
fn class_name(lang: Lang, index: usize) -> String {
    crate::imagenet::classes().get(index).map_or_else(
        || {
            lang.tf(
                "photo-class-fallback",
                &[("index", index.to_string().into())],
            )
        },
        |c| c.to_string(),
    )
}

/// What an answer changes: one of the two maps (with the photo's tag it belongs to, where it
/// carries one).
enum Update {
    Occlusion(Occlusion),
    Saliency(Saliency),
}

fn pick(answer: WorkerResponse) -> Option<(Option<u64>, Update)> {
    Some(match answer {
        WorkerResponse::OcclusionProgress { tag, done, total } => (
            Some(tag),
            Update::Occlusion(Occlusion::Running { done, total }),
        ),
        WorkerResponse::Occlusion {
            tag,
            map,
            millis,
            engine,
            switched,
            ..
        } => (
            Some(tag),
            Update::Occlusion(Occlusion::Done(Rc::new(map), millis, engine, switched)),
        ),
        WorkerResponse::OcclusionCancelled { tag, done, total } => (
            Some(tag),
            Update::Occlusion(Occlusion::Cancelled { done, total }),
        ),
        WorkerResponse::Saliency {
            tag,
            heat,
            class,
            millis,
            ..
        } => (
            Some(tag),
            Update::Saliency(Saliency::Done(Rc::new(heat), class, millis)),
        ),
        WorkerResponse::Failed(m) if m.key == "errors-occlusion-failed" => {
            (None, Update::Occlusion(Occlusion::Failed(m)))
        }
        WorkerResponse::Failed(m) if m.key == "errors-saliency-failed" => {
            (None, Update::Saliency(Saliency::Failed(m)))
        }
        _ => return None,
    })
}

#[function_component(AttentionPanel)]
pub fn attention_panel(props: &AttentionPanelProps) -> Html {
    let lang = use_lang();
    let occlusion = use_state(|| Occlusion::Idle);
    let saliency = use_state(|| Saliency::Idle);
    let patch = use_state(|| 32usize);
    let stride = use_state(|| 16usize);
    // The tag answers must carry: older ones (another photo) are dropped.
    let current = use_memo((), |_| Rc::new(Cell::new(0u64)));
    current.set(props.tag);
    let bridge = {
        let (occlusion, saliency, current) = (occlusion.clone(), saliency.clone(), current.clone());
        use_worker((), pick, move |(tag, update): (Option<u64>, Update)| {
            if tag.is_some_and(|t| t != current.get()) {
                return;
            }
            match update {
                Update::Occlusion(o) => occlusion.set(o),
                Update::Saliency(s) => saliency.set(s),
            }
        })
    };
    {
        // A new photo (or network) starts over.
        let (occlusion, saliency) = (occlusion.clone(), saliency.clone());
        use_effect_with((props.model.clone(), props.tag), move |_| {
            occlusion.set(Occlusion::Idle);
            saliency.set(Saliency::Idle);
        });
    }
    let places = starts(props.side, *patch, *stride).len().pow(2);
    let running = matches!(*occlusion, Occlusion::Running { .. });
    let on_run = {
        let (bridge, occlusion, model, tag) = (
            bridge.clone(),
            occlusion.clone(),
            props.model.clone(),
            props.tag,
        );
        let (patch, stride) = (*patch, *stride);
        Callback::from(move |_| {
            occlusion.set(Occlusion::Running {
                done: 0,
                total: places,
            });
            bridge.send(WorkerRequest::Occlusion {
                model: model.clone(),
                patch,
                stride,
                tag,
            });
        })
    };
    let on_cancel = {
        let bridge = bridge.clone();
        Callback::from(move |_| bridge.send(WorkerRequest::CancelOcclusion))
    };
    let on_saliency = {
        let (bridge, saliency, model, tag) = (
            bridge.clone(),
            saliency.clone(),
            props.model.clone(),
            props.tag,
        );
        Callback::from(move |_| {
            saliency.set(Saliency::Running);
            bridge.send(WorkerRequest::Saliency {
                model: model.clone(),
                tag,
            });
        })
    };
    let select = |state: UseStateHandle<usize>| {
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(v) = s.value().parse() {
                state.set(v);
            }
        })
    };
    let options = |values: &[usize], chosen: usize| {
        values
            .iter()
            .map(|&v| html! { <option value={v.to_string()} selected={v == chosen}>{ v }</option> })
            .collect::<Html>()
    };
    let (occ_state, occ_view) = match &*occlusion {
        Occlusion::Idle => ("idle", html! {}),
        Occlusion::Running { done, total } => (
            "running",
            html! {
                <p class="note" data-testid="occlusion-status">
                    <progress data-testid="occlusion-progress" max={total.to_string()} value={done.to_string()}></progress>
                    { " " }{ lang.tf("photo-occlusion-progress", &[("done", (*done).into()), ("total", (*total).into())]) }
                </p>
            },
        ),
        Occlusion::Cancelled { done, total } => (
            "cancelled",
            html! { <p class="note" data-testid="occlusion-status">{ lang.tf("photo-occlusion-cancelled", &[("done", (*done).into()), ("total", (*total).into())]) }</p> },
        ),
        Occlusion::Failed(m) => (
            "failed",
            html! { <p class="error" role="alert">{ m.sentence(lang) }</p> },
        ),
        Occlusion::Done(map, millis, engine, switched) => {
            let max = map.drops.iter().copied().fold(f32::MIN, f32::max);
            let mut caption = lang.tf(
                "photo-occlusion-caption",
                &[
                    ("patch", map.patch.to_string().into()),
                    ("stride", map.stride.to_string().into()),
                    ("places", map.drops.len().into()),
                    ("seconds", format!("{:.1}", millis / 1000.0).into()),
                    ("engine", engine_name(lang, *engine).into()),
                    ("class", class_name(lang, map.class).into()),
                    ("base", format!("{:.1}", 100.0 * map.base).into()),
                    ("drop", format!("{:.1}", 100.0 * max).into()),
                ],
            );
            // The GPU failed part way: the passes after it ran on the CPU, and the caption says so.
            if let Some((after, then)) = switched {
                caption.push(' ');
                caption.push_str(&lang.tf(
                    "photo-occlusion-switched",
                    &[
                        ("passes", (*after).into()),
                        ("first", engine_name(lang, *engine).into()),
                        ("then", engine_name(lang, *then).into()),
                    ],
                ));
            }
            let engines = match switched {
                Some((_, then)) => format!("{} {}", engine.key(), then.key()),
                None => engine.key().to_string(),
            };
            (
                "done",
                html! {
                    <div data-testid="occlusion-map" data-class={map.class.to_string()} data-engines={engines}
                        data-places={map.drops.len().to_string()} data-max-drop={format!("{max:.6}")}>
                        <AttentionMap heat={Rc::new(map.per_pixel())} side={map.side} crop={props.crop.clone()}
                            caption={caption} low={lang.t("photo-occlusion-low")} high={lang.t("photo-occlusion-high")} signed=true />
                    </div>
                },
            )
        }
    };
    let sal_view = match &*saliency {
        Saliency::Idle => html! {},
        Saliency::Running => {
            html! { <p class="note" data-testid="saliency-status">{ lang.t("photo-saliency-computing") }</p> }
        }
        Saliency::Failed(m) => html! { <p class="error" role="alert">{ m.sentence(lang) }</p> },
        Saliency::Done(heat, class, millis) => {
            let caption = lang.tf(
                "photo-saliency-caption",
                &[
                    ("class", class_name(lang, *class).into()),
                    ("ms", format!("{millis:.0}").into()),
                ],
            );
            html! {
                <div data-testid="saliency-map" data-class={class.to_string()}>
                    <AttentionMap heat={heat.clone()} side={props.side} crop={props.crop.clone()}
                        caption={caption} low="0" high={lang.t("photo-saliency-high")} />
                </div>
            }
        }
    };
    html! {
        <section class="attention" data-testid="attention-panel" data-occlusion={occ_state}>
            <h4>{ lang.t("photo-attention-title") }</h4>
            <div class="attention-controls">
                <label>{ lang.t("photo-square") }
                    <select data-testid="occlusion-patch" disabled={running} onchange={select(patch.clone())}>
                        { options(&PATCHES, *patch) }
                    </select>{ " px" }</label>
                <label>{ lang.t("photo-stride") }
                    <select data-testid="occlusion-stride" disabled={running} onchange={select(stride.clone())}>
                        { options(&STRIDES, *stride) }
                    </select>{ " px" }</label>
                <span class="note">{ lang.tf("photo-forward-passes", &[("n", (places + 1).into())]) }</span>
                <button data-testid="occlusion-run" disabled={running} onclick={on_run}>{ lang.t("photo-occlusion-run") }</button>
                if running {
                    <button data-testid="occlusion-cancel" onclick={on_cancel}>{ lang.t("photo-cancel") }</button>
                }
                <button data-testid="saliency-run" disabled={*saliency == Saliency::Running} onclick={on_saliency}>{ lang.t("photo-saliency-run") }</button>
            </div>
            if !matches!(*occlusion, Occlusion::Done(..)) { { occ_view.clone() } }
            <div class="attention-maps">
                if matches!(*occlusion, Occlusion::Done(..)) { { occ_view } }
                { sal_view }
            </div>
        </section>
    }
}
