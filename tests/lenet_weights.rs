//! The LeNet-5 weights this project trains and ships (static/weights): their accuracy on the
//! 10,000 MNIST test digits, the report written beside them, reproducible training, and the
//! native logits the browser test compares against (tests/fixtures/lenet_logits.json).
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use atlas::engine::{cpu, safetensors, Weights};
use atlas::zoo::build;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn mnist_dir() -> PathBuf {
    let dir = root().join("../shared/data/mnist");
    assert!(
        dir.join("t10k-images-idx3-ubyte.gz").exists(),
        "missing {} (the tests need ../shared)",
        dir.display()
    );
    dir
}

fn shipped(model: &str) -> Weights {
    let path = root()
        .join("static/weights")
        .join(format!("{model}.safetensors"));
    let bytes =
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    safetensors::from_bytes(&bytes).unwrap()
}

fn accuracy(model: &str) -> f64 {
    let net = build(model).unwrap();
    let weights = shipped(model);
    weights.check(&net, &[]).unwrap();
    let test = atlas::mnist::load(&mnist_dir(), "t10k").unwrap();
    assert_eq!(test.len(), 10_000);
    let (acc, _, confusion) = atlas::train::evaluate(&net, &weights, &test).unwrap();
    // The report beside the weights tells the truth about them.
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("static/weights").join(format!("{model}.json")))
            .unwrap(),
    )
    .unwrap();
    assert!(
        (report["test_accuracy"].as_f64().unwrap() - acc).abs() < 1e-9,
        "{model}: report disagrees"
    );
    let theirs: Vec<Vec<u32>> = serde_json::from_value(report["confusion"].clone()).unwrap();
    assert_eq!(theirs, confusion);
    acc
}

#[test]
fn modern_lenet_reaches_99_percent_on_mnist_test() {
    let acc = accuracy("lenet5_modern");
    assert!(acc >= 0.99, "lenet5_modern: {:.2}%", acc * 100.0);
}

#[test]
fn paper_lenet_reaches_99_percent_on_mnist_test() {
    let acc = accuracy("lenet5");
    assert!(acc >= 0.99, "lenet5: {:.2}%", acc * 100.0);
}

#[test]
fn training_is_reproducible_bit_for_bit() {
    let dir = mnist_dir();
    let train = atlas::mnist::load(&dir, "train").unwrap();
    let test = atlas::mnist::load(&dir, "t10k").unwrap();
    let net = build("lenet5_modern").unwrap();
    let cfg = atlas::train::TrainConfig {
        epochs: 1,
        limit: Some(4000),
        ..Default::default()
    };
    let (a, ra) = atlas::train::train(
        &net,
        &train,
        &test,
        Default::default(),
        &Default::default(),
        &cfg,
        &mut |_| {},
    )
    .unwrap();
    let (b, rb) = atlas::train::train(
        &net,
        &train,
        &test,
        Default::default(),
        &Default::default(),
        &cfg,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(a, b);
    assert_eq!(ra.confusion, rb.confusion);
    // Even one short epoch learns something.
    assert!(ra.test_accuracy > 0.4, "{}", ra.test_accuracy);
}

/// Native logits of the shipped weights on `digits::test_patterns`, which the browser test
/// (tests/web.rs) must reproduce. Run with UPDATE_FIXTURES=1 after retraining to rewrite it.
#[test]
fn browser_fixture_holds_the_native_logits() {
    let fixture = root().join("tests/fixtures/lenet_logits.json");
    let mut fresh = serde_json::Map::new();
    for model in ["lenet5", "lenet5_modern"] {
        let net = build(model).unwrap();
        let weights = shipped(model);
        let mut per = serde_json::Map::new();
        for (name, input) in atlas::digits::test_patterns() {
            let out = cpu::forward(&net, &weights, &input, &[net.output()]).unwrap();
            per.insert(name.to_string(), serde_json::json!(out.values[0]));
        }
        fresh.insert(model.to_string(), serde_json::Value::Object(per));
    }
    let fresh = serde_json::Value::Object(fresh);
    if std::env::var("UPDATE_FIXTURES").is_ok() {
        std::fs::write(&fixture, serde_json::to_string_pretty(&fresh).unwrap()).unwrap();
        panic!(
            "{} rewritten from these weights: compared with nothing (run again without \
             UPDATE_FIXTURES)",
            fixture.display()
        );
    }
    let stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fixture).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run UPDATE_FIXTURES=1 cargo test --release --test lenet_weights",
                fixture.display()
            )
        }))
        .unwrap();
    for model in ["lenet5", "lenet5_modern"] {
        for (name, _) in atlas::digits::test_patterns() {
            let a = fresh[model][name].as_array().unwrap();
            let b = stored[model][name].as_array().unwrap();
            assert_eq!((a.len(), b.len()), (10, 10), "{model}/{name}");
            for (x, y) in a.iter().zip(b) {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                assert!(
                    (x - y).abs() <= 1e-5,
                    "{model}/{name}: fixture is stale ({x} vs {y}); rerun with UPDATE_FIXTURES=1"
                );
            }
        }
    }
}
