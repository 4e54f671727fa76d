//! The page's address as the panels use it: read a value when a panel opens, write its changes
//! in place (`history.replaceState`: a panel's steps are not history entries; the view's are,
//! see `ui::app`). The rules live in `view_state`.

use crate::view_state;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn search() -> String {
    window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// A panel's value in the address.
pub fn param(key: &str) -> Option<String> {
    view_state::param(&search(), key)
}

/// Writes a panel's value into the address without a new history entry.
pub fn replace(key: &str, value: Option<&str>) {
    let Some(w) = window() else { return };
    let current = search();
    let query = view_state::with_param(&current, key, value);
    if query == current {
        return;
    }
    let path = w.location().pathname().unwrap_or_default();
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{query}")),
        );
    }
}
