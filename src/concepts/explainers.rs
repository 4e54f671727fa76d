//! One short explainer for each idea that came after ResNet — NiN's mlpconv, SqueezeNet's fire
//! module, DenseNet's dense block, ResNeXt's cardinality, Wide ResNet's widening, Stochastic
//! Depth's survival probabilities, FractalNet's expansion rule. Every figure in them (shapes,
//! parameters, multiply-adds, channel counts, probabilities) is read off the zoo's descriptions
//! and their analyses; the prose only names what the figures show. The words are the catalogue's
//! (`explainers-…` in `locales/*/explainers.ftl`); each builder takes the page's language and
//! passes every figure to its message as an argument.

use crate::i18n::thousands;
use crate::i18n::Lang;
use crate::zoo::builder::Builder;
use crate::zoo::graph::{Network, Op};
use crate::zoo::summary::shape_text;
use crate::zoo::{analyse, build, Analysis};

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

fn mlpconv(lang: Lang) -> Explainer {
    let (n, an) = net("nin");
    let nodes = block_nodes(&n, "mlpconv1");
    let convs: Vec<usize> = nodes
        .iter()
        .copied()
        .filter(|&i| matches!(n.nodes[i].op, Op::Conv2d(_)))
        .collect();
    let first = an.layers[convs[0]].params;
    let block: u64 = convs.iter().map(|&i| an.layers[i].params).sum();
    let (alex, alex_an) = net("alexnet");
    let fc: u64 = alex
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m.op, Op::Linear { .. }))
        .map(|(i, _)| alex_an.layers[i].params)
        .sum();
    let last = node(&n, "pool4");
    Explainer {
        key: "mlpconv",
        title: lang.t("explainers-mlpconv-title"),
        model: "nin",
        paper: n.paper.clone(),
        paragraphs: vec![
            lang.tf(
                "explainers-mlpconv-window",
                &[("values", thousands(window_values(&n, &an, convs[0])).into())],
            ),
            lang.tf(
                "explainers-mlpconv-cost",
                &[
                    ("added", thousands(block - first).into()),
                    ("conv", thousands(first).into()),
                    (
                        "percent",
                        format!("{:.0}", 100.0 * (block - first) as f64 / block as f64).into(),
                    ),
                ],
            ),
            lang.tf(
                "explainers-mlpconv-gap",
                &[
                    (
                        "shape",
                        shape_text(&an.layers[n.nodes[last].inputs[0]].shape).into(),
                    ),
                    ("fc", thousands(fc).into()),
                ],
            ),
        ],
        table: Some(Table {
            headers: conv_headers(lang),
            rows: conv_rows(&n, &an, nodes.into_iter(), lang),
        }),
        bars: None,
    }
}

/// Input values one output unit of a convolution reads: k·k·(input channels / groups).
fn window_values(net: &Network, an: &Analysis, conv: usize) -> u64 {
    match &net.nodes[conv].op {
        Op::Conv2d(c) => {
            let cin = an.layers[net.nodes[conv].inputs[0]].shape[0] / c.groups;
            (c.kernel[0] * c.kernel[1] * cin) as u64
        }
        _ => 0,
    }
}

