//! Fetching files the page serves itself (same origin): the shipped weights, their manifest and
//! the sample photos. A failure is a message for the reader (the browser's own words, a
//! developer's detail, stay inside it in English).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::i18n::Msg;

/// A file the browser could not give, with the browser's words.
fn failed(url: &str, detail: String) -> Msg {
    Msg::new("errors-fetch-failed")
        .arg("url", url)
        .arg("detail", detail)
}

async fn response(url: &str) -> Result<web_sys::Response, Msg> {
    // The page's window, or the worker's own scope.
    let promise = match web_sys::window() {
        Some(window) => window.fetch_with_str(url),
        None => js_sys::global()
            .unchecked_into::<web_sys::WorkerGlobalScope>()
            .fetch_with_str(url),
    };
    let resp = JsFuture::from(promise)
        .await
        .map_err(|e| failed(url, format!("{e:?}")))?;
    let resp: web_sys::Response = resp
        .dyn_into()
        .map_err(|_| failed(url, "not a response".into()))?;
    if !resp.ok() {
        return Err(Msg::new("errors-fetch-http")
            .arg("url", url)
            .arg("status", resp.status().to_string()));
    }
    Ok(resp)
}

/// A file's bytes.
pub async fn bytes(url: &str) -> Result<Vec<u8>, Msg> {
    let resp = response(url).await?;
    let buf = JsFuture::from(
        resp.array_buffer()
            .map_err(|e| failed(url, format!("{e:?}")))?,
    )
    .await
    .map_err(|e| failed(url, format!("{e:?}")))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// A file as a Blob, without copying it through wasm memory.
pub async fn blob(url: &str) -> Result<web_sys::Blob, Msg> {
    let resp = response(url).await?;
    let blob = JsFuture::from(resp.blob().map_err(|e| failed(url, format!("{e:?}")))?)
        .await
        .map_err(|e| failed(url, format!("{e:?}")))?;
    blob.dyn_into()
        .map_err(|_| failed(url, "not a blob".into()))
}
