//! Detects which compute backend the browser offers: WebGPU when `navigator.gpu` exists and
//! yields an adapter, otherwise the CPU engine (candle compiled to wasm with SIMD128).

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The backend the page will run models on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// WebGPU with the adapter's description (vendor / architecture when the browser tells).
    WebGpu { adapter: String, fallback: bool },
    /// candle on the CPU, wasm SIMD128; the reason WebGPU is not used.
    Cpu { reason: String },
}

impl Backend {
    /// The short label the status line shows.
    pub fn label(&self) -> &'static str {
        match self {
            Backend::WebGpu { .. } => "WebGPU",
            Backend::Cpu { .. } => "CPU (wasm SIMD)",
        }
    }

    /// A longer explanation for the tooltip.
    pub fn detail(&self) -> String {
        match self {
            Backend::WebGpu { adapter, fallback } => {
                let kind = if *fallback {
                    " (software fallback adapter)"
                } else {
                    ""
                };
                format!("WebGPU adapter: {adapter}{kind}")
            }
            Backend::Cpu { reason } => format!("Running on the CPU: {reason}"),
        }
    }
}

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn describe_adapter(adapter: &JsValue) -> (String, bool) {
    let fallback = get(adapter, "isFallbackAdapter")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let info = get(adapter, "info");
    let field = |k: &str| {
        info.as_ref()
            .and_then(|i| get(i, k))
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
    };
    let name = [field("vendor"), field("architecture"), field("description")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    (
        if name.is_empty() {
            "unnamed adapter".to_string()
        } else {
            name
        },
        fallback,
    )
}

/// Asks the browser for a WebGPU adapter; never fails, falls back to the CPU with a reason.
pub async fn detect() -> Backend {
    let global = js_sys::global();
    let Some(navigator) = get(&global, "navigator") else {
        return Backend::Cpu {
            reason: "no navigator object".into(),
        };
    };
    let Some(gpu) = get(&navigator, "gpu") else {
        return Backend::Cpu {
            reason: "this browser has no WebGPU (navigator.gpu is missing)".into(),
        };
    };
    let Some(request) = get(&gpu, "requestAdapter").and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return Backend::Cpu {
            reason: "navigator.gpu.requestAdapter is missing".into(),
        };
    };
    let promise = match request.call0(&gpu).map(Promise::from) {
        Ok(p) => p,
        Err(_) => {
            return Backend::Cpu {
                reason: "requestAdapter threw".into(),
            }
        }
    };
    match JsFuture::from(promise).await {
        Ok(adapter) if !adapter.is_null() && !adapter.is_undefined() => {
            let (adapter, fallback) = describe_adapter(&adapter);
            Backend::WebGpu { adapter, fallback }
        }
        Ok(_) => Backend::Cpu {
            reason: "WebGPU is present but offered no adapter".into(),
        },
        Err(e) => Backend::Cpu {
            reason: format!("requestAdapter failed: {e:?}"),
        },
    }
}