fn fire(model: &'static str, lang: Lang) -> Explainer {
    let (n, an) = net(model);
    let fires: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for m in &n.nodes {
            if !m.block.is_empty() && !v.contains(&m.block) {
                v.push(m.block.clone());
            }
        }
        v
    };
    let first = &fires[0];
    let nodes = block_nodes(&n, first);
    let cat = node(&n, &format!("{first}.cat"));
    let input = n.nodes[nodes[0]].inputs[0];
    let (cin, cout, side) = (
        an.layers[input].shape[0],
        an.layers[cat].shape[0],
        an.layers[cat].shape[1],
    );
    let fire_params: u64 = nodes.iter().map(|&i| an.layers[i].params).sum();
    let fire_macs: u64 = nodes.iter().map(|&i| an.layers[i].macs).sum();
    // The plain alternative: one 3×3 convolution from the same input to the same output.
    let mut b = Builder::new("plain", "plain", "", [cin, side, side]);
    let x = b.input();
    b.conv("conv", x, cout, 3, 1, 1);
    let plain = analyse(&b.finish());
    let rows = fires
        .iter()
        .map(|f| {
            let ns = block_nodes(&n, f);
            let width =
                |suffix: &str| an.layers[node(&n, &format!("{f}.{suffix}"))].shape[0].to_string();
            vec![
                f.clone(),
                shape_text(&an.layers[n.nodes[ns[0]].inputs[0]].shape),
                width("squeeze"),
                width("expand1x1"),
                width("expand3x3"),
                shape_text(&an.layers[node(&n, &format!("{f}.cat"))].shape),
                thousands(ns.iter().map(|&i| an.layers[i].params).sum()),
            ]
        })
        .collect();
    Explainer {
        key: "fire",
        title: lang.t("explainers-fire-title"),
        model,
        paper: n.paper.clone(),
        paragraphs: vec![
            lang.tf(
                "explainers-fire-module",
                &[
                    ("first", first.into()),
                    ("cin", cin.to_string().into()),
                    ("cout", cout.to_string().into()),
                    (
                        "squeezed",
                        an.layers[node(&n, &format!("{first}.squeeze"))].shape[0]
                            .to_string()
                            .into(),
                    ),
                ],
            ),
            lang.tf(
                "explainers-fire-cost",
                &[
                    ("first", first.into()),
                    ("params", thousands(fire_params).into()),
                    ("macs", thousands(fire_macs).into()),
                    ("cin", cin.to_string().into()),
                    ("cout", cout.to_string().into()),
                    ("plain_params", thousands(plain.total_params).into()),
                    ("plain_macs", thousands(plain.total_macs).into()),
                    (
                        "ratio",
                        format!("{:.1}", plain.total_params as f64 / fire_params as f64).into(),
                    ),
                ],
            ),
            lang.tf(
                "explainers-fire-whole",
                &[
                    ("params", thousands(an.total_params).into()),
                    ("bytes", crate::zoo::summary::bytes(an.param_bytes).into()),
                ],
            ),
        ],
        table: Some(Table {
            headers: texts(
                [
                    "explainers-col-module",
                    "explainers-col-input",
                    "explainers-col-squeeze",
                    "explainers-col-expand1",
                    "explainers-col-expand3",
                    "explainers-col-output",
                    "explainers-col-parameters",
                ],
                lang,
            ),
            rows,
        }),
        bars: None,
    }
}

fn dense_block(lang: Lang) -> Explainer {
    let (n, an) = net("densenet121");
    let block = "features.denseblock1";
    let layers: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for m in &n.nodes {
            if m.block.starts_with(&format!("{block}.")) && !v.contains(&m.block) {
                v.push(m.block.clone());
            }
        }
        v
    };
    // The maps each layer reads: its first node's input (a concatenation after the first layer).
    let reads: Vec<(String, usize, u64, u64)> = layers
        .iter()
        .map(|l| {
            let ns = block_nodes(&n, l);
            let input = match n.nodes[ns[0]].op {
                Op::Concat => ns[0],
                _ => n.nodes[ns[0]].inputs[0],
            };
            (
                l.rsplit('.').next().unwrap_or(l).to_string(),
                an.layers[input].shape[0],
                ns.iter().map(|&i| an.layers[i].params).sum(),
                ns.iter().map(|&i| an.layers[i].macs).sum(),
            )
        })
        .collect();
    let end = node(&n, &format!("{block}.cat"));
    let growth = an.layers[node(&n, &format!("{}.conv2", layers[0]))].shape[0];
    let input = reads[0].1;
    let out = an.layers[end].shape[0];
    let trans = node(&n, "features.transition1.conv");
    let mut bars: Vec<(String, f64)> = reads
        .iter()
        .map(|(l, c, _, _)| {
            (
                lang.tf("explainers-dense-bar-reads", &[("layer", l.into())]),
                *c as f64,
            )
        })
        .collect();
    bars.push((lang.t("explainers-dense-bar-output"), out as f64));
    bars.push((
        lang.t("explainers-dense-bar-transition"),
        an.layers[trans].shape[0] as f64,
    ));
    let n_str = |v: usize| -> crate::i18n::Arg { v.to_string().into() };
    Explainer {
        key: "dense-block",
        title: lang.t("explainers-dense-title"),
        model: "densenet121",
        paper: n.paper.clone(),
        paragraphs: vec![
            lang.tf(
                "explainers-dense-growth",
                &[
                    ("growth", n_str(growth)),
                    ("first", n_str(input)),
                    ("last", n_str(reads.last().map_or(0, |r| r.1))),
                ],
            ),
            lang.tf(
                "explainers-dense-end",
                &[
                    ("input", n_str(input)),
                    ("layers", n_str(reads.len())),
                    ("growth", n_str(growth)),
                    ("out", n_str(out)),
                    ("halved", n_str(an.layers[trans].shape[0])),
                ],
            ),
            lang.tf(
                "explainers-dense-reuse",
                &[
                    (
                        "bottleneck",
                        n_str(an.layers[node(&n, &format!("{}.conv1", layers[0]))].shape[0]),
                    ),
                    ("params", millions(an.total_params, lang).into()),
                    (
                        "resnet",
                        millions(
                            analyse(&build("resnet50").expect("in the zoo")).total_params,
                            lang,
                        )
                        .into(),
                    ),
                ],
            ),
        ],
        table: Some(Table {
            headers: texts(
                [
                    "explainers-col-layer",
                    "explainers-col-maps-read",
                    "explainers-col-parameters",
                    "explainers-col-multiply-adds",
                ],
                lang,
            ),
            rows: reads
                .iter()
                .map(|(l, c, p, m)| vec![l.clone(), c.to_string(), thousands(*p), thousands(*m)])
                .collect(),
        }),
        bars: Some(Bars {
            title: lang.t("explainers-dense-bars-title"),
            unit: lang.t("explainers-dense-bars-unit"),
            bars,
        }),
    }
}

