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

/// What a LeNet-5 is built from: the zoo's two variants are two settings of it, and the training
/// lab's experiments change one setting at a time.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LenetDesign {
    pub activation: Activation,
    /// C1 and C3 as two stacked 3×3 convolutions each (the same 5×5 field, VGG's argument)
    /// instead of one 5×5.
    pub stacked_3x3: bool,
    pub pooling: Pooling,
    /// C3 wired by the paper's table I (60 of 96 connections) instead of fully.
    pub partial_c3: bool,
    /// Dropout before F6 and before the output (0: none).
    pub dropout: f64,
}

/// How S2 and S4 shrink the maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Pooling {
    Max,
    Average,
    /// The paper's trainable sub-sampling (a 2×2 sum × a learned coefficient + a learned bias,
    /// then the squashing function).
    Subsample,
}

impl LenetDesign {
    /// The paper's LeNet-5.
    pub fn paper() -> LenetDesign {
        LenetDesign {
            activation: Activation::ScaledTanh,
            stacked_3x3: false,
            pooling: Pooling::Subsample,
            partial_c3: true,
            dropout: 0.0,
        }
    }

    /// LeNet-5 as usually rebuilt today.
    pub fn modern() -> LenetDesign {
        LenetDesign {
            activation: Activation::Relu,
            stacked_3x3: false,
            pooling: Pooling::Max,
            partial_c3: false,
            dropout: 0.0,
        }
    }

    /// An identifier naming every setting, e.g. `lenet5_relu_3x3_max_full_d50`.
    pub fn id(&self) -> String {
        let act = match self.activation {
            Activation::Relu => "relu",
            Activation::Tanh => "tanh",
            Activation::ScaledTanh => "stanh",
            Activation::Sigmoid => "sigmoid",
            Activation::LeakyRelu { .. } => "leaky",
            Activation::Clip { .. } => "clip",
        };
        let pool = match self.pooling {
            Pooling::Max => "max",
            Pooling::Average => "avg",
            Pooling::Subsample => "sub",
        };
        format!(
            "lenet5_{act}_{}_{pool}_{}_d{}",
            if self.stacked_3x3 { "3x3" } else { "5x5" },
            if self.partial_c3 { "table" } else { "full" },
            (self.dropout * 100.0).round() as u32
        )
    }
}

/// C3's convolution: 5×5 (or 3×3), 16 maps, wired by table I or fully.
fn c3_conv(kernel: usize, partial: bool) -> Op {
    Op::Conv2d(Conv {
        out_channels: 16,
        kernel: [kernel, kernel],
        stride: [1, 1],
        padding: [0, 0],
        dilation: [1, 1],
        groups: 1,
        bias: true,
        connections: partial.then(c3_connections),
    })
}

/// LeNet-5 built from a design (id, label as given): C1 (6 maps), S2, C3 (16), S4, C5 (120),
/// F6 (84), the output (10), on a 32×32 digit.
pub fn lenet_design(design: &LenetDesign, id: &str, label: &str) -> Network {
    let mut b = Builder::new(id, label, LECUN_1998, [1, 32, 32]);
    add_design(&mut b, design);
    b.finish()
}

/// Adds a design's layers after the input.
fn add_design(b: &mut Builder, design: &LenetDesign) {
    let f = design.activation;
    let x = b.input();
    let b = &mut *b;
    let mut y = x;
    for (conv, pool, out) in [("c1", "s2", 6), ("c3", "s4", 16)] {
        if design.stacked_3x3 {
            // Two 3×3 convolutions with a non-linearity between see the 5×5 field of one.
            let first = format!("{conv}_1");
            y = if conv == "c3" {
                b.add(&first, c3_conv(3, design.partial_c3), &[y])
            } else {
                b.conv(&first, y, out, 3, 1, 0)
            };
            y = act(b, &first, y, f);
            let second = format!("{conv}_2");
            y = b.conv(&second, y, out, 3, 1, 0);
            y = act(b, &second, y, f);
        } else {
            y = if conv == "c3" {
                b.add(conv, c3_conv(5, design.partial_c3), &[y])
            } else {
                b.conv(conv, y, out, 5, 1, 0)
            };
            y = act(b, conv, y, f);
        }
        y = match design.pooling {
            Pooling::Max => b.max_pool(pool, y, 2, 2, 0, false),
            Pooling::Average => b.avg_pool(pool, y, 2, 2, 0, false),
            Pooling::Subsample => {
                let s = subsample(b, pool, y);
                act(b, pool, s, f)
            }
        };
    }
    y = b.conv("c5", y, 120, 5, 1, 0);
    y = act(b, "c5", y, f);
    y = b.flatten(y);
    if design.dropout > 0.0 {
        y = b.dropout("c5_drop", y, design.dropout);
    }
    y = b.linear("f6", y, 84);
    y = act(b, "f6", y, f);
    if design.dropout > 0.0 {
        y = b.dropout("f6_drop", y, design.dropout);
    }
    b.linear("output", y, 10);
}

/// LeNet-5 as the paper has it: scaled-tanh units everywhere, trainable sub-sampling, C3 wired by
/// table I; a linear output layer stands in for the paper's RBF units.
pub fn lenet5() -> Network {
    let mut b = Builder::new("lenet5", "LeNet-5", LECUN_1998, [1, 32, 32]);
    add_design(&mut b, &LenetDesign::paper());

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
    let mut b = Builder::new("lenet5_modern", "LeNet-5 (modern)", LECUN_1998, [1, 32, 32]);
    add_design(&mut b, &LenetDesign::modern());
    b.remark(Msg::new("zoo-lenet5-modern-remark"));
    b.finish()
}
