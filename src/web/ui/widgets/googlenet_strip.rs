//! GoogLeNet end to end as a strip: the stem, the nine Inception modules (buttons that choose the
//! module to step through), the pools and the classifier, with the two auxiliary classifiers drawn
//! under the modules whose output they read (Szegedy et al. 2015, section 5). torchvision builds
//! the network without them; its strip shows where the paper puts them, marked so.

use yew::prelude::*;

use crate::concepts::inception::auxiliaries;
use crate::i18n::Lang;
use crate::web::ui::shared::{use_lang, SharedDescribed};
use crate::zoo::graph::{Network, Op};
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
    let lang = use_lang();
    // The auxiliary classifiers, described from the nodes: in this description, or where the
    // paper's description puts them. Computed before the component may return early.
    let aux = use_memo((props.described.clone(), lang), |(d, lang)| {
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
                let text = aux_text(&net, &an, &a, *lang);
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
            let key = if paper_only {
                "concepts-strip-aux-paper"
            } else {
                "concepts-strip-aux"
            };
            let title = lang.tf(key, &[("aux", a.into()), ("layers", text.into())]);
            html! {
                <span class={classes!("aux", paper_only.then_some("paper-only"))} data-testid="aux-classifier"
                    data-aux={a.clone()} data-after={name.clone()} title={title.clone()}>
                    { format!("↓ {a}") }{ if paper_only { lang.t("concepts-strip-paper") } else { String::new() } }
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
                    onclick={Callback::from(move |_| on_module.emit(n.clone()))} title={lang.tf("concepts-strip-step-through", &[("module", name.as_str().into())])}>
                    { label }
                </button>
            }
        } else {
            html! { <span class="chip">{ label }</span> }
        };
        html! { <li class="strip-item">{ body }{ for aux_html }</li> }
    });
    let after: Vec<&str> = aux_list.iter().map(|(_, m, _)| m.as_str()).collect();
    let after = after.join(&lang.t("concepts-sep-and"));
    let key = if paper_only {
        "concepts-strip-note-paper"
    } else {
        "concepts-strip-note"
    };
    let note = lang.tf(
        key,
        &[("n", aux_list.len().into()), ("after", after.into())],
    );
    html! {
        <div class="googlenet-strip" data-testid="googlenet-strip">
            <ol>{ for chips }</ol>
            <p class="note">{ note }</p>
        </div>
    }
}

/// An auxiliary classifier's layers and parameters, read from its nodes.
fn aux_text(net: &Network, an: &Analysis, block: &str, lang: Lang) -> String {
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
            Op::Pool2d(p) => parts.push(lang.tf(
                if p.kind == crate::zoo::graph::PoolKind::Avg {
                    "concepts-strip-pool-avg"
                } else {
                    "concepts-strip-pool-max"
                },
                &[
                    ("kh", p.kernel[0].into()),
                    ("kw", p.kernel[1].into()),
                    ("stride", p.stride[0].into()),
                ],
            )),
            Op::Conv2d(c) => parts.push(lang.tf(
                "concepts-strip-conv",
                &[
                    ("kh", c.kernel[0].into()),
                    ("kw", c.kernel[1].into()),
                    ("c", c.out_channels.into()),
                ],
            )),
            Op::Linear { out_features, .. } => {
                parts.push(lang.tf("concepts-strip-fc", &[("n", (*out_features).into())]))
            }
            Op::Dropout { p } => {
                parts.push(lang.tf("concepts-strip-dropout", &[("p", p.to_string().into())]))
            }
            _ => {}
        }
    }
    lang.tf(
        "concepts-strip-aux-text",
        &[
            ("parts", parts.join(&lang.t("concepts-sep-comma")).into()),
            ("params", lang.count(params).into()),
        ],
    )
}
