//! One large convolution against a stack of 3×3 ones (Simonyan & Zisserman, "Very Deep
//! Convolutional Networks for Large-Scale Image Recognition", ICLR 2015, section 2.3): each
//! variant is built as a small network of the zoo — C maps of H×W in, stride 1, 'same' padding,
//! a ReLU after every convolution — and its parameters, multiply-adds, receptive field and
//! non-linearities are read off the analysis of that description.

use crate::i18n::{Lang, Msg};
use crate::zoo::builder::Builder;
use crate::zoo::graph::{Activation, Network, Op};
use crate::zoo::{analyse, Analysis};

/// The four variants the panel compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// One 5×5 convolution.
    Five,
    /// Two stacked 3×3 convolutions.
    ThreeTwice,
    /// One 7×7 convolution.
    Seven,
    /// Three stacked 3×3 convolutions.
    ThreeThrice,
}

impl Variant {
    pub const ALL: [Variant; 4] = [
        Variant::Five,
        Variant::ThreeTwice,
        Variant::Seven,
        Variant::ThreeThrice,
    ];

    /// The page's identifier (`data-variant`).
    pub fn id(self) -> &'static str {
        match self {
            Variant::Five => "5x5",
            Variant::ThreeTwice => "3x3x2",
            Variant::Seven => "7x7",
            Variant::ThreeThrice => "3x3x3",
        }
    }

    /// Kernel side and number of stacked convolutions.
    pub fn stack(self) -> (usize, usize) {
        match self {
            Variant::Five => (5, 1),
            Variant::ThreeTwice => (3, 2),
            Variant::Seven => (7, 1),
            Variant::ThreeThrice => (3, 3),
        }
    }

    /// "one 5×5", "2 stacked 3×3".
    pub fn label(self, lang: Lang) -> String {
        match self.stack() {
            (k, 1) => lang.tf("concepts-kernel-variant-one", &[("k", k.into())]),
            (k, n) => lang.tf(
                "concepts-kernel-variant-stacked",
                &[("n", n.into()), ("k", k.into())],
            ),
        }
    }

    /// The variant this one is compared with (5×5 ↔ two 3×3, 7×7 ↔ three 3×3).
    pub fn partner(self) -> Variant {
        match self {
            Variant::Five => Variant::ThreeTwice,
            Variant::ThreeTwice => Variant::Five,
            Variant::Seven => Variant::ThreeThrice,
            Variant::ThreeThrice => Variant::Seven,
        }
    }
}

/// The variant as a network of the zoo: `channels` maps of `side`×`side` in, each convolution
/// `channels` filters of k×k, stride 1, padding (k−1)/2, bias, then ReLU.
pub fn network(v: Variant, channels: usize, side: usize) -> Network {
    let (k, n) = v.stack();
    let mut b = Builder::new(
        v.id(),
        &v.label(Lang::En),
        "Simonyan & Zisserman, ICLR 2015, section 2.3",
        [channels, side, side],
    );
    let mut y = b.input();
    for i in 1..=n {
        y = b.conv(&format!("conv{i}"), y, channels, k, 1, (k - 1) / 2);
        y = b.relu(&format!("relu{i}"), y);
    }
    b.finish()
}

/// One convolution of a variant.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvFigures {
    pub name: String,
    pub kernel: usize,
    pub params: u64,
    pub macs: u64,
    /// Receptive field on the variant's input after this convolution.
    pub rf: usize,
}

/// A variant's figures, all read off its description's analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantFigures {
    pub variant: Variant,
    pub channels: usize,
    pub side: usize,
    /// Weights and biases.
    pub params: u64,
    pub macs: u64,
    /// Receptive field of one output unit on the input (pixels per side).
    pub rf: usize,
    /// Non-linearities (ReLUs) between input and output.
    pub nonlin: usize,
    pub convs: Vec<ConvFigures>,
    /// Output shape `[C, H, W]`.
    pub output: Vec<usize>,
}

fn figures_of(v: Variant, net: &Network, an: &Analysis) -> VariantFigures {
    let convs = net
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match &n.op {
            Op::Conv2d(c) => Some(ConvFigures {
                name: n.name.clone(),
                kernel: c.kernel[0],
                params: an.layers[i].params,
                macs: an.layers[i].macs,
                rf: an.layers[i].rf.map_or(0, |r| r[0]),
            }),
            _ => None,
        })
        .collect();
    let out = an.layers.last().expect("a variant has layers");
    let [channels, side, _] = an.layers[0].shape[..] else {
        unreachable!("the input is C×H×W")
    };
    VariantFigures {
        variant: v,
        channels,
        side,
        params: an.total_params,
        macs: an.total_macs,
        rf: out.rf.map_or(0, |r| r[0]),
        nonlin: net
            .nodes
            .iter()
            .filter(|n| matches!(n.op.base(), Op::Act(Activation::Relu)))
            .count(),
        convs,
        output: out.shape.clone(),
    }
}

/// The figures of one variant for C channels and H = W = `side`.
pub fn figures(v: Variant, channels: usize, side: usize) -> VariantFigures {
    let net = network(v, channels, side);
    let an = analyse(&net);
    figures_of(v, &net, &an)
}

/// The four rows of the panel's table.
pub fn table(channels: usize, side: usize) -> Vec<VariantFigures> {
    Variant::ALL
        .iter()
        .map(|&v| figures(v, channels, side))
        .collect()
}

