//! The receptive fields the page draws, against torchvision's ground truth
//! (../shared/reference/*.json, measured as the support of the input gradient): every point of the
//! receptive-field chart and every unit's `rf-box` has the reference's field size and jump; and the
//! effective receptive field — |∂unit/∂input| from a real backward pass, with the real SqueezeNet
//! 1.1 weights on a real photo and with splitmix weights on other networks — lies entirely inside
//! the theoretical field.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::path::PathBuf;

use atlas::concepts::receptive::{erf_stats, rf_series, unit_field};
use atlas::engine::autograd::{input_gradient, magnitude_map, Unit};
use atlas::engine::cpu::{CheckpointParams, ParamSource};
use atlas::engine::packed::PackedEngine;
use atlas::engine::{Engine, Weights};
use atlas::imagenet::{self, Image8};
use atlas::pretrained::load_checkpoint;
use atlas::zoo::{analyse, build};
use serde_json::Value;

fn shared(rel: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    assert!(
        p.exists(),
        "missing {}: these tests need ../shared",
        p.display()
    );
    p
}

mod support;
use support::REFERENCE_MODELS as MODELS;

/// The reference's field of each layer that has one: name → (rf, jump, clipped).
fn reference_fields(model: &str) -> HashMap<String, (usize, usize, bool)> {
    let r: Value =
        serde_json::from_slice(&std::fs::read(shared(&format!("reference/{model}.json"))).unwrap())
            .unwrap();
    r["layers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| {
            let f = l.get("receptive_field")?;
            Some((
                l["name"].as_str()?.to_string(),
                (
                    f["rf"][0].as_u64()? as usize,
                    f["jump"][0].as_u64()? as usize,
                    f.get("clipped").and_then(Value::as_bool).unwrap_or(false),
                ),
            ))
        })
        .collect()
}

fn agrees(got: usize, want: usize, clipped: bool) -> bool {
    if clipped {
        got >= want
    } else {
        got == want
    }
}

