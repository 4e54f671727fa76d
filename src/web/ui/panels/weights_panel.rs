//! Where an ImageNet network's weights come from, said before anything downloads: how many
//! parameters and how large the checkpoint is (from the zoo's description); first the one-click
//! offer (`weights-get`: the copy shipped with the page, torchvision's weights on the Hugging
//! Face Hub, or torchvision's own server), cancellable while it downloads (`weights-cancel`);
//! then the other ways — a file (`.pth` or `.safetensors`, picked or dropped), an address
//! (downloaded with a progress bar and kept in the browser's Cache API); weights unloaded to keep
//! within the memory bound come back from the Cache API with one click (`weights-reload`); and
//! what this browser keeps (`weights-manager`).

use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use crate::i18n::{Lang, Msg};
use crate::protocol::{EngineKind, Reload, WorkerMemory};
use crate::sources::{Kind, Offer};
use crate::web::ui::format::{engine_name, mib};
use crate::web::ui::hooks::file_drop::use_file_drop;
use crate::web::ui::shared::use_lang;
use crate::web::ui::widgets::network_link::NetworkLink;

/// Where loaded weights came from: the name the page gave (a file name, a URL), and whether the
/// worker took them from the copy kept in this browser's cache.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub label: String,
    pub from_cache: bool,
}

impl Source {
    pub fn text(&self, lang: Lang) -> String {
        if self.from_cache {
            lang.tf("photo-source-cached", &[("label", (&self.label).into())])
        } else {
            self.label.clone()
        }
    }
}

/// What the panel shows about the weights.
#[derive(Clone, Debug, PartialEq)]
pub enum WeightsState {
    /// Nothing loaded yet.
    Missing,
    /// A download or a file read in progress.
    Loading {
        source: String,
        loaded: u64,
        total: Option<u64>,
    },
    /// Loaded and checked.
    Ready {
        source: Source,
        memory: WorkerMemory,
        /// The engine the worker prepared them on.
        engine: EngineKind,
    },
}

#[derive(Properties, PartialEq)]
pub struct WeightsPanelProps {
    pub model: String,
    pub label: String,
    pub params: u64,
    /// Checkpoint size in f32 and f16.
    pub bytes_f32: u64,
    pub bytes_f16: u64,
    /// torchvision's official file URL, when there is one.
    pub official_url: Option<String>,
    pub state: WeightsState,
    /// The weights that are loaded now, if any (kept when a later load fails).
    pub loaded_from: Option<Source>,
    pub on_file: Callback<File>,
    pub on_url: Callback<String>,
    /// The one-click way to the weights, and whether this browser keeps its download.
    pub offer: Option<Offer>,
    pub offer_kept: bool,
    pub on_get: Callback<()>,
    pub on_cancel: Callback<()>,
    /// Weights the worker unloaded, to load again from the Cache API.
    pub reload: Option<Reload>,
    pub on_reload: Callback<Reload>,
    /// What the reader should know about the loaded weights (a copy not kept: a full disk).
    pub note: Option<Msg>,
    /// Set when no weights were ever published for this network: the closest network of the
    /// zoo that has them (identifier and name), if any.
    #[prop_or_default]
    pub unpublished: Option<Option<(String, String)>>,
    /// What the page puts at the panel's end.
    #[prop_or_default]
    pub children: Html,
}

