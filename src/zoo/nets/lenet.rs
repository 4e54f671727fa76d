//! LeNet-5, as the paper defines it and as it is usually rebuilt today.
//! LeCun, Bottou, Bengio & Haffner, "Gradient-Based Learning Applied to Document Recognition",
//! Proceedings of the IEEE 86(11), 1998 (section II.B, figure 2, table I).

use crate::i18n::Msg;
use crate::zoo::builder::Builder;
use crate::zoo::graph::{Activation, Conv, Network, NodeId, Op};

const LECUN_1998: &str = "LeCun, Bottou, Bengio & Haffner, Gradient-Based Learning Applied to \
                          Document Recognition, Proceedings of the IEEE 1998";

const X: bool = true;
const O: bool = false;

/// The paper's table I: which S2 maps (rows 0–5) each C3 map (columns 0–15) reads. C3 maps 0–5
/// read three neighbouring S2 maps, 6–11 four neighbouring ones, 12–14 four maps in two separated
/// pairs, and map 15 all six: 60 connections instead of the 96 of a full convolution.
pub const C3_TABLE: [[bool; 16]; 6] = [
    [X, O, O, O, X, X, X, O, O, X, X, X, X, O, X, X],
    [X, X, O, O, O, X, X, X, O, O, X, X, X, X, O, X],
    [X, X, X, O, O, O, X, X, X, O, O, X, O, X, X, X],
    [O, X, X, X, O, O, X, X, X, X, O, O, X, O, X, X],
    [O, O, X, X, X, O, O, X, X, X, X, O, X, X, O, X],
    [O, O, O, X, X, X, O, O, X, X, X, X, O, X, X, X],
];

/// The S2 maps each C3 map reads, from [`C3_TABLE`] (the form [`Conv::connections`] takes).
pub fn c3_connections() -> Vec<Vec<usize>> {
    (0..16)
        .map(|o| (0..6).filter(|&i| C3_TABLE[i][o]).collect())
        .collect()
}

fn act(b: &mut Builder, name: &str, x: NodeId, f: Activation) -> NodeId {
    b.add(format!("{name}_act"), Op::Act(f), &[x])
}

fn subsample(b: &mut Builder, name: &str, x: NodeId) -> NodeId {
    b.add(
        name,
        Op::Subsample {
            kernel: [2, 2],
            stride: [2, 2],
        },
        &[x],
    )
}

/// LeNet-5 as the paper has it: scaled-tanh units everywhere, trainable sub-sampling, C3 wired by
/// table I; a linear output layer stands in for the paper's RBF units.
pub fn lenet5() -> Network {
    let tanh = Activation::ScaledTanh;
    let mut b = Builder::new("lenet5", "LeNet-5", LECUN_1998, [1, 32, 32]);
    let x = b.input();
    let mut y = b.conv("c1", x, 6, 5, 1, 0);
    y = act(&mut b, "c1", y, tanh);
    y = subsample(&mut b, "s2", y);
    y = act(&mut b, "s2", y, tanh);
    let c3 = Conv {
        out_channels: 16,
        kernel: [5, 5],
        stride: [1, 1],
        padding: [0, 0],
        dilation: [1, 1],
        groups: 1,
        bias: true,
        connections: Some(c3_connections()),
    };
    y = b.add("c3", Op::Conv2d(c3), &[y]);
    y = act(&mut b, "c3", y, tanh);
    y = subsample(&mut b, "s4", y);
    y = act(&mut b, "s4", y, tanh);
    y = b.conv("c5", y, 120, 5, 1, 0);
    y = act(&mut b, "c5", y, tanh);
    y = b.flatten(y);
    y = b.linear("f6", y, 84);
    y = act(&mut b, "f6", y, tanh);
    b.linear("output", y, 10);

    // The paper's trainable parameters and connections (multiply-adds with the bias counted as
    // one more input) per layer, section II.B.
    for (layer, params, connections) in [
        ("c1", 156, Some(122_304)),
        ("s2", 12, Some(5_880)),
        ("c3", 1_516, Some(151_600)),
        ("s4", 32, Some(2_000)),
        ("c5", 48_120, Some(48_120)),
        ("f6", 10_164, None),
    ] {
        b.quote(layer, "parameters", params);
        if let Some(c) = connections {
            b.quote(layer, "connections", c);
        }
    }
    for key in [
        "zoo-lenet5-remark-tanh",
        "zoo-lenet5-remark-subsample",
        "zoo-lenet5-remark-c3",
        "zoo-lenet5-remark-rbf",
        "zoo-lenet5-remark-c5",
    ] {
        b.remark(Msg::new(key));
    }
    b.finish()
}

/// LeNet-5 as it is usually rebuilt today: ReLU, 2×2 max-pooling and a fully connected C3, same
/// layer sizes.
pub fn lenet5_modern() -> Network {
    let relu = Activation::Relu;
    let mut b = Builder::new("lenet5_modern", "LeNet-5 (modern)", LECUN_1998, [1, 32, 32]);
    let x = b.input();
    let mut y = b.conv("c1", x, 6, 5, 1, 0);
    y = act(&mut b, "c1", y, relu);
    y = b.max_pool("s2", y, 2, 2, 0, false);
    y = b.conv("c3", y, 16, 5, 1, 0);
    y = act(&mut b, "c3", y, relu);
    y = b.max_pool("s4", y, 2, 2, 0, false);
    y = b.conv("c5", y, 120, 5, 1, 0);
    y = act(&mut b, "c5", y, relu);
    y = b.flatten(y);
    y = b.linear("f6", y, 84);
    y = act(&mut b, "f6", y, relu);
    b.linear("output", y, 10);
    b.remark(Msg::new("zoo-lenet5-modern-remark"));
    b.finish()
}
