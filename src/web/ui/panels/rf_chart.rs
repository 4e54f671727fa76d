//! Receptive field and jump against depth (`rf-chart`): for the chosen network, and for any other
//! networks of the zoo the reader adds, the field of one unit (solid) and the distance between
//! neighbouring units (dashed), in input pixels on a log scale, at each depth of sliding-window
//! layers — read off each description's analysis (`crate::concepts::receptive::rf_series`).

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::concepts::receptive::{rf_series, RfPoint};
use crate::i18n::Lang;
use crate::web::ui::shared::{use_lang, ImportedContext, ImportedNet, SharedDescribed};
use crate::zoo::graph::Op;
use crate::zoo::{analyse, build, ids, Analysis, Network};

#[derive(Properties, PartialEq)]
pub struct RfChartProps {
    /// The network whose page shows the chart (None: the Concepts page, which starts with two).
    #[prop_or_default]
    pub described: Option<SharedDescribed>,
    /// Networks shown at first when there is no page network.
    #[prop_or_default]
    pub initial: Vec<String>,
}

const COLOURS: [&str; 6] = [
    "#2f6fb3", "#c2410c", "#15803d", "#7b5cc4", "#b91c5c", "#0e7490",
];
const W: f64 = 640.0;
const H: f64 = 260.0;
const L: f64 = 46.0;
const B: f64 = 30.0;

/// A network's series, label and input side.
fn series(net: &Network, an: &Analysis, lang: Lang) -> (String, Vec<RfPoint>, usize) {
    let side = match net.nodes[0].op {
        Op::Input { height, .. } => height,
        _ => 0,
    };
    (crate::zoo::label(net, lang), rf_series(net, an), side)
}

/// [`series`] of a network of the zoo or opened from a file, by identifier.
fn series_of(
    id: &str,
    lang: Lang,
    imported: &[ImportedNet],
) -> Option<(String, Vec<RfPoint>, usize)> {
    if let Some(d) = imported
        .iter()
        .find(|n| n.id() == id)
        .and_then(|n| n.described.as_ref().as_ref())
    {
        return Some(series(&d.net, &d.analysis, lang));
    }
    let net = build(id)?;
    let an = analyse(&net);
    Some(series(&net, &an, lang))
}

