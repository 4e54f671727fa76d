//! One short explainer for each idea that came after ResNet — NiN's mlpconv, SqueezeNet's fire
//! module, DenseNet's dense block, ResNeXt's cardinality, Wide ResNet's widening, Stochastic
//! Depth's survival probabilities, FractalNet's expansion rule. Every figure in them (shapes,
//! parameters, multiply-adds, channel counts, probabilities) is read off the zoo's descriptions
//! and their analyses; the prose only names what the figures show. The words are the catalogue's
//! (`explainers-…` in `locales/*/explainers.ftl`); each builder takes the page's language and
//! passes every figure to its message as an argument.

mod dense_wide;
mod depth;
mod nin_squeeze;

use crate::i18n::thousands;
use crate::i18n::Lang;
use crate::zoo::builder::Builder;
use crate::zoo::graph::{Network, Op};
use crate::zoo::summary::shape_text;
use crate::zoo::{analyse, build, Analysis};
use dense_wide::{cardinality, dense_block, widening};
use depth::{fractal, survival};
use nin_squeeze::{fire, mlpconv};

/// A small table.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Bars for a chart: one (label, value) per bar, and what the values are.
#[derive(Clone, Debug, PartialEq)]
pub struct Bars {
    pub title: String,
    pub unit: String,
    pub bars: Vec<(String, f64)>,
}

/// One explainer.
#[derive(Clone, Debug, PartialEq)]
pub struct Explainer {
    /// `data-concept`: `mlpconv`, `fire`, `dense-block`, `cardinality`, `widening`, `survival`,
    /// `fractal`.
    pub key: &'static str,
    pub title: String,
    /// The zoo network it is read from.
    pub model: &'static str,
    pub paper: String,
    pub paragraphs: Vec<String>,
    pub table: Option<Table>,
    pub bars: Option<Bars>,
}

/// The explainers, in the order of the notes.
pub const KEYS: [&str; 7] = [
    "mlpconv",
    "fire",
    "dense-block",
    "cardinality",
    "widening",
    "survival",
    "fractal",
];

/// The explainer shown on a network's page, if it has one.
pub fn for_model(id: &str) -> Option<&'static str> {
    Some(match id {
        "nin" => "mlpconv",
        "squeezenet1_0" | "squeezenet1_1" => "fire",
        "densenet121" => "dense-block",
        "resnext50_32x4d" => "cardinality",
        "wide_resnet50_2" => "widening",
        "stochastic_depth_110" => "survival",
        "fractalnet" => "fractal",
        _ => return None,
    })
}

/// Builds an explainer by key, in `lang`.
pub fn explainer(key: &str, lang: Lang) -> Option<Explainer> {
    explainer_on(key, None, lang)
}

/// Builds an explainer by key, in `lang`, read from `model` where the explainer applies to several
/// networks (the fire module: either SqueezeNet).
pub fn explainer_on(key: &str, model: Option<&str>, lang: Lang) -> Option<Explainer> {
    Some(match key {
        "mlpconv" => mlpconv(lang),
        "fire" => fire(
            match model {
                Some("squeezenet1_0") => "squeezenet1_0",
                _ => "squeezenet1_1",
            },
            lang,
        ),
        "dense-block" => dense_block(lang),
        "cardinality" => cardinality(lang),
        "widening" => widening(lang),
        "survival" => survival(lang),
        "fractal" => fractal(lang),
        _ => return None,
    })
}

fn net(id: &str) -> (Network, Analysis) {
    let n = build(id).unwrap_or_else(|| panic!("{id} is in the zoo"));
    let a = analyse(&n);
    (n, a)
}

fn node(net: &Network, name: &str) -> usize {
    net.nodes
        .iter()
        .position(|n| n.name == name)
        .unwrap_or_else(|| panic!("{} has no node {name}", net.id))
}

