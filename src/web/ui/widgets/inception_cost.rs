//! What the 1×1 bottlenecks save, term by term: the course notes' example module (28×28×256 in;
//! 128 1×1, 192 3×3 and 96 5×5 filters) without reductions and with 64-map reductions and a
//! 64-filter pool projection, each term's multiply-adds read off a module the zoo builds, and where
//! the slide the notes copy gets its "358M".

use yew::prelude::*;

use crate::concepts::inception::{cost, slide_note, Cost, NOTES_EXAMPLE, NOTES_INPUT};
use crate::web::ui::shared::use_lang;

#[function_component(InceptionCost)]
pub fn inception_cost() -> Html {
    let lang = use_lang();
    let bottleneck = use_state(|| true);
    let costs = use_memo((), |_| {
        (
            cost(&NOTES_EXAMPLE, NOTES_INPUT, false),
            cost(&NOTES_EXAMPLE, NOTES_INPUT, true),
        )
    });
    let (naive, reduced) = (&costs.0, &costs.1);
    let shown: &Cost = if *bottleneck { reduced } else { naive };
    let toggle = [
        (false, lang.t("concepts-cost-naive-module")),
        (true, lang.t("concepts-cost-bottleneck-module")),
    ]
    .map(|(v, label)| {
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
                <th scope="row">{ t.label.text(lang) }</th>
                <td class="formula">{ &t.formula }</td>
                <td class="num">{ lang.count(t.macs) }</td>
            </tr>
        }
    });
    let [c, h, w] = NOTES_INPUT;
    html! {
        <div class="inception-cost" data-testid="inception-cost" data-mode={if *bottleneck { "bottleneck" } else { "naive" }}>
            <h4>{ lang.t("concepts-cost-title") }</h4>
            <p class="lead">{ lang.tf("concepts-cost-lead", &[
                ("h", h.into()),
                ("w", w.into()),
                ("c", c.into()),
                ("c1", NOTES_EXAMPLE.c1.into()),
                ("c3", NOTES_EXAMPLE.c3.into()),
                ("c5", NOTES_EXAMPLE.c5.into()),
                ("r3", NOTES_EXAMPLE.r3.into()),
                ("r5", NOTES_EXAMPLE.r5.into()),
                ("pool", NOTES_EXAMPLE.pool.into()),
            ]) }</p>
            <div class="segmented" role="group" aria-label={lang.t("concepts-cost-toggle-aria")}>{ for toggle }</div>
            <div class="cost-totals">
                <div class={classes!("cost-total", (!*bottleneck).then_some("on"))}>
                    <span>{ lang.t("concepts-cost-naive") }</span>
                    <b data-testid="inception-ops-naive" data-value={naive.total.to_string()}>{ lang.count(naive.total) }</b>
                    <span class="note">{ lang.tf("concepts-cost-naive-note", &[("c", naive.depth.into())]) }</span>
                </div>
                <div class={classes!("cost-total", (*bottleneck).then_some("on"))}>
                    <span>{ lang.t("concepts-cost-bottleneck") }</span>
                    <b data-testid="inception-ops-bottleneck" data-value={reduced.total.to_string()}>{ lang.count(reduced.total) }</b>
                    <span class="note">{ lang.tf("concepts-cost-bottleneck-note", &[
                        ("c", reduced.depth.into()),
                        ("ratio", format!("{:.1}", naive.total as f64 / reduced.total as f64).into()),
                    ]) }</span>
                </div>
            </div>
            <div class="table-wrap compact" tabindex="0" role="region" aria-label={lang.t("concepts-cost-table-label")}>
            <table class="terms">
                <thead><tr><th scope="col">{ lang.t("concepts-cost-col-term") }</th><th scope="col">{ lang.t("concepts-cost-col-formula") }</th><th scope="col">{ lang.t("concepts-cost-col-macs") }</th></tr></thead>
                <tbody>{ for terms }</tbody>
                <tfoot><tr><th scope="row">{ lang.t("concepts-cost-total") }</th><td></td><td class="num">{ lang.count(shown.total) }</td></tr></tfoot>
            </table>
            </div>
            <p class="note" data-testid="inception-slide-note">{ slide_note(lang) }</p>
        </div>
    }
}