#[function_component(RfChart)]
pub fn rf_chart(props: &RfChartProps) -> Html {
    let lang = use_lang();
    let own = props
        .described
        .as_ref()
        .and_then(|d| d.as_ref().as_ref().map(|d| d.net.id.clone()));
    // Each network once (compare may set a network beside itself): the chips are keyed by it.
    let added = use_state(|| {
        let mut once: Vec<String> = Vec::new();
        for id in &props.initial {
            if !once.contains(id) {
                once.push(id.clone());
            }
        }
        once
    });
    // Where the focus goes once a chip's × removed it: the list to add a network from.
    let add_select = use_node_ref();
    let choice = use_state(String::new);
    let shown: Vec<String> = own.iter().cloned().chain(added.iter().cloned()).collect();
    // The page's own network from its description (an imported one is in no zoo), the added
    // ones by identifier.
    let described = props.described.clone();
    let imported = use_context::<ImportedContext>()
        .map(|c| c.nets.clone())
        .unwrap_or_default();
    let data = use_memo((shown.clone(), lang), move |(ids, lang)| {
        let own = described
            .as_ref()
            .and_then(|d| d.as_ref().as_ref())
            .map(|d| (d.net.id.clone(), series(&d.net, &d.analysis, *lang)));
        let skip = usize::from(own.is_some());
        own.into_iter()
            .chain(
                ids.iter()
                    .skip(skip)
                    .filter_map(|id| series_of(id, *lang, &imported).map(|s| (id.clone(), s))),
            )
            .collect::<Vec<_>>()
    });
    let labels = use_memo(lang, |lang| {
        ids()
            .into_iter()
            .filter_map(|id| build(id).map(|n| (id.to_string(), crate::zoo::label(&n, *lang))))
            .collect::<Vec<_>>()
    });
    let max_depth = data
        .iter()
        .flat_map(|(_, s)| s.1.iter().map(|p| p.depth))
        .max()
        .unwrap_or(1)
        .max(2);
    let max_px = data
        .iter()
        .flat_map(|(_, s)| s.1.iter().map(|p| p.rf))
        .max()
        .unwrap_or(2)
        .max(2) as f64;
    let top = max_px.log2().ceil();
    let x = |d: usize| L + d as f64 / max_depth as f64 * (W - L - 12.0);
    let y = |px: f64| 8.0 + (top - px.max(1.0).log2()) / top * (H - B - 8.0);
    let grid = (0..=top as i32).step_by(if top > 8.0 { 2 } else { 1 }).map(|e| {
        let v = 2f64.powi(e);
        html! {
            <g class="tick">
                <line x1={L.to_string()} x2={(W - 12.0).to_string()} y1={y(v).to_string()} y2={y(v).to_string()} />
                <text class="ylab" x={(L - 5.0).to_string()} y={(y(v) + 3.0).to_string()}>{ v }</text>
            </g>
        }
    });
    let step = (max_depth / 8).max(1);
    let xt = (0..=max_depth).step_by(step).map(|d| {
        html! {
            <text class="xlab" x={x(d).to_string()} y={(H - 12.0).to_string()}>{ d }</text>
        }
    });
    let lines = data.iter().enumerate().map(|(i, (id, (label, pts, side)))| {
        let colour = COLOURS[i % COLOURS.len()];
        let poly = |f: fn(&RfPoint) -> usize| {
            pts.iter()
                .map(|p| format!("{:.1},{:.1}", x(p.depth), y(f(p) as f64)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let dots = pts.iter().map(|p| html! {
            <circle cx={x(p.depth).to_string()} cy={y(p.rf as f64).to_string()} r="2.4" fill={colour}
                data-testid="rf-point" data-layer={p.name.clone()} data-depth={p.depth.to_string()}
                data-rf={p.rf.to_string()} data-jump={p.jump.to_string()}>
                <title>{ lang.tf("concepts-rf-point", &[
                    ("network", label.as_str().into()),
                    ("layer", p.name.as_str().into()),
                    ("depth", p.depth.into()),
                    ("rf", p.rf.into()),
                    ("jump", p.jump.into()),
                ]) }</title>
            </circle>
        });
        html! {
            <g class="rf-series" data-testid="rf-series" data-model={id.clone()} data-side={side.to_string()}>
                <line class="side-line" x1={L.to_string()} x2={(W - 12.0).to_string()}
                    y1={y(*side as f64).to_string()} y2={y(*side as f64).to_string()} stroke={colour} />
                <polyline class="rf-line" points={poly(|p| p.rf)} stroke={colour} />
                <polyline class="jump-line" points={poly(|p| p.jump)} stroke={colour} />
                { for dots }
            </g>
        }
    });
    let chips = data.iter().enumerate().map(|(i, (id, (label, pts, side)))| {
        let colour = COLOURS[i % COLOURS.len()];
        let text = match pts.last() {
            Some(p) => lang.tf("concepts-rf-chip", &[
                ("network", label.as_str().into()),
                ("rf", p.rf.into()),
                ("depth", p.depth.into()),
                ("side", (*side).into()),
            ]),
            None => label.clone(),
        };
        let remove = (Some(id) != own.as_ref()).then(|| {
            let (added, add_select) = (added.clone(), add_select.clone());
            let gone = id.clone();
            let onclick = Callback::from(move |_| {
                added.set(added.iter().filter(|m| **m != gone).cloned().collect());
                if let Some(s) = add_select.cast::<web_sys::HtmlElement>() {
                    let _ = s.focus();
                }
            });
            html! {
                <button class="chip-x" data-testid="rf-chart-remove" data-model={id.clone()} aria-label={lang.tf("concepts-rf-remove", &[("network", label.as_str().into())])}
                    {onclick}>{ "×" }</button>
            }
        });
        html! {
            // Keyed: removing a chip must not hand its neighbour's element (and the focus) over.
            <span class="series-chip" key={id.clone()} style={format!("border-color:{colour}")}>
                <span class="swatch" style={format!("background:{colour}")}></span>
                { text }{ for remove }
            </span>
        }
    });
    // A network is added with the button: arrowing through a closed select fires `change` at
    // every step in Chromium, so choosing alone does not add it.
    let on_choose = {
        let choice = choice.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            choice.set(s.value());
        })
    };
    let on_add = {
        let (added, choice) = (added.clone(), choice.clone());
        Callback::from(move |_| {
            let v = (*choice).clone();
            if !v.is_empty() && !added.contains(&v) {
                let mut next = (*added).clone();
                next.push(v);
                added.set(next);
                choice.set(String::new());
            }
        })
    };
    let options = labels
        .iter()
        .filter(|(id, _)| !shown.contains(id))
        .map(|(id, label)| {
            html! { <option value={id.clone()} selected={*choice == *id}>{ label.clone() }</option> }
        });
    html! {
        <section class="panel rf-chart" data-testid="rf-chart">
            <h3>{ lang.t("concepts-rf-title") }</h3>
            <div class="controls">
                // The chips in a list of their own: all keyed, not mixed with the controls.
                <span class="chips">{ for chips }</span>
                <label>{ format!("{} ", lang.t("concepts-rf-add-label")) }
                    <select data-testid="rf-chart-add" ref={add_select.clone()} onchange={on_choose}>
                        <option value="" selected={choice.is_empty()}>{ lang.t("concepts-rf-choose") }</option>
                        { for options }
                    </select>
                </label>
                <button data-testid="rf-chart-add-button" onclick={on_add}
                    aria-disabled={choice.is_empty().to_string()}>{ lang.t("concepts-rf-add") }</button>
            </div>
            <svg width={W.to_string()} height={H.to_string()} viewBox={format!("0 0 {W} {H}")} role="img"
                aria-label={lang.t("concepts-rf-aria")}>
                { for grid }
                { for xt }
                <text class="axis" x={(W / 2.0).to_string()} y={(H - 1.0).to_string()}>{ lang.t("concepts-rf-x-axis") }</text>
                <text class="axis" transform={format!("translate(11,{}) rotate(-90)", H / 2.0)}>{ lang.t("concepts-rf-y-axis") }</text>
                { for lines }
            </svg>
            <p class="note">{ lang.t("concepts-rf-note") }</p>
        </section>
    }
}
