//! GoogLeNet end to end as a strip: the stem, the nine Inception modules (buttons that choose the
//! module to step through), the pools and the classifier, with the two auxiliary classifiers drawn
//! under the modules whose output they read (Szegedy et al. 2015, section 5). torchvision builds
//! the network without them; its strip shows where the paper puts them, marked so.

use yew::prelude::*;

use super::shared::SharedDescribed;
use crate::concepts::inception::auxiliaries;
use crate::zoo::summary::thousands;
use crate::zoo::{analyse, build};

#[derive(Properties, PartialEq)]
pub struct GooglenetStripProps {
    pub described: SharedDescribed,
    pub module: String,
    pub on_module: Callback<String>,
}

#[function_component(GooglenetStrip)]
pub fn googlenet_strip(props: &GooglenetStripProps) -> Html {
    let Some(d) = props.described.as_ref() else {
        return html! {};
    };
    // The auxiliary classifiers: in this description, or where the paper's puts them.
    let aux = use_memo(d.net.id.clone(), |_| {
        let own = auxiliaries(&d.net);
        if !own.is_empty() {
            let an = &d.analysis;
            let with_params = own
                .into_iter()
                .map(|(a, m)| {
                    let p = d
                        .net
                        .nodes
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| n.block == a)
                        .map(|(i, _)| an.layers[i].params)
                        .sum::<u64>();
                    (a, m, p)
                })
                .collect::<Vec<_>>();
            (with_params, false)
        } else {
            let paper = build("googlenet_paper").expect("in the zoo");
            let an = analyse(&paper);
            let list = auxiliaries(&paper)
                .into_iter()
                .map(|(a, m)| {
                    let p = paper
                        .nodes
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| n.block == a)
                        .map(|(i, _)| an.layers[i].params)
                        .sum::<u64>();
                    (a, m, p)
                })
                .collect();
            (list, true)
        }
    });
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
        let hangs: Vec<&(String, String, u64)> =
            aux_list.iter().filter(|(_, m, _)| m == name).collect();
        let aux_html = hangs.iter().map(|(a, _, p)| {
            let title = if paper_only {
                format!(
                    "{a}: an auxiliary classifier in the paper ({} parameters), used only in \
                     training; torchvision builds GoogLeNet without it",
                    thousands(*p)
                )
            } else {
                format!(
                    "{a}: auxiliary classifier ({} parameters): 5×5/3 average pool, 1×1 conv \
                     128, fully connected 1024 and 1000; its loss is added with weight 0.3 in \
                     training, and it is dropped at inference",
                    thousands(*p)
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
    html! {
        <div class="googlenet-strip" data-testid="googlenet-strip">
            <ol>{ for chips }</ol>
            <p class="note">{
                if paper_only {
                    "The two auxiliary classifiers of the paper hang off inception4a and inception4d; torchvision's model leaves them out (they only serve training)."
                } else {
                    "The two auxiliary classifiers hang off inception4a and inception4d: their losses push gradient into the middle of the network during training (weight 0.3), and they are dropped at inference."
                }
            }</p>
        </div>
    }
}
