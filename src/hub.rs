//! torchvision's ImageNet weights on the Hugging Face Hub: timm publishes torchvision's own
//! `IMAGENET1K_V1` checkpoints, converted to its models, as `model.safetensors` in
//! `timm/<name>.tv_in1k`, and the Hub lets pages on other origins download them (unlike
//! torchvision's server). Which networks have such a copy, where it is (under a base address the
//! reader may change: a classroom mirror, a local server), and how timm's key names read as
//! torchvision's: ResNet, ResNeXt and Wide ResNet keep torchvision's; VGG's classifier becomes
//! `pre_logits.fc1`/`fc2` (kept as 7×7 and 1×1 convolutions' weights) and `head.fc`; DenseNet
//! keeps torchvision's current names. No Hub copy of AlexNet, GoogLeNet or SqueezeNet 1.0 is
//! trustworthy; those come from torchvision's server.

use crate::engine::checkpoint::expected::Renamed;

/// The Hub's own address; `?hub=` in the page, or `--hub` for `atlas fetch-weights`, replaces it.
pub const DEFAULT_BASE: &str = "https://huggingface.co";

/// The networks with a Hub copy of torchvision's weights, and their repositories.
pub const COPIES: &[(&str, &str)] = &[
    ("resnet18", "timm/resnet18.tv_in1k"),
    ("resnet34", "timm/resnet34.tv_in1k"),
    ("resnet50", "timm/resnet50.tv_in1k"),
    ("resnet101", "timm/resnet101.tv_in1k"),
    ("resnet152", "timm/resnet152.tv_in1k"),
    ("resnext50_32x4d", "timm/resnext50_32x4d.tv_in1k"),
    ("wide_resnet50_2", "timm/wide_resnet50_2.tv_in1k"),
    ("densenet121", "timm/densenet121.tv_in1k"),
    ("vgg11", "timm/vgg11.tv_in1k"),
    ("vgg13", "timm/vgg13.tv_in1k"),
    ("vgg16", "timm/vgg16.tv_in1k"),
    ("vgg19", "timm/vgg19.tv_in1k"),
    ("vgg11_bn", "timm/vgg11_bn.tv_in1k"),
    ("vgg13_bn", "timm/vgg13_bn.tv_in1k"),
    ("vgg16_bn", "timm/vgg16_bn.tv_in1k"),
    ("vgg19_bn", "timm/vgg19_bn.tv_in1k"),
];

/// The Hub repository holding network `id`'s torchvision weights, if there is one.
pub fn repo(id: &str) -> Option<&'static str> {
    COPIES.iter().find(|(m, _)| *m == id).map(|(_, r)| *r)
}

/// The address of a repository's `model.safetensors` under `base` (the Hub's `resolve` path).
pub fn url(base: &str, repo: &str) -> String {
    format!(
        "{}/{repo}/resolve/main/model.safetensors",
        base.trim().trim_end_matches('/')
    )
}

/// A base address the reader typed, made usable: http(s) only, no trailing slash; None when it
/// is not a web address.
pub fn clean_base(base: &str) -> Option<String> {
    let b = base.trim().trim_end_matches('/');
    let rest = b
        .strip_prefix("https://")
        .or_else(|| b.strip_prefix("http://"))?;
    (!rest.is_empty() && !rest.contains(char::is_whitespace)).then(|| b.to_string())
}

/// timm's VGG names read as torchvision's: `pre_logits.fc1` is `classifier.0` (its weight a 7×7
/// convolution's, [4096, 512, 7, 7], torchvision's [4096, 25088] reshaped), `pre_logits.fc2` is
/// `classifier.3` ([4096, 4096, 1, 1]), `head.fc` is `classifier.6`; `features.*` are the same.
pub fn timm_vgg_name(name: &str) -> Option<Renamed> {
    let (to, reshape) = [
        ("pre_logits.fc1.", "classifier.0.", true),
        ("pre_logits.fc2.", "classifier.3.", true),
        ("head.fc.", "classifier.6.", false),
    ]
    .iter()
    .find_map(|(from, to, reshape)| {
        Some((format!("{to}{}", name.strip_prefix(from)?), *reshape))
    })?;
    Some(Renamed { key: to, reshape })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_follow_the_hub_s_layout() {
        assert_eq!(
            url(DEFAULT_BASE, repo("resnet50").unwrap()),
            "https://huggingface.co/timm/resnet50.tv_in1k/resolve/main/model.safetensors"
        );
        assert_eq!(
            url("http://127.0.0.1:9000/", "timm/vgg16.tv_in1k"),
            "http://127.0.0.1:9000/timm/vgg16.tv_in1k/resolve/main/model.safetensors"
        );
        assert_eq!(
            clean_base(" https://mirror.example/hf/ ").as_deref(),
            Some("https://mirror.example/hf")
        );
        assert_eq!(clean_base("ftp://x"), None);
        assert_eq!(clean_base("https://"), None);
        assert!(repo("alexnet").is_none() && repo("googlenet").is_none());
        for (id, _) in COPIES {
            assert!(
                crate::pretrained::find(id).is_some(),
                "{id} is a torchvision network"
            );
        }
    }

    #[test]
    fn timm_vgg_names_read_as_torchvision_s() {
        assert_eq!(
            timm_vgg_name("pre_logits.fc1.weight"),
            Some(Renamed {
                key: "classifier.0.weight".into(),
                reshape: true
            })
        );
        assert_eq!(
            timm_vgg_name("head.fc.bias").map(|r| r.key),
            Some("classifier.6.bias".into())
        );
        assert_eq!(timm_vgg_name("features.0.weight"), None);
    }
}
