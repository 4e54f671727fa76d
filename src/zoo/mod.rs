//! The zoo as data: every network of the course notes described once, as a graph of layers with
//! their hyper-parameters ([`graph`]); everything else — shapes, parameters, multiply-adds,
//! memory, receptive fields ([`analysis`]), the summary ([`summary`]), the page's table and
//! diagram, and the forward passes — is derived from that one description.

pub mod analysis;
pub mod builder;
pub mod diagram_flow;
pub mod graph;
pub mod layout;
pub mod nets;
pub mod overview;
pub mod params;
pub mod summary;

pub use analysis::{analyse, Analysis, LayerStats};
pub use graph::{Network, Node, NodeId, Op};
pub use nets::{build, ids};

use crate::i18n::Lang;

/// A network's name as the page shows it in `lang`. [`Network::label`] is the English one (the
/// command line and the native tests read it); names that are only names (ResNet-18, VGG-11 BN)
/// read the same in every language, the ones with words ("AlexNet (2012 paper)") have a message.
pub fn label(net: &Network, lang: Lang) -> String {
    if let Some(base) = net.id.strip_prefix("plain_") {
        let name = build(base).map_or_else(|| base.to_string(), |n| label(&n, lang));
        return lang.tf("zoo-label-plain", &[("net", name.into())]);
    }
    let key = match net.id.as_str() {
        "lenet5_modern" => "zoo-label-lenet5-modern",
        "alexnet_paper" => "zoo-label-alexnet-paper",
        "googlenet_paper" => "zoo-label-googlenet-paper",
        "vgg16_c" => "zoo-label-vgg16-c",
        "nin" => "zoo-label-nin",
        "stochastic_depth_110" => "zoo-label-stochastic-depth-110",
        _ => return net.label.clone(),
    };
    lang.t(key)
}

/// [`label`] by identifier; None for an identifier the zoo lacks.
pub fn label_of(id: &str, lang: Lang) -> Option<String> {
    if let Some(base) = id.strip_prefix("plain_") {
        let name = label_of(base, lang)?;
        return Some(lang.tf("zoo-label-plain", &[("net", name.into())]));
    }
    build(id).map(|n| label(&n, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_in_both_languages_and_english_is_the_description_s() {
        for id in ids() {
            let net = build(id).unwrap();
            assert_eq!(label(&net, Lang::En), net.label, "{id}");
            assert_eq!(label_of(id, Lang::En).as_deref(), Some(net.label.as_str()));
            let zh = label(&net, Lang::Zh);
            assert!(!zh.starts_with("zoo-"), "{id}: {zh}");
        }
        let plain = nets::resnet::plain(&nets::resnet::RESNETS[0]);
        assert_eq!(label(&plain, Lang::En), plain.label);
        assert_eq!(
            label(&plain, Lang::Zh),
            Lang::Zh.tf("zoo-label-plain", &[("net", "ResNet-18".into())])
        );
        assert_eq!(
            label(&build("alexnet_paper").unwrap(), Lang::Zh),
            "AlexNet（2012 年论文）"
        );
    }

    #[test]
    fn every_remark_and_quote_is_in_the_catalogue_in_both_languages() {
        for id in ids() {
            let net = build(id).unwrap();
            for r in &net.remarks {
                for lang in Lang::ALL {
                    let text = r.text(lang);
                    assert_ne!(text, r.key, "{id}: {} missing in {lang:?}", r.key);
                    assert!(!text.contains("{$"), "{id}: {text}");
                }
            }
            for q in &net.quotes {
                assert!(!q.text(Lang::Zh).contains(&q.what), "{id}: {}", q.what);
            }
            for n in &net.nodes {
                assert!(!n.op.type_label(Lang::Zh).starts_with("zoo-"));
            }
        }
        let lenet = build("lenet5").unwrap();
        let c3 = lenet.nodes.iter().find(|n| n.name == "c3").unwrap();
        assert_eq!(c3.op.type_label(Lang::En), "Conv2d (partial)");
        assert_eq!(lenet.quotes[0].text(Lang::En), "156 parameters");
    }
}
