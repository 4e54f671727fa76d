//! The zoo's derived figures against torchvision's ground truth in ../shared/reference: for every
//! layer of all 18 models, output shape, parameters and MACs; receptive field and jump of every
//! conv/pool layer; and the totals.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use atlas::zoo::{analyse, build, Op};
use serde_json::Value;

mod support;
use support::REFERENCE_MODELS as MODELS;

fn reference(model: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference")
        .join(format!("{model}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "missing reference file {}: {e} (the tests need ../shared)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

fn as_vec(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

/// Compares one model; returns a list of mismatches (empty when all agree).
fn compare(model: &str) -> Vec<String> {
    let r = reference(model);
    let net = build(model).unwrap_or_else(|| panic!("the zoo has no {model}"));
    let an = analyse(&net);
    let mut bad = Vec::new();
    let ours: Vec<usize> = (0..net.nodes.len())
        .filter(|&i| net.nodes[i].op.is_module())
        .collect();
    let theirs = r["layers"].as_array().unwrap();
    if ours.len() != theirs.len() {
        bad.push(format!(
            "{model}: {} module layers, reference has {}",
            ours.len(),
            theirs.len()
        ));
    }
    for (&i, t) in ours.iter().zip(theirs) {
        let (node, stats) = (&net.nodes[i], &an.layers[i]);
        let name = t["name"].as_str().unwrap();
        if node.name != name {
            bad.push(format!(
                "{model}: layer {} is {}, reference has {name}",
                i, node.name
            ));
            break;
        }
        let out = as_vec(&t["output"]);
        if stats.shape != out[1..] {
            bad.push(format!(
                "{model} {name}: shape {:?} vs {:?}",
                stats.shape,
                &out[1..]
            ));
        }
        if stats.params != t["params"].as_u64().unwrap() {
            bad.push(format!(
                "{model} {name}: params {} vs {}",
                stats.params, t["params"]
            ));
        }
        if stats.macs != t["macs"].as_u64().unwrap() {
            bad.push(format!(
                "{model} {name}: macs {} vs {}",
                stats.macs, t["macs"]
            ));
        }
        let is_window = matches!(
            node.op,
            Op::Conv2d(_) | Op::Pool2d(_) | Op::AdaptiveAvgPool2d { .. }
        );
        if let (true, Some(rf)) = (is_window, t.get("receptive_field")) {
            let clipped = rf.get("clipped").and_then(Value::as_bool).unwrap_or(false);
            let want_rf = as_vec(&rf["rf"]);
            let got = stats.rf.expect("conv/pool layers have a field");
            let rf_ok = if clipped {
                got[0] >= want_rf[0] && got[1] >= want_rf[1]
            } else {
                got[..] == want_rf[..]
            };
            if !rf_ok {
                bad.push(format!(
                    "{model} {name}: rf {got:?} vs {want_rf:?} (clipped: {clipped})"
                ));
            }
            if let Some(j) = rf.get("jump") {
                let got = stats.jump.unwrap();
                if got[..] != as_vec(j)[..] {
                    bad.push(format!("{model} {name}: jump {got:?} vs {j}"));
                }
            }
        }
    }
    if an.total_params != r["total_params"].as_u64().unwrap() {
        bad.push(format!(
            "{model}: total params {} vs {}",
            an.total_params, r["total_params"]
        ));
    }
    if an.total_macs != r["total_macs"].as_u64().unwrap() {
        bad.push(format!(
            "{model}: total macs {} vs {}",
            an.total_macs, r["total_macs"]
        ));
    }
    bad
}

macro_rules! reference_tests {
    ($($name:ident),*) => {$(
        #[test]
        fn $name() {
            let bad = compare(stringify!($name));
            assert!(bad.is_empty(), "{} mismatches:\n{}", bad.len(), bad.iter().take(30).cloned().collect::<Vec<_>>().join("\n"));
        }
    )*};
}

reference_tests!(
    alexnet,
    vgg11,
    vgg11_bn,
    vgg13,
    vgg16,
    vgg16_bn,
    vgg19,
    googlenet,
    resnet18,
    resnet34,
    resnet50,
    resnet101,
    resnet152,
    squeezenet1_0,
    squeezenet1_1,
    densenet121,
    resnext50_32x4d,
    wide_resnet50_2
);

#[test]
fn the_list_of_reference_models_is_the_folder_of_reference_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "missing {}: {e} (these tests need ../shared)",
                dir.display()
            )
        })
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().to_string();
            name.strip_suffix(".json").map(str::to_string)
        })
        // The photos' logits are a reference of another kind.
        .filter(|name| !name.starts_with("photos_"))
        .collect();
    found.sort();
    let mut listed: Vec<String> = MODELS.iter().map(|m| m.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

#[test]
fn every_reference_model_is_in_the_zoo() {
    for m in MODELS {
        assert!(build(m).is_some(), "the zoo has no {m}");
    }
}

/// The checkpoint keys, shapes and order derived from each description equal torchvision's
/// state_dict (so real torchvision checkpoints load by name).
#[test]
fn checkpoint_keys_equal_torchvision_state_dicts() {
    let mut bad = Vec::new();
    for model in MODELS {
        let r = reference(model);
        let net = build(model).unwrap();
        let specs = atlas::zoo::params::param_specs(&net, &analyse(&net));
        let theirs: Vec<(String, Vec<usize>)> = r["state_dict"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["name"].as_str().unwrap().to_string(), as_vec(&t["shape"])))
            .collect();
        let ours: Vec<(String, Vec<usize>)> = specs
            .iter()
            .map(|s| (s.key.clone(), s.shape.clone()))
            .collect();
        if ours != theirs {
            let first = ours.iter().zip(&theirs).position(|(a, b)| a != b);
            bad.push(format!(
                "{model}: {} keys vs {}; first difference at {first:?}: ours {:?} theirs {:?}",
                ours.len(),
                theirs.len(),
                first.and_then(|i| ours.get(i)),
                first.and_then(|i| theirs.get(i))
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
