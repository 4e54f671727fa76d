//! The explainers of DenseNet (the dense block), ResNeXt (cardinality) and Wide ResNet
//! (widening), with their tables from the descriptions.

use super::*;

pub(super) fn dense_block(lang: Lang) -> Explainer {
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

pub(super) fn cardinality(lang: Lang) -> Explainer {
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

pub(super) fn widening(lang: Lang) -> Explainer {
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
