//! The conformance suite of the engine interface (`atlas::engine::Engine`), written once and run
//! unchanged against every engine — natively (`tests/engine_conformance.rs`) and in headless
//! Chromium (`tests/web.rs`), as burn runs one backend test crate against each backend: every op
//! of the zoo with its edge cases (padding, ceil mode, groups, dilation, odd sizes, LeNet-5's C3
//! table) against candle's results, keeping every node and keeping only the output (fused), twice
//! on one prepared network; and whole models' splitmix-v1 logits against ../shared/reference.
#![allow(dead_code)]

use atlas::engine::{cpu, Engine, Weights};

/// A fixture of tests/fixtures/onnx: its name, the file, onnxruntime's JSON.
macro_rules! onnx_fixture {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!("../fixtures/onnx/", $name, ".onnx")),
            include_str!(concat!("../fixtures/onnx/", $name, ".json")),
        )
    };
}
use atlas::zoo::builder::Builder;
use atlas::zoo::graph::{Activation, Conv, Network, NodeId, Op};

/// Runs `net` with splitmix weights on `engine` and on candle (`cpu::forward`), keeping every
/// node and then only the output, and compares every kept node (relative to its largest value).
async fn check_against_candle(engine: &dyn Engine, net: &Network) {
    assert_ne!(
        engine.name(),
        cpu::CandleEngine.name(),
        "candle against itself cannot fail: check it with `reference_checks`"
    );
    let weights = Weights::splitmix(net);
    let n = match net.nodes[0].op {
        Op::Input {
            channels,
            height,
            width,
        } => channels * height * width,
        _ => unreachable!(),
    };
    let input = atlas::engine::splitmix::input(n);
    let want = cpu::forward(net, &weights, &input, &[]).expect("candle runs");
    let mut prepared = engine.prepare(net, weights.clone()).expect("prepares");
    for round in 0..2 {
        let all = prepared
            .run_async(&input, &[])
            .await
            .expect("runs keeping every node");
        assert_eq!(all.values.len(), net.nodes.len());
        for (id, (got, w)) in all.values.iter().zip(&want.values).enumerate() {
            assert_eq!(
                all.shapes[id], want.shapes[id],
                "{}: shape",
                net.nodes[id].name
            );
            assert_close(
                got,
                w,
                &format!("{} (round {round}, all kept)", net.nodes[id].name),
            );
        }
        let out = prepared
            .run_async(&input, &[net.output()])
            .await
            .expect("runs keeping the output");
        assert_close(
            &out.values[0],
            &want.values[net.output()],
            "output (fused run)",
        );
    }
}

fn assert_close(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let scale = want.iter().fold(1e-6f32, |m, v| m.max(v.abs()));
    let (worst, _) = atlas::engine::largest_difference(got, want);
    assert!(
        worst / scale <= 1e-4,
        "{what}: max difference {worst} against values up to {scale}"
    );
}

/// A network of one convolution (then ReLU) with every hyper-parameter given.
#[allow(clippy::too_many_arguments)]
fn conv_net(
    c: usize,
    hw: [usize; 2],
    o: usize,
    k: usize,
    s: usize,
    p: usize,
    d: usize,
    groups: usize,
) -> Network {
    let mut b = Builder::new("t", "t", "", [c, hw[0], hw[1]]);
    let x = b.input();
    let conv = Conv {
        out_channels: o,
        kernel: [k, k],
        stride: [s, s],
        padding: [p, p],
        dilation: [d, d],
        groups,
        bias: true,
        connections: None,
    };
    let y = b.add("conv", Op::Conv2d(conv), &[x]);
    b.relu("relu", y);
    b.finish()
}