/// The largest channel count and side the panel accepts (a 4096-channel 1024×1024 stack still
/// fits its figures in u64 with room to spare).
pub const MAX_CHANNELS: usize = 4096;
pub const MAX_SIDE: usize = 1024;

/// Reads the panel's inputs: a whole number in 1..=max, or a message saying what is wrong
/// (`what` names the input: "C", "H").
pub fn parse_positive(text: &str, what: &str, max: usize) -> Result<usize, Msg> {
    match text.trim().parse::<usize>() {
        Ok(v) if (1..=max).contains(&v) => Ok(v),
        Ok(_) => Err(Msg::new("concepts-kernel-input-range")
            .arg("what", what)
            .arg("max", max)),
        Err(_) => Err(Msg::new("concepts-kernel-input-whole")
            .arg("what", what)
            .arg("max", max)),
    }
}

/// How the stacked fields compose, for the picture: for a unit of the stack's last layer, the
/// side of the window it covers on each earlier layer, from the last layer (1) down to the input.
pub fn composition(v: Variant) -> Vec<usize> {
    // Channels and size do not change the geometry; the description gives each layer's field.
    let net = network(v, 1, 16);
    let an = analyse(&net);
    let rfs: Vec<usize> = net
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.op, Op::Conv2d(_)))
        .map(|(i, _)| an.layers[i].rf.map_or(0, |r| r[0]))
        .collect();
    // The last unit covers 1 unit of its own layer; on layer j below it, rf_last − rf_j + 1
    // units (fields grow by the same amount per layer at stride 1); on the input rf_last.
    let last = *rfs.last().expect("at least one convolution");
    let mut out = vec![1];
    for &rf in rfs.iter().rev().skip(1) {
        out.push(last - rf + 1);
    }
    out.push(last);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_follows_the_formulas_for_several_sizes() {
        for (c, h) in [(1usize, 1usize), (3, 7), (64, 56), (256, 28), (512, 14)] {
            let rows = table(c, h);
            let (c64, hw) = (c as u64, (h * h) as u64);
            let want = [
                ("5x5", 25 * c64 * c64 + c64, 25 * c64 * c64 * hw, 5, 1),
                (
                    "3x3x2",
                    2 * (9 * c64 * c64 + c64),
                    2 * 9 * c64 * c64 * hw,
                    5,
                    2,
                ),
                ("7x7", 49 * c64 * c64 + c64, 49 * c64 * c64 * hw, 7, 1),
                (
                    "3x3x3",
                    3 * (9 * c64 * c64 + c64),
                    3 * 9 * c64 * c64 * hw,
                    7,
                    3,
                ),
            ];
            assert_eq!(rows.len(), want.len());
            for (row, (id, params, macs, rf, nonlin)) in rows.iter().zip(want) {
                assert_eq!(row.variant.id(), id);
                assert_eq!(row.params, params, "{id} C={c} H={h}");
                assert_eq!(row.macs, macs, "{id} C={c} H={h}");
                assert_eq!(row.rf, rf, "{id}");
                assert_eq!(row.nonlin, nonlin, "{id}");
                assert_eq!(row.output, vec![c, h, h], "'same' padding keeps the size");
            }
        }
    }

    #[test]
    fn vgg_first_block_numbers() {
        // VGG-16's conv1 block: 64 maps of 224×224.
        let two = figures(Variant::ThreeTwice, 64, 224);
        assert_eq!(two.params, 73_856);
        assert_eq!(two.convs[1].rf, 5);
        assert_eq!(two.convs[0].rf, 3);
        let five = figures(Variant::Five, 64, 224);
        assert_eq!(five.params, 102_464);
    }

    #[test]
    fn variants_are_named_in_both_languages() {
        assert_eq!(Variant::Five.label(Lang::En), "one 5×5");
        assert_eq!(Variant::ThreeThrice.label(Lang::En), "3 stacked 3×3");
        assert_eq!(Variant::Five.label(Lang::Zh), "单个 5×5");
        assert_eq!(Variant::ThreeTwice.label(Lang::Zh), "2 个堆叠的 3×3");
    }

    #[test]
    fn fields_compose_layer_by_layer() {
        assert_eq!(composition(Variant::ThreeTwice), vec![1, 3, 5]);
        assert_eq!(composition(Variant::ThreeThrice), vec![1, 3, 5, 7]);
        assert_eq!(composition(Variant::Five), vec![1, 5]);
    }

    #[test]
    fn inputs_are_checked() {
        assert_eq!(parse_positive(" 64 ", "C", MAX_CHANNELS), Ok(64));
        assert!(parse_positive("0", "C", MAX_CHANNELS).is_err());
        assert!(parse_positive("-3", "C", MAX_CHANNELS).is_err());
        assert_eq!(
            parse_positive("abc", "C", MAX_CHANNELS).unwrap_err().en(),
            "C must be a whole number (1 to 4096)"
        );
        assert_eq!(
            parse_positive("5000", "H", MAX_SIDE).unwrap_err().en(),
            "H must be between 1 and 1024"
        );
        assert!(parse_positive("5000", "C", MAX_CHANNELS).is_err());
        // The largest accepted sizes still fit.
        let big = figures(Variant::Seven, MAX_CHANNELS, MAX_SIDE);
        assert_eq!(
            big.macs,
            49 * (MAX_CHANNELS as u64).pow(2) * (MAX_SIDE as u64).pow(2)
        );
    }
}
