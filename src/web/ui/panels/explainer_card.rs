//! One explainer of a network after ResNet (`crate::concepts::explainers`): its paragraphs, a table
//! of the layers it is about and, where it has one, a bar chart — every figure from the zoo.

use yew::prelude::*;

use crate::concepts::explainers::{explainer_on, Bars};
use crate::i18n::Lang;
use crate::web::ui::shared::use_lang;

#[derive(Properties, PartialEq)]
pub struct ExplainerCardProps {
    pub concept: String,
    /// Start folded (the Concepts page lists all of them).
    #[prop_or(false)]
    pub folded: bool,
    /// The network whose page shows it (an explainer that fits several reads that one).
    #[prop_or_default]
    pub model: Option<AttrValue>,
}

fn bars_view(b: &Bars, lang: Lang) -> Html {
    let max = b.bars.iter().map(|x| x.1).fold(0.0, f64::max).max(1e-12);
    let n = b.bars.len().max(1) as f64;
    let bw = (600.0 / n).clamp(4.0, 64.0);
    let h = 120.0;
    let width = bw * n;
    let rects = b.bars.iter().enumerate().map(|(i, (label, v))| {
        let hh = h * v / max;
        let x = i as f64 * bw;
        html! {
            <g>
                <rect class="bar" x={(x + 1.0).to_string()} y={(h - hh + 14.0).to_string()} width={(bw - 2.0).to_string()} height={hh.to_string()}>
                    <title>{ lang.tf("explainers-bar-value", &[("label", label.into()), ("value", v.to_string().into())]) }</title>
                </rect>
                if bw >= 40.0 {
                    <text class="bar-val" x={(x + bw / 2.0).to_string()} y={(h - hh + 10.0).to_string()}>{ format!("{v}") }</text>
                }
            </g>
        }
    });
    let first = b.bars.first().map(|b| b.0.clone()).unwrap_or_default();
    let last = b.bars.last().map(|b| b.0.clone()).unwrap_or_default();
    html! {
        <figure class="explainer-bars">
            <svg width={width.to_string()} height={(h + 16.0).to_string()} viewBox={format!("0 0 {width} {}", h + 16.0)} class="bars" role="img" aria-label={b.title.clone()}>{ for rects }</svg>
            <figcaption>{ lang.tf("explainers-bars-caption", &[("title", (&b.title).into()), ("first", first.into()), ("last", last.into()), ("unit", (&b.unit).into())]) }</figcaption>
        </figure>
    }
}

#[function_component(ExplainerCard)]
pub fn explainer_card(props: &ExplainerCardProps) -> Html {
    let lang = use_lang();
    let e = use_memo(
        (props.concept.clone(), props.model.clone(), lang),
        |(k, m, lang)| explainer_on(k, m.as_deref(), *lang),
    );
    let Some(e) = e.as_ref() else {
        return html! {};
    };
    let table = e.table.as_ref().map(|t| {
        html! {
            <div class="table-wrap compact" tabindex="0" role="region" aria-label={lang.tf("explainers-table-label", &[("title", (&e.title).into())])}>
                <table class="explainer-table">
                    <thead><tr>{ for t.headers.iter().map(|h| html! { <th scope="col">{ h }</th> }) }</tr></thead>
                    <tbody>{ for t.rows.iter().map(|r| html! {
                        <tr>{ for r.iter().enumerate().map(|(i, c)| if i == 0 {
                            html! { <th scope="row">{ c }</th> }
                        } else {
                            html! { <td>{ c }</td> }
                        }) }</tr>
                    }) }</tbody>
                </table>
            </div>
        }
    });
    html! {
        <details class="panel explainer" data-testid="explainer" data-concept={e.key} data-model={e.model} open={!props.folded}>
            <summary><h3>{ &e.title }</h3></summary>
            <p class="paper" lang="en">{ &e.paper }</p>
            { for e.paragraphs.iter().map(|p| html! { <p>{ p }</p> }) }
            { for e.bars.as_ref().map(|b| bars_view(b, lang)) }
            { for table }
        </details>
    }
}
