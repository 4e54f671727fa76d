//! VGG, the very deep networks of stacked 3×3 convolutions.
//! Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition",
//! ICLR 2015 (Table 1: configurations A, A-LRN, B, C, D, E; Table 2: parameter counts);
//! the batch-normalised variants are torchvision's, after Ioffe & Szegedy, "Batch
//! Normalization", ICML 2015.
//!
//! One table lists every configuration's feature layers; one builder turns a row into
//! torchvision's `features.N` / `avgpool` / `classifier.N` layout.

use crate::i18n::thousands;
use crate::i18n::Msg;
use crate::zoo::analysis::analyse;
use crate::zoo::builder::Builder;
use crate::zoo::graph::Network;

const SIMONYAN_2015: &str = "Simonyan & Zisserman, Very Deep Convolutional Networks for \
                             Large-Scale Image Recognition, ICLR 2015";
const SIMONYAN_IOFFE_2015: &str = "Simonyan & Zisserman, Very Deep Convolutional Networks for \
                                   Large-Scale Image Recognition, ICLR 2015; batch normalisation \
                                   after Ioffe & Szegedy, ICML 2015";

/// One entry of a configuration's feature stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum L {
    /// `conv3-N`: a 3×3 convolution (padding 1) with N filters, then ReLU.
    C3(usize),
    /// `conv1-N`: a 1×1 convolution with N filters, then ReLU (configuration C).
    C1(usize),
    /// Local response normalisation as in Krizhevsky 2012 (configuration A-LRN).
    Lrn,
    /// 2×2 max pooling with stride 2.
    M,
}

use L::{Lrn, C1, C3, M};

/// A VGG configuration: its feature stack, whether every conv is followed by batch norm, and the
/// parameter count the paper's Table 2 prints (in millions) where it has one.
pub struct VggSpec {
    pub id: &'static str,
    pub label: &'static str,
    pub column: &'static str,
    pub layers: &'static [L],
    pub batch_norm: bool,
    pub paper_millions: Option<u64>,
}

// Table 1 of the paper, one row per column (conv3-N, conv1-N, LRN, maxpool).
#[rustfmt::skip]
const A: &[L] = &[C3(64), M, C3(128), M, C3(256), C3(256), M, C3(512), C3(512), M, C3(512), C3(512), M];
#[rustfmt::skip]
const A_LRN: &[L] = &[C3(64), Lrn, M, C3(128), M, C3(256), C3(256), M, C3(512), C3(512), M, C3(512), C3(512), M];
#[rustfmt::skip]
const B: &[L] = &[C3(64), C3(64), M, C3(128), C3(128), M, C3(256), C3(256), M, C3(512), C3(512), M, C3(512), C3(512), M];
#[rustfmt::skip]
const C: &[L] = &[
    C3(64), C3(64), M, C3(128), C3(128), M,
    C3(256), C3(256), C1(256), M,
    C3(512), C3(512), C1(512), M,
    C3(512), C3(512), C1(512), M,
];
#[rustfmt::skip]
const D: &[L] = &[
    C3(64), C3(64), M, C3(128), C3(128), M,
    C3(256), C3(256), C3(256), M,
    C3(512), C3(512), C3(512), M,
    C3(512), C3(512), C3(512), M,
];
#[rustfmt::skip]
const E: &[L] = &[
    C3(64), C3(64), M, C3(128), C3(128), M,
    C3(256), C3(256), C3(256), C3(256), M,
    C3(512), C3(512), C3(512), C3(512), M,
    C3(512), C3(512), C3(512), C3(512), M,
];

