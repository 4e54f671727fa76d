//! One training run taken a batch at a time, so that the page's worker can run a few batches,
//! answer the page, and go on (and pause, or hand its weights over, between any two): the
//! network's trainable variables, its optimiser, the seeded order of the digits and the
//! augmentation. The command line's `train` and the page's training lab both run it; the forward
//! pass is the CPU engine's on trainable variables (the same description, the same code as
//! inference), with dropout active.

use std::collections::HashMap;

use candle_core::{DType, Device, Tensor, Var};
use serde::{Deserialize, Serialize};

use super::optim::{Optimiser, OptimiserKind};
use crate::digits::{augment, augment_as_drawn, pad_to_32, Augmentation, LENET};
use crate::engine::cpu::{connected, forward_tensors, forward_tensors_with, run_node, ParamSource};
use crate::engine::{EngineError, Weights};
use crate::mnist::Mnist;
use crate::rng::Rng;
use crate::zoo::graph::{Op, PoolKind};
use crate::zoo::params::{param_specs, Role};
use crate::zoo::{analyse, Network};

/// How the learning rate moves over the run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Schedule {
    Constant,
    /// Cosine decay from the set rate to zero at the end of the last epoch.
    Cosine,
}

/// How a run is set up.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionConfig {
    pub seed: u64,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub weight_decay: f64,
    pub optimiser: OptimiserKind,
    pub schedule: Schedule,
    /// None: the digits as they are (padded to 32×32).
    pub augmentation: Option<Augmentation>,
    /// Train on the first `train_digits` digits of the set (all when larger).
    pub train_digits: usize,
}

/// The network's variables under their checkpoint keys.
pub struct VarParams(pub HashMap<String, Var>);

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

/// `n` images of LeNet's 32×32 as a batch tensor.
pub fn batch_tensor(images: &[f32], n: usize) -> Result<Tensor, EngineError> {
    Ok(Tensor::from_slice(
        images,
        (n, 1, LENET, LENET),
        &Device::Cpu,
    )?)
}

/// What one step did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// The batch's mean cross-entropy before the update.
    pub loss: f64,
    /// Digits in the batch.
    pub digits: usize,
    /// The step ended an epoch.
    pub epoch_ended: bool,
}

/// A training run in progress.
pub struct Session {
    net: Network,
    vars: VarParams,
    opt: Optimiser,
    rng: Rng,
    /// Dropout's masks draw from their own sequence, so that a network without dropout trains
    /// exactly as before it existed.
    dropout_rng: Rng,
    order: Vec<usize>,
    at: usize,
    epoch: usize,
    steps: usize,
    examples: usize,
    cfg: SessionConfig,
}

impl Session {
    /// A fresh run of `net` over a training set of `available` digits.
    pub fn new(net: Network, cfg: SessionConfig, available: usize) -> Result<Session, EngineError> {
        if cfg.batch_size == 0 || cfg.epochs == 0 {
            return Err(EngineError::Backend(
                "a run needs a batch size and epochs of at least one".into(),
            ));
        }
        let mut rng = Rng::new(cfg.seed);
        let vars = init(&net, &mut rng)?;
        let trainable: Vec<Var> = {
            let mut keys: Vec<&String> = vars.keys().collect();
            keys.sort();
            keys.into_iter().map(|k| vars[k].clone()).collect()
        };
        let opt = Optimiser::new(
            cfg.optimiser,
            trainable,
            cfg.learning_rate,
            cfg.weight_decay,
        )?;
        let n = cfg.train_digits.min(available);
        Ok(Session {
            net,
            vars: VarParams(vars),
            opt,
            rng,
            dropout_rng: Rng::new(cfg.seed ^ 0x0d0d_0d0d),
            order: (0..n).collect(),
            at: 0,
            epoch: 0,
            steps: 0,
            examples: 0,
            cfg,
        })
    }

    pub fn net(&self) -> &Network {
        &self.net
    }

    pub fn config(&self) -> &SessionConfig {
        &self.cfg
    }

    /// The digits one epoch goes through.
    pub fn train_digits(&self) -> usize {
        self.order.len()
    }

    /// Epochs finished.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Digits trained on so far (every epoch counted).
    pub fn examples(&self) -> usize {
        self.examples
    }

    /// The run has gone through all its epochs.
    pub fn finished(&self) -> bool {
        self.epoch >= self.cfg.epochs
    }

