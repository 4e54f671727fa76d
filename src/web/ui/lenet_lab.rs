//! The digit lab of the networks that read a 32×32 grey image (LeNet-5): draw a digit, see the
//! network's input after MNIST's preprocessing, the ten probabilities, and every layer's feature
//! maps, live. The weights (trained by this project, `atlas train-lenet`) are served with the page;
//! the worker runs the network.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::connection_table::ConnectionTable;
use super::crop_preview::field_text_in;
use super::digit_canvas::{DigitCanvas, PAD_SIZE};
use super::erf_heatmap::{Background, ErfHeatmap};
use super::feature_maps::FeatureMaps;
use super::input_preview::InputPreview;
use super::probability_bars::ProbabilityBars;
use super::shared::use_lang;
use super::shared::Described;
use super::shared::HoveredUnit;
use super::shared::WorkerContext;
use crate::concepts::receptive::unit_field;
use crate::digits::mnist_preprocess;
use crate::engine::softmax;
use crate::i18n::Msg;
use crate::protocol::{InputGradient, RunResult, WorkerRequest, WorkerResponse};
use crate::web::host::Bridge;
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

/// At most one run in flight; the newest waiting input replaces older ones.
#[derive(Default)]
struct Pipeline {
    in_flight: bool,
    pending: Option<Vec<f32>>,
    tag: u64,
}

