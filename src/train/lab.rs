//! The page's training lab as data: a run's settings (which LeNet-5, optimiser, rate, batch,
//! epochs, augmentation, seed, digits) and the experiments that put the notes' claims to a test —
//! two or more designs trained with the same seed, digits, budget and schedule. What a run of an
//! experiment shows is worked out from its figures ([`verdict`]), never written in beforehand.

use serde::{Deserialize, Serialize};

use super::optim::OptimiserKind;
use super::session::{Schedule, SessionConfig};
use crate::digits::Augmentation;
use crate::zoo::graph::{Activation, Network};
use crate::zoo::nets::lenet::{lenet5, lenet5_modern, lenet_design, LenetDesign, Pooling};

/// How one run of the lab is set up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabSettings {
    pub design: LenetDesign,
    pub optimiser: OptimiserKind,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub epochs: usize,
    /// The pad-like augmentation `atlas train-lenet` uses (without its typefaces).
    pub augment: bool,
    pub seed: u64,
    /// How many of the page's training digits an epoch goes through.
    pub train_digits: usize,
}

/// The training digits that come with the page (the first of MNIST's 60,000).
pub const PAGE_TRAIN_DIGITS: usize = 12_000;
/// The test digits that come with the page (the first of MNIST's 10,000).
pub const PAGE_TEST_DIGITS: usize = 2_000;

impl Default for LabSettings {
    fn default() -> Self {
        LabSettings {
            design: LenetDesign::modern(),
            optimiser: OptimiserKind::Adam,
            learning_rate: 2e-3,
            // Measured on the page's 12,000 digits: batches of 32 for six epochs pass 97 % on
            // the test digits after about 43,000 digits (64 for four epochs end at 96.3 %).
            batch_size: 32,
            epochs: 6,
            augment: false,
            seed: 1,
            train_digits: PAGE_TRAIN_DIGITS,
        }
    }
}

impl LabSettings {
    /// The session these settings start: a cosine decay of the rate over the epochs; weight
    /// decay 1e-4 with Adam, none with SGD (as the notes' papers train).
    pub fn session(&self) -> SessionConfig {
        SessionConfig {
            seed: self.seed,
            epochs: self.epochs,
            batch_size: self.batch_size,
            learning_rate: self.learning_rate,
            weight_decay: match self.optimiser {
                OptimiserKind::Adam => 1e-4,
                OptimiserKind::Sgd { .. } => 0.0,
            },
            optimiser: self.optimiser,
            schedule: Schedule::Cosine,
            augmentation: self.augment.then(|| Augmentation {
                font_p: 0.0,
                ..Augmentation::default()
            }),
            train_digits: self.train_digits,
        }
    }

    /// The zoo's network this design is (its weights then fit that network's page), if any.
    pub fn zoo_model(&self) -> Option<&'static str> {
        if self.design == LenetDesign::paper() {
            Some("lenet5")
        } else if self.design == LenetDesign::modern() {
            Some("lenet5_modern")
        } else {
            None
        }
    }

    /// The network the run trains: the zoo's own for its two designs, else one built from the
    /// design.
    pub fn network(&self) -> Network {
        match self.zoo_model() {
            Some("lenet5") => lenet5(),
            Some(_) => lenet5_modern(),
            None => {
                let id = self.design.id();
                lenet_design(&self.design, &id, &id)
            }
        }
    }

    /// Refuses settings a run cannot take (the page's fields are clamped, a hand-made request
    /// is not).
    pub fn check(&self) -> Result<(), String> {
        let ok = (1..=512).contains(&self.batch_size)
            && (1..=50).contains(&self.epochs)
            && self.learning_rate > 0.0
            && self.learning_rate <= 1.0
            && (1..=PAGE_TRAIN_DIGITS).contains(&self.train_digits)
            && (0.0..0.95).contains(&self.design.dropout);
        if ok {
            Ok(())
        } else {
            Err(format!("settings out of range: {self:?}"))
        }
    }
}

