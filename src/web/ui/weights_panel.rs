//! Where an ImageNet network's weights come from, said before anything downloads: how many
//! parameters and how large the checkpoint is (from the zoo's description), torchvision's
//! official file, and three ways to give it — a file (`.pth` or `.safetensors`, picked or
//! dropped), a URL (downloaded with a progress bar and kept in the browser's Cache API), or
//! `static/weights/<model>.safetensors` served with the page (`atlas fetch-weights`).

use web_sys::{DragEvent, File, HtmlInputElement};
use yew::prelude::*;

use super::shared::use_lang;
use crate::i18n::Lang;

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

/// An engine's name as the worker gives it ("WebGPU", "CPU (packed, wasm SIMD)"), in `lang`.
pub fn engine_name(lang: Lang, engine: &str) -> String {
    use crate::engine::{packed::PackedEngine, Engine};
    if engine == PackedEngine.name() {
        lang.t("app-engine-cpu")
    } else if engine == "WebGPU" {
        lang.t("app-engine-webgpu")
    } else {
        engine.to_string()
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
        memory_bytes: u64,
        /// The engine the worker prepared them on.
        engine: String,
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
}

/// Bytes as MB (2^20, as the notes count: VGG-16's 528 MB).
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1u64 << 20) as f64)
}

#[function_component(WeightsPanel)]
pub fn weights_panel(props: &WeightsPanelProps) -> Html {
    let lang = use_lang();
    let url = use_state(String::new);
    let on_change = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(f) = input.files().and_then(|f| f.get(0)) {
                on_file.emit(f);
            }
            input.set_value("");
        })
    };
    let on_drop = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(f) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                on_file.emit(f);
            }
        })
    };
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
            let u = url.trim().to_string();
            if !u.is_empty() {
                on_url.emit(u);
            }
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
            <p class="weights-status" data-state="missing">
                { lang.tf("photo-weights-missing", &[
                    ("network", (&props.label).into()),
                    ("params", lang.count(props.params).into()),
                    ("f32", mb(props.bytes_f32).into()),
                    ("f16", mb(props.bytes_f16).into()),
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
                            ("loaded", mb(*loaded).into()),
                            ("total", mb(*t).into()),
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
                    lang.tf("photo-weights-so-far", &[("loaded", mb(*loaded).into())]),
                ),
            };
            html! {
                <p class="weights-status" data-state="loading">
                    { lang.tf("photo-weights-loading", &[("source", source.into())]) }{ " " }
                    <progress data-testid="load-progress" value={value.to_string()} max={max.to_string()}
                        data-loaded={loaded.to_string()} data-total={total.map(|t| t.to_string()).unwrap_or_default()} />
                    { format!(" {text}") }
                </p>
            }
        }
        WeightsState::Ready {
            source,
            memory_bytes,
            engine,
        } => {
            // The engine can change after loading (the reader's choice, a lost GPU): say what
            // holds the weights, and leave which engine ran to the status line.
            let prepared = if engine == "WebGPU" {
                lang.t("photo-weights-prepared-gpu")
            } else {
                lang.tf(
                    "photo-weights-prepared-cpu",
                    &[("engine", engine_name(lang, engine).into())],
                )
            };
            html! {
                <p class="weights-status" data-state="ready" data-testid="weights-ready" data-engine={engine.clone()}>
                    { lang.tf("photo-weights-ready", &[
                        ("source", source.text(lang).into()),
                        ("params", lang.count(props.params).into()),
                        ("prepared", prepared.into()),
                        ("memory", mb(*memory_bytes).into()),
                        ("limit", mb(crate::protocol::HELD_NETWORKS_BYTES).into()),
                    ]) }
                </p>
            }
        }
    };
    let keeping = match (&props.state, &props.loaded_from) {
        (WeightsState::Loading { .. }, Some(from)) => {
            html! { <p class="note">{ lang.tf("photo-weights-kept", &[("source", from.text(lang).into())]) }</p> }
        }
        _ => html! {},
    };
    html! {
        <section class="weights-panel" data-testid="weights-panel" data-model={props.model.clone()}
            ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop}>
            <h3>{ lang.t("photo-weights-title") }</h3>
            { status }
            { keeping }
            <div class="weights-sources">
                <label class="file-button">
                    { lang.t("photo-weights-open") }
                    <input type="file" accept=".pth,.pt,.safetensors" data-testid="weights-input"
                        onchange={on_change} disabled={loading} />
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
                    { lang.tf("photo-weights-official-size", &[("size", mb(props.bytes_f32).into())]) }
                    <code>{ format!("atlas fetch-weights {}", props.model) }</code>
                    { lang.t("photo-weights-official-end") }
                </p>
            }
        </section>
    }
}