pub async fn convolutions(engine: &dyn Engine) {
    for net in [
        conv_net(3, [13, 11], 5, 3, 2, 0, 1, 1),
        conv_net(16, [9, 9], 24, 1, 1, 0, 1, 1),
        // 1 × 1 on maps whose pixels come in fours (a GPU engine may load them as vec4s), one
        // grouped.
        conv_net(20, [8, 6], 36, 1, 1, 0, 1, 1),
        conv_net(16, [4, 5], 12, 1, 1, 0, 1, 4),
        conv_net(8, [10, 7], 8, 1, 2, 0, 1, 1),
        conv_net(32, [15, 13], 16, 3, 1, 1, 1, 1),
        conv_net(16, [8, 8], 32, 3, 1, 0, 1, 1),
        conv_net(32, [9, 9], 64, 3, 2, 1, 1, 32),
        conv_net(32, [9, 9], 32, 3, 1, 1, 1, 8),
        conv_net(4, [12, 12], 6, 3, 1, 2, 2, 1),
        conv_net(3, [23, 23], 4, 11, 4, 2, 1, 1),
        conv_net(2, [5, 5], 3, 5, 1, 2, 1, 1),
    ] {
        check_against_candle(engine, &net).await;
    }
}

pub async fn norms_activations_and_linear_layers(engine: &dyn Engine) {
    let mut b = Builder::new("t", "t", "", [8, 6, 6]);
    let x = b.input();
    let c = b.conv_full("conv", x, 8, [3, 3], [1, 1], [1, 1], 1, false);
    let n = b.bn("bn", c);
    let r = b.relu("relu", n);
    let n2 = b.bn_eps("bn2", r, 1e-3);
    let t = b.add("tanh", Op::Act(Activation::Tanh), &[n2]);
    // A norm that cannot fold (after a tanh), with the ReLU the plan lets it write.
    let n3 = b.bn("bn3", t);
    b.relu("bn3relu", n3);
    let s = b.add("stanh", Op::Act(Activation::ScaledTanh), &[t]);
    let g = b.add("sigmoid", Op::Act(Activation::Sigmoid), &[s]);
    let k = b.add("leaky", Op::Act(Activation::LeakyRelu { alpha: 0.1 }), &[g]);
    let k = b.add(
        "relu6",
        Op::Act(Activation::Clip { min: 0.0, max: 0.6 }),
        &[k],
    );
    let l = b.lrn("lrn", k, 5, 1e-4, 0.75, 2.0);
    let f = b.flatten(l);
    let d = b.dropout("drop", f, 0.5);
    let fc = b.linear("fc1", d, 20);
    let fr = b.relu("fcrelu", fc);
    b.linear("fc2", fr, 7);
    check_against_candle(engine, &b.finish()).await;
}

pub async fn pooling(engine: &dyn Engine) {
    let mut b = Builder::new("t", "t", "", [3, 15, 14]);
    let x = b.input();
    let p1 = b.max_pool("p1", x, 3, 2, 0, true);
    let p2 = b.max_pool("p2", p1, 3, 2, 1, false);
    let a1 = b.avg_pool("a1", x, 3, 2, 1, false);
    let a2 = b.avg_pool("a2", x, 5, 3, 0, false);
    let m1 = b.max_pool("m1", x, 3, 1, 1, true);
    let ad = b.adaptive_avg_pool("ad", x, 4);
    let ad7 = b.adaptive_avg_pool("ad7", p2, 1);
    // Average pooling as ONNX files have it: the padding left out of the divisor, ceil mode.
    let pixels = |ceil_mode: bool, k: usize, s: usize, p: usize| {
        Op::Pool2d(atlas::zoo::graph::Pool {
            kind: atlas::zoo::graph::PoolKind::Avg,
            kernel: [k, k],
            stride: [s, s],
            padding: [p, p],
            ceil_mode,
            count_include_pad: false,
        })
    };
    let a3 = b.add("a3", pixels(false, 3, 2, 1), &[x]);
    let a4 = b.add("a4", pixels(true, 3, 2, 1), &[x]);
    let a5 = b.avg_pool("a5", x, 2, 2, 0, true);
    let _ = (a1, a2, m1, ad, ad7, a3, a4, a5);
    let mut b2 = Builder::new("t2", "t2", "", [4, 28, 28]);
    let x2 = b2.input();
    let s = b2.add(
        "sub",
        Op::Subsample {
            kernel: [2, 2],
            stride: [2, 2],
        },
        &[x2],
    );
    b2.add(
        "pad",
        Op::PadShortcut {
            out_channels: 8,
            stride: 2,
        },
        &[s],
    );
    check_against_candle(engine, &b.finish()).await;
    check_against_candle(engine, &b2.finish()).await;
}

