//! The lean run: a forward that keeps only outputs it still writes (the page's photo, the
//! benchmark: the logits) skips what no one then reads, as the packed CPU engine's schedule ends
//! its fused steps only at the nodes a run keeps (`packed::schedule`). A run that keeps every node
//! (the page's maps) runs the full list, where every node's output is written.
//!
//! - A convolution that ends a residual block (the plan's `residual`: its output, after its folded
//!   norm, only feeds a two-input addition) adds the addition's other input in its epilogue and
//!   writes the addition's output and its ReLU; the addition's own dispatch is left out. Of a
//!   block's two convolutions that feed one addition (ResNet's downsampling blocks) it is the one
//!   that runs after the other input is written.
//! - A convolution or a standalone norm whose ReLU the plan fuses writes only the ReLU.
//! - A pointwise convolution whose input is the ReLU of a norm that only it reads (DenseNet's
//!   first convolution of each layer and each transition's: BN → ReLU → 1×1) applies the norm
//!   and the ReLU as it loads its input (a `_bn` kernel: `kernels::ConvKernel::prologue`), and
//!   the norm's own dispatch is left out.
//!
//! - Two pointwise convolutions of one input that each write only their ReLU run as one GEMM
//!   (`lower/merge.rs`).
//!
//! Each leaves the op's own output unwritten (`Lowered::lean_skips`): a run that keeps it runs
//! the full list.

use super::{Buf, Lowering, FLAG_NO_Y, FLAG_RELU, FLAG_RESIDUAL};
use crate::engine::gpu::kernels::Prologue;
use crate::engine::plan::Fate;
use crate::zoo::graph::{NodeId, Op, PoolKind};

/// The runs a dispatch belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::engine::gpu) enum Runs {
    Both,
    /// Only a run that keeps nodes the lean one leaves unwritten.
    Full,
    /// Only a run that keeps none of them.
    Lean,
}

impl Runs {
    /// Whether a dispatch of these runs belongs to a run that is `lean` or not.
    pub fn include(self, lean: bool) -> bool {
        match self {
            Runs::Both => true,
            Runs::Full => !lean,
            Runs::Lean => lean,
        }
    }

    /// The runs a dispatch of these runs serves when only the runs `needed` read what it writes
    /// (none where they share none).
    pub fn within(self, needed: &[Runs]) -> Option<Runs> {
        let serves = |lean: bool| self.include(lean) && needed.iter().any(|r| r.include(lean));
        match (serves(false), serves(true)) {
            (true, true) => Some(Runs::Both),
            (true, false) => Some(Runs::Full),
            (false, true) => Some(Runs::Lean),
            (false, false) => None,
        }
    }
}

/// How an op's last dispatch ends in one kind of run: its flags (beyond the bias), where it
/// writes, and the residual it adds.
#[derive(Clone, Copy)]
pub(super) struct End {
    pub runs: Runs,
    pub flags: u32,
    pub y: Buf,
    pub y2: Buf,
    pub res: Buf,
}

/// How a convolution's first dispatch reads its input in one kind of run: the input, and what
/// it applies to it as it loads it (the norm before it: its scales and shifts in `res`; the max
/// pool before it: its node, for its window).
#[derive(Clone, Copy)]
pub(super) struct Start {
    pub runs: Runs,
    pub input: Buf,
    pub prologue: Prologue,
    pub res: Buf,
    pub pool: Option<NodeId>,
}

/// The dispatches of an op that has `starts` and `ends`: one for both runs, or the full run's
/// and the lean run's, each with its start and its end.
pub(super) fn pairs(starts: &[Start], ends: &[End]) -> Vec<(Start, End)> {
    if let ([s], [e]) = (starts, ends) {
        return vec![(*s, *e)];
    }
    let start = |r: Runs| starts.iter().find(|s| s.runs == r || s.runs == Runs::Both);
    let end = |r: Runs| ends.iter().find(|e| e.runs == r || e.runs == Runs::Both);
    [Runs::Full, Runs::Lean]
        .into_iter()
        .filter_map(|r| {
            let (s, e) = (start(r)?, end(r)?);
            Some((Start { runs: r, ..*s }, End { runs: r, ..*e }))
        })
        .collect()
}