#[function_component(LenetLab)]
pub fn lenet_lab(props: &LenetLabProps) -> Html {
    let lang = use_lang();
    let ctx = use_context::<WorkerContext>().expect("the worker context is provided by App");
    // Every hook runs before the component may return early.
    let described = props.described.as_ref().as_ref();
    let model = described.map(|d| d.net.id.clone()).unwrap_or_default();
    let side = described.map_or(32, |d| d.analysis.layers[0].shape[1]);

    let status = use_state(|| Status::Loading);
    let result = use_state(|| None::<Rc<RunResult>>);
    let preview = use_state(|| None::<Rc<Vec<f32>>>);
    let hovered = use_state(|| None::<HoveredUnit>);
    let pinned = use_state(|| None::<HoveredUnit>);
    let erf = use_state(|| None::<Rc<InputGradient>>);
    // The pinned unit, read by the worker's answers: each new drawing recomputes its gradient.
    let pinned_ref = use_mut_ref(|| None::<HoveredUnit>);
    let pipeline = use_mut_ref(Pipeline::default);

    // This component's own channel to the worker.
    let bridge: Rc<Bridge> = {
        let (status, result, pipeline) = (status.clone(), result.clone(), pipeline.clone());
        let (erf, pinned_ref) = (erf.clone(), pinned_ref.clone());
        let model = model.clone();
        let ctx = ctx.clone();
        let bridge_cell: Rc<RefCell<Option<Rc<Bridge>>>> = Rc::new(RefCell::new(None));
        let cell = bridge_cell.clone();
        (*use_memo(model.clone(), move |_| {
            let b = Rc::new(ctx.0.fork(Some(move |answer: WorkerResponse| match answer {
                WorkerResponse::Loaded { .. } => status.set(Status::Ready),
                WorkerResponse::Ran(r) => {
                    let next = {
                        let mut p = pipeline.borrow_mut();
                        p.in_flight = false;
                        p.pending.take()
                    };
                    if r.tag == pipeline.borrow().tag || next.is_none() {
                        result.set(Some(Rc::new(r)));
                        if let (Some(u), Some(b)) =
                            (pinned_ref.borrow().as_ref(), cell.borrow().as_ref())
                        {
                            b.send(WorkerRequest::InputGradient {
                                model: model.clone(),
                                node: u.node,
                                channel: u.channel,
                                y: u.y,
                                x: u.x,
                                tag: 0,
                            });
                        }
                    }
                    if let (Some(input), Some(b)) = (next, cell.borrow().as_ref()) {
                        let mut p = pipeline.borrow_mut();
                        p.in_flight = true;
                        p.tag += 1;
                        b.send(WorkerRequest::Run {
                            model: model.clone(),
                            input,
                            tag: p.tag,
                        });
                    }
                }
                WorkerResponse::InputGradient(g) => erf.set(Some(Rc::new(g))),
                WorkerResponse::Failed(msg) => {
                    // Whatever was running is over (a lost worker answers every request so).
                    pipeline.borrow_mut().in_flight = false;
                    status.set(Status::Failed(msg))
                }
                _ => {}
            })));
            *bridge_cell.borrow_mut() = Some(b.clone());
            b
        }))
        .clone()
    };

    // Load the weights shipped with the page.
    {
        let (bridge, status) = (bridge.clone(), status.clone());
        use_effect_with(model.clone(), move |model| {
            status.set(Status::Loading);
            let model = model.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match crate::web::fetch::bytes(&format!("weights/{model}.safetensors")).await {
                    Ok(bytes) => bridge.send(WorkerRequest::LoadWeights { model, bytes }),
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
        let (bridge, preview, result, pipeline, model) = (
            bridge.clone(),
            preview.clone(),
            result.clone(),
            pipeline.clone(),
            model.clone(),
        );
        Callback::from(move |ink: Rc<Vec<f32>>| {
            let pad = PAD_SIZE as usize;
            match mnist_preprocess(&ink, pad, pad) {
                None => {
                    preview.set(None);
                    result.set(None);
                    let mut p = pipeline.borrow_mut();
                    p.pending = None;
                    p.tag += 1;
                }
                Some(input) => {
                    preview.set(Some(Rc::new(input.clone())));
                    let mut p = pipeline.borrow_mut();
                    if p.in_flight {
                        p.pending = Some(input);
                    } else {
                        p.in_flight = true;
                        p.tag += 1;
                        bridge.send(WorkerRequest::Run {
                            model: model.clone(),
                            input,
                            tag: p.tag,
                        });
                    }
                }
            }
        })
    };
    let on_hover = {
        let hovered = hovered.clone();
        Callback::from(move |u: Option<HoveredUnit>| hovered.set(u))
    };
    let on_pick = {
        let (pinned, pinned_ref, bridge, model) = (
            pinned.clone(),
            pinned_ref.clone(),
            bridge.clone(),
            model.clone(),
        );
        Callback::from(move |u: HoveredUnit| {
            bridge.send(WorkerRequest::InputGradient {
                model: model.clone(),
                node: u.node,
                channel: u.channel,
                y: u.y,
                x: u.x,
                tag: 0,
            });
            *pinned_ref.borrow_mut() = Some(u.clone());
            pinned.set(Some(u));
        })
    };
    let pinned_field = (*pinned)
        .as_ref()
        .and_then(|u| unit_field(&d.analysis, u.node, u.y, u.x));
    let erf_view = match ((*pinned).as_ref(), (*erf).as_ref()) {
        (Some(u), Some(g)) if (g.node, g.channel, g.y, g.x) == (u.node, u.channel, u.y, u.x) => {
            html! {
                <ErfHeatmap heat={Rc::new(g.heat.clone())} height={g.height} width={g.width} field={pinned_field}
                    background={(*preview).clone().map(Background::Ink)} shown={192.0} millis={Some(g.millis)} />
            }
        }
        (Some(_), _) => {
            html! { <p class="note" data-testid="erf-status">{ lang.t("lenet-erf-computing") }</p> }
        }
        _ => html! {},
    };

    let probs = (*result)
        .as_ref()
        .map(|r| softmax(&r.values[d.net.output()]));
    // The hovered unit's receptive field on the input, from the analysis.
    let field = (*hovered).as_ref().map(|u| {
        let l = &d.analysis.layers[u.node];
        match (l.rf, l.jump, l.start) {
            (Some(rf), Some(j), Some(s)) => {
                let top = (s[0] - (rf[0] as f64 - 1.0) / 2.0) as i64 + (u.y * j[0]) as i64;
                let left = (s[1] - (rf[1] as f64 - 1.0) / 2.0) as i64 + (u.x * j[1]) as i64;
                (
                    [top, top + rf[0] as i64 - 1],
                    [left, left + rf[1] as i64 - 1],
                )
            }
            _ => ([0, side as i64 - 1], [0, side as i64 - 1]),
        }
    });
    let table = d.net.nodes.iter().find_map(|n| match &n.op {
        Op::Conv2d(c) => c
            .connections
            .clone()
            .map(|t| (t, d.analysis.layers[n.inputs[0]].shape[0])),
        _ => None,
    });

    html! {
        <section class="lenet-lab" data-testid="lenet-lab" data-status={match &*status { Status::Loading => "loading", Status::Ready => "ready", Status::Failed(_) => "failed" }}>
            <h3>{ lang.t("lenet-draw-title") }</h3>
            if let Status::Failed(msg) = &*status {
                <p class="error-message" data-testid="error-message">{ msg.text(lang) }</p>
            }
            <div class="lab-row">
                <DigitCanvas on_ink={on_ink} />
                <div class="lab-side">
                    <InputPreview pixels={(*preview).clone()} side={side} field={field} pinned={pinned_field} />
                    <div class="hover-readout" data-testid="hover-readout">
                        { match &*hovered {
                            Some(u) => lang.tf("lenet-hover-readout", &[
                                ("layer", (&u.layer).into()),
                                ("channel", u.channel.into()),
                                ("y", u.y.into()),
                                ("x", u.x.into()),
                                ("value", format!("{:.4}", u.value).into()),
                            ]),
                            None => lang.t("lenet-hover-hint"),
                        } }
                    </div>
                    if let Some(u) = (*pinned).as_ref() {
                        <div class="pinned-readout" data-testid="pinned-readout">
                            { lang.tf("lenet-pinned", &[
                                ("layer", (&u.layer).into()),
                                ("channel", u.channel.into()),
                                ("y", u.y.into()),
                                ("x", u.x.into()),
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
            if let Some(r) = (*result).clone() {
                <FeatureMaps described={props.described.clone()} result={r} on_hover={on_hover}
                    on_pick={on_pick} pinned={(*pinned).clone()} />
            }
        </section>
    }
}
