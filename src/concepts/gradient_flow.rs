//! The "gradient highway" of residual networks, measured rather than asserted: one backward pass at
//! initialisation through a plain network (He, Zhang, Ren & Sun, "Deep Residual Learning for Image
//! Recognition", CVPR 2016, figure 3 middle: ResNet-34 without its shortcuts) and through the
//! residual network, with the same weights for the same layers and the same images and labels;
//! then, for every weight layer by depth, the norm of the gradient that reaches its output and of
//! its weights' gradient.
//!
//! It runs twice: with batch normalisation as an identity (what the notes' argument assumes: the
//! problem of 2015 before batch norm) and with batch norm in training mode (how torchvision's
//! networks are trained). The two tell different stories, and the page shows both.

use std::collections::HashMap;

use candle_core::{Device, Tensor, Var};
use serde::{Deserialize, Serialize};

use crate::engine::autograd::{forward_probed, NormStats};
use crate::engine::cpu::ParamSource;
use crate::engine::EngineError;
use crate::i18n::Lang;
use crate::rng::Rng;
use crate::zoo::graph::Op;
use crate::zoo::nets::resnet::{plain, resnet, ResNetSpec};
use crate::zoo::params::{param_specs, Role};
use crate::zoo::{analyse, Network};

/// How the experiment is set up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowConfig {
    /// Side of the square input images.
    pub side: usize,
    /// Images in the batch (batch norm needs more than one).
    pub batch: usize,
    pub seed: u64,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig {
            side: 64,
            batch: 4,
            seed: 34,
        }
    }
}

/// One weight layer's gradients.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerGrad {
    /// The module path (`layer1.0.conv1`, `fc`).
    pub name: String,
    /// Position among the weight layers of the main path, from 1 (shortcut projections are left
    /// out: they are not among the network's 34 layers).
    pub depth: usize,
    /// ‖∂loss/∂y‖₂ for the layer's output y (the whole batch): the gradient flowing back into it.
    pub output_norm: f64,
    /// ‖∂loss/∂W‖₂ over the layer's weights.
    pub weight_norm: f64,
}

/// Both networks' gradients under one setting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowRun {
    /// Batch norm in training mode (true) or as an identity (false).
    pub batch_norm: bool,
    pub plain: Vec<LayerGrad>,
    pub residual: Vec<LayerGrad>,
    pub plain_loss: f64,
    pub residual_loss: f64,
}

/// What the experiment measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub config: FlowConfig,
    pub plain_label: String,
    pub residual_label: String,
    pub runs: Vec<FlowRun>,
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

/// A standard normal sample (Box–Muller).
fn normal(rng: &mut Rng) -> f64 {
    let u = 1.0 - rng.unit();
    let v = rng.unit();
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// torchvision's ResNet initialisation: convolutions Kaiming-normal with fan-out (std √(2/fan_out)),
/// batch norm weight 1 and bias 0 (running mean 0, variance 1), the classifier PyTorch's default
/// uniform ±1/√fan_in. Each tensor is drawn from a generator seeded by its key, so a layer gets
/// the same values in every network that has it.
pub fn init(net: &Network, seed: u64) -> Result<HashMap<String, Var>, EngineError> {
    let an = analyse(net);
    let mut vars = HashMap::new();
    for spec in param_specs(net, &an) {
        if spec.role == Role::NumBatchesTracked {
            continue;
        }
        let n: usize = spec.shape.iter().product();
        let mut rng = Rng::new(seed ^ fnv1a(&spec.key));
        let node = &net.nodes[spec.node];
        let values: Vec<f32> = match (node.op.base(), spec.role) {
            (Op::Conv2d(c), Role::Weight) => {
                let fan_out = c.out_channels * c.kernel[0] * c.kernel[1] / c.groups;
                let std = (2.0 / fan_out as f64).sqrt();
                (0..n).map(|_| (std * normal(&mut rng)) as f32).collect()
            }
            (Op::Linear { .. }, _) => {
                let fan_in = an.layers[node.inputs[0]].shape[0];
                let bound = 1.0 / (fan_in as f64).sqrt();
                (0..n).map(|_| rng.range(-bound, bound) as f32).collect()
            }
            (_, Role::Weight) | (_, Role::RunningVar) => vec![1.0; n],
            _ => vec![0.0; n],
        };
        let t = Tensor::from_vec(values, spec.shape.as_slice(), &Device::Cpu)?;
        vars.insert(spec.key.clone(), Var::from_tensor(&t)?);
    }
    Ok(vars)
}

struct VarParams<'a>(&'a HashMap<String, Var>);

impl ParamSource for VarParams<'_> {
    fn param(&self, key: &str) -> Result<Tensor, EngineError> {
        self.0
            .get(key)
            .map(|v| v.as_tensor().clone())
            .ok_or_else(|| EngineError::Checkpoint(format!("missing variable '{key}'")))
    }
}

