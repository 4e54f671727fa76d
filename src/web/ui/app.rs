//! The root component: owns the chosen network, the page's language, the worker bridge and the
//! detected backend, and lays out the header, the model picker, the page chosen (a network's, the
//! Compare page or the Concepts page) and the status line.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::{Lang, Msg};
use crate::protocol::{BackendChoice, EngineStatus, WorkerRequest, WorkerResponse};
use crate::view_state::ViewState;
use crate::web::host::{Restart, WorkerHost, WORKER_SCRIPT};
use crate::web::ui::hooks::training::use_training;
use crate::web::ui::hooks::worker::open;
use crate::web::ui::pages::{
    compare_page::ComparePage, concepts_page::ConceptsPage, network_page::NetworkPage,
    onnx_page::OnnxPage, train_page::TrainPage,
};
use crate::web::ui::panels::{
    backend_status::BackendStatus, header::Header, model_picker::ModelPicker,
};
use crate::web::ui::shared::{
    ImportedContext, ImportedNet, LibraryContext, Navigate, PhotoContext, PhotoRun,
    TrainingContext, WorkerContext, WorkerState, COMPARE, CONCEPTS, ONNX, TRAIN,
};

/// What the status line hears from the worker: the self-check's outcome, the engine in use.
enum Status {
    Checked(WorkerState),
    Engine(EngineStatus),
}

fn pick_status(answer: WorkerResponse) -> Option<Status> {
    match answer {
        WorkerResponse::Ready(check) => Some(Status::Checked(WorkerState::Ready(check))),
        WorkerResponse::Engine(status) => Some(Status::Engine(status)),
        WorkerResponse::Failed(msg) => Some(Status::Checked(WorkerState::Failed(msg))),
        _ => None,
    }
}

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

/// The page a view opens: a described network (of the zoo, or opened from a file in this visit),
/// the Concepts, Compare, Train or open-your-own page, else LeNet-5. A file's network the page no
/// longer holds (a link, a reload: files are never sent anywhere) opens the page that opens one.
fn page_of(view: &ViewState, imported: &[ImportedNet]) -> String {
    let v = view.view.clone().unwrap_or_default();
    if [CONCEPTS, COMPARE, TRAIN, ONNX].contains(&v.as_str())
        || crate::zoo::build(&v).is_some()
        || imported.iter().any(|n| n.id() == v)
    {
        v
    } else if v.ends_with(".onnx") {
        ONNX.to_string()
    } else {
        "lenet5".to_string()
    }
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

/// Where the reader's language is kept in the browser.
const LANG_KEY: &str = "atlas-lang";

/// The page's language: `?lang=` in the address, else the one kept in the browser, else the
/// browser's own preference when the page has it, else English.
fn initial_lang() -> Lang {
    let window = web_sys::window();
    let from_address = crate::web::address::param("lang");
    let kept = || {
        window
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
    };
    let preferred = || {
        let langs = window.as_ref()?.navigator().languages();
        langs
            .iter()
            .filter_map(|l| l.as_string())
            .find(|l| Lang::from_code(l).is_some())
    };
    [from_address, kept(), preferred()]
        .into_iter()
        .flatten()
        .find_map(|c| Lang::from_code(&c))
        .unwrap_or_default()
}

/// Shows the language on the document (`<html lang>`, the title) and in the address, where a
/// shared link carries it (English, the default, only once chosen).
fn show_lang(lang: Lang, chosen: bool) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = doc.document_element() {
        let _ = root.set_attribute("lang", lang.bcp47());
    }
    doc.set_title(&lang.t("app-document-title"));
    if chosen || lang != Lang::En {
        crate::web::address::replace("lang", Some(lang.code()));
    }
}

/// Arrow keys, Home and End move the focus between the picker's entries; true when it moved.
fn move_focus(e: &KeyboardEvent, key: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(aside) = e
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let Ok(list) = aside.query_selector_all("button.model-entry") else {
        return false;
    };
    let entries: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let Some(at) = entries.iter().position(|el| {
        active
            .as_ref()
            .is_some_and(|a| a == el.as_ref() as &web_sys::Element)
    }) else {
        return false;
    };
    let last = entries.len() - 1;
    let to = match key {
        "ArrowDown" | "ArrowRight" => (at + 1).min(last),
        "ArrowUp" | "ArrowLeft" => at.saturating_sub(1),
        "Home" => 0,
        "End" => last,
        _ => return false,
    };
    let _ = entries[to].focus();
    true
}

