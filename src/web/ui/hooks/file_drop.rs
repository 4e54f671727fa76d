//! A hook, not a component: a file given by a file input or dropped on an area, handed to one
//! callback (the photo input, the weights panel, the ONNX panel share it), and whether a file is
//! being dragged over the area.

use web_sys::{DragEvent, File, HtmlInputElement};
use yew::prelude::*;

/// The handlers of a file input and its drop area.
pub struct FileDrop {
    /// The input's `onchange`: its first file, then the input cleared (the same file again is a
    /// new choice).
    pub on_change: Callback<Event>,
    pub on_drop: Callback<DragEvent>,
    pub on_drag_over: Callback<DragEvent>,
    pub on_drag_leave: Callback<DragEvent>,
    /// A file is over the area.
    pub dragging: bool,
}

#[hook]
pub fn use_file_drop(on_file: Callback<File>) -> FileDrop {
    let dragging = use_state(|| false);
    let on_change = {
        let on_file = on_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(f) = input.files().and_then(|f| f.get(0)) {
                on_file.emit(f);
            }
            input.set_value("");
        })
    };
    let on_drop = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(f) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                on_file.emit(f);
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    FileDrop {
        on_change,
        on_drop,
        on_drag_over,
        on_drag_leave,
        dragging: *dragging,
    }
}
