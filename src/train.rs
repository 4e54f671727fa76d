//! Trains LeNet-5 (either variant of the zoo) on MNIST with candle on the CPU: seeded and
//! reproducible, with augmentation so that digits drawn with a mouse are recognised too. The
//! forward pass is the CPU engine's, run on trainable variables: the same description, the same
//! code path as inference.

use std::collections::HashMap;

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};
use serde::Serialize;

use crate::digits::fonts::FontDigits;
use crate::digits::{augment, augment_as_drawn, drawn_input, pad_to_32, Augmentation, DrawnSet};
use crate::engine::cpu::{forward_tensors, ParamSource};
use crate::engine::{EngineError, Weights};
use crate::mnist::Mnist;
use crate::rng::Rng;
use crate::zoo::graph::Op;
use crate::zoo::params::{param_specs, Role};
use crate::zoo::{analyse, Network};

/// How a training run is set up.
#[derive(Clone, Debug, Serialize)]
pub struct TrainConfig {
    pub seed: u64,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub weight_decay: f64,
    pub augmentation: Augmentation,
    /// Train on only the first `n` training digits (for quick checks); None = all 60,000.
    pub limit: Option<usize>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            seed: 5,
            epochs: 12,
            batch_size: 64,
            learning_rate: 2e-3,
            weight_decay: 1e-4,
            augmentation: Augmentation::default(),
            limit: None,
        }
    }
}

/// What the run produced, written beside the weights.
#[derive(Clone, Debug, Serialize)]
pub struct TrainReport {
    pub model: String,
    pub config: TrainConfig,
    pub train_digits: usize,
    pub epoch_losses: Vec<f64>,
    pub test_accuracy: f64,
    pub test_errors: usize,
    /// `confusion[true][predicted]` over the 10,000 test digits.
    pub confusion: Vec<Vec<u32>>,
    /// How the trained network reads the held-out drawn digits (tests/fixtures/drawn_digits.json),
    /// when they were given.
    pub drawn: Option<DrawnScore>,
    /// How it reads the second held-out set, eight people's hands (tests/fixtures/drawn_hands.json),
    /// each person's figure included.
    pub drawn_hands: Option<DrawnScore>,
    /// The typeface files whose digits were trained on (none: MNIST's writers only).
    pub typefaces: Vec<String>,
}

struct VarParams(HashMap<String, Var>);

impl ParamSource for VarParams {
    fn param(&self, key: &str) -> Result<Tensor, EngineError> {
        self.0
            .get(key)
            .map(|v| v.as_tensor().clone())
            .ok_or_else(|| EngineError::Checkpoint(format!("missing variable '{key}'")))
    }
}

/// Initial values: uniform ±1/√fan_in for weights and biases (PyTorch's default), sub-sampling
/// coefficients 1/4 (a plain average) with zero bias.
fn init(net: &Network, rng: &mut Rng) -> Result<HashMap<String, Var>, EngineError> {
    let an = analyse(net);
    let mut vars = HashMap::new();
    for spec in param_specs(net, &an) {
        let n: usize = spec.shape.iter().product();
        let node = &net.nodes[spec.node];
        let fan_in = match &node.op {
            Op::Conv2d(c) => {
                let k = c.kernel[0] * c.kernel[1];
                match &c.connections {
                    Some(t) => k * t.iter().map(Vec::len).max().unwrap_or(1),
                    None => k * an.layers[node.inputs[0]].shape[0] / c.groups,
                }
            }
            Op::Linear { .. } => an.layers[node.inputs[0]].shape[0],
            _ => 1,
        };
        let values: Vec<f32> = match (&node.op, spec.role) {
            (Op::Subsample { .. }, Role::Weight) => vec![0.25; n],
            (Op::Subsample { .. }, _) => vec![0.0; n],
            _ => {
                let bound = 1.0 / (fan_in as f64).sqrt();
                (0..n).map(|_| rng.range(-bound, bound) as f32).collect()
            }
        };
        let t = Tensor::from_vec(values, spec.shape.as_slice(), &Device::Cpu)?;
        vars.insert(spec.key.clone(), Var::from_tensor(&t)?);
    }
    Ok(vars)
}

fn batch_tensor(images: &[f32], n: usize) -> Result<Tensor, EngineError> {
    Ok(Tensor::from_slice(images, (n, 1, 32, 32), &Device::Cpu)?)
}

