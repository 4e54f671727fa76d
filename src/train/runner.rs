//! The training lab's runs as the worker drives them, without browser APIs (tested natively): one
//! run or an experiment's variants side by side, advanced a slice of time at a time (the worker
//! answers the page between slices), measured on the test digits at fixed points, and summed up
//! for the page in a [`TrainUpdate`].

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::lab::{verdict, Experiment, LabSettings, Outcome, Variant, Verdict, SPEED_MARK};
use super::session::Session;
use crate::digits::{pad_to_32, LENET};
use crate::engine::{EngineError, Weights};
use crate::mnist::Mnist;
use crate::protocol::NodeOutputs;
use crate::zoo::{analyse, Network};

/// Test digits shown in the lab's grid, with the prediction marked.
pub const GRID_DIGITS: usize = 48;
/// At most this many points of a curve go to the page (the loss is thinned to it).
const CURVE_POINTS: usize = 240;
/// Training digits measured (in order, without augmentation or dropout) for the training
/// accuracy.
const TRAIN_SAMPLE: usize = 500;
/// The smoothing of the loss curve (an exponential moving average over steps).
const LOSS_SMOOTHING: f64 = 0.95;

/// What the page asks of the lab.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TrainCommand {
    /// Train one run (the lab) or an experiment's variants (`experiment` names it), on the digits
    /// at `digits` (the page's absolute address of `data/mnist-lab.bin.gz`: the worker's own
    /// script is a `blob:` and resolves nothing).
    Start {
        variants: Vec<Variant>,
        experiment: Option<Experiment>,
        digits: String,
    },
    Pause,
    Resume,
    /// Stop and forget the runs.
    Reset,
    /// Show this test digit's maps in every layer.
    Watch {
        digit: usize,
    },
    /// The first run's weights now, as `.safetensors` bytes (for the pad, or to download).
    Export {
        purpose: ExportPurpose,
    },
}

/// Why the page asks for the weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportPurpose {
    Pad,
    Download,
}

/// Where the lab stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TrainState {
    /// The digits are downloading.
    Loading,
    Running,
    Paused,
    Finished,
    /// Stopped by the reader (the runs are forgotten).
    Idle,
    Failed(crate::i18n::Msg),
}

/// One run's figures so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunProgress {
    /// The variant's label (a catalogue key) and settings.
    pub variant: Variant,
    pub params: u64,
    pub macs: u64,
    /// Digits trained on (every epoch counted), of `total`.
    pub examples: usize,
    pub total: usize,
    pub epoch: usize,
    /// (digits trained on, smoothed loss).
    pub loss: Vec<(usize, f32)>,
    /// (digits trained on, accuracy) on the test digits and on the training sample.
    pub test: Vec<(usize, f32)>,
    pub train: Vec<(usize, f32)>,
    /// Seconds of training (evaluations included), and digits per second of the steps alone.
    pub seconds: f64,
    pub per_second: f64,
    pub finished: bool,
}

/// What the page shows of the lab (sent after every slice of work that changed it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainUpdate {
    pub state: TrainState,
    pub experiment: Option<Experiment>,
    pub runs: Vec<RunProgress>,
    /// The first run's C1 kernels `[6, 1, k, k]` (row-major) and their shape.
    pub filters: Option<(Vec<usize>, Vec<f32>)>,
    /// The watched test digit and every node's output for it (the first run).
    pub watched: Option<(usize, NodeOutputs)>,
    /// `confusion[true][predicted]` over the test digits at the last measurement.
    pub confusion: Vec<Vec<u32>>,
    /// The grid's test digits: (label, predicted) at the last measurement, and their pixels
    /// (`n × 784` bytes).
    pub grid: Vec<(u8, u8)>,
    pub grid_pixels: Vec<u8>,
    /// The experiment's verdict, once every run has finished.
    pub verdict: Option<Verdict>,
    /// Test digits the page may draw (the grid's and the watched one come from these).
    pub test_digits: usize,
}

/// A run and its bookkeeping.
struct Run {
    variant: Variant,
    net: Network,
    params: u64,
    macs: u64,
    session: Session,
    loss: Vec<(usize, f32)>,
    smoothed: Option<f64>,
    test: Vec<(usize, f32)>,
    train: Vec<(usize, f32)>,
    next_eval: usize,
    eval_every: usize,
    seconds: f64,
    step_seconds: f64,
    step_examples: usize,
    confusion: Vec<Vec<u32>>,
    grid: Vec<(u8, u8)>,
}

/// The lab's runs.
pub struct Runner {
    data: Rc<(Mnist, Mnist)>,
    runs: Vec<Run>,
    experiment: Option<Experiment>,
    next: usize,
    watch: usize,
}

