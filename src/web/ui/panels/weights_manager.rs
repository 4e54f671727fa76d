//! What this browser keeps (`weights-manager`): each downloaded checkpoint kept in the Cache API
//! with its network, size, source and date, to delete one by one or all at once; the storage the
//! site uses and may use (`navigator.storage.estimate()`), and a request that the browser keep it
//! (`persist()`); and the Hugging Face address the one-click downloads use (`hub-setting`: a
//! classroom mirror or a local server can stand in for the Hub).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::web::library::{self, Storage};
use crate::web::ui::format::mib;
use crate::web::ui::shared::{use_lang, LibraryContext};

#[function_component(WeightsManager)]
pub fn weights_manager() -> Html {
    let lang = use_lang();
    let Some(library) = use_context::<LibraryContext>() else {
        return html! {};
    };
    let storage = use_state(Storage::default);
    let hub_text = use_state(|| library.hub.clone());
    let hub_error = use_state(|| false);
    let read_storage = {
        let storage = storage.setter();
        Callback::from(move |_: ()| {
            let storage = storage.clone();
            wasm_bindgen_futures::spawn_local(async move {
                storage.set(library::storage().await);
            });
        })
    };
    let on_toggle = {
        let (read_storage, refresh) = (read_storage.clone(), library.refresh.clone());
        Callback::from(move |e: Event| {
            let open = e
                .target_dyn_into::<web_sys::HtmlDetailsElement>()
                .is_some_and(|d| d.open());
            if open {
                refresh.emit(());
                read_storage.emit(());
            }
        })
    };
    let delete = |url: Option<String>| {
        let (refresh, read_storage) = (library.refresh.clone(), read_storage.clone());
        Callback::from(move |_: MouseEvent| {
            let (url, refresh, read_storage) = (url.clone(), refresh.clone(), read_storage.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match url {
                    Some(u) => library::delete(&u).await,
                    None => library::delete_all().await,
                }
                refresh.emit(());
                read_storage.emit(());
            });
        })
    };
    let on_persist = {
        let read_storage = read_storage.clone();
        Callback::from(move |_: MouseEvent| {
            let read_storage = read_storage.clone();
            wasm_bindgen_futures::spawn_local(async move {
                library::persist().await;
                read_storage.emit(());
            });
        })
    };
    let on_hub_input = {
        let hub_text = hub_text.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            hub_text.set(input.value());
        })
    };
    let on_hub_submit = {
        let (hub_text, hub_error, set_hub) =
            (hub_text.clone(), hub_error.clone(), library.set_hub.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let ok = crate::hub::clean_base(&hub_text).is_some();
            hub_error.set(!ok);
            if ok {
                set_hub.emit((*hub_text).clone());
            }
        })
    };
    let total: u64 = library.cached.iter().map(|c| c.bytes).sum();
    let name = |model: &str| crate::zoo::label_of(model, lang).unwrap_or_else(|| model.to_string());
    let rows = library.cached.iter().map(|c| {
        html! {
            // Keyed: a deleted row must not hand its Delete button (and the focus) to another.
            <tr key={c.url.clone()} data-testid="kept-weights" data-model={c.model.clone()}>
                <td>{ name(&c.model) }</td>
                <td class="num">{ mib(c.bytes) }</td>
                <td class="source" lang="en">{ c.label.clone() }</td>
                <td>{ c.date.get(..10).unwrap_or(&c.date).to_string() }</td>
                <td><button data-testid="kept-delete" onclick={delete(Some(c.url.clone()))}
                    aria-label={lang.tf("photo-kept-delete-label", &[("network", name(&c.model).into())])}>
                    { lang.t("photo-kept-delete") }</button></td>
            </tr>
        }
    });
    let used = match (storage.usage, storage.quota) {
        (Some(u), Some(q)) => lang.tf(
            "photo-kept-storage",
            &[
                ("used", mib(u).into()),
                ("left", mib(q.saturating_sub(u)).into()),
            ],
        ),
        _ => String::new(),
    };
    let persisted = match storage.persisted {
        Some(true) => lang.t("photo-kept-persisted"),
        _ => lang.t("photo-kept-not-persisted"),
    };
    html! {
        <details class="weights-manager" data-testid="weights-manager" ontoggle={on_toggle}
            data-count={library.cached.len().to_string()}>
            <summary>{ lang.tf("photo-kept-title", &[("count", library.cached.len().into()), ("size", mib(total).into())]) }</summary>
            if library.cached.is_empty() {
                <p class="note">{ lang.t("photo-kept-none") }</p>
            } else {
                <div class="table-scroll" tabindex="0" role="region" aria-label={lang.t("photo-kept-table")}>
                    <table class="kept-table">
                        <thead><tr>
                            <th>{ lang.t("photo-kept-network") }</th>
                            <th>{ lang.t("photo-kept-size") }</th>
                            <th>{ lang.t("photo-kept-source") }</th>
                            <th>{ lang.t("photo-kept-date") }</th>
                            <th><span class="visually-hidden">{ lang.t("photo-kept-delete") }</span></th>
                        </tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
                <button data-testid="kept-delete-all" onclick={delete(None)}>{ lang.t("photo-kept-delete-all") }</button>
            }
            <p class="note" data-testid="storage-estimate">
                { used }{ " " }{ persisted }{ " " }
                if storage.persisted != Some(true) {
                    <button data-testid="storage-persist" onclick={on_persist}>{ lang.t("photo-kept-persist") }</button>
                }
            </p>
            <form class="hub-form" onsubmit={on_hub_submit}>
                <label>
                    { lang.t("photo-hub-label") }{ " " }
                    <input type="url" data-testid="hub-setting" value={(*hub_text).clone()} oninput={on_hub_input} />
                </label>
                <button type="submit" data-testid="hub-save">{ lang.t("photo-hub-save") }</button>
                if *hub_error {
                    <span class="warn">{ lang.t("photo-hub-bad") }</span>
                }
            </form>
            <p class="note">{ lang.t("photo-hub-note") }</p>
        </details>
    }
}
