//! AlexNet, the network that won ILSVRC 2012.
//! Krizhevsky, Sutskever & Hinton, "ImageNet Classification with Deep Convolutional Neural
//! Networks", NIPS 2012 (section 3 and figure 2); torchvision's one-GPU variant follows
//! Krizhevsky, "One weird trick for parallelizing convolutional neural networks", 2014.

use crate::zoo::graph::{Builder, Network};

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
    b.remark(
        "torchvision's AlexNet cites Krizhevsky's 2014 single-GPU paper rather than the 2012 \
         network: 64, 192, 384, 256 and 256 filters, every convolution dense (no two-GPU \
         groups), no local response normalisation, and a 224×224 input padded by 2 in the first \
         layer so that it still gives 55×55 maps.",
    );
    b.remark(
        "The adaptive average pool to 6×6 is an identity at 224×224; it lets the classifier \
         accept other input sizes.",
    );
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
    b.remark(
        "The paper counts 253,440 neurons in the first layer, but 96 maps of 55×55 hold \
         55 × 55 × 96 = 290,400. The paper's own 224×224 input cannot give 55×55 maps with an \
         unpadded 11×11 window at stride 4 ((224 − 11)/4 + 1 = 54.25); the sizes only work out \
         for 227×227, which is what this description and Caffe use. No square map of 96 channels \
         gives 253,440 (it factors as 48 × 55 × 96, as if one side were 48), so the printed figure \
         looks like a slip; every later count (186,624 = 27²·256, 64,896 = 13²·384, \
         43,264 = 13²·256) matches the derived shapes.",
    );
    b.remark(
        "The network was split over two GTX 580 GPUs of 3 GB each: conv2, conv4 and conv5 read \
         only the maps on their own GPU (groups = 2 here), while conv3 and the fully connected \
         layers read everything. With the grouping the total is 60,965,224 parameters, the \
         paper's “60 million”.",
    );
    b.remark(
        "Local response normalisation (n = 5, α = 10⁻⁴, β = 0.75, k = 2) follows the ReLU of \
         conv1 and conv2, and each is followed by an overlapping 3×3 max pool with stride 2; \
         dropout (p = 0.5) is applied to the outputs of the first two fully connected layers.",
    );
    b.finish()
}
