//! Opening your own network: an ONNX file picked (`onnx-input`), dropped, or given by address
//! (`onnx-url`). The worker reads it from the page's memory (a `blob:` URL; nothing is uploaded)
//! or downloads it, maps it onto a description and holds it; then its page opens. A file that
//! cannot be run is said in `onnx-error`, and what was open stays.

use std::rc::Rc;

use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use crate::i18n::Msg;
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::ui::hooks::file_drop::use_file_drop;
use crate::web::ui::hooks::worker::use_worker;
use crate::web::ui::shared::{analysed, use_lang, ImportedContext, ImportedNet, Navigate};

fn pick(answer: WorkerResponse) -> Option<WorkerResponse> {
    match answer {
        WorkerResponse::Opened { .. } | WorkerResponse::Failed(_) => Some(answer),
        _ => None,
    }
}

/// What the panel shows.
#[derive(Clone, PartialEq)]
enum State {
    Idle,
    Reading(String),
    Failed(Msg),
}

#[function_component(OnnxOpen)]
pub fn onnx_open() -> Html {
    let lang = use_lang();
    let state = use_state(|| State::Idle);
    let url = use_state(String::new);
    let imported = use_context::<ImportedContext>();
    let navigate = use_context::<Navigate>();
    // A `blob:` URL made for a picked file, revoked once the worker has read it.
    let blob_url = use_mut_ref(|| None::<String>);
    let bridge = {
        let (state, blob_url) = (state.clone(), blob_url.clone());
        let (imported, navigate) = (imported.clone(), navigate.clone());
        use_worker((), pick, move |answer| {
            if let Some(u) = blob_url.borrow_mut().take() {
                let _ = web_sys::Url::revoke_object_url(&u);
            }
            match answer {
                WorkerResponse::Opened {
                    net,
                    softmax_dropped,
                    ..
                } => {
                    let id = net.id.clone();
                    state.set(State::Idle);
                    if let Some(ctx) = &imported {
                        ctx.add.emit(ImportedNet {
                            described: Rc::new(Some(analysed(*net))),
                            softmax_dropped,
                        });
                    }
                    if let Some(n) = &navigate {
                        n.0.emit(id);
                    }
                }
                WorkerResponse::Failed(msg) => state.set(State::Failed(msg)),
                _ => {}
            }
        })
    };
    let open_file = {
        let (bridge, state, blob_url) = (bridge.clone(), state.clone(), blob_url.clone());
        Callback::from(move |file: File| {
            let name = file.name();
            if !name.to_ascii_lowercase().ends_with(".onnx") {
                state.set(State::Failed(
                    Msg::new("onnx-not-onnx-name").arg("file", name),
                ));
                return;
            }
            match web_sys::Url::create_object_url_with_blob(&file) {
                Ok(u) => {
                    *blob_url.borrow_mut() = Some(u.clone());
                    state.set(State::Reading(name.clone()));
                    bridge.send(WorkerRequest::OpenOnnx {
                        url: u,
                        label: name,
                    });
                }
                Err(_) => state.set(State::Failed(
                    Msg::new("onnx-read-failed").arg("file", name),
                )),
            }
        })
    };
    let drop = use_file_drop(open_file);
    let on_url_input = {
        let url = url.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            url.set(input.value());
        })
    };
    let on_submit = {
        let (url, bridge, state) = (url.clone(), bridge.clone(), state.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let address = url.trim().to_string();
            if !(address.starts_with("http://") || address.starts_with("https://")) {
                state.set(State::Failed(Msg::new("onnx-url-needed")));
                return;
            }
            let label = address
                .split(['?', '#'])
                .next()
                .and_then(|p| p.rsplit('/').next())
                .filter(|n| !n.is_empty())
                .unwrap_or("model.onnx")
                .to_string();
            state.set(State::Reading(label.clone()));
            bridge.send(WorkerRequest::OpenOnnx {
                url: address,
                label,
            });
        })
    };
    let reading = matches!(*state, State::Reading(_));
    html! {
        <section class="panel onnx-open" data-testid="onnx-open">
            <h3>{ lang.t("onnx-open-title") }</h3>
            <p class="lead">{ lang.t("onnx-open-lead") }</p>
            <label class={classes!("drop-zone", drop.dragging.then_some("dragging"))} data-testid="onnx-drop"
                ondrop={drop.on_drop} ondragover={drop.on_drag_over} ondragleave={drop.on_drag_leave}>
                <span>{ lang.t("onnx-open-drop") }</span>
                <input type="file" accept=".onnx" data-testid="onnx-input" disabled={reading} onchange={drop.on_change} />
            </label>
            <form class="url-form" onsubmit={on_submit}>
                <label>
                    <span>{ lang.t("onnx-open-url") }</span>
                    <input type="url" data-testid="onnx-url" placeholder="https://…/model.onnx"
                        value={(*url).clone()} oninput={on_url_input} disabled={reading} />
                </label>
                <button type="submit" data-testid="onnx-url-open" disabled={reading}>{ lang.t("onnx-open-url-button") }</button>
            </form>
            <p class="privacy">{ lang.t("onnx-open-private") }</p>
            { match &*state {
                State::Reading(name) => html! {
                    <p class="status" data-testid="onnx-reading" role="status">
                        { lang.tf("onnx-reading", &[("file", name.into())]) }
                    </p>
                },
                State::Failed(msg) => html! {
                    <p class="error-message" data-testid="onnx-error" role="alert">{ msg.text(lang) }</p>
                },
                State::Idle => html! {},
            } }
            <details class="onnx-ops">
                <summary>{ lang.t("onnx-open-ops") }</summary>
                <p lang="en">{ crate::onnx::SUPPORTED.join(", ") }</p>
            </details>
        </section>
    }
}
