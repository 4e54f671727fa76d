//! GEMM benchmark (wasm, headless Chromium, one thread): our packed SIMD128 GEMM against
//! `rten-gemm` with a pre-packed A, on the conv-shaped products of the zoo. The issue asks for a
//! well-kept crate unless ours measures faster; this is the measurement. Run by `make bench`
//! (ignored in `make test`: timing is never pass/fail); both results must agree.
#![cfg(target_arch = "wasm32")]
use atlas::engine::now_ms;
use atlas::engine::packed::gemm::{gemm, Epilogue, PackedA, Rows};
use rten_gemm::{GemmExecutor, GemmInputA, GemmInputB, GemmOptions};
use rten_tensor::NdTensorView;
use wasm_bindgen_test::*;
wasm_bindgen_test_configure!(run_in_browser);

/// (M output channels, K = C·k², N output pixels) of convolutions in the zoo.
const SHAPES: [(usize, usize, usize, &str); 8] = [
    (128, 1152, 784, "VGG-16 conv3 3×3 at 28×28 (im2col)"),
    (64, 576, 3136, "ResNet-18 layer1 3×3 at 56×56"),
    (256, 2304, 196, "ResNet-18 layer3 3×3 at 14×14"),
    (512, 4608, 49, "ResNet-18 layer4 3×3 at 7×7"),
    (1000, 512, 169, "SqueezeNet 1.1 conv10 1×1 at 13×13"),
    (64, 27, 12321, "SqueezeNet 1.1 conv1 3×3/2 from RGB"),
    (64, 144, 3025, "SqueezeNet 1.1 fire2 expand 3×3"),
    (16, 128, 3025, "SqueezeNet 1.1 fire3 squeeze 1×1"),
];

/// The median of `reps` timed calls, after calls for at least 300 ms (V8 first runs wasm
/// unoptimised and swaps in optimised code from a background compile).
fn median_ms(reps: usize, mut f: impl FnMut()) -> f64 {
    let start = now_ms();
    while now_ms() - start < 300.0 {
        f();
    }
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let s = now_ms();
            f();
            now_ms() - s
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[reps / 2]
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run by `make bench`"]
fn gemm_ours_against_rten_gemm() {
    let ex = GemmExecutor::<f32>::new();
    let mut report = String::from(
        "GEMM, one thread, median of 15 after 300 ms of warm-up (GMAC/s = M·K·N / time):\n",
    );
    let mut wins = 0;
    for (m, k, n, what) in SHAPES {
        let a: Vec<f32> = (0..m * k)
            .map(|i| ((i * 7919) % 13) as f32 * 0.1 - 0.6)
            .collect();
        let b: Vec<f32> = (0..k * n)
            .map(|i| ((i * 104729) % 11) as f32 * 0.1 - 0.5)
            .collect();
        let packed = PackedA::pack(&a, m, k);
        let rows = Rows {
            data: &b,
            k,
            n,
            ld: n,
        };
        let mut ours = vec![0f32; m * n];
        let ours_ms = median_ms(15, || {
            gemm(&packed, &rows, &mut ours, n, Epilogue::default())
        });
        let (av, bv) = (
            NdTensorView::from_data([m, k], &a[..]),
            NdTensorView::from_data([k, n], &b[..]),
        );
        let rten_a = ex.prepack_a(av);
        let mut theirs = vec![0f32; m * n];
        let rten_ms = median_ms(15, || {
            let (a, b) = (GemmInputA::Packed(&rten_a), GemmInputB::Unpacked(bv));
            ex.gemm(&mut theirs, a, b, GemmOptions::default()).unwrap();
        });
        let scale = theirs.iter().fold(1f32, |s, v| s.max(v.abs()));
        let (diff, _) = atlas::engine::largest_difference(&ours, &theirs);
        assert!(diff <= 1e-4 * scale, "{what}: results differ by {diff}");
        let gmacs = |ms: f64| (m * k * n) as f64 / ms / 1e6;
        wins += usize::from(ours_ms < rten_ms);
        report += &format!(
            "{m:>5}×{k:<5}·{k:>5}×{n:<6} ours {ours_ms:7.2} ms ({:5.1}) rten-gemm {rten_ms:7.2} ms ({:5.1}) ratio {:.2}  {what}\n",
            gmacs(ours_ms),
            gmacs(rten_ms),
            ours_ms / rten_ms
        );
    }
    report += &format!("ours faster on {wins} of {} shapes", SHAPES.len());
    web_sys::console::log_1(&report.into());
}
