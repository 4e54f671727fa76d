//! The 110-layer CIFAR ResNet trained with stochastic depth, as it runs at test time.
//! Huang, Sun, Liu, Sedra & Weinberger, "Deep Networks with Stochastic Depth", ECCV 2016; the
//! network is He, Zhang, Ren & Sun's CIFAR ResNet-110 (CVPR 2016, section 4.2) with
//! parameter-free shortcuts (zero-padded identity, their option A).

use crate::i18n::Msg;
use crate::zoo::builder::Builder;
use crate::zoo::graph::{Network, NodeId, Op};

const HUANG_2016: &str =
    "Huang, Sun, Liu, Sedra & Weinberger, Deep Networks with Stochastic Depth, ECCV 2016";

/// Residual blocks per stage (ResNet-110: 6n + 2 layers with n = 18).
pub const BLOCKS_PER_STAGE: usize = 18;
/// Survival probability of the last block (p_L); the paper's default.
pub const LAST_SURVIVAL: f64 = 0.5;

/// Survival probability of block `l` of `total` (1-based) under the paper's linear decay rule
/// p_l = 1 − (l/L)(1 − p_L): the input keeps p_0 = 1 and the last block gets p_L.
pub fn survival(l: usize, total: usize) -> f64 {
    1.0 - (l as f64 / total as f64) * (1.0 - LAST_SURVIVAL)
}

/// A basic block whose residual branch is scaled by its survival probability `p`.
fn block(b: &mut Builder, x: NodeId, planes: usize, stride: usize, p: f64) -> NodeId {
    let in_c = b.channels(x);
    let mut y = b.conv_full(
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
    y = b.add("survival", Op::Scale { factor: p }, &[y]);
    let shortcut = if stride != 1 || in_c != planes {
        b.add(
            "shortcut",
            Op::PadShortcut {
                out_channels: planes,
                stride,
            },
            &[x],
        )
    } else {
        x
    };
    let sum = b.sum("add", &[y, shortcut]);
    b.relu("relu", sum)
}

/// ResNet-110 for CIFAR-10 (32×32 input, 10 classes) with stochastic depth's test-time scaling.
pub fn stochastic_depth_110() -> Network {
    let total = 3 * BLOCKS_PER_STAGE;
    let mut b = Builder::new(
        "stochastic_depth_110",
        "Stochastic Depth ResNet-110",
        HUANG_2016,
        [3, 32, 32],
    );
    let x = b.input();
    let mut y = b.conv_full("conv1", x, 16, [3, 3], [1, 1], [1, 1], 1, false);
    y = b.bn("bn1", y);
    y = b.relu("relu", y);
    let mut l = 0;
    for (stage, planes) in [16, 32, 64].into_iter().enumerate() {
        y = b.scope(format!("layer{}", stage + 1), |b| {
            let mut y = y;
            for i in 0..BLOCKS_PER_STAGE {
                l += 1;
                let stride = if i == 0 && stage > 0 { 2 } else { 1 };
                let p = survival(l, total);
                y = b.block(i.to_string(), |b| block(b, y, planes, stride, p));
            }
            y
        });
    }
    y = b.adaptive_avg_pool("avgpool", y, 1);
    y = b.flatten(y);
    b.linear("fc", y, 10);
    b.remark(Msg::new("zoo-stochastic-depth-remark-training"));
    b.remark(Msg::new("zoo-stochastic-depth-remark-test"));
    b.remark(Msg::new("zoo-stochastic-depth-remark-shortcut"));
    b.finish()
}
