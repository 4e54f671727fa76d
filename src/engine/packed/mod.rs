//! The prepared CPU engine: a network is prepared once from its description and checkpoint —
//! batch norms folded into the convolutions before them as the engines' plan
//! (`crate::engine::plan`) says, weights packed in the layout the kernels read — and then run on
//! many inputs. A run follows a schedule made (and cached) for the set of node outputs the
//! caller keeps: bias, ReLU and residual additions are fused into the product that produces them
//! where the plan allows and no kept output lies between, branch outputs are written straight
//! into the slices of the concatenation that reads them, and buffers are reused once their last
//! reader has run. Any node's output can still be asked for: a kept node ends its fused group,
//! and a convolution whose batch norm was folded into it is recovered from the norm's output.

pub mod conv;
pub mod gemm;
pub mod ops;
mod schedule;

use self::conv::{ConvWeights, Geometry};
use self::schedule::{Schedule, Source};
use super::fold::{self, take, Folded};
use super::plan::{Fate, Plan};
use super::{Activations, Engine, EngineError, Prepared, Weights};
use crate::zoo::graph::{Network, NodeId, Op};
use crate::zoo::params::Role;
use crate::zoo::{analyse, Analysis};

/// The prepared CPU engine (packed GEMM, Winograd, fused epilogues; wasm SIMD128 in the browser).
#[derive(Clone, Copy, Debug, Default)]
pub struct PackedEngine;

/// What a node holds after preparation.
#[derive(Clone, Debug, PartialEq)]
enum Layer {
    /// No parameters, or an op computed from its description alone.
    Plain,
    Conv {
        g: Geometry,
        w: ConvWeights,
        /// The bias after folding (None when there is neither a bias nor a folded norm).
        bias: Option<Vec<f32>>,
        /// Whether the description's convolution has a bias of its own.
        own_bias: bool,
        folded: Option<Folded>,
    },
    /// The norm's per-channel affine map (when not folded into a convolution).
    Norm {
        scale: Vec<f32>,
        shift: Vec<f32>,
    },
    /// Folded into the convolution that feeds it.
    FoldedNorm,
    Linear {
        w: Vec<f32>,
        m: usize,
        k: usize,
        bias: Option<Vec<f32>>,
    },
    Subsample {
        coeff: Vec<f32>,
        bias: Vec<f32>,
    },
}

/// A network prepared by the [`PackedEngine`].
pub struct PackedNetwork {
    net: Network,
    an: Analysis,
    /// What is folded and fused.
    plan: Plan,
    layers: Vec<Layer>,
    /// Schedules by kept nodes (a few are cached).
    schedules: Vec<(Vec<NodeId>, Schedule)>,
    /// Scratch space of the kernels, reused by the next run.
    scratch: Vec<f32>,
}

fn geometry(net: &Network, an: &Analysis, id: NodeId) -> Option<Geometry> {
    let Op::Conv2d(c) = net.nodes[id].op.base() else {
        return None;
    };
    let i = &an.layers[net.nodes[id].inputs[0]].shape;
    let o = &an.layers[id].shape;
    Some(Geometry {
        c: i[0],
        h: i[1],
        w: i[2],
        o: o[0],
        oh: o[1],
        ow: o[2],
        k: c.kernel,
        stride: c.stride,
        pad: c.padding,
        dilation: c.dilation,
        groups: c.groups,
    })
}

impl Engine for PackedEngine {
    fn name(&self) -> &'static str {
        "CPU (packed, wasm SIMD)"
    }

    fn prepare(
        &self,
        net: &Network,
        mut weights: Weights,
    ) -> Result<Box<dyn Prepared>, EngineError> {
        weights.check(net, &[])?;
        let an = analyse(net);
        let plan = Plan::new(net, &weights)?;
        let mut layers = vec![Layer::Plain; net.nodes.len()];
        for (id, node) in net.nodes.iter().enumerate() {
            let key = |s: &str| format!("{}.{s}", node.name);
            match node.op.base() {
                Op::Conv2d(c) => {
                    let g = geometry(net, &an, id).expect("a convolution");
                    let (cg, per) = (g.cg(), g.k[0] * g.k[1]);
                    let p = fold::conv_params(net, id, c, cg, per, plan.fold(id), &mut weights)?;
                    if let Some(f) = &p.folded {
                        layers[f.bn] = Layer::FoldedNorm;
                    }
                    let (bias, folded) = (p.bias, p.folded);
                    let w = ConvWeights::prepare(&p.w, &g);
                    layers[id] = Layer::Conv {
                        g,
                        w,
                        bias,
                        own_bias: c.bias,
                        folded,
                    };
                }
                Op::BatchNorm2d { eps } => {
                    if let Fate::Folded { .. } = plan.fate(id) {
                        continue;
                    }
                    let (scale, shift) = fold::norm_affine(&weights, &key, *eps)?;
                    layers[id] = Layer::Norm { scale, shift };
                }
                Op::Linear { out_features, bias } => {
                    let w = take(&mut weights, &key("weight"))?.values;
                    let k = w.len() / out_features;
                    let bias = if *bias {
                        Some(take(&mut weights, &key("bias"))?.values)
                    } else {
                        None
                    };
                    layers[id] = Layer::Linear {
                        w,
                        m: *out_features,
                        k,
                        bias,
                    };
                }
                Op::Subsample { .. } => {
                    layers[id] = Layer::Subsample {
                        coeff: take(&mut weights, &key("weight"))?.values,
                        bias: take(&mut weights, &key("bias"))?.values,
                    };
                }
                _ => {}
            }
        }
        Ok(Box::new(PackedNetwork {
            net: net.clone(),
            an,
            plan,
            layers,
            schedules: Vec::new(),
            scratch: Vec::new(),
        }))
    }
}

