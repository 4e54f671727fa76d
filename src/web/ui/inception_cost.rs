//! What the 1×1 bottlenecks save, term by term: the course notes' example module (28×28×256 in;
//! 128 1×1, 192 3×3 and 96 5×5 filters) without reductions and with 64-map reductions and a
//! 64-filter pool projection, each term's multiply-adds read off a module the zoo builds, and where
//! the slide the notes copy gets its "358M".

use yew::prelude::*;

use crate::concepts::inception::{cost, slide_note, Cost, NOTES_EXAMPLE, NOTES_INPUT};
use crate::zoo::summary::thousands;

#[function_component(InceptionCost)]
pub fn inception_cost() -> Html {
    let bottleneck = use_state(|| true);
    let costs = use_memo((), |_| {
        (
            cost(&NOTES_EXAMPLE, NOTES_INPUT, false),
            cost(&NOTES_EXAMPLE, NOTES_INPUT, true),
        )
    });
    let (naive, reduced) = (&costs.0, &costs.1);
    let shown: &Cost = if *bottleneck { reduced } else { naive };
    let toggle = [(false, "naive module"), (true, "with 1×1 bottlenecks")].map(|(v, label)| {
        let bottleneck = bottleneck.clone();
        let on = *bottleneck == v;
        html! {
            <button class={classes!("seg", on.then_some("on"))} aria-pressed={on.to_string()}
                data-testid="inception-cost-toggle" data-mode={if v { "bottleneck" } else { "naive" }}
                onclick={Callback::from(move |_| bottleneck.set(v))}>{ label }</button>
        }
    });
    let terms = shown.terms.iter().map(|t| {
        html! {
            <tr data-testid="inception-term" data-macs={t.macs.to_string()}>
                <th scope="row">{ &t.label }</th>
                <td class="formula">{ &t.formula }</td>
                <td class="num">{ thousands(t.macs) }</td>
            </tr>
        }
    });
    let [c, h, w] = NOTES_INPUT;
    html! {
        <div class="inception-cost" data-testid="inception-cost" data-mode={if *bottleneck { "bottleneck" } else { "naive" }}>
            <h4>{ "What the 1×1 bottlenecks save" }</h4>
            <p class="lead">{ format!(
                "The notes' example: a {h}×{w}×{c} input; {} 1×1, {} 3×3 and {} 5×5 filters and a 3×3 max pool. \
                 The bottleneck version first reduces to {} maps before the 3×3 and to {} before the 5×5, and \
                 projects the pool's {c} maps to {}.",
                NOTES_EXAMPLE.c1, NOTES_EXAMPLE.c3, NOTES_EXAMPLE.c5, NOTES_EXAMPLE.r3, NOTES_EXAMPLE.r5, NOTES_EXAMPLE.pool
            ) }</p>
            <div class="segmented" role="group" aria-label="Module">{ for toggle }</div>
            <div class="cost-totals">
                <div class={classes!("cost-total", (!*bottleneck).then_some("on"))}>
                    <span>{ "naive" }</span>
                    <b data-testid="inception-ops-naive" data-value={naive.total.to_string()}>{ thousands(naive.total) }</b>
                    <span class="note">{ format!("multiply-adds, {} maps out", naive.depth) }</span>
                </div>
                <div class={classes!("cost-total", (*bottleneck).then_some("on"))}>
                    <span>{ "with bottlenecks" }</span>
                    <b data-testid="inception-ops-bottleneck" data-value={reduced.total.to_string()}>{ thousands(reduced.total) }</b>
                    <span class="note">{ format!("multiply-adds, {} maps out ({:.1}× fewer)", reduced.depth, naive.total as f64 / reduced.total as f64) }</span>
                </div>
            </div>
            <table class="terms">
                <thead><tr><th scope="col">{ "term" }</th><th scope="col">{ "H·W·filters · k·k·input depth" }</th><th scope="col">{ "multiply-adds" }</th></tr></thead>
                <tbody>{ for terms }</tbody>
                <tfoot><tr><th scope="row">{ "total" }</th><td></td><td class="num">{ thousands(shown.total) }</td></tr></tfoot>
            </table>
            <p class="note" data-testid="inception-slide-note">{ slide_note() }</p>
        </div>
    }
}