/// Parameters at a glance: English "25.6M" as the explainers always wrote it, Chinese in 万.
fn millions(n: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{:.1}M", n as f64 / 1e6),
        _ => lang.compact(n),
    }
}

/// Multiply-adds at a glance: English "4.09G", Chinese in 亿.
fn giga(n: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{:.2}G", n as f64 / 1e9),
        _ => lang.compact(n),
    }
}

/// The strings of `keys` in `lang`.
fn texts<const N: usize>(keys: [&str; N], lang: Lang) -> Vec<String> {
    keys.map(|k| lang.t(k)).to_vec()
}

/// A list of figures as `lang` writes one ("1, 2, 4, 8" / "1、2、4、8").
fn list(items: &[String], lang: Lang) -> String {
    items.join(&lang.t("explainers-list-separator"))
}

fn conv_text(op: &Op, lang: Lang) -> String {
    match op.base() {
        Op::Conv2d(c) => {
            let mut t = lang.tf(
                "explainers-conv",
                &[
                    ("kh", c.kernel[0].to_string().into()),
                    ("kw", c.kernel[1].to_string().into()),
                    ("filters", c.out_channels.to_string().into()),
                ],
            );
            if c.stride[0] > 1 {
                t.push_str(&lang.tf(
                    "explainers-conv-stride",
                    &[("stride", c.stride[0].to_string().into())],
                ));
            }
            if c.groups > 1 {
                t.push_str(&lang.tf(
                    "explainers-conv-groups",
                    &[("groups", c.groups.to_string().into())],
                ));
            }
            t
        }
        other => other.type_name().to_string(),
    }
}

/// Rows "layer · what · output · params · MACs" for the convolutions among `nodes`.
fn conv_rows(
    net: &Network,
    an: &Analysis,
    nodes: impl Iterator<Item = usize>,
    lang: Lang,
) -> Vec<Vec<String>> {
    nodes
        .filter(|&i| matches!(net.nodes[i].op.base(), Op::Conv2d(_)))
        .map(|i| {
            vec![
                net.nodes[i].name.clone(),
                conv_text(&net.nodes[i].op, lang),
                shape_text(&an.layers[i].shape),
                thousands(an.layers[i].params),
                thousands(an.layers[i].macs),
            ]
        })
        .collect()
}

fn conv_headers(lang: Lang) -> Vec<String> {
    texts(
        [
            "explainers-col-layer",
            "explainers-col-what",
            "explainers-col-output",
            "explainers-col-parameters",
            "explainers-col-multiply-adds",
        ],
        lang,
    )
}

