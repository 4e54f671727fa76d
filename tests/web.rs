//! Browser tests (wasm-bindgen-test in headless Chromium): the code that needs a real browser.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

mod conformance;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn engine_self_check_is_exact_in_the_browser() {
    let check = atlas::engine_check::run().expect("the self-check ran");
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
        Backend::WebGpu { adapter, fallback } => {
            assert!(!adapter.is_empty());
            // Headless Chromium's adapter is SwiftShader, which it marks as a fallback adapter:
            // the page's `auto` choice keeps the CPU engine on it.
            assert_eq!(
                fallback,
                adapter.to_lowercase().contains("swiftshader"),
                "{adapter}"
            );
        }
        Backend::Cpu { reason } => panic!("expected a WebGPU adapter, got CPU: {reason}"),
    }
}

/// The shipped LeNet-5 weights give, in the browser, the logits the native engine gives
/// (tests/fixtures/lenet_logits.json, checked natively by tests/lenet_weights.rs).
async fn lenet_logits_equal_native(engine: &dyn atlas::engine::Engine) {
    use atlas::engine::safetensors;
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
        let mut prepared = engine.prepare(&net, weights).unwrap();
        for (name, input) in atlas::digits::test_patterns() {
            let out = prepared.run_async(&input, &[net.output()]).await.unwrap();
            let native = fixture[model][name].as_array().unwrap();
            assert_eq!(native.len(), 10);
            assert_eq!(out.values[0].len(), 10, "{}: {model}/{name}", engine.name());
            for (a, b) in out.values[0].iter().zip(native) {
                let diff = (*a as f64 - b.as_f64().unwrap()).abs();
                assert!(
                    diff <= 1e-4,
                    "{}: {model}/{name}: browser {a} vs native {b}",
                    engine.name()
                );
            }
        }
    }
}

#[wasm_bindgen_test]
async fn lenet_logits_in_the_browser_equal_native() {
    for engine in ENGINES {
        lenet_logits_equal_native(engine).await;
    }
}

/// The conformance suite (`tests/conformance/`) in the browser, for every engine: the ops
/// against candle (candle, the reference, against onnxruntime's outputs), and the splitmix-v1
/// logits of AlexNet, ResNet-18, GoogLeNet and SqueezeNet 1.1 within 1e-3 of torchvision's.
const ENGINES: [&dyn atlas::engine::Engine; 2] = [
    &atlas::engine::cpu::CandleEngine,
    &atlas::engine::packed::PackedEngine,
];

#[wasm_bindgen_test]
async fn conformance_ops_in_the_browser() {
    conformance::reference_checks(&atlas::engine::cpu::CandleEngine).await;
    conformance::ops(&atlas::engine::packed::PackedEngine).await;
}

/// The WebGPU engine on the browser's adapter (SwiftShader in headless Chromium with
/// --enable-unsafe-webgpu, webdriver.json), run through the same suite: every op, LeNet-5's
/// shipped checkpoints, and the splitmix-v1 logits of SqueezeNet 1.1, ResNet-18 and GoogLeNet.
async fn webgpu() -> atlas::engine::gpu::GpuEngine {
    let engine = atlas::engine::gpu::GpuEngine::open()
        .await
        .expect("the test browser offers a WebGPU adapter");
    web_sys::console::log_1(&format!("WebGPU engine on {}", engine.adapter()).into());
    engine
}

/// The browser compiles every kernel the WebGPU engine has, in every variant (a network builds
/// only those it runs, and Chromium's Tint rejects some WGSL that naga accepts natively).
#[wasm_bindgen_test]
async fn every_webgpu_kernel_compiles_in_the_browser() {
    let engine = webgpu().await;
    if let Err(e) = engine.check_kernels().await {
        panic!("{e}");
    }
}

#[wasm_bindgen_test]
async fn webgpu_engine_ops_and_lenet_in_the_browser() {
    let engine = webgpu().await;
    conformance::ops(&engine).await;
    lenet_logits_equal_native(&engine).await;
}

#[wasm_bindgen_test]
async fn webgpu_engine_squeezenet_resnet_googlenet_logits_in_the_browser() {
    let engine = webgpu().await;
    for (model, reference) in [
        (
            "squeezenet1_1",
            include_str!("../../shared/reference/squeezenet1_1.json"),
        ),
        (
            "resnet18",
            include_str!("../../shared/reference/resnet18.json"),
        ),
        (
            "googlenet",
            include_str!("../../shared/reference/googlenet.json"),
        ),
    ] {
        conformance::splitmix_logits(&engine, model, reference).await;
    }
    // What a hardware adapter's own choice adds, which SwiftShader's leaves out: the run
    // submitted in command buffers of growing size, the max pools taken into the 1 × 1
    // convolutions after them.
    let as_on_a_gpu =
        atlas::engine::gpu::kernels::KernelPolicy::parse("chunks=on,poolin=on").expect("a policy");
    conformance::splitmix_logits(
        &engine.with_policy(as_on_a_gpu),
        "squeezenet1_1",
        include_str!("../../shared/reference/squeezenet1_1.json"),
    )
    .await;
}

#[wasm_bindgen_test]
async fn alexnet_splitmix_logits_in_the_browser() {
    for engine in ENGINES {
        conformance::splitmix_logits(
            engine,
            "alexnet",
            include_str!("../../shared/reference/alexnet.json"),
        )
        .await;
    }
}

#[wasm_bindgen_test]
async fn resnet18_splitmix_logits_in_the_browser() {
    for engine in ENGINES {
        conformance::splitmix_logits(
            engine,
            "resnet18",
            include_str!("../../shared/reference/resnet18.json"),
        )
        .await;
    }
}

#[wasm_bindgen_test]
async fn googlenet_splitmix_logits_in_the_browser() {
    for engine in ENGINES {
        conformance::splitmix_logits(
            engine,
            "googlenet",
            include_str!("../../shared/reference/googlenet.json"),
        )
        .await;
    }
}

#[wasm_bindgen_test]
async fn squeezenet1_1_splitmix_logits_in_the_browser() {
    for engine in ENGINES {
        conformance::splitmix_logits(
            engine,
            "squeezenet1_1",
            include_str!("../../shared/reference/squeezenet1_1.json"),
        )
        .await;
    }
}
