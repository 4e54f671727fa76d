//! The model picker: every network of the course notes, grouped by family, named as its
//! description names it; an entry whose description has not landed says "coming".

use yew::prelude::*;

use super::shared::{COMPARE, CONCEPTS};
use crate::catalog::{families, CATALOG};

#[derive(Properties, PartialEq)]
pub struct ModelPickerProps {
    pub selected: String,
    pub on_select: Callback<String>,
}

/// Name and paper of every entry, from the zoo (built once).
fn labels() -> Vec<(Option<String>, Option<String>)> {
    CATALOG
        .iter()
        .map(|e| match crate::zoo::build(e.id) {
            Some(net) => (Some(net.label), Some(net.paper)),
            None => (None, None),
        })
        .collect()
}

#[function_component(ModelPicker)]
pub fn model_picker(props: &ModelPickerProps) -> Html {
    let labels = use_memo((), |_| labels());
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
                        title={paper.clone().unwrap_or_default()}
                        onclick={on_click}
                    >
                        <span class="model-label">{ label.clone().unwrap_or_else(|| id.clone()) }</span>
                        if coming { <span class="badge">{ "coming" }</span> }
                    </button>
                </li>
            }
        });
        html! {
            <li class="family">
                <h3>{ family }</h3>
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
    html! {
        <nav class="model-picker" data-testid="model-picker" aria-label="Networks">
            <button class={classes!("model-entry", "concepts-entry", concepts_on.then_some("selected"))}
                data-testid="concepts-entry" data-model={CONCEPTS} aria-pressed={concepts_on.to_string()}
                onclick={on_concepts} title="5×5 or stacked 3×3, Inception step by step, receptive fields, the gradient highway, the networks after ResNet">
                <span class="model-label">{ "Concepts" }</span>
            </button>
            <button class={classes!("model-entry", "concepts-entry", compare_on.then_some("selected"))}
                data-testid="compare-entry" data-model={COMPARE} aria-pressed={compare_on.to_string()}
                onclick={on_compare} title="Two networks side by side: parameters, multiply-adds, memory, depth, stages, receptive fields">
                <span class="model-label">{ "Compare two networks" }</span>
            </button>
            <h2>{ "Networks" }</h2>
            <ul>{ for groups }</ul>
        </nav>
    }
}