/// The 32×32 inputs of digits `range` of a set.
fn inputs(set: &Mnist, range: std::ops::Range<usize>) -> Vec<f32> {
    let mut buf = Vec::with_capacity(range.len() * LENET * LENET);
    for i in range {
        buf.extend(pad_to_32(set.image(i)));
    }
    buf
}

impl Runner {
    /// Starts `variants` on the digits `data` (training, test).
    pub fn new(
        variants: Vec<Variant>,
        experiment: Option<Experiment>,
        data: Rc<(Mnist, Mnist)>,
    ) -> Result<Runner, String> {
        if variants.is_empty() || variants.len() > 6 {
            return Err(format!("{} variants: one to six", variants.len()));
        }
        let mut runs = Vec::new();
        for variant in variants {
            variant.settings.check()?;
            let net = variant.settings.network();
            let summary = crate::zoo::summary::summarise(&net);
            let session = Session::new(net.clone(), variant.settings.session(), data.0.len())
                .map_err(|e| e.to_string())?;
            let total = session.train_digits() * variant.settings.epochs;
            // About twenty measurements a run, never more often than every 2,000 digits (each
            // costs about as much as training 800).
            let eval_every = (total / 20).max(2_000);
            runs.push(Run {
                params: summary.total_params,
                macs: summary.total_macs,
                variant,
                net,
                session,
                loss: Vec::new(),
                smoothed: None,
                test: Vec::new(),
                train: Vec::new(),
                next_eval: eval_every,
                eval_every,
                seconds: 0.0,
                step_seconds: 0.0,
                step_examples: 0,
                confusion: vec![vec![0; 10]; 10],
                grid: Vec::new(),
            });
        }
        Ok(Runner {
            data,
            runs,
            experiment,
            next: 0,
            watch: 0,
        })
    }

    /// Every run has gone through its epochs.
    pub fn finished(&self) -> bool {
        self.runs.iter().all(|r| r.session.finished())
    }

    pub fn watch(&mut self, digit: usize) {
        self.watch = digit.min(self.data.1.len().saturating_sub(1));
    }

    /// The first run's network (the one the lab shows inside).
    pub fn network(&self) -> &Network {
        &self.runs[0].net
    }

    /// Trains for about `budget_ms` (by `now`, in milliseconds): steps of the unfinished runs in
    /// turn, each measured on the test digits at its measuring points and at its end.
    pub fn work(&mut self, budget_ms: f64, now: &dyn Fn() -> f64) -> Result<(), EngineError> {
        let start = now();
        while !self.finished() && now() - start < budget_ms {
            let n = self.runs.len();
            let i = (0..n)
                .map(|k| (self.next + k) % n)
                .find(|&i| !self.runs[i].session.finished())
                .expect("an unfinished run");
            self.next = (i + 1) % n;
            let data = self.data.clone();
            let run = &mut self.runs[i];
            let t0 = now();
            let step = run.session.step(&data.0, &[])?;
            let dt = (now() - t0) / 1000.0;
            run.step_seconds += dt;
            run.seconds += dt;
            run.step_examples += step.digits;
            let s = match run.smoothed {
                Some(s) => LOSS_SMOOTHING * s + (1.0 - LOSS_SMOOTHING) * step.loss,
                None => step.loss,
            };
            run.smoothed = Some(s);
            run.loss.push((run.session.examples(), s as f32));
            if run.session.examples() >= run.next_eval || run.session.finished() {
                let t0 = now();
                run.measure(&data)?;
                run.seconds += (now() - t0) / 1000.0;
                run.next_eval = run.session.examples() + run.eval_every;
            }
        }
        Ok(())
    }

    /// The first run's weights now.
    pub fn weights(&self) -> Result<(&Network, Weights, usize, Option<f32>), EngineError> {
        let run = &self.runs[0];
        Ok((
            &run.net,
            run.session.weights()?,
            run.session.examples(),
            run.test.last().map(|&(_, a)| a),
        ))
    }

