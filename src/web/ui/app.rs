//! The root component: owns the chosen network, the worker bridge and the detected backend, and
//! lays out the header, the model picker, the main view and the status line.

use std::rc::Rc;

use gloo_worker::{Spawnable, WorkerBridge};
use yew::prelude::*;

use super::{
    backend_status::BackendStatus, header::Header, main_view::MainView, model_picker::ModelPicker,
};
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::backend::{self, Backend};
use crate::web::worker::{AtlasWorker, WORKER_SCRIPT};

/// The state of the worker as the page knows it.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerState {
    Starting,
    Answered(WorkerResponse),
}

#[function_component(App)]
pub fn app() -> Html {
    let selected = use_state(|| "lenet5".to_string());
    let backend = use_state(|| None::<Backend>);
    let worker_state = use_state(|| WorkerState::Starting);

    // The worker bridge lives as long as the page; its answers update `worker_state`.
    let _bridge = {
        let worker_state = worker_state.clone();
        use_memo((), move |_| -> Rc<WorkerBridge<AtlasWorker>> {
            let bridge = AtlasWorker::spawner()
                .as_module(false)
                .callback(move |answer| worker_state.set(WorkerState::Answered(answer)))
                .spawn(WORKER_SCRIPT);
            bridge.send(WorkerRequest::SelfCheck);
            Rc::new(bridge)
        })
    };

    {
        let backend = backend.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                backend.set(Some(backend::detect().await));
            });
        });
    }

    let on_select = {
        let selected = selected.clone();
        Callback::from(move |id: String| selected.set(id))
    };

    html! {
        <div class="atlas">
            <Header />
            <div class="layout">
                <aside class="sidebar">
                    <ModelPicker selected={(*selected).clone()} on_select={on_select} />
                </aside>
                <main class="main">
                    <MainView model={(*selected).clone()} />
                </main>
            </div>
            <BackendStatus backend={(*backend).clone()} worker={(*worker_state).clone()} />
        </div>
    }
}
