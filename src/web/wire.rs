//! The wire between the page and its Web Worker: envelopes around [`WorkerRequest`] and
//! [`WorkerResponse`], encoded with postcard into one byte array that is transferred, not copied.
//! Every request carries the page-side handler it came from, and every reply goes back to it. A
//! message that cannot be decoded is reported, never a panic.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};

use crate::protocol::{WorkerRequest, WorkerResponse};

/// Which page-side handler (a component's bridge) a request came from and its replies go to.
pub type HandlerId = u32;

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToWorker {
    pub id: HandlerId,
    pub request: WorkerRequest,
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker's module is running and takes requests.
    Started,
    Reply {
        id: HandlerId,
        response: WorkerResponse,
    },
}

/// The message as bytes in a fresh `Uint8Array` (its buffer can be transferred).
pub fn encode<T: Serialize>(value: &T) -> Result<js_sys::Uint8Array, String> {
    let bytes = postcard::to_allocvec(value).map_err(|e| e.to_string())?;
    Ok(js_sys::Uint8Array::from(bytes.as_slice()))
}

/// A message from a `MessageEvent`'s data.
pub fn decode<T: DeserializeOwned>(data: &JsValue) -> Result<T, String> {
    let array = data
        .dyn_ref::<js_sys::Uint8Array>()
        .cloned()
        .or_else(|| {
            data.dyn_ref::<js_sys::ArrayBuffer>()
                .map(|b| js_sys::Uint8Array::new(b))
        })
        .ok_or_else(|| "a message that is not bytes".to_string())?;
    postcard::from_bytes(&array.to_vec()).map_err(|e| e.to_string())
}

/// The transfer list that hands `array`'s buffer over instead of copying it.
pub fn transfer(array: &js_sys::Uint8Array) -> js_sys::Array {
    js_sys::Array::of1(&array.buffer())
}
