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
    shared::{PhotoContext, PhotoRun, WorkerContext, WorkerState},
};
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::backend::{self, Backend};
use crate::web::worker::{AtlasWorker, WORKER_SCRIPT};

#[function_component(App)]
pub fn app() -> Html {
    let selected = use_state(|| "lenet5".to_string());
    let backend = use_state(|| None::<Backend>);
    let worker_state = use_state(|| WorkerState::Starting);

    // The worker bridge lives as long as the page; its answers update `worker_state`.
    let bridge = {
        let worker_state = worker_state.clone();
        use_memo((), move |_| -> WorkerContext {
            let bridge = AtlasWorker::spawner()
                .as_module(false)
                .callback(move |answer| match answer {
                    WorkerResponse::Ready(check) => worker_state.set(WorkerState::Ready(check)),
                    WorkerResponse::Failed(msg) => worker_state.set(WorkerState::Failed(msg)),
                    _ => {}
                })
                .spawn(WORKER_SCRIPT);
            bridge.send(WorkerRequest::SelfCheck);
            let ctx = WorkerContext(Rc::new(bridge));
            crate::web::bench::install(&ctx);
            crate::web::bench::install_gpu();
            ctx
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
        let selected = selected.clone();
        Callback::from(move |id: String| selected.set(id))
    };

    html! {
        <ContextProvider<WorkerContext> context={(*bridge).clone()}>
        <ContextProvider<PhotoContext> context={photo}>
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
        </ContextProvider<PhotoContext>>
        </ContextProvider<WorkerContext>>
    }
}
