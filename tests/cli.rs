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

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("atlas-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn shared_pth() -> std::path::PathBuf {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/weights/squeezenet1_1.pth");
    assert!(
        p.exists(),
        "missing {}: this test needs ../shared",
        p.display()
    );
    p
}

/// `fetch-weights --from` converts the real SqueezeNet 1.1 .pth into f16 .safetensors that the
/// page's loader reads back to the same values (to f16 precision), and lists it in the manifest.
#[test]
fn fetch_weights_converts_a_local_checkpoint_to_f16_safetensors() {
    let out_dir = temp_dir("f16");
    std::fs::write(
        out_dir.join("manifest.json"),
        r#"{"lenet5": "lenet5.safetensors"}"#,
    )
    .unwrap();
    let pth = shared_pth();
    let out = atlas(&[
        "fetch-weights",
        "squeezenet1_1",
        "--f16",
        "--from",
        pth.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1235496 values"), "{stdout}");
    let written = std::fs::read(out_dir.join("squeezenet1_1.safetensors")).unwrap();
    // 1,235,496 values in 2 bytes each, plus the header.
    assert!(written.len() > 2 * 1_235_496 && written.len() < 2 * 1_235_496 + 16_384);
    let (_, converted) = atlas::pretrained::load_checkpoint("squeezenet1_1", &written).unwrap();
    let (_, original) =
        atlas::pretrained::load_checkpoint("squeezenet1_1", &std::fs::read(&pth).unwrap()).unwrap();
    for (k, t) in &original.tensors {
        let c = &converted.tensors[k];
        assert_eq!(c.shape, t.shape, "{k}");
        for (a, b) in c.values.iter().zip(&t.values) {
            assert!((a - b).abs() <= b.abs() * 1e-3 + 1e-6, "{k}: {a} vs {b}");
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["squeezenet1_1"]["file"],
        "squeezenet1_1.safetensors"
    );
    assert_eq!(manifest["squeezenet1_1"]["bytes"], written.len());
    assert_eq!(manifest["squeezenet1_1"]["dtype"], "f16");
    // An entry written before, in the manifest's older form, stays as it was.
    assert_eq!(manifest["lenet5"], "lenet5.safetensors");
    let note: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("squeezenet1_1.json")).unwrap())
            .unwrap();
    assert_eq!(note["dtype"], "f16");
    let _ = std::fs::remove_dir_all(&out_dir);
}

/// A file named like torchvision's (`<name>-<sha256 prefix>.pth`) must hash to that prefix; the
/// download path (curl, here from a `file://` mirror) checks the published name's prefix.
#[test]
fn fetch_weights_checks_the_sha256_prefix_of_the_name() {
    let dir = temp_dir("sha");
    let bytes = std::fs::read(shared_pth()).unwrap();
    let real = atlas::weights_store::sha256_hex(&bytes);
    let good = dir.join(format!("squeezenet1_1-{}.pth", &real[..8]));
    std::fs::write(&good, &bytes).unwrap();
    let out_dir = dir.join("out");
    let ok = atlas(&[
        "fetch-weights",
        "squeezenet1_1",
        "--from",
        good.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // These are not torchvision's own weights, so under the published name the hash differs.
    let mirror = dir.join("mirror");
    std::fs::create_dir_all(&mirror).unwrap();
    std::fs::write(mirror.join("squeezenet1_1-b8a52dc0.pth"), &bytes).unwrap();
    let from_mirror = |model: &str| {
        Command::new(env!("CARGO_BIN_EXE_atlas"))
            .args(["fetch-weights", model, "--out", out_dir.to_str().unwrap()])
            .env(
                "ATLAS_WEIGHTS_BASE_URL",
                format!("file://{}", mirror.display()),
            )
            .output()
            .unwrap()
    };
    let out = from_mirror("squeezenet1_1");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("b8a52dc0") && err.contains(&real), "{err}");
    // A missing file on the mirror is a failed download, said so.
    let out = from_mirror("resnet18");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("download"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `atlas summary FILE.onnx`: the same table for a network read from an ONNX file (the page's
/// reader), and the reader's message for a file it refuses.
#[test]
fn summary_reads_an_onnx_file() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/onnx/net_mnist.onnx"
    );
    let out = atlas(&["summary", fixture, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // conv1 5×5 (6·25 + 6), conv2 (16·6·25 + 16), fc 400→120→84→10.
    assert_eq!(v["total_params"], 156 + 2416 + 48_120 + 10_164 + 850);
    let conv1 = &v["layers"][0];
    assert_eq!(conv1["name"], "conv1");
    assert_eq!(conv1["output_shape"], serde_json::json!([6, 28, 28]));
    assert_eq!(conv1["receptive_field"], serde_json::json!([5, 5]));
    let text = String::from_utf8(atlas(&["summary", fixture]).stdout).unwrap();
    assert!(
        text.contains("fc3") && text.contains("total params 61,706"),
        "{text}"
    );
    let bad = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/onnx/bad_op.onnx"
    );
    let out = atlas(&["summary", bad]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("runs the operator Erf"));
}

/// `classify` with the real SqueezeNet 1.1 weights of ../shared gives torchvision's top-5 on two
/// of the shared photos (within 0.01 of its probabilities), and names a photo it cannot read.
#[test]
fn classify_gives_torchvision_s_top5() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let weights = root.join("weights/squeezenet1_1.safetensors");
    let reference: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("reference/photos_squeezenet1_1.json"))
            .expect("../shared/reference/photos_squeezenet1_1.json (these tests need ../shared)"),
    )
    .unwrap();
    let photos = ["skimage_chelsea.png", "pytorchhub_dog.jpg"];
    let paths: Vec<String> = photos
        .iter()
        .map(|p| root.join("photos").join(p).display().to_string())
        .collect();
    let mut args = vec!["classify", "squeezenet1_1", "--weights"];
    let w = weights.display().to_string();
    args.push(&w);
    args.extend(paths.iter().map(String::as_str));
    args.push("--json");
    let out = atlas(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    for (got, photo) in v.as_array().unwrap().iter().zip(photos) {
        let want = reference["top5"][photo].as_array().unwrap();
        let top = got["top5"].as_array().unwrap();
        assert_eq!(top.len(), 5, "{photo}");
        for (g, w) in top.iter().zip(want) {
            assert_eq!(g["index"], w["index"], "{photo}");
            assert_eq!(g["label"], w["label"], "{photo}");
            let (a, b) = (g["prob"].as_f64().unwrap(), w["prob"].as_f64().unwrap());
            assert!((a - b).abs() <= 0.01, "{photo}: {a} vs {b}");
        }
    }
    let out = atlas(&[
        "classify",
        "squeezenet1_1",
        "--weights",
        &w,
        "no-such-photo.png",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-photo.png"));
}