pub async fn merges(engine: &dyn Engine) {
    let mut b = Builder::new("t", "t", "", [16, 9, 9]);
    let x = b.input();
    let a = b.conv("a", x, 8, 1, 1, 0);
    let ar = b.relu("ar", a);
    let c = b.conv("c", x, 8, 3, 1, 1);
    let cr = b.relu("cr", c);
    let p = b.max_pool("p", x, 3, 1, 1, true);
    let cat = b.concat("cat", &[ar, cr, p]);
    let d = b.conv_full("d", cat, 32, [3, 3], [1, 1], [1, 1], 1, false);
    let dn = b.bn("dn", d);
    let sh = b.conv_full("sh", cat, 32, [1, 1], [1, 1], [0, 0], 1, false);
    let shn = b.bn("shn", sh);
    let sum = b.sum("add", &[dn, shn]);
    let r = b.relu("r", sum);
    let e = b.conv_full("e", r, 32, [3, 3], [1, 1], [1, 1], 1, false);
    let en = b.bn("en", e);
    let sum2 = b.sum("add2", &[en, r]);
    let r2 = b.relu("r2", sum2);
    // An addition of three inputs with its ReLU.
    let e2 = b.conv_full("e2", r, 32, [1, 1], [1, 1], [0, 0], 1, false);
    let e3 = b.conv_full("e3", r, 32, [1, 1], [1, 1], [0, 0], 1, true);
    let sum3 = b.sum("add3", &[e2, e3, r2]);
    b.relu("r3", sum3);
    let mean = b.add("mean", Op::Mean, &[r2, r]);
    b.add("scale", Op::Scale { factor: 0.25 }, &[mean]);
    check_against_candle(engine, &b.finish()).await;
    concatenations(engine).await;
    siblings(engine).await;
}

/// 1 × 1 convolutions with their norms and ReLUs that read one input, as GoogLeNet's Inception
/// branches do (an engine may run two as one GEMM): channels that fill no tile, 49 pixels, one
/// written into a concatenation, one read by a 3 × 3 convolution, one without a norm; and two
/// whose ReLUs are slices of one concatenation.
async fn siblings(engine: &dyn Engine) {
    let mut b = Builder::new("t", "t", "", [12, 7, 7]);
    let x = b.input();
    let branch = |b: &mut Builder, name: &str, m: usize, norm: bool| {
        let c = b.conv_full(name, x, m, [1, 1], [1, 1], [0, 0], 1, !norm);
        let n = if norm {
            b.bn(&format!("{name}.bn"), c)
        } else {
            c
        };
        b.relu(&format!("{name}.relu"), n)
    };
    let b1 = branch(&mut b, "b1", 5, true);
    let r2 = branch(&mut b, "r2", 16, true);
    let b2 = b.conv("b2", r2, 6, 3, 1, 1);
    let r3 = branch(&mut b, "r3", 3, true);
    let b3 = b.conv("b3", r3, 4, 3, 1, 1);
    let r4 = branch(&mut b, "r4", 7, false);
    let b4 = b.max_pool("b4", r4, 3, 1, 1, true);
    let cat = b.concat("cat", &[b1, b2, b3, b4]);
    // Two more whose ReLUs are slices of one concatenation.
    let s1 = branch(&mut b, "s1", 4, true);
    let s2 = branch(&mut b, "s2", 9, true);
    let both = b.concat("both", &[s1, s2]);
    b.concat("out", &[cat, both]);
    check_against_candle(engine, &b.finish()).await;
    pools_before_pointwise(engine).await;
}

