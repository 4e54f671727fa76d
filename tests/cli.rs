//! The `atlas` command line: `summary <model> --json` gives torchvision's figures.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn atlas(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_atlas"))
        .args(args)
        .output()
        .expect("atlas runs")
}

#[test]
fn summary_json_gives_per_layer_figures_and_totals() {
    let out = atlas(&["summary", "resnet18", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total_params"], 11_689_512);
    assert_eq!(v["total_macs"], 1_814_073_344);
    let conv1 = &v["layers"][0];
    assert_eq!(conv1["name"], "conv1");
    assert_eq!(conv1["type"], "Conv2d");
    assert_eq!(conv1["output_shape"], serde_json::json!([64, 112, 112]));
    assert_eq!(conv1["params"], 9408);
    assert_eq!(conv1["macs"], 118_013_952);
    assert_eq!(conv1["activation_bytes"], 64 * 112 * 112 * 4);
    assert_eq!(conv1["receptive_field"], serde_json::json!([7, 7]));
    assert_eq!(conv1["jump"], serde_json::json!([2, 2]));
}

#[test]
fn summary_text_shows_totals() {
    let out = atlas(&["summary", "resnet50"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("total params 25,557,032"), "{text}");
    assert!(text.contains("total MACs   4,089,184,256"), "{text}");
}

#[test]
fn unknown_model_is_a_clear_error() {
    let out = atlas(&["summary", "resnet9000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown model 'resnet9000'"));
}
