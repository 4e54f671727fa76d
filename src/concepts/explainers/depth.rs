//! The explainers of Stochastic Depth (survival probabilities) and FractalNet (the fractal
//! expansion), with their tables from the descriptions.

use super::*;

pub(super) fn survival(lang: Lang) -> Explainer {
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

pub(super) fn fractal(lang: Lang) -> Explainer {
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