/// Rows comparing the first block of two ResNet-family networks.
fn block_rows(pairs: &[(&Network, &Analysis)], block: &str, lang: Lang) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (n, an) in pairs {
        let nodes = block_nodes(n, block);
        for r in conv_rows(n, an, nodes.iter().copied(), lang) {
            let mut r = r;
            r[0] = lang.tf(
                "explainers-row-of-net",
                &[
                    ("net", crate::zoo::label(n, lang).into()),
                    ("layer", (&r[0]).into()),
                ],
            );
            rows.push(r);
        }
    }
    rows
}

fn compare_paragraph(
    a: (&Network, &Analysis),
    b: (&Network, &Analysis),
    block: &str,
    lang: Lang,
) -> String {
    let sum = |n: &Network, an: &Analysis, f: fn(&crate::zoo::LayerStats) -> u64| -> u64 {
        block_nodes(n, block)
            .into_iter()
            .map(|i| f(&an.layers[i]))
            .sum()
    };
    lang.tf(
        "explainers-compare-block",
        &[
            ("block", block.into()),
            ("b_params", thousands(sum(b.0, b.1, |l| l.params)).into()),
            ("b_macs", thousands(sum(b.0, b.1, |l| l.macs)).into()),
            ("b_net", crate::zoo::label(b.0, lang).into()),
            ("a_params", thousands(sum(a.0, a.1, |l| l.params)).into()),
            ("a_macs", thousands(sum(a.0, a.1, |l| l.macs)).into()),
            ("a_net", crate::zoo::label(a.0, lang).into()),
            ("b_total_params", millions(b.1.total_params, lang).into()),
            ("b_total_macs", giga(b.1.total_macs, lang).into()),
            ("a_total_params", millions(a.1.total_params, lang).into()),
            ("a_total_macs", giga(a.1.total_macs, lang).into()),
        ],
    )
}

fn groups_of(net: &Network, name: &str) -> (usize, usize) {
    match &net.nodes[node(net, name)].op {
        Op::Conv2d(c) => (c.groups, c.out_channels),
        _ => (1, 0),
    }
}

fn cardinality(lang: Lang) -> Explainer {
    let (x, xa) = net("resnext50_32x4d");
    let (r, ra) = net("resnet50");
    let block = "layer1.0";
    let (groups, width) = groups_of(&x, "layer1.0.conv2");
    let (_, rwidth) = groups_of(&r, "layer1.0.conv2");
    Explainer {
        key: "cardinality",
        title: lang.t("explainers-cardinality-title"),
        model: "resnext50_32x4d",
        paper: x.paper.clone(),
        paragraphs: vec![
            lang.tf(
                "explainers-cardinality-groups",
                &[
                    ("groups", groups.to_string().into()),
                    ("per_group", (width / groups).to_string().into()),
                    ("width", width.to_string().into()),
                    ("resnet_width", rwidth.to_string().into()),
                ],
            ),
            compare_paragraph((&r, &ra), (&x, &xa), block, lang),
            lang.t("explainers-cardinality-finding"),
        ],
        table: Some(Table {
            headers: conv_headers(lang),
            rows: block_rows(&[(&r, &ra), (&x, &xa)], block, lang),
        }),
        bars: None,
    }
}

