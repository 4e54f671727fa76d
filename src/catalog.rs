//! The order and grouping of the networks in the page's model picker, following the course
//! notes. Everything else about a network (its name, paper, layers) comes from its description
//! in [`crate::zoo`]; an entry whose description has not landed yet shows as "coming".

/// One entry of the model picker: a zoo identifier and the family heading it sits under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatalogEntry {
    /// The zoo identifier: torchvision's spelling where torchvision has the model.
    pub id: &'static str,
    /// Family heading in the picker.
    pub family: &'static str,
}

const fn entry(id: &'static str, family: &'static str) -> CatalogEntry {
    CatalogEntry { id, family }
}

/// Every network of the notes, in reading order.
pub const CATALOG: &[CatalogEntry] = &[
    entry("lenet5", "LeNet"),
    entry("lenet5_modern", "LeNet"),
    entry("alexnet_paper", "AlexNet & ZFNet"),
    entry("alexnet", "AlexNet & ZFNet"),
    entry("zfnet", "AlexNet & ZFNet"),
    entry("vgg11", "VGG"),
    entry("vgg11_lrn", "VGG"),
    entry("vgg13", "VGG"),
    entry("vgg16_c", "VGG"),
    entry("vgg16", "VGG"),
    entry("vgg19", "VGG"),
    entry("vgg11_bn", "VGG"),
    entry("vgg13_bn", "VGG"),
    entry("vgg16_bn", "VGG"),
    entry("vgg19_bn", "VGG"),
    entry("googlenet_paper", "GoogLeNet"),
    entry("googlenet", "GoogLeNet"),
    entry("resnet18", "ResNet"),
    entry("resnet34", "ResNet"),
    entry("resnet50", "ResNet"),
    entry("resnet101", "ResNet"),
    entry("resnet152", "ResNet"),
    entry("nin", "After ResNet"),
    entry("wide_resnet50_2", "After ResNet"),
    entry("resnext50_32x4d", "After ResNet"),
    entry("stochastic_depth_110", "After ResNet"),
    entry("fractalnet", "After ResNet"),
    entry("densenet121", "After ResNet"),
    entry("squeezenet1_0", "After ResNet"),
    entry("squeezenet1_1", "After ResNet"),
];

/// Looks an entry up by its identifier.
pub fn find(id: &str) -> Option<&'static CatalogEntry> {
    CATALOG.iter().find(|e| e.id == id)
}

/// A family's heading as the picker shows it in `lang` (`family` stays the English identifier the
/// entries are grouped by): names of networks read the same, words have a message.
pub fn family_label(family: &str, lang: crate::i18n::Lang) -> String {
    match family {
        "AlexNet & ZFNet" => lang.t("zoo-family-alexnet-zfnet"),
        "After ResNet" => lang.t("zoo-family-after-resnet"),
        _ => family.to_string(),
    }
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
    fn every_entry_is_described_in_the_zoo_and_every_zoo_network_is_listed() {
        for e in CATALOG {
            assert!(
                crate::zoo::build(e.id).is_some(),
                "{} has no description in the zoo",
                e.id
            );
        }
        for id in crate::zoo::ids() {
            assert!(
                find(id).is_some(),
                "{id} is in the zoo but not in the picker"
            );
        }
        assert_eq!(families().len(), 6);
    }

    #[test]
    fn family_headings_read_in_both_languages() {
        use crate::i18n::Lang;
        for f in families() {
            assert_eq!(family_label(f, Lang::En), f);
            assert!(!family_label(f, Lang::Zh).starts_with("zoo-"), "{f}");
        }
        assert_eq!(family_label("After ResNet", Lang::Zh), "ResNet 之后");
    }
}
