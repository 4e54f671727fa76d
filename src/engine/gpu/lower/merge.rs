//! Sibling pointwise convolutions merged in the lean run (`lower/lean.rs`; policy `merge=on|off`):
//! two 1 × 1 convolutions that read the same input and each write only their ReLU there
//! (GoogLeNet's Inception branches, Szegedy et al. 2015: the 1 × 1 reductions before its 3 × 3
//! branches) run as one GEMM over their weights stacked, M = m₁ + m₂. The GEMM's first m₁ rows go
//! to the first one's ReLU (`y`), the rest to the second's (`y2`), as `FLAG_SPLIT` tells `put`
//! (shaders/common.wgsl; `p.d.x` holds where the second begins). One dispatch instead of two, the
//! input read once, and M padded to whole tiles once: a reduction of 16 rows no longer takes a
//! tile of 64 alone. A run that keeps every node runs both convolutions as before.
//!
//! Of three or more such siblings (GoogLeNet's first branch also reads the input) the pair whose
//! merging pads least is taken: a dispatch has two outputs to write.

use super::{params, u, Buf, Lowering, FLAG_BIAS, FLAG_SPLIT};
use crate::engine::fold::{self, ConvParams};
use crate::engine::gpu::kernels::{choose_conv, ConvChoice, ConvShape};
use crate::engine::plan::Fate;
use crate::engine::EngineError;
use crate::zoo::graph::{Conv, NodeId, Op};

/// A convolution's part in a merged pair.
#[derive(Clone, Copy, Debug)]
pub(super) enum Merge {
    /// The first (in the network's order), which lowers the merged GEMM: its sibling and the
    /// GEMM's kernel.
    First { second: NodeId, choice: ConvChoice },
    /// The second, whose lean run the first's GEMM does.
    Second,
}

