//! Detects what compute the browser offers: a WebGPU adapter when `navigator.gpu` exists and
//! yields one, otherwise the reason there is none. The page's networks run on the CPU engine
//! either way until the WebGPU engine exists (issue 10); the status line says so.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What the browser offers for compute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A WebGPU adapter, with its description (vendor / architecture when the browser tells).
    WebGpu { adapter: String, fallback: bool },
    /// No WebGPU adapter, and why.
    Cpu { reason: String },
}

impl Backend {
    /// The adapter's description, empty without one.
    pub fn adapter(&self) -> &str {
        match self {
            Backend::WebGpu { adapter, .. } => adapter,
            Backend::Cpu { .. } => "",
        }
    }

    /// The status line's note on WebGPU: what the browser has, and that it is not used yet.
    pub fn gpu_note(&self) -> String {
        match self {
            Backend::WebGpu { adapter, fallback } => format!(
                "WebGPU adapter “{adapter}”{} found, unused: the WebGPU engine is not built yet",
                if *fallback { " (software)" } else { "" }
            ),
            Backend::Cpu { .. } => "no WebGPU in this browser".to_string(),
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
