//! The engine conformance suite (`tests/conformance/`) natively, for every engine: each op with
//! its edge cases against candle (candle itself, the reference, against onnxruntime's outputs),
//! and the splitmix-v1 logits of all 18 reference models within 1e-3 of ../shared/reference. A
//! new engine joins with one line: `conformance!(name, Engine)`.
#![cfg(not(target_arch = "wasm32"))]

mod conformance;

use std::path::PathBuf;

fn reference(model: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference")
        .join(format!("{model}.json"));
    std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("missing {}: {e} (these tests need ../shared)", p.display()))
}

mod support;
use support::REFERENCE_MODELS as MODELS;

/// The splitmix-v1 logits of `$models` on `$engine`, in a module that names the suite `suite`.
macro_rules! logits_test {
    ($engine:expr, $models:expr) => {
        #[test]
        fn splitmix_logits_of_every_reference_model() {
            for model in $models {
                pollster::block_on(suite::splitmix_logits(
                    &$engine,
                    model,
                    &super::reference(model),
                ));
            }
        }
    };
}

macro_rules! conformance {
    // Candle is the op checks' reference, so against itself they could not fail: it is checked
    // only against what it does not compute, onnxruntime's outputs and torchvision's logits.
    (reference $name:ident, $engine:expr) => {
        mod $name {
            use super::conformance as suite;

            #[test]
            fn onnx_fixtures_match_onnxruntime() {
                pollster::block_on(suite::onnx_fixtures(&$engine));
            }
            logits_test!($engine, super::MODELS);
        }
    };
    (logits_only $name:ident, $engine:expr, $models:expr) => {
        mod $name {
            use super::conformance as suite;

            logits_test!($engine, $models);
        }
    };
    ($name:ident, $engine:expr) => {
        conformance!($name, $engine, super::MODELS);
    };
    ($name:ident, $engine:expr, $models:expr) => {
        mod $name {
            use super::conformance as suite;

            #[test]
            fn convolutions() {
                pollster::block_on(suite::convolutions(&$engine));
            }
            #[test]
            fn norms_activations_and_linear_layers() {
                pollster::block_on(suite::norms_activations_and_linear_layers(&$engine));
            }
            #[test]
            fn pooling() {
                pollster::block_on(suite::pooling(&$engine));
            }
            #[test]
            fn merges() {
                pollster::block_on(suite::merges(&$engine));
            }
            #[test]
            fn onnx_fixtures_match_onnxruntime() {
                pollster::block_on(suite::onnx_fixtures(&$engine));
            }
            #[test]
            fn lenet_partial_table() {
                pollster::block_on(suite::lenet_partial_table(&$engine));
            }
            logits_test!($engine, $models);
        }
    };
}

conformance!(reference candle, atlas::engine::cpu::CandleEngine);
conformance!(packed, atlas::engine::packed::PackedEngine);

/// The WebGPU engine on this machine's first adapter (lavapipe, Vulkan on the CPU, where there is
/// no GPU: `make test` installs mesa-vulkan-drivers), opened once for every test.
fn webgpu() -> atlas::engine::gpu::GpuEngine {
    static ENGINE: std::sync::OnceLock<atlas::engine::gpu::GpuEngine> = std::sync::OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let e = atlas::engine::gpu::GpuEngine::new()
                .unwrap_or_else(|e| panic!("{e} (install mesa-vulkan-drivers for lavapipe)"));
            eprintln!("WebGPU engine on {}", e.adapter());
            e
        })
        .clone()
}

conformance!(webgpu_engine, super::webgpu());

/// Every kernel's pipeline builds on this adapter (a network builds only those it runs).
#[test]
fn every_webgpu_kernel_builds() {
    pollster::block_on(webgpu().check_kernels()).unwrap();
}

/// The WebGPU engine's other kernels, forced (`atlas::engine::gpu::kernels`): lavapipe's own
/// choice (a CPU adapter wants few workgroups) runs the 64 × 64 tiles whole, so these run every
/// op and the networks whose shapes reach every kernel — 1 × 1 convolutions, grouped ones, late
/// 7 × 7 layers, fully connected ones — through the others: what a GPU chooses by shape
/// (`groups=256`, the next slice prefetched, the pools taken into the 1 × 1 convolutions after
/// them, the run submitted in command buffers of growing size: lavapipe's own choice does none
/// of these); small tiles split over K everywhere with Winograd F(4×4, 3×3) for every 3 × 3
/// stride-1 convolution (the op tests' small odd maps and paddings included); the same with the
/// 128 × 128 tiles of 8 × 8 sums split in three (both prefetching); the ops alone with Winograd
/// F(2×2, 3×3) everywhere (the networks' larger maps take it by shape on lavapipe); and the
/// kernels before the choice.
fn webgpu_with(policy: &str) -> atlas::engine::gpu::GpuEngine {
    let p = atlas::engine::gpu::kernels::KernelPolicy::parse(policy).unwrap();
    webgpu().with_policy(p)
}
const KERNEL_MODELS: [&str; 4] = ["resnet18", "squeezenet1_1", "alexnet", "googlenet"];
conformance!(
    webgpu_as_on_a_gpu,
    super::webgpu_with("groups=256,prefetch=on,poolin=on,chunks=on"),
    super::KERNEL_MODELS
);
conformance!(
    webgpu_small_tiles_split_k_winograd,
    super::webgpu_with("tile=32,split=4,winograd=always,wtile=4,prefetch=on,poolin=on"),
    super::KERNEL_MODELS
);
conformance!(
    webgpu_tile128_split_k_winograd,
    super::webgpu_with("tile=128,split=3,winograd=always,wtile=4,prefetch=on,chunks=on"),
    super::KERNEL_MODELS
);
const NO_MODELS: [&str; 0] = [];
conformance!(
    webgpu_winograd_f2_everywhere,
    super::webgpu_with("winograd=always,wtile=2"),
    super::NO_MODELS
);
/// Fully connected layers with their weights held as f16 (`fc=half`): the ops' 1e-4 against
/// candle is tighter than f16 holds a weight to (2⁻¹¹), so only the logits of the networks whose
/// fully connected layers take it, within the suite's 1e-3.
const FC_MODELS: [&str; 4] = ["alexnet", "vgg16", "resnet18", "googlenet"];
conformance!(
    logits_only webgpu_half_fc,
    super::webgpu_with("fc=half"),
    super::FC_MODELS
);
conformance!(
    webgpu_baseline_kernels,
    super::webgpu_with("baseline"),
    super::KERNEL_MODELS
);