impl Lowering<'_> {
    /// Picks the pointwise convolutions that apply the op before them in a lean run: their kernel
    /// is a pointwise GEMM and they end no residual block (`res` holds the norm); a max pool that
    /// only they read (with `pool_in`), or the ReLU of a norm that only they read; and the op's
    /// input is not in a buffer they write.
    pub(super) fn pick_prologues(&mut self) {
        if !self.policy.lean {
            return;
        }
        for id in 0..self.net.nodes.len() {
            let Some(choice) = self.out.conv[id] else {
                continue;
            };
            if !choice.pointwise || choice.winograd.is_some() || self.plan.residual(id).is_some() {
                continue;
            }
            let r = self.net.nodes[id].inputs[0];
            let pool_in = self.policy.pool_in.unwrap_or(self.gpu.fit.pool_in);
            if pool_in && self.pool_before(id, r) {
                self.prologue[id] = Some(r);
                self.absorbed[r] = true;
                self.skip_in_lean(r);
                continue;
            }
            let Fate::Fused { by: n } = self.plan.fate(r) else {
                continue;
            };
            let norm = matches!(self.net.nodes[n].op.base(), Op::BatchNorm2d { .. });
            if !norm || self.plan.fate(n) != Fate::Own || self.plan.consumers(r) != [id] {
                continue;
            }
            let buffer = |x: NodeId| self.out.place[x].buffer;
            let source = buffer(self.net.nodes[n].inputs[0]);
            let written = [Some(id), self.plan.relu(id)];
            if written.iter().flatten().any(|&w| buffer(w) == source) {
                continue;
            }
            self.prologue[id] = Some(n);
            self.absorbed[n] = true;
            self.skip_in_lean(n);
            self.skip_in_lean(r);
        }
    }

    /// Whether pointwise convolution `id` may take the max pool `r` it reads into its loads:
    /// the pool has no other reader, and its input is not in a buffer the convolution writes.
    fn pool_before(&self, id: NodeId, r: NodeId) -> bool {
        let (Op::Pool2d(pool), Op::Conv2d(c)) =
            (self.net.nodes[r].op.base(), self.net.nodes[id].op.base())
        else {
            return false;
        };
        if pool.kind != PoolKind::Max || c.groups != 1 || self.plan.fate(r) != Fate::Own {
            return false;
        }
        if self.plan.consumers(r) != [id] || self.plan.residual(id).is_some() {
            return false;
        }
        let buffer = |x: NodeId| self.out.place[x].buffer;
        let source = buffer(self.net.nodes[r].inputs[0]);
        let written = [Some(id), self.plan.relu(id)];
        !written.iter().flatten().any(|&w| buffer(w) == source)
    }

    /// How convolution `id` starts: one way for both runs, or also with the norm and ReLU, or
    /// the max pool, before it applied to its loads (`pick_prologues`).
    pub(super) fn starts(&self, id: NodeId) -> Vec<Start> {
        let full = Start {
            runs: Runs::Both,
            input: self.input(id),
            prologue: Prologue::None,
            res: Buf::Empty,
            pool: None,
        };
        if let Some(r) =
            self.prologue[id].filter(|&r| matches!(self.net.nodes[r].op.base(), Op::Pool2d(_)))
        {
            return vec![
                Start {
                    runs: Runs::Full,
                    ..full
                },
                Start {
                    runs: Runs::Lean,
                    input: Buf::Node(self.net.nodes[r].inputs[0]),
                    prologue: Prologue::MaxPool,
                    res: Buf::Empty,
                    pool: Some(r),
                },
            ];
        }
        let Some((n, st)) = self.prologue[id].and_then(|n| Some((n, self.norm_vectors[n]?))) else {
            return vec![full];
        };
        vec![
            Start {
                runs: Runs::Full,
                ..full
            },
            Start {
                runs: Runs::Lean,
                input: Buf::Node(self.net.nodes[n].inputs[0]),
                prologue: Prologue::Norm,
                res: Buf::Weight(st),
                pool: None,
            },
        ]
    }

    /// Marks node `n`, and whatever shares its place, as left unwritten by a lean run.
    fn skip_in_lean(&mut self, n: NodeId) {
        let mine = self.out.place[n];
        for (m, p) in self.out.place.iter().enumerate() {
            if *p == mine {
                self.out.lean_skips[m] = true;
            }
        }
    }

    /// The ends of op `id` (a convolution or a standalone norm) with flags `bias`: one for both
    /// runs, or the full run's and the lean run's.
    pub(super) fn ends(&mut self, id: NodeId, bias: u32) -> Vec<End> {
        let (relu, y2) = self.relu(id);
        let full = End {
            runs: Runs::Both,
            flags: bias | relu,
            y: Buf::Node(id),
            y2,
            res: Buf::Empty,
        };
        let lean = match (self.residual_end(id), self.plan.relu(id)) {
            (Some((add, other)), _) => {
                self.taken[add] = true;
                let (relu, y2) = self.relu(add);
                End {
                    runs: Runs::Lean,
                    flags: bias | relu | FLAG_RESIDUAL,
                    y: Buf::Node(add),
                    y2,
                    res: Buf::Node(other),
                }
            }
            (None, Some(r)) if self.policy.lean => End {
                runs: Runs::Lean,
                flags: bias | FLAG_RELU | FLAG_NO_Y,
                y: Buf::Node(id),
                y2: Buf::Node(r),
                res: Buf::Empty,
            },
            _ => return vec![full],
        };
        // The op's own output (and whatever shares its place: its folded norm) goes unwritten.
        self.skip_in_lean(id);
        vec![
            End {
                runs: Runs::Full,
                ..full
            },
            lean,
        ]
    }

    /// The addition convolution `id` may end in a lean run, and its other input: where the plan
    /// gives it one, that input is written before `id` runs, and no buffer `id` would write is
    /// one it reads (WebGPU forbids a buffer bound read-only and writable in one dispatch).
    fn residual_end(&self, id: NodeId) -> Option<(NodeId, NodeId)> {
        let add = self.plan.residual(id).filter(|_| self.policy.lean)?;
        let mine = self.plan.fold(id).unwrap_or(id);
        let other = match self.net.nodes[add].inputs[..] {
            [a, b] if a == mine && b != mine => b,
            [a, b] if b == mine && a != mine => a,
            _ => return None,
        };
        if !matches!(self.net.nodes[add].op.base(), Op::Add) || self.writer(other) >= id {
            return None;
        }
        let buffer = |n: NodeId| self.out.place[n].buffer;
        let written = [Some(add), self.plan.relu(add)];
        let read = [self.net.nodes[id].inputs[0], other];
        let clash = written
            .iter()
            .flatten()
            .any(|&w| read.iter().any(|&r| buffer(r) == buffer(w)));
        (!clash).then_some((add, other))
    }

    /// The node whose dispatches write node `n`'s output.
    fn writer(&self, n: NodeId) -> NodeId {
        match self.plan.fate(n) {
            Fate::Identity => self.writer(self.net.nodes[n].inputs[0]),
            Fate::Folded { conv } => conv,
            Fate::Fused { by } => by,
            Fate::Input | Fate::Own => n,
        }
    }

    /// Adds the dispatches `add` makes, as belonging to `e`'s runs.
    pub(super) fn at_end(&mut self, e: End, add: impl FnOnce(&mut Self)) {
        self.at_run(e.runs, add);
    }

    /// Adds the dispatches `add` makes, as belonging to `runs`.
    pub(super) fn at_run(&mut self, runs: Runs, add: impl FnOnce(&mut Self)) {
        self.runs = runs;
        add(self);
        self.runs = Runs::Both;
    }
}

#[cfg(test)]
mod tests {
    use super::Runs;

    /// A dispatch serves only the runs that read what it writes.
    #[test]
    fn runs_within_those_needed() {
        assert_eq!(Runs::Both.within(&[Runs::Full]), Some(Runs::Full));
        assert_eq!(
            Runs::Both.within(&[Runs::Full, Runs::Lean]),
            Some(Runs::Both)
        );
        assert_eq!(Runs::Both.within(&[Runs::Both]), Some(Runs::Both));
        assert_eq!(Runs::Lean.within(&[Runs::Full]), None);
        assert_eq!(Runs::Lean.within(&[Runs::Both]), Some(Runs::Lean));
        assert_eq!(Runs::Full.within(&[]), None);
    }
}