#[function_component(WeightsPanel)]
pub fn weights_panel(props: &WeightsPanelProps) -> Html {
    let lang = use_lang();
    let url = use_state(String::new);
    let drop = use_file_drop(props.on_file.clone());
    let on_url_input = {
        let url = url.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            url.set(input.value());
        })
    };
    let on_submit = {
        let (url, on_url) = (url.clone(), props.on_url.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // An empty address is answered with what to enter.
            on_url.emit(url.trim().to_string());
        })
    };
    let use_official = {
        let (url, official) = (url.clone(), props.official_url.clone());
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            if let Some(o) = &official {
                url.set(o.clone());
            }
        })
    };
    let loading = matches!(props.state, WeightsState::Loading { .. });
    let status = match &props.state {
        WeightsState::Missing => html! {
            <p class="weights-status" data-testid="weights-status" data-state="missing">
                { lang.tf("photo-weights-missing", &[
                    ("network", (&props.label).into()),
                    ("params", lang.count(props.params).into()),
                    ("f32", mib(props.bytes_f32).into()),
                    ("f16", mib(props.bytes_f16).into()),
                ]) }
            </p>
        },
        WeightsState::Loading {
            source,
            loaded,
            total,
        } => {
            let (value, max, text) = match total {
                Some(t) if *t > 0 => (
                    *loaded as f64,
                    *t as f64,
                    lang.tf(
                        "photo-weights-progress",
                        &[
                            ("loaded", mib(*loaded).into()),
                            ("total", mib(*t).into()),
                            (
                                "percent",
                                format!("{:.0}", *loaded as f64 * 100.0 / *t as f64).into(),
                            ),
                        ],
                    ),
                ),
                _ => (
                    *loaded as f64,
                    props.bytes_f32 as f64,
                    lang.tf("photo-weights-so-far", &[("loaded", mib(*loaded).into())]),
                ),
            };
            html! {
                <p class="weights-status" data-testid="weights-status" data-state="loading">
                    { lang.tf("photo-weights-loading", &[
                        ("source", source.into()),
                        ("params", lang.count(props.params).into()),
                    ]) }{ " " }
                    <progress data-testid="load-progress" value={value.to_string()} max={max.to_string()}
                        data-loaded={loaded.to_string()} data-total={total.map(|t| t.to_string()).unwrap_or_default()} />
                    { format!(" {text}") }
                </p>
            }
        }
        WeightsState::Ready {
            source,
            memory,
            engine,
        } => {
            // The engine can change after loading (the reader's choice, a lost GPU): say what
            // holds the weights, and leave which engine ran to the status line.
            let prepared = if *engine == EngineKind::WebGpu {
                lang.t("photo-weights-prepared-gpu")
            } else {
                lang.tf(
                    "photo-weights-prepared-cpu",
                    &[("engine", engine_name(lang, *engine).into())],
                )
            };
            // "Ready" first, in a student's words; how the weights were checked and prepared
            // one click away.
            html! {
                <div class="weights-status" data-state="ready" data-testid="weights-loaded" data-engine={engine.key()}>
                    <p>{ lang.tf("photo-weights-ready", &[
                        ("source", source.text(lang).into()),
                        ("params", lang.count(props.params).into()),
                        ("memory", mib(memory.held).into()),
                        ("limit", mib(crate::protocol::HELD_NETWORKS_BYTES).into()),
                    ]) }</p>
                    <details class="weights-how" data-testid="weights-how">
                        <summary>{ lang.t("photo-weights-how") }</summary>
                        <p>{ lang.tf("photo-weights-how-text", &[
                            ("network", (&props.label).into()),
                            ("prepared", prepared.into()),
                        ]) }</p>
                    </details>
                </div>
            }
        }
    };
    let offer = props.offer.as_ref().filter(|o| {
        props
            .loaded_from
            .as_ref()
            .is_none_or(|from| from.label != o.label)
    });
    let offer = offer.map(|o| {
        let text = match o.kind {
            Kind::Shipped => lang.tf("photo-get-shipped", &[("size", mib(o.bytes).into())]),
            Kind::Hub => lang.tf(
                "photo-get-hub",
                &[("size", mib(o.bytes).into()), ("repo", (&o.label).into())],
            ),
            Kind::Torchvision => lang.tf("photo-get-torchvision", &[("size", mib(o.bytes).into())]),
        };
        let on_get = props.on_get.reform(|_: MouseEvent| ());
        html! {
            <div class="weights-offer">
                <button class="primary" data-testid="weights-get" data-source={o.kind.key()} data-url={o.url.clone()}
                    onclick={on_get} disabled={loading}>{ text }</button>
                if props.offer_kept {
                    <span class="note" data-testid="weights-get-kept">{ lang.t("photo-get-kept") }</span>
                }
            </div>
        }
    });
    let cancel = loading.then(|| {
        let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
        html! { <button data-testid="weights-cancel" onclick={on_cancel}>{ lang.t("photo-weights-cancel") }</button> }
    });
    let reload = props.reload.as_ref().map(|r| {
        let on_reload = {
            let (r, cb) = (r.clone(), props.on_reload.clone());
            Callback::from(move |_: MouseEvent| cb.emit(r.clone()))
        };
        html! {
            <button class="primary" data-testid="weights-reload" onclick={on_reload} disabled={loading}>
                { lang.tf("photo-weights-reload", &[("source", (&r.label).into())]) }
            </button>
        }
    });
    // A network whose weights were never published: say so, and link the closest that has them.
    let unpublished = props.unpublished.as_ref().map(|nearest| {
        html! {
            <p class="note" data-testid="weights-unpublished">
                { lang.tf("photo-weights-none", &[("network", (&props.label).into())]) }
                if let Some((id, label)) = nearest {
                    { " " }
                    <NetworkLink id={id.clone()} testid="weights-nearest">
                        { lang.tf("photo-weights-nearest", &[("nearest", label.into())]) }
                    </NetworkLink>
                }
            </p>
        }
    });
    let note = props.note.as_ref().map(|n| {
        html! { <p class="note warn" data-testid="weights-note">{ n.sentence(lang) }</p> }
    });
    let keeping = match (&props.state, &props.loaded_from) {
        (WeightsState::Loading { .. }, Some(from)) => {
            html! { <p class="note">{ lang.tf("photo-weights-kept", &[("source", from.text(lang).into())]) }</p> }
        }
        _ => html! {},
    };
    html! {
        <section class="weights-panel" data-testid="weights-panel" data-model={props.model.clone()}
            ondragover={drop.on_drag_over} ondragleave={drop.on_drag_leave} ondrop={drop.on_drop}>
            <h3>{ lang.t("photo-weights-title") }</h3>
            // Each one child, present or not, so that the status block is never rebuilt by a
            // neighbour coming or going (Yew pairs unkeyed children from the end).
            { status }
            { unpublished.unwrap_or_default() }
            { cancel.unwrap_or_default() }
            { keeping }
            { note.unwrap_or_default() }
            { reload.unwrap_or_default() }
            { offer.unwrap_or_default() }
            <div class="weights-sources">
                <label class="file-button">
                    { lang.t("photo-weights-open") }
                    <input type="file" accept=".pth,.pt,.safetensors" data-testid="weights-input"
                        onchange={drop.on_change} disabled={loading} />
                </label>
                <form class="weights-url" onsubmit={on_submit}>
                    <input type="url" placeholder={lang.t("photo-weights-url-placeholder")} data-testid="weights-url"
                        value={(*url).clone()} oninput={on_url_input} disabled={loading} />
                    <button type="submit" data-testid="weights-url-load" disabled={loading}>{ lang.t("photo-weights-download") }</button>
                </form>
            </div>
            if let Some(official) = &props.official_url {
                <p class="note">
                    { lang.t("photo-weights-official") }
                    <a href={official.clone()} onclick={use_official}>{ official.clone() }</a>
                    { lang.tf("photo-weights-official-size", &[("size", mib(props.bytes_f32).into())]) }
                    <code>{ format!("atlas fetch-weights {}", props.model) }</code>
                    { lang.t("photo-weights-official-end") }
                </p>
            }
            { props.children.clone() }
        </section>
    }
}