fn widening(lang: Lang) -> Explainer {
    let (w, wa) = net("wide_resnet50_2");
    let (r, ra) = net("resnet50");
    let block = "layer1.0";
    let (_, wide) = groups_of(&w, "layer1.0.conv2");
    let (_, narrow) = groups_of(&r, "layer1.0.conv2");
    Explainer {
        key: "widening",
        title: lang.t("explainers-widening-title"),
        model: "wide_resnet50_2",
        paper: w.paper.clone(),
        paragraphs: vec![
            lang.tf(
                "explainers-widening-doubled",
                &[
                    ("wide", wide.to_string().into()),
                    ("narrow", narrow.to_string().into()),
                ],
            ),
            compare_paragraph((&r, &ra), (&w, &wa), block, lang),
            lang.t("explainers-widening-argument"),
        ],
        table: Some(Table {
            headers: conv_headers(lang),
            rows: block_rows(&[(&r, &ra), (&w, &wa)], block, lang),
        }),
        bars: None,
    }
}

fn survival(lang: Lang) -> Explainer {
    let (n, an) = net("stochastic_depth_110");
    let probs: Vec<(String, f64)> = n
        .nodes
        .iter()
        .filter_map(|m| match m.op {
            Op::Scale { factor } => Some((m.block.clone(), factor)),
            _ => None,
        })
        .collect();
    let blocks = probs.len();
    let expected: f64 = probs.iter().map(|p| p.1).sum();
    let convs_per_block = n
        .nodes
        .iter()
        .filter(|m| m.block == probs[0].0 && matches!(m.op, Op::Conv2d(_)))
        .count();
    let weight_layers = n
        .nodes
        .iter()
        .filter(|m| matches!(m.op, Op::Conv2d(_) | Op::Linear { .. }))
        .count();
    let other = weight_layers - blocks * convs_per_block;
    Explainer {
        key: "survival",
        title: lang.t("explainers-survival-title"),
        model: "stochastic_depth_110",
        paper: n.paper.clone(),
        paragraphs: vec![
            lang.tf(
                "explainers-survival-training",
                &[
                    ("blocks", blocks.to_string().into()),
                    ("first", format!("{:.3}", probs[0].1).into()),
                    ("last", format!("{:.3}", probs[blocks - 1].1).into()),
                ],
            ),
            lang.tf(
                "explainers-survival-expected",
                &[
                    ("expected", format!("{expected:.2}").into()),
                    (
                        "layers",
                        format!("{:.1}", expected * convs_per_block as f64 + other as f64).into(),
                    ),
                    ("weight_layers", weight_layers.to_string().into()),
                    ("per_block", convs_per_block.to_string().into()),
                    ("other", other.to_string().into()),
                ],
            ),
            lang.tf(
                "explainers-survival-test",
                &[("params", thousands(an.total_params).into())],
            ),
        ],
        table: Some(stage_table(&n, &an, &probs, lang)),
        bars: Some(Bars {
            title: lang.t("explainers-survival-bars-title"),
            unit: lang.t("explainers-survival-bars-unit"),
            bars: probs,
        }),
    }
}

fn fractal(lang: Lang) -> Explainer {
    let (n, an) = net("fractalnet");
    let block = "block1";
    let nodes = block_nodes(&n, block);
    let mut columns: Vec<(usize, usize)> = Vec::new();
    for &i in &nodes {
        if !matches!(n.nodes[i].op, Op::Conv2d(_)) {
            continue;
        }
        let col: usize = n.nodes[i]
            .name
            .split('.')
            .find_map(|p| p.strip_prefix("col").and_then(|c| c.parse().ok()))
            .unwrap_or(0);
        match columns.iter_mut().find(|c| c.0 == col) {
            Some(c) => c.1 += 1,
            None => columns.push((col, 1)),
        }
    }
    columns.sort_unstable();
    let joins = nodes
        .iter()
        .filter(|&&i| matches!(n.nodes[i].op, Op::Mean))
        .count();
    let blocks = n
        .nodes
        .iter()
        .filter(|m| matches!(m.op, Op::Pool2d(_)))
        .count();
    let deepest = columns.last().map_or(0, |c| c.1);
    let convs: usize = columns.iter().map(|c| c.1).sum();
    Explainer {
        key: "fractal",
        title: lang.t("explainers-fractal-title"),
        model: "fractalnet",
        paper: n.paper.clone(),
        paragraphs: vec![
            lang.t("explainers-fractal-rule"),
            lang.tf(
                "explainers-fractal-depth",
                &[
                    ("columns", columns.len().to_string().into()),
                    ("convs", convs.to_string().into()),
                    (
                        "sizes",
                        list(
                            &columns.iter().map(|c| c.1.to_string()).collect::<Vec<_>>(),
                            lang,
                        )
                        .into(),
                    ),
                    ("joins", joins.to_string().into()),
                    ("deepest", deepest.to_string().into()),
                    ("blocks", blocks.to_string().into()),
                    ("longest", (blocks * deepest).to_string().into()),
                    (
                        "shortest",
                        (blocks * columns.first().map_or(0, |c| c.1))
                            .to_string()
                            .into(),
                    ),
                ],
            ),
            lang.tf(
                "explainers-fractal-paths",
                &[
                    ("params", thousands(an.total_params).into()),
                    ("macs", thousands(an.total_macs).into()),
                ],
            ),
        ],
        table: Some(fractal_table(&n, &an, lang)),
        bars: Some(Bars {
            title: lang.tf("explainers-fractal-bars-title", &[("block", block.into())]),
            unit: lang.t("explainers-fractal-bars-unit"),
            bars: columns
                .iter()
                .map(|(c, k)| {
                    (
                        lang.tf(
                            "explainers-fractal-bar-column",
                            &[("column", c.to_string().into())],
                        ),
                        *k as f64,
                    )
                })
                .collect(),
        }),
    }
}

