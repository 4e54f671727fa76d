//! Full forward passes on the CPU engine against torchvision: with the deterministic splitmix-v1
//! checkpoint and input, every model's 1000 logits equal ../shared/reference's within relative
//! error 1e-3 (max |ours − ref| / max |ref|).
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use atlas::engine::{cpu::CpuEngine, splitmix, Engine, Weights};
use atlas::zoo::build;

fn reference_logits(model: &str) -> Vec<f32> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference")
        .join(format!("{model}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "missing reference file {}: {e} (the tests need ../shared)",
            path.display()
        )
    });
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["splitmix_v1"]["logits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

fn check(model: &str) {
    let net = build(model).unwrap_or_else(|| panic!("the zoo has no {model}"));
    let weights = Weights::splitmix(&net);
    weights.check(&net, &[]).unwrap();
    let input = splitmix::input(3 * 224 * 224);
    let out = CpuEngine
        .forward(&net, &weights, &input, &[net.output()])
        .unwrap();
    let ours = &out.values[0];
    let theirs = reference_logits(model);
    assert_eq!(ours.len(), theirs.len());
    let scale = theirs.iter().fold(0f32, |m, v| m.max(v.abs()));
    let err = ours
        .iter()
        .zip(&theirs)
        .fold(0f32, |m, (a, b)| m.max((a - b).abs()))
        / scale;
    assert!(
        err <= 1e-3,
        "{model}: relative error {err:e} (scale {scale})"
    );
}

macro_rules! logits_tests {
    ($($name:ident),*) => {$(
        #[test]
        fn $name() { check(stringify!($name)); }
    )*};
}

logits_tests!(
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
