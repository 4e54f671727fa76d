//! The model picker: every network of the course notes, grouped by family; entries whose issue
//! has not landed yet say "coming".

use yew::prelude::*;

use crate::catalog::{families, Availability, CATALOG};

#[derive(Properties, PartialEq)]
pub struct ModelPickerProps {
    pub selected: String,
    pub on_select: Callback<String>,
}

#[function_component(ModelPicker)]
pub fn model_picker(props: &ModelPickerProps) -> Html {
    let groups = families().into_iter().map(|family| {
        let items = CATALOG.iter().filter(|e| e.family == family).map(|entry| {
            let id = entry.id.to_string();
            let on_click = {
                let on_select = props.on_select.clone();
                let id = id.clone();
                Callback::from(move |_| on_select.emit(id.clone()))
            };
            let is_selected = props.selected == entry.id;
            let coming = entry.availability == Availability::Coming;
            html! {
                <li>
                    <button
                        class={classes!("model-entry", is_selected.then_some("selected"), coming.then_some("coming"))}
                        data-testid="model-entry"
                        data-model={id.clone()}
                        aria-pressed={is_selected.to_string()}
                        title={entry.paper}
                        onclick={on_click}
                    >
                        <span class="model-label">{ entry.label }</span>
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
    html! {
        <nav class="model-picker" data-testid="model-picker" aria-label="Networks">
            <h2>{ "Networks" }</h2>
            <ul>{ for groups }</ul>
        </nav>
    }
}
