//! torchvision's published ImageNet checkpoints (the `IMAGENET1K_V1` weights, trained with the
//! resize-256 / crop-224 transform this project reproduces): where each is downloaded from, and
//! what torchvision does to it when it loads it (GoogLeNet's auxiliary classifiers dropped and
//! its input re-normalised, DenseNet's old key names renamed). The architecture itself, and so
//! the size of every checkpoint, comes from the zoo's description.

use crate::engine::checkpoint::expected::{Expected, Plan, Rename, Renamed};
use crate::engine::weights::CheckpointError;
use crate::engine::{self, Weights};
use crate::i18n::Msg;
use crate::zoo::{analyse, build, Network};

/// Where torchvision publishes its checkpoints.
pub const BASE_URL: &str = "https://download.pytorch.org/models/";

/// One published checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Published {
    /// The zoo identifier (torchvision's model name).
    pub id: &'static str,
    /// The file name as torchvision publishes it: `<name>-<first 8 hex digits of its sha256>.pth`.
    pub file: &'static str,
    /// Keys the checkpoint holds that the model does not use (torchvision drops them too).
    pub extra_prefixes: &'static [&'static str],
}

const fn p(id: &'static str, file: &'static str) -> Published {
    Published {
        id,
        file,
        extra_prefixes: &[],
    }
}

/// Every torchvision network of the zoo with its published weights.
pub const PUBLISHED: &[Published] = &[
    p("alexnet", "alexnet-owt-7be5be79.pth"),
    p("vgg11", "vgg11-8a719046.pth"),
    p("vgg13", "vgg13-19584684.pth"),
    p("vgg16", "vgg16-397923af.pth"),
    p("vgg19", "vgg19-dcbb9e9d.pth"),
    p("vgg11_bn", "vgg11_bn-6002323d.pth"),
    p("vgg13_bn", "vgg13_bn-abd245e5.pth"),
    p("vgg16_bn", "vgg16_bn-6c64b313.pth"),
    p("vgg19_bn", "vgg19_bn-c79401a0.pth"),
    Published {
        id: "googlenet",
        file: "googlenet-1378be20.pth",
        extra_prefixes: &["aux1.", "aux2."],
    },
    p("resnet18", "resnet18-f37072fd.pth"),
    p("resnet34", "resnet34-b627a593.pth"),
    p("resnet50", "resnet50-0676ba61.pth"),
    p("resnet101", "resnet101-63fe2227.pth"),
    p("resnet152", "resnet152-394f9c45.pth"),
    p("squeezenet1_0", "squeezenet1_0-b66bff10.pth"),
    p("squeezenet1_1", "squeezenet1_1-b8a52dc0.pth"),
    p("densenet121", "densenet121-a639ec97.pth"),
    p("resnext50_32x4d", "resnext50_32x4d-7cdf4587.pth"),
    p("wide_resnet50_2", "wide_resnet50_2-95faca4d.pth"),
];

/// The published checkpoint of a network, if torchvision has one.
pub fn find(id: &str) -> Option<&'static Published> {
    PUBLISHED.iter().find(|p| p.id == id)
}

impl Published {
    pub fn url(&self) -> String {
        format!("{BASE_URL}{}", self.file)
    }

    /// The sha256 prefix torchvision puts in the file name (`check_hash` compares it).
    pub fn sha256_prefix(&self) -> &'static str {
        let stem = self.file.trim_end_matches(".pth");
        &stem[stem.rfind('-').map_or(0, |i| i + 1)..]
    }

    /// The input normalisation the weights expect. GoogLeNet's were ported from TensorFlow
    /// and torchvision sets `transform_input=True`, which turns ImageNet-normalised input into
    /// `(x − 0.5) / 0.5` per channel: the same as normalising with mean 0.5 and std 0.5.
    pub fn normalisation(&self) -> ([f32; 3], [f32; 3]) {
        if self.id == "googlenet" {
            ([0.5; 3], [0.5; 3])
        } else {
            (crate::imagenet::MEAN, crate::imagenet::STD)
        }
    }
}

