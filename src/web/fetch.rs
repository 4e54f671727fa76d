//! Fetching files the page serves itself (same origin): the shipped weights, their manifest and
//! the sample photos.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

async fn response(url: &str) -> Result<web_sys::Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("{url}: {e:?}"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    Ok(resp)
}

/// A file's bytes.
pub async fn bytes(url: &str) -> Result<Vec<u8>, String> {
    let resp = response(url).await?;
    let buf = JsFuture::from(resp.array_buffer().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// A file as a Blob, without copying it through wasm memory.
pub async fn blob(url: &str) -> Result<web_sys::Blob, String> {
    let resp = response(url).await?;
    let blob = JsFuture::from(resp.blob().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?;
    blob.dyn_into().map_err(|_| "not a blob".to_string())
}
