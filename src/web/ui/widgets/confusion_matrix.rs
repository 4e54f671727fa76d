//! A confusion matrix: rows the true class, columns the predicted one, each cell shaded by its
//! share of its row (the diagonal green, mistakes red) with its count written in it.

use yew::prelude::*;

use crate::web::ui::shared::use_lang;

#[derive(Properties, PartialEq)]
pub struct ConfusionMatrixProps {
    /// `counts[true][predicted]`.
    pub counts: Vec<Vec<u32>>,
}

#[function_component(ConfusionMatrix)]
pub fn confusion_matrix(props: &ConfusionMatrixProps) -> Html {
    let lang = use_lang();
    let n = props.counts.len();
    let rows = props.counts.iter().enumerate().map(|(t, row)| {
        let total: u32 = row.iter().sum::<u32>().max(1);
        let cells = row.iter().enumerate().map(|(p, &c)| {
            let share = c as f64 / total as f64;
            let style = if c == 0 {
                String::new()
            } else if p == t {
                format!("background: rgba(46, 160, 67, {:.2})", 0.15 + 0.6 * share)
            } else {
                format!("background: rgba(218, 54, 51, {:.2})", (0.2 + 3.0 * share).min(0.85))
            };
            html! { <td {style} data-count={c.to_string()}>{ if c == 0 { String::new() } else { c.to_string() } }</td> }
        });
        html! { <tr><th scope="row">{ t }</th>{ for cells }</tr> }
    });
    html! {
        <table class="confusion" data-testid="train-confusion" aria-label={lang.t("train-confusion-label")}>
            <thead>
                <tr><th>{ lang.t("train-confusion-corner") }</th>{ for (0..n).map(|p| html! { <th scope="col">{ p }</th> }) }</tr>
            </thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}
