//! The layer table: for every layer of the chosen network its type, output shape, parameters and
//! their share of the total, multiply-adds, activation memory, receptive field and jump; totals
//! at the foot; the heaviest layers (≥ 5% of the total) marked; the paper's own figures beside ours where it gives any.

use std::rc::Rc;

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::i18n::thousands;
use crate::web::ui::shared::{use_lang, Described};
use crate::zoo::summary::{bytes, shape_text};
use crate::zoo::NodeId;

#[derive(Properties, PartialEq)]
pub struct LayerTableProps {
    pub described: Rc<Option<Described>>,
    pub selected: Option<NodeId>,
    pub on_select: Callback<NodeId>,
}

/// A layer is marked heavy when it holds at least this share of the network's total.
pub const HEAVY_SHARE: f64 = 0.05;

/// Indices of the layers holding at least [`HEAVY_SHARE`] of `total`.
fn heavy(values: impl Iterator<Item = u64>, total: u64) -> Vec<usize> {
    let min = (total as f64 * HEAVY_SHARE).max(1.0);
    values
        .enumerate()
        .filter(|(_, x)| *x as f64 >= min)
        .map(|(i, _)| i)
        .collect()
}

fn hw(v: Option<[usize; 2]>) -> String {
    match v {
        Some([h, w]) if h == w => h.to_string(),
        Some([h, w]) => format!("{h}×{w}"),
        None => "—".into(),
    }
}

#[function_component(LayerTable)]
pub fn layer_table(props: &LayerTableProps) -> Html {
    let lang = use_lang();
    let selected_row = use_node_ref();
    {
        let selected_row = selected_row.clone();
        use_effect_with(props.selected, move |_| {
            if let Some(el) = selected_row.cast::<HtmlElement>() {
                el.scroll_into_view_with_bool(false);
            }
        });
    }
    let Some(d) = props.described.as_ref() else {
        return html! {};
    };
    let (net, a) = (&d.net, &d.analysis);
    let heavy_params = heavy(a.layers.iter().map(|l| l.params), a.total_params);
    let heavy_macs = heavy(a.layers.iter().map(|l| l.macs), a.total_macs);
    let has_quotes = !net.quotes.is_empty();
    let total = a.total_params.max(1) as f64;
    let share_arg = || [("share", format!("{:.0}%", HEAVY_SHARE * 100.0).into())];
    let heavy_title = lang.tf("network-heavy-title", &share_arg());
    let mac_heavy_title = lang.tf("network-mac-heavy-title", &share_arg());
    let rows = net.nodes.iter().zip(&a.layers).enumerate().skip(1).map(|(i, (node, l))| {
        let share = l.params as f64 / total * 100.0;
        let heavy_p = heavy_params.contains(&i);
        let heavy_m = heavy_macs.contains(&i);
        let is_selected = props.selected == Some(i);
        let on_click = {
            let on_select = props.on_select.clone();
            Callback::from(move |_| on_select.emit(i))
        };
        let quotes: Vec<String> = net
            .quotes
            .iter()
            .filter(|q| q.layer == node.name)
            .map(|q| q.text(lang))
            .collect();
        html! {
            <tr
                class={classes!("layer-row", is_selected.then_some("selected"), heavy_p.then_some("heavy"))}
                data-testid="layer-row"
                data-layer={node.name.clone()}
                data-params={l.params.to_string()}
                data-macs={l.macs.to_string()}
                ref={if is_selected { selected_row.clone() } else { NodeRef::default() }}
                onclick={on_click}
            >
                // A button, so that the keyboard reaches every row: its click (Enter, Space)
                // bubbles to the row's.
                <td class="name"><button type="button" class="row-pick" aria-pressed={is_selected.to_string()}>{ &node.name }</button></td>
                <td class="type">{ node.op.type_label(lang) }</td>
                <td class="num">{ shape_text(&l.shape) }</td>
                <td class="num">
                    { thousands(l.params) }
                    if heavy_p { <span class="tag" title={heavy_title.clone()}>{ lang.t("network-heavy") }</span> }
                </td>
                <td class="share">
                    if l.params > 0 {
                        <span class="bar" style={format!("width:{:.1}%", share.max(0.5))}></span>
                        <span class="pct">{ format!("{share:.1}%") }</span>
                    }
                </td>
                <td class="num">
                    { thousands(l.macs) }
                    if heavy_m { <span class="tag macs" title={mac_heavy_title.clone()}>{ lang.t("network-mac-heavy") }</span> }
                </td>
                <td class="num">{ bytes(l.activation_bytes) }</td>
                <td class="num">{ hw(l.rf) }</td>
                <td class="num">{ hw(l.jump) }</td>
                if has_quotes { <td class="quote">{ quotes.join(", ") }</td> }
            </tr>
        }
    });
    html! {
        <div class="table-wrap" data-testid="layer-table-wrap" tabindex="0" role="region" aria-label={lang.t("network-table-label")}>
            <table class="layer-table" data-testid="layer-table">
                <thead>
                    <tr>
                        <th>{ lang.t("network-col-layer") }</th><th>{ lang.t("network-col-type") }</th>
                        <th>{ lang.t("network-col-output") }</th><th>{ lang.t("network-col-params") }</th>
                        <th>{ lang.t("network-col-share") }</th><th>{ lang.t("network-col-macs") }</th>
                        <th>{ lang.t("network-col-activations") }</th>
                        <th title={lang.t("network-col-rf-title")}>{ lang.t("network-col-rf") }</th>
                        <th title={lang.t("network-col-jump-title")}>{ lang.t("network-col-jump") }</th>
                        if has_quotes { <th>{ lang.t("network-col-paper") }</th> }
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
                <tfoot>
                    <tr class="totals-row">
                        <td colspan="3">{ lang.t("network-total") }</td>
                        <td class="num">{ thousands(a.total_params) }</td>
                        <td class="share">{ "100%" }</td>
                        <td class="num">{ thousands(a.total_macs) }</td>
                        <td class="num" title={lang.t("network-forward-title")}>{ bytes(a.forward_bytes) }</td>
                        <td></td><td></td>
                        if has_quotes { <td></td> }
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}