/// Every VGG of the zoo, in reading order: the paper's columns, then torchvision's BN variants.
#[rustfmt::skip]
pub const VGGS: [VggSpec; 10] = [
    VggSpec { id: "vgg11", label: "VGG-11 (A)", column: "A", layers: A, batch_norm: false, paper_millions: Some(133) },
    VggSpec { id: "vgg11_lrn", label: "VGG-11 LRN (A-LRN)", column: "A-LRN", layers: A_LRN, batch_norm: false, paper_millions: Some(133) },
    VggSpec { id: "vgg13", label: "VGG-13 (B)", column: "B", layers: B, batch_norm: false, paper_millions: Some(133) },
    VggSpec { id: "vgg16_c", label: "VGG-16 (C, with 1×1 convs)", column: "C", layers: C, batch_norm: false, paper_millions: Some(134) },
    VggSpec { id: "vgg16", label: "VGG-16 (D)", column: "D", layers: D, batch_norm: false, paper_millions: Some(138) },
    VggSpec { id: "vgg19", label: "VGG-19 (E)", column: "E", layers: E, batch_norm: false, paper_millions: Some(144) },
    VggSpec { id: "vgg11_bn", label: "VGG-11 BN", column: "A", layers: A, batch_norm: true, paper_millions: None },
    VggSpec { id: "vgg13_bn", label: "VGG-13 BN", column: "B", layers: B, batch_norm: true, paper_millions: None },
    VggSpec { id: "vgg16_bn", label: "VGG-16 BN", column: "D", layers: D, batch_norm: true, paper_millions: None },
    VggSpec { id: "vgg19_bn", label: "VGG-19 BN", column: "E", layers: E, batch_norm: true, paper_millions: None },
];

/// Builds a VGG from its spec (224×224 ImageNet input, 1000 classes), with torchvision's module
/// indices: conv, [batch norm,] ReLU per convolution, one index per LRN and pool.
pub fn vgg(spec: &VggSpec) -> Network {
    let paper = if spec.batch_norm {
        SIMONYAN_IOFFE_2015
    } else {
        SIMONYAN_2015
    };
    let mut b = Builder::new(spec.id, spec.label, paper, [3, 224, 224]);
    let x = b.input();
    let y = b.scope("features", |b| {
        let mut y = x;
        let mut i = 0;
        let mut next = || {
            i += 1;
            (i - 1).to_string()
        };
        for &l in spec.layers {
            match l {
                C3(n) | C1(n) => {
                    let (k, p) = if matches!(l, C3(_)) { (3, 1) } else { (1, 0) };
                    y = b.conv(&next(), y, n, k, 1, p);
                    if spec.batch_norm {
                        y = b.bn(&next(), y);
                    }
                    y = b.relu(&next(), y);
                }
                Lrn => y = b.lrn(&next(), y, 5, 1e-4, 0.75, 2.0),
                M => y = b.max_pool(&next(), y, 2, 2, 0, false),
            }
        }
        y
    });
    let y = b.adaptive_avg_pool("avgpool", y, 7);
    let y = b.flatten(y);
    b.scope("classifier", |b| {
        let mut y = b.linear("0", y, 4096);
        y = b.relu("1", y);
        y = b.dropout("2", y, 0.5);
        y = b.linear("3", y, 4096);
        y = b.relu("4", y);
        y = b.dropout("5", y, 0.5);
        b.linear("6", y, 1000)
    });
    let convs = spec
        .layers
        .iter()
        .filter(|l| matches!(l, C3(_) | C1(_)))
        .count();
    let mut net = b.finish();
    let total = analyse(&net).total_params;
    let mut remarks = vec![Msg::new("zoo-vgg-remark-column")
        .arg("column", spec.column)
        .arg("layers", convs + 3)
        .arg("convs", convs)
        .arg("params", thousands(total))];
    if let Some(m) = spec.paper_millions {
        remarks.push(Msg::new("zoo-vgg-remark-table2").arg("millions", m));
    }
    match spec.column {
        "A-LRN" => remarks.push(Msg::new("zoo-vgg-remark-lrn")),
        "C" => remarks.push(Msg::new("zoo-vgg-remark-c")),
        _ => {}
    }
    if spec.batch_norm {
        remarks.push(Msg::new("zoo-vgg-remark-batch-norm"));
    }
    remarks.push(Msg::new("zoo-vgg-remark-stacked"));
    remarks.push(Msg::new("zoo-vgg-remark-adaptive-pool"));
    net.remarks.extend(remarks);
    net
}
