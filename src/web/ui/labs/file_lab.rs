//! The lab of a network opened from an ONNX file: a 3-channel network reads a photo (resized and
//! cropped to its input, normalised with the mean and standard deviation the reader sets,
//! ImageNet's by default), a 1×28×28 or 1×32×32 one a digit drawn on the pad; the output goes
//! through a softmax into the top-5, named with ImageNet's classes for 1,000 outputs, with the
//! names of a labels file the reader gives (one per line), by index otherwise; every layer's maps
//! in the layer explorer. The worker holds the network; this lab only asks and shows.

use std::rc::Rc;

use web_sys::{Blob, HtmlInputElement};
use yew::prelude::*;

use crate::concepts::receptive::unit_field;
use crate::i18n::Msg;
use crate::imagenet::Image8;
use crate::inputs::Seen;
use crate::protocol::{Classification, WorkerRequest, WorkerResponse};
use crate::web::photo_decode;
use crate::web::ui::format::engine_name;
use crate::web::ui::hooks::worker::use_worker;
use crate::web::ui::panels::layer_explorer::LayerExplorer;
use crate::web::ui::panels::photo_input::PhotoInput;
use crate::web::ui::shared::{use_lang, ImportedNet, LayerData, PhotoContext, PhotoRun};
use crate::web::ui::widgets::crop_preview::CropPreview;
use crate::web::ui::widgets::digit_canvas::DigitCanvas;
use crate::web::ui::widgets::top5_list::Top5List;

#[derive(Properties, PartialEq)]
pub struct FileLabProps {
    pub imported: ImportedNet,
}

fn pick(answer: WorkerResponse) -> Option<WorkerResponse> {
    match answer {
        WorkerResponse::Classified(_)
        | WorkerResponse::LayerValues { .. }
        | WorkerResponse::Normalised { .. }
        | WorkerResponse::Failed(_) => Some(answer),
        _ => None,
    }
}

/// Three numbers from "0.485, 0.456, 0.406" (commas or spaces).
fn three(text: &str) -> Option<[f32; 3]> {
    let v: Vec<f32> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<f32>().ok())
        .collect::<Option<_>>()?;
    v.try_into().ok()
}

/// What the lab holds between renders.
#[derive(Clone, Default, PartialEq)]
struct Run {
    /// The photo's name, or "pad", being run.
    input: String,
    result: Option<Rc<Classification>>,
    /// The input the shown result is of.
    result_input: String,
    error: Option<Msg>,
    busy: bool,
}

/// What changes a run (the worker's answers arrive through a channel made once: a reducer, whose
/// dispatcher is stable, keeps them from reading a stale state).
enum Step {
    Start(String),
    Done(Classification),
    Error(Msg),
}

impl Reducible for Run {
    type Action = Step;

    fn reduce(self: Rc<Self>, step: Step) -> Rc<Self> {
        let mut next = (*self).clone();
        match step {
            Step::Start(input) => {
                next.input = input;
                next.busy = true;
            }
            Step::Done(c) => {
                next.busy = false;
                next.error = None;
                next.result = Some(Rc::new(c));
                next.result_input = next.input.clone();
            }
            Step::Error(msg) => {
                next.busy = false;
                next.error = Some(msg);
            }
        }
        Rc::new(next)
    }
}

