//! Training speed in wasm (headless Chromium, one thread, as the page's worker runs it): both
//! LeNet-5 variants with the training lab's default settings, examples per second. Synthetic
//! digits (speed does not depend on what the pixels show). Run by `make bench` (ignored in
//! `make test`: timing is never pass/fail).
#![cfg(target_arch = "wasm32")]
use atlas::engine::now_ms;
use atlas::mnist::Mnist;
use atlas::train::lab::LabSettings;
use atlas::train::session::Session;
use wasm_bindgen_test::*;
wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
#[ignore]
fn training_examples_per_second() {
    let n = 2_000;
    let mut s = 12345u32;
    let digits = Mnist {
        images: (0..n * 784)
            .map(|_| {
                s = s.wrapping_mul(1664525).wrapping_add(1013904223);
                (s >> 24) as f32 / 255.0
            })
            .collect(),
        labels: (0..n).map(|i| (i % 10) as u8).collect(),
    };
    for (id, design) in [
        ("lenet5", atlas::zoo::nets::lenet::LenetDesign::paper()),
        (
            "lenet5_modern",
            atlas::zoo::nets::lenet::LenetDesign::modern(),
        ),
    ] {
        let settings = LabSettings {
            design,
            ..LabSettings::default()
        };
        let mut run = Session::new(settings.network(), settings.session(), n).unwrap();
        // Warm-up (V8 swaps in optimised code after the first calls).
        let start = now_ms();
        while now_ms() - start < 1000.0 {
            run.step(&digits, &[]).unwrap();
        }
        let (start, seen) = (now_ms(), run.examples());
        while now_ms() - start < 4000.0 {
            run.step(&digits, &[]).unwrap();
        }
        let per_s = (run.examples() - seen) as f64 / ((now_ms() - start) / 1000.0);
        console_log!(
            "TRAIN {id} batch {}: {per_s:.0} examples/s",
            settings.batch_size
        );
    }
}
