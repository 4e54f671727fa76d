//! A link to a network's page: its address (`?view=<id>`, so that it opens in a new tab too) and
//! the click that follows it inside the page, keeping what the worker holds.

use yew::prelude::*;

use crate::web::ui::shared::Navigate;

/// The `href` and `onclick` of a link to network `id`'s page.
#[hook]
pub fn use_network_link(id: &str) -> (String, Callback<MouseEvent>) {
    let navigate = use_context::<Navigate>();
    let onclick = {
        let id = id.to_string();
        Callback::from(move |e: MouseEvent| {
            // A click with a modifier opens a tab, as any link does.
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            if let Some(Navigate(go)) = &navigate {
                e.prevent_default();
                go.emit(id.clone());
            }
        })
    };
    // The address as `push_view` writes it: the other parameters (the language …) kept.
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let view = crate::view_state::ViewState {
        view: Some(id.to_string()),
        ..Default::default()
    };
    (view.to_query(&search), onclick)
}