#[function_component(FileLab)]
pub fn file_lab(props: &FileLabProps) -> Html {
    let lang = use_lang();
    let Some(d) = props.imported.described.as_ref().as_ref() else {
        return html! {};
    };
    let model = d.net.id.clone();
    let shape = d.net.input_shape().unwrap_or([0, 0, 0]);
    let outputs = d
        .analysis
        .layers
        .last()
        .map_or(0, |l| l.shape.iter().product::<usize>());
    let photo_kind = shape[0] == 3;
    let digit_kind = shape[0] == 1 && shape[1] == shape[2] && (shape[1] == 28 || shape[1] == 32);
    let run = use_reducer(Run::default);
    let tag = use_mut_ref(|| 0u64);
    let last_image = use_mut_ref(|| None::<(Rc<Image8>, String)>);
    // The first layer's maps at first (edges and colours), any layer on request.
    let layer = use_state(|| 1.min(d.net.output()));
    // A unit picked in the explorer: its field drawn on the crop.
    let picked = use_state(|| None::<(usize, usize, usize, usize)>);
    let layer_data = use_state(|| None::<LayerData>);
    let labels = use_state(|| None::<Rc<Vec<String>>>);
    let mean = use_state(|| "0.485, 0.456, 0.406".to_string());
    let std = use_state(|| "0.229, 0.224, 0.225".to_string());
    // A photo this lab runs becomes the worker's last photo, which the compare view runs again:
    // the page's record of the last photo says so.
    let report = use_context::<PhotoContext>().map(|p| p.report);
    let bridge = {
        let (run, layer_data) = (run.dispatcher(), layer_data.setter());
        let model = model.clone();
        let (tag, last_image) = (tag.clone(), last_image.clone());
        use_worker(model.clone(), pick, move |answer| match answer {
            WorkerResponse::Classified(c) if c.model == model && c.tag == *tag.borrow() => {
                if let (Seen::Crop { crop, .. }, Some(report)) = (&c.seen, &report) {
                    let photo = last_image
                        .borrow()
                        .as_ref()
                        .map_or(String::new(), |(_, name)| name.clone());
                    report.emit(PhotoRun {
                        model: model.clone(),
                        tag: c.tag,
                        photo,
                        crop: Rc::new(crop.data.clone()),
                        side: crop.width,
                        height: crop.height,
                    });
                }
                run.dispatch(Step::Done(c));
                layer_data.set(None);
            }
            WorkerResponse::LayerValues {
                model: m,
                node,
                tag: t,
                shape,
                values,
            } if m == model && t == *tag.borrow() => {
                layer_data.set(Some(LayerData {
                    node,
                    shape,
                    values: Rc::new(values),
                }));
            }
            WorkerResponse::Failed(msg) => run.dispatch(Step::Error(msg)),
            _ => {}
        })
    };
    // Classifies an image (a decoded photo, the pad's ink).
    let classify = {
        let (bridge, run, tag, model) =
            (bridge.clone(), run.dispatcher(), tag.clone(), model.clone());
        let last_image = last_image.clone();
        Callback::from(move |(image, input): (Rc<Image8>, String)| {
            *tag.borrow_mut() += 1;
            *last_image.borrow_mut() = Some((image.clone(), input.clone()));
            run.dispatch(Step::Start(input));
            bridge.send(WorkerRequest::Classify {
                model: model.clone(),
                image: (*image).clone(),
                tag: *tag.borrow(),
                every_layer: false,
            });
        })
    };
    // After each classification, the chosen layer's values.
    {
        let (bridge, model, tag) = (bridge.clone(), model.clone(), tag.clone());
        let result_tag = run.result.as_ref().map(|r| r.tag);
        use_effect_with((result_tag, *layer), move |(t, node)| {
            if t.is_some() {
                bridge.send(WorkerRequest::Layers {
                    model,
                    nodes: vec![*node],
                    tag: *tag.borrow(),
                });
            }
        });
    }
    let on_photo = {
        let (classify, run) = (classify.clone(), run.dispatcher());
        Callback::from(move |(blob, name): (Blob, String)| {
            let (classify, run) = (classify.clone(), run.clone());
            run.dispatch(Step::Start(name.clone()));
            wasm_bindgen_futures::spawn_local(async move {
                match photo_decode::decode(&blob, &name).await {
                    Ok(decoded) => classify.emit((Rc::new(decoded.image), name)),
                    Err(e) => run.dispatch(Step::Error(e)),
                }
            });
        })
    };
    let on_sample = {
        let on_photo = on_photo.clone();
        let run = run.dispatcher();
        Callback::from(move |path: String| {
            let (on_photo, run) = (on_photo.clone(), run.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                match crate::web::fetch::blob(&path).await {
                    Ok(b) => on_photo.emit((b, name)),
                    Err(e) => run.dispatch(Step::Error(e)),
                }
            });
        })
    };
    let on_ink = {
        let classify = classify.clone();
        Callback::from(move |ink: Rc<Image8>| classify.emit((ink, "pad".to_string())))
    };
    let on_norm = {
        let (bridge, mean, std, run, model) = (
            bridge.clone(),
            mean.clone(),
            std.clone(),
            run.dispatcher(),
            model.clone(),
        );
        let (classify, last_image) = (classify.clone(), last_image.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match (three(&mean), three(&std)) {
                (Some(m), Some(s)) => {
                    bridge.send(WorkerRequest::SetNormalisation {
                        model: model.clone(),
                        mean: m,
                        std: s,
                    });
                    // The photo again, normalised so (the worker takes requests in order).
                    if let Some(again) = last_image.borrow().clone() {
                        classify.emit(again);
                    }
                }
                _ => run.dispatch(Step::Error(Msg::new("onnx-error-normalisation"))),
            }
        })
    };
    let on_labels = {
        let (labels, run) = (labels.clone(), run.dispatcher());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let (labels, run) = (labels.clone(), run.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(text) => {
                        let text = text.as_string().unwrap_or_default();
                        let names: Vec<String> =
                            text.lines().map(|l| l.trim().to_string()).collect();
                        labels.set(Some(Rc::new(names)));
                    }
                    Err(_) => run.dispatch(Step::Error(
                        Msg::new("onnx-read-failed").arg("file", file.name()),
                    )),
                }
            });
        })
    };
    let input_box = |id: &'static str, state: &UseStateHandle<String>| {
        let value = (**state).clone();
        let state = state.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.set(input.value());
        });
        html! { <input type="text" data-testid={id} {value} {oninput} /> }
    };
    // ImageNet's names for 1,000 outputs, the labels file's, indices otherwise.
    let names = match (&*labels, outputs) {
        (Some(l), _) => Some(l.clone()),
        (None, 1000) => None,
        (None, _) => Some(Rc::new(Vec::new())),
    };
    let naming = match (&*labels, outputs) {
        (Some(l), _) => lang.tf(
            "onnx-names-file",
            &[("n", l.len().into()), ("outputs", outputs.into())],
        ),
        (None, 1000) => lang.t("onnx-names-imagenet"),
        (None, _) => lang.tf("onnx-names-index", &[("outputs", outputs.into())]),
    };
    let field = picked.and_then(|(node, _, y, x)| unit_field(&d.analysis, node, y, x));
    let field_label = picked.map(|(node, c, y, x)| {
        lang.tf(
            "photo-unit-in-map",
            &[
                ("layer", d.net.nodes[node].name.as_str().into()),
                ("channel", c.to_string().into()),
                ("y", y.to_string().into()),
                ("x", x.to_string().into()),
            ],
        )
    });
    let r = &*run;
    let mut top: Vec<(usize, f32)> = r
        .result
        .as_ref()
        .map(|c| c.probs.clone())
        .unwrap_or_default();
    top.sort_by(|a, b| b.1.total_cmp(&a.1));
    top.truncate(5);
    html! {
        <section class="panel file-lab" data-testid="file-lab">
            <h3>{ lang.t("onnx-lab-title") }</h3>
            if photo_kind {
                <p class="lead">{ lang.tf("onnx-lab-photo", &[("h", shape[1].into()), ("w", shape[2].into())]) }</p>
                <PhotoInput on_photo={on_photo} on_sample={on_sample} busy={r.busy} />
                <form class="normalisation" data-testid="onnx-normalisation" onsubmit={on_norm}>
                    <label><span>{ lang.t("onnx-mean") }</span>{ input_box("onnx-mean", &mean) }</label>
                    <label><span>{ lang.t("onnx-std") }</span>{ input_box("onnx-std", &std) }</label>
                    <button type="submit" data-testid="onnx-normalise">{ lang.t("onnx-normalise") }</button>
                </form>
            } else if digit_kind {
                <p class="lead">{ lang.tf("onnx-lab-digit", &[("side", shape[1].into())]) }</p>
                <DigitCanvas on_ink={on_ink} />
            } else {
                <p class="lead" data-testid="onnx-no-input">{ lang.tf("onnx-lab-no-input", &[("c", shape[0].into()), ("h", shape[1].into()), ("w", shape[2].into())]) }</p>
            }
            <p class="labels">
                <span data-testid="onnx-naming">{ naming }</span>
                <label class="file-button">
                    <span>{ lang.t("onnx-labels") }</span>
                    <input type="file" accept=".txt,text/plain" data-testid="onnx-labels" onchange={on_labels} />
                </label>
            </p>
            if let Some(e) = &r.error {
                <p class="error-message" data-testid="error-message" role="alert">{ e.text(lang) }</p>
            }
            if r.busy {
                <p class="status" role="status" data-testid="onnx-running">{ lang.t("onnx-running") }</p>
            }
            if let Some(c) = &r.result {
                <div class="file-result" data-testid="onnx-result"
                    data-engine={if matches!(c.seen, Seen::Blank) { "" } else { c.engine.key() }}>
                    if let Seen::Crop { crop, .. } = &c.seen {
                        <CropPreview rgb={Rc::new(crop.data.clone())} side={crop.width} testid="crop-preview"
                            field={field} field_label={field_label} />
                    }
                    if top.is_empty() {
                        <p>{ lang.t("onnx-blank") }</p>
                    } else {
                        <Top5List top5={top} photo={r.result_input.clone()} names={names} />
                    }
                    // A blank pad runs nothing: no engine or time to state.
                    if !matches!(c.seen, Seen::Blank) {
                        <p class="timing" data-testid="onnx-timing">{ lang.tf("onnx-ran", &[("engine", engine_name(lang, c.engine).into()), ("ms", format!("{:.0}", c.forward_ms).into())]) }</p>
                    }
                </div>
                <LayerExplorer described={props.imported.described.clone()} node={*layer}
                    data={(*layer_data).clone()}
                    on_select={{ let (layer, picked) = (layer.clone(), picked.clone()); Callback::from(move |n| { layer.set(n); picked.set(None); }) }}
                    picked={picked.filter(|p| p.0 == *layer).map(|(_, c, y, x)| (c, y, x))}
                    on_pick={{ let (layer, picked) = (layer.clone(), picked.clone()); Callback::from(move |(c, y, x)| picked.set(Some((*layer, c, y, x)))) }} />
            }
        </section>
    }
}