/// Classifies the test set with a checkpoint; returns (accuracy, errors, confusion).
pub fn evaluate(
    net: &Network,
    weights: &Weights,
    test: &Mnist,
) -> Result<(f64, usize, Vec<Vec<u32>>), EngineError> {
    let params = crate::engine::cpu::CheckpointParams(weights);
    let mut confusion = vec![vec![0u32; 10]; 10];
    let mut errors = 0;
    for start in (0..test.len()).step_by(500) {
        let n = 500.min(test.len() - start);
        let mut buf = Vec::with_capacity(n * 1024);
        for i in start..start + n {
            buf.extend(pad_to_32(test.image(i)));
        }
        let outs = forward_tensors(net, &batch_tensor(&buf, n)?, &params, &[net.output()])?;
        let pred = outs[net.output()]
            .as_ref()
            .expect("output kept")
            .argmax(1)?
            .to_vec1::<u32>()?;
        for (k, p) in pred.into_iter().enumerate() {
            let t = test.labels[start + k] as usize;
            confusion[t][p as usize] += 1;
            if p as usize != t {
                errors += 1;
            }
        }
    }
    Ok((1.0 - errors as f64 / test.len() as f64, errors, confusion))
}

/// How a checkpoint reads the digits of a drawn set, each rasterised as the pad draws it and
/// preprocessed as the page does ([`crate::digits::drawn_input`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DrawnScore {
    /// Where the set comes from (its generator and seed).
    pub set: String,
    pub digits: usize,
    pub accuracy: f64,
    pub errors: usize,
    /// `confusion[true][predicted]`.
    pub confusion: Vec<Vec<u32>>,
    /// The misread digits: `label→predicted (style)`.
    pub misread: Vec<String>,
    /// Each person's figure, for a set drawn by several (`drawn_hands.json`), in the set's order.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub hands: Vec<HandScore>,
}

/// How one person's digits were read.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct HandScore {
    pub hand: String,
    pub digits: usize,
    pub errors: usize,
    pub accuracy: f64,
}

/// Classifies every digit of a drawn set with a checkpoint.
pub fn evaluate_drawn(
    net: &Network,
    weights: &Weights,
    set: &DrawnSet,
) -> Result<DrawnScore, EngineError> {
    let params = crate::engine::cpu::CheckpointParams(weights);
    let mut buf = Vec::with_capacity(set.digits.len() * 1024);
    for d in &set.digits {
        buf.extend(drawn_input(d).unwrap_or_else(|| vec![0.0; 1024]));
    }
    let outs = forward_tensors(
        net,
        &batch_tensor(&buf, set.digits.len())?,
        &params,
        &[net.output()],
    )?;
    let pred = outs[net.output()]
        .as_ref()
        .expect("output kept")
        .argmax(1)?
        .to_vec1::<u32>()?;
    let mut confusion = vec![vec![0u32; 10]; 10];
    let mut misread = Vec::new();
    let mut hands: Vec<HandScore> = Vec::new();
    for (d, p) in set.digits.iter().zip(pred) {
        confusion[d.label as usize][p as usize] += 1;
        let wrong = p != d.label as u32;
        if wrong {
            misread.push(match &d.hand {
                Some(h) => format!("{}→{p} ({h}, {})", d.label, d.style),
                None => format!("{}→{p} ({})", d.label, d.style),
            });
        }
        if let Some(h) = &d.hand {
            let at = match hands.iter().position(|s| &s.hand == h) {
                Some(i) => i,
                None => {
                    hands.push(HandScore {
                        hand: h.clone(),
                        digits: 0,
                        errors: 0,
                        accuracy: 0.0,
                    });
                    hands.len() - 1
                }
            };
            hands[at].digits += 1;
            hands[at].errors += usize::from(wrong);
        }
    }
    for h in &mut hands {
        h.accuracy = 1.0 - h.errors as f64 / h.digits.max(1) as f64;
    }
    let n = set.digits.len();
    Ok(DrawnScore {
        set: format!("{} (seed {})", set.generator, set.seed),
        digits: n,
        accuracy: 1.0 - misread.len() as f64 / n.max(1) as f64,
        errors: misread.len(),
        confusion,
        misread,
        hands,
    })
}

/// The held-out drawn sets a run measures after training (never trained on).
#[derive(Clone, Copy, Default)]
pub struct HeldOut<'a> {
    pub drawn: Option<&'a DrawnSet>,
    pub hands: Option<&'a DrawnSet>,
}

