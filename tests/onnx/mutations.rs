//! The mutation run of the ONNX reader (issue 21): seeded, bounded damage to every fixture of
//! tests/fixtures/onnx and to the real SqueezeNet 1.1 file (../shared/peers) — bit flips, bytes
//! overwritten with random and boundary values (protobuf varints' continuation bits, wire
//! types, lengths), truncations, deleted and duplicated chunks. Every mutant must open or give a
//! message in both languages; none may panic; one that opens must be analysed and, where its
//! activations are small, prepared and run on the packed engine without a panic, and (where it
//! is small) its output's gradient taken by candle's autograd and (the first 150) lowered onto
//! the WebGPU engine and run there, without one.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use atlas::engine::autograd::{input_gradient, Unit};
use atlas::engine::{packed::PackedEngine, Engine};
use atlas::i18n::Lang;
use atlas::rng::Rng;

fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let n = out.len().max(1);
    match rng.below(6) {
        0 => {
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(n).min(out.len().saturating_sub(1));
                if let Some(b) = out.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
        }
        1 => {
            let at = rng.below(n).min(out.len().saturating_sub(1));
            let v = [0x00, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x1a][rng.below(8)];
            if let Some(b) = out.get_mut(at) {
                *b = if rng.below(2) == 0 {
                    v
                } else {
                    rng.next_u64() as u8
                };
            }
        }
        2 => out.truncate(rng.below(n)),
        3 => {
            let at = rng.below(n);
            let len = (1 + rng.below(64)).min(out.len() - at.min(out.len()));
            out.drain(at.min(out.len())..at.min(out.len()) + len);
        }
        4 => {
            let at = rng.below(n).min(out.len());
            let len = (1 + rng.below(64)).min(out.len() - at);
            let chunk = out[at..at + len].to_vec();
            out.splice(at..at, chunk);
        }
        _ => {
            // A run of 0xff: varints that never end, lengths that claim gigabytes.
            let at = rng.below(n).min(out.len());
            let len = (1 + rng.below(12)).min(out.len() - at);
            out[at..at + len].fill(0xff);
        }
    }
    out
}

/// How many mutants had a gradient computed (the run must reach the autograd, and the autograd
/// must answer, not refuse every mutant).
static GRADIENTS: AtomicUsize = AtomicUsize::new(0);
/// How many mutants the WebGPU engine was asked to prepare, and how many it ran.
static GPU_RUNS: AtomicUsize = AtomicUsize::new(0);
static GPU_RAN: AtomicUsize = AtomicUsize::new(0);

/// The WebGPU engine on this machine's first adapter, opened once.
fn webgpu() -> atlas::engine::gpu::GpuEngine {
    static ENGINE: std::sync::OnceLock<atlas::engine::gpu::GpuEngine> = std::sync::OnceLock::new();
    ENGINE
        .get_or_init(|| {
            atlas::engine::gpu::GpuEngine::new()
                .unwrap_or_else(|e| panic!("{e} (install mesa-vulkan-drivers for lavapipe)"))
        })
        .clone()
}

fn check(mutant: &[u8], what: &str) -> bool {
    match atlas::onnx::import(mutant, "mutant.onnx") {
        Err(e) => {
            for lang in [Lang::En, Lang::Zh] {
                let text = e.0.text(lang);
                assert!(
                    !text.is_empty() && !text.contains("onnx-error"),
                    "{what}: {text}"
                );
            }
            false
        }
        Ok(imported) => {
            let an = atlas::zoo::analyse(&imported.net);
            if an.forward_bytes < 64 << 20 && an.inference_macs() < 2_000_000_000 {
                let [c, h, w] = imported.net.input_shape().unwrap();
                let input = vec![0.5; c * h * w];
                let output = imported.net.output();
                // The page's gradients (effective field, saliency) run candle's autograd on the
                // same network: an answer or an error, never a panic.
                if an.inference_macs() < 100_000_000 {
                    let unit = Unit {
                        node: output,
                        channel: 0,
                        y: 0,
                        x: 0,
                    };
                    if input_gradient(&imported.net, &imported.weights, &input, unit).is_ok() {
                        GRADIENTS.fetch_add(1, Ordering::Relaxed);
                    }
                }
                // The WebGPU engine lowers it too (lavapipe here): a refusal or a run, never a
                // panic (a panic in the page's worker ends it). The first 150 small ones.
                if an.inference_macs() < 100_000_000
                    && GPU_RUNS.fetch_add(1, Ordering::Relaxed) < 150
                {
                    let weights = imported.weights.clone();
                    if let Ok(mut g) = webgpu().prepare(&imported.net, weights) {
                        if g.run(&input, &[output]).is_ok() {
                            GPU_RAN.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                // A mutant that imports is well formed: it prepares and runs (values may be odd).
                let mut p = PackedEngine
                    .prepare(&imported.net, imported.weights)
                    .unwrap_or_else(|e| panic!("{what}: imported but does not prepare: {e}"));
                p.run(&input, &[output])
                    .unwrap_or_else(|e| panic!("{what}: imported but does not run: {e}"));
            }
            true
        }
    }
}

#[test]
fn no_mutant_of_any_onnx_file_panics() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/onnx");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "onnx"))
        .collect();
    files.sort();
    assert!(files.len() >= 12, "{} fixtures", files.len());
    let peer = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/squeezenet1_1.onnx");
    assert!(
        peer.exists(),
        "missing {}: this test needs ../shared",
        peer.display()
    );
    files.push(peer);
    let mut rng = Rng::new(21);
    let (mut opened, mut refused) = (0, 0);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let rounds = if bytes.len() > 1 << 20 { 60 } else { 300 };
        for round in 0..rounds {
            let mutant = mutate(&mut rng, &bytes);
            let what = format!("{} round {round}", f.display());
            let ok = std::panic::catch_unwind(|| check(&mutant, &what))
                .unwrap_or_else(|_| panic!("{what}: the reader panicked"));
            if ok {
                opened += 1;
            } else {
                refused += 1;
            }
        }
    }
    let gradients = GRADIENTS.load(Ordering::Relaxed);
    eprintln!(
        "{opened} mutants opened ({gradients} with a gradient), {refused} refused with a message"
    );
    assert!(gradients > 500, "{gradients} gradients computed");
    let ran = GPU_RAN.load(Ordering::Relaxed);
    eprintln!("{ran} of 150 ran on the WebGPU engine");
    assert!(
        GPU_RUNS.load(Ordering::Relaxed) >= 150 && ran > 100,
        "the WebGPU engine ran {ran} mutants"
    );
    assert!(
        refused > 500 && opened > 100,
        "{opened} opened, {refused} refused"
    );
}
