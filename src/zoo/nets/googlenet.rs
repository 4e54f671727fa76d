//! GoogLeNet, the 22-layer Inception network that won ILSVRC 2014.
//! Szegedy, Liu, Jia, Sermanet, Reed, Anguelov, Erhan, Vanhoucke & Rabinovich, "Going Deeper
//! with Convolutions", CVPR 2015 (Table 1, figure 3, section 5 for the auxiliary classifiers);
//! torchvision's variant adds batch normalisation (Ioffe & Szegedy, ICML 2015).

use crate::i18n::thousands;
use crate::i18n::Msg;
use crate::zoo::builder::Builder;
use crate::zoo::graph::{Network, NodeId};

const SZEGEDY_2015: &str = "Szegedy et al., Going Deeper with Convolutions, CVPR 2015";

/// One Inception module of Table 1: `#1×1`, `#3×3 reduce`, `#3×3`, `#5×5 reduce`, `#5×5`,
/// `pool proj`.
pub struct Inception {
    pub name: &'static str,
    pub c1: usize,
    pub r3: usize,
    pub c3: usize,
    pub r5: usize,
    pub c5: usize,
    pub pool: usize,
}

pub const fn inc(
    name: &'static str,
    c1: usize,
    r3: usize,
    c3: usize,
    r5: usize,
    c5: usize,
    pool: usize,
) -> Inception {
    Inception {
        name,
        c1,
        r3,
        c3,
        r5,
        c5,
        pool,
    }
}

/// Table 1's nine Inception modules.
pub const INCEPTIONS: [Inception; 9] = [
    inc("inception3a", 64, 96, 128, 16, 32, 32),
    inc("inception3b", 128, 128, 192, 32, 96, 64),
    inc("inception4a", 192, 96, 208, 16, 48, 64),
    inc("inception4b", 160, 112, 224, 24, 64, 64),
    inc("inception4c", 128, 128, 256, 24, 64, 64),
    inc("inception4d", 112, 144, 288, 32, 64, 64),
    inc("inception4e", 256, 160, 320, 32, 128, 128),
    inc("inception5a", 256, 160, 320, 32, 128, 128),
    inc("inception5b", 384, 192, 384, 48, 128, 128),
];

/// Which of the two descriptions is being built.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// torchvision: bias-free conv + BatchNorm (eps 0.001) + functional ReLU, branch3 3×3.
    Torchvision,
    /// The paper: conv with bias + ReLU, branch3 5×5.
    Paper,
}

/// A convolution and its ReLU (torchvision's `BasicConv2d`, which adds batch norm) in scope `name`.
#[allow(clippy::too_many_arguments)]
fn basic(
    b: &mut Builder,
    style: Style,
    name: &str,
    x: NodeId,
    out: usize,
    k: usize,
    s: usize,
    p: usize,
) -> NodeId {
    b.scope(name, |b| match style {
        Style::Torchvision => {
            let y = b.conv_full("conv", x, out, [k, k], [s, s], [p, p], 1, false);
            let y = b.bn_eps("bn", y, 1e-3);
            b.relu_fn("relu", y)
        }
        Style::Paper => {
            let y = b.conv("conv", x, out, k, s, p);
            b.relu("relu", y)
        }
    })
}

fn inception(b: &mut Builder, style: Style, m: &Inception, x: NodeId) -> NodeId {
    b.block(m.name, |b| {
        let b1 = basic(b, style, "branch1", x, m.c1, 1, 1, 0);
        let b2 = b.scope("branch2", |b| {
            let y = basic(b, style, "0", x, m.r3, 1, 1, 0);
            basic(b, style, "1", y, m.c3, 3, 1, 1)
        });
        let b3 = b.scope("branch3", |b| {
            let y = basic(b, style, "0", x, m.r5, 1, 1, 0);
            match style {
                Style::Torchvision => basic(b, style, "1", y, m.c5, 3, 1, 1),
                Style::Paper => basic(b, style, "1", y, m.c5, 5, 1, 2),
            }
        });
        let b4 = b.scope("branch4", |b| {
            let y = b.max_pool("0", x, 3, 1, 1, true);
            basic(b, style, "1", y, m.pool, 1, 1, 0)
        });
        b.concat("cat", &[b1, b2, b3, b4])
    })
}

/// The paper's auxiliary classifier (section 5): 5×5/3 average pool, 1×1 conv with 128 filters,
/// fully connected 1024, dropout 0.7, fully connected 1000. A side branch: nothing reads it.
fn aux(b: &mut Builder, name: &str, x: NodeId) -> NodeId {
    b.block(name, |b| {
        let mut y = b.avg_pool("avgpool", x, 5, 3, 0, false);
        y = basic(b, Style::Paper, "conv", y, 128, 1, 1, 0);
        y = b.flatten(y);
        y = b.linear("fc1", y, 1024);
        y = b.relu("relu", y);
        y = b.dropout("dropout", y, 0.7);
        b.linear("fc2", y, 1000)
    })
}

