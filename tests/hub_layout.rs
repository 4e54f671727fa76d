//! The Hub's copies of torchvision's weights (`timm/<name>.tv_in1k`) read as our networks: for
//! every Hub model, the key names and shapes timm itself gives its state_dict
//! (tests/fixtures/timm_tv_in1k_keys.json, written by scripts/timm_keys.py from timm 1.0.31) are
//! checked against the description through `pretrained::expected` — the same check a download
//! passes before any value is read — and every tensor the network needs is found once, in its
//! shape or (timm's VGG classifier) in a shape of the same values. Independently of our renaming,
//! timm's list pairs with torchvision's state_dict (../shared/reference) entry by entry with the
//! same number of values, so a file in either layout holds the same tensors in the same order.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

mod support;

use atlas::engine::checkpoint::expected::Plan;
use atlas::engine::safetensors;
use atlas::engine::Weights;
use atlas::{hub, pretrained, zoo};

fn timm_layout() -> serde_json::Map<String, serde_json::Value> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/timm_tv_in1k_keys.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    v["models"].as_object().unwrap().clone()
}

fn entries(list: &serde_json::Value) -> Vec<(String, Vec<usize>)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let shape = e[1].as_array().unwrap();
            (
                e[0].as_str().unwrap().to_string(),
                shape.iter().map(|d| d.as_u64().unwrap() as usize).collect(),
            )
        })
        .collect()
}

#[test]
fn every_hub_model_s_timm_keys_read_as_the_description() {
    let layout = timm_layout();
    assert_eq!(layout.len(), hub::COPIES.len());
    for (id, _) in hub::COPIES {
        let list = entries(&layout[*id]);
        let expected = pretrained::expected(id).unwrap();
        let plans = expected
            .plan(list.iter().map(|(k, s)| (k.as_str(), s.as_slice())))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let net = zoo::build(id).unwrap();
        let specs = zoo::params::param_specs(&net, &zoo::analyse(&net));
        // Every tensor the description has, once, in the description's shape.
        let mut kept: Vec<(String, Vec<usize>)> = plans
            .into_iter()
            .filter_map(|p| match p {
                Plan::Keep { key, shape } => Some((key, shape)),
                Plan::Skip => None,
            })
            .collect();
        kept.sort();
        let mut want: Vec<(String, Vec<usize>)> = specs
            .iter()
            .map(|s| (s.key.clone(), s.shape.clone()))
            .collect();
        want.sort();
        assert_eq!(kept, want, "{id}");
        // Only VGG's classifier is renamed; its first two layers are reshaped.
        let renamed: Vec<&str> = list
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !specs.iter().any(|s| s.key == *k))
            .collect();
        if id.starts_with("vgg") {
            assert_eq!(
                renamed,
                [
                    "pre_logits.fc1.weight",
                    "pre_logits.fc1.bias",
                    "pre_logits.fc2.weight",
                    "pre_logits.fc2.bias",
                    "head.fc.weight",
                    "head.fc.bias"
                ],
                "{id}"
            );
            let fc1 = &list
                .iter()
                .find(|(k, _)| k == "pre_logits.fc1.weight")
                .unwrap()
                .1;
            assert_eq!(fc1, &[4096, 512, 7, 7]);
        } else {
            assert!(renamed.is_empty(), "{id}: {renamed:?}");
        }
    }
}

#[test]
fn timm_s_layout_pairs_with_torchvision_s_entry_by_entry() {
    let layout = timm_layout();
    let mut checked = 0;
    // ../shared/reference holds 18 of the zoo's networks; the rest are checked above.
    let with_reference: Vec<&str> = hub::COPIES
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| support::REFERENCE_MODELS.contains(id))
        .collect();
    for id in &with_reference {
        let p = support::shared(&format!("reference/{id}.json"));
        let reference: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        let tv: Vec<(String, usize)> = reference["state_dict"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let n = e["shape"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d.as_u64().unwrap() as usize)
                    .product();
                (e["name"].as_str().unwrap().to_string(), n)
            })
            .collect();
        let timm = entries(&layout[*id]);
        assert_eq!(tv.len(), timm.len(), "{id}");
        for ((a, n), (b, s)) in tv.iter().zip(&timm) {
            assert_eq!(*n, s.iter().product::<usize>(), "{id}: {a} / {b}");
        }
        checked += 1;
    }
    assert!(
        checked >= 8 && checked == with_reference.len(),
        "{checked} models checked"
    );
}

/// A file in timm's layout (names and shapes from the fixture, values the splitmix-v1
/// checkpoint's, paired entry by entry) loads to exactly the weights of the same file in
/// torchvision's layout, through the reader the page uses.
#[test]
fn a_timm_layout_file_loads_the_same_weights_as_torchvision_s() {
    let layout = timm_layout();
    for id in ["vgg11", "densenet121", "resnet18"] {
        let net = zoo::build(id).unwrap();
        let tv = Weights::splitmix(&net);
        let specs = zoo::params::param_specs(&net, &zoo::analyse(&net));
        let timm = entries(&layout[id]);
        // Pair by position: torchvision's state_dict order is the description's.
        assert_eq!(specs.len(), timm.len(), "{id}");
        let mut file = Weights::default();
        for (spec, (name, shape)) in specs.iter().zip(&timm) {
            let values = tv.get(&spec.key).unwrap().values.clone();
            assert_eq!(
                values.len(),
                shape.iter().product::<usize>().max(1),
                "{id}: {name}"
            );
            file.insert(name.clone(), shape.clone(), values);
        }
        let dir =
            std::env::temp_dir().join(format!("atlas-hub-{}-{id}.safetensors", std::process::id()));
        safetensors::save(&file, &dir).unwrap();
        let bytes = std::fs::read(&dir).unwrap();
        std::fs::remove_file(&dir).unwrap();
        let (_, loaded) = pretrained::load_checkpoint(id, &bytes).unwrap();
        let (_, want) = pretrained::load_weights(id, tv).unwrap();
        assert_eq!(loaded, want, "{id}");
    }
}
