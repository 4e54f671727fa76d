//! Two networks side by side, from their descriptions: the totals a reader compares (parameters,
//! multiply-adds, activation and parameter memory, depth), and each network's stages — runs of
//! layers at one map size — with their share of the parameters and multiply-adds.

use crate::i18n::Lang;
use crate::zoo::graph::Op;
use crate::zoo::{Analysis, Network};

/// Depth as the papers count it: the most convolution and fully connected layers on one path from
/// the input to the output (ResNet-18: 18, VGG-16: 16, GoogLeNet: 22, DenseNet-121: 121).
pub fn depth(net: &Network) -> usize {
    let mut longest = vec![0usize; net.nodes.len()];
    for (id, node) in net.nodes.iter().enumerate() {
        let before = node.inputs.iter().map(|&i| longest[i]).max().unwrap_or(0);
        let weighted = matches!(node.op.base(), Op::Conv2d(_) | Op::Linear { .. });
        longest[id] = before + usize::from(weighted);
    }
    longest[net.output()]
}

/// A run of consecutive layers whose output maps have one side (the vectors after flattening
/// form the last stage, side 0).
#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    /// The output side of its layers (0 for vectors).
    pub side: usize,
    pub layers: usize,
    pub params: u64,
    pub macs: u64,
}

impl Stage {
    /// Where the stage works, as a reader sees it: its map size ("56×56"), or the vectors after
    /// flattening.
    pub fn place(&self, lang: Lang) -> String {
        if self.side == 0 {
            lang.t("compare-stage-vectors")
        } else {
            format!("{0}×{0}", self.side)
        }
    }
}

/// The stages of a network in order. A layer joins the stage of its map side; the input opens
/// the first.
pub fn stages(an: &Analysis) -> Vec<Stage> {
    let mut out: Vec<Stage> = Vec::new();
    for l in &an.layers {
        let side = if l.shape.len() == 3 { l.shape[1] } else { 0 };
        match out.last_mut() {
            Some(s) if s.side == side => {
                s.layers += 1;
                s.params += l.params;
                s.macs += l.macs;
            }
            _ => out.push(Stage {
                side,
                layers: 1,
                params: l.params,
                macs: l.macs,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::{analyse, build};

    #[test]
    fn depth_is_the_number_in_the_name() {
        for (model, d) in [
            ("alexnet", 8),
            ("vgg16", 16),
            ("vgg19_bn", 19),
            ("googlenet", 22),
            ("resnet18", 18),
            ("resnet34", 34),
            ("resnet50", 50),
            ("resnet152", 152),
            ("densenet121", 121),
            ("lenet5", 5),
        ] {
            let net = build(model).unwrap();
            assert_eq!(depth(&net), d, "{model}");
        }
    }

    #[test]
    fn stages_partition_the_totals() {
        for model in ["resnet18", "vgg16", "squeezenet1_1", "googlenet"] {
            let an = analyse(&build(model).unwrap());
            let st = stages(&an);
            assert_eq!(st.iter().map(|s| s.params).sum::<u64>(), an.total_params);
            assert_eq!(st.iter().map(|s| s.macs).sum::<u64>(), an.total_macs);
            assert_eq!(st.iter().map(|s| s.layers).sum::<usize>(), an.layers.len());
        }
        // ResNet-18: 224 (input), 112 (conv1), 56, 28, 14, 7, then the vectors.
        let sides: Vec<usize> = stages(&analyse(&build("resnet18").unwrap()))
            .iter()
            .map(|s| s.side)
            .collect();
        assert_eq!(sides, vec![224, 112, 56, 28, 14, 7, 1, 0]);
        let st = stages(&analyse(&build("resnet18").unwrap()));
        assert_eq!(st[2].place(Lang::En), "56×56");
        assert_eq!(st.last().unwrap().place(Lang::En), "vectors");
        assert_eq!(st.last().unwrap().place(Lang::Zh), "向量");
        // The stage's tooltip in the compare view, in both languages.
        let args = |layers: usize| {
            [
                ("place", st[2].place(Lang::En).into()),
                ("layers", layers.into()),
                ("value", "1,234".into()),
                ("pct", "25.3".into()),
            ]
        };
        assert_eq!(
            Lang::En.tf("compare-stage-title-macs", &args(5)),
            "56×56: 5 layers, 1,234 multiply-adds (25.3 %)"
        );
        assert_eq!(
            Lang::En.tf("compare-stage-title-params", &args(1)),
            "56×56: 1 layer, 1,234 parameters (25.3 %)"
        );
        assert_eq!(
            Lang::Zh.tf("compare-stage-title-macs", &args(5)),
            "56×56：5 层，乘加次数 1,234（25.3%）"
        );
    }
}