#[test]
fn every_point_of_the_chart_matches_torchvision() {
    let mut bad = Vec::new();
    let mut checked = 0;
    for model in MODELS {
        let net = build(model).unwrap();
        let an = analyse(&net);
        let fields = reference_fields(model);
        let series = rf_series(&net, &an);
        assert!(series.len() > 5, "{model}: {} points", series.len());
        for p in &series {
            let Some(&(rf, jump, clipped)) = fields.get(&p.name) else {
                bad.push(format!(
                    "{model}: the chart's {} has no reference field",
                    p.name
                ));
                continue;
            };
            checked += 1;
            if !agrees(p.rf, rf, clipped) || p.jump != jump {
                bad.push(format!(
                    "{model} {}: chart rf {} jump {} vs reference {rf} {jump} (clipped {clipped})",
                    p.name, p.rf, p.jump
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(checked > 500, "{checked} points checked");
}

#[test]
fn every_unit_box_has_the_reference_size_and_steps_by_the_jump() {
    let mut bad = Vec::new();
    let mut checked = 0;
    for model in MODELS {
        let net = build(model).unwrap();
        let an = analyse(&net);
        let fields = reference_fields(model);
        for (i, node) in net.nodes.iter().enumerate() {
            let Some(&(rf, jump, clipped)) = fields.get(&node.name) else {
                continue;
            };
            let [_, h, w] = an.layers[i].shape[..] else {
                continue;
            };
            checked += 1;
            for (y, x) in [(0, 0), (h / 2, w / 2), (h - 1, w - 1)] {
                let f = unit_field(&an, i, y, x).unwrap();
                if !agrees(f.rf[0], rf, clipped) || f.jump[0] != jump {
                    bad.push(format!("{model} {} ({y}, {x}): {f:?}", node.name));
                }
                let origin = unit_field(&an, i, 0, 0).unwrap();
                if f.y0 != origin.y0 + (y * jump) as i64 || f.x0 != origin.x0 + (x * jump) as i64 {
                    bad.push(format!(
                        "{model} {}: unit ({y}, {x}) does not step by {jump}",
                        node.name
                    ));
                }
            }
            // A 'same'-padded field is centred on its unit: the centre unit's field lies around
            // the image centre for odd sizes.
            let c = unit_field(&an, i, h / 2, w / 2).unwrap();
            let centre = (c.y0 + c.y1()) as f64 / 2.0;
            let image = (an.layers[0].shape[1] as f64 - 1.0) / 2.0;
            if (centre - image).abs() > jump as f64 {
                bad.push(format!(
                    "{model} {}: centre unit's field centred at {centre}, image centre {image}",
                    node.name
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // Every map-shaped layer the reference names (the chart's test counts its points alike).
    assert!(checked > 500, "{checked} layers checked");
}

fn photo_input(name: &str) -> Vec<f32> {
    let img = image::open(shared(&format!("photos/{name}")))
        .unwrap()
        .to_rgb8();
    let img = Image8::new(
        img.width() as usize,
        img.height() as usize,
        3,
        img.into_raw(),
    )
    .unwrap();
    imagenet::preprocess_with(&img, imagenet::MEAN, imagenet::STD).tensor
}

/// Checks the effective field of several units of several layers; returns how many had a
/// non-zero gradient.
fn check_effective_fields(
    model: &str,
    params: &dyn ParamSource,
    input: &[f32],
    layers: &[&str],
) -> usize {
    let net = build(model).unwrap();
    let an = analyse(&net);
    let mut nonzero = 0;
    for layer in layers {
        let node = net.nodes.iter().position(|n| n.name == *layer).unwrap();
        let [c, h, w] = an.layers[node].shape[..] else {
            panic!("{layer} is not a map")
        };
        for (ch, y, x) in [(0, 0, 0), (c / 3, h / 2, w / 2), (c - 1, h - 1, w / 3)] {
            let unit = Unit {
                node,
                channel: ch,
                y,
                x,
            };
            let (g, _) = input_gradient(&net, params, input, unit).unwrap();
            let heat = magnitude_map(&g, 3);
            let field = unit_field(&an, node, y, x).unwrap();
            let s = erf_stats(&heat, 224, 224, &field);
            if s.total > 0.0 {
                nonzero += 1;
                assert_eq!(
                    s.inside, 1.0,
                    "{model} {layer} unit ({ch}, {y}, {x}): {:.6} of the gradient outside {field:?}",
                    1.0 - s.inside
                );
                assert!(s.half_side <= field.rf[0], "{model} {layer}: {s:?}");
            }
        }
    }
    nonzero
}

#[test]
fn real_squeezenet_effective_fields_lie_inside_the_theoretical_ones() {
    let bytes = std::fs::read(shared("weights/squeezenet1_1.safetensors")).unwrap();
    let (net, weights) = load_checkpoint("squeezenet1_1", &bytes).unwrap();
    let input = photo_input("skimage_chelsea.png");
    // The page computes the gradient from the prepared network's parameters.
    let prepared = PackedEngine.prepare(&net, weights).unwrap();
    let nonzero = check_effective_fields(
        "squeezenet1_1",
        &prepared.weights().unwrap(),
        &input,
        &[
            "features.0",
            "features.2",
            "features.4.cat",
            "features.8",
            "features.12.cat",
        ],
    );
    assert!(nonzero >= 8, "only {nonzero} units had a gradient");
}

#[test]
fn splitmix_effective_fields_lie_inside_the_theoretical_ones() {
    let input = photo_input("skimage_coffee.png");
    for (model, layers) in [
        ("resnet18", ["maxpool", "layer1.1.relu", "layer2.0.conv1"]),
        ("googlenet", ["maxpool1", "conv3.conv", "inception3a.cat"]),
        ("alexnet", ["features.2", "features.5", "features.7"]),
    ] {
        let net = build(model).unwrap();
        let weights = Weights::splitmix(&net);
        let prepared = PackedEngine.prepare(&net, weights.clone()).unwrap();
        let given = prepared.weights().unwrap();
        let nonzero = check_effective_fields(model, &given, &input, &layers);
        assert!(nonzero >= 3, "{model}: only {nonzero} units had a gradient");
        // The prepared parameters (batch norm folded into the convolutions) give the gradient
        // the checkpoint gives.
        let node = net.nodes.iter().position(|n| n.name == layers[2]).unwrap();
        let unit = Unit {
            node,
            channel: 1,
            y: 3,
            x: 4,
        };
        let (a, va) = input_gradient(&net, &given, &input, unit).unwrap();
        let (b, vb) = input_gradient(&net, &CheckpointParams(&weights), &input, unit).unwrap();
        assert!(
            (va - vb).abs() <= 1e-4 * (1.0 + vb.abs()),
            "{model}: {va} vs {vb}"
        );
        // Max pooling routes a tie's gradient to every maximum: a rounding apart, a tie may go
        // one way or the other, so compare the images as a whole.
        let diff: f32 = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).sum();
        let mass: f32 = b.iter().map(|y| y.abs()).sum();
        assert!(
            diff <= 0.02 * mass,
            "{model}: gradients differ by {diff} for a mass of {mass}"
        );
    }
}

/// Positive weights (≈ an average over each window), identity norms, no biases: a linear network
/// in which every input pixel of a unit's field reaches the unit, so the support of the unit's
/// gradient is exactly its field.
struct PositiveParams<'a>(&'a HashMap<String, (Vec<usize>, usize)>);

impl ParamSource for PositiveParams<'_> {
    fn param(&self, key: &str) -> Result<candle_core::Tensor, atlas::engine::EngineError> {
        let (shape, fan_in) = self.0[key].clone();
        let n: usize = shape.iter().product();
        let v: Vec<f32> = if key.ends_with(".weight") && shape.len() > 1 {
            (0..n)
                .map(|i| (1.0 + (i % 7) as f32 / 7.0) / fan_in as f32)
                .collect()
        } else if key.ends_with(".weight") || key.ends_with("running_var") {
            vec![1.0; n]
        } else {
            vec![0.0; n]
        };
        Ok(candle_core::Tensor::from_vec(
            v,
            shape,
            &candle_core::Device::Cpu,
        )?)
    }
}

/// The field drawn for a unit is, pixel for pixel, the support of its gradient in a linearised
/// copy of the network (ReLU as identity, max pooling as average pooling, positive weights): an
/// origin or size off by one pixel fails here, independently of the analysis that draws it.
#[test]
fn every_drawn_field_is_the_support_of_the_unit_gradient() {
    use atlas::zoo::graph::{Op, Pool, PoolKind};
    for (model, layers) in [
        (
            "resnet18",
            vec![
                "conv1",
                "maxpool",
                "layer1.0.conv1",
                "layer1.1.conv2",
                "layer2.0.conv1",
                "layer2.0.downsample.0",
            ],
        ),
        (
            "alexnet",
            vec!["features.0", "features.2", "features.3", "features.5"],
        ),
        (
            "vgg11",
            vec![
                "features.0",
                "features.2",
                "features.3",
                "features.5",
                "features.6",
            ],
        ),
    ] {
        let mut net = build(model).unwrap();
        let an = analyse(&net);
        for n in net.nodes.iter_mut() {
            n.op = match n.op.base().clone() {
                Op::Act(_) => Op::Scale { factor: 1.0 },
                Op::Pool2d(p) => Op::Pool2d(Pool {
                    kind: PoolKind::Avg,
                    ..p
                }),
                op => op,
            };
        }
        let specs: HashMap<String, (Vec<usize>, usize)> =
            atlas::zoo::params::param_specs(&net, &an)
                .into_iter()
                .map(|s| {
                    let fan_in = s.shape.iter().skip(1).product::<usize>().max(1);
                    (s.key, (s.shape, fan_in))
                })
                .collect();
        let params = PositiveParams(&specs);
        let input = vec![1.0f32; 3 * 224 * 224];
        for layer in layers {
            let node = net.nodes.iter().position(|n| n.name == layer).unwrap();
            let [_, h, w] = an.layers[node].shape[..] else {
                panic!("{layer}")
            };
            for (y, x) in [(0, 0), (h / 2, w / 3), (h - 1, w - 1)] {
                let unit = Unit {
                    node,
                    channel: 0,
                    y,
                    x,
                };
                let (g, _) = input_gradient(&net, &params, &input, unit).unwrap();
                let heat = magnitude_map(&g, 3);
                let (mut r0, mut r1, mut c0, mut c1) = (i64::MAX, i64::MIN, i64::MAX, i64::MIN);
                for (i, v) in heat.iter().enumerate() {
                    if *v > 0.0 {
                        let (r, c) = ((i / 224) as i64, (i % 224) as i64);
                        r0 = r0.min(r);
                        r1 = r1.max(r);
                        c0 = c0.min(c);
                        c1 = c1.max(c);
                    }
                }
                let field = unit_field(&an, node, y, x).unwrap();
                assert_eq!(
                    ([r0, r1], [c0, c1]),
                    field.on_image(224, 224),
                    "{model} {layer} unit ({y}, {x}): gradient support vs the drawn field {field:?}"
                );
                // Inside the field every pixel reaches the unit.
                let (rows, cols) = field.on_image(224, 224);
                let holes = (rows[0]..=rows[1])
                    .flat_map(|r| (cols[0]..=cols[1]).map(move |c| (r, c)))
                    .filter(|&(r, c)| heat[r as usize * 224 + c as usize] == 0.0)
                    .count();
                assert_eq!(
                    holes, 0,
                    "{model} {layer} unit ({y}, {x}): pixels of the field with no gradient"
                );
            }
        }
    }
}
