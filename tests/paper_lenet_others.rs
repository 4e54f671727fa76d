//! The figures the papers (and the course notes) print, derived from the zoo's descriptions:
//! LeNet-5 (LeCun et al. 1998), ZFNet (Zeiler & Fergus 2014), Network in Network (Lin et al.
//! 2014), stochastic depth (Huang et al. 2016) and FractalNet (Larsson et al. 2017).

use atlas::zoo::graph::{Activation, Op};
use atlas::zoo::nets::{fractalnet, lenet, stochastic_depth};
use atlas::zoo::{analyse, build, ids, Analysis, Network};

fn net(id: &str) -> (Network, Analysis) {
    let net = build(id).unwrap_or_else(|| panic!("the zoo has no {id}"));
    let an = analyse(&net);
    (net, an)
}

fn node(net: &Network, name: &str) -> usize {
    net.nodes
        .iter()
        .position(|n| n.name == name)
        .unwrap_or_else(|| panic!("{}: no node {name}", net.id))
}

#[test]
fn every_network_is_registered() {
    let all = ids();
    for id in [
        "lenet5",
        "lenet5_modern",
        "zfnet",
        "nin",
        "stochastic_depth_110",
        "fractalnet",
    ] {
        assert!(all.contains(&id), "ids() lacks {id}");
        let n = build(id).unwrap();
        assert_eq!(n.id, id);
        assert!(!n.remarks.is_empty(), "{id} has no remarks");
    }
    let at = |id: &str| all.iter().position(|&x| x == id).unwrap();
    assert!(at("lenet5") < at("lenet5_modern") && at("lenet5_modern") < at("zfnet"));
    assert!(at("resnet152") < at("nin"));
    assert!(
        at("nin") < at("stochastic_depth_110") && at("stochastic_depth_110") < at("fractalnet")
    );
}

// ---------------------------------------------------------------- LeNet-5

#[test]
fn lenet5_c3_table_is_the_papers() {
    let t = lenet::c3_connections();
    assert_eq!(t.len(), 16);
    assert_eq!(t.iter().map(Vec::len).sum::<usize>(), 60);
    let count: usize = lenet::C3_TABLE.iter().flatten().filter(|&&x| x).count();
    assert_eq!(count, 60);
    for i in 0..6 {
        let mut three: Vec<usize> = (0..3).map(|d| (i + d) % 6).collect();
        three.sort();
        assert_eq!(t[i], three, "C3 map {i}");
        let mut four: Vec<usize> = (0..4).map(|d| (i + d) % 6).collect();
        four.sort();
        assert_eq!(t[6 + i], four, "C3 map {}", 6 + i);
    }
    assert_eq!(t[12], vec![0, 1, 3, 4]);
    assert_eq!(t[13], vec![1, 2, 4, 5]);
    assert_eq!(t[14], vec![0, 2, 3, 5]);
    assert_eq!(t[15], vec![0, 1, 2, 3, 4, 5]);
    let (n, _) = net("lenet5");
    match &n.nodes[node(&n, "c3")].op {
        Op::Conv2d(c) => assert_eq!(c.connections.as_ref(), Some(&t)),
        op => panic!("c3 is {op:?}"),
    }
}