/// Trains `net` and returns its checkpoint and the report; with `fonts` (may be empty) a share of
/// the digits (`font_p`) is replaced by the same digit in a handwriting typeface. The `held_out`
/// sets are measured after training. `log` receives progress lines.
pub fn train(
    net: &Network,
    train_set: &Mnist,
    test_set: &Mnist,
    held_out: HeldOut,
    fonts: &FontDigits,
    cfg: &TrainConfig,
    log: &mut dyn FnMut(String),
) -> Result<(Weights, TrainReport), EngineError> {
    let mut rng = Rng::new(cfg.seed);
    let vars = init(net, &mut rng)?;
    let trainable: Vec<Var> = {
        let mut keys: Vec<&String> = vars.keys().collect();
        keys.sort();
        keys.into_iter().map(|k| vars[k].clone()).collect()
    };
    let params = ParamsAdamW {
        lr: cfg.learning_rate,
        weight_decay: cfg.weight_decay,
        ..Default::default()
    };
    let mut opt = AdamW::new(trainable, params)?;
    let vp = VarParams(vars);
    let n_train = cfg.limit.unwrap_or(train_set.len()).min(train_set.len());
    let mut order: Vec<usize> = (0..n_train).collect();
    let steps_per_epoch = n_train.div_ceil(cfg.batch_size);
    let total_steps = (steps_per_epoch * cfg.epochs) as f64;
    let mut step = 0usize;
    let mut epoch_losses = Vec::new();
    for epoch in 0..cfg.epochs {
        rng.shuffle(&mut order);
        let mut loss_sum = 0f64;
        for chunk in order.chunks(cfg.batch_size) {
            // Cosine decay of the learning rate to zero.
            let lr = cfg.learning_rate
                * 0.5
                * (1.0 + (std::f64::consts::PI * step as f64 / total_steps).cos());
            opt.set_learning_rate(lr);
            let mut buf = Vec::with_capacity(chunk.len() * 1024);
            let mut labels = Vec::with_capacity(chunk.len());
            for &i in chunk {
                let aug = &cfg.augmentation;
                // No draw when the pad imitation is off: the random sequence is then the one
                // training used before it existed.
                let label = train_set.labels[i] as usize;
                // No draw without typefaces: the random sequence is then the one training used
                // before they came.
                let font = (!fonts.is_empty() && aug.font_p > 0.0 && rng.unit() < aug.font_p)
                    .then(|| &fonts.images[rng.below(fonts.len())][label]);
                buf.extend(if let Some(img) = font {
                    augment_as_drawn(img, &aug.drawn, &mut rng)
                } else if aug.drawn_p > 0.0 && rng.unit() < aug.drawn_p {
                    augment_as_drawn(train_set.image(i), &aug.drawn, &mut rng)
                } else {
                    pad_to_32(&augment(train_set.image(i), aug, &mut rng))
                });
                labels.push(train_set.labels[i] as u32);
            }
            let x = batch_tensor(&buf, chunk.len())?;
            let y = Tensor::from_vec(labels, chunk.len(), &Device::Cpu)?;
            let outs = forward_tensors(net, &x, &vp, &[net.output()])?;
            let logits = outs[net.output()].as_ref().expect("output kept");
            let loss = candle_nn::loss::cross_entropy(logits, &y)?;
            opt.backward_step(&loss)?;
            loss_sum += loss.to_dtype(DType::F64)?.to_scalar::<f64>()? * chunk.len() as f64;
            step += 1;
        }
        let mean = loss_sum / n_train as f64;
        epoch_losses.push(mean);
        log(format!(
            "{}: epoch {}/{} loss {mean:.4}",
            net.id,
            epoch + 1,
            cfg.epochs
        ));
    }
    let mut weights = Weights::default();
    for spec in param_specs(net, &analyse(net)) {
        let t = vp.param(&spec.key)?;
        let mut values = t.flatten_all()?.to_vec1::<f32>()?;
        // Unconnected slices of a partial convolution are unused: store zeros.
        if let Op::Conv2d(c) = &net.nodes[spec.node].op {
            if let (Some(table), Role::Weight) = (&c.connections, spec.role) {
                let (inputs, k) = (spec.shape[1], spec.shape[2] * spec.shape[3]);
                for (o, row) in table.iter().enumerate() {
                    for i in (0..inputs).filter(|i| !row.contains(i)) {
                        values[(o * inputs + i) * k..(o * inputs + i + 1) * k].fill(0.0);
                    }
                }
            }
        }
        weights.insert(spec.key.clone(), spec.shape.clone(), values);
    }
    let (acc, errors, confusion) = evaluate(net, &weights, test_set)?;
    log(format!(
        "{}: test accuracy {:.2}% ({errors} errors)",
        net.id,
        acc * 100.0
    ));
    let drawn = held_out
        .drawn
        .map(|set| evaluate_drawn(net, &weights, set))
        .transpose()?;
    let drawn_hands = held_out
        .hands
        .map(|set| evaluate_drawn(net, &weights, set))
        .transpose()?;
    for (what, d) in [("drawn-digit", &drawn), ("hands'", &drawn_hands)] {
        if let Some(d) = d {
            log(format!(
                "{}: {what} accuracy {:.2}% ({} of {} misread: {})",
                net.id,
                d.accuracy * 100.0,
                d.errors,
                d.digits,
                d.misread.join(", ")
            ));
        }
    }
    if let Some(d) = &drawn_hands {
        for h in &d.hands {
            log(format!(
                "{}:   {} {:.1}%",
                net.id,
                h.hand,
                h.accuracy * 100.0
            ));
        }
    }
    let report = TrainReport {
        model: net.id.clone(),
        config: cfg.clone(),
        train_digits: n_train,
        epoch_losses,
        test_accuracy: acc,
        test_errors: errors,
        confusion,
        drawn,
        drawn_hands,
        typefaces: fonts
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect(),
    };
    Ok((weights, report))
}
