//! GoogLeNet end to end as a strip: the stem, the nine Inception modules (buttons that choose the
//! module to step through), the pools and the classifier, with the two auxiliary classifiers drawn
//! under the modules whose output they read (Szegedy et al. 2015, section 5). torchvision builds
//! the network without them; its strip shows where the paper puts them, marked so.

use yew::prelude::*;

use super::shared::SharedDescribed;
use crate::concepts::inception::auxiliaries;
use crate::zoo::graph::{Network, Op};
use crate::zoo::summary::thousands;
use crate::zoo::Analysis;
use crate::zoo::{analyse, build};

#[derive(Properties, PartialEq)]
pub struct GooglenetStripProps {
    pub described: SharedDescribed,
    pub module: String,
    pub on_module: Callback<String>,
}

#[function_component(GooglenetStrip)]
pub fn googlenet_strip(props: &GooglenetStripProps) -> Html {
    // The auxiliary classifiers, described from the nodes: in this description, or where the
    // paper's description puts them. Computed before the component may return early.
    let aux = use_memo(props.described.clone(), |d| {
        let own = d.as_ref().as_ref().map(|d| d.net.clone());
        let paper_only = own.as_ref().is_none_or(|n| auxiliaries(n).is_empty());
        let net = match (own, paper_only) {
            (Some(n), false) => n,
            _ => build("googlenet_paper").expect("in the zoo"),
        };
        let an = analyse(&net);
        let list = auxiliaries(&net)
            .into_iter()
            .map(|(a, m)| {
                let text = aux_text(&net, &an, &a);
                (a, m, text)
            })
            .collect::<Vec<_>>();
        (list, paper_only)
    });
    let Some(d) = props.described.as_ref() else {
        return html! {};
    };
    let (aux_list, paper_only) = (&aux.0, aux.1);
    // The top-level sequence: stem layers, modules, pools, classifier.
    let mut items: Vec<(String, bool)> = Vec::new();
    for n in d.net.nodes.iter().skip(1) {
        if n.block.starts_with("aux") || n.name == "flatten" {
            continue;
        }
        let (name, module) = if n.block.starts_with("inception") {
            (n.block.clone(), true)
        } else {
            (n.name.split('.').next().unwrap_or("").to_string(), false)
        };
        if items.last().map(|l| &l.0) != Some(&name) {
            items.push((name, module));
        }
    }
    let chips = items.iter().map(|(name, module)| {
        let hangs: Vec<&(String, String, String)> =
            aux_list.iter().filter(|(_, m, _)| m == name).collect();
        let aux_html = hangs.iter().map(|(a, _, text)| {
            let title = if paper_only {
                format!(
                    "{a}, in the paper: {text}. Its loss helps training only; torchvision's \
                     pretrained GoogLeNet drops it after loading the checkpoint, as this \
                     description does"
                )
            } else {
                format!(
                    "{a}: {text}. Its loss is added with weight 0.3 in training; it is dropped \
                     at inference"
                )
            };
            html! {
                <span class={classes!("aux", paper_only.then_some("paper-only"))} data-testid="aux-classifier"
                    data-aux={a.clone()} data-after={name.clone()} title={title.clone()}>
                    { format!("↓ {a}") }{ if paper_only { " (paper)" } else { "" } }
                </span>
            }
        });
        let label = name.strip_prefix("inception").unwrap_or(name).to_string();
        let body = if *module {
            let on_module = props.on_module.clone();
            let n = name.clone();
            let on = *name == props.module;
            html! {
                <button class={classes!("chip", "module", on.then_some("on"))} aria-pressed={on.to_string()}
                    onclick={Callback::from(move |_| on_module.emit(n.clone()))} title={format!("step through {name}")}>
                    { label }
                </button>
            }
        } else {
            html! { <span class="chip">{ label }</span> }
        };
        html! { <li class="strip-item">{ body }{ for aux_html }</li> }
    });
    let after: Vec<&str> = aux_list.iter().map(|(_, m, _)| m.as_str()).collect();
    let after = after.join(" and ");
    let note = if paper_only {
        format!(
            "The paper's {} auxiliary classifiers hang off {after}. torchvision's GoogLeNet can \
             build them too, but its pretrained model drops them after loading the checkpoint — \
             they only serve training — and so does this description.",
            aux_list.len()
        )
    } else {
        format!(
            "The {} auxiliary classifiers hang off {after}: during training their losses (weight \
             0.3) push gradient into the middle of the network; at inference they are dropped.",
            aux_list.len()
        )
    };
    html! {
        <div class="googlenet-strip" data-testid="googlenet-strip">
            <ol>{ for chips }</ol>
            <p class="note">{ note }</p>
        </div>
    }
}

/// An auxiliary classifier's layers and parameters, read from its nodes.
fn aux_text(net: &Network, an: &Analysis, block: &str) -> String {
    let mut parts = Vec::new();
    let mut params = 0;
    for (i, n) in net
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.block == block)
    {
        params += an.layers[i].params;
        match n.op.base() {
            Op::Pool2d(p) => parts.push(format!(
                "{}×{}/{} {} pool",
                p.kernel[0],
                p.kernel[1],
                p.stride[0],
                if p.kind == crate::zoo::graph::PoolKind::Avg {
                    "average"
                } else {
                    "max"
                }
            )),
            Op::Conv2d(c) => parts.push(format!(
                "{}×{} conv, {} filters",
                c.kernel[0], c.kernel[1], c.out_channels
            )),
            Op::Linear { out_features, .. } => {
                parts.push(format!("fully connected {out_features}"))
            }
            Op::Dropout { p } => parts.push(format!("dropout {p}")),
            _ => {}
        }
    }
    format!("{} ({} parameters)", parts.join(", "), thousands(params))
}
