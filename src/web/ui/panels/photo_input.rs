//! Where a photo comes from: a file picker, a drop zone, paste (Ctrl+V anywhere on the page),
//! and the sample photos shipped in `static/photos/`. It hands the photo on as a `Blob` with a
//! name; nothing is uploaded.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{Blob, ClipboardEvent};
use yew::prelude::*;

use crate::web::ui::hooks::file_drop::use_file_drop;
use crate::web::ui::shared::use_lang;

/// The sample photos: file name and the catalogue key of its credit (see the README).
pub const SAMPLES: &[(&str, &str)] = &[
    ("chelsea.png", "photo-sample-chelsea"),
    ("coffee.png", "photo-sample-coffee"),
    ("rocket.jpg", "photo-sample-rocket"),
    ("grace_hopper.jpg", "photo-sample-hopper"),
];

#[derive(Properties, PartialEq)]
pub struct PhotoInputProps {
    /// A photo given by the user: its bytes and a name for messages.
    pub on_photo: Callback<(Blob, String)>,
    /// A sample photo chosen: its path under the page.
    pub on_sample: Callback<String>,
    pub busy: bool,
}

#[function_component(PhotoInput)]
pub fn photo_input(props: &PhotoInputProps) -> Html {
    let lang = use_lang();
    // Paste anywhere on the page.
    {
        let on_photo = props.on_photo.clone();
        use_effect_with(lang, move |lang| {
            let lang = *lang;
            let document = web_sys::window().and_then(|w| w.document());
            let listener = document.map(|d| {
                EventListener::new(&d, "paste", move |e| {
                    let Some(e) = e.dyn_ref::<ClipboardEvent>() else {
                        return;
                    };
                    let Some(files) = e.clipboard_data().and_then(|d| d.files()) else {
                        return;
                    };
                    if let Some(f) = files.get(0) {
                        let name = if f.name().is_empty() {
                            lang.t("photo-pasted-image")
                        } else {
                            f.name()
                        };
                        on_photo.emit((f.into(), name));
                    }
                })
            });
            move || drop(listener)
        });
    }
    let drop = use_file_drop({
        let on_photo = props.on_photo.clone();
        Callback::from(move |f: web_sys::File| {
            let name = f.name();
            on_photo.emit((f.into(), name));
        })
    });
    let samples = SAMPLES.iter().map(|(file, credit)| {
        let credit = lang.t(credit);
        let on_sample = props.on_sample.clone();
        let path = format!("photos/{file}");
        let onclick = {
            let path = path.clone();
            Callback::from(move |_| on_sample.emit(path.clone()))
        };
        html! {
            <button class="sample" title={credit.clone()} data-testid="sample-photo" data-photo={*file} {onclick} disabled={props.busy}>
                <img src={path} alt={credit} />
            </button>
        }
    });
    html! {
        <div class={classes!("photo-input", drop.dragging.then_some("dragging"))} data-testid="photo-drop"
            ondragover={drop.on_drag_over} ondragleave={drop.on_drag_leave} ondrop={drop.on_drop}>
            <label class="file-button">
                { lang.t("photo-choose") }
                <input type="file" accept="image/*" data-testid="photo-input" onchange={drop.on_change} />
            </label>
            <span class="hint">{ lang.t("photo-drop-hint") }</span>
            <div class="samples">{ for samples }</div>
        </div>
    }
}