/// Stochastic depth's stages: blocks, output shape, parameters, multiply-adds and the range of
/// survival probabilities.
fn stage_table(n: &Network, an: &Analysis, probs: &[(String, f64)], lang: Lang) -> Table {
    let mut stages: Vec<String> = Vec::new();
    for (b, _) in probs {
        let stage = b.split('.').next().unwrap_or(b).to_string();
        if !stages.contains(&stage) {
            stages.push(stage);
        }
    }
    let rows = stages
        .iter()
        .map(|st| {
            let in_stage = |b: &str| b.split('.').next() == Some(st.as_str());
            let nodes: Vec<usize> = (0..n.nodes.len())
                .filter(|&i| in_stage(&n.nodes[i].block))
                .collect();
            let ps: Vec<f64> = probs
                .iter()
                .filter(|(b, _)| in_stage(b))
                .map(|p| p.1)
                .collect();
            let last = *nodes.last().expect("a stage has nodes");
            vec![
                st.clone(),
                ps.len().to_string(),
                shape_text(&an.layers[last].shape),
                thousands(nodes.iter().map(|&i| an.layers[i].params).sum()),
                thousands(nodes.iter().map(|&i| an.layers[i].macs).sum()),
                format!("{:.3} … {:.3}", ps[0], ps[ps.len() - 1]),
            ]
        })
        .collect();
    Table {
        headers: texts(
            [
                "explainers-col-stage",
                "explainers-col-blocks",
                "explainers-col-output",
                "explainers-col-parameters",
                "explainers-col-multiply-adds",
                "explainers-col-survival",
            ],
            lang,
        ),
        rows,
    }
}

/// FractalNet's blocks: input and output shape, convolutions, joins, parameters, multiply-adds.
fn fractal_table(n: &Network, an: &Analysis, lang: Lang) -> Table {
    let mut blocks: Vec<String> = Vec::new();
    for m in &n.nodes {
        if !m.block.is_empty() && !blocks.contains(&m.block) {
            blocks.push(m.block.clone());
        }
    }
    let rows = blocks
        .iter()
        .map(|b| {
            let nodes = block_nodes(n, b);
            let count = |f: fn(&Op) -> bool| nodes.iter().filter(|&&i| f(&n.nodes[i].op)).count();
            let input = n.nodes[nodes[0]].inputs[0];
            vec![
                b.clone(),
                shape_text(&an.layers[input].shape),
                shape_text(&an.layers[*nodes.last().unwrap()].shape),
                count(|o| matches!(o, Op::Conv2d(_))).to_string(),
                count(|o| matches!(o, Op::Mean)).to_string(),
                thousands(nodes.iter().map(|&i| an.layers[i].params).sum()),
                thousands(nodes.iter().map(|&i| an.layers[i].macs).sum()),
            ]
        })
        .collect();
    Table {
        headers: texts(
            [
                "explainers-col-block",
                "explainers-col-input",
                "explainers-col-output",
                "explainers-col-convolutions",
                "explainers-col-joins",
                "explainers-col-parameters",
                "explainers-col-multiply-adds",
            ],
            lang,
        ),
        rows,
    }
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
            for (re, rz) in te.rows.iter().zip(&tz.rows) {
                assert_eq!(
                    re[1..]
                        .iter()
                        .filter(|c| c.chars().all(|ch| !ch.is_alphabetic()))
                        .count(),
                    rz[1..]
                        .iter()
                        .filter(|c| c.chars().all(|ch| !ch.is_alphabetic()))
                        .count()
                );
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