/// Max pools read only by a 1 × 1 convolution (an engine may take the pool into the
/// convolution's loads): GoogLeNet's 3 × 3 stride-1 pool in ceil mode, SqueezeNet's 3 × 3
/// stride-2 one, a 2 × 2 one with padding, on odd maps; and a pool that two read.
async fn pools_before_pointwise(engine: &dyn Engine) {
    let mut b = Builder::new("t", "t", "", [6, 11, 9]);
    let x = b.input();
    let conv = |b: &mut Builder, name: &str, from: NodeId, m: usize| {
        let c = b.conv_full(name, from, m, [1, 1], [1, 1], [0, 0], 1, false);
        let n = b.bn(&format!("{name}.bn"), c);
        b.relu(&format!("{name}.relu"), n)
    };
    let p1 = b.max_pool("p1", x, 3, 1, 1, true);
    let c1 = conv(&mut b, "c1", p1, 5);
    let p2 = b.max_pool("p2", c1, 3, 2, 0, true);
    let c2 = conv(&mut b, "c2", p2, 7);
    let p3 = b.max_pool("p3", c2, 2, 1, 1, false);
    let c3 = b.conv("c3", p3, 3, 1, 1, 0);
    let p4 = b.max_pool("p4", c3, 2, 1, 0, false);
    let d1 = conv(&mut b, "d1", p4, 4);
    let d2 = conv(&mut b, "d2", p4, 2);
    b.concat("out", &[d1, d2]);
    check_against_candle(engine, &b.finish()).await;
}

/// Concatenations an engine may write in place: DenseNet's chain (each one's inputs begin the
/// next's), a new feature computed from the chain itself, an input that another op reads too, a
/// concatenation that branches off the chain, the image as an input, slices at offsets that no
/// binding can start at (49 floats), and 1 × 1 convolutions that read a norm's ReLU.
async fn concatenations(engine: &dyn Engine) {
    let mut b = Builder::new("t", "t", "", [4, 8, 8]);
    let x = b.input();
    let a = b.conv("a", x, 4, 1, 1, 0);
    let ar = b.relu("ar", a);
    let c1 = b.concat("c1", &[x, ar]);
    let n1 = b.bn("n1", c1);
    let r1 = b.relu("r1", n1);
    let f1 = b.conv("f1", r1, 4, 3, 1, 1);
    let c2 = b.concat("c2", &[x, ar, f1]);
    // Written from c2, which shares its buffer with c3.
    let f2 = b.conv("f2", c2, 3, 3, 1, 1);
    // f1 read by a convolution as well as by the concatenations.
    let e = b.conv("e", f1, 2, 1, 1, 0);
    let er = b.relu("er", e);
    let c3 = b.concat("c3", &[x, ar, f1, f2, er]);
    let side = b.max_pool("side", x, 3, 1, 1, false);
    let c4 = b.concat("c4", &[x, ar, f1, side]);
    // 1 × 1 convolutions of a norm's ReLU (DenseNet's BN → ReLU → 1×1), one of them grouped.
    let n4 = b.bn("n4", c4);
    let r4 = b.relu("r4", n4);
    let g = b.conv_full("g", r4, 4, [1, 1], [1, 1], [0, 0], 2, true);
    let n3 = b.bn("n3", c3);
    let r3 = b.relu("r3", n3);
    let h = b.conv("h", r3, 4, 1, 1, 0);
    let t1 = b.conv("t1", x, 1, 2, 1, 0);
    let t2 = b.conv("t2", x, 2, 2, 1, 0);
    let t2r = b.relu("t2r", t2);
    let t = b.concat("t", &[t1, t2r]);
    let tp = b.max_pool("tp", t, 2, 1, 0, false);
    let up = b.conv_full("up", tp, 4, [3, 3], [1, 1], [2, 2], 1, true);
    b.concat("out", &[g, h, up]);
    check_against_candle(engine, &b.finish()).await;
}

