//! Browser tests (wasm-bindgen-test in headless Chromium): the code that needs a real browser.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn candle_engine_self_check_is_exact_in_the_browser() {
    let check = atlas::engine_check::run().expect("candle ran");
    assert_eq!(check.conv, atlas::engine_check::EXPECTED_CONV);
    assert_eq!(check.matmul_sum, atlas::engine_check::EXPECTED_MATMUL_SUM);
}

#[wasm_bindgen_test]
async fn backend_detection_agrees_with_navigator_gpu() {
    use atlas::web::backend::{detect, Backend};
    let has_gpu = js_sys::Reflect::get(&web_sys::window().unwrap().navigator(), &"gpu".into())
        .map(|v| !v.is_undefined())
        .unwrap_or(false);
    let backend = detect().await;
    // The test browser runs with --enable-unsafe-webgpu (webdriver.json), so an adapter exists.
    assert!(has_gpu, "the test browser should expose navigator.gpu");
    match backend {
        Backend::WebGpu { adapter, .. } => assert!(!adapter.is_empty()),
        Backend::Cpu { reason } => panic!("expected a WebGPU adapter, got CPU: {reason}"),
    }
}

/// The shipped LeNet-5 weights give, in the browser, the logits the native engine gives
/// (tests/fixtures/lenet_logits.json, checked natively by tests/lenet_weights.rs).
#[wasm_bindgen_test]
fn lenet_logits_in_the_browser_equal_native() {
    use atlas::engine::{cpu::CpuEngine, safetensors, Engine};
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/lenet_logits.json")).unwrap();
    let shipped: [(&str, &[u8]); 2] = [
        (
            "lenet5",
            include_bytes!("../static/weights/lenet5.safetensors"),
        ),
        (
            "lenet5_modern",
            include_bytes!("../static/weights/lenet5_modern.safetensors"),
        ),
    ];
    for (model, bytes) in shipped {
        let net = atlas::zoo::build(model).unwrap();
        let weights = safetensors::from_bytes(bytes).unwrap();
        for (name, input) in atlas::digits::test_patterns() {
            let out = CpuEngine
                .forward(&net, &weights, &input, &[net.output()])
                .unwrap();
            let native = fixture[model][name].as_array().unwrap();
            assert_eq!(native.len(), 10);
            for (a, b) in out.values[0].iter().zip(native) {
                let diff = (*a as f64 - b.as_f64().unwrap()).abs();
                assert!(diff <= 1e-4, "{model}/{name}: browser {a} vs native {b}");
            }
        }
    }
}

/// The deterministic splitmix-v1 checkpoint of ../shared/reference gives, in the browser, the
/// logits torchvision gives within relative error 1e-3 (max |ours − ref| / max |ref|).
fn splitmix_logits_match_torchvision(model: &str, reference: &str) {
    let err = atlas::engine::splitmix::logits_error(model, reference).unwrap();
    assert!(
        err <= 1e-3,
        "{model}: relative error {err:e} in the browser"
    );
}

#[wasm_bindgen_test]
fn alexnet_splitmix_logits_in_the_browser() {
    splitmix_logits_match_torchvision(
        "alexnet",
        include_str!("../../shared/reference/alexnet.json"),
    );
}

#[wasm_bindgen_test]
fn resnet18_splitmix_logits_in_the_browser() {
    splitmix_logits_match_torchvision(
        "resnet18",
        include_str!("../../shared/reference/resnet18.json"),
    );
}

#[wasm_bindgen_test]
fn googlenet_splitmix_logits_in_the_browser() {
    splitmix_logits_match_torchvision(
        "googlenet",
        include_str!("../../shared/reference/googlenet.json"),
    );
}

#[wasm_bindgen_test]
fn squeezenet1_1_splitmix_logits_in_the_browser() {
    splitmix_logits_match_torchvision(
        "squeezenet1_1",
        include_str!("../../shared/reference/squeezenet1_1.json"),
    );
}
