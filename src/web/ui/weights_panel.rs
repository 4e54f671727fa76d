//! Where an ImageNet network's weights come from, said before anything downloads: how many
//! parameters and how large the checkpoint is (from the zoo's description), torchvision's
//! official file, and three ways to give it — a file (`.pth` or `.safetensors`, picked or
//! dropped), a URL (downloaded with a progress bar and kept in the browser's Cache API), or
//! `static/weights/<model>.safetensors` served with the page (`atlas fetch-weights`).

use web_sys::{DragEvent, File, HtmlInputElement};
use yew::prelude::*;

use crate::zoo::summary::thousands as fmt_int;

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
        source: String,
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
    pub loaded_from: Option<String>,
    pub on_file: Callback<File>,
    pub on_url: Callback<String>,
}

/// Bytes as MB (2^20, as the notes count: VGG-16's 528 MB).
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1u64 << 20) as f64)
}

#[function_component(WeightsPanel)]
pub fn weights_panel(props: &WeightsPanelProps) -> Html {
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
                { format!("No weights loaded yet: {} needs {} parameters, a {} checkpoint in f32 ({} in f16).",
                    props.label, fmt_int(props.params), mb(props.bytes_f32), mb(props.bytes_f16)) }
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
                    format!(
                        "{} of {} ({:.0} %)",
                        mb(*loaded),
                        mb(*t),
                        *loaded as f64 * 100.0 / *t as f64
                    ),
                ),
                _ => (
                    *loaded as f64,
                    props.bytes_f32 as f64,
                    format!("{} so far", mb(*loaded)),
                ),
            };
            html! {
                <p class="weights-status" data-state="loading">
                    { format!("Loading {source}: ") }
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
                "prepared once for the CPU engine (gradients, and the fallback) and for the WebGPU engine, which runs them while it is in use (the status line says which engine ran)".to_string()
            } else {
                format!("prepared once for the {engine} engine (and for the WebGPU engine if it is chosen; the status line says which engine ran)")
            };
            html! {
                <p class="weights-status" data-state="ready" data-testid="weights-ready" data-engine={engine.clone()}>
                    { format!("Weights loaded from {source}: {} parameters checked against the description, {prepared}. \
                        The worker holds {} of memory; it keeps the networks you open up to {} together and unloads the ones used longest ago beyond that.",
                        fmt_int(props.params), mb(*memory_bytes), mb(crate::protocol::HELD_NETWORKS_BYTES)) }
                </p>
            }
        }
    };
    let keeping = match (&props.state, &props.loaded_from) {
        (WeightsState::Loading { .. }, Some(from)) => {
            html! { <p class="note">{ format!("Until this finishes, the weights from {from} stay in use.") }</p> }
        }
        _ => html! {},
    };
    html! {
        <section class="weights-panel" data-testid="weights-panel" data-model={props.model.clone()}
            ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop}>
            <h3>{ "Weights" }</h3>
            { status }
            { keeping }
            <div class="weights-sources">
                <label class="file-button">
                    { "Open a checkpoint (.pth or .safetensors)…" }
                    <input type="file" accept=".pth,.pt,.safetensors" data-testid="weights-input"
                        onchange={on_change} disabled={loading} />
                </label>
                <form class="weights-url" onsubmit={on_submit}>
                    <input type="url" placeholder="https://…/checkpoint.pth or .safetensors" data-testid="weights-url"
                        value={(*url).clone()} oninput={on_url_input} disabled={loading} />
                    <button type="submit" data-testid="weights-url-load" disabled={loading}>{ "Download" }</button>
                </form>
            </div>
            if let Some(official) = &props.official_url {
                <p class="note">
                    { "torchvision's official checkpoint: " }
                    <a href={official.clone()} onclick={use_official}>{ official.clone() }</a>
                    { format!(" ({}). Downloaded files are kept in this browser's cache, so a second visit loads at once. \
                        If the server does not allow downloads from this page, save the file and open it above, or run ",
                        mb(props.bytes_f32)) }
                    <code>{ format!("atlas fetch-weights {}", props.model) }</code>
                    { " to serve it with the page." }
                </p>
            }
        </section>
    }
}
