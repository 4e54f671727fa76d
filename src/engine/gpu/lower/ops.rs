//! The lowering of every op but the convolution (`lower/conv.rs`): norms that do not fold,
//! activations, pooling, LeNet's sub-sampling, LRN, fully connected layers, concatenations (the
//! copies `lower/place.rs` leaves), additions and means, and the CIFAR ResNets' shortcut — each
//! one function that fills its kernel's parameters and bindings.

use super::{
    grid_1d, params, u, Buf, End, Held, Lowering, Runs, FLAG_BIAS, NONE, POOL_ADAPTIVE, POOL_AVG,
    POOL_AVG_PIXELS, POOL_MAX, UNARY_AFFINE, UNARY_CLIP, UNARY_COPY, UNARY_LEAKY, UNARY_RELU,
    UNARY_SCALE, UNARY_SCALED_TANH, UNARY_SIGMOID, UNARY_TANH,
};
use crate::engine::fold::{self, take};
use crate::engine::gpu::kernels::{choose_fc, Fc};
use crate::engine::{EngineError, Weights};
use crate::zoo::graph::{Activation, Hw, NodeId, Op, Pool, PoolKind};

impl Lowering<'_> {
    /// A batch norm the plan does not fold: its affine map, and its fused ReLU.
    pub(super) fn norm(
        &mut self,
        id: NodeId,
        eps: f64,
        weights: &Weights,
    ) -> Result<(), EngineError> {
        let key = |s: &str| format!("{}.{s}", self.net.nodes[id].name);
        let (s, t) = fold::norm_affine(weights, &key, eps)?;
        let ends = if self.absorbed[id] {
            // The lean run's convolution applies it (`lower/lean.rs`): the full run's alone.
            self.norm_vectors[id] = Some(self.upload(&[&s[..], &t[..]].concat()));
            let (relu, y2) = self.relu(id);
            vec![End {
                runs: Runs::Full,
                flags: relu,
                y: Buf::Node(id),
                y2,
                res: Buf::Empty,
            }]
        } else {
            self.ends(id, 0)
        };
        let (s, t) = (self.upload(&s), self.upload(&t));
        let count = self.count(id);
        let per = u(self.in_shape(id)[1..].iter().product());
        for e in ends {
            let params = params([u(count), UNARY_AFFINE, per, e.flags], NONE, NONE, NONE);
            let bufs = [self.input(id), Buf::Weight(s), Buf::Weight(t), e.y, e.y2];
            self.at_end(e, |l| l.dispatch("unary", params, bufs, grid_1d(count)));
        }
        self.out.held[id] = Held::Norm { scale: s, shift: t };
        Ok(())
    }

    /// An element-wise kernel of `unary` on the node's input.
    fn unary(&mut self, id: NodeId, mode: u32, z: u32) {
        self.unary2(id, mode, z, 0);
    }

    /// [`Self::unary`] with a second operand `b.x` (the clip's upper bound).
    fn unary2(&mut self, id: NodeId, mode: u32, z: u32, bx: u32) {
        let count = self.count(id);
        let params = params([u(count), mode, z, 0], [bx, 0, 0, 0], NONE, NONE);
        let bufs = self.alone(id);
        self.dispatch("unary", params, bufs, grid_1d(count));
    }

    /// An activation the plan leaves on its own.
    pub(super) fn act(&mut self, id: NodeId, a: Activation) {
        let mode = match a {
            Activation::Relu => UNARY_RELU,
            Activation::Tanh => UNARY_TANH,
            Activation::ScaledTanh => UNARY_SCALED_TANH,
            Activation::Sigmoid => UNARY_SIGMOID,
            Activation::LeakyRelu { alpha } => return self.unary(id, UNARY_LEAKY, alpha.to_bits()),
            Activation::Clip { min, max } => {
                return self.unary2(id, UNARY_CLIP, min.to_bits(), max.to_bits())
            }
        };
        self.unary(id, mode, 0);
    }

    pub(super) fn scale(&mut self, id: NodeId, factor: f64) {
        self.unary(id, UNARY_SCALE, (factor as f32).to_bits());
    }

    /// Max or average pooling (shaders/pool.wgsl).
    pub(super) fn pool(&mut self, id: NodeId, pl: &Pool) {
        let (ins, os) = (self.in_shape(id), self.shape(id));
        let kind = match pl.kind {
            PoolKind::Max => POOL_MAX,
            PoolKind::Avg if pl.count_include_pad => POOL_AVG,
            PoolKind::Avg => POOL_AVG_PIXELS,
        };
        let (k, s, p) = (pl.kernel, pl.stride, pl.padding);
        let params = params(
            [u(ins[0]), u(ins[1]), u(ins[2]), kind],
            [u(os[1]), u(os[2]), u(k[0]), u(k[1])],
            [u(s[0]), u(s[1]), u(p[0]), u(p[1])],
            NONE,
        );
        let bufs = self.alone(id);
        // The lean run's convolution after it takes its windows (`lower/lean.rs`).
        let runs = if self.absorbed[id] {
            Runs::Full
        } else {
            Runs::Both
        };
        let grid = grid_1d(self.count(id));
        self.at_run(runs, |l| l.dispatch("pool", params, bufs, grid));
    }

    /// Adaptive average pooling (shaders/pool.wgsl).
    pub(super) fn adaptive(&mut self, id: NodeId) {
        let (ins, os) = (self.in_shape(id), self.shape(id));
        let params = params(
            [u(ins[0]), u(ins[1]), u(ins[2]), POOL_ADAPTIVE],
            [u(os[1]), u(os[2]), 0, 0],
            NONE,
            NONE,
        );
        let bufs = self.alone(id);
        self.dispatch("pool", params, bufs, grid_1d(self.count(id)));
    }

    /// LeNet-5's sub-sampling (shaders/maps.wgsl).
    pub(super) fn subsample(
        &mut self,
        id: NodeId,
        k: Hw,
        s: Hw,
        weights: &mut Weights,
    ) -> Result<(), EngineError> {
        let key = |s: &str| format!("{}.{s}", self.net.nodes[id].name);
        let coeff = take(weights, &key("weight"))?.values;
        let bias = take(weights, &key("bias"))?.values;
        let (coeff, bias) = (self.upload(&coeff), self.upload(&bias));
        let (ins, os) = (self.in_shape(id), self.shape(id));
        let params = params(
            [u(ins[0]), u(ins[1]), u(ins[2]), 0],
            [u(os[1]), u(os[2]), u(k[0]), u(k[1])],
            [u(s[0]), u(s[1]), 0, 0],
            NONE,
        );
        let bufs = [
            self.input(id),
            Buf::Weight(coeff),
            Buf::Weight(bias),
            Buf::Node(id),
            Buf::Sink,
        ];
        self.dispatch("subsample", params, bufs, grid_1d(self.count(id)));
        self.out.held[id] = Held::Subsample { coeff, bias };
        Ok(())
    }

    /// Local response normalisation (shaders/maps.wgsl); `abk` = (α, β, k).
    pub(super) fn lrn(&mut self, id: NodeId, size: usize, abk: [f64; 3]) {
        let ins = self.in_shape(id);
        let hw = u(ins[1..].iter().product());
        let f = |v: f64| (v as f32).to_bits();
        let params = params(
            [u(ins[0]), hw, u(size), 0],
            [f(abk[0]), f(abk[1]), f(abk[2]), 0],
            NONE,
            NONE,
        );
        let bufs = self.alone(id);
        self.dispatch("lrn", params, bufs, grid_1d(self.count(id)));
    }

    /// A fully connected layer (shaders/gemv.wgsl) with its fused ReLU, its weights split by rows
    /// where one binding cannot hold them.
    pub(super) fn linear(
        &mut self,
        id: NodeId,
        out_features: usize,
        bias: bool,
        weights: &mut Weights,
    ) -> Result<(), EngineError> {
        let key = |s: &str| format!("{}.{s}", self.net.nodes[id].name);
        let w = take(weights, &key("weight"))?.values;
        let k = w.len() / out_features;
        let b = if bias {
            let b = take(weights, &key("bias"))?.values;
            Some(self.upload(&b))
        } else {
            None
        };
        let (relu, y2) = self.relu(id);
        let flags = if b.is_some() { FLAG_BIAS } else { 0 } | relu;
        let fc = choose_fc(self.policy, k);
        let (gemv, bytes) = match fc {
            Fc::Scalar => ("gemv", 4),
            Fc::Wide => ("gemv_wide", 4),
            Fc::Half => ("gemv_half", 2),
        };
        // Rows per chunk: as many as one storage binding holds.
        let rows = ((self.gpu.max_binding / (k as u64 * bytes)) as usize).clamp(1, out_features);
        let mut chunks = Vec::new();
        for first in (0..out_features).step_by(rows) {
            let r = rows.min(out_features - first);
            let rows = &w[first * k..(first + r) * k];
            let chunk = if fc == Fc::Half {
                self.upload_half(rows)
            } else {
                self.upload(rows)
            };
            chunks.push(chunk);
            let params = params([u(k), u(r), u(first), flags], NONE, NONE, NONE);
            let grid = [u(r.min(65_535)), u(r.div_ceil(65_535)), 1];
            let aux2 = b.map_or(Buf::Empty, Buf::Weight);
            let bufs = [self.input(id), Buf::Weight(chunk), aux2, Buf::Node(id), y2];
            self.dispatch(gemv, params, bufs, grid);
        }
        self.out.held[id] = Held::Linear { chunks, bias: b };
        Ok(())
    }

    /// A concatenation: the inputs its producers did not write in place copied into their
    /// slices (`place::Layout::copies`); none where they all did.
    pub(super) fn concat(&mut self, id: NodeId) {
        for (i, at) in std::mem::take(&mut self.copies[id]) {
            let m = self.count(i);
            let params = params([u(m), UNARY_COPY, 0, at as u32], NONE, NONE, NONE);
            let bufs = [
                Buf::Node(i),
                Buf::Empty,
                Buf::Empty,
                Buf::Node(id),
                Buf::Sink,
            ];
            self.dispatch("unary", params, bufs, grid_1d(m));
        }
    }

    /// An addition or a mean (shaders/elementwise.wgsl): the first two inputs summed, each
    /// further one accumulated; the last dispatch writes the ReLU the plan fuses into it.
    pub(super) fn sum(&mut self, id: NodeId) {
        let node = &self.net.nodes[id];
        let inputs = &node.inputs;
        let s = if matches!(node.op.base(), Op::Mean) {
            1.0 / inputs.len() as f32
        } else {
            1.0
        };
        let count = self.count(id);
        let (relu, y2) = self.relu(id);
        if self.taken[id] {
            self.runs = Runs::Full;
        }
        let last = inputs.len() - 1;
        let flags = |at: usize| if at == last { relu } else { 0 };
        let p = |at: usize| params([u(count), 0, s.to_bits(), flags(at)], NONE, NONE, NONE);
        let y2_at = |at: usize| if at == last { y2 } else { Buf::Sink };
        let (a, b) = (Buf::Node(inputs[0]), Buf::Node(inputs[1]));
        let bufs = [a, b, Buf::Empty, Buf::Node(id), y2_at(1)];
        self.dispatch("sum", p(1), bufs, grid_1d(count));
        for (at, &i) in inputs.iter().enumerate().skip(2) {
            let bufs = [
                Buf::Node(i),
                Buf::Empty,
                Buf::Empty,
                Buf::Node(id),
                y2_at(at),
            ];
            self.dispatch("accumulate", p(at), bufs, grid_1d(count));
        }
        self.runs = Runs::Both;
    }

    /// The CIFAR ResNets' shortcut (shaders/maps.wgsl).
    pub(super) fn pad_shortcut(&mut self, id: NodeId, out_channels: usize, stride: usize) {
        let (ins, os) = (self.in_shape(id), self.shape(id));
        let params = params(
            [u(ins[0]), u(ins[1]), u(ins[2]), u(stride)],
            [u(out_channels), u(os[1]), u(os[2]), 0],
            NONE,
            NONE,
        );
        let bufs = self.alone(id);
        self.dispatch("pad_shortcut", params, bufs, grid_1d(self.count(id)));
    }
}
