//! The totals of the chosen network: parameters, multiply-adds and the memory one image needs,
//! each exact, with the compact reading beside it.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::{thousands, Lang};
use crate::web::ui::shared::{use_lang, Described};
use crate::zoo::summary::bytes;

#[derive(Properties, PartialEq)]
pub struct NetworkTotalsProps {
    pub described: Rc<Option<Described>>,
}

#[function_component(NetworkTotals)]
pub fn network_totals(props: &NetworkTotalsProps) -> Html {
    let lang = use_lang();
    let Some(d) = props.described.as_ref() else {
        return html! {};
    };
    let a = &d.analysis;
    html! {
        <div class="totals">
            <div class="card">
                <div class="card-title">{ lang.t("network-totals-params") }</div>
                <div class="card-big">{ lang.compact(a.total_params) }</div>
                <div class="card-exact" data-testid="total-params" data-value={a.total_params.to_string()}>{ thousands(a.total_params) }</div>
                <div class="card-note">{ lang.tf("network-totals-params-note", &[("bytes", bytes(a.param_bytes).into())]) }</div>
                { training_only(lang, a.training_only_params, a.inference_params(), "inference-params") }
            </div>
            <div class="card">
                <div class="card-title">{ lang.t("network-totals-macs") }</div>
                <div class="card-big">{ lang.compact(a.total_macs) }</div>
                <div class="card-exact" data-testid="total-macs" data-value={a.total_macs.to_string()}>{ thousands(a.total_macs) }</div>
                <div class="card-note">{ lang.t("network-totals-macs-note") }</div>
                { training_only(lang, a.training_only_macs, a.inference_macs(), "inference-macs") }
            </div>
            <div class="card">
                <div class="card-title">{ lang.t("network-totals-memory") }</div>
                <div class="card-big">{ bytes(a.forward_bytes) }</div>
                <div class="card-exact" data-testid="forward-memory" data-value={a.forward_bytes.to_string()}>
                    { lang.tf("network-totals-memory-exact", &[("n", thousands(a.forward_activations).into())]) }
                </div>
                <div class="card-note">{ lang.t("network-totals-memory-note") }</div>
            </div>
        </div>
    }
}

/// The note under a total that counts side branches used only in training (GoogLeNet's
/// auxiliary classifiers): how much of it they are, and the figure of an inference beside it.
fn training_only(lang: Lang, side: u64, inference: u64, testid: &'static str) -> Html {
    if side == 0 {
        return html! {};
    }
    html! {
        <div class="card-note training-only" data-testid={testid} data-value={inference.to_string()}>
            { lang.tf("network-totals-training-only", &[
                ("side", thousands(side).into()),
                ("inference", thousands(inference).into()),
            ]) }
        </div>
    }
}
