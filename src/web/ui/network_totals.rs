//! The totals of the chosen network: parameters, multiply-adds and the memory one image needs,
//! each exact, with the compact reading beside it.

use std::rc::Rc;

use yew::prelude::*;

use super::shared::Described;
use crate::zoo::summary::{bytes, thousands};

#[derive(Properties, PartialEq)]
pub struct NetworkTotalsProps {
    pub described: Rc<Option<Described>>,
}

/// 25_557_032 → "25.6 M"; 4_089_184_256 → "4.09 G".
pub fn compact(n: u64) -> String {
    let v = n as f64;
    if v >= 1e9 {
        format!("{:.2} G", v / 1e9)
    } else if v >= 1e6 {
        format!("{:.1} M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1} k", v / 1e3)
    } else {
        n.to_string()
    }
}

#[function_component(NetworkTotals)]
pub fn network_totals(props: &NetworkTotalsProps) -> Html {
    let Some(d) = props.described.as_ref() else {
        return html! {};
    };
    let a = &d.analysis;
    html! {
        <div class="totals">
            <div class="card">
                <div class="card-title">{ "Parameters" }</div>
                <div class="card-big">{ compact(a.total_params) }</div>
                <div class="card-exact" data-testid="total-params" data-value={a.total_params.to_string()}>{ thousands(a.total_params) }</div>
                <div class="card-note">{ format!("{} of weights in fp32", bytes(a.param_bytes)) }</div>
            </div>
            <div class="card">
                <div class="card-title">{ "Multiply-adds per image" }</div>
                <div class="card-big">{ compact(a.total_macs) }</div>
                <div class="card-exact" data-testid="total-macs" data-value={a.total_macs.to_string()}>{ thousands(a.total_macs) }</div>
                <div class="card-note">{ "conv and fc weight uses (torchvision's count)" }</div>
            </div>
            <div class="card">
                <div class="card-title">{ "Memory per image, forward" }</div>
                <div class="card-big">{ bytes(a.forward_bytes) }</div>
                <div class="card-exact" data-testid="forward-memory" data-value={a.forward_bytes.to_string()}>
                    { format!("{} activations × 4 bytes", thousands(a.forward_activations)) }
                </div>
                <div class="card-note">{ "input and every stored layer output (in-place ReLU not counted); training keeps about twice as much for the backward pass" }</div>
            </div>
        </div>
    }
}
