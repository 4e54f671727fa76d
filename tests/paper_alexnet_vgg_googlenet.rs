//! The figures the papers (and the course notes) print, derived from the zoo's descriptions:
//! AlexNet (Krizhevsky, Sutskever & Hinton 2012), VGG (Simonyan & Zisserman 2015, Tables 1–2,
//! and CS231n's VGG-16 memory table), GoogLeNet (Szegedy et al. 2015) against torchvision's,
//! SqueezeNet (Iandola et al. 2016) and DenseNet-121 (Huang et al. 2017).

use atlas::i18n::thousands;
use atlas::zoo::graph::{Activation, Op, PoolKind};
use atlas::zoo::nets::{googlenet, vgg};
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

fn conv_of(net: &Network, name: &str) -> atlas::zoo::graph::Conv {
    match &net.nodes[node(net, name)].op {
        Op::Conv2d(c) => c.clone(),
        op => panic!("{name} is {op:?}"),
    }
}

#[test]
fn every_network_is_registered_in_reading_order() {
    let all = ids();
    let mine = [
        "alexnet_paper",
        "alexnet",
        "vgg11",
        "vgg11_lrn",
        "vgg13",
        "vgg16_c",
        "vgg16",
        "vgg19",
        "vgg11_bn",
        "vgg13_bn",
        "vgg16_bn",
        "vgg19_bn",
        "googlenet_paper",
        "googlenet",
        "densenet121",
        "squeezenet1_0",
        "squeezenet1_1",
    ];
    let at = |id: &str| {
        all.iter()
            .position(|&x| x == id)
            .unwrap_or_else(|| panic!("ids() lacks {id}"))
    };
    for id in mine {
        let n = build(id).unwrap();
        assert_eq!(n.id, id);
        assert!(!n.remarks.is_empty(), "{id} has no remarks");
        assert!(!n.paper.is_empty(), "{id} cites no paper");
    }
    for pair in mine[..14].windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{} before {}", pair[0], pair[1]);
    }
    assert!(at("lenet5_modern") < at("alexnet_paper"));
    assert!(at("alexnet") < at("vgg11"));
    assert!(at("googlenet") < at("resnet18"));
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), all.len(), "duplicate ids");
}

// ---------------------------------------------------------------- AlexNet

