//! The command line's whole training run (`atlas train-lenet`): AdamW with a cosine decay, the
//! pad-like augmentation and the handwriting typefaces, then the MNIST test set and the held-out
//! drawn digits measured, all written into a report beside the weights.

use serde::Serialize;

use super::eval::{evaluate, evaluate_drawn, DrawnScore};
use super::optim::OptimiserKind;
use super::session::{Schedule, Session, SessionConfig};
use crate::digits::fonts::FontDigits;
use crate::digits::{Augmentation, DrawnSet};
use crate::engine::{EngineError, Weights};
use crate::mnist::Mnist;
use crate::zoo::Network;

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

/// The held-out drawn sets a run measures after training (never trained on).
#[derive(Clone, Copy, Default)]
pub struct HeldOut<'a> {
    pub drawn: Option<&'a DrawnSet>,
    pub hands: Option<&'a DrawnSet>,
}

/// Trains `net` and returns its checkpoint and the report; with `fonts` (may be empty) a share of
/// the digits (`font_p`) is replaced by the same digit in a handwriting typeface. The `held_out`
/// sets are measured after training. `log` receives progress lines. AdamW with a cosine decay of
/// the learning rate to zero.
pub fn train(
    net: &Network,
    train_set: &Mnist,
    test_set: &Mnist,
    held_out: HeldOut,
    fonts: &FontDigits,
    cfg: &TrainConfig,
    log: &mut dyn FnMut(String),
) -> Result<(Weights, TrainReport), EngineError> {
    let mut run = Session::new(
        net.clone(),
        SessionConfig {
            seed: cfg.seed,
            epochs: cfg.epochs,
            batch_size: cfg.batch_size,
            learning_rate: cfg.learning_rate,
            weight_decay: cfg.weight_decay,
            optimiser: OptimiserKind::Adam,
            schedule: Schedule::Cosine,
            augmentation: Some(cfg.augmentation.clone()),
            train_digits: cfg.limit.unwrap_or(train_set.len()),
        },
        train_set.len(),
    )?;
    let n_train = run.train_digits();
    let mut epoch_losses = Vec::new();
    let mut loss_sum = 0f64;
    while !run.finished() {
        let step = run.step(train_set, &fonts.images)?;
        loss_sum += step.loss * step.digits as f64;
        if step.epoch_ended {
            let mean = loss_sum / n_train as f64;
            loss_sum = 0.0;
            epoch_losses.push(mean);
            log(format!(
                "{}: epoch {}/{} loss {mean:.4}",
                net.id,
                run.epoch(),
                cfg.epochs
            ));
        }
    }
    let weights = run.weights()?;
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