/// The weight layers of the main path, in order (shortcut projections left out).
fn weight_layers(net: &Network) -> Vec<usize> {
    net.nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.op.base(), Op::Conv2d(_) | Op::Linear { .. }))
        .filter(|(_, n)| !n.name.contains("downsample"))
        .map(|(i, _)| i)
        .collect()
}

fn norm(t: &Tensor) -> Result<f64, EngineError> {
    Ok((t.sqr()?.sum_all()?.to_scalar::<f32>()? as f64).sqrt())
}

/// One backward pass: the loss and each weight layer's gradients.
fn backward(
    net: &Network,
    vars: &HashMap<String, Var>,
    images: &Tensor,
    labels: &Tensor,
    stats: NormStats,
) -> Result<(f64, Vec<LayerGrad>), EngineError> {
    let layers = weight_layers(net);
    // A zero variable added to each layer's output: its gradient is the gradient reaching the
    // output (candle keeps gradients of variables only).
    let mut probes: HashMap<usize, Var> = HashMap::new();
    let outs = forward_probed(
        net,
        images,
        &VarParams(vars),
        net.output(),
        stats,
        &mut |id, t| {
            if !layers.contains(&id) {
                return Ok(t);
            }
            let zero = Var::zeros(t.shape(), t.dtype(), t.device())?;
            let t = (t + zero.as_tensor())?;
            probes.insert(id, zero);
            Ok(t)
        },
    )?;
    let logits = outs[net.output()].as_ref().expect("the output node runs");
    let loss = candle_nn::loss::cross_entropy(logits, labels)?;
    let grads = loss.backward()?;
    let mut out = Vec::with_capacity(layers.len());
    for (depth, id) in layers.into_iter().enumerate() {
        let name = &net.nodes[id].name;
        let of = |t: &Tensor| -> Result<f64, EngineError> { grads.get(t).map_or(Ok(0.0), norm) };
        out.push(LayerGrad {
            name: name.clone(),
            depth: depth + 1,
            output_norm: of(probes[&id].as_tensor())?,
            weight_norm: of(vars[&format!("{name}.weight")].as_tensor())?,
        });
    }
    Ok((loss.to_scalar::<f32>()? as f64, out))
}

/// The network with a square `side` input instead of 224×224.
fn at_side(mut net: Network, side: usize) -> Network {
    if let Op::Input { channels, .. } = net.nodes[0].op {
        net.nodes[0].op = Op::Input {
            channels,
            height: side,
            width: side,
        };
    }
    net
}

/// Runs the experiment for a ResNet spec (ResNet-34 on the page): both networks, both settings.
pub fn run(spec: &ResNetSpec, config: &FlowConfig) -> Result<Flow, EngineError> {
    // ResNet's five halvings need 32 pixels; batch norm needs two images; more of either than
    // these is not an experiment a page runs.
    if !(32..=512).contains(&config.side) || !(2..=64).contains(&config.batch) {
        return Err(EngineError::Input(format!(
            "images of {0}×{0} in batches of {1}: sides of 32 to 512 and batches of 2 to 64 are run",
            config.side, config.batch
        )));
    }
    let residual_net = at_side(resnet(spec), config.side);
    let plain_net = at_side(plain(spec), config.side);
    let vars = init(&residual_net, config.seed)?;
    let mut rng = Rng::new(config.seed);
    let n = config.batch * 3 * config.side * config.side;
    let images: Vec<f32> = (0..n).map(|_| normal(&mut rng) as f32).collect();
    let images = Tensor::from_vec(
        images,
        (config.batch, 3, config.side, config.side),
        &Device::Cpu,
    )?;
    let classes = match residual_net.nodes[residual_net.output()].op {
        Op::Linear { out_features, .. } => out_features,
        _ => 1,
    };
    let labels: Vec<u32> = (0..config.batch)
        .map(|_| rng.below(classes) as u32)
        .collect();
    let labels = Tensor::new(labels.as_slice(), &Device::Cpu)?;
    let mut runs = Vec::new();
    for (batch_norm, stats) in [(false, NormStats::Running), (true, NormStats::Batch)] {
        let (plain_loss, plain) = backward(&plain_net, &vars, &images, &labels, stats)?;
        let (residual_loss, residual) = backward(&residual_net, &vars, &images, &labels, stats)?;
        runs.push(FlowRun {
            batch_norm,
            plain,
            residual,
            plain_loss,
            residual_loss,
        });
    }
    Ok(Flow {
        config: config.clone(),
        plain_label: plain_net.label.clone(),
        residual_label: residual_net.label.clone(),
        runs,
    })
}