fn block_nodes(net: &Network, block: &str) -> Vec<usize> {
    (0..net.nodes.len())
        .filter(|&i| net.nodes[i].block == block)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_explainer_builds_from_the_zoo() {
        for key in KEYS {
            let e = explainer(key, Lang::En).unwrap();
            assert_eq!(e.key, key);
            assert!(build(e.model).is_some());
            assert_eq!(for_model(e.model), Some(key));
            assert_eq!(
                explainer_on(key, Some(e.model), Lang::En).unwrap().model,
                e.model
            );
            assert!(e.paragraphs.len() >= 2);
            assert!(e.table.is_some() || e.bars.is_some(), "{key}");
        }
        assert_eq!(explainer("nope", Lang::En), None);
    }

    #[test]
    fn every_explainer_reads_in_chinese_with_the_same_figures() {
        for key in KEYS {
            let en = explainer(key, Lang::En).unwrap();
            let zh = explainer(key, Lang::Zh).unwrap();
            assert_ne!(en.title, zh.title, "{key}");
            let texts = std::iter::once(&zh.title)
                .chain(&zh.paragraphs)
                .chain(
                    zh.table
                        .iter()
                        .flat_map(|t| t.headers.iter().chain(t.rows.iter().flatten())),
                )
                .chain(zh.bars.iter().flat_map(|b| [&b.title, &b.unit]));
            for t in texts {
                assert!(
                    !t.contains("explainers-") && !t.contains("{$"),
                    "{key}: {t}"
                );
            }
            // The figures are the same: the tables' numbers and the bars' values.
            let (te, tz) = (en.table.unwrap(), zh.table.unwrap());
            assert_eq!(te.rows.len(), tz.rows.len());
            let numbers = |row: &[String]| -> Vec<String> {
                row[1..]
                    .iter()
                    .filter(|c| c.chars().all(|ch| !ch.is_alphabetic()))
                    .cloned()
                    .collect()
            };
            for (re, rz) in te.rows.iter().zip(&tz.rows) {
                assert_eq!(numbers(re), numbers(rz), "{key}: {re:?} / {rz:?}");
            }
            let values =
                |b: Option<Bars>| b.map(|b| b.bars.iter().map(|x| x.1).collect::<Vec<_>>());
            assert_eq!(values(en.bars), values(zh.bars), "{key}");
        }
        let card = explainer("cardinality", Lang::Zh).unwrap();
        assert!(
            card.paragraphs[0].contains("32 组"),
            "{}",
            card.paragraphs[0]
        );
        let dense = explainer("dense-block", Lang::Zh).unwrap();
        assert!(
            dense.paragraphs[1].contains("64 + 6·32 = 256"),
            "{}",
            dense.paragraphs[1]
        );
    }

    #[test]
    fn figures_match_the_descriptions() {
        let fire = explainer("fire", Lang::En).unwrap();
        // fire2 of SqueezeNet 1.1: 64 → squeeze 16 → expand 64 + 64 = 128.
        let t = fire.table.unwrap();
        assert_eq!(t.rows[0][0], "features.3");
        assert_eq!(t.rows[0][2..6], ["16", "64", "64", "128×55×55"]);
        // 16·64 + 16 + 64·16 + 64 + 64·16·9 + 64 = 11,408
        assert_eq!(t.rows[0][6], "11,408");
        assert!(fire.paragraphs[1].contains("73,856"));

        let dense = explainer("dense-block", Lang::En).unwrap();
        let bars = dense.bars.unwrap().bars;
        let maps: Vec<f64> = bars.iter().map(|b| b.1).collect();
        assert_eq!(maps, [64., 96., 128., 160., 192., 224., 256., 128.]);

        let survival = explainer("survival", Lang::En).unwrap();
        let p = survival.bars.unwrap().bars;
        assert_eq!(p.len(), 54);
        assert!((p[53].1 - 0.5).abs() < 1e-12);
        assert!(survival.paragraphs[1].contains("40.25"));

        let stages = survival.table.unwrap();
        assert_eq!(stages.rows.len(), 3);
        assert_eq!(
            stages.rows[2][1..3],
            ["18".to_string(), "64×8×8".to_string()]
        );
        let fractal = explainer("fractal", Lang::En).unwrap();
        let blocks = fractal.table.as_ref().unwrap();
        assert_eq!(blocks.rows.len(), 5);
        assert_eq!(
            blocks.rows[0][1..5],
            ["3×32×32", "64×16×16", "15", "4"].map(String::from)
        );
        let cols: Vec<f64> = fractal.bars.unwrap().bars.iter().map(|b| b.1).collect();
        assert_eq!(cols, [1., 2., 4., 8.]);
        assert!(fractal.paragraphs[1].contains("40 convolutions deep"));

        let card = explainer("cardinality", Lang::En).unwrap();
        assert!(card.paragraphs[0].contains("32 groups"));
        assert!(card.paragraphs[0].contains("of 4 channels"));
        let wide = explainer("widening", Lang::En).unwrap();
        assert!(wide.paragraphs[0].contains("128 filters instead of 64"));
        let nin = explainer("mlpconv", Lang::En).unwrap();
        assert!(nin.paragraphs[0].contains("363 values"));
        assert_eq!(nin.table.unwrap().rows.len(), 3);
    }
}
