//! The registry of network descriptions: one builder per network, looked up by identifier
//! (torchvision's spelling where torchvision has the model).

pub mod resnet;

use super::graph::Network;

/// Every network the zoo describes, in reading order.
pub fn ids() -> Vec<&'static str> {
    let mut out = Vec::new();
    out.extend(resnet::RESNETS.iter().map(|s| s.id));
    out
}

/// Builds a network's description by identifier.
pub fn build(id: &str) -> Option<Network> {
    if let Some(spec) = resnet::RESNETS.iter().find(|s| s.id == id) {
        return Some(resnet::resnet(spec));
    }
    None
}
