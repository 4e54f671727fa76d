//! Detects what compute the browser offers: a WebGPU adapter when `navigator.gpu` exists and
//! yields one (its vendor and architecture, and whether it is a software fallback adapter),
//! otherwise the reason there is none. The worker asks (`navigator.gpu` exists in workers too)
//! before it chooses an engine; wgpu does not tell the adapter's name in the browser.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::i18n::Msg;

/// What the browser offers for compute.
#[derive(Clone, Debug, PartialEq)]
pub enum Backend {
    /// A WebGPU adapter, with its description (vendor / architecture when the browser tells).
    WebGpu { adapter: String, fallback: bool },
    /// No WebGPU adapter, and why.
    Cpu { reason: Msg },
}

impl Backend {
    /// The adapter's description, empty without one.
    pub fn adapter(&self) -> &str {
        match self {
            Backend::WebGpu { adapter, .. } => adapter,
            Backend::Cpu { .. } => "",
        }
    }
}

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn describe_adapter(adapter: &JsValue) -> (String, bool) {
    let info = get(adapter, "info");
    // `GPUAdapterInfo.isFallbackAdapter` (Chromium 136 on); `GPUAdapter.isFallbackAdapter` before.
    let fallback = info
        .as_ref()
        .and_then(|i| get(i, "isFallbackAdapter"))
        .or_else(|| get(adapter, "isFallbackAdapter"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
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
            reason: Msg::new("app-gpu-no-navigator"),
        };
    };
    let Some(gpu) = get(&navigator, "gpu") else {
        return Backend::Cpu {
            reason: Msg::new("app-gpu-missing"),
        };
    };
    let Some(request) = get(&gpu, "requestAdapter").and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return Backend::Cpu {
            reason: Msg::new("app-gpu-no-request"),
        };
    };
    let promise = match request.call0(&gpu).map(Promise::from) {
        Ok(p) => p,
        Err(_) => {
            return Backend::Cpu {
                reason: Msg::new("app-gpu-request-threw"),
            }
        }
    };
    match JsFuture::from(promise).await {
        Ok(adapter) if !adapter.is_null() && !adapter.is_undefined() => {
            let (adapter, fallback) = describe_adapter(&adapter);
            Backend::WebGpu { adapter, fallback }
        }
        Ok(_) => Backend::Cpu {
            reason: Msg::new("app-gpu-no-adapter"),
        },
        Err(e) => Backend::Cpu {
            reason: Msg::new("app-gpu-request-failed").arg("detail", format!("{e:?}")),
        },
    }
}
