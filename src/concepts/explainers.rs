//! One short explainer for each idea that came after ResNet — NiN's mlpconv, SqueezeNet's fire
//! module, DenseNet's dense block, ResNeXt's cardinality, Wide ResNet's widening, Stochastic
//! Depth's survival probabilities, FractalNet's expansion rule. Every figure in them (shapes,
//! parameters, multiply-adds, channel counts, probabilities) is read off the zoo's descriptions
//! and their analyses; the prose only names what the figures show.

use crate::zoo::graph::{Builder, Network, Op};
use crate::zoo::summary::{shape_text, thousands};
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

/// Builds an explainer by key.
pub fn explainer(key: &str) -> Option<Explainer> {
    explainer_on(key, None)
}

/// Builds an explainer by key, read from `model` where the explainer applies to several networks
/// (the fire module: either SqueezeNet).
pub fn explainer_on(key: &str, model: Option<&str>) -> Option<Explainer> {
    Some(match key {
        "mlpconv" => mlpconv(),
        "fire" => fire(match model {
            Some("squeezenet1_0") => "squeezenet1_0",
            _ => "squeezenet1_1",
        }),
        "dense-block" => dense_block(),
        "cardinality" => cardinality(),
        "widening" => widening(),
        "survival" => survival(),
        "fractal" => fractal(),
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

fn millions(n: u64) -> String {
    format!("{:.1}M", n as f64 / 1e6)
}

fn giga(n: u64) -> String {
    format!("{:.2}G", n as f64 / 1e9)
}

fn conv_text(op: &Op) -> String {
    match op.base() {
        Op::Conv2d(c) => {
            let mut t = format!(
                "conv {}×{}, {} filters",
                c.kernel[0], c.kernel[1], c.out_channels
            );
            if c.stride[0] > 1 {
                t.push_str(&format!(", stride {}", c.stride[0]));
            }
            if c.groups > 1 {
                t.push_str(&format!(", {} groups", c.groups));
            }
            t
        }
        other => other.type_name().to_string(),
    }
}

/// Rows "layer · what · output · params · MACs" for the convolutions among `nodes`.
fn conv_rows(net: &Network, an: &Analysis, nodes: impl Iterator<Item = usize>) -> Vec<Vec<String>> {
    nodes
        .filter(|&i| matches!(net.nodes[i].op.base(), Op::Conv2d(_)))
        .map(|i| {
            vec![
                net.nodes[i].name.clone(),
                conv_text(&net.nodes[i].op),
                shape_text(&an.layers[i].shape),
                thousands(an.layers[i].params),
                thousands(an.layers[i].macs),
            ]
        })
        .collect()
}

fn conv_headers() -> Vec<String> {
    ["layer", "what", "output", "parameters", "multiply-adds"]
        .map(String::from)
        .to_vec()
}

fn block_nodes(net: &Network, block: &str) -> Vec<usize> {
    (0..net.nodes.len())
        .filter(|&i| net.nodes[i].block == block)
        .collect()
}

fn mlpconv() -> Explainer {
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
        title: "NiN: mlpconv, a small network at every position".into(),
        model: "nin",
        paper: n.paper.clone(),
        paragraphs: vec![
            format!(
                "A convolution is a linear filter followed by a ReLU. NiN follows each convolution \
                 with two 1×1 convolutions, each with its own ReLU: at every position the window's \
                 {} values go through a three-layer perceptron shared across the map.",
                thousands(window_values(&n, &an, convs[0]))
            ),
            format!(
                "In the first block the two 1×1 layers add {} parameters to the convolution's {} \
                 ({:.0} % of the block): depth and non-linearity for little cost, the idea \
                 GoogLeNet's 1×1 reductions and ResNet's bottlenecks reuse.",
                thousands(block - first),
                thousands(first),
                100.0 * (block - first) as f64 / block as f64
            ),
            format!(
                "The last mlpconv ends with one map per class ({}), and a global average pool \
                 turns each map into its class score: no fully connected layer (AlexNet's three \
                 hold {} parameters).",
                shape_text(&an.layers[n.nodes[last].inputs[0]].shape),
                thousands(fc)
            ),
        ],
        table: Some(Table {
            headers: conv_headers(),
            rows: conv_rows(&n, &an, nodes.into_iter()),
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

fn fire(model: &'static str) -> Explainer {
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
        title: "SqueezeNet: the fire module".into(),
        model,
        paper: n.paper.clone(),
        paragraphs: vec![
            format!(
                "A fire module squeezes its input to a few maps with 1×1 convolutions, then expands \
                 them with 1×1 and 3×3 convolutions side by side and concatenates both. In \
                 {first} ({} in, {} out) the 3×3s read {} squeezed maps instead of {}.",
                cin,
                cout,
                an.layers[node(&n, &format!("{first}.squeeze"))].shape[0],
                cin
            ),
            format!(
                "{first} holds {} parameters and costs {} multiply-adds; one 3×3 convolution from \
                 the same {} maps to the same {} would hold {} and cost {} — {:.1}× more.",
                thousands(fire_params),
                thousands(fire_macs),
                cin,
                cout,
                thousands(plain.total_params),
                thousands(plain.total_macs),
                plain.total_params as f64 / fire_params as f64
            ),
            format!(
                "The whole network has {} parameters ({} in fp32); the paper reports AlexNet-level \
                 accuracy on ImageNet with it.",
                thousands(an.total_params),
                crate::zoo::summary::bytes(an.param_bytes)
            ),
        ],
        table: Some(Table {
            headers: [
                "module",
                "input",
                "squeeze 1×1",
                "expand 1×1",
                "expand 3×3",
                "output",
                "parameters",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        }),
        bars: None,
    }
}

fn dense_block() -> Explainer {
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
        .map(|(l, c, _, _)| (format!("{l} reads"), *c as f64))
        .collect();
    bars.push(("block output".into(), out as f64));
    bars.push(("after transition1".into(), an.layers[trans].shape[0] as f64));
    Explainer {
        key: "dense-block",
        title: "DenseNet: every layer reads all the layers before it".into(),
        model: "densenet121",
        paper: n.paper.clone(),
        paragraphs: vec![
            format!(
                "Each layer of a dense block adds k = {growth} new maps and reads the \
                 concatenation of the block's input and every earlier layer's maps, so the maps \
                 read grow by {growth} a layer: {} at the first layer of denseblock1, {} at its \
                 last.",
                input,
                reads.last().map_or(0, |r| r.1)
            ),
            format!(
                "The block ends with {input} + {}·{growth} = {out} maps; transition1 halves them \
                 to {} with a 1×1 convolution, then a 2×2 average pool halves the size.",
                reads.len(),
                an.layers[trans].shape[0]
            ),
            format!(
                "A layer's 3×3 convolution always reads {} maps (its 1×1 bottleneck narrows the \
                 growing input first), so a layer costs more only through its 1×1: features \
                 are reused instead of recomputed, and DenseNet-121 holds {} parameters against \
                 ResNet-50's {}.",
                an.layers[node(&n, &format!("{}.conv1", layers[0]))].shape[0],
                millions(an.total_params),
                millions(analyse(&build("resnet50").expect("in the zoo")).total_params)
            ),
        ],
        table: Some(Table {
            headers: ["layer", "maps read", "parameters", "multiply-adds"]
                .map(String::from)
                .to_vec(),
            rows: reads
                .iter()
                .map(|(l, c, p, m)| vec![l.clone(), c.to_string(), thousands(*p), thousands(*m)])
                .collect(),
        }),
        bars: Some(Bars {
            title: "Maps in denseblock1".into(),
            unit: "maps".into(),
            bars,
        }),
    }
}

/// Rows comparing the first block of two ResNet-family networks.
fn block_rows(pairs: &[(&Network, &Analysis)], block: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (n, an) in pairs {
        let nodes = block_nodes(n, block);
        for r in conv_rows(n, an, nodes.iter().copied()) {
            let mut r = r;
            r[0] = format!("{}: {}", n.label, r[0]);
            rows.push(r);
        }
    }
    rows
}

fn compare_paragraph(a: (&Network, &Analysis), b: (&Network, &Analysis), block: &str) -> String {
    let sum = |n: &Network, an: &Analysis, f: fn(&crate::zoo::LayerStats) -> u64| -> u64 {
        block_nodes(n, block)
            .into_iter()
            .map(|i| f(&an.layers[i]))
            .sum()
    };
    format!(
        "The block {block}: {} parameters and {} multiply-adds in {}, {} and {} in {}. Whole \
         networks: {} parameters and {} multiply-adds against {} and {}.",
        thousands(sum(b.0, b.1, |l| l.params)),
        thousands(sum(b.0, b.1, |l| l.macs)),
        b.0.label,
        thousands(sum(a.0, a.1, |l| l.params)),
        thousands(sum(a.0, a.1, |l| l.macs)),
        a.0.label,
        millions(b.1.total_params),
        giga(b.1.total_macs),
        millions(a.1.total_params),
        giga(a.1.total_macs)
    )
}

fn groups_of(net: &Network, name: &str) -> (usize, usize) {
    match &net.nodes[node(net, name)].op {
        Op::Conv2d(c) => (c.groups, c.out_channels),
        _ => (1, 0),
    }
}

fn cardinality() -> Explainer {
    let (x, xa) = net("resnext50_32x4d");
    let (r, ra) = net("resnet50");
    let block = "layer1.0";
    let (groups, width) = groups_of(&x, "layer1.0.conv2");
    let (_, rwidth) = groups_of(&r, "layer1.0.conv2");
    Explainer {
        key: "cardinality",
        title: "ResNeXt: more paths instead of wider or deeper ones".into(),
        model: "resnext50_32x4d",
        paper: x.paper.clone(),
        paragraphs: vec![
            format!(
                "ResNeXt keeps ResNet-50's layout and replaces each bottleneck's 3×3 convolution \
                 with a grouped one: {groups} groups (the cardinality) of {} channels each, {width} \
                 in all, where ResNet-50 has one path of {rwidth}. Each group sees only its own \
                 channels, as if the block were {groups} narrow bottlenecks summed.",
                width / groups
            ),
            compare_paragraph((&r, &ra), (&x, &xa), block),
            "At about the same cost, the paper found more paths better than a wider or deeper \
             ResNet: cardinality as a third dimension beside depth and width."
                .into(),
        ],
        table: Some(Table {
            headers: conv_headers(),
            rows: block_rows(&[(&r, &ra), (&x, &xa)], block),
        }),
        bars: None,
    }
}

fn widening() -> Explainer {
    let (w, wa) = net("wide_resnet50_2");
    let (r, ra) = net("resnet50");
    let block = "layer1.0";
    let (_, wide) = groups_of(&w, "layer1.0.conv2");
    let (_, narrow) = groups_of(&r, "layer1.0.conv2");
    Explainer {
        key: "widening",
        title: "Wide ResNet: wider blocks instead of more of them".into(),
        model: "wide_resnet50_2",
        paper: w.paper.clone(),
        paragraphs: vec![
            format!(
                "Wide ResNet-50-2 is ResNet-50 with every bottleneck's inner width doubled: the \
                 3×3 convolution of layer1.0 has {wide} filters instead of {narrow}; the blocks' \
                 outputs keep their width, so the shortcuts are unchanged."
            ),
            compare_paragraph((&r, &ra), (&w, &wa), block),
            "Zagoruyko and Komodakis argue that residual networks need width more than depth: a \
             wide, shallower network trains faster on parallel hardware and matched much deeper \
             thin ones."
                .into(),
        ],
        table: Some(Table {
            headers: conv_headers(),
            rows: block_rows(&[(&r, &ra), (&w, &wa)], block),
        }),
        bars: None,
    }
}

fn survival() -> Explainer {
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
        title: "Stochastic depth: train a shorter network every time".into(),
        model: "stochastic_depth_110",
        paper: n.paper.clone(),
        paragraphs: vec![
            format!(
                "During training each of the {blocks} residual blocks is kept with its survival \
                 probability p_l and otherwise skipped (its shortcut alone passes the input on). \
                 p_l falls linearly from {:.3} for the first block to {:.3} for the last.",
                probs[0].1,
                probs[blocks - 1].1
            ),
            format!(
                "On average Σ p_l = {expected:.2} blocks run, so a training step goes through \
                 about {:.1} of the {weight_layers} weight layers ({convs_per_block} per block, \
                 {other} outside the blocks): shorter paths for the gradient, less time per step.",
                expected * convs_per_block as f64 + other as f64
            ),
            format!(
                "At test time every block runs and its branch is scaled by p_l (the expected \
                 value in training): an ordinary ResNet-110 with {} parameters.",
                thousands(an.total_params)
            ),
        ],
        table: Some(stage_table(&n, &an, &probs)),
        bars: Some(Bars {
            title: "Survival probability p_l of each block".into(),
            unit: "p".into(),
            bars: probs,
        }),
    }
}

fn fractal() -> Explainer {
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
        title: "FractalNet: depth from an expansion rule, no residuals".into(),
        model: "fractalnet",
        paper: n.paper.clone(),
        paragraphs: vec![
            "The rule f₁(z) = conv(z), f_{C+1}(z) = join(f_C(f_C(z)), conv(z)) nests the block in \
             itself: each step doubles the deepest path and adds a column of one convolution. \
             A join averages the columns that meet there."
                .into(),
            format!(
                "With C = {} columns a block holds {convs} convolutions in columns of {} and {joins} \
                 joins; its longest path has {deepest}. {blocks} blocks make the network {} \
                 convolutions deep on its longest path and {} on its shortest.",
                columns.len(),
                columns
                    .iter()
                    .map(|c| c.1.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                blocks * deepest,
                blocks * columns.first().map_or(0, |c| c.1)
            ),
            format!(
                "Every signal passes a convolution and a ReLU before the next join: short paths \
                 carry the gradient early in training as shortcuts do in a ResNet, without an \
                 identity anywhere. {} parameters, {} multiply-adds at 32×32.",
                thousands(an.total_params),
                thousands(an.total_macs)
            ),
        ],
        table: Some(fractal_table(&n, &an)),
        bars: Some(Bars {
            title: format!("Convolutions per column of {block}"),
            unit: "convolutions".into(),
            bars: columns
                .iter()
                .map(|(c, k)| (format!("column {c}"), *k as f64))
                .collect(),
        }),
    }
}

/// Stochastic depth's stages: blocks, output shape, parameters, multiply-adds and the range of
/// survival probabilities.
fn stage_table(n: &Network, an: &Analysis, probs: &[(String, f64)]) -> Table {
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
        headers: [
            "stage",
            "blocks",
            "output",
            "parameters",
            "multiply-adds",
            "p_l",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

/// FractalNet's blocks: input and output shape, convolutions, joins, parameters, multiply-adds.
fn fractal_table(n: &Network, an: &Analysis) -> Table {
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
        headers: [
            "block",
            "input",
            "output",
            "convolutions",
            "joins",
            "parameters",
            "multiply-adds",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_explainer_builds_from_the_zoo() {
        for key in KEYS {
            let e = explainer(key).unwrap();
            assert_eq!(e.key, key);
            assert!(build(e.model).is_some());
            assert_eq!(for_model(e.model), Some(key));
            assert_eq!(explainer_on(key, Some(e.model)).unwrap().model, e.model);
            assert!(e.paragraphs.len() >= 2);
            assert!(e.table.is_some() || e.bars.is_some(), "{key}");
        }
        assert_eq!(explainer("nope"), None);
    }

    #[test]
    fn figures_match_the_descriptions() {
        let fire = explainer("fire").unwrap();
        // fire2 of SqueezeNet 1.1: 64 → squeeze 16 → expand 64 + 64 = 128.
        let t = fire.table.unwrap();
        assert_eq!(t.rows[0][0], "features.3");
        assert_eq!(t.rows[0][2..6], ["16", "64", "64", "128×55×55"]);
        // 16·64 + 16 + 64·16 + 64 + 64·16·9 + 64 = 11,408
        assert_eq!(t.rows[0][6], "11,408");
        assert!(fire.paragraphs[1].contains("73,856"));

        let dense = explainer("dense-block").unwrap();
        let bars = dense.bars.unwrap().bars;
        let maps: Vec<f64> = bars.iter().map(|b| b.1).collect();
        assert_eq!(maps, [64., 96., 128., 160., 192., 224., 256., 128.]);

        let survival = explainer("survival").unwrap();
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
        let fractal = explainer("fractal").unwrap();
        let blocks = fractal.table.as_ref().unwrap();
        assert_eq!(blocks.rows.len(), 5);
        assert_eq!(
            blocks.rows[0][1..5],
            ["3×32×32", "64×16×16", "15", "4"].map(String::from)
        );
        let cols: Vec<f64> = fractal.bars.unwrap().bars.iter().map(|b| b.1).collect();
        assert_eq!(cols, [1., 2., 4., 8.]);
        assert!(fractal.paragraphs[1].contains("40 convolutions deep"));

        let card = explainer("cardinality").unwrap();
        assert!(card.paragraphs[0].contains("32 groups"));
        assert!(card.paragraphs[0].contains("of 4 channels"));
        let wide = explainer("widening").unwrap();
        assert!(wide.paragraphs[0].contains("128 filters instead of 64"));
        let nin = explainer("mlpconv").unwrap();
        assert!(nin.paragraphs[0].contains("363 values"));
        assert_eq!(nin.table.unwrap().rows.len(), 3);
    }
}