#[test]
fn lenet5_layers_match_the_paper() {
    let (n, an) = net("lenet5");
    let expect: [(&str, &[usize], u64, usize); 7] = [
        ("c1", &[6, 28, 28], 156, 5),
        ("s2", &[6, 14, 14], 12, 6),
        ("c3", &[16, 10, 10], 1_516, 14),
        ("s4", &[16, 5, 5], 32, 16),
        ("c5", &[120, 1, 1], 48_120, 32),
        ("f6", &[84], 10_164, 0),
        ("output", &[10], 850, 0),
    ];
    for (name, shape, params, rf) in expect {
        let l = &an.layers[node(&n, name)];
        assert_eq!(l.shape, shape, "{name} shape");
        assert_eq!(l.params, params, "{name} params");
        if rf > 0 {
            assert_eq!(l.rf, Some([rf, rf]), "{name} receptive field");
        }
    }
    assert_eq!(an.layers[node(&n, "flatten")].shape, vec![120]);
    assert_eq!(
        an.total_params,
        156 + 12 + 1_516 + 32 + 48_120 + 10_164 + 850
    );
    // The paper's per-layer figures are recorded and agree with the derived ones.
    for (name, value) in [
        ("c1", 156),
        ("s2", 12),
        ("c3", 1_516),
        ("s4", 32),
        ("c5", 48_120),
        ("f6", 10_164),
    ] {
        assert!(
            n.quotes
                .iter()
                .any(|q| q.layer == name && q.what == "parameters" && q.value == value),
            "no quote of {value} parameters for {name}"
        );
        assert_eq!(an.layers[node(&n, name)].params, value);
    }
    // The paper's connections (LeCun et al. 1998, section II.B), all five quoted, each the
    // multiply-adds with the bias as one more input.
    let mut quoted: Vec<(&str, u64)> = n
        .quotes
        .iter()
        .filter(|q| q.what == "connections")
        .map(|q| (q.layer.as_str(), q.value))
        .collect();
    quoted.sort();
    assert_eq!(
        quoted,
        [
            ("c1", 122_304),
            ("c3", 151_600),
            ("c5", 48_120),
            ("s2", 5_880),
            ("s4", 2_000)
        ]
    );
    for q in n.quotes.iter().filter(|q| q.what == "connections") {
        let i = node(&n, &q.layer);
        let l = &an.layers[i];
        let positions = (l.shape[1] * l.shape[2]) as u64;
        let per_position = match &n.nodes[i].op {
            // 4 inputs and a bias for every unit of every map.
            Op::Subsample { kernel, .. } => (kernel[0] * kernel[1] + 1) as u64 * l.shape[0] as u64,
            // A convolution's parameters are used once per output position.
            _ => l.params,
        };
        assert_eq!(q.value, positions * per_position, "{}", q.layer);
    }
    // The scaled tanh after every layer up to F6, none after the output.
    for name in ["c1", "s2", "c3", "s4", "c5", "f6"] {
        let act = &n.nodes[node(&n, &format!("{name}_act"))];
        assert_eq!(act.op, Op::Act(Activation::ScaledTanh));
        assert_eq!(act.inputs, vec![node(&n, name)]);
    }
    assert_eq!(n.output(), node(&n, "output"));
    assert!(n
        .remarks
        .iter()
        .any(|r| r.en().contains("850") && r.en().contains("RBF")));
}

#[test]
fn lenet5_modern_has_a_full_c3_and_the_same_sizes() {
    let (n, an) = net("lenet5_modern");
    let c3 = &an.layers[node(&n, "c3")];
    assert_eq!(c3.params, 2_416);
    assert_eq!(c3.shape, vec![16, 10, 10]);
    for (name, shape) in [
        ("c1", vec![6, 28, 28]),
        ("s2", vec![6, 14, 14]),
        ("s4", vec![16, 5, 5]),
        ("c5", vec![120, 1, 1]),
        ("f6", vec![84]),
        ("output", vec![10]),
    ] {
        assert_eq!(an.layers[node(&n, name)].shape, shape, "{name}");
    }
    assert!(matches!(n.nodes[node(&n, "s2")].op, Op::Pool2d(_)));
    assert_eq!(an.layers[node(&n, "s2")].params, 0);
    assert_eq!(n.nodes[node(&n, "c1_act")].op, Op::Act(Activation::Relu));
    assert_eq!(an.total_params, 61_706);
}

// ---------------------------------------------------------------- ZFNet

#[test]
fn zfnet_map_sizes_match_figure_3() {
    let (n, an) = net("zfnet");
    for (name, c, side) in [
        ("conv1", 96, 110),
        ("pool1", 96, 55),
        ("conv2", 256, 26),
        ("pool2", 256, 13),
        ("conv3", 384, 13),
        ("conv4", 384, 13),
        ("conv5", 256, 13),
        ("pool5", 256, 6),
    ] {
        assert_eq!(
            an.layers[node(&n, name)].shape,
            vec![c, side, side],
            "{name}"
        );
    }
    assert_eq!(an.layers[node(&n, "fc6")].shape, vec![4096]);
    assert_eq!(an.layers[node(&n, "fc7")].shape, vec![4096]);
    assert_eq!(an.layers[node(&n, "fc8")].shape, vec![1000]);
    assert_eq!(an.layers[node(&n, "conv1")].rf, Some([7, 7]));
    assert_eq!(an.total_params, 62_357_608);
}

