//! The "Concepts" entry of the picker: what the course notes teach, without choosing a network
//! first — one 5×5 against stacked 3×3, the Inception module and its bottlenecks, receptive fields
//! across networks, the gradient-flow experiment, and the explainers of the networks after
//! ResNet. Every figure comes from the zoo's descriptions.

use std::rc::Rc;

use yew::prelude::*;

use super::explainer_card::ExplainerCard;
use super::gradient_chart::GradientChart;
use super::inception_panel::InceptionPanel;
use super::kernel_panel::KernelPanel;
use super::rf_chart::RfChart;
use super::shared::Described;
use crate::concepts::explainers::KEYS;
use crate::zoo::{analyse, build};

#[function_component(ConceptsPage)]
pub fn concepts_page() -> Html {
    let googlenet = use_memo((), |_| {
        build("googlenet_paper").map(|net| {
            let analysis = analyse(&net);
            Described { net, analysis }
        })
    });
    let googlenet: Rc<Option<Described>> = googlenet;
    html! {
        <section class="main-view concepts" data-testid="main-view" data-model="concepts">
            <h2 data-testid="model-title">{ "Concepts" }</h2>
            <p class="paper">{ "The ideas of the course notes, each on the networks that introduced it." }</p>
            <nav class="toc" aria-label="On this page">
                <a href="#concept-kernels">{ "5×5 or stacked 3×3" }</a>
                <a href="#concept-inception">{ "Inception step by step" }</a>
                <a href="#concept-fields">{ "receptive fields" }</a>
                <a href="#concept-gradients">{ "gradient highway" }</a>
                <a href="#concept-after">{ "after ResNet" }</a>
            </nav>
            <div id="concept-kernels"><KernelPanel /></div>
            <div id="concept-inception"><InceptionPanel described={googlenet} photo_lab={false} /></div>
            <div id="concept-fields"><RfChart initial={vec!["alexnet".to_string(), "vgg16".to_string(), "resnet50".to_string()]} /></div>
            <div id="concept-gradients" class="panel"><GradientChart /></div>
            <div id="concept-after">
                <h3>{ "The networks after ResNet" }</h3>
                { for KEYS.iter().map(|k| html! { <ExplainerCard concept={k.to_string()} folded={true} /> }) }
            </div>
        </section>
    }
}
