//! DenseNet, where every layer of a block reads the maps of all layers before it.
//! Huang, Liu, van der Maaten & Weinberger, "Densely Connected Convolutional Networks",
//! CVPR 2017 (Table 1: DenseNet-121, the DenseNet-BC variant with bottlenecks and compression).

use crate::i18n::Msg;
use crate::zoo::builder::Builder;
use crate::zoo::graph::{Network, NodeId, Op};

const HUANG_2017: &str =
    "Huang, Liu, van der Maaten & Weinberger, Densely Connected Convolutional Networks, CVPR 2017";

/// A DenseNet-BC: growth rate k, layers per dense block, stem width, bottleneck factor.
pub struct DenseNetSpec {
    pub id: &'static str,
    pub label: &'static str,
    pub growth: usize,
    pub blocks: [usize; 4],
    pub init_features: usize,
    pub bn_size: usize,
}

pub const DENSENET121: DenseNetSpec = DenseNetSpec {
    id: "densenet121",
    label: "DenseNet-121",
    growth: 32,
    blocks: [6, 12, 24, 16],
    init_features: 64,
    bn_size: 4,
};

/// One dense layer (BN-ReLU-conv 1×1 to bn_size·k maps, BN-ReLU-conv 3×3 to k maps) reading the
/// concatenation of `inputs`.
fn dense_layer(b: &mut Builder, inputs: &[NodeId], spec: &DenseNetSpec) -> NodeId {
    let x = if inputs.len() == 1 {
        inputs[0]
    } else {
        b.concat("cat", inputs)
    };
    let mut y = b.bn("norm1", x);
    y = b.relu("relu1", y);
    let width = spec.bn_size * spec.growth;
    y = b.conv_full("conv1", y, width, [1, 1], [1, 1], [0, 0], 1, false);
    y = b.bn("norm2", y);
    y = b.relu("relu2", y);
    b.conv_full("conv2", y, spec.growth, [3, 3], [1, 1], [1, 1], 1, false)
}

/// Builds a torchvision DenseNet (224×224 ImageNet input, 1000 classes).
pub fn densenet(spec: &DenseNetSpec) -> Network {
    let mut b = Builder::new(spec.id, spec.label, HUANG_2017, [3, 224, 224]);
    let x = b.input();
    let y = b.scope("features", |b| {
        let mut y = b.conv_full(
            "conv0",
            x,
            spec.init_features,
            [7, 7],
            [2, 2],
            [3, 3],
            1,
            false,
        );
        y = b.bn("norm0", y);
        y = b.relu("relu0", y);
        y = b.max_pool("pool0", y, 3, 2, 1, false);
        for (i, &n) in spec.blocks.iter().enumerate() {
            y = b.scope(format!("denseblock{}", i + 1), |b| {
                let mut maps = vec![y];
                for l in 0..n {
                    let new = b.block(format!("denselayer{}", l + 1), |b| {
                        dense_layer(b, &maps, spec)
                    });
                    maps.push(new);
                }
                b.concat("cat", &maps)
            });
            if i + 1 < spec.blocks.len() {
                let c = b.channels(y);
                y = b.scope(format!("transition{}", i + 1), |b| {
                    let mut t = b.bn("norm", y);
                    t = b.relu("relu", t);
                    t = b.conv_full("conv", t, c / 2, [1, 1], [1, 1], [0, 0], 1, false);
                    b.avg_pool("pool", t, 2, 2, 0, false)
                });
            }
        }
        b.bn("norm5", y)
    });
    // torchvision's forward: F.relu, F.adaptive_avg_pool2d, torch.flatten — no modules.
    let y = b.relu_fn("relu", y);
    let y = b.functional("avgpool", Op::AdaptiveAvgPool2d { output: [1, 1] }, y);
    let y = b.flatten(y);
    b.linear("classifier", y, 1000);
    b.remark(Msg::new("zoo-densenet-remark-growth").arg("growth", spec.growth));
    b.remark(
        Msg::new("zoo-densenet-remark-bc")
            .arg("bn_size", spec.bn_size)
            .arg("width", spec.bn_size * spec.growth),
    );
    b.remark(Msg::new("zoo-densenet-remark-pre-activation"));
    b.finish()
}

/// DenseNet-121 (k = 32, blocks of 6, 12, 24 and 16 layers).
pub fn densenet121() -> Network {
    densenet(&DENSENET121)
}
