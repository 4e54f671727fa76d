//! The optimisers a run can use: SGD with momentum (as LeCun 1998 and AlexNet trained; PyTorch's
//! form, v ← μ·v + g, θ ← θ − η·v, weight decay added to the gradient) and Adam with decoupled
//! weight decay (Loshchilov & Hutter 2019; candle-nn's `AdamW`).

use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};
use serde::{Deserialize, Serialize};

use crate::engine::EngineError;

/// Which optimiser, with its own setting.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum OptimiserKind {
    /// Stochastic gradient descent with this momentum (0 = plain SGD).
    Sgd {
        momentum: f64,
    },
    Adam,
}

impl OptimiserKind {
    /// The settings' key (`sgd`, `adam`).
    pub fn key(&self) -> &'static str {
        match self {
            OptimiserKind::Sgd { .. } => "sgd",
            OptimiserKind::Adam => "adam",
        }
    }
}

/// SGD with momentum over a set of variables.
pub struct SgdMomentum {
    vars: Vec<(Var, Option<Tensor>)>,
    lr: f64,
    momentum: f64,
    weight_decay: f64,
}

impl SgdMomentum {
    fn step(&mut self, grads: &GradStore) -> Result<(), EngineError> {
        for (var, velocity) in self.vars.iter_mut() {
            let Some(g) = grads.get(var) else { continue };
            let g = if self.weight_decay > 0.0 {
                (g + (var.as_tensor() * self.weight_decay)?)?
            } else {
                g.clone()
            };
            let v = match velocity.take() {
                Some(v) if self.momentum > 0.0 => ((v * self.momentum)? + g)?,
                _ => g,
            };
            var.set(&(var.as_tensor() - (&v * self.lr)?)?)?;
            *velocity = Some(v);
        }
        Ok(())
    }
}

/// An optimiser of either kind.
pub enum Optimiser {
    Sgd(SgdMomentum),
    Adam(AdamW),
}

impl Optimiser {
    pub fn new(
        kind: OptimiserKind,
        vars: Vec<Var>,
        lr: f64,
        weight_decay: f64,
    ) -> Result<Optimiser, EngineError> {
        Ok(match kind {
            OptimiserKind::Sgd { momentum } => Optimiser::Sgd(SgdMomentum {
                vars: vars.into_iter().map(|v| (v, None)).collect(),
                lr,
                momentum,
                weight_decay,
            }),
            OptimiserKind::Adam => Optimiser::Adam(AdamW::new(
                vars,
                ParamsAdamW {
                    lr,
                    weight_decay,
                    ..Default::default()
                },
            )?),
        })
    }

    pub fn set_learning_rate(&mut self, lr: f64) {
        match self {
            Optimiser::Sgd(s) => s.lr = lr,
            Optimiser::Adam(a) => a.set_learning_rate(lr),
        }
    }

    /// Back-propagates `loss` and updates every variable.
    pub fn backward_step(&mut self, loss: &Tensor) -> Result<(), EngineError> {
        let grads = loss.backward()?;
        match self {
            Optimiser::Sgd(s) => s.step(&grads),
            Optimiser::Adam(a) => Ok(a.step(&grads)?),
        }
    }
}
