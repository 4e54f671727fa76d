//! The "Concepts" entry of the picker: what the course notes teach, without choosing a network
//! first — one 5×5 against stacked 3×3, the Inception module and its bottlenecks, receptive fields
//! across networks, the gradient-flow experiment, and the explainers of the networks after
//! ResNet. Every figure comes from the zoo's descriptions.

use std::rc::Rc;

use yew::prelude::*;

use crate::concepts::explainers::KEYS;
use crate::web::ui::panels::explainer_card::ExplainerCard;
use crate::web::ui::panels::gradient_chart::GradientChart;
use crate::web::ui::panels::inception_panel::InceptionPanel;
use crate::web::ui::panels::kernel_panel::KernelPanel;
use crate::web::ui::panels::rf_chart::RfChart;
use crate::web::ui::shared::{use_lang, Described};
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
    let lang = use_lang();
    html! {
        <section class="main-view concepts" data-testid="main-view" data-model="concepts">
            <h2 data-testid="model-title">{ lang.t("concepts-page-title") }</h2>
            <p class="paper">{ lang.t("concepts-page-lead") }</p>
            <nav class="toc" aria-label={lang.t("concepts-page-toc")}>
                <a href="#concept-kernels">{ lang.t("concepts-page-toc-kernels") }</a>
                <a href="#concept-inception">{ lang.t("concepts-page-toc-inception") }</a>
                <a href="#concept-fields">{ lang.t("concepts-page-toc-fields") }</a>
                <a href="#concept-gradients">{ lang.t("concepts-page-toc-gradients") }</a>
                <a href="#concept-after">{ lang.t("concepts-page-toc-after") }</a>
            </nav>
            <div id="concept-kernels"><KernelPanel /></div>
            <div id="concept-inception"><InceptionPanel described={googlenet} photo_lab={false} /></div>
            <div id="concept-fields"><RfChart initial={vec!["alexnet".to_string(), "vgg16".to_string(), "resnet50".to_string()]} /></div>
            <div id="concept-gradients" class="panel"><GradientChart /></div>
            <div id="concept-after">
                <h3>{ lang.t("concepts-page-after-title") }</h3>
                { for KEYS.iter().map(|k| html! { <ExplainerCard concept={k.to_string()} folded={true} /> }) }
            </div>
        </section>
    }
}
