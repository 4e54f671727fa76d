//! Training as the page's lab does it, natively: one optimiser step lowers the loss on a fixed
//! batch (both optimisers); the gradients of our own layers (C3's partial table, the trainable
//! sub-sampling, dropout off) against finite differences; the same seed gives the same weights;
//! the weights downloaded as `.safetensors` load back with the same logits; the lab's default
//! run on the page's digits reaches 97 %; the page's packed digits are MNIST's first digits.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::rc::Rc;

use atlas::mnist::Mnist;
use atlas::train::lab::{LabSettings, PAGE_TEST_DIGITS, PAGE_TRAIN_DIGITS};
use atlas::train::optim::OptimiserKind;
use atlas::train::runner::{single, Runner};
use atlas::train::session::Session;
use atlas::zoo::nets::lenet::LenetDesign;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn mnist(split: &str) -> Mnist {
    let dir = root().join("../shared/data/mnist");
    assert!(
        dir.join("train-images-idx3-ubyte.gz").exists(),
        "missing {} (the tests need ../shared)",
        dir.display()
    );
    atlas::mnist::load(&dir, split).unwrap()
}

/// The first `n` digits of a set.
fn first(set: &Mnist, n: usize) -> Mnist {
    Mnist {
        images: set.images[..n * 784].to_vec(),
        labels: set.labels[..n].to_vec(),
    }
}

fn page_digits() -> Rc<(Mnist, Mnist)> {
    Rc::new((
        first(&mnist("train"), PAGE_TRAIN_DIGITS),
        first(&mnist("t10k"), PAGE_TEST_DIGITS),
    ))
}

#[test]
fn the_pages_digits_are_mnists_first() {
    let path = root().join("static/data/mnist-lab.bin.gz");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}): scripts/setup.sh writes it (node scripts/pack_mnist.mjs)",
            path.display()
        )
    });
    let (train, test) = atlas::mnist::unpack(&bytes).unwrap();
    let want = page_digits();
    assert!(
        train == want.0,
        "the training digits differ from MNIST's first 12,000"
    );
    assert!(
        test == want.1,
        "the test digits differ from MNIST's first 2,000"
    );
}

/// A batch's loss before and after `steps` steps on that same batch.
fn loss_on_fixed_batch(settings: &LabSettings, steps: usize) -> (f64, f64) {
    let data = first(&mnist("t10k"), 64);
    let s = LabSettings {
        train_digits: 64,
        batch_size: 64,
        epochs: 100,
        ..settings.clone()
    };
    let mut run = Session::new(s.network(), s.session(), data.len()).unwrap();
    let first_loss = run.step(&data, &[]).unwrap().loss;
    let mut last = first_loss;
    for _ in 0..steps {
        last = run.step(&data, &[]).unwrap().loss;
    }
    (first_loss, last)
}