// ---------------------------------------------------------------- Network in Network

#[test]
fn nin_has_no_fully_connected_layer() {
    let (n, an) = net("nin");
    assert!(!n.nodes.iter().any(|x| matches!(x.op, Op::Linear { .. })));
    assert!(n
        .nodes
        .iter()
        .any(|x| matches!(x.op, Op::AdaptiveAvgPool2d { output: [1, 1] })));
    let convs = n
        .nodes
        .iter()
        .filter(|x| matches!(x.op, Op::Conv2d(_)))
        .count();
    assert_eq!(convs, 12);
    for (name, shape) in [
        ("mlpconv1.conv1", vec![96, 54, 54]),
        ("pool1", vec![96, 27, 27]),
        ("pool2", vec![256, 13, 13]),
        ("pool3", vec![384, 6, 6]),
        ("mlpconv4.cccp8", vec![1000, 6, 6]),
        ("pool4", vec![1000, 1, 1]),
    ] {
        assert_eq!(an.layers[node(&n, name)].shape, shape, "{name}");
    }
    assert_eq!(an.layers[n.output()].shape, vec![1000]);
    // A 1×1 convolution has c_in·c_out + c_out parameters and sees no further.
    let cccp1 = node(&n, "mlpconv1.cccp1");
    assert_eq!(an.layers[cccp1].params, 96 * 96 + 96);
    assert_eq!(
        an.layers[cccp1].rf,
        an.layers[node(&n, "mlpconv1.conv1")].rf
    );
    // ReLU after every convolution.
    for (i, x) in n.nodes.iter().enumerate() {
        if matches!(x.op, Op::Conv2d(_)) {
            assert_eq!(n.nodes[i + 1].op, Op::Act(Activation::Relu), "{}", x.name);
        }
    }
    assert_eq!(an.total_params, 7_595_176);
}

// ---------------------------------------------------------------- Stochastic depth

#[test]
fn stochastic_depth_survival_probabilities_decay_linearly() {
    let (n, an) = net("stochastic_depth_110");
    let factors: Vec<f64> = n
        .nodes
        .iter()
        .filter_map(|x| match x.op {
            Op::Scale { factor } => Some(factor),
            _ => None,
        })
        .collect();
    assert_eq!(factors.len(), 54);
    assert!((factors[0] - (1.0 - 0.5 / 54.0)).abs() < 1e-12);
    assert!((factors[53] - 0.5).abs() < 1e-12);
    for (i, p) in factors.iter().enumerate() {
        let l = (i + 1) as f64;
        assert!(
            (p - (1.0 - l / 54.0 * 0.5)).abs() < 1e-12,
            "block {}",
            i + 1
        );
    }
    assert!(factors.windows(2).all(|w| w[1] < w[0]));
    assert_eq!(stochastic_depth::survival(54, 54), 0.5);
    // Each scale sits on a residual branch, right before the addition.
    for (i, x) in n.nodes.iter().enumerate() {
        if matches!(x.op, Op::Scale { .. }) {
            assert!(matches!(n.nodes[x.inputs[0]].op, Op::BatchNorm2d { .. }));
            let add = n.nodes.iter().find(|y| y.inputs.contains(&i)).unwrap();
            assert_eq!(add.op, Op::Add);
        }
    }
    // 110 weighted layers: 109 convolutions and the classifier.
    let convs = n
        .nodes
        .iter()
        .filter(|x| matches!(x.op, Op::Conv2d(_)))
        .count();
    assert_eq!(convs, 109);
    // Two parameter-free shortcuts, where the stages change.
    let shortcuts: Vec<usize> = (0..n.nodes.len())
        .filter(|&i| matches!(n.nodes[i].op, Op::PadShortcut { .. }))
        .collect();
    assert_eq!(shortcuts.len(), 2);
    assert_eq!(an.layers[shortcuts[0]].shape, vec![32, 16, 16]);
    assert_eq!(an.layers[shortcuts[1]].shape, vec![64, 8, 8]);
    assert_eq!(an.layers[node(&n, "layer3.17.add")].shape, vec![64, 8, 8]);
    assert_eq!(an.layers[n.output()].shape, vec![10]);
}

