//! The real SqueezeNet 1.1 ImageNet weights (../shared/weights, `.safetensors` and `.pth`) run on
//! the CPU engine with torchvision's preprocessing reproduced in Rust: every photo of
//! ../shared/photos gets torchvision's top-1, and its top-5 probabilities within 0.01
//! (../shared/reference/photos_squeezenet1_1.json). Also: the checkpoint readers' messages for
//! bad files.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use atlas::engine::{cpu::CandleEngine, packed::PackedEngine, Engine};
use atlas::imagenet::{self, Image8};
use atlas::pretrained::load_checkpoint;

mod support;
use support::shared;

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(shared(rel)).unwrap()
}

fn decode(path: &std::path::Path) -> Image8 {
    let img = image::open(path).unwrap().to_rgb8();
    Image8::new(
        img.width() as usize,
        img.height() as usize,
        3,
        img.into_raw(),
    )
    .unwrap()
}

#[test]
fn safetensors_and_pth_hold_the_same_weights() {
    let (_, a) =
        load_checkpoint("squeezenet1_1", &read("weights/squeezenet1_1.safetensors")).unwrap();
    let (_, b) = load_checkpoint("squeezenet1_1", &read("weights/squeezenet1_1.pth")).unwrap();
    assert_eq!(a.tensors.len(), 52);
    assert_eq!(a, b);
}

#[test]
fn squeezenet1_1_classifies_every_photo_like_torchvision() {
    every_photo_like_torchvision(&read("weights/squeezenet1_1.pth"));
}

/// The weights that ship with the page (static/weights/, f16, 2.5 MB) keep torchvision's top-1
/// on every shared photo and its top-5 within 0.01: why they ship in f16.
#[test]
fn the_shipped_f16_squeezenet1_1_classifies_every_photo_like_torchvision() {
    let shipped = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static/weights/squeezenet1_1.safetensors"),
    )
    .unwrap();
    assert!(
        shipped.len() < 2_500_000,
        "{} bytes: not f16?",
        shipped.len()
    );
    every_photo_like_torchvision(&shipped);
}

fn every_photo_like_torchvision(checkpoint: &[u8]) {
    let reference: serde_json::Value =
        serde_json::from_slice(&read("reference/photos_squeezenet1_1.json")).unwrap();
    let classes = imagenet::classes();
    let (net, weights) = load_checkpoint("squeezenet1_1", checkpoint).unwrap();
    let top5 = reference["top5"].as_object().unwrap();
    assert_eq!(top5.len(), 9);
    // Both engines (the conformance suite's photo check).
    let engines: [&dyn Engine; 2] = [&CandleEngine, &PackedEngine];
    for (engine, (photo, want)) in engines
        .into_iter()
        .flat_map(|e| top5.iter().map(move |t| (e, t)))
    {
        let mut network = engine.prepare(&net, weights.clone()).unwrap();
        let img = decode(&shared(&format!("photos/{photo}")));
        let prepared = imagenet::preprocess(&img);
        let out = network.run(&prepared.tensor, &[net.output()]).unwrap();
        let probs = atlas::engine::softmax(&out.values[0]);
        let got = imagenet::top_k(&out.values[0], 5);
        let want = want.as_array().unwrap();
        assert_eq!(
            got[0].index as u64,
            want[0]["index"].as_u64().unwrap(),
            "{}: {photo}: top-1 is {} ({}), torchvision says {}",
            engine.name(),
            classes[got[0].index],
            got[0].prob,
            want[0]["label"]
        );
        for w in want {
            let i = w["index"].as_u64().unwrap() as usize;
            let p = w["prob"].as_f64().unwrap() as f32;
            assert!(
                (probs[i] - p).abs() <= 0.01,
                "{photo}: p({}) = {} but torchvision gives {p}",
                classes[i],
                probs[i]
            );
        }
    }
}

#[test]
fn bad_checkpoints_get_messages_that_say_what_is_wrong() {
    let st = read("weights/squeezenet1_1.safetensors");
    let e = load_checkpoint("squeezenet1_1", &st[..st.len() / 2])
        .unwrap_err()
        .to_string();
    assert!(e.contains("truncated"), "{e}");
    let pth = read("weights/squeezenet1_1.pth");
    let e = load_checkpoint("squeezenet1_1", &pth[..pth.len() / 2])
        .unwrap_err()
        .to_string();
    assert!(e.contains("truncated"), "{e}");
    let e = load_checkpoint("squeezenet1_1", b"just some text\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a PyTorch checkpoint"), "{e}");
    let e = load_checkpoint("squeezenet1_1", b"")
        .unwrap_err()
        .to_string();
    assert!(e.contains("empty"), "{e}");
    // Another network's checkpoint: SqueezeNet 1.1's weights offered to SqueezeNet 1.0.
    let e = load_checkpoint("squeezenet1_0", &st)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("key 'features.0.weight' has shape [64, 3, 3, 3] but SqueezeNet 1.0 needs [96, 3, 7, 7]"),
        "{e}"
    );
}