/// The checkpoint's size in bytes for a network with `params` parameters stored as
/// `bytes_per_param` (4 for f32, 2 for f16), counting BatchNorm's running statistics.
pub fn checkpoint_bytes(net: &Network, bytes_per_param: u64) -> u64 {
    let a = analyse(net);
    crate::zoo::params::param_specs(net, &a)
        .iter()
        .map(|s| s.shape.iter().product::<usize>() as u64)
        .sum::<u64>()
        * bytes_per_param
}

/// The format of a checkpoint's bytes, told by their content (not by the file name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Safetensors,
    Pth,
}

pub fn sniff(bytes: &[u8]) -> Format {
    if bytes.len() >= 9 && bytes[8] == b'{' {
        Format::Safetensors
    } else {
        Format::Pth
    }
}

/// What a checkpoint of network `id` must hold, as torchvision reads it: the tensors its
/// description needs, the published extras it drops, DenseNet's old names read as the new ones.
pub fn expected(id: &str) -> Result<Expected, CheckpointError> {
    let net = build(id)
        .ok_or_else(|| CheckpointError(Msg::new("errors-unknown-network").arg("network", id)))?;
    let extra = find(id).map_or(&[][..], |p| p.extra_prefixes);
    let e = Expected::new(&net, extra);
    Ok(match names(id) {
        Some(rename) => e.renaming(rename),
        None => e,
    })
}

/// How other spellings of a network's checkpoint read as torchvision's: old DenseNet files'
/// `norm.1`, and the Hub's timm layout of VGG. Any file in either spelling loads, whoever
/// downloaded it.
fn names(id: &str) -> Option<Rename> {
    if id.starts_with("densenet") {
        Some(|k| engine::pth::legacy_densenet_name(k).map(Renamed::to))
    } else if id.starts_with("vgg") && find(id).is_some() {
        Some(crate::hub::timm_vgg_name)
    } else {
        None
    }
}

/// Parses a checkpoint for network `id` (`.safetensors` or `.pth`, f32/f16/bf16), applies what
/// torchvision applies when it loads it, and checks every key and shape against the network —
/// the names and shapes before any value is read.
pub fn load_checkpoint(id: &str, bytes: &[u8]) -> Result<(Network, Weights), CheckpointError> {
    let expected = expected(id)?;
    let weights = match sniff(bytes) {
        Format::Safetensors => engine::safetensors::read(bytes, Some(expected))?,
        Format::Pth => engine::pth::read(bytes, Some(&expected))?,
    };
    load_weights(id, weights)
}

/// Applies to parsed weights what torchvision applies when it loads them (other spellings of
/// the keys renamed, published extras dropped), and checks every key, shape and value count
/// against network `id`.
pub fn load_weights(id: &str, mut weights: Weights) -> Result<(Network, Weights), CheckpointError> {
    let net = build(id)
        .ok_or_else(|| CheckpointError(Msg::new("errors-unknown-network").arg("network", id)))?;
    let mut keys: Vec<String> = weights.tensors.keys().cloned().collect();
    keys.sort();
    let plans = expected(id)?.plan(
        keys.iter()
            .map(|k| (k.as_str(), weights.tensors[k].shape.as_slice())),
    )?;
    let mut kept = Weights::default();
    for (k, plan) in keys.into_iter().zip(plans) {
        let t = weights.tensors.remove(&k).expect("listed above");
        if let Plan::Keep { key, shape } = plan {
            kept.insert(key, shape, t.values);
        }
    }
    kept.check(&net, &[])?;
    Ok((net, kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_published_checkpoint_names_a_zoo_network() {
        for p in PUBLISHED {
            assert!(build(p.id).is_some(), "{}", p.id);
            assert_eq!(p.sha256_prefix().len(), 8, "{}", p.file);
            assert!(p.url().starts_with("https://download.pytorch.org/models/"));
        }
        assert_eq!(find("resnet18").unwrap().sha256_prefix(), "f37072fd");
    }

    #[test]
    fn vgg16_needs_528_mib_in_f32() {
        let bytes = checkpoint_bytes(&build("vgg16").unwrap(), 4);
        assert_eq!(bytes, 138_357_544 * 4);
        assert_eq!(bytes / (1 << 20), 527); // 527.8 MiB: "528 MB"
    }
}