/// A claim of the notes, tested by training its variants side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    /// `train-exp-<key>-…` in the catalogue (title, the claim).
    pub key: String,
    pub variants: Vec<Variant>,
    /// What the verdict compares.
    pub measure: Measure,
}

/// One variant of an experiment: a label (a catalogue key) and its settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub label: String,
    pub settings: LabSettings,
}

/// What decides whether a run agrees with the claim: the claim orders the variants (first is
/// best) by this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    /// Final test accuracy.
    TestAccuracy,
    /// How early the test accuracy first reached [`SPEED_MARK`] (never counts as last).
    Speed,
    /// The gap between training and test accuracy at the end (smaller is better).
    Gap,
}

/// The test accuracy [`Measure::Speed`] times.
pub const SPEED_MARK: f64 = 0.95;

fn variant(label: &str, base: &LabSettings, design: LenetDesign) -> Variant {
    Variant {
        label: label.to_string(),
        settings: LabSettings {
            design,
            ..base.clone()
        },
    }
}

/// The experiments, in the lab's order: the claim's expected winner first in each.
pub fn experiments() -> Vec<Experiment> {
    let modern = LenetDesign::modern();
    let with_act = |a: Activation| LenetDesign {
        activation: a,
        ..modern.clone()
    };
    // The activations as AlexNet's notes compare them: plain SGD with momentum, a constant
    // budget of two epochs of 6,000 digits.
    let sgd = LabSettings {
        optimiser: OptimiserKind::Sgd { momentum: 0.9 },
        learning_rate: 0.01,
        epochs: 2,
        train_digits: 6_000,
        ..LabSettings::default()
    };
    let adam = LabSettings {
        epochs: 2,
        train_digits: 6_000,
        ..LabSettings::default()
    };
    let small = LabSettings {
        epochs: 30,
        train_digits: 500,
        ..LabSettings::default()
    };
    vec![
        Experiment {
            key: "activation".into(),
            measure: Measure::Speed,
            variants: vec![
                variant("train-var-relu", &sgd, with_act(Activation::Relu)),
                variant("train-var-tanh", &sgd, with_act(Activation::Tanh)),
                variant("train-var-sigmoid", &sgd, with_act(Activation::Sigmoid)),
            ],
        },
        Experiment {
            key: "stacked".into(),
            measure: Measure::TestAccuracy,
            variants: vec![
                variant(
                    "train-var-stacked",
                    &adam,
                    LenetDesign {
                        stacked_3x3: true,
                        ..modern.clone()
                    },
                ),
                variant("train-var-single", &adam, modern.clone()),
            ],
        },
        Experiment {
            key: "pooling".into(),
            measure: Measure::TestAccuracy,
            variants: [
                ("train-var-max", Pooling::Max),
                ("train-var-average", Pooling::Average),
                ("train-var-subsample", Pooling::Subsample),
            ]
            .into_iter()
            .map(|(label, pooling)| {
                variant(
                    label,
                    &adam,
                    LenetDesign {
                        pooling,
                        ..modern.clone()
                    },
                )
            })
            .collect(),
        },
        Experiment {
            key: "dropout".into(),
            measure: Measure::Gap,
            variants: vec![
                variant(
                    "train-var-dropout",
                    &small,
                    LenetDesign {
                        dropout: 0.5,
                        ..modern.clone()
                    },
                ),
                variant("train-var-no-dropout", &small, modern.clone()),
            ],
        },
        Experiment {
            key: "c3".into(),
            measure: Measure::TestAccuracy,
            variants: vec![
                variant("train-var-table", &adam, LenetDesign::paper()),
                variant(
                    "train-var-full",
                    &adam,
                    LenetDesign {
                        partial_c3: false,
                        ..LenetDesign::paper()
                    },
                ),
            ],
        },
    ]
}

/// A variant's figures at the end of its run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub test_accuracy: f64,
    pub train_accuracy: f64,
    /// Digits trained on when the test accuracy first reached [`SPEED_MARK`].
    pub reached_mark_after: Option<usize>,
}

