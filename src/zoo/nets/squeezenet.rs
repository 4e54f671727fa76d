//! SqueezeNet, AlexNet-level accuracy from fire modules with 50× fewer parameters.
//! Iandola, Han, Moskewicz, Ashraf, Dally & Keutzer, "SqueezeNet: AlexNet-level accuracy with
//! 50x fewer parameters and <0.5MB model size", arXiv:1602.07360, 2016 (Table 1: version 1.0);
//! version 1.1 is the authors' revision published with their code (DeepScale/SqueezeNet).

use crate::i18n::Msg;
use crate::zoo::builder::Builder;
use crate::zoo::graph::{Network, NodeId};

const IANDOLA_2016: &str = "Iandola et al., SqueezeNet: AlexNet-level accuracy with 50x fewer \
                            parameters and <0.5MB model size, arXiv 2016";

/// One entry of the feature stack.
#[derive(Clone, Copy)]
enum F {
    /// A fire module: squeeze 1×1 filters, then expand 1×1 and expand 3×3 filters (each count
    /// is that of both expand convolutions).
    Fire(usize, usize),
    /// 3×3 max pooling with stride 2, rounding up (ceil mode).
    Pool,
}

use F::{Fire, Pool};

const V1_0: &[F] = &[
    Fire(16, 64),
    Fire(16, 64),
    Fire(32, 128),
    Pool,
    Fire(32, 128),
    Fire(48, 192),
    Fire(48, 192),
    Fire(64, 256),
    Pool,
    Fire(64, 256),
];

const V1_1: &[F] = &[
    Fire(16, 64),
    Fire(16, 64),
    Pool,
    Fire(32, 128),
    Fire(32, 128),
    Pool,
    Fire(48, 192),
    Fire(48, 192),
    Fire(64, 256),
    Fire(64, 256),
];

/// A fire module: squeeze (1×1) then two expand convolutions (1×1 and 3×3) side by side,
/// concatenated along channels.
fn fire(b: &mut Builder, x: NodeId, squeeze: usize, expand: usize) -> NodeId {
    let s = b.conv("squeeze", x, squeeze, 1, 1, 0);
    let s = b.relu("squeeze_activation", s);
    let e1 = b.conv("expand1x1", s, expand, 1, 1, 0);
    let e1 = b.relu("expand1x1_activation", e1);
    let e3 = b.conv("expand3x3", s, expand, 3, 1, 1);
    let e3 = b.relu("expand3x3_activation", e3);
    b.concat("cat", &[e1, e3])
}

fn squeezenet(id: &str, label: &str, first: (usize, usize), stack: &[F]) -> Network {
    let mut b = Builder::new(id, label, IANDOLA_2016, [3, 224, 224]);
    let x = b.input();
    let y = b.scope("features", |b| {
        let (filters, k) = first;
        let mut y = b.conv("0", x, filters, k, 2, 0);
        y = b.relu("1", y);
        y = b.max_pool("2", y, 3, 2, 0, true);
        for (i, &f) in stack.iter().enumerate() {
            let name = (i + 3).to_string();
            y = match f {
                Fire(s, e) => b.block(name, |b| fire(b, y, s, e)),
                Pool => b.max_pool(&name, y, 3, 2, 0, true),
            };
        }
        y
    });
    b.scope("classifier", |b| {
        let mut y = b.dropout("0", y, 0.5);
        y = b.conv("1", y, 1000, 1, 1, 0);
        y = b.relu("2", y);
        y = b.adaptive_avg_pool("3", y, 1);
        b.flatten(y)
    });
    b.remark(Msg::new("zoo-squeezenet-remark-fire"));
    b.remark(Msg::new("zoo-squeezenet-remark-no-fc"));
    b.finish()
}

/// SqueezeNet 1.0 as in the paper (7×7/2 first convolution with 96 filters).
pub fn squeezenet1_0() -> Network {
    let mut net = squeezenet("squeezenet1_0", "SqueezeNet 1.0", (96, 7), V1_0);
    net.remarks.push(Msg::new("zoo-squeezenet1-0-remark"));
    net
}

/// SqueezeNet 1.1: a 3×3 first convolution with 64 filters and the pools moved earlier, for
/// 2.4× less computation at the same accuracy.
pub fn squeezenet1_1() -> Network {
    let mut net = squeezenet("squeezenet1_1", "SqueezeNet 1.1", (64, 3), V1_1);
    net.remarks.push(Msg::new("zoo-squeezenet1-1-remark"));
    net
}