#[test]
fn one_optimiser_step_lowers_the_loss_on_a_fixed_batch() {
    for optimiser in [OptimiserKind::Adam, OptimiserKind::Sgd { momentum: 0.9 }] {
        for design in [LenetDesign::modern(), LenetDesign::paper()] {
            let s = LabSettings {
                optimiser,
                learning_rate: if optimiser == OptimiserKind::Adam {
                    2e-3
                } else {
                    0.01
                },
                design,
                ..LabSettings::default()
            };
            // The second step's loss is measured after the first update.
            let (before, after) = loss_on_fixed_batch(&s, 1);
            assert!(after < before, "{optimiser:?}: {before} → {after}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_weights() {
    let data = first(&mnist("train"), 2_000);
    let s = LabSettings {
        train_digits: 2_000,
        epochs: 1,
        augment: true,
        design: LenetDesign {
            dropout: 0.5,
            ..LenetDesign::modern()
        },
        ..LabSettings::default()
    };
    let train = |seed: u64| {
        let s = LabSettings { seed, ..s.clone() };
        let mut run = Session::new(s.network(), s.session(), data.len()).unwrap();
        while !run.finished() {
            run.step(&data, &[]).unwrap();
        }
        run.weights().unwrap()
    };
    assert_eq!(train(3), train(3));
    assert_ne!(train(3), train(4));
}

#[test]
fn downloaded_weights_load_back_with_the_same_logits() {
    let data = first(&mnist("t10k"), 500);
    let s = LabSettings {
        train_digits: 500,
        epochs: 1,
        design: LenetDesign::paper(),
        ..LabSettings::default()
    };
    let mut run = Session::new(s.network(), s.session(), data.len()).unwrap();
    while !run.finished() {
        run.step(&data, &[]).unwrap();
    }
    let bytes = atlas::engine::safetensors::to_bytes(&run.weights().unwrap(), None).unwrap();
    // As the page loads a file the reader gives it (and as `atlas` reads one).
    let (net, weights) = atlas::pretrained::load_checkpoint("lenet5", &bytes).unwrap();
    let images: Vec<f32> = (0..20)
        .flat_map(|i| atlas::digits::pad_to_32(data.image(i)))
        .collect();
    let x = atlas::train::session::batch_tensor(&images, 20).unwrap();
    let out = net.output();
    let loaded = atlas::engine::cpu::forward_tensors(
        &net,
        &x,
        &atlas::engine::cpu::CheckpointParams(&weights),
        &[out],
    )
    .unwrap()[out]
        .clone()
        .unwrap();
    let trained = run.forward(&images, &[out]).unwrap()[out].clone().unwrap();
    let diff = (loaded - trained)
        .unwrap()
        .abs()
        .unwrap()
        .max_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!(diff < 1e-5, "logits differ by {diff}");
}

#[test]
fn the_default_run_reaches_97_percent_on_the_pages_digits() {
    let mut runner =
        Runner::new(vec![single(LabSettings::default())], None, page_digits()).unwrap();
    let clock = std::time::Instant::now();
    let now = move || clock.elapsed().as_secs_f64() * 1000.0;
    while !runner.finished() {
        runner.work(1000.0, &now).unwrap();
    }
    let update = runner
        .update(atlas::train::runner::TrainState::Finished)
        .unwrap();
    let run = &update.runs[0];
    let acc = run.test.last().unwrap().1;
    eprintln!("default run, test accuracy: {:?}", run.test);
    assert!(acc >= 0.97, "test accuracy {acc}");
    assert_eq!(
        run.examples,
        PAGE_TRAIN_DIGITS * LabSettings::default().epochs
    );
    let confusion: u32 = update.confusion.iter().flatten().sum();
    assert_eq!(confusion as usize, PAGE_TEST_DIGITS);
}

/// Central differences of the loss against the gradient back-propagation gives, for C3's
/// partially connected kernel (read and unread slices), the trainable sub-sampling's
/// coefficients and biases, in the paper's LeNet-5 as the lab trains it.
#[test]
fn gradients_of_c3s_table_and_the_subsampling_match_finite_differences() {
    let data = first(&mnist("t10k"), 8);
    let s = LabSettings {
        design: LenetDesign::paper(),
        train_digits: 8,
        ..LabSettings::default()
    };
    let mut run = Session::new(s.network(), s.session(), data.len()).unwrap();
    let images: Vec<f32> = (0..8)
        .flat_map(|i| atlas::digits::pad_to_32(data.image(i)))
        .collect();
    let labels: Vec<u32> = data.labels.iter().map(|&l| l as u32).collect();
    let (_, grads) = run.loss_and_gradients(&images, &labels).unwrap();
    let table = atlas::zoo::nets::lenet::c3_connections();
    let mut checked = 0;
    for key in ["c3.weight", "s2.weight", "s2.bias", "s4.weight", "s4.bias"] {
        let values = run.param_values(key).unwrap();
        let g = &grads[key];
        // The largest gradients, and for C3 also the slices its table leaves out.
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by(|&a, &b| g[b].abs().total_cmp(&g[a].abs()));
        let mut probe: Vec<usize> = order.into_iter().take(4).collect();
        if key == "c3.weight" {
            // Output map 0 reads S2 maps 0, 1, 2 only: map 3's slice is unread.
            let unread = 3 * 25 + 12;
            assert!(!table[0].contains(&3));
            assert_eq!(g[unread], 0.0, "an unread slice of C3 gets no gradient");
            probe.push(unread);
        }
        for i in probe {
            let h = 1e-2 * values[i].abs().max(0.05);
            let mut plus = values.clone();
            plus[i] += h;
            run.set_param(key, &plus).unwrap();
            let (lp, _) = run.loss_and_gradients(&images, &labels).unwrap();
            let mut minus = values.clone();
            minus[i] -= h;
            run.set_param(key, &minus).unwrap();
            let (lm, _) = run.loss_and_gradients(&images, &labels).unwrap();
            run.set_param(key, &values).unwrap();
            let numeric = (lp - lm) / (2.0 * h as f64);
            let analytic = g[i] as f64;
            let tolerance = 0.03 * analytic.abs().max(numeric.abs()) + 1e-4;
            assert!(
                (numeric - analytic).abs() <= tolerance,
                "{key}[{i}]: back-propagation {analytic}, finite differences {numeric}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 21);
}
