//! The page header: the product's name and what it offers.

use yew::prelude::*;

#[function_component(Header)]
pub fn header() -> Html {
    html! {
        <header class="header" data-testid="header">
            <h1>{ "ConvNet Atlas" }</h1>
            <p class="tagline">
                { "The classic convolutional networks, run for real in your browser: every layer's shape, parameters, multiply-adds and receptive field, and every feature map. Nothing leaves this page." }
            </p>
        </header>
    }
}
