//! The page of your own network: what can be opened (an ONNX file of a convolutional network with
//! one image input), the way to open it, and the networks opened in this visit.

use yew::prelude::*;

use crate::web::ui::panels::onnx_open::OnnxOpen;
use crate::web::ui::shared::{use_lang, ImportedContext, Navigate, ONNX};

#[function_component(OnnxPage)]
pub fn onnx_page() -> Html {
    let lang = use_lang();
    let imported = use_context::<ImportedContext>();
    let navigate = use_context::<Navigate>();
    let opened = imported.map(|c| c.nets.clone()).unwrap_or_default();
    html! {
        <section class="main-view onnx-page" data-testid="main-view" data-model={ONNX}>
            <h2 data-testid="model-title">{ lang.t("onnx-page-title") }</h2>
            <p class="lead">{ lang.t("onnx-page-lead") }</p>
            <OnnxOpen />
            if !opened.is_empty() {
                <section class="panel">
                    <h3>{ lang.t("onnx-page-opened") }</h3>
                    <ul class="opened-list">
                        { for opened.iter().map(|n| {
                            let id = n.id().to_string();
                            let go = navigate.clone().map(|n| n.0).unwrap_or_default();
                            let target = id.clone();
                            html! {
                                <li><button class="link-button" data-testid="onnx-opened" onclick={move |_| go.emit(target.clone())}>{ id }</button></li>
                            }
                        }) }
                    </ul>
                </section>
            }
        </section>
    }
}
