//! The weights this page can use without a download, as the page itself reads them: those that
//! ship with it (`weights/manifest.json`) and those this browser keeps in the Cache API (the
//! worker labels each copy with its network, source, size and date); the browser's storage
//! (`navigator.storage`: used, available, persistent); deleting kept copies; and the Hub's base
//! address (`?hub=` in the address, else the one kept in this browser, else the Hub's own).

use std::collections::HashMap;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::web::worker::download::{HEADER_BYTES, HEADER_DATE, HEADER_LABEL, HEADER_MODEL};
use crate::web::worker::WEIGHTS_CACHE;

/// A checkpoint served with the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Shipped {
    pub file: String,
    /// Its size, when the manifest says (`atlas fetch-weights` writes it).
    pub bytes: Option<u64>,
}

/// A checkpoint this browser keeps.
#[derive(Clone, Debug, PartialEq)]
pub struct Cached {
    pub url: String,
    pub model: String,
    pub label: String,
    pub bytes: u64,
    /// When it was kept (ISO 8601), as the worker wrote it.
    pub date: String,
}

/// The browser's storage for this site.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Storage {
    pub usage: Option<u64>,
    pub quota: Option<u64>,
    pub persisted: Option<bool>,
}

/// The manifest's entries: `{"model": "file"}` or `{"model": {"file": …, "bytes": …}}`.
pub fn parse_manifest(json: &serde_json::Value) -> HashMap<String, Shipped> {
    json.as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(model, v)| {
                    let shipped = match v {
                        serde_json::Value::String(file) => Shipped {
                            file: file.clone(),
                            bytes: None,
                        },
                        serde_json::Value::Object(o) => Shipped {
                            file: o.get("file")?.as_str()?.to_string(),
                            bytes: o.get("bytes").and_then(|b| b.as_u64()),
                        },
                        _ => return None,
                    };
                    Some((model.clone(), shipped))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What ships with the page.
pub async fn shipped() -> HashMap<String, Shipped> {
    crate::web::fetch::bytes("weights/manifest.json")
        .await
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .map(|v| parse_manifest(&v))
        .unwrap_or_default()
}

fn caches() -> Option<web_sys::CacheStorage> {
    web_sys::window()?.caches().ok()
}

async fn store() -> Option<web_sys::Cache> {
    let c = caches()?;
    JsFuture::from(c.open(WEIGHTS_CACHE))
        .await
        .ok()
        .map(|c| c.unchecked_into())
}

/// What this browser keeps, newest first.
pub async fn cached() -> Vec<Cached> {
    let Some(store) = store().await else {
        return Vec::new();
    };
    let Ok(keys) = JsFuture::from(store.keys()).await else {
        return Vec::new();
    };
    let keys: js_sys::Array = keys.unchecked_into();
    let mut out = Vec::new();
    for request in keys.iter() {
        let request: web_sys::Request = request.unchecked_into();
        let url = request.url();
        let Ok(resp) = JsFuture::from(store.match_with_request(&request)).await else {
            continue;
        };
        let Ok(resp) = resp.dyn_into::<web_sys::Response>() else {
            continue;
        };
        let h = resp.headers();
        let get = |k: &str| h.get(k).ok().flatten().unwrap_or_default();
        let label = js_sys::decode_uri_component(&get(HEADER_LABEL))
            .ok()
            .and_then(|s| s.as_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| url.clone());
        // The size the server announced; else the kept body's (a disk-backed blob).
        let bytes = match get(HEADER_BYTES).parse::<u64>() {
            Ok(b) => b,
            Err(_) => match resp.blob() {
                Ok(p) => JsFuture::from(p)
                    .await
                    .ok()
                    .map_or(0, |b| b.unchecked_into::<web_sys::Blob>().size() as u64),
                Err(_) => 0,
            },
        };
        out.push(Cached {
            model: get(HEADER_MODEL),
            label,
            bytes,
            date: get(HEADER_DATE),
            url,
        });
    }
    out.sort_by(|a, b| b.date.cmp(&a.date));
    out
}

/// Forgets the kept copy at `url`.
pub async fn delete(url: &str) {
    if let Some(s) = store().await {
        let _ = JsFuture::from(s.delete_with_str(url)).await;
    }
}

/// Forgets every kept copy.
pub async fn delete_all() {
    if let Some(c) = caches() {
        let _ = JsFuture::from(c.delete(WEIGHTS_CACHE)).await;
    }
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    Some(web_sys::window()?.navigator().storage())
}

fn number(o: &wasm_bindgen::JsValue, key: &str) -> Option<u64> {
    js_sys::Reflect::get(o, &key.into())
        .ok()?
        .as_f64()
        .map(|v| v as u64)
}

/// How much this site stores, how much it may, and whether the browser keeps it for good.
pub async fn storage() -> Storage {
    let Some(m) = storage_manager() else {
        return Storage::default();
    };
    let estimate = match m.estimate() {
        Ok(p) => JsFuture::from(p).await.ok(),
        Err(_) => None,
    };
    let persisted = match m.persisted() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()),
        Err(_) => None,
    };
    Storage {
        usage: estimate.as_ref().and_then(|e| number(e, "usage")),
        quota: estimate.as_ref().and_then(|e| number(e, "quota")),
        persisted,
    }
}

/// Asks the browser to keep this site's storage for good; says whether it agreed.
pub async fn persist() -> bool {
    let Some(m) = storage_manager() else {
        return false;
    };
    match m.persist() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    }
}

/// `?hub=` in the address (a web address, percent-encoded or not).
fn address_hub() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("hub")
}

/// Where the reader's Hub address is kept in the browser.
const HUB_KEY: &str = "atlas-hub";

/// The Hub's base address: `?hub=` in the address, else the one kept, else the Hub's own.
pub fn hub_base() -> String {
    let kept = || {
        web_sys::window()?
            .local_storage()
            .ok()??
            .get_item(HUB_KEY)
            .ok()?
    };
    [address_hub(), kept()]
        .into_iter()
        .flatten()
        .find_map(|b| crate::hub::clean_base(&b))
        .unwrap_or_else(|| crate::hub::DEFAULT_BASE.to_string())
}

/// Keeps `base` as the Hub's address (and in the address bar when it names one); the Hub's own
/// address forgets the setting. None when `base` is not a web address.
pub fn set_hub_base(base: &str) -> Option<String> {
    let clean = crate::hub::clean_base(base)?;
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    if let Some(s) = storage {
        if clean == crate::hub::DEFAULT_BASE {
            let _ = s.remove_item(HUB_KEY);
        } else {
            let _ = s.set_item(HUB_KEY, &clean);
        }
    }
    if address_hub().is_some() {
        let encoded = js_sys::encode_uri_component(&clean)
            .as_string()
            .unwrap_or_default();
        let shown = (clean != crate::hub::DEFAULT_BASE).then_some(encoded.as_str());
        crate::web::address::replace("hub", shown);
    }
    Some(clean)
}
