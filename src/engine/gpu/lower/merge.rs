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
//! merging pads least is taken: a dispatch has two outputs to write. Where the merged GEMM is
//! split over K (a GPU's late 14 × 14 and 7 × 7 layers), its parts are summed by one reduce pass
//! that writes both ReLUs, so that the pair takes two dispatches instead of four; the scratch of
//! the parts is made large enough for it.

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
    /// pads least, where merging pads no more than the two alone, and whose parts, if its GEMM
    /// is split over K, fit one binding (the scratch grows to hold them).
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
                        let shape = self.gemm(a, ma + mb);
                        let choice = choose_conv(self.policy, self.gpu.fit, &shape);
                        let parts = super::conv::needs(&shape, &choice)[0];
                        if !choice.pointwise || parts * 4 > self.gpu.max_binding {
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
                let ((a, ma), (b, mb)) = (siblings[i], siblings[j]);
                let parts = super::conv::needs(&self.gemm(a, ma + mb), &choice)[0];
                self.scratch_floats[0] = self.scratch_floats[0].max(parts);
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
        // The bias of both; a pointwise GEMM reads no input offsets after it.
        let b = self.upload(&[bias(pa, ma), bias(&pb, mb)].concat());
        self.taken_params[second] = Some(pb);
        let (ins, os) = (self.in_shape(first), self.shape(first));
        let t = choice.tile.outputs();
        let grid = [u(s.n.div_ceil(t)), u(s.m.div_ceil(t)), u(choice.parts)];
        // Where the second one's ReLU begins in the GEMM's output (`put`'s FLAG_SPLIT).
        let second_at = u(ma * s.n);
        let gemm = |flags: u32| {
            params(
                [u(ins[0]), u(ins[1]), u(ins[2]), u(s.m)],
                [u(os[1]), u(os[2]), 1, 1],
                [1, 1, 0, 0],
                [second_at, 1, 1, flags | u(choice.parts) << 8],
            )
        };
        let (x, w, b) = (self.input(first), Buf::Weight(w), Buf::Weight(b));
        let kernel = choice.kernel().name();
        let flags = FLAG_BIAS | FLAG_SPLIT;
        if choice.parts == 1 {
            let (p, bufs) = (gemm(flags), [x, w, b, Buf::Node(ra), Buf::Node(rb)]);
            self.at_run(super::Runs::Lean, |l| {
                l.dispatch_with(&kernel, p, bufs, Buf::Empty, grid)
            });
        } else {
            // The parts into the scratch, then one pass sums them into both ReLUs.
            let scratch = Buf::Scratch(super::conv::Scratch::Parts);
            let (p, bufs) = (gemm(0), [x, w, b, scratch, Buf::Sink]);
            self.at_run(super::Runs::Lean, |l| {
                l.dispatch_with(&kernel, p, bufs, Buf::Empty, grid)
            });
            let count = s.m * s.n;
            let reduce = params(
                [u(count), u(s.n), u(choice.parts), flags],
                [0; 4],
                [0; 4],
                [second_at, 0, 0, 0],
            );
            let bufs = [scratch, Buf::Empty, b, Buf::Node(ra), Buf::Node(rb)];
            let grid = super::grid_1d(count);
            self.at_run(super::Runs::Lean, |l| {
                l.dispatch_with("splitk_reduce", reduce, bufs, Buf::Empty, grid)
            });
        }
        Ok(())
    }
}
