//! ZFNet, the 2013 refinement of AlexNet found by looking at what its layers had learned.
//! Zeiler & Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014 (figure 3).
//!
//! The paper gives kernels, strides and map sizes (224 → 110 → 55 → 26 → 13 → 13 → 13 → 6) but
//! not the paddings. These reproduce every size: conv1 pads by 1 ((224 + 2 − 7)/2 + 1 = 110),
//! conv2 does not pad ((55 − 5)/2 + 1 = 26), conv3–5 pad by 1, and the three 3×3/2 max-pools
//! round up (Caffe's rule, PyTorch's `ceil_mode`): 110 → 55, 26 → 13, 13 → 6.

use crate::i18n::Msg;
use crate::zoo::builder::Builder;
use crate::zoo::graph::{Network, Op};

const ZEILER_2014: &str =
    "Zeiler & Fergus, Visualizing and Understanding Convolutional Networks, ECCV 2014";

/// ZFNet as in the paper's figure 3 (one GPU, dense connections in every layer).
pub fn zfnet() -> Network {
    let mut b = Builder::new("zfnet", "ZFNet", ZEILER_2014, [3, 224, 224]);
    let lrn = Op::Lrn {
        size: 5,
        alpha: 1e-4,
        beta: 0.75,
        k: 2.0,
    };
    let x = b.input();
    let mut y = b.conv("conv1", x, 96, 7, 2, 1);
    y = b.relu("relu1", y);
    y = b.max_pool("pool1", y, 3, 2, 0, true);
    y = b.add("norm1", lrn.clone(), &[y]);
    y = b.conv("conv2", y, 256, 5, 2, 0);
    y = b.relu("relu2", y);
    y = b.max_pool("pool2", y, 3, 2, 0, true);
    y = b.add("norm2", lrn, &[y]);
    y = b.conv("conv3", y, 384, 3, 1, 1);
    y = b.relu("relu3", y);
    y = b.conv("conv4", y, 384, 3, 1, 1);
    y = b.relu("relu4", y);
    y = b.conv("conv5", y, 256, 3, 1, 1);
    y = b.relu("relu5", y);
    y = b.max_pool("pool5", y, 3, 2, 0, true);
    y = b.flatten(y);
    y = b.linear("fc6", y, 4096);
    y = b.relu("relu6", y);
    y = b.dropout("drop6", y, 0.5);
    y = b.linear("fc7", y, 4096);
    y = b.relu("relu7", y);
    y = b.dropout("drop7", y, 0.5);
    b.linear("fc8", y, 1000);
    for key in [
        "zoo-zfnet-remark-first-layer",
        "zoo-zfnet-remark-one-gpu",
        "zoo-zfnet-remark-sizes",
        "zoo-zfnet-remark-normalisation",
    ] {
        b.remark(Msg::new(key));
    }
    b.finish()
}