/// One Inception module alone as a network, on `input` maps (C×H×W): with the paper's 1×1
/// dimension reductions (figure 2b: the module GoogLeNet uses) or without them (figure 2a, the
/// "naive" module: 1×1, 3×3 and 5×5 convolutions and a 3×3 max pool side by side on the input,
/// concatenated). The reductions and the pool projection `r3`, `r5`, `pool` are ignored when
/// `reduced` is false.
pub fn module_alone(m: &Inception, input: [usize; 3], reduced: bool) -> Network {
    let mut b = Builder::new(m.name, m.name, SZEGEDY_2015, input);
    let x = b.input();
    if reduced {
        inception(&mut b, Style::Paper, m, x);
    } else {
        b.block(m.name, |b| {
            let b1 = basic(b, Style::Paper, "branch1", x, m.c1, 1, 1, 0);
            let b2 = b.scope("branch2", |b| basic(b, Style::Paper, "1", x, m.c3, 3, 1, 1));
            let b3 = b.scope("branch3", |b| basic(b, Style::Paper, "1", x, m.c5, 5, 1, 2));
            let b4 = b.scope("branch4", |b| b.max_pool("0", x, 3, 1, 1, true));
            b.concat("cat", &[b1, b2, b3, b4])
        });
    }
    b.finish()
}

/// Weights torchvision saves by using a 3×3 where the paper has a 5×5 in every branch3:
/// (25 − 9)·r5·c5 per module.
pub fn branch3_weight_difference() -> u64 {
    INCEPTIONS
        .iter()
        .map(|m| (25 - 9) * (m.r5 * m.c5) as u64)
        .sum()
}

fn build(style: Style) -> Network {
    let (id, label) = match style {
        Style::Torchvision => ("googlenet", "GoogLeNet (torchvision)"),
        Style::Paper => ("googlenet_paper", "GoogLeNet (2014 paper)"),
    };
    let mut b = Builder::new(id, label, SZEGEDY_2015, [3, 224, 224]);
    let paper = style == Style::Paper;
    // The paper gives no LRN hyper-parameters; these are the Caffe model's (bvlc_googlenet).
    let lrn = |b: &mut Builder, name: &str, y| b.lrn(name, y, 5, 1e-4, 0.75, 1.0);
    let x = b.input();
    let mut y = basic(&mut b, style, "conv1", x, 64, 7, 2, 3);
    y = b.max_pool("maxpool1", y, 3, 2, 0, true);
    if paper {
        y = lrn(&mut b, "norm1", y);
    }
    y = basic(&mut b, style, "conv2", y, 64, 1, 1, 0);
    y = basic(&mut b, style, "conv3", y, 192, 3, 1, 1);
    if paper {
        y = lrn(&mut b, "norm2", y);
    }
    y = b.max_pool("maxpool2", y, 3, 2, 0, true);
    for m in &INCEPTIONS {
        y = inception(&mut b, style, m, y);
        match m.name {
            "inception3b" => y = b.max_pool("maxpool3", y, 3, 2, 0, true),
            "inception4a" if paper => {
                aux(&mut b, "aux1", y);
            }
            "inception4d" if paper => {
                aux(&mut b, "aux2", y);
            }
            "inception4e" => {
                y = if paper {
                    b.max_pool("maxpool4", y, 3, 2, 0, true)
                } else {
                    b.max_pool("maxpool4", y, 2, 2, 0, true)
                }
            }
            _ => {}
        }
    }
    if paper {
        y = b.avg_pool("avgpool", y, 7, 1, 0, false);
        y = b.flatten(y);
        y = b.dropout("dropout", y, 0.4);
    } else {
        y = b.adaptive_avg_pool("avgpool", y, 1);
        y = b.flatten(y);
        y = b.dropout("dropout", y, 0.2);
    }
    b.linear("fc", y, 1000);

    let diff = thousands(branch3_weight_difference());
    match style {
        Style::Torchvision => {
            b.remark(Msg::new("zoo-googlenet-remark-branch3").arg("diff", &diff));
            b.remark(Msg::new("zoo-googlenet-remark-batch-norm"));
            b.remark(Msg::new("zoo-googlenet-remark-no-aux"));
        }
        Style::Paper => {
            b.remark(Msg::new("zoo-googlenet-paper-remark-table1"));
            b.remark(Msg::new("zoo-googlenet-paper-remark-branch3").arg("diff", &diff));
            b.remark(Msg::new("zoo-googlenet-paper-remark-aux"));
        }
    }
    b.finish()
}

/// GoogLeNet as torchvision builds it (batch norm, branch3 3×3, no auxiliary classifiers).
pub fn googlenet() -> Network {
    build(Style::Torchvision)
}

/// GoogLeNet as the paper's Table 1 and figure 3 describe it, auxiliary classifiers included.
pub fn googlenet_paper() -> Network {
    build(Style::Paper)
}
