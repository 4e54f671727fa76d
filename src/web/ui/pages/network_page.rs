//! A network's page: its paper and remarks, its lab (digits or photos), the panels of the ideas
//! it introduced (stacked 3×3 for VGG, Inception for GoogLeNet, residual blocks for ResNets, an
//! explainer for the networks after ResNet), the totals, the diagram, the receptive-field chart
//! and the layer table — all derived from the network's one description.

use std::rc::Rc;

use yew::prelude::*;

use crate::concepts::{explainers, inception, residual};
use crate::web::ui::labs::{file_lab::FileLab, lenet_lab::LenetLab, photo_lab::PhotoLab};
use crate::web::ui::panels::explainer_card::ExplainerCard;
use crate::web::ui::panels::gradient_chart::GradientChart;
use crate::web::ui::panels::inception_panel::InceptionPanel;
use crate::web::ui::panels::kernel_panel::KernelPanel;
use crate::web::ui::panels::residual_panel::ResidualPanel;
use crate::web::ui::panels::rf_chart::RfChart;
use crate::web::ui::panels::vgg_first_block::VggFirstBlock;
use crate::web::ui::panels::{
    layer_table::LayerTable, network_diagram::NetworkDiagram, network_totals::NetworkTotals,
};
use crate::web::ui::shared::{use_lang, Described, ImportedNet};
use crate::zoo::{analyse, build, NodeId};

#[derive(Properties, PartialEq)]
pub struct NetworkPageProps {
    pub model: String,
    /// A network opened from a file: its description instead of the zoo's.
    #[prop_or_default]
    pub imported: Option<ImportedNet>,
}

#[function_component(NetworkPage)]
pub fn network_page(props: &NetworkPageProps) -> Html {
    let lang = use_lang();
    let zoo: Rc<Option<Described>> = use_memo(props.model.clone(), |id| {
        build(id).map(|net| {
            let analysis = analyse(&net);
            Described { net, analysis }
        })
    });
    let described = match &props.imported {
        Some(i) => i.described.clone(),
        None => zoo,
    };
    let selected = use_state(|| None::<NodeId>);
    {
        let selected = selected.clone();
        use_effect_with(props.model.clone(), move |_| selected.set(None));
    }
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |id: NodeId| selected.set(Some(id)))
    };
    let Some(d) = described.as_ref() else {
        return html! {
            <section class="main-view" data-testid="main-view" data-model={props.model.clone()}>
                <h2 data-testid="model-title">{ &props.model }</h2>
                <p class="coming-note">{ lang.t("zoo-coming-note") }</p>
            </section>
        };
    };
    html! {
        <section class="main-view" data-testid="main-view" data-model={d.net.id.clone()}>
            <h2 data-testid="model-title">{ crate::zoo::label(&d.net, lang) }</h2>
            <p class="paper" data-testid="model-paper" lang="en">{ &d.net.paper }</p>
            if !d.net.remarks.is_empty() {
                <ul class="remarks" data-testid="model-remarks">
                    { for d.net.remarks.iter().map(|r| html! { <li>{ r.text(lang) }</li> }) }
                </ul>
            }
            if let Some(imported) = &props.imported {
                <FileLab key={d.net.id.clone()} imported={imported.clone()} />
            }
            if props.imported.is_none() && d.analysis.layers[0].shape == [1, 32, 32] {
                <LenetLab key={d.net.id.clone()} described={described.clone()} />
            }
            if props.imported.is_none() && d.analysis.layers[0].shape == [3, 224, 224]
                && d.analysis.layers.last().is_some_and(|l| l.shape == [1000]) {
                <PhotoLab key={d.net.id.clone()} described={described.clone()} />
            }
            if props.imported.is_none() && d.net.id.starts_with("vgg") {
                <KernelPanel key={d.net.id.clone()} described={Some(described.clone())}>
                    <VggFirstBlock described={described.clone()} />
                </KernelPanel>
            }
            if props.imported.is_none() && !inception::modules(&d.net).is_empty() {
                <InceptionPanel key={d.net.id.clone()} described={described.clone()} />
            }
            if props.imported.is_none() && !residual::blocks(&d.net).is_empty() {
                <ResidualPanel key={d.net.id.clone()} described={described.clone()}>
                    <GradientChart />
                </ResidualPanel>
            }
            if let Some(concept) = explainers::for_model(&d.net.id) {
                <ExplainerCard key={d.net.id.clone()} concept={concept.to_string()} model={Some(AttrValue::from(d.net.id.clone()))} />
            }
            <NetworkTotals described={described.clone()} />
            <NetworkDiagram described={described.clone()} selected={*selected} on_select={on_select.clone()} />
            <RfChart key={d.net.id.clone()} described={Some(described.clone())} />
            <LayerTable described={described.clone()} selected={*selected} on_select={on_select} />
        </section>
    }
}