    fn steps_per_epoch(&self) -> usize {
        self.order.len().div_ceil(self.cfg.batch_size)
    }

    /// The learning rate of the next step.
    pub fn learning_rate(&self) -> f64 {
        match self.cfg.schedule {
            Schedule::Constant => self.cfg.learning_rate,
            Schedule::Cosine => {
                let total = (self.steps_per_epoch() * self.cfg.epochs) as f64;
                self.cfg.learning_rate
                    * 0.5
                    * (1.0 + (std::f64::consts::PI * self.steps as f64 / total).cos())
            }
        }
    }

    /// The next batch, augmented: its 32×32 images and labels. `fonts[face][digit]` are typeface
    /// digits that replace a share (`font_p`) of the digits when augmenting.
    fn batch(&mut self, data: &Mnist, fonts: &[[Vec<f32>; 10]]) -> (Vec<f32>, Vec<u32>) {
        if self.at == 0 {
            self.rng.shuffle(&mut self.order);
        }
        let end = (self.at + self.cfg.batch_size).min(self.order.len());
        let mut buf = Vec::with_capacity((end - self.at) * LENET * LENET);
        let mut labels = Vec::with_capacity(end - self.at);
        for k in self.at..end {
            let i = self.order[k];
            let label = data.labels[i] as usize;
            let rng = &mut self.rng;
            match &self.cfg.augmentation {
                None => buf.extend(pad_to_32(data.image(i))),
                Some(aug) => {
                    // No draw without typefaces (or without the pad imitation): the random
                    // sequence is then the one training used before they came.
                    let font = (!fonts.is_empty() && aug.font_p > 0.0 && rng.unit() < aug.font_p)
                        .then(|| &fonts[rng.below(fonts.len())][label]);
                    buf.extend(if let Some(img) = font {
                        augment_as_drawn(img, &aug.drawn, rng)
                    } else if aug.drawn_p > 0.0 && rng.unit() < aug.drawn_p {
                        augment_as_drawn(data.image(i), &aug.drawn, rng)
                    } else {
                        pad_to_32(&augment(data.image(i), aug, rng))
                    });
                }
            }
            labels.push(label as u32);
        }
        self.at = end;
        (buf, labels)
    }

    /// The forward pass of training: as inference, but dropout drops (inverted dropout: the kept
    /// activations are scaled by 1/(1 − p)), convolutions run as one product each and
    /// max-pooling sends its gradient to the maximum ([`super::custom_ops`]).
    fn forward_training(&mut self, x: &Tensor) -> Result<Tensor, EngineError> {
        let (net, vars, rng) = (&self.net, &self.vars, &mut self.dropout_rng);
        let out = net.output();
        let mut outs = forward_tensors_with(net, x, &[out], &mut |id, ins| match net.nodes[id]
            .op
            .base()
        {
            Op::Dropout { p } if *p > 0.0 => {
                let x = ins[0];
                let keep = 1.0 - p;
                let mask: Vec<f32> = (0..x.elem_count())
                    .map(|_| {
                        if rng.unit() < keep {
                            (1.0 / keep) as f32
                        } else {
                            0.0
                        }
                    })
                    .collect();
                Ok((x * Tensor::from_vec(mask, x.shape(), x.device())?)?)
            }
            Op::Pool2d(p)
                if p.kind == PoolKind::Max
                    && p.kernel == p.stride
                    && p.kernel[0] == p.kernel[1]
                    && p.padding == [0, 0] =>
            {
                super::custom_ops::max_pool(ins[0], p.kernel[0])
            }
            Op::Conv2d(c)
                if c.groups == 1
                    && c.dilation == [1, 1]
                    && c.stride[0] == c.stride[1]
                    && c.padding[0] == c.padding[1]
                    && c.kernel[0] == c.kernel[1] =>
            {
                let key = |s: &str| format!("{}.{s}", net.nodes[id].name);
                let w = connected(c, vars.param(&key("weight"))?)?;
                let b = if c.bias {
                    Some(vars.param(&key("bias"))?)
                } else {
                    None
                };
                super::custom_ops::conv2d(ins[0], &w, b.as_ref(), c.stride[0], c.padding[0])
            }
            _ => run_node(net, id, ins, vars),
        })?;
        Ok(outs[out].take().expect("output kept"))
    }

