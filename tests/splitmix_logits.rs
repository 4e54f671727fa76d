//! Full forward passes on the CPU engine against torchvision: with the deterministic splitmix-v1
//! checkpoint and input, every model's 1000 logits equal ../shared/reference's within relative
//! error 1e-3 (max |ours − ref| / max |ref|).
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use atlas::engine::splitmix;

fn check(model: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference")
        .join(format!("{model}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "missing reference file {}: {e} (the tests need ../shared)",
            path.display()
        )
    });
    let err = splitmix::logits_error(model, &text).unwrap();
    assert!(err <= 1e-3, "{model}: relative error {err:e}");
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