#[test]
fn stochastic_depth_resnet110_has_1_7m_parameters() {
    let (_, an) = net("stochastic_depth_110");
    assert_eq!(an.total_params, 1_727_962);
    assert!((an.total_params as f64 / 1e6 - 1.7).abs() < 0.05);
}

// ---------------------------------------------------------------- FractalNet

/// Fewest and most convolutions on any path from the input to each node.
fn conv_depths(n: &Network) -> Vec<(usize, usize)> {
    let mut d: Vec<(usize, usize)> = Vec::with_capacity(n.nodes.len());
    for x in &n.nodes {
        let own = usize::from(matches!(x.op, Op::Conv2d(_)));
        let (lo, hi) = if x.inputs.is_empty() {
            (0, 0)
        } else {
            (
                x.inputs.iter().map(|&i| d[i].0).min().unwrap(),
                x.inputs.iter().map(|&i| d[i].1).max().unwrap(),
            )
        };
        d.push((lo + own, hi + own));
    }
    d
}

#[test]
fn fractalnet_paths_and_joins() {
    let (n, an) = net("fractalnet");
    let depth = conv_depths(&n);
    assert_eq!(depth[n.output()], (5, 40));
    // One block: 15 convolutions, paths of 1 to 8 of them.
    let pool = node(&n, "block1.pool");
    assert_eq!(depth[pool], (1, 8));
    let block1_convs = n
        .nodes
        .iter()
        .filter(|x| x.block == "block1" && matches!(x.op, Op::Conv2d(_)))
        .count();
    assert_eq!(block1_convs, 15);
    for col in 1..=4 {
        let prefix = format!("block1.col{col}.conv");
        let k = n
            .nodes
            .iter()
            .filter(|x| x.name.starts_with(&prefix))
            .count();
        assert_eq!(k, 1 << (col - 1), "column {col}");
    }
    // Joins are element-wise means; the one closing each block averages all four columns.
    let joins: Vec<usize> = n
        .nodes
        .iter()
        .filter(|x| x.block == "block1" && x.op == Op::Mean)
        .map(|x| x.inputs.len())
        .collect();
    assert_eq!(joins, vec![2, 3, 2, 4]);
    assert!(!n.nodes.iter().any(|x| matches!(x.op, Op::Add | Op::Concat)));
    // 32 → 16 → 8 → 4 → 2 → 1.
    for (b, (c, side)) in [(64, 16), (128, 8), (256, 4), (512, 2), (512, 1)]
        .into_iter()
        .enumerate()
    {
        let p = node(&n, &format!("block{}.pool", b + 1));
        assert_eq!(an.layers[p].shape, vec![c, side, side]);
    }
    assert_eq!(an.layers[n.output()].shape, vec![10]);
}

#[test]
fn fractalnet_parameters() {
    let (_, an) = net("fractalnet");
    // Per block: C = 4 convolutions read the block's input, 11 read its own maps; conv 3×3
    // without bias + BN (2 per map); then fc 512 → 10.
    let mut expect = 0u64;
    let mut c_in = 3u64;
    for c in [64u64, 128, 256, 512, 512] {
        expect += 4 * (9 * c_in * c + 2 * c) + 11 * (9 * c * c + 2 * c);
        c_in = c;
    }
    expect += 512 * 10 + 10;
    assert_eq!(an.total_params, expect);
    assert_eq!(an.total_params, 76_106_634);
    // The 20-layer network of the paper's table 1 (C = 3) with the same widths.
    let c3 = fractalnet::fractal_cifar("fractalnet_c3", "FractalNet C=3", 3);
    assert_eq!(conv_depths(&c3)[c3.output()], (5, 20));
    let p3 = analyse(&c3).total_params;
    assert_eq!(p3, 33_724_618);
    assert!((p3 as f64 / 1e6 - 33.7).abs() < 0.05);
}
