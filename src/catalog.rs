//! The list of networks the page offers, in the order of the course notes, with the paper that
//! defines each one. The model picker, the command line and the tests all read this one list.

use serde::{Deserialize, Serialize};

/// Whether the page can already show a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Availability {
    /// Its description and views have landed.
    Ready,
    /// Listed so the reader sees the whole family; its issue has not landed yet.
    Coming,
}

/// One entry of the model picker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatalogEntry {
    /// Stable identifier: torchvision's spelling where torchvision has the model.
    pub id: &'static str,
    /// Name as a reader of the notes knows it.
    pub label: &'static str,
    /// Family heading in the picker.
    pub family: &'static str,
    /// The paper that defines it.
    pub paper: &'static str,
    pub availability: Availability,
}

const fn coming(
    id: &'static str,
    label: &'static str,
    family: &'static str,
    paper: &'static str,
) -> CatalogEntry {
    CatalogEntry {
        id,
        label,
        family,
        paper,
        availability: Availability::Coming,
    }
}

const LECUN_1998: &str = "LeCun, Bottou, Bengio & Haffner, Gradient-Based Learning Applied to Document Recognition, Proc. IEEE 1998";
const KRIZHEVSKY_2012: &str = "Krizhevsky, Sutskever & Hinton, ImageNet Classification with Deep Convolutional Neural Networks, NeurIPS 2012";
const ZEILER_2014: &str =
    "Zeiler & Fergus, Visualizing and Understanding Convolutional Networks, ECCV 2014";
const SIMONYAN_2015: &str = "Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition, ICLR 2015";
const SZEGEDY_2015: &str = "Szegedy et al., Going Deeper with Convolutions, CVPR 2015";
const HE_2016: &str =
    "He, Zhang, Ren & Sun, Deep Residual Learning for Image Recognition, CVPR 2016";
const LIN_2014: &str = "Lin, Chen & Yan, Network In Network, ICLR 2014";
const ZAGORUYKO_2016: &str = "Zagoruyko & Komodakis, Wide Residual Networks, BMVC 2016";
const XIE_2017: &str = "Xie, Girshick, Dollár, Tu & He, Aggregated Residual Transformations for Deep Neural Networks, CVPR 2017";
const HUANG_2016: &str =
    "Huang, Sun, Liu, Sedra & Weinberger, Deep Networks with Stochastic Depth, ECCV 2016";
const LARSSON_2017: &str = "Larsson, Maire & Shakhnarovich, FractalNet: Ultra-Deep Neural Networks without Residuals, ICLR 2017";
const HUANG_2017: &str =
    "Huang, Liu, van der Maaten & Weinberger, Densely Connected Convolutional Networks, CVPR 2017";
const IANDOLA_2016: &str = "Iandola et al., SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size, 2016";

/// Every network of the notes, in reading order.
pub const CATALOG: &[CatalogEntry] = &[
    coming("lenet5", "LeNet-5", "LeNet", LECUN_1998),
    coming(
        "alexnet_paper",
        "AlexNet (2012 paper, two GPUs)",
        "AlexNet & ZFNet",
        KRIZHEVSKY_2012,
    ),
    coming(
        "alexnet",
        "AlexNet (torchvision)",
        "AlexNet & ZFNet",
        KRIZHEVSKY_2012,
    ),
    coming("zfnet", "ZFNet", "AlexNet & ZFNet", ZEILER_2014),
    coming("vgg11", "VGG-11 (A)", "VGG", SIMONYAN_2015),
    coming("vgg11_lrn", "VGG-11 A-LRN", "VGG", SIMONYAN_2015),
    coming("vgg13", "VGG-13 (B)", "VGG", SIMONYAN_2015),
    coming("vgg16_c", "VGG-16 C (1×1 convs)", "VGG", SIMONYAN_2015),
    coming("vgg16", "VGG-16 (D)", "VGG", SIMONYAN_2015),
    coming("vgg19", "VGG-19 (E)", "VGG", SIMONYAN_2015),
    coming(
        "googlenet",
        "GoogLeNet / Inception v1",
        "GoogLeNet",
        SZEGEDY_2015,
    ),
    coming("resnet18", "ResNet-18", "ResNet", HE_2016),
    coming("resnet34", "ResNet-34", "ResNet", HE_2016),
    coming("resnet50", "ResNet-50", "ResNet", HE_2016),
    coming("resnet101", "ResNet-101", "ResNet", HE_2016),
    coming("resnet152", "ResNet-152", "ResNet", HE_2016),
    coming("nin", "Network in Network", "After ResNet", LIN_2014),
    coming(
        "wide_resnet50_2",
        "Wide ResNet-50-2",
        "After ResNet",
        ZAGORUYKO_2016,
    ),
    coming(
        "resnext50_32x4d",
        "ResNeXt-50 32×4d",
        "After ResNet",
        XIE_2017,
    ),
    coming(
        "stochastic_depth_110",
        "Stochastic Depth (ResNet-110)",
        "After ResNet",
        HUANG_2016,
    ),
    coming("fractalnet", "FractalNet", "After ResNet", LARSSON_2017),
    coming("densenet121", "DenseNet-121", "After ResNet", HUANG_2017),
    coming(
        "squeezenet1_0",
        "SqueezeNet 1.0",
        "After ResNet",
        IANDOLA_2016,
    ),
    coming(
        "squeezenet1_1",
        "SqueezeNet 1.1",
        "After ResNet",
        IANDOLA_2016,
    ),
];

/// Looks a network up by its identifier.
pub fn find(id: &str) -> Option<&'static CatalogEntry> {
    CATALOG.iter().find(|e| e.id == id)
}

/// The families in reading order, each once.
pub fn families() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for e in CATALOG {
        if !out.contains(&e.family) {
            out.push(e.family);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_unique() {
        for (i, a) in CATALOG.iter().enumerate() {
            for b in &CATALOG[i + 1..] {
                assert_ne!(a.id, b.id);
            }
        }
    }

    #[test]
    fn every_network_of_the_notes_is_listed() {
        for id in [
            "lenet5",
            "alexnet_paper",
            "alexnet",
            "zfnet",
            "vgg11",
            "vgg11_lrn",
            "vgg13",
            "vgg16_c",
            "vgg16",
            "vgg19",
            "googlenet",
            "resnet18",
            "resnet34",
            "resnet50",
            "resnet101",
            "resnet152",
            "nin",
            "wide_resnet50_2",
            "resnext50_32x4d",
            "stochastic_depth_110",
            "fractalnet",
            "densenet121",
            "squeezenet1_0",
            "squeezenet1_1",
        ] {
            assert!(find(id).is_some(), "{id} missing from the catalog");
        }
        assert_eq!(CATALOG.len(), 24);
        assert_eq!(families().len(), 6);
    }
}
