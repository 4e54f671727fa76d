//! The model picker: every network of the course notes, grouped by family, named as its
//! description names it; an entry whose description has not landed says "coming"; an entry whose
//! ImageNet weights need no download (shipped with the page, kept in this browser) says so.

use yew::prelude::*;

use crate::catalog::{families, family_label, CATALOG};
use crate::i18n::Lang;
use crate::web::ui::shared::{
    use_lang, ImportedContext, LibraryContext, COMPARE, CONCEPTS, ONNX, TRAIN,
};

#[derive(Properties, PartialEq)]
pub struct ModelPickerProps {
    pub selected: String,
    pub on_select: Callback<String>,
}

/// Name (in `lang`) and paper of every entry, from the zoo (built once per language).
fn labels(lang: Lang) -> Vec<(Option<String>, Option<String>)> {
    CATALOG
        .iter()
        .map(|e| match crate::zoo::build(e.id) {
            Some(net) => (Some(crate::zoo::label(&net, lang)), Some(net.paper)),
            None => (None, None),
        })
        .collect()
}

#[function_component(ModelPicker)]
pub fn model_picker(props: &ModelPickerProps) -> Html {
    let lang = use_lang();
    let labels = use_memo(lang, |&lang| labels(lang));
    let library = use_context::<LibraryContext>();
    let groups = families().into_iter().map(|family| {
        let items = CATALOG.iter().enumerate().filter(|(_, e)| e.family == family).map(|(i, entry)| {
            let id = entry.id.to_string();
            let on_click = {
                let on_select = props.on_select.clone();
                let id = id.clone();
                Callback::from(move |_| on_select.emit(id.clone()))
            };
            let is_selected = props.selected == entry.id;
            let (label, paper) = &labels[i];
            let coming = label.is_none();
            html! {
                <li>
                    <button
                        class={classes!("model-entry", is_selected.then_some("selected"), coming.then_some("coming"))}
                        data-testid="model-entry"
                        data-model={id.clone()}
                        aria-pressed={is_selected.to_string()}
                        title={paper.clone().unwrap_or_default()} data-cite="title"
                        onclick={on_click}
                    >
                        <span class="model-label">{ label.clone().unwrap_or_else(|| id.clone()) }</span>
                        if coming { <span class="badge">{ lang.t("zoo-picker-coming") }</span> }
                        if let Some(ready) = library.as_ref().and_then(|l| l.ready(&id)) {
                            <span class={classes!("weights-mark", ready)} data-testid="weights-ready" data-ready={ready}
                                title={lang.t(if ready == "shipped" { "zoo-picker-weights-shipped" } else { "zoo-picker-weights-cached" })}>
                                { lang.t("zoo-picker-weights-ready") }
                            </span>
                        }
                    </button>
                </li>
            }
        });
        html! {
            <li class="family">
                <h3>{ family_label(family, lang) }</h3>
                <ul>{ for items }</ul>
            </li>
        }
    });
    let concepts_on = props.selected == CONCEPTS;
    let on_concepts = {
        let on_select = props.on_select.clone();
        Callback::from(move |_| on_select.emit(CONCEPTS.to_string()))
    };
    let compare_on = props.selected == COMPARE;
    let on_compare = {
        let on_select = props.on_select.clone();
        Callback::from(move |_| on_select.emit(COMPARE.to_string()))
    };
    let train_on = props.selected == TRAIN;
    let on_train = {
        let on_select = props.on_select.clone();
        Callback::from(move |_| on_select.emit(TRAIN.to_string()))
    };
    let onnx_on = props.selected == ONNX;
    let on_onnx = {
        let on_select = props.on_select.clone();
        Callback::from(move |_| on_select.emit(ONNX.to_string()))
    };
    // The networks opened from files, under their own heading.
    let imported = use_context::<ImportedContext>()
        .map(|c| c.nets.clone())
        .unwrap_or_default();
    let opened = imported.iter().map(|n| {
        let id = n.id().to_string();
        let is_selected = props.selected == id;
        let on_click = {
            let (on_select, id) = (props.on_select.clone(), id.clone());
            Callback::from(move |_| on_select.emit(id.clone()))
        };
        html! {
            <li>
                <button class={classes!("model-entry", is_selected.then_some("selected"))}
                    data-testid="model-entry" data-model={id.clone()} aria-pressed={is_selected.to_string()}
                    onclick={on_click}>
                    <span class="model-label">{ id }</span>
                </button>
            </li>
        }
    });
    html! {
        <nav class="model-picker" data-testid="model-picker" aria-label={lang.t("zoo-picker-label")}>
            <button class={classes!("model-entry", "concepts-entry", concepts_on.then_some("selected"))}
                data-testid="concepts-entry" data-model={CONCEPTS} aria-pressed={concepts_on.to_string()}
                onclick={on_concepts} title={lang.t("zoo-picker-concepts-title")}>
                <span class="model-label">{ lang.t("zoo-picker-concepts") }</span>
            </button>
            <button class={classes!("model-entry", "concepts-entry", compare_on.then_some("selected"))}
                data-testid="compare-entry" data-model={COMPARE} aria-pressed={compare_on.to_string()}
                onclick={on_compare} title={lang.t("zoo-picker-compare-title")}>
                <span class="model-label">{ lang.t("zoo-picker-compare") }</span>
            </button>
            <button class={classes!("model-entry", "concepts-entry", train_on.then_some("selected"))}
                data-testid="train-entry" data-model={TRAIN} aria-pressed={train_on.to_string()}
                onclick={on_train} title={lang.t("zoo-picker-train-title")}>
                <span class="model-label">{ lang.t("zoo-picker-train") }</span>
            </button>
            <button class={classes!("model-entry", "concepts-entry", onnx_on.then_some("selected"))}
                data-testid="onnx-entry" data-model={ONNX} aria-pressed={onnx_on.to_string()}
                onclick={on_onnx} title={lang.t("onnx-picker-title")}>
                <span class="model-label">{ lang.t("onnx-picker") }</span>
            </button>
            <h2>{ lang.t("zoo-picker-heading") }</h2>
            <ul>
                { for groups }
                if !imported.is_empty() {
                    <li class="family">
                        <h3>{ lang.t("onnx-picker-family") }</h3>
                        <ul>{ for opened }</ul>
                    </li>
                }
            </ul>
        </nav>
    }
}
