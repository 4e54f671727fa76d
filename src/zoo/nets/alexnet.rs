//! AlexNet, the network that won ILSVRC 2012.
//! Krizhevsky, Sutskever & Hinton, "ImageNet Classification with Deep Convolutional Neural
//! Networks", NIPS 2012 (section 3 and figure 2); torchvision's one-GPU variant follows
//! Krizhevsky, "One weird trick for parallelizing convolutional neural networks", 2014.

use crate::i18n::Msg;
use crate::zoo::builder::Builder;
use crate::zoo::graph::Network;

const KRIZHEVSKY_2012: &str = "Krizhevsky, Sutskever & Hinton, ImageNet Classification with Deep \
                               Convolutional Neural Networks, NIPS 2012";
const KRIZHEVSKY_2014: &str =
    "Krizhevsky, One weird trick for parallelizing convolutional neural networks, 2014";

/// AlexNet as torchvision builds it: one GPU, 64/192/384/256/256 filters, no LRN, an adaptive
/// average pool to 6×6 and dropout before the first two fully connected layers.
pub fn alexnet() -> Network {
    let mut b = Builder::new(
        "alexnet",
        "AlexNet (torchvision)",
        KRIZHEVSKY_2014,
        [3, 224, 224],
    );
    let x = b.input();
    let y = b.scope("features", |b| {
        let mut y = b.conv("0", x, 64, 11, 4, 2);
        y = b.relu("1", y);
        y = b.max_pool("2", y, 3, 2, 0, false);
        y = b.conv("3", y, 192, 5, 1, 2);
        y = b.relu("4", y);
        y = b.max_pool("5", y, 3, 2, 0, false);
        y = b.conv("6", y, 384, 3, 1, 1);
        y = b.relu("7", y);
        y = b.conv("8", y, 256, 3, 1, 1);
        y = b.relu("9", y);
        y = b.conv("10", y, 256, 3, 1, 1);
        y = b.relu("11", y);
        b.max_pool("12", y, 3, 2, 0, false)
    });
    let y = b.adaptive_avg_pool("avgpool", y, 6);
    let y = b.flatten(y);
    b.scope("classifier", |b| {
        let mut y = b.dropout("0", y, 0.5);
        y = b.linear("1", y, 4096);
        y = b.relu("2", y);
        y = b.dropout("3", y, 0.5);
        y = b.linear("4", y, 4096);
        y = b.relu("5", y);
        b.linear("6", y, 1000)
    });
    b.remark(Msg::new("zoo-alexnet-remark-one-gpu"));
    b.remark(Msg::new("zoo-alexnet-remark-adaptive-pool"));
    b.finish()
}

/// AlexNet as the 2012 paper describes it: two GPUs (grouped conv2, conv4 and conv5), local
/// response normalisation after the first two ReLUs, overlapping 3×3/2 max pooling, and a
/// 227×227 input so that the unpadded 11×11/4 first layer gives 55×55 maps.
pub fn alexnet_paper() -> Network {
    let mut b = Builder::new(
        "alexnet_paper",
        "AlexNet (2012 paper)",
        KRIZHEVSKY_2012,
        [3, 227, 227],
    );
    let x = b.input();
    // Section 3.3: k = 2, n = 5, α = 10⁻⁴, β = 0.75.
    let lrn = |b: &mut Builder, name: &str, y| b.lrn(name, y, 5, 1e-4, 0.75, 2.0);
    let y = b.scope("features", |b| {
        let mut y = b.conv("0", x, 96, 11, 4, 0);
        y = b.relu("1", y);
        y = lrn(b, "2", y);
        y = b.max_pool("3", y, 3, 2, 0, false);
        // Each GPU's 128 conv2 kernels read only the 48 maps on the same GPU.
        y = b.conv_full("4", y, 256, [5, 5], [1, 1], [2, 2], 2, true);
        y = b.relu("5", y);
        y = lrn(b, "6", y);
        y = b.max_pool("7", y, 3, 2, 0, false);
        // conv3 is where the two GPUs talk: it reads all 256 maps.
        y = b.conv("8", y, 384, 3, 1, 1);
        y = b.relu("9", y);
        y = b.conv_full("10", y, 384, [3, 3], [1, 1], [1, 1], 2, true);
        y = b.relu("11", y);
        y = b.conv_full("12", y, 256, [3, 3], [1, 1], [1, 1], 2, true);
        y = b.relu("13", y);
        b.max_pool("14", y, 3, 2, 0, false)
    });
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
    let neurons = [
        ("features.0", 253_440),
        ("features.4", 186_624),
        ("features.8", 64_896),
        ("features.10", 64_896),
        ("features.12", 43_264),
        ("classifier.0", 4096),
        ("classifier.3", 4096),
        ("classifier.6", 1000),
    ];
    for (layer, n) in neurons {
        b.quote(layer, "neurons", n);
    }
    b.remark(Msg::new("zoo-alexnet-paper-remark-neurons"));
    b.remark(Msg::new("zoo-alexnet-paper-remark-two-gpus"));
    b.remark(Msg::new("zoo-alexnet-paper-remark-lrn"));
    b.finish()
}