    /// One step: the next batch forward, the loss, back-propagation, the update.
    pub fn step(&mut self, data: &Mnist, fonts: &[[Vec<f32>; 10]]) -> Result<Step, EngineError> {
        let lr = self.learning_rate();
        self.opt.set_learning_rate(lr);
        let (buf, labels) = self.batch(data, fonts);
        let n = labels.len();
        let x = batch_tensor(&buf, n)?;
        let y = Tensor::from_vec(labels, n, &Device::Cpu)?;
        let logits = self.forward_training(&x)?;
        let loss = candle_nn::loss::cross_entropy(&logits, &y)?;
        self.opt.backward_step(&loss)?;
        self.steps += 1;
        self.examples += n;
        let epoch_ended = self.at >= self.order.len();
        if epoch_ended {
            self.at = 0;
            self.epoch += 1;
        }
        Ok(Step {
            loss: loss.to_dtype(DType::F64)?.to_scalar::<f64>()?,
            digits: n,
            epoch_ended,
        })
    }

    /// The loss of a batch (32×32 images, labels) as a step computes it, and its gradient with
    /// respect to every variable, without an update (what the gradient checks compare with
    /// finite differences).
    pub fn loss_and_gradients(
        &mut self,
        images: &[f32],
        labels: &[u32],
    ) -> Result<(f64, HashMap<String, Vec<f32>>), EngineError> {
        let x = batch_tensor(images, labels.len())?;
        let y = Tensor::from_slice(labels, labels.len(), &Device::Cpu)?;
        let logits = self.forward_training(&x)?;
        let loss = candle_nn::loss::cross_entropy(&logits, &y)?;
        let grads = loss.backward()?;
        let mut out = HashMap::new();
        for (k, v) in &self.vars.0 {
            if let Some(g) = grads.get(v) {
                out.insert(k.clone(), g.flatten_all()?.to_vec1::<f32>()?);
            }
        }
        Ok((loss.to_dtype(DType::F64)?.to_scalar::<f64>()?, out))
    }

    /// Sets a variable's values (same count as it holds).
    pub fn set_param(&mut self, key: &str, values: &[f32]) -> Result<(), EngineError> {
        let v = self
            .vars
            .0
            .get(key)
            .ok_or_else(|| EngineError::Checkpoint(format!("missing variable '{key}'")))?;
        v.set(&Tensor::from_slice(values, v.shape(), &Device::Cpu)?)?;
        Ok(())
    }

    /// Every node's output for a batch of 32×32 images, as inference computes it (dropout off);
    /// `keep` as [`forward_tensors`].
    pub fn forward(
        &self,
        images: &[f32],
        keep: &[usize],
    ) -> Result<Vec<Option<Tensor>>, EngineError> {
        let n = images.len() / (LENET * LENET);
        forward_tensors(&self.net, &batch_tensor(images, n)?, &self.vars, keep)
    }

    /// The class each of `images` (32×32 each) is given, and the probability of that class.
    pub fn predict(&self, images: &[f32]) -> Result<Vec<(u8, f32)>, EngineError> {
        let out = self.net.output();
        let mut outs = self.forward(images, &[out])?;
        let logits = outs[out].take().expect("output kept");
        let probs = candle_nn::ops::softmax(&logits, 1)?;
        let best = probs.argmax(1)?.to_vec1::<u32>()?;
        let p = probs.max(1)?.to_vec1::<f32>()?;
        Ok(best.into_iter().zip(p).map(|(b, p)| (b as u8, p)).collect())
    }

    /// A variable's current values (e.g. `c1.weight`).
    pub fn param_values(&self, key: &str) -> Result<Vec<f32>, EngineError> {
        Ok(self.vars.param(key)?.flatten_all()?.to_vec1::<f32>()?)
    }

    /// The checkpoint the run holds now, under the zoo's keys. The unconnected slices of a
    /// partially connected convolution (LeNet-5's C3) are unused: stored as zeros.
    pub fn weights(&self) -> Result<Weights, EngineError> {
        let mut weights = Weights::default();
        for spec in param_specs(&self.net, &analyse(&self.net)) {
            let mut values = self.param_values(&spec.key)?;
            if let Op::Conv2d(c) = &self.net.nodes[spec.node].op {
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
        Ok(weights)
    }
}
