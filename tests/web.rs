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