#[test]
fn alexnet_paper_has_sixty_million_parameters() {
    let (n, an) = net("alexnet_paper");
    assert_eq!(an.total_params, 60_965_224);
    assert_eq!(an.layers[0].shape, vec![3, 227, 227]);
    // Eight learned layers: five convolutions, three fully connected.
    let learned = n
        .nodes
        .iter()
        .filter(|x| matches!(x.op, Op::Conv2d(_) | Op::Linear { .. }))
        .count();
    assert_eq!(learned, 8);
    // Two-GPU grouping on conv2, conv4, conv5; conv3 reads both halves.
    for (name, groups) in [
        ("features.0", 1),
        ("features.4", 2),
        ("features.8", 1),
        ("features.10", 2),
        ("features.12", 2),
    ] {
        assert_eq!(conv_of(&n, name).groups, groups, "{name}");
    }
    assert_eq!(
        an.layers[node(&n, "features.4")].params,
        256 * 48 * 25 + 256
    );
    // LRN after the ReLUs of conv1 and conv2, each followed by an overlapping 3×3/2 max pool.
    for (relu, lrn, pool) in [
        ("features.1", "features.2", "features.3"),
        ("features.5", "features.6", "features.7"),
    ] {
        assert_eq!(n.nodes[node(&n, relu)].op, Op::Act(Activation::Relu));
        assert_eq!(
            n.nodes[node(&n, lrn)].op,
            Op::Lrn {
                size: 5,
                alpha: 1e-4,
                beta: 0.75,
                k: 2.0
            }
        );
        match &n.nodes[node(&n, pool)].op {
            Op::Pool2d(p) => {
                assert_eq!(p.kind, PoolKind::Max);
                assert_eq!((p.kernel, p.stride), ([3, 3], [2, 2]));
            }
            op => panic!("{pool} is {op:?}"),
        }
    }
    let dropouts: Vec<f64> = n
        .nodes
        .iter()
        .filter_map(|x| match x.op {
            Op::Dropout { p } => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(dropouts, vec![0.5, 0.5]);
}

#[test]
fn alexnet_paper_neuron_counts() {
    let (n, an) = net("alexnet_paper");
    let derived = |name: &str| an.layers[node(&n, name)].activations;
    // The input is 227×227 so that conv1 (11×11/4, no padding) gives 55×55.
    assert_eq!(an.layers[node(&n, "features.0")].shape, vec![96, 55, 55]);
    assert_eq!(derived("features.0"), 290_400);
    for (name, count) in [
        ("features.4", 186_624),
        ("features.8", 64_896),
        ("features.10", 64_896),
        ("features.12", 43_264),
        ("classifier.0", 4096),
        ("classifier.3", 4096),
        ("classifier.6", 1000),
    ] {
        assert_eq!(derived(name), count, "{name}");
    }
    // Every neuron count the paper prints is recorded; all but the first equal the derived ones.
    let quoted: Vec<(&str, u64)> = n
        .quotes
        .iter()
        .filter(|q| q.what == "neurons")
        .map(|q| (q.layer.as_str(), q.value))
        .collect();
    assert_eq!(
        quoted.iter().map(|q| q.1).collect::<Vec<_>>(),
        vec![253_440, 186_624, 64_896, 64_896, 43_264, 4096, 4096, 1000]
    );
    assert_eq!(quoted[0].0, "features.0");
    for &(layer, value) in &quoted[1..] {
        assert_eq!(derived(layer), value, "{layer}");
    }
    // The remark explains the first one.
    assert!(n.remarks.iter().any(|r| {
        let r = r.en();
        r.contains("253,440") && r.contains("290,400") && r.contains("227")
    }));
}

#[test]
fn torchvision_alexnet_is_the_one_gpu_variant() {
    let (n, an) = net("alexnet");
    assert_eq!(an.total_params, 61_100_840);
    assert!(n.nodes.iter().all(|x| !matches!(x.op, Op::Lrn { .. })));
    let filters: Vec<usize> = n
        .nodes
        .iter()
        .filter_map(|x| match &x.op {
            Op::Conv2d(c) => {
                assert_eq!(c.groups, 1);
                Some(c.out_channels)
            }
            _ => None,
        })
        .collect();
    assert_eq!(filters, vec![64, 192, 384, 256, 256]);
}

// ---------------------------------------------------------------- VGG

#[test]
fn vgg_parameter_counts_round_to_table_2() {
    let want = [
        ("vgg11", 133),
        ("vgg11_lrn", 133),
        ("vgg13", 133),
        ("vgg16_c", 134),
        ("vgg16", 138),
        ("vgg19", 144),
    ];
    for (id, millions) in want {
        let (_, an) = net(id);
        let rounded = (an.total_params as f64 / 1e6).round() as u64;
        assert_eq!(rounded, millions, "{id}: {}", an.total_params);
        let spec = vgg::VGGS.iter().find(|s| s.id == id).unwrap();
        assert_eq!(spec.paper_millions, Some(millions));
    }
    // Exact figures: A and A-LRN are equal (LRN has no parameters); C sits between B and D.
    assert_eq!(net("vgg11").1.total_params, 132_863_336);
    assert_eq!(net("vgg11_lrn").1.total_params, 132_863_336);
    assert_eq!(net("vgg13").1.total_params, 133_047_848);
    assert_eq!(net("vgg16").1.total_params, 138_357_544);
    assert_eq!(net("vgg19").1.total_params, 143_667_240);
    // C is D with three 3×3 convolutions turned 1×1: 256²·8 + 2·512²·8 fewer weights.
    assert_eq!(
        net("vgg16").1.total_params - net("vgg16_c").1.total_params,
        256 * 256 * 8 + 2 * 512 * 512 * 8
    );
}

#[test]
fn vgg_configurations_have_the_papers_depths() {
    for (id, weight_layers) in [
        ("vgg11", 11),
        ("vgg11_lrn", 11),
        ("vgg13", 13),
        ("vgg16_c", 16),
        ("vgg16", 16),
        ("vgg19", 19),
        ("vgg11_bn", 11),
        ("vgg13_bn", 13),
        ("vgg16_bn", 16),
        ("vgg19_bn", 19),
    ] {
        let (n, _) = net(id);
        let learned = n
            .nodes
            .iter()
            .filter(|x| matches!(x.op, Op::Conv2d(_) | Op::Linear { .. }))
            .count();
        assert_eq!(learned, weight_layers, "{id}");
        let bns = n
            .nodes
            .iter()
            .filter(|x| matches!(x.op, Op::BatchNorm2d { .. }))
            .count();
        assert_eq!(
            bns,
            if id.ends_with("_bn") {
                weight_layers - 3
            } else {
                0
            }
        );
    }
    // A-LRN: one LRN, after the first conv's ReLU and before the first pool.
    let (n, _) = net("vgg11_lrn");
    assert!(matches!(n.nodes[node(&n, "features.2")].op, Op::Lrn { .. }));
    assert!(matches!(n.nodes[node(&n, "features.3")].op, Op::Pool2d(_)));
    // C: the third conv of blocks 3–5 is 1×1, padding 0.
    let (c, an) = net("vgg16_c");
    let ones: Vec<&str> = c
        .nodes
        .iter()
        .filter(|x| matches!(&x.op, Op::Conv2d(k) if k.kernel == [1, 1]))
        .map(|x| x.name.as_str())
        .collect();
    assert_eq!(ones, vec!["features.14", "features.21", "features.28"]);
    assert_eq!(an.layers[node(&c, "features.28")].shape, vec![512, 14, 14]);
}

#[test]
fn vgg16_first_fully_connected_layer_holds_most_parameters() {
    let (n, an) = net("vgg16");
    let fc1 = an.layers[node(&n, "classifier.0")].params;
    assert_eq!(fc1, 7 * 7 * 512 * 4096 + 4096);
    assert_eq!(fc1, 102_764_544);
    assert_eq!(an.total_params, 138_357_544);
    // About three quarters of the network.
    assert_eq!(fc1 * 100 / an.total_params, 74);
    // The 13 convolutions together hold 14,714,688.
    let convs: u64 = n
        .nodes
        .iter()
        .zip(&an.layers)
        .filter(|(x, _)| matches!(x.op, Op::Conv2d(_)))
        .map(|(_, l)| l.params)
        .sum();
    assert_eq!(convs, 14_714_688);
}

/// CS231n's "VGGNet in detail" table counts, per image and forward pass only, the input and the
/// output of every CONV, POOL and FC layer (ReLU works in place and stores nothing):
///
///   150,528 (input 224·224·3) + 2·3,211,264 + 802,816 + 2·1,605,632 + 401,408 + 3·802,816
///   + 200,704 + 3·401,408 + 100,352 + 3·100,352 + 25,088 + 4096 + 4096 + 1000 = 15,237,608
///
/// elements, 60,950,432 bytes in fp32 (≈ 61 MB). The table prints its total as "24M · 4 bytes ≈
/// 93MB", which its own rows do not add up to (they give ≈ 15.2M); the derived value is the sum
/// of the rows. torchvision's VGG-16 also materialises the output of its adaptive average pool
/// (7·7·512 = 25,088, an identity at 224×224), so `forward_activations` is 25,088 more.
#[test]
fn vgg16_forward_memory_per_image() {
    let (n, an) = net("vgg16");
    let cs231n: u64 = an.layers[0].activations
        + n.nodes
            .iter()
            .zip(&an.layers)
            .filter(|(x, _)| matches!(x.op, Op::Conv2d(_) | Op::Pool2d(_) | Op::Linear { .. }))
            .map(|(_, l)| l.activations)
            .sum::<u64>();
    let rows: u64 = 150_528
        + 2 * 3_211_264
        + 802_816
        + 2 * 1_605_632
        + 401_408
        + 3 * 802_816
        + 200_704
        + 3 * 401_408
        + 100_352
        + 3 * 100_352
        + 25_088
        + 4096
        + 4096
        + 1000;
    assert_eq!(cs231n, rows);
    assert_eq!(cs231n, 15_237_608);
    assert_eq!(cs231n * 4, 60_950_432);
    let avgpool = an.layers[node(&n, "avgpool")].activations;
    assert_eq!(avgpool, 25_088);
    assert_eq!(an.forward_activations, cs231n + avgpool);
    assert_eq!(an.forward_activations, 15_262_696);
    assert_eq!(an.forward_bytes, 61_050_784);
    // Most of it sits in the first two layers' 224×224×64 maps.
    assert_eq!(an.layers[node(&n, "features.0")].activations, 3_211_264);
}

// ---------------------------------------------------------------- GoogLeNet

#[test]
fn googlenet_paper_has_5x5_where_torchvision_has_3x3() {
    let (p, pa) = net("googlenet_paper");
    let (t, ta) = net("googlenet");
    let mut diff = 0;
    for m in &googlenet::INCEPTIONS {
        let name = format!("{}.branch3.1.conv", m.name);
        let (pc, tc) = (conv_of(&p, &name), conv_of(&t, &name));
        assert_eq!((pc.kernel, pc.padding), ([5, 5], [2, 2]), "{name}");
        assert_eq!((tc.kernel, tc.padding), ([3, 3], [1, 1]), "{name}");
        assert!(pc.bias && !tc.bias);
        let (pi, ti) = (node(&p, &name), node(&t, &name));
        assert_eq!(pa.layers[pi].shape, ta.layers[ti].shape);
        let paper_weights = pa.layers[pi].params - pc.out_channels as u64;
        diff += paper_weights - ta.layers[ti].params;
    }
    assert_eq!(diff, googlenet::branch3_weight_difference());
    assert_eq!(diff, 380_928);
    let text = thousands(diff);
    assert!(t.remarks.iter().any(|r| r.en().contains(&text)), "{text}");
    assert!(p.remarks.iter().any(|r| r.en().contains(&text)), "{text}");
    // The 5×5 path widens the module's receptive field: 27 + 4·8 against 27 + 2·8.
    let cat = "inception3a.cat";
    assert_eq!(pa.layers[node(&p, cat)].rf, Some([59, 59]));
    assert_eq!(ta.layers[node(&t, cat)].rf, Some([43, 43]));
}

#[test]
fn googlenet_paper_against_torchvision() {
    let (p, pa) = net("googlenet_paper");
    let (t, ta) = net("googlenet");
    let count = |n: &Network, f: &dyn Fn(&Op) -> bool| n.nodes.iter().filter(|x| f(&x.op)).count();
    // The paper: no batch norm, conv biases, two LRNs. torchvision: BN (eps 0.001) after all 57
    // convolutions, no bias, no LRN, its ReLUs functional.
    let convs = count(&t, &|o| matches!(o, Op::Conv2d(_)));
    assert_eq!(convs, 57);
    assert_eq!(count(&p, &|o| matches!(o, Op::BatchNorm2d { .. })), 0);
    assert_eq!(count(&p, &|o| matches!(o, Op::Lrn { .. })), 2);
    assert_eq!(count(&t, &|o| matches!(o, Op::Lrn { .. })), 0);
    assert_eq!(
        count(
            &t,
            &|o| matches!(o, Op::BatchNorm2d { eps } if *eps == 1e-3)
        ),
        convs
    );
    assert_eq!(
        count(&t, &|o| !o.is_module()
            && o.base() == &Op::Act(Activation::Relu)),
        convs
    );
    assert_eq!(count(&t, &|o| matches!(o, Op::Act(_))), 0);
    assert!(p
        .nodes
        .iter()
        .all(|x| !matches!(&x.op, Op::Conv2d(c) if !c.bias)));
    // The two auxiliary classifiers are training-only: 512·128+128 + 2048·1024+1024 +
    // 1024·1000+1000 = 3,188,840 and, on 528 maps, 3,190,888 parameters; inference uses the rest.
    assert_eq!(pa.training_only_params, 3_188_840 + 3_190_888);
    assert_eq!(pa.inference_params(), pa.total_params - 6_379_728);
    assert!(pa.training_only_macs > 0 && pa.inference_macs() < pa.total_macs);
    assert_eq!((ta.training_only_params, ta.training_only_macs), (0, 0));
    // Two auxiliary classifiers hang off inception4a and inception4d as side branches.
    for (name, from, channels) in [
        ("aux1", "inception4a.cat", 512),
        ("aux2", "inception4d.cat", 528),
    ] {
        let pool = node(&p, &format!("{name}.avgpool"));
        assert_eq!(p.nodes[pool].inputs, vec![node(&p, from)]);
        assert_eq!(pa.layers[pool].shape, vec![channels, 4, 4]);
        assert_eq!(
            pa.layers[node(&p, &format!("{name}.fc1"))].params,
            2048 * 1024 + 1024
        );
        let out = node(&p, &format!("{name}.fc2"));
        assert_eq!(pa.layers[out].shape, vec![1000]);
        assert!(
            p.nodes.iter().all(|x| !x.inputs.contains(&out)),
            "{name} is read by another layer"
        );
        assert!(matches!(
            p.nodes[node(&p, &format!("{name}.dropout"))].op,
            Op::Dropout { p } if p == 0.7
        ));
    }
    // The main output is the last node, fed by the main path.
    assert_eq!(p.nodes[p.output()].name, "fc");
    assert_eq!(t.nodes[t.output()].name, "fc");
    assert_eq!(pa.layers[p.output()].shape, vec![1000]);
    // Parameters: the paper's network is torchvision's without batch norm, with conv biases,
    // 5×5s in branch3, and the two auxiliary classifiers.
    let sum = |n: &Network, a: &Analysis, f: &dyn Fn(&str, &Op) -> bool| -> u64 {
        n.nodes
            .iter()
            .zip(&a.layers)
            .filter(|(x, _)| f(&x.name, &x.op))
            .map(|(_, l)| l.params)
            .sum()
    };
    let bn = sum(&t, &ta, &|_, o| matches!(o, Op::BatchNorm2d { .. }));
    let aux = sum(&p, &pa, &|name, _| name.starts_with("aux"));
    let biases: u64 = p
        .nodes
        .iter()
        .filter(|x| !x.name.starts_with("aux"))
        .map(|x| match &x.op {
            Op::Conv2d(c) => c.out_channels as u64,
            _ => 0,
        })
        .sum();
    assert_eq!(
        pa.total_params,
        ta.total_params - bn + biases + googlenet::branch3_weight_difference() + aux
    );
    assert_eq!(ta.total_params, 6_624_904);
    // Table 1's params column adds up to ≈ 6.8M for the main network; the derived figure is
    // 7.0M (some of the table's rows are a little below the weights its own filter counts give,
    // e.g. inception3a: 159K printed, 163,328 derived). Each auxiliary classifier adds ≈ 3.2M.
    let main = pa.total_params - aux;
    assert_eq!(main, 6_998_552);
    let inception3a: u64 = p
        .nodes
        .iter()
        .zip(&pa.layers)
        .filter(|(x, _)| x.name.starts_with("inception3a.") && matches!(x.op, Op::Conv2d(_)))
        .map(|(x, l)| match &x.op {
            Op::Conv2d(c) => l.params - c.out_channels as u64,
            _ => unreachable!(),
        })
        .sum();
    assert_eq!(inception3a, 163_328);
    assert_eq!(
        aux,
        2 * (128 + 2048 * 1024 + 1024 + 1024 * 1000 + 1000) + 128 * (512 + 528)
    );
}

#[test]
fn googlenet_paper_map_sizes_follow_table_1() {
    let (p, pa) = net("googlenet_paper");
    let shape = |name: &str| pa.layers[node(&p, name)].shape.clone();
    assert_eq!(shape("conv1.conv"), vec![64, 112, 112]);
    assert_eq!(shape("maxpool1"), vec![64, 56, 56]);
    assert_eq!(shape("conv3.conv"), vec![192, 56, 56]);
    assert_eq!(shape("maxpool2"), vec![192, 28, 28]);
    for (m, out) in [
        ("inception3a", [256, 28, 28]),
        ("inception3b", [480, 28, 28]),
        ("inception4a", [512, 14, 14]),
        ("inception4b", [512, 14, 14]),
        ("inception4c", [512, 14, 14]),
        ("inception4d", [528, 14, 14]),
        ("inception4e", [832, 14, 14]),
        ("inception5a", [832, 7, 7]),
        ("inception5b", [1024, 7, 7]),
    ] {
        assert_eq!(shape(&format!("{m}.cat")), out.to_vec(), "{m}");
    }
    assert_eq!(shape("maxpool4"), vec![832, 7, 7]);
    assert_eq!(shape("avgpool"), vec![1024, 1, 1]);
}

// ---------------------------------------------------------------- SqueezeNet and DenseNet

#[test]
fn squeezenet_is_about_fifty_times_smaller_than_alexnet() {
    let alex = net("alexnet_paper").1.total_params;
    let sq = net("squeezenet1_0").1.total_params;
    assert_eq!(sq, 1_248_424);
    // The paper's "50×" compares 240 MB with 4.8 MB; the parameter ratio is 48.8.
    assert_eq!(alex / sq, 48);
    // 1.1 needs about 2.4× less computation than 1.0, with slightly fewer parameters.
    let (a, b) = (net("squeezenet1_0").1, net("squeezenet1_1").1);
    assert!(b.total_params < a.total_params);
    assert_eq!(
        (a.total_macs as f64 / b.total_macs as f64 * 10.0).round(),
        23.0
    );
}

#[test]
fn densenet121_blocks_grow_by_32_maps_per_layer() {
    let (n, an) = net("densenet121");
    for (block, c) in [
        ("features.denseblock1.cat", [64 + 6 * 32, 56, 56]),
        ("features.denseblock2.cat", [128 + 12 * 32, 28, 28]),
        ("features.denseblock3.cat", [256 + 24 * 32, 14, 14]),
        ("features.denseblock4.cat", [512 + 16 * 32, 7, 7]),
    ] {
        assert_eq!(an.layers[node(&n, block)].shape, c.to_vec(), "{block}");
    }
    // The 24th layer of block 3 reads the block input and all 23 earlier layers.
    let cat = node(&n, "features.denseblock3.denselayer24.cat");
    assert_eq!(n.nodes[cat].inputs.len(), 24);
    // 121 = 1 + 2·(6 + 12 + 24 + 16) + 3 transitions + 1 classifier.
    let learned = n
        .nodes
        .iter()
        .filter(|x| matches!(x.op, Op::Conv2d(_) | Op::Linear { .. }))
        .count();
    assert_eq!(learned, 121);
    assert_eq!(an.total_params, 7_978_856);
}