/// What a finished run of an experiment shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Verdict {
    /// The variants came in the order the claim expects.
    Agrees,
    /// They did not: the claim does not show at this scale (or is wrong here).
    Disagrees,
    /// The figures are too close to tell (within `margin` of each other).
    TooClose,
}

/// Differences of accuracy smaller than this are not read as a result (the test set's 2,000
/// digits: 0.3 % is six digits).
pub const MARGIN: f64 = 0.003;

/// The verdict for an experiment's outcomes (in its variants' order, the claim's winner first).
pub fn verdict(measure: Measure, outcomes: &[Outcome]) -> Verdict {
    let score = |o: &Outcome| -> f64 {
        match measure {
            Measure::TestAccuracy => o.test_accuracy,
            Measure::Gap => -(o.train_accuracy - o.test_accuracy),
            // Sooner is better; never reaching the mark is worst.
            Measure::Speed => -(o.reached_mark_after.map_or(f64::MAX, |n| n as f64)),
        }
    };
    let scores: Vec<f64> = outcomes.iter().map(score).collect();
    let margin = match measure {
        Measure::Speed => 0.0,
        _ => MARGIN,
    };
    let in_order = scores.windows(2).all(|w| w[0] > w[1] + margin);
    let reversed = scores.windows(2).any(|w| w[1] > w[0] + margin);
    if in_order {
        Verdict::Agrees
    } else if reversed {
        Verdict::Disagrees
    } else {
        Verdict::TooClose
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::analyse;

    #[test]
    fn the_zoos_designs_are_its_networks() {
        // The designs rebuild the zoo's two networks node for node.
        for (design, net) in [
            (LenetDesign::paper(), lenet5()),
            (LenetDesign::modern(), lenet5_modern()),
        ] {
            let built = lenet_design(&design, &net.id, &net.label);
            assert_eq!(built.nodes, net.nodes);
        }
    }

    #[test]
    fn every_variant_builds_and_keeps_the_sizes() {
        for e in experiments() {
            assert!(e.variants.len() >= 2, "{}", e.key);
            let base = &e.variants[0].settings;
            for v in &e.variants {
                v.settings.check().unwrap();
                // Same seed, digits, budget and schedule within an experiment.
                assert_eq!(
                    (v.settings.seed, v.settings.train_digits, v.settings.epochs),
                    (base.seed, base.train_digits, base.epochs),
                    "{}",
                    e.key
                );
                let net = v.settings.network();
                let an = analyse(&net);
                assert_eq!(an.layers[net.output()].shape, vec![10], "{}", v.label);
            }
        }
    }

    #[test]
    fn verdicts_follow_the_figures() {
        let o = |test, train, mark| Outcome {
            test_accuracy: test,
            train_accuracy: train,
            reached_mark_after: mark,
        };
        let m = Measure::TestAccuracy;
        assert_eq!(
            verdict(m, &[o(0.98, 0.99, None), o(0.97, 0.99, None)]),
            Verdict::Agrees
        );
        assert_eq!(
            verdict(m, &[o(0.97, 0.99, None), o(0.98, 0.99, None)]),
            Verdict::Disagrees
        );
        assert_eq!(
            verdict(m, &[o(0.980, 1.0, None), o(0.979, 1.0, None)]),
            Verdict::TooClose
        );
        let s = Measure::Speed;
        assert_eq!(
            verdict(
                s,
                &[
                    o(0.9, 0.9, Some(3000)),
                    o(0.9, 0.9, Some(5000)),
                    o(0.5, 0.5, None)
                ]
            ),
            Verdict::Agrees
        );
        assert_eq!(
            verdict(s, &[o(0.9, 0.9, None), o(0.9, 0.9, Some(5000))]),
            Verdict::Disagrees
        );
        let g = Measure::Gap;
        assert_eq!(
            verdict(g, &[o(0.95, 0.97, None), o(0.93, 1.0, None)]),
            Verdict::Agrees
        );
    }
}
