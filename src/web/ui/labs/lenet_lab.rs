//! The digit lab of the networks that read a 32×32 grey image (LeNet-5): draw a digit, see the
//! network's input after MNIST's preprocessing, the ten probabilities, and every layer's feature
//! maps, live. The weights (trained by this project, `atlas train-lenet`) are served with the page;
//! the pad's ink goes to the worker, which prepares it as MNIST's digits were made
//! ([`crate::inputs::InputKind::Digit`]), runs the network and answers with what it saw.

use std::rc::Rc;

use yew::prelude::*;

use crate::concepts::receptive::unit_field;
use crate::i18n::Msg;
use crate::imagenet::Image8;
use crate::inputs::Seen;
use crate::protocol::{Classification, InputGradient, NodeOutputs, WorkerRequest, WorkerResponse};
use crate::web::ui::hooks::worker::{use_worker, Worker};
use crate::web::ui::overlay::field_text_in;
use crate::web::ui::panels::connection_table::ConnectionTable;
use crate::web::ui::panels::feature_maps::FeatureMaps;
use crate::web::ui::shared::{use_lang, Described, HoveredUnit, PadWeights, TrainingContext};
use crate::web::ui::widgets::digit_canvas::DigitCanvas;
use crate::web::ui::widgets::erf_heatmap::{Background, ErfHeatmap};
use crate::web::ui::widgets::input_preview::InputPreview;
use crate::web::ui::widgets::probability_bars::ProbabilityBars;
use crate::zoo::graph::Op;

#[derive(Properties, PartialEq)]
pub struct LenetLabProps {
    pub described: Rc<Option<Described>>,
}

#[derive(Clone, Debug, PartialEq)]
enum Status {
    Loading,
    Ready,
    /// Why not (the worker's message, or that the weights could not be fetched).
    Failed(Msg),
}

/// The answers this lab asks for.
enum Reply {
    Loaded,
    Classified(Classification),
    Gradient(InputGradient),
    Failed(Msg),
}

fn pick(answer: WorkerResponse) -> Option<Reply> {
    match answer {
        WorkerResponse::Loaded { .. } => Some(Reply::Loaded),
        WorkerResponse::Classified(c) => Some(Reply::Classified(c)),
        WorkerResponse::InputGradient(g) => Some(Reply::Gradient(g)),
        WorkerResponse::Failed(m) => Some(Reply::Failed(m)),
        _ => None,
    }
}

/// What the last drawing gave: the digit as the network saw it, its ten probabilities and every
/// node's output (None for a blank pad).
#[derive(Clone, PartialEq)]
struct Shown {
    /// The drawing's tag (the gradient of a pinned unit names the drawing it was taken on).
    tag: u64,
    pixels: Rc<Vec<f32>>,
    probs: Vec<f32>,
    layers: Rc<NodeOutputs>,
}

/// At most one drawing in flight; the newest waiting one replaces older ones.
#[derive(Default)]
struct Pipeline {
    in_flight: bool,
    pending: Option<Image8>,
    tag: u64,
}

impl Pipeline {
    /// Sends `ink` now, or keeps it for when the drawing in flight comes back.
    fn offer(&mut self, worker: &Worker, model: &str, ink: Image8) {
        if self.in_flight {
            self.pending = Some(ink);
            return;
        }
        self.in_flight = true;
        self.tag += 1;
        worker.send(WorkerRequest::Classify {
            model: model.to_string(),
            image: ink,
            tag: self.tag,
            every_layer: true,
        });
    }
}

/// A unit's value among a drawing's node outputs: (channel, y, x) of a `[C, H, W]` map, the
/// channel's entry of a vector.
fn unit_value(layers: &NodeOutputs, u: &HoveredUnit) -> Option<f32> {
    let shape = layers.shapes.get(u.node)?;
    let at = match shape.as_slice() {
        [_, h, w] if u.y < *h && u.x < *w => (u.channel * h + u.y) * w + u.x,
        [_] => u.channel,
        _ => return None,
    };
    layers.values.get(u.node)?.get(at).copied()
}

