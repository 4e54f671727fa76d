//! Where a network's ImageNet weights come from, in the order the photo lab offers them with one
//! click: the copy that ships with the page; else torchvision's weights on the Hugging Face Hub
//! (timm's `tv_in1k` copies, which other sites may download); else torchvision's own server
//! (AlexNet, GoogLeNet, SqueezeNet 1.0), whose refusal of cross-origin downloads the page then
//! explains. Sizes come from the description; the shipped file's from the manifest.

use crate::{hub, pretrained, zoo};

/// Where an offer downloads from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Shipped,
    Hub,
    Torchvision,
}

impl Kind {
    /// The name the page's `data-source` gives it.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Shipped => "shipped",
            Kind::Hub => "hub",
            Kind::Torchvision => "torchvision",
        }
    }
}

/// The one-click way to a network's weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    pub kind: Kind,
    /// The address (relative to the page for shipped files).
    pub url: String,
    /// How the page names the source in messages: the file, or the repository or server.
    pub label: String,
    /// Keep a copy in the Cache API (not for files served with the page).
    pub cache: bool,
    /// The download's size in bytes (the description's f32 checkpoint where the server's is
    /// not known in advance).
    pub bytes: u64,
}

/// The offer for network `id`: `shipped` is its file and size in the page's manifest, if any;
/// `hub_base` is the Hub's base address in use.
pub fn offer(id: &str, shipped: Option<(&str, Option<u64>)>, hub_base: &str) -> Option<Offer> {
    let net = zoo::build(id)?;
    let f32_bytes = pretrained::checkpoint_bytes(&net, 4);
    if let Some((file, bytes)) = shipped {
        return Some(Offer {
            kind: Kind::Shipped,
            url: format!("weights/{file}"),
            label: format!("weights/{file}"),
            cache: false,
            bytes: bytes.unwrap_or(f32_bytes),
        });
    }
    if let Some(repo) = hub::repo(id) {
        return Some(Offer {
            kind: Kind::Hub,
            url: hub::url(hub_base, repo),
            label: repo.to_string(),
            cache: true,
            bytes: f32_bytes,
        });
    }
    let published = pretrained::find(id)?;
    Some(Offer {
        kind: Kind::Torchvision,
        url: published.url(),
        label: published.file.to_string(),
        cache: true,
        bytes: f32_bytes,
    })
}

/// Whether ImageNet weights were ever published for network `id` (torchvision's, or their copy
/// on the Hub).
pub fn published(id: &str) -> bool {
    pretrained::find(id).is_some() || hub::repo(id).is_some()
}

/// For a network with no published weights, the closest one of the zoo that has them: the
/// variant its identifier names ("googlenet_paper" → "googlenet", "vgg16_c" → "vgg16"). None
/// when `id` has weights or no variant of it does.
pub fn nearest_published(id: &str) -> Option<&'static str> {
    if published(id) {
        return None;
    }
    let mut candidates = vec![id];
    let mut rest = id;
    while let Some((head, _)) = rest.rsplit_once('_') {
        candidates.push(head);
        rest = head;
    }
    candidates.into_iter().find_map(|c| {
        crate::catalog::CATALOG
            .iter()
            .map(|e| e.id)
            .find(|e| *e == c && published(e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_without_published_weights_points_to_its_published_variant() {
        assert_eq!(nearest_published("googlenet_paper"), Some("googlenet"));
        assert_eq!(nearest_published("alexnet_paper"), Some("alexnet"));
        assert_eq!(nearest_published("vgg16_c"), Some("vgg16"));
        assert_eq!(nearest_published("vgg11_lrn"), Some("vgg11"));
        // Published ones point nowhere; ZFNet and NiN have no published relative.
        assert_eq!(nearest_published("googlenet"), None);
        assert_eq!(nearest_published("zfnet"), None);
        assert_eq!(nearest_published("nin"), None);
        for id in ["googlenet_paper", "alexnet_paper", "vgg16_c", "vgg11_lrn"] {
            assert!(!published(id), "{id}");
            assert!(zoo::build(id).is_some(), "{id}");
        }
    }

    #[test]
    fn shipped_then_the_hub_then_torchvision() {
        let sq = offer(
            "squeezenet1_1",
            Some(("squeezenet1_1.safetensors", Some(2_475_888))),
            hub::DEFAULT_BASE,
        )
        .unwrap();
        assert_eq!(
            (sq.kind, sq.url.as_str(), sq.bytes, sq.cache),
            (
                Kind::Shipped,
                "weights/squeezenet1_1.safetensors",
                2_475_888,
                false
            )
        );
        let r50 = offer("resnet50", None, "http://127.0.0.1:9/").unwrap();
        assert_eq!(r50.kind, Kind::Hub);
        assert_eq!(
            r50.url,
            "http://127.0.0.1:9/timm/resnet50.tv_in1k/resolve/main/model.safetensors"
        );
        // 25,557,032 parameters and BatchNorm's running statistics, in f32.
        assert_eq!(r50.bytes, 4 * (25_557_032 + 53_120 + 53));
        let alex = offer("alexnet", None, hub::DEFAULT_BASE).unwrap();
        assert_eq!(alex.kind, Kind::Torchvision);
        assert_eq!(
            alex.url,
            "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth"
        );
        assert!(offer("googlenet_paper", None, hub::DEFAULT_BASE).is_none());
        assert!(offer("lenet5", None, hub::DEFAULT_BASE).is_none());
    }
}
