//! The root component: owns the chosen network, the worker bridge and the detected backend, and
//! lays out the header, the model picker, the main view and the status line.

use std::rc::Rc;

use gloo_worker::Spawnable;
use yew::prelude::*;

use super::{
    backend_status::BackendStatus,
    header::Header,
    main_view::MainView,
    model_picker::ModelPicker,
    shared::{PhotoContext, PhotoRun, WorkerContext, WorkerState, COMPARE, CONCEPTS},
};
use crate::protocol::{BackendChoice, EngineStatus, WorkerRequest, WorkerResponse};
use crate::view_state::ViewState;
use crate::web::worker::{AtlasWorker, WORKER_SCRIPT};

/// The view the address holds now.
fn address_view() -> ViewState {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    ViewState::from_query(&query)
}

/// Writes `view` into the address as a new history entry (back and forward move between views).
fn push_view(view: &ViewState) {
    let Some(w) = web_sys::window() else { return };
    let (search, path) = (
        w.location().search().unwrap_or_default(),
        w.location().pathname().unwrap_or_default(),
    );
    let query = view.to_query(&search);
    if query != search {
        if let Ok(h) = w.history() {
            let _ = h.push_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("{path}{query}")),
            );
        }
    }
}

/// The page a view opens: a described network, the Concepts or the Compare page, else LeNet-5.
fn page_of(view: &ViewState) -> String {
    view.view
        .clone()
        .filter(|v| v == CONCEPTS || v == COMPARE || crate::zoo::build(v).is_some())
        .unwrap_or_else(|| "lenet5".to_string())
}

/// Where the reader's choice of engine is kept in the browser.
const BACKEND_KEY: &str = "atlas-backend";

/// The reader's choice of engine: `?backend=` in the address, else the one kept in the browser,
/// else `auto`.
fn initial_choice() -> BackendChoice {
    let window = web_sys::window();
    let from_address = window
        .as_ref()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .and_then(|p| p.get("backend"));
    let kept = || {
        window
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(BACKEND_KEY).ok().flatten())
    };
    from_address
        .or_else(kept)
        .and_then(|k| BackendChoice::from_key(&k))
        .unwrap_or_default()
}

#[function_component(App)]
pub fn app() -> Html {
    // The view comes from the address, and goes back into it; back and forward restore it.
    let view = use_state(address_view);
    let selected = page_of(&view);
    {
        let view = view.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "popstate", move |_| view.set(address_view()))
            });
            move || drop(listener)
        });
    }
    let engine = use_state(|| None::<EngineStatus>);
    let choice = use_state(initial_choice);
    let worker_state = use_state(|| WorkerState::Starting);

    // The worker bridge lives as long as the page; its answers update `worker_state` and the
    // engine the status line shows (the worker tells it after every change).
    let bridge = {
        let (worker_state, engine) = (worker_state.clone(), engine.clone());
        let first_choice = *choice;
        use_memo((), move |_| -> WorkerContext {
            let bridge = AtlasWorker::spawner()
                .as_module(false)
                .callback(move |answer| match answer {
                    WorkerResponse::Ready(check) => worker_state.set(WorkerState::Ready(check)),
                    WorkerResponse::Engine(status) => engine.set(Some(status)),
                    WorkerResponse::Failed(msg) => worker_state.set(WorkerState::Failed(msg)),
                    _ => {}
                })
                .spawn(WORKER_SCRIPT);
            bridge.send(WorkerRequest::SelfCheck);
            bridge.send(WorkerRequest::SetBackend {
                choice: first_choice,
            });
            let ctx = WorkerContext(Rc::new(bridge));
            crate::web::bench::install(&ctx);
            crate::web::bench::install_gpu();
            ctx
        })
    };

    let on_choose = {
        let (choice, bridge) = (choice.clone(), bridge.clone());
        Callback::from(move |c: BackendChoice| {
            choice.set(c);
            if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                let _ = s.set_item(BACKEND_KEY, c.key());
            }
            bridge.0.send(WorkerRequest::SetBackend { choice: c });
        })
    };

    // The last photo that ran through any network, for the panels that draw on it.
    let last_photo = use_state(|| None::<PhotoRun>);
    let report = {
        let last_photo = last_photo.setter();
        use_callback((), move |run: PhotoRun, _| last_photo.set(Some(run)))
    };
    let photo = PhotoContext {
        last: (*last_photo).clone(),
        report,
    };

    let on_select = {
        let view = view.clone();
        Callback::from(move |id: String| {
            let next = ViewState {
                view: Some(id),
                ..(*view).clone()
            };
            push_view(&next);
            view.set(next);
        })
    };
    let on_compare = {
        let view = view.clone();
        Callback::from(move |(a, b): (String, String)| {
            let next = ViewState {
                view: Some(COMPARE.to_string()),
                a: Some(a),
                b: Some(b),
            };
            push_view(&next);
            view.set(next);
        })
    };

    html! {
        <ContextProvider<WorkerContext> context={(*bridge).clone()}>
        <ContextProvider<PhotoContext> context={photo}>
        <div class="atlas">
            <Header />
            <div class="layout">
                <aside class="sidebar">
                    <ModelPicker selected={selected.clone()} on_select={on_select} />
                </aside>
                <main class="main">
                    <MainView model={selected} compare={(view.a.clone(), view.b.clone())} on_compare={on_compare} />
                </main>
            </div>
            <BackendStatus engine={(*engine).clone()} worker={(*worker_state).clone()}
                choice={*choice} on_choose={on_choose} />
        </div>
        </ContextProvider<PhotoContext>>
        </ContextProvider<WorkerContext>>
    }
}
