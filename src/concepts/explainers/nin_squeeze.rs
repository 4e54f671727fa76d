//! The explainers of NiN (mlpconv: a 1×1 MLP after each convolution) and SqueezeNet (the Fire
//! module), with their tables from the descriptions.

use super::*;

pub(super) fn mlpconv(lang: Lang) -> Explainer {
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

pub(super) fn fire(model: &'static str, lang: Lang) -> Explainer {
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