/// How much the gradient reaching the first layer's output differs from the last layer's:
/// first / last (below 1: it shrank on the way back; above: it grew).
pub fn first_to_last(layers: &[LayerGrad]) -> f64 {
    match (layers.first(), layers.last()) {
        (Some(f), Some(l)) if l.output_norm > 0.0 => f.output_norm / l.output_norm,
        _ => f64::NAN,
    }
}

/// The weight layers of a ResNet spec's main path (34 for ResNet-34).
pub fn depth(spec: &ResNetSpec) -> usize {
    weight_layers(&resnet(spec)).len()
}

/// A ratio as "×0.52", "×1.6e-3" or "×650".
pub fn times(v: f64) -> String {
    if v >= 10.0 {
        format!("×{v:.0}")
    } else if v >= 0.01 {
        format!("×{v:.2}")
    } else {
        format!("×{v:.1e}")
    }
}

/// What the measurement shows, in words chosen from the measured ratios (first layer's gradient
/// over the last's).
pub fn verdict(flow: &Flow, lang: Lang) -> String {
    let mut out = Vec::new();
    let change = |r: f64| {
        let key = if r < 1.0 {
            "concepts-gradient-shrinks"
        } else {
            "concepts-gradient-grows"
        };
        lang.tf(key, &[("ratio", times(r).into())])
    };
    for run in &flow.runs {
        let (p, r) = (first_to_last(&run.plain), first_to_last(&run.residual));
        let key = if run.batch_norm {
            "concepts-gradient-verdict-bn"
        } else {
            "concepts-gradient-verdict-no-bn"
        };
        out.push(lang.tf(
            key,
            &[
                ("plain", change(p).into()),
                ("residual", change(r).into()),
                ("network", flow.residual_label.as_str().into()),
            ],
        ));
        if !run.batch_norm && r > 10.0 * p && p < 0.1 {
            out.push(lang.t("concepts-gradient-verdict-highway"));
        }
        if run.batch_norm && p >= 0.1 {
            out.push(lang.t("concepts-gradient-verdict-no-vanish"));
        }
    }
    // Chinese sentences end in 。 and run on without a space.
    out.join(match lang {
        Lang::En => " ",
        Lang::Zh => "",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::nets::resnet::RESNETS;

    /// A real backward pass through both 34-layer networks: without batch norm the gradient
    /// reaching the plain network's first layers has all but vanished, while the residual
    /// network's shortcuts carry it back; with batch norm the plain network's grows instead.
    #[test]
    fn shortcuts_carry_the_gradient_back_to_the_first_layers() {
        let flow = run(&RESNETS[1], &FlowConfig::default()).unwrap();
        assert_eq!(flow.runs.len(), 2);
        for r in &flow.runs {
            assert_eq!(r.plain.len(), 34, "33 convolutions and fc");
            assert_eq!(r.residual.len(), 34);
            assert_eq!(r.plain[0].name, "conv1");
            assert_eq!(r.plain[33].name, "fc");
            assert!(r
                .plain
                .iter()
                .chain(&r.residual)
                .all(|l| l.output_norm.is_finite() && l.weight_norm > 0.0));
            // Same weights, same images: the classifier sees different features, so the losses
            // differ, but both are near ln(1000) ≈ 6.9 for a fresh network with batch norm.
            assert!(r.plain_loss > 0.0 && r.residual_loss > 0.0);
            if r.batch_norm {
                for loss in [r.plain_loss, r.residual_loss] {
                    assert!((5.0..9.0).contains(&loss), "loss {loss} with batch norm");
                }
            }
        }
        let off = &flow.runs[0];
        assert!(!off.batch_norm);
        // The plain network's early-layer gradient is far smaller than the residual one's, and
        // far smaller than at its own last layer.
        for d in 0..8 {
            assert!(
                off.plain[d].output_norm * 100.0 < off.residual[d].output_norm,
                "layer {}: plain {} vs residual {}",
                off.plain[d].name,
                off.plain[d].output_norm,
                off.residual[d].output_norm
            );
        }
        assert!(
            first_to_last(&off.plain) < 0.01,
            "{}",
            first_to_last(&off.plain)
        );
        assert!(first_to_last(&off.residual) > 1.0);
        let on = &flow.runs[1];
        assert!(on.batch_norm);
        assert!(first_to_last(&on.plain) > first_to_last(&on.residual));
        // With batch norm the plain network's gradient grows towards the input.
        assert!(first_to_last(&on.plain) > 1.0);
        let v = verdict(&flow, Lang::En);
        assert!(v.contains("gradient highway"), "{v}");
        assert!(v.contains("does not vanish"), "{v}");
        assert!(
            v.starts_with("Without batch norm, the gradient reaching the first layer shrinks to ×"),
            "{v}"
        );
        let zh = verdict(&flow, Lang::Zh);
        assert!(zh.contains("高速公路") && !zh.contains("concepts-"), "{zh}");
        assert_eq!(depth(&RESNETS[1]), 34);
    }
}