impl Lowering<'_> {
    /// The GEMM shape of pointwise convolution `id` with `m` output channels.
    fn gemm(&self, id: NodeId, m: usize) -> ConvShape {
        let (ins, os) = (self.in_shape(id), self.shape(id));
        ConvShape {
            m,
            n: os[1] * os[2],
            k: ins[0],
            groups: 1,
            pointwise: true,
            winograd_map: None,
        }
    }

    /// Whether convolution `id` may be merged: a pointwise one of one group whose ReLU the plan
    /// fuses, that ends no residual block and applies no norm before it, and whose ReLU lives
    /// apart from its input.
    fn mergeable(&self, id: NodeId) -> Option<(NodeId, usize)> {
        let Op::Conv2d(c) = self.net.nodes[id].op.base() else {
            return None;
        };
        let pointwise = c.kernel == [1, 1] && c.stride == [1, 1] && c.padding == [0, 0];
        let choice = self.out.conv[id]?;
        if !pointwise || c.groups != 1 || c.connections.is_some() || !choice.pointwise {
            return None;
        }
        let relu = self.plan.relu(id)?;
        if self.plan.fate(id) != Fate::Own
            || self.plan.residual(id).is_some()
            || self.prologue[id].is_some()
        {
            return None;
        }
        let x = self.net.nodes[id].inputs[0];
        (self.out.place[x].buffer != self.out.place[relu].buffer).then_some((x, c.out_channels))
    }

    /// Output rows × columns a convolution of `m` channels computes with `choice`, tiles padded.
    fn padded(&self, id: NodeId, m: usize, choice: &ConvChoice) -> usize {
        let t = choice.tile.outputs();
        let n = self.gemm(id, m).n;
        m.div_ceil(t) * t * n.div_ceil(t) * t
    }

    /// Picks the pairs to merge, among the mergeable convolutions of each input: the pair that
    /// pads least, where merging pads no more than the two alone, and whose GEMM is not split
    /// over K (its scratch is sized for the convolutions alone).
    pub(super) fn pick_merges(&mut self) {
        if !(self.policy.lean && self.policy.merge) {
            return;
        }
        let n = self.net.nodes.len();
        let mut by_input: Vec<Vec<(NodeId, usize)>> = vec![Vec::new(); n];
        for id in 0..n {
            if let Some((x, m)) = self.mergeable(id) {
                by_input[x].push((id, m));
            }
        }
        let relu_buffer: Vec<Option<usize>> = (0..n)
            .map(|id| self.plan.relu(id).map(|r| self.out.place[r].buffer))
            .collect();
        for mut siblings in by_input {
            while siblings.len() >= 2 {
                let mut best: Option<(isize, usize, usize, ConvChoice)> = None;
                for i in 0..siblings.len() {
                    for j in i + 1..siblings.len() {
                        let ((a, ma), (b, mb)) = (siblings[i], siblings[j]);
                        let (Some(ca), Some(cb)) = (self.out.conv[a], self.out.conv[b]) else {
                            continue;
                        };
                        // Two writable bindings of one buffer: left alone.
                        if relu_buffer[a] == relu_buffer[b] {
                            continue;
                        }
                        let choice = choose_conv(self.policy, self.gpu.fit, &self.gemm(a, ma + mb));
                        if choice.parts > 1 {
                            continue;
                        }
                        let alone = self.padded(a, ma, &ca) + self.padded(b, mb, &cb);
                        let gain = alone as isize - self.padded(a, ma + mb, &choice) as isize;
                        if gain >= 0 && best.is_none_or(|(g, ..)| gain > g) {
                            best = Some((gain, i, j, choice));
                        }
                    }
                }
                let Some((_, i, j, choice)) = best else {
                    break;
                };
                let ((a, _), (b, _)) = (siblings[i], siblings[j]);
                self.merge[a] = Some(Merge::First { second: b, choice });
                self.merge[b] = Some(Merge::Second);
                siblings.remove(j);
                siblings.remove(i);
            }
        }
    }

    /// Convolution `id`'s weights and bias after folding: those taken ahead for the merged GEMM,
    /// or from the checkpoint now.
    pub(super) fn conv_params(
        &mut self,
        id: NodeId,
        c: &Conv,
        weights: &mut crate::engine::Weights,
    ) -> Result<ConvParams, EngineError> {
        if let Some(p) = self.taken_params[id].take() {
            return Ok(p);
        }
        let (cg, per) = (self.in_shape(id)[0] / c.groups, c.kernel[0] * c.kernel[1]);
        fold::conv_params(self.net, id, c, cg, per, self.plan.fold(id), weights)
    }

    /// The lean run's GEMM of `first` (its weights and bias after folding `pa`) and `second`
    /// with `choice`: both ReLUs written, one dispatch. Takes `second`'s weights from the
    /// checkpoint now and keeps them for its own lowering.
    pub(super) fn merged(
        &mut self,
        first: NodeId,
        second: NodeId,
        choice: ConvChoice,
        pa: &ConvParams,
        weights: &mut crate::engine::Weights,
    ) -> Result<(), EngineError> {
        let (Op::Conv2d(ca), Op::Conv2d(cb), Some(ra), Some(rb)) = (
            self.net.nodes[first].op.base(),
            self.net.nodes[second].op.base(),
            self.plan.relu(first),
            self.plan.relu(second),
        ) else {
            // `pick_merges` pairs only convolutions with their ReLUs.
            return Err(super::backend(format!(
                "{} and {} cannot be merged",
                self.net.nodes[first].name, self.net.nodes[second].name
            )));
        };
        let pb = self.conv_params(second, cb, weights)?;
        let (ma, mb) = (ca.out_channels, cb.out_channels);
        let s = self.gemm(first, ma + mb);
        let layout = super::KernelLayout {
            groups: 1,
            og: s.m,
            k: s.k,
        };
        let w = self.upload(&layout.arrange(&[&pa.w[..], &pb.w[..]].concat()));
        let bias = |p: &ConvParams, m: usize| p.bias.clone().unwrap_or_else(|| vec![0.0; m]);
        let mut aux2 = [bias(pa, ma), bias(&pb, mb)].concat();
        let (ins, os) = (self.in_shape(first), self.shape(first));
        // The input offset of each k (the kernels' layout; a pointwise GEMM reads it as a matrix).
        for ci in 0..ins[0] {
            aux2.extend([(ci * ins[1] * ins[2]) as f32, 0.0, 0.0]);
        }
        let b = self.upload(&aux2);
        self.taken_params[second] = Some(pb);
        let t = choice.tile.outputs();
        let grid = [u(s.n.div_ceil(t)), u(s.m.div_ceil(t)), 1];
        let flags = FLAG_BIAS | FLAG_SPLIT;
        let p = params(
            [u(ins[0]), u(ins[1]), u(ins[2]), u(s.m)],
            [u(os[1]), u(os[2]), 1, 1],
            [1, 1, 0, 0],
            [u(ma * s.n), 1, 1, flags],
        );
        let bufs = [
            self.input(first),
            Buf::Weight(w),
            Buf::Weight(b),
            Buf::Node(ra),
            Buf::Node(rb),
        ];
        let kernel = choice.kernel().name();
        self.at_run(super::Runs::Lean, |l| {
            l.dispatch_with(&kernel, p, bufs, Buf::Empty, grid)
        });
        Ok(())
    }
}