/// Merged sibling 1 × 1 convolutions (`lower/merge.rs`) in a run that keeps only the logits: the
/// second of each pair dispatches nothing of its own, also where the merged GEMM is split over K
/// (a GPU's choice, `groups=256`: its parts and their reduce pass serve both), so that GoogLeNet
/// dispatches for one node fewer per Inception module, 9 in all; a run that keeps every node
/// still computes both.
#[test]
fn merged_pairs_dispatch_once_also_split_over_k() {
    use std::collections::BTreeSet;
    let net = atlas::zoo::build("googlenet").unwrap();
    let nodes = |policy: &str| -> BTreeSet<usize> {
        let prepared = webgpu_with(policy)
            .prepare_gpu(&net, atlas::engine::Weights::splitmix(&net))
            .unwrap();
        prepared.output_run_nodes().into_iter().collect()
    };
    for gpu_like in ["groups=256", "tile=32,split=4", "auto"] {
        let (merged, apart) = (
            nodes(&format!("{gpu_like},merge=on")),
            nodes(&format!("{gpu_like},merge=off")),
        );
        assert!(merged.is_subset(&apart), "{gpu_like}");
        let left_out: Vec<&str> = apart
            .difference(&merged)
            .map(|&id| net.nodes[id].name.as_str())
            .collect();
        assert_eq!(left_out.len(), 9, "{gpu_like}: {left_out:?}");
        assert!(
            left_out.iter().all(|n| n.starts_with("inception")),
            "{gpu_like}: {left_out:?}"
        );
    }
}

/// How the page's worker moves a network to the GPU: the weights read back from a network prepared
/// on the packed CPU engine (norms folded there, given back as identities) prepare it on the
/// WebGPU engine, which then computes the reference logits.
#[test]
fn weights_read_back_from_the_packed_engine_prepare_the_webgpu_engine() {
    use atlas::engine::{packed::PackedEngine, Engine, Weights};
    for model in ["resnet18", "googlenet"] {
        let net = atlas::zoo::build(model).unwrap();
        let cpu = PackedEngine.prepare(&net, Weights::splitmix(&net)).unwrap();
        let back = cpu.weights().unwrap();
        back.check(&net, &[]).unwrap();
        let err = pollster::block_on(atlas::engine::splitmix::logits_error_with(
            &webgpu(),
            model,
            back,
            &reference(model),
        ))
        .unwrap();
        assert!(err <= 1e-3, "{model}: relative error {err:e}");
    }
}

/// The WebGPU engine gives back the weights it computes with, read back from the GPU (norms
/// folded there given back as identities, LeNet-5's C3 table as zeros): those the packed engine
/// gives for the same checkpoint, and they prepare the packed engine to the reference logits.
#[test]
fn weights_read_back_from_the_webgpu_engine_are_the_packed_engines() {
    use atlas::engine::{packed::PackedEngine, Engine, Weights};
    for model in ["lenet5", "resnet18", "densenet121"] {
        let net = atlas::zoo::build(model).unwrap();
        let weights = Weights::splitmix(&net);
        let gpu = webgpu().prepare(&net, weights.clone()).unwrap();
        let back = gpu.weights().unwrap();
        back.check(&net, &[]).unwrap();
        let cpu = PackedEngine
            .prepare(&net, weights)
            .unwrap()
            .weights()
            .unwrap();
        assert_eq!(back.tensors.len(), cpu.tensors.len(), "{model}");
        for (key, t) in &cpu.tensors {
            let g = &back.tensors[key];
            assert_eq!(g.shape, t.shape, "{model} {key}");
            let scale = t.values.iter().fold(1e-6f32, |m, v| m.max(v.abs()));
            let (worst, _) = atlas::engine::largest_difference(&g.values, &t.values);
            assert!(worst <= 1e-5 * scale, "{model} {key}: {worst} of {scale}");
        }
        if model == "lenet5" {
            continue;
        }
        let err = pollster::block_on(atlas::engine::splitmix::logits_error_with(
            &PackedEngine,
            model,
            back,
            &reference(model),
        ))
        .unwrap();
        assert!(err <= 1e-3, "{model}: relative error {err:e}");
    }
}
