//! The main view for the chosen network: for now its name and paper, and what the page will show
//! once its issue lands.

use yew::prelude::*;

use crate::catalog::{find, Availability};

#[derive(Properties, PartialEq)]
pub struct MainViewProps {
    pub model: String,
}

#[function_component(MainView)]
pub fn main_view(props: &MainViewProps) -> Html {
    let Some(entry) = find(&props.model) else {
        return html! { <section class="main-view" data-testid="main-view"><p>{ "Unknown network." }</p></section> };
    };
    html! {
        <section class="main-view" data-testid="main-view" data-model={entry.id}>
            <h2 data-testid="model-title">{ entry.label }</h2>
            <p class="paper" data-testid="model-paper">{ entry.paper }</p>
            if entry.availability == Availability::Coming {
                <p class="coming-note">
                    { "This network's layer table, diagram and live run are coming: its description is being written." }
                </p>
            }
        </section>
    }
}