/// Asks for the gradient of a pinned unit with respect to the last drawing sent: the worker takes
/// requests in order, so that is the input it will use, and the answer carries its tag.
fn ask_gradient(worker: &Worker, model: &str, u: &HoveredUnit, pipeline: &Pipeline) {
    worker.send(WorkerRequest::InputGradient {
        model: model.to_string(),
        node: u.node,
        channel: u.channel,
        y: u.y,
        x: u.x,
        tag: pipeline.tag,
    });
}

#[function_component(LenetLab)]
pub fn lenet_lab(props: &LenetLabProps) -> Html {
    let lang = use_lang();
    // Every hook runs before the component may return early.
    let described = props.described.as_ref().as_ref();
    let model = described.map(|d| d.net.id.clone()).unwrap_or_default();
    let side = described.map_or(32, |d| d.analysis.layers[0].shape[1]);

    // Weights the training lab handed to the pad for this network, else the shipped ones.
    let training = use_context::<TrainingContext>();
    let trained: Option<PadWeights> = training
        .as_ref()
        .and_then(|t| t.pad.clone())
        .filter(|p| p.model == model);
    let status = use_state(|| Status::Loading);
    let shown = use_state(|| None::<Shown>);
    let hovered = use_state(|| None::<HoveredUnit>);
    let pinned = use_state(|| None::<HoveredUnit>);
    let erf = use_state(|| None::<Rc<InputGradient>>);
    // The pinned unit, read by the worker's answers: each new drawing recomputes its gradient.
    let pinned_ref = use_mut_ref(|| None::<HoveredUnit>);
    let pipeline = use_mut_ref(Pipeline::default);
    // Whether a drawing is in flight or waiting (`data-busy`): false once the last one came back.
    let busy = use_state_eq(|| false);
    // The channel, set once it exists, for the receiver to send the next drawing on.
    let channel = use_mut_ref(|| None::<Worker>);
    // The pad's last ink: read again when other weights are loaded, so that what is shown is
    // always what the weights named above make of the drawing.
    let last_ink = use_mut_ref(|| None::<Image8>);

    let worker = {
        let (status, shown, pipeline) = (status.clone(), shown.clone(), pipeline.clone());
        let (erf, pinned_ref, channel) = (erf.clone(), pinned_ref.clone(), channel.clone());
        let (pinned, last_ink) = (pinned.clone(), last_ink.clone());
        let busy = busy.clone();
        let model = model.clone();
        use_worker(model.clone(), pick, move |reply: Reply| match reply {
            Reply::Loaded => {
                status.set(Status::Ready);
                let (ink, worker) = (last_ink.borrow().clone(), channel.borrow().clone());
                if let (Some(ink), Some(w)) = (ink, worker) {
                    pipeline.borrow_mut().offer(&w, &model, ink);
                    busy.set(true);
                }
            }
            Reply::Classified(c) => {
                let next = {
                    let mut p = pipeline.borrow_mut();
                    p.in_flight = false;
                    p.pending.take()
                };
                let worker = channel.borrow().clone();
                if c.tag == pipeline.borrow().tag || next.is_none() {
                    match (c.seen, c.layers) {
                        (Seen::Digit { pixels, .. }, Some(layers)) => {
                            shown.set(Some(Shown {
                                tag: c.tag,
                                pixels: Rc::new(pixels),
                                probs: c.probs.iter().map(|&(_, p)| p).collect(),
                                layers: Rc::new(layers),
                            }));
                            if let (Some(u), Some(w)) = (pinned_ref.borrow().as_ref(), &worker) {
                                ask_gradient(w, &model, u, &pipeline.borrow());
                            }
                        }
                        // A blank pad: nothing is shown, no unit stays pinned on it.
                        _ => {
                            shown.set(None);
                            erf.set(None);
                            *pinned_ref.borrow_mut() = None;
                            pinned.set(None);
                        }
                    }
                }
                if let (Some(ink), Some(w)) = (next, &worker) {
                    pipeline.borrow_mut().offer(w, &model, ink);
                }
                busy.set(pipeline.borrow().in_flight);
            }
            Reply::Gradient(g) => erf.set(Some(Rc::new(g))),
            Reply::Failed(msg) => {
                // Whatever was running is over (a lost worker answers every request so).
                pipeline.borrow_mut().in_flight = false;
                busy.set(false);
                status.set(Status::Failed(msg))
            }
        })
    };
    *channel.borrow_mut() = Some(worker.clone());

    // Load the weights the training lab gave the pad, or those shipped with the page.
    {
        let (worker, status) = (worker.clone(), status.clone());
        // What the other weights made of the drawing goes; the drawing is read again once they
        // are loaded.
        let (shown, erf) = (shown.clone(), erf.clone());
        use_effect_with((model.clone(), trained.clone()), move |(model, trained)| {
            status.set(Status::Loading);
            shown.set(None);
            erf.set(None);
            let model = model.clone();
            if let Some(t) = trained {
                worker.send(WorkerRequest::LoadWeights {
                    model,
                    bytes: t.bytes.to_vec(),
                });
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                match crate::web::fetch::bytes(&format!("weights/{model}.safetensors")).await {
                    Ok(bytes) => worker.send(WorkerRequest::LoadWeights { model, bytes }),
                    Err(e) => status.set(Status::Failed(
                        Msg::new("lenet-weights-failed").arg("error", e),
                    )),
                }
            });
        });
    }

    let Some(d) = described else {
        return html! {};
    };
    let on_ink = {
        let (worker, pipeline, model) = (worker.clone(), pipeline.clone(), model.clone());
        let busy = busy.clone();
        let last_ink = last_ink.clone();
        Callback::from(move |ink: Rc<Image8>| {
            *last_ink.borrow_mut() = Some((*ink).clone());
            pipeline.borrow_mut().offer(&worker, &model, (*ink).clone());
            busy.set(true);
        })
    };
    let on_hover = {
        let hovered = hovered.clone();
        Callback::from(move |u: Option<HoveredUnit>| hovered.set(u))
    };
    let on_pick = {
        let (pinned, pinned_ref, worker, model, pipeline) = (
            pinned.clone(),
            pinned_ref.clone(),
            worker.clone(),
            model.clone(),
            pipeline.clone(),
        );
        Callback::from(move |u: HoveredUnit| {
            ask_gradient(&worker, &model, &u, &pipeline.borrow());
            *pinned_ref.borrow_mut() = Some(u.clone());
            pinned.set(Some(u));
        })
    };
    let preview = (*shown).as_ref().map(|s| s.pixels.clone());
    let pinned_field = (*pinned)
        .as_ref()
        .and_then(|u| unit_field(&d.analysis, u.node, u.y, u.x));
    let erf_view = match ((*pinned).as_ref(), (*erf).as_ref()) {
        (Some(u), Some(g)) if (g.node, g.channel, g.y, g.x) == (u.node, u.channel, u.y, u.x) => {
            // Taken on an earlier drawing: shown dimmed until this drawing's comes.
            let stale = (*shown).as_ref().is_some_and(|s| s.tag != g.tag);
            html! {
                <div class={classes!("erf-of-drawing", stale.then_some("stale"))} data-testid="erf-of-drawing"
                    data-stale={stale.to_string()} aria-busy={stale.to_string()}>
                    <ErfHeatmap heat={Rc::new(g.heat.clone())} height={g.height} width={g.width} field={pinned_field}
                        background={preview.clone().map(Background::Ink)} shown={192.0} millis={Some(g.millis)} />
                </div>
            }
        }
        (Some(_), _) => {
            html! { <p class="note" data-testid="erf-status">{ lang.t("lenet-erf-computing") }</p> }
        }
        _ => html! {},
    };

    // The pinned unit's value in the maps of the drawing shown (it changes as the digit does).
    let pinned_value = match ((*pinned).as_ref(), (*shown).as_ref()) {
        (Some(u), Some(s)) => unit_value(&s.layers, u),
        _ => None,
    };
    let probs = (*shown).as_ref().map(|s| s.probs.clone());
    // The hovered unit's receptive field on the input, from the analysis.
    let field = (*hovered)
        .as_ref()
        .and_then(|u| unit_field(&d.analysis, u.node, u.y, u.x));
    let table = d.net.nodes.iter().find_map(|n| match &n.op {
        Op::Conv2d(c) => c
            .connections
            .clone()
            .map(|t| (t, d.analysis.layers[n.inputs[0]].shape[0])),
        _ => None,
    });

    html! {
        <section class="lenet-lab" data-testid="lenet-lab" data-busy={busy.to_string()} data-status={match &*status { Status::Loading => "loading", Status::Ready => "ready", Status::Failed(_) => "failed" }}>
            <h3>{ lang.t("lenet-draw-title") }</h3>
            <p class="note weights-source" data-testid="lenet-weights-source"
                data-source={if trained.is_some() { "trained" } else { "shipped" }}>
                { match &trained {
                    Some(t) => lang.tf("lenet-weights-trained", &[
                        ("digits", crate::i18n::thousands(t.examples as u64).into()),
                        ("accuracy", t.accuracy.map(|a| format!("{:.2} %", a * 100.0)).unwrap_or_else(|| "—".into()).into()),
                    ]),
                    None => lang.t("lenet-weights-shipped"),
                } }
                if let (Some(_), Some(t)) = (&trained, &training) {
                    { " " }
                    <button class="link-button" data-testid="lenet-shipped-weights"
                        onclick={t.clear_pad.reform(|_| ())}>{ lang.t("lenet-weights-back") }</button>
                }
            </p>
            if let Status::Failed(msg) = &*status {
                <p class="error-message" data-testid="error-message">{ msg.sentence(lang) }</p>
            }
            <div class="lab-row">
                <DigitCanvas on_ink={on_ink} />
                <div class="lab-side">
                    <InputPreview pixels={preview} side={side} field={field} pinned={pinned_field} />
                    <div class="hover-readout" data-testid="hover-readout">
                        { match &*hovered {
                            Some(u) => html! { lang.tf("lenet-hover-readout", &[
                                ("layer", (&u.layer).into()),
                                ("channel", u.channel.into()),
                                ("y", u.y.into()),
                                ("x", u.x.into()),
                                ("value", format!("{:.4}", u.value).into()),
                            ]) },
                            // A mouse hovers, a finger taps.
                            None => html! {
                                <>
                                    <span class="for-mouse">{ lang.t("lenet-hover-hint") }</span>
                                    <span class="for-touch">{ lang.t("lenet-hover-hint-touch") }</span>
                                </>
                            },
                        } }
                    </div>
                    if let Some(u) = (*pinned).as_ref() {
                        <div class="pinned-readout" data-testid="pinned-readout" aria-live="polite"
                            data-value={pinned_value.map(|v| format!("{v:.6}"))}>
                            { lang.tf("lenet-pinned", &[
                                ("layer", (&u.layer).into()),
                                ("channel", u.channel.into()),
                                ("y", u.y.into()),
                                ("x", u.x.into()),
                                ("value", pinned_value.map_or("–".to_string(), |v| format!("{v:.4}")).into()),
                            ]) }
                            { " " }
                            { pinned_field.map(|f| field_text_in(lang, &f, side)).unwrap_or_else(|| lang.t("lenet-flat-field")) }
                        </div>
                        <div class="lab-erf">{ erf_view }</div>
                    }
                </div>
                <ProbabilityBars probs={probs} />
            </div>
            if let Some((t, inputs)) = table {
                <ConnectionTable table={t} inputs={inputs} />
            }
            if let Some(s) = (*shown).clone() {
                <FeatureMaps described={props.described.clone()} result={s.layers} on_hover={on_hover}
                    on_pick={on_pick} pinned={(*pinned).clone()} />
            }
        </section>
    }
}
