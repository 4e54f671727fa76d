//! What several test files share: the networks `../shared/reference` holds torchvision's ground
//! truth for (`tests/reference.rs` checks that this list and the folder agree).

/// The 18 torchvision networks with a reference file in `../shared/reference/<id>.json`.
#[allow(dead_code)]
pub const REFERENCE_MODELS: [&str; 18] = [
    "alexnet",
    "vgg11",
    "vgg11_bn",
    "vgg13",
    "vgg16",
    "vgg16_bn",
    "vgg19",
    "googlenet",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "squeezenet1_0",
    "squeezenet1_1",
    "densenet121",
    "resnext50_32x4d",
    "wide_resnet50_2",
];

/// A file of `../shared` (the test material beside the project), or a failure naming it.
#[allow(dead_code)]
pub fn shared(rel: &str) -> std::path::PathBuf {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    assert!(
        p.exists(),
        "missing {}: these tests need ../shared",
        p.display()
    );
    p
}
