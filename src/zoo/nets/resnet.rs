//! ResNet and its wide and grouped descendants, as torchvision builds them.
//! He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", CVPR 2016;
//! Zagoruyko & Komodakis, "Wide Residual Networks", BMVC 2016 (Wide ResNet-50-2);
//! Xie, Girshick, Dollár, Tu & He, "Aggregated Residual Transformations for Deep Neural
//! Networks", CVPR 2017 (ResNeXt-50 32×4d).

use crate::zoo::builder::Builder;
use crate::zoo::graph::{Network, NodeId};

const HE_2016: &str =
    "He, Zhang, Ren & Sun, Deep Residual Learning for Image Recognition, CVPR 2016";

/// The two kinds of residual block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// Two 3×3 convolutions (ResNet-18/34).
    Basic,
    /// 1×1 reduce, 3×3 (grouped for ResNeXt), 1×1 expand ×4 (ResNet-50 and deeper).
    Bottleneck,
}

/// torchvision's ResNet family: block kind, blocks per stage, groups and width per group.
pub struct ResNetSpec {
    pub id: &'static str,
    pub label: &'static str,
    pub paper: &'static str,
    pub block: Block,
    pub layers: [usize; 4],
    pub groups: usize,
    pub width_per_group: usize,
}

#[allow(clippy::too_many_arguments)]
fn block(
    b: &mut Builder,
    x: NodeId,
    kind: Block,
    planes: usize,
    stride: usize,
    groups: usize,
    base_width: usize,
    residual: bool,
) -> NodeId {
    let in_c = b.channels(x);
    let expansion = if kind == Block::Basic { 1 } else { 4 };
    let out_c = planes * expansion;
    let mut y;
    match kind {
        Block::Basic => {
            y = b.conv_full(
                "conv1",
                x,
                planes,
                [3, 3],
                [stride, stride],
                [1, 1],
                1,
                false,
            );
            y = b.bn("bn1", y);
            y = b.relu("relu", y);
            y = b.conv_full("conv2", y, planes, [3, 3], [1, 1], [1, 1], 1, false);
            y = b.bn("bn2", y);
        }
        Block::Bottleneck => {
            let width = planes * base_width / 64 * groups;
            y = b.conv_full("conv1", x, width, [1, 1], [1, 1], [0, 0], 1, false);
            y = b.bn("bn1", y);
            y = b.relu("relu", y);
            y = b.conv_full(
                "conv2",
                y,
                width,
                [3, 3],
                [stride, stride],
                [1, 1],
                groups,
                false,
            );
            y = b.bn("bn2", y);
            y = b.relu("relu", y);
            y = b.conv_full("conv3", y, out_c, [1, 1], [1, 1], [0, 0], 1, false);
            y = b.bn("bn3", y);
        }
    }
    if !residual {
        return b.relu("relu", y);
    }
    let shortcut = if stride != 1 || in_c != out_c {
        b.scope("downsample", |b| {
            let s = b.conv_full("0", x, out_c, [1, 1], [stride, stride], [0, 0], 1, false);
            b.bn("1", s)
        })
    } else {
        x
    };
    let sum = b.sum("add", &[y, shortcut]);
    b.relu("relu", sum)
}

/// Builds a torchvision ResNet from its spec (224×224 ImageNet input, 1000 classes).
pub fn resnet(spec: &ResNetSpec) -> Network {
    build(spec, true)
}

/// The "plain" counterpart of a ResNet (He et al. 2016, figure 3, middle): the same layers
/// without the shortcut connections, so every block is a plain stack of convolutions. It has no
/// published weights and is not in the picker; the gradient-flow experiment compares it with
/// the residual network at initialisation.
pub fn plain(spec: &ResNetSpec) -> Network {
    let mut net = build(spec, false);
    net.id = format!("plain_{}", spec.id);
    net.label = format!("{} without shortcuts (plain)", spec.label);
    net
}

fn build(spec: &ResNetSpec, residual: bool) -> Network {
    let mut b = Builder::new(spec.id, spec.label, spec.paper, [3, 224, 224]);
    let x = b.input();
    let mut y = b.conv_full("conv1", x, 64, [7, 7], [2, 2], [3, 3], 1, false);
    y = b.bn("bn1", y);
    y = b.relu("relu", y);
    y = b.max_pool("maxpool", y, 3, 2, 1, false);
    for (stage, (&n, planes)) in spec.layers.iter().zip([64, 128, 256, 512]).enumerate() {
        y = b.scope(format!("layer{}", stage + 1), |b| {
            let mut y = y;
            for i in 0..n {
                let stride = if i == 0 && stage > 0 { 2 } else { 1 };
                y = b.block(i.to_string(), |b| {
                    block(
                        b,
                        y,
                        spec.block,
                        planes,
                        stride,
                        spec.groups,
                        spec.width_per_group,
                        residual,
                    )
                });
            }
            y
        });
    }
    y = b.adaptive_avg_pool("avgpool", y, 1);
    y = b.flatten(y);
    b.linear("fc", y, 1000);
    b.finish()
}

pub const RESNETS: [ResNetSpec; 7] = [
    ResNetSpec { id: "resnet18", label: "ResNet-18", paper: HE_2016, block: Block::Basic, layers: [2, 2, 2, 2], groups: 1, width_per_group: 64 },
    ResNetSpec { id: "resnet34", label: "ResNet-34", paper: HE_2016, block: Block::Basic, layers: [3, 4, 6, 3], groups: 1, width_per_group: 64 },
    ResNetSpec { id: "resnet50", label: "ResNet-50", paper: HE_2016, block: Block::Bottleneck, layers: [3, 4, 6, 3], groups: 1, width_per_group: 64 },
    ResNetSpec { id: "resnet101", label: "ResNet-101", paper: HE_2016, block: Block::Bottleneck, layers: [3, 4, 23, 3], groups: 1, width_per_group: 64 },
    ResNetSpec { id: "resnet152", label: "ResNet-152", paper: HE_2016, block: Block::Bottleneck, layers: [3, 8, 36, 3], groups: 1, width_per_group: 64 },
    ResNetSpec {
        id: "wide_resnet50_2",
        label: "Wide ResNet-50-2",
        paper: "Zagoruyko & Komodakis, Wide Residual Networks, BMVC 2016",
        block: Block::Bottleneck,
        layers: [3, 4, 6, 3],
        groups: 1,
        width_per_group: 128,
    },
    ResNetSpec {
        id: "resnext50_32x4d",
        label: "ResNeXt-50 32×4d",
        paper: "Xie, Girshick, Dollár, Tu & He, Aggregated Residual Transformations for Deep Neural Networks, CVPR 2017",
        block: Block::Bottleneck,
        layers: [3, 4, 6, 3],
        groups: 32,
        width_per_group: 4,
    },
];
