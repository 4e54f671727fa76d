//! The registry of network descriptions: one builder per network, looked up by identifier
//! (torchvision's spelling where torchvision has the model).

pub mod alexnet;
pub mod densenet;
pub mod fractalnet;
pub mod googlenet;
pub mod lenet;
pub mod nin;
pub mod resnet;
pub mod squeezenet;
pub mod stochastic_depth;
pub mod vgg;
pub mod zfnet;

use super::graph::Network;

/// Every network the zoo describes, in reading order.
pub fn ids() -> Vec<&'static str> {
    let mut out = vec![
        "lenet5",
        "lenet5_modern",
        "alexnet_paper",
        "alexnet",
        "zfnet",
    ];
    out.extend(vgg::VGGS.iter().map(|s| s.id));
    out.extend(["googlenet_paper", "googlenet"]);
    out.extend(resnet::RESNETS.iter().map(|s| s.id));
    out.extend(["nin", "stochastic_depth_110", "fractalnet"]);
    out.extend(["densenet121", "squeezenet1_0", "squeezenet1_1"]);
    out
}

/// Builds a network's description by identifier.
pub fn build(id: &str) -> Option<Network> {
    match id {
        "lenet5" => return Some(lenet::lenet5()),
        "lenet5_modern" => return Some(lenet::lenet5_modern()),
        "zfnet" => return Some(zfnet::zfnet()),
        "nin" => return Some(nin::nin()),
        "stochastic_depth_110" => return Some(stochastic_depth::stochastic_depth_110()),
        "fractalnet" => return Some(fractalnet::fractalnet()),
        "alexnet" => return Some(alexnet::alexnet()),
        "alexnet_paper" => return Some(alexnet::alexnet_paper()),
        "googlenet" => return Some(googlenet::googlenet()),
        "googlenet_paper" => return Some(googlenet::googlenet_paper()),
        "squeezenet1_0" => return Some(squeezenet::squeezenet1_0()),
        "squeezenet1_1" => return Some(squeezenet::squeezenet1_1()),
        "densenet121" => return Some(densenet::densenet121()),
        _ => {}
    }
    if let Some(spec) = resnet::RESNETS.iter().find(|s| s.id == id) {
        return Some(resnet::resnet(spec));
    }
    if let Some(spec) = vgg::VGGS.iter().find(|s| s.id == id) {
        return Some(vgg::vgg(spec));
    }
    None
}