#[function_component(App)]
pub fn app() -> Html {
    // The view comes from the address, and goes back into it; back and forward restore it.
    let view = use_state(address_view);
    // Networks opened from files in this visit (the worker holds them; a new worker has none).
    let imported = use_state(Vec::<ImportedNet>::new);
    let selected = page_of(&view, &imported);
    {
        let view = view.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "popstate", move |_| view.set(address_view()))
            });
            move || drop(listener)
        });
    }
    let lang = use_state(initial_lang);
    use_effect_with(*lang, |l| show_lang(*l, false));
    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |l: Lang| {
            if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                let _ = s.set_item(LANG_KEY, l.code());
            }
            show_lang(l, true);
            lang.set(l);
        })
    };
    let engine = use_state(|| None::<EngineStatus>);
    let choice = use_state(initial_choice);
    let worker_state = use_state(|| WorkerState::Starting);

    // The worker lives as long as the page (a new one replaces it if it dies); the status line's
    // bridge hears the self-check and the engine the worker reports after every change.
    let restarted = use_state(|| None::<Restart>);
    let restarts = use_state(|| 0usize);
    let (bridge, status_bridge) = {
        let (worker_state, engine, restarted) =
            (worker_state.clone(), engine.clone(), restarted.clone());
        let restarts = restarts.clone();
        let first_choice = *choice;
        (*use_memo((), move |_| {
            let host = WorkerHost::start(WORKER_SCRIPT);
            let count = std::cell::Cell::new(0usize);
            // A worker that died takes its state and engine with it: the status line says the
            // new one is starting (its self-check and engine choice are replayed to it) or, where
            // the page gave up, that none runs.
            let (state_now, engine_now) = (worker_state.clone(), engine.clone());
            host.on_restart(move |r| {
                count.set(count.get() + 1);
                restarts.set(count.get());
                state_now.set(if r.gave_up {
                    WorkerState::Failed(Msg::new("app-worker-none"))
                } else {
                    WorkerState::Starting
                });
                engine_now.set(None);
                restarted.set(Some(r));
            });
            let ctx = WorkerContext(Rc::new(host));
            let status = open(&ctx, pick_status, move |answer| match answer {
                Status::Checked(state) => worker_state.set(state),
                Status::Engine(status) => engine.set(Some(status)),
            });
            status.send(WorkerRequest::SelfCheck);
            status.send(WorkerRequest::SetBackend {
                choice: first_choice,
            });
            crate::web::bench::install(&ctx);
            crate::web::bench::install_gpu();
            (ctx, status)
        }))
        .clone()
    };

    let on_choose = {
        let (choice, status_bridge) = (choice.clone(), status_bridge.clone());
        Callback::from(move |c: BackendChoice| {
            choice.set(c);
            if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                let _ = s.set_item(BACKEND_KEY, c.key());
            }
            status_bridge.send(WorkerRequest::SetBackend { choice: c });
        })
    };

    // The weights ready without a download (shipped, kept in this browser) and the Hub's
    // address: read at start, the kept ones again after a download or a deletion.
    let shipped = use_state(|| Rc::new(std::collections::HashMap::new()));
    let cached = use_state(|| Rc::new(Vec::new()));
    let hub = use_state(crate::web::library::hub_base);
    let refresh = {
        let cached = cached.setter();
        use_callback((), move |_: (), _| {
            let cached = cached.clone();
            wasm_bindgen_futures::spawn_local(async move {
                cached.set(Rc::new(crate::web::library::cached().await));
            });
        })
    };
    {
        let (shipped, refresh) = (shipped.setter(), refresh.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                shipped.set(Rc::new(crate::web::library::shipped().await));
            });
            refresh.emit(());
        });
    }
    let set_hub = {
        let hub = hub.setter();
        use_callback((), move |base: String, _| {
            if let Some(clean) = crate::web::library::set_hub_base(&base) {
                hub.set(clean);
            }
        })
    };
    let library = LibraryContext {
        shipped: (*shipped).clone(),
        cached: (*cached).clone(),
        hub: (*hub).clone(),
        refresh,
        set_hub,
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

    // Below a tablet's width the picker is a menu over the page (see static/style.css).
    let menu_open = use_state(|| false);
    let main_ref = use_node_ref();
    let focus_main = {
        let main_ref = main_ref.clone();
        move || {
            if let Some(m) = main_ref.cast::<web_sys::HtmlElement>() {
                let _ = m.focus();
            }
        }
    };
    let on_menu = {
        let menu_open = menu_open.clone();
        Callback::from(move |open: bool| menu_open.set(open))
    };
    let on_skip = {
        let focus_main = focus_main.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            focus_main();
        })
    };
    let on_picker_key = {
        let menu_open = menu_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if key == "Escape" && *menu_open {
                menu_open.set(false);
            } else if move_focus(&e, &key) {
                e.prevent_default();
            }
        })
    };
    let on_select = {
        let (view, menu_open) = (view.clone(), menu_open.clone());
        let (focus_main, main_ref) = (focus_main.clone(), main_ref.clone());
        Callback::from(move |id: String| {
            if *menu_open {
                menu_open.set(false);
                focus_main();
            }
            let next = ViewState {
                view: Some(id),
                ..(*view).clone()
            };
            // Another network opens at its top (its title, and the pad where a stroke lands),
            // not wherever the last one was scrolled to.
            // On a desktop the main column scrolls; on a phone the whole page does.
            if next.view != view.view {
                if let Some(m) = main_ref.cast::<web_sys::Element>() {
                    m.set_scroll_top(0);
                }
                if let Some(w) = web_sys::window() {
                    w.scroll_to_with_x_and_y(0.0, 0.0);
                }
            }
            push_view(&next);
            view.set(next);
        })
    };
    // The training lab's channel lives as long as the page: a run goes on while the reader is
    // elsewhere; weights handed to the pad open that network's page.
    let training = use_training(&bridge, on_select.clone(), *restarts);
    {
        let imported = imported.clone();
        use_effect_with(*restarts, move |r| {
            if *r > 0 {
                imported.set(Vec::new());
            }
        });
    }
    let imported_ctx = {
        let add = {
            let imported = imported.clone();
            Callback::from(move |net: ImportedNet| {
                let mut next: Vec<ImportedNet> = imported
                    .iter()
                    .filter(|n| n.id() != net.id())
                    .cloned()
                    .collect();
                next.push(net);
                imported.set(next);
            })
        };
        ImportedContext {
            nets: Rc::new((*imported).clone()),
            add,
        }
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
        <ContextProvider<Lang> context={*lang}>
        <ContextProvider<WorkerContext> context={bridge.clone()}>
        <ContextProvider<PhotoContext> context={photo}>
        <ContextProvider<LibraryContext> context={library}>
        <ContextProvider<Navigate> context={Navigate(on_select.clone())}>
        <ContextProvider<TrainingContext> context={training}>
        <ContextProvider<ImportedContext> context={imported_ctx}>
        <div class="atlas">
            <a class="skip-link" href="#main" data-testid="skip-link" onclick={on_skip}>{ lang.t("app-skip") }</a>
            <Header on_lang={on_lang} menu_open={*menu_open} on_menu={on_menu.clone()} />
            <div class={classes!("layout", menu_open.then_some("menu-open"))}>
                <aside class="sidebar" id="picker" data-testid="sidebar" onkeydown={on_picker_key}>
                    <ModelPicker selected={selected.clone()} on_select={on_select.clone()} />
                </aside>
                if *menu_open {
                    <div class="menu-backdrop" data-testid="menu-backdrop" onclick={on_menu.reform(|_| false)}></div>
                }
                <main class="main" id="main" tabindex="-1" ref={main_ref}>
                    { match selected.as_str() {
                        CONCEPTS => html! { <ConceptsPage /> },
                        TRAIN => html! { <TrainPage /> },
                        ONNX => html! { <OnnxPage /> },
                        COMPARE => html! {
                            <ComparePage a={view.a.clone()} b={view.b.clone()} on_change={on_compare} />
                        },
                        _ => html! {
                            <NetworkPage model={selected.clone()}
                                imported={imported.iter().find(|n| n.id() == selected).cloned()} />
                        },
                    } }
                </main>
            </div>
            <BackendStatus engine={(*engine).clone()} worker={(*worker_state).clone()}
                choice={*choice} on_choose={on_choose} restarted={(*restarted).clone()} />
        </div>
        </ContextProvider<ImportedContext>>
        </ContextProvider<TrainingContext>>
        </ContextProvider<Navigate>>
        </ContextProvider<LibraryContext>>
        </ContextProvider<PhotoContext>>
        </ContextProvider<WorkerContext>>
        </ContextProvider<Lang>>
    }
}
