//! Network in Network on ImageNet.
//! Lin, Chen & Yan, "Network In Network", ICLR 2014.
//!
//! The paper's experiments are on CIFAR-10/100, SVHN and MNIST; the ImageNet model is the one its
//! authors released for Caffe (the Caffe model zoo's "NIN-Imagenet", also d2l's NiN with 1000
//! classes): four mlpconv blocks, the last ending in 1000 maps, then global average pooling.
//! Caffe rounds pooled sizes up, so the maps go 224 → 54 → 27 → 13 → 6 (`ceil_mode`).

use crate::i18n::Msg;
use crate::zoo::builder::Builder;
use crate::zoo::graph::{Network, NodeId};

const LIN_2014: &str = "Lin, Chen & Yan, Network In Network, ICLR 2014";

/// One mlpconv block: a k×k convolution and two 1×1 convolutions (a small MLP shared across
/// positions), ReLU after each. `names` are the three convolutions' names (Caffe's).
#[allow(clippy::too_many_arguments)]
fn mlpconv(
    b: &mut Builder,
    block: &str,
    x: NodeId,
    names: [&str; 3],
    channels: [usize; 3],
    k: usize,
    s: usize,
    p: usize,
) -> NodeId {
    b.block(block, |b| {
        let mut y = b.conv(names[0], x, channels[0], k, s, p);
        y = b.relu(&format!("{}_relu", names[0]), y);
        for (name, c) in names.into_iter().zip(channels).skip(1) {
            y = b.conv(name, y, c, 1, 1, 0);
            y = b.relu(&format!("{name}_relu"), y);
        }
        y
    })
}

/// NiN for ImageNet (224×224 input, 1000 classes).
pub fn nin() -> Network {
    let mut b = Builder::new("nin", "Network in Network", LIN_2014, [3, 224, 224]);
    let x = b.input();
    let mut y = mlpconv(
        &mut b,
        "mlpconv1",
        x,
        ["conv1", "cccp1", "cccp2"],
        [96, 96, 96],
        11,
        4,
        0,
    );
    y = b.max_pool("pool1", y, 3, 2, 0, true);
    y = mlpconv(
        &mut b,
        "mlpconv2",
        y,
        ["conv2", "cccp3", "cccp4"],
        [256, 256, 256],
        5,
        1,
        2,
    );
    y = b.max_pool("pool2", y, 3, 2, 0, true);
    y = mlpconv(
        &mut b,
        "mlpconv3",
        y,
        ["conv3", "cccp5", "cccp6"],
        [384, 384, 384],
        3,
        1,
        1,
    );
    y = b.max_pool("pool3", y, 3, 2, 0, true);
    y = b.dropout("drop", y, 0.5);
    y = mlpconv(
        &mut b,
        "mlpconv4",
        y,
        ["conv4", "cccp7", "cccp8"],
        [1024, 1024, 1000],
        3,
        1,
        1,
    );
    y = b.adaptive_avg_pool("pool4", y, 1);
    b.flatten(y);
    b.remark(Msg::new("zoo-nin-remark-mlpconv"));
    b.remark(Msg::new("zoo-nin-remark-no-fc"));
    b.remark(Msg::new("zoo-nin-remark-imagenet"));
    b.finish()
}