impl PackedNetwork {
    fn schedule(&mut self, keep: &[NodeId]) -> usize {
        if let Some(i) = self.schedules.iter().position(|(k, _)| k == keep) {
            return i;
        }
        if self.schedules.len() >= 4 {
            self.schedules.remove(0);
        }
        let s = Schedule::new(&self.net, &self.an, &self.plan, keep);
        self.schedules.push((keep.to_vec(), s));
        self.schedules.len() - 1
    }

    /// The values of tensor `role` of node `id` the network computes with (see
    /// [`fold::given_back`]): a folded norm unfolded again, the convolution's own weights and
    /// bias (the folded ones divided by the norm's scale), the norm as the affine map it computes.
    fn given_back(&self, id: NodeId, role: Role) -> Result<Vec<f32>, EngineError> {
        let missing = || {
            EngineError::Checkpoint(format!(
                "{} holds no {role:?} tensor",
                self.net.nodes[id].name
            ))
        };
        match (&self.layers[id], role) {
            (Layer::Conv { g, w, folded, .. }, Role::Weight) => {
                let w = w.unpack(g);
                Ok(match folded {
                    Some(f) => f.unfold_weights(w),
                    None => w,
                })
            }
            (
                Layer::Conv {
                    bias,
                    folded,
                    own_bias: true,
                    g,
                    ..
                },
                Role::Bias,
            ) => {
                let b = bias.clone().unwrap_or_else(|| vec![0.0; g.o]);
                Ok(match folded {
                    Some(f) => f.unfold_bias(&b),
                    None => b,
                })
            }
            (Layer::FoldedNorm, _) => {
                let Fate::Folded { conv } = self.plan.fate(id) else {
                    return Err(missing());
                };
                match &self.layers[conv] {
                    Layer::Conv {
                        folded: Some(f), ..
                    } => f.as_norm(role),
                    _ => Err(missing()),
                }
            }
            (Layer::Norm { scale, shift }, _) => {
                let eps = match self.net.nodes[id].op.base() {
                    Op::BatchNorm2d { eps } => *eps,
                    _ => 0.0,
                };
                fold::affine_as_norm(scale, shift, eps, role)
            }
            (Layer::Linear { w, .. }, Role::Weight) => Ok(w.clone()),
            (Layer::Linear { bias: Some(b), .. }, Role::Bias) => Ok(b.clone()),
            (Layer::Subsample { coeff, .. }, Role::Weight) => Ok(coeff.clone()),
            (Layer::Subsample { bias, .. }, Role::Bias) => Ok(bias.clone()),
            _ => Err(missing()),
        }
    }
}

impl Prepared for PackedNetwork {
    fn network(&self) -> &Network {
        &self.net
    }

    fn engine(&self) -> &'static str {
        PackedEngine.name()
    }

    fn run(&mut self, input: &[f32], keep: &[NodeId]) -> Result<Activations, EngineError> {
        let wanted = super::wanted_nodes(&self.net, &self.an, input, keep)?;
        let p = self.schedule(&wanted);
        let PackedNetwork {
            net,
            an,
            layers,
            schedules,
            scratch,
            ..
        } = self;
        let schedule = &mut schedules[p].1;
        schedule.execute(net, an, layers, input, scratch, None)?;
        let mut shapes = Vec::with_capacity(wanted.len());
        let mut values = Vec::with_capacity(wanted.len());
        for &id in &wanted {
            shapes.push(an.layers[id].shape.clone());
            values.push(match schedule.source(id) {
                Some(Source::Value(v)) => schedule.read(v).to_vec(),
                // A convolution whose norm was folded in: x = (y − t) / s per channel.
                Some(Source::BeforeNorm(v)) => {
                    let Layer::Conv {
                        folded: Some(f), ..
                    } = &layers[id]
                    else {
                        return Err(EngineError::Backend(format!(
                            "node {id} has no folded norm"
                        )));
                    };
                    f.unfold(schedule.read(v))
                }
                None => {
                    return Err(EngineError::Backend(format!(
                        "the output of {} was not kept",
                        net.nodes[id].name
                    )))
                }
            });
        }
        Ok(Activations { shapes, values })
    }

    fn memory_bytes(&self) -> u64 {
        let weights: usize = self
            .layers
            .iter()
            .map(|l| match l {
                Layer::Conv { w, bias, .. } => w.bytes() + bias.as_ref().map_or(0, |b| b.len() * 4),
                Layer::Linear { w, bias, .. } => (w.len() + bias.as_ref().map_or(0, Vec::len)) * 4,
                Layer::Norm { scale, .. } => scale.len() * 8,
                Layer::Subsample { coeff, .. } => coeff.len() * 8,
                _ => 0,
            })
            .sum();
        let buffers: usize = self.schedules.iter().map(|(_, p)| p.bytes()).sum();
        (weights + buffers + self.scratch.len() * 4) as u64
    }

    fn weights(&self) -> Result<Weights, EngineError> {
        fold::given_back(&self.net, |id, role| self.given_back(id, role))
    }

    fn profile(&mut self, input: &[f32]) -> Vec<(String, f64)> {
        let output = self.net.output();
        if self.run(input, &[output]).is_err() {
            return Vec::new();
        }
        let p = self.schedule(&[output]);
        let PackedNetwork {
            net,
            an,
            layers,
            schedules,
            scratch,
            ..
        } = self;
        let mut times = Vec::new();
        let _ = schedules[p]
            .1
            .execute(net, an, layers, input, scratch, Some(&mut times));
        times
    }
}