pub async fn lenet_partial_table(engine: &dyn Engine) {
    for id in ["lenet5", "lenet5_modern"] {
        check_against_candle(engine, &atlas::zoo::build(id).unwrap()).await;
    }
    // The training lab's variants (sigmoid and tanh units, two stacked 3×3, average pooling,
    // a full C3 under sub-sampling, dropout), as the lab's maps and a downloaded checkpoint
    // may run them.
    for e in atlas::train::lab::experiments() {
        for v in &e.variants {
            check_against_candle(engine, &v.settings.network()).await;
        }
    }
}

/// The splitmix-v1 logits of `model` on `engine` within relative error 1e-3 of the reference
/// (the text of its ../shared/reference JSON).
pub async fn splitmix_logits(engine: &dyn Engine, model: &str, reference: &str) {
    let err = atlas::engine::splitmix::logits_error(engine, model, reference)
        .await
        .unwrap();
    eprintln!("{} on {model}: relative error {err:e}", engine.name());
    assert!(
        err <= 1e-3,
        "{} on {model}: relative error {err:e}",
        engine.name()
    );
}

/// The ONNX fixtures (tests/fixtures/onnx, written by scripts/onnx_fixtures.py): each file read
/// into a description and run on `engine` from the input its JSON holds; the output within 1e-4
/// of onnxruntime's (a file that ends in a softmax: its logits through the softmax).
pub const ONNX_FIXTURES: &[(&str, &[u8], &str)] = &[
    onnx_fixture!("op_conv"),
    onnx_fixture!("op_norm_act"),
    onnx_fixture!("op_pool"),
    onnx_fixture!("op_linear"),
    onnx_fixture!("op_opset9"),
    onnx_fixture!("net_cifar"),
    onnx_fixture!("net_mnist"),
    onnx_fixture!("net_branches"),
];

pub async fn onnx_fixtures(engine: &dyn Engine) {
    for (name, bytes, json) in ONNX_FIXTURES {
        let imported = atlas::onnx::import(bytes, &format!("{name}.onnx"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let reference: serde_json::Value = serde_json::from_str(json).unwrap();
        let floats = |k: &str| -> Vec<f32> {
            reference[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap() as f32)
                .collect()
        };
        let (input, want) = (floats("input"), floats("output"));
        let net = &imported.net;
        let mut prepared = engine
            .prepare(net, imported.weights.clone())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let out = prepared
            .run_async(&input, &[net.output()])
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = if imported.softmax_dropped {
            atlas::engine::softmax(&out.values[0])
        } else {
            out.values[0].clone()
        };
        assert_eq!(got.len(), want.len(), "{name}: output length");
        let scale = want.iter().fold(1f32, |m, v| m.max(v.abs()));
        let (worst, at) = atlas::engine::largest_difference(&got, &want);
        assert!(
            worst <= 1e-4 * scale,
            "{} on {name}: output {at} is {} but onnxruntime gives {} (scale {scale})",
            engine.name(),
            got[at],
            want[at]
        );
    }
}

/// What the reference engine (candle) is checked against: the outputs of onnxruntime (its
/// logits against torchvision's are `splitmix_logits`).
pub async fn reference_checks(engine: &dyn Engine) {
    onnx_fixtures(engine).await;
}

/// Every op check of the suite.
pub async fn ops(engine: &dyn Engine) {
    convolutions(engine).await;
    norms_activations_and_linear_layers(engine).await;
    pooling(engine).await;
    merges(engine).await;
    lenet_partial_table(engine).await;
    onnx_fixtures(engine).await;
}