    /// What the page shows now.
    pub fn update(&self, state: TrainState) -> Result<TrainUpdate, EngineError> {
        let first = &self.runs[0];
        let filters = first
            .net
            .nodes
            .iter()
            .position(|n| matches!(n.op, crate::zoo::graph::Op::Conv2d(_)))
            .map(|id| -> Result<_, EngineError> {
                let key = format!("{}.weight", first.net.nodes[id].name);
                let values = first.session.param_values(&key)?;
                let spec = crate::zoo::params::param_specs(&first.net, &analyse(&first.net))
                    .into_iter()
                    .find(|s| s.key == key)
                    .map(|s| s.shape)
                    .unwrap_or_default();
                Ok((spec, values))
            })
            .transpose()?;
        let watched = if self.data.1.is_empty() {
            None
        } else {
            let digit = inputs(&self.data.1, self.watch..self.watch + 1);
            let outs = first.session.forward(&digit, &[])?;
            let mut shapes = Vec::new();
            let mut values = Vec::new();
            for (id, o) in outs.iter().enumerate() {
                let t = match o {
                    Some(t) => t.squeeze(0)?,
                    None => {
                        shapes.push(vec![]);
                        values.push(vec![]);
                        continue;
                    }
                };
                let _ = id;
                shapes.push(t.dims().to_vec());
                values.push(t.flatten_all()?.to_vec1::<f32>()?);
            }
            Some((self.watch, NodeOutputs { shapes, values }))
        };
        let verdict = match (&self.experiment, self.finished()) {
            (Some(e), true) => Some(verdict(
                e.measure,
                &self.runs.iter().map(Run::outcome).collect::<Vec<_>>(),
            )),
            _ => None,
        };
        Ok(TrainUpdate {
            state,
            experiment: self.experiment.clone(),
            runs: self.runs.iter().map(Run::progress).collect(),
            filters,
            watched,
            confusion: first.confusion.clone(),
            grid: first.grid.clone(),
            grid_pixels: self.data.1.images[..GRID_DIGITS.min(self.data.1.len()) * 784]
                .iter()
                .map(|&v| (v * 255.0).round() as u8)
                .collect(),
            verdict,
            test_digits: self.data.1.len(),
        })
    }
}

/// Every `k`-th point of a curve, so that at most `max` remain (the last one always kept).
fn thin(points: &[(usize, f32)], max: usize) -> Vec<(usize, f32)> {
    if points.len() <= max {
        return points.to_vec();
    }
    let k = points.len().div_ceil(max);
    let mut out: Vec<(usize, f32)> = points.iter().step_by(k).copied().collect();
    if out.last() != points.last() {
        out.extend(points.last());
    }
    out
}

impl Run {
    /// Measures the test digits (accuracy, confusion, the grid) and the training sample.
    fn measure(&mut self, data: &(Mnist, Mnist)) -> Result<(), EngineError> {
        let (train, test) = (&data.0, &data.1);
        let mut confusion = vec![vec![0u32; 10]; 10];
        let mut right = 0usize;
        let mut grid = Vec::new();
        for start in (0..test.len()).step_by(500) {
            let end = (start + 500).min(test.len());
            let preds = self.session.predict(&inputs(test, start..end))?;
            for (k, (p, _)) in preds.into_iter().enumerate() {
                let label = test.labels[start + k];
                confusion[label as usize][p as usize] += 1;
                right += usize::from(p == label);
                if start + k < GRID_DIGITS {
                    grid.push((label, p));
                }
            }
        }
        let n = self.session.train_digits().min(TRAIN_SAMPLE);
        let preds = self.session.predict(&inputs(train, 0..n))?;
        let train_right = preds
            .iter()
            .zip(&train.labels[..n])
            .filter(|((p, _), l)| p == *l)
            .count();
        let at = self.session.examples();
        self.test
            .push((at, right as f32 / test.len().max(1) as f32));
        self.train.push((at, train_right as f32 / n.max(1) as f32));
        self.confusion = confusion;
        self.grid = grid;
        Ok(())
    }

    fn progress(&self) -> RunProgress {
        RunProgress {
            variant: self.variant.clone(),
            params: self.params,
            macs: self.macs,
            examples: self.session.examples(),
            total: self.session.train_digits() * self.variant.settings.epochs,
            epoch: self.session.epoch(),
            loss: thin(&self.loss, CURVE_POINTS),
            test: self.test.clone(),
            train: self.train.clone(),
            seconds: self.seconds,
            per_second: if self.step_seconds > 0.0 {
                self.step_examples as f64 / self.step_seconds
            } else {
                0.0
            },
            finished: self.session.finished(),
        }
    }

    fn outcome(&self) -> Outcome {
        Outcome {
            test_accuracy: self.test.last().map_or(0.0, |&(_, a)| a as f64),
            train_accuracy: self.train.last().map_or(0.0, |&(_, a)| a as f64),
            reached_mark_after: self
                .test
                .iter()
                .find(|&&(_, a)| a as f64 >= SPEED_MARK)
                .map(|&(n, _)| n),
        }
    }
}

/// A run's settings as the lab's single run: the lab's variant label.
pub fn single(settings: LabSettings) -> Variant {
    Variant {
        label: "train-var-yours".into(),
        settings,
    }
}
