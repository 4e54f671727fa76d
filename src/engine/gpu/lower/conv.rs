//! The WebGPU engine's convolutions: each one's kernel chosen by shape (`super::super::kernels`),
//! the scratch the choices (and the merged GEMMs, `lower/merge.rs`) need made once for the
//! network (as large as the largest needs: the convolutions run one after another), and each convolution lowered — the tiled implicit GEMM
//! (shaders/conv.wgsl), split over K with its reduce pass (shaders/splitk.wgsl), or Winograd
//! F(2×2, 3×3) or F(4×4, 3×3) (shaders/winograd.wgsl) with its weights transformed here.

use super::lean::{pairs, Start};
use super::merge::Merge;
use super::{backend, params, u, Buf, End, Held, Lowering, Runs, FLAG_BIAS, NONE};
use crate::engine::gpu::device::Gpu;
use crate::engine::gpu::kernels::{
    choose_conv, ConvChoice, ConvInput, ConvKernel, ConvShape, KernelPolicy, Prologue, Winograd,
    WinogradTile,
};
use crate::engine::plan::{Fate, Plan};
use crate::engine::{EngineError, Weights};
use crate::zoo::graph::{Conv, Network, NodeId, Op};
use crate::zoo::Analysis;

/// The scratch buffers, by use.
#[derive(Clone, Copy, Debug)]
pub(super) enum Scratch {
    /// The parts of a convolution split over K: [parts][O][N].
    Parts = 0,
    /// Winograd's transformed input V: [products][C][P] (16 or 36 products, P tiles).
    WinogradIn = 1,
    /// Winograd's products M: [products][O][P].
    WinogradOut = 2,
}

/// The shape of node `id` as the convolution kernels see it, if it is a convolution.
fn conv_shape(net: &Network, an: &Analysis, id: NodeId) -> Option<ConvShape> {
    let Op::Conv2d(c) = net.nodes[id].op.base() else {
        return None;
    };
    let ins = &an.layers[*net.nodes[id].inputs.first()?].shape;
    let os = &an.layers[id].shape;
    let winograd =
        c.kernel == [3, 3] && c.stride == [1, 1] && c.dilation == [1, 1] && c.groups == 1;
    Some(ConvShape {
        m: c.out_channels / c.groups,
        n: os[1] * os[2],
        k: ins[0] / c.groups * c.kernel[0] * c.kernel[1],
        groups: c.groups,
        pointwise: c.kernel == [1, 1] && c.stride == [1, 1] && c.padding == [0, 0],
        winograd_map: winograd.then_some([os[1], os[2]]),
    })
}

/// Floats of each scratch a convolution with `choice` needs.
pub(super) fn needs(s: &ConvShape, choice: &ConvChoice) -> [u64; 3] {
    let (m, n) = (s.m as u64, s.n as u64);
    match (s.winograd_map, choice.winograd) {
        (Some(map), Some(wt)) => {
            let (c, p, q) = (s.k as u64 / 9, wt.tiles(map) as u64, wt.products() as u64);
            [0, q * c * p, q * m * p]
        }
        _ if choice.parts > 1 => [choice.parts as u64 * m * n * s.groups as u64, 0, 0],
        _ => [0; 3],
    }
}

/// Each convolution's kernel (by node), and the floats of each scratch they need (the most any
/// one needs: they run one after another). A Winograd layer whose transforms would not fit one
/// storage binding runs the direct kernel.
pub(super) fn choose(
    gpu: &Gpu,
    policy: &KernelPolicy,
    net: &Network,
    an: &Analysis,
    plan: &Plan,
) -> (Vec<Option<ConvChoice>>, [u64; 3]) {
    let mut most = [0u64; 3];
    let choices = (0..net.nodes.len())
        .map(|id| {
            let s = conv_shape(net, an, id).filter(|_| plan.fate(id) == Fate::Own)?;
            let mut choice = choose_conv(policy, gpu.fit, &s);
            if needs(&s, &choice).iter().any(|&f| f * 4 > gpu.max_binding) {
                let direct = KernelPolicy {
                    winograd: Winograd::Off,
                    ..*policy
                };
                choice = choose_conv(&direct, gpu.fit, &s);
            }
            for (m, f) in most.iter_mut().zip(needs(&s, &choice)) {
                *m = (*m).max(f);
            }
            Some(choice)
        })
        .collect();
    (choices, most)
}

/// The scratch buffers of `floats` each, by [`Scratch`].
pub(super) fn scratch(gpu: &Gpu, floats: [u64; 3]) -> Vec<wgpu::Buffer> {
    let labels = ["split-K parts", "Winograd V", "Winograd M"];
    floats
        .iter()
        .zip(labels)
        .map(|(&floats, label)| {
            gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: floats.max(1) * 4,
                usage: wgpu::BufferUsages::STORAGE,
                mapped_at_creation: false,
            })
        })
        .collect()
}

/// G of F(2×2, 3×3) and its left inverse (g₀ = u₀, g₁ = u₁ − u₂, g₂ = u₃).
const G2: [[f32; 3]; 4] = [
    [1.0, 0.0, 0.0],
    [0.5, 0.5, 0.5],
    [0.5, -0.5, 0.5],
    [0.0, 0.0, 1.0],
];
const L2: [[f32; 6]; 3] = [
    [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 1.0, -1.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
];
/// G of F(4×4, 3×3) (points 0, ±1, ±2, ∞) and its left inverse (g₀ = 4u₀, g₁ = 3(u₂ − u₁),
/// g₂ = u₅).
const G4: [[f32; 3]; 6] = [
    [0.25, 0.0, 0.0],
    [-1.0 / 6.0, -1.0 / 6.0, -1.0 / 6.0],
    [-1.0 / 6.0, 1.0 / 6.0, -1.0 / 6.0],
    [1.0 / 24.0, 1.0 / 12.0, 1.0 / 6.0],
    [1.0 / 24.0, -1.0 / 12.0, 1.0 / 6.0],
    [0.0, 0.0, 1.0],
];
const L4: [[f32; 6]; 3] = [
    [4.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, -3.0, 3.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
];

fn g_and_inverse(wt: WinogradTile) -> (&'static [[f32; 3]], &'static [[f32; 6]; 3]) {
    match wt {
        WinogradTile::F2 => (&G2, &L2),
        WinogradTile::F4 => (&G4, &L4),
    }
}

/// Winograd's U = G g Gᵀ of 3 × 3 weights [O][C][3][3], laid out [α²][O][C] (the grouped GEMM's
/// weights; α = 4 or 6, the patch's side).
pub(in crate::engine::gpu) fn winograd_weights(
    w: &[f32],
    o: usize,
    c: usize,
    wt: WinogradTile,
) -> Vec<f32> {
    let (g_rows, _) = g_and_inverse(wt);
    let n = g_rows.len();
    let mut u = vec![0.0; n * n * o * c];
    for oc in 0..o {
        for ci in 0..c {
            let g = &w[(oc * c + ci) * 9..][..9];
            for (a, ga) in g_rows.iter().enumerate() {
                for (b, gb) in g_rows.iter().enumerate() {
                    let mut v = 0.0;
                    for i in 0..3 {
                        for j in 0..3 {
                            v += ga[i] * g[i * 3 + j] * gb[j];
                        }
                    }
                    u[((a * n + b) * o + oc) * c + ci] = v;
                }
            }
        }
    }
    u
}

/// The 3 × 3 weights [O][C][3][3] back from Winograd's U (a left inverse of G on each side).
pub(in crate::engine::gpu) fn winograd_unweights(
    u: &[f32],
    o: usize,
    c: usize,
    wt: WinogradTile,
) -> Vec<f32> {
    let (g_rows, l) = g_and_inverse(wt);
    let n = g_rows.len();
    let mut w = vec![0.0; 9 * o * c];
    for oc in 0..o {
        for ci in 0..c {
            for (i, li) in l.iter().enumerate() {
                for (j, lj) in l.iter().enumerate() {
                    let mut v = 0.0;
                    for a in 0..n {
                        for b in 0..n {
                            v += li[a] * u[((a * n + b) * o + oc) * c + ci] * lj[b];
                        }
                    }
                    w[(oc * c + ci) * 9 + i * 3 + j] = v;
                }
            }
        }
    }
    w
}

/// How the convolution kernel holds a GEMM's weights W[g][o][k] (`groups` × `og` × `k`, row-major):
/// transposed to [g][k][o], each row of `og` padded with zeros to a whole vec4, so that a slice's
/// loads are one vec4 of four output channels per invocation, consecutive invocations on
/// consecutive vec4s (shaders/conv_tile.wgsl).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::engine::gpu) struct KernelLayout {
    pub groups: usize,
    pub og: usize,
    pub k: usize,
}

impl KernelLayout {
    /// Output channels per row of k, padded to a whole vec4.
    fn og4(&self) -> usize {
        self.og.div_ceil(4) * 4
    }

    /// `w` as the kernel reads it.
    pub fn arrange(&self, w: &[f32]) -> Vec<f32> {
        let (og, k, og4) = (self.og, self.k, self.og4());
        let mut out = vec![0f32; self.groups * k * og4];
        for g in 0..self.groups {
            for o in 0..og {
                for (kk, &v) in w[(g * og + o) * k..][..k].iter().enumerate() {
                    out[(g * k + kk) * og4 + o] = v;
                }
            }
        }
        out
    }

    /// The weights in W[g][o][k] again, from what the kernel holds.
    pub fn restore(&self, held: &[f32]) -> Vec<f32> {
        let (og, k, og4) = (self.og, self.k, self.og4());
        let mut w = vec![0f32; self.groups * og * k];
        for g in 0..self.groups {
            for o in 0..og {
                for (kk, v) in w[(g * og + o) * k..][..k].iter_mut().enumerate() {
                    *v = held[(g * k + kk) * og4 + o];
                }
            }
        }
        w
    }
}

impl Lowering<'_> {
    /// A convolution with its folded norm and its fused ReLU, on its chosen kernel.
    pub(super) fn conv(
        &mut self,
        id: NodeId,
        c: &Conv,
        weights: &mut Weights,
    ) -> Result<(), EngineError> {
        let (ins, os) = (self.in_shape(id), self.shape(id));
        let (cg, per) = (ins[0] / c.groups, c.kernel[0] * c.kernel[1]);
        let p = self.conv_params(id, c, weights)?;
        let name = &self.net.nodes[id].name;
        let choice =
            self.out.conv[id].ok_or_else(|| backend(format!("{name}: no kernel was chosen")))?;
        // The bias (zeros without one), then the input offsets of each k, as floats: exact below
        // 2^24.
        if ins.iter().product::<usize>() >= 1 << 24 {
            return Err(backend(format!(
                "{name}: an input of {} values is beyond the convolution kernel's offsets",
                ins.iter().product::<usize>()
            )));
        }
        let mut ends = self.ends(id, if p.bias.is_some() { FLAG_BIAS } else { 0 });
        // A merged pair's lean run is the first one's GEMM of both (`lower/merge.rs`).
        match self.merge[id] {
            Some(Merge::First { second, choice }) => {
                ends.retain(|e| e.runs != Runs::Lean);
                self.merged(id, second, choice, &p, weights)?;
            }
            Some(Merge::Second) => ends.retain(|e| e.runs != Runs::Lean),
            None => {}
        }
        let mut aux2 = p.bias.clone().unwrap_or_else(|| vec![0.0; c.out_channels]);
        if let Some(wt) = choice.winograd {
            // U: [products][O][C], a GEMM of `products` groups.
            let layout = KernelLayout {
                groups: wt.products(),
                og: c.out_channels,
                k: cg,
            };
            let w = self.upload(&layout.arrange(&winograd_weights(&p.w, c.out_channels, cg, wt)));
            let b = self.upload(&aux2);
            self.winograd(id, choice, w, b, &ends);
            self.out.folded[id] = p.folded;
            self.out.held[id] = Held::Conv {
                w,
                aux2: b,
                layout,
                winograd: Some(wt),
            };
            return Ok(());
        }
        let layout = KernelLayout {
            groups: c.groups,
            og: c.out_channels / c.groups,
            k: cg * per,
        };
        let w = self.upload(&layout.arrange(&p.w));
        for ci in 0..cg {
            for ky in 0..c.kernel[0] {
                for kx in 0..c.kernel[1] {
                    aux2.push((ci * ins[1] * ins[2]) as f32);
                    aux2.push((ky * c.dilation[0]) as f32);
                    aux2.push((kx * c.dilation[1]) as f32);
                }
            }
        }
        let b = self.upload(&aux2);
        let og = c.out_channels / c.groups;
        let t = choice.tile.outputs();
        let grid = [
            u((os[1] * os[2]).div_ceil(t)),
            u(og.div_ceil(t)),
            u(c.groups * choice.parts),
        ];
        let (k, s, pad, d) = (c.kernel, c.stride, c.padding, c.dilation);
        let parts = u(choice.parts) << 8;
        let conv_params = |flags: u32| {
            params(
                [u(ins[0]), u(ins[1]), u(ins[2]), u(os[0])],
                [u(os[1]), u(os[2]), u(k[0]), u(k[1])],
                [u(s[0]), u(s[1]), u(pad[0]), u(pad[1])],
                [u(d[0]), u(d[1]), u(c.groups), flags | parts],
            )
        };
        let (wb, bb) = (Buf::Weight(w), Buf::Weight(b));
        let starts = self.starts(id);
        let kernel = |st: Start| {
            let base = choice.kernel();
            ConvKernel {
                prologue: st.prologue,
                // A max pool's window is gathered value by value.
                input: match st.prologue {
                    Prologue::MaxPool => ConvInput::Pointwise,
                    _ => base.input,
                },
                ..base
            }
            .name()
        };
        // A max pool before it: its input's map, strides, padding and window (`Prologue`).
        let pooled = |st: Start, mut params: super::Params| {
            let Some(r) = st.pool else {
                return params;
            };
            let Op::Pool2d(pl) = self.net.nodes[r].op.base() else {
                return params;
            };
            let map = &self.an.layers[self.net.nodes[r].inputs[0]].shape;
            let (s, pad, k) = (pl.stride, pl.padding, pl.kernel);
            params[1..3].copy_from_slice(&[u(map[1]), u(map[2])]);
            params[8..12].copy_from_slice(&[u(s[0]), u(s[1]), u(pad[0]), u(pad[1])]);
            params[12..14].copy_from_slice(&[u(k[0]), u(k[1])]);
            params
        };
        if choice.parts == 1 {
            for (st, e) in pairs(&starts, &ends) {
                let bufs = [st.input, wb, bb, e.y, e.y2];
                let params = pooled(st, conv_params(e.flags));
                let res = if st.prologue == Prologue::Norm {
                    st.res
                } else {
                    e.res
                };
                let kernel = kernel(st);
                self.at_end(e, |l| l.dispatch_with(&kernel, params, bufs, res, grid));
            }
        } else {
            let scratch = Buf::Scratch(Scratch::Parts);
            // The parts only for the runs whose reduce reads them (a merged pair's lean run
            // computes its own, `lower/merge.rs`).
            let needed: Vec<Runs> = ends.iter().map(|e| e.runs).collect();
            for st in starts {
                let Some(runs) = st.runs.within(&needed) else {
                    continue;
                };
                let bufs = [st.input, wb, bb, scratch, Buf::Sink];
                let params = pooled(st, conv_params(0));
                let kernel = kernel(st);
                self.at_run(runs, |l| {
                    l.dispatch_with(&kernel, params, bufs, st.res, grid)
                });
            }
            let count = self.count(id);
            for e in ends {
                let reduce = params(
                    [u(count), u(os[1] * os[2]), u(choice.parts), e.flags],
                    NONE,
                    NONE,
                    NONE,
                );
                let bufs = [scratch, Buf::Empty, bb, e.y, e.y2];
                let grid = super::grid_1d(count);
                self.at_end(e, |l| {
                    l.dispatch_with("splitk_reduce", reduce, bufs, e.res, grid)
                });
            }
        }
        self.out.folded[id] = p.folded;
        self.out.held[id] = Held::Conv {
            w,
            aux2: b,
            layout,
            winograd: None,
        };
        Ok(())
    }

    /// Winograd F(2×2, 3×3) or F(4×4, 3×3), as `choice` says: the input transform, the 16 or 36
    /// products as one grouped pointwise GEMM (weights `w`, U), the output transform with the
    /// bias (`b`) and the ReLU, one for each of `ends`.
    fn winograd(&mut self, id: NodeId, choice: ConvChoice, w: usize, b: usize, ends: &[End]) {
        let (ins, os) = (self.in_shape(id), self.shape(id));
        let (Op::Conv2d(c), Some(wt)) = (self.net.nodes[id].op.base(), choice.winograd) else {
            return;
        };
        let (ci, o) = (ins[0], os[0]);
        let (tw, th) = (os[2].div_ceil(wt.side()), os[1].div_ceil(wt.side()));
        let q = wt.products();
        let (input_kernel, output_kernel) = match wt {
            WinogradTile::F2 => ("winograd_input", "winograd_output"),
            WinogradTile::F4 => ("winograd4_input", "winograd4_output"),
        };
        let tiles = tw * th;
        let (v, m) = (
            Buf::Scratch(Scratch::WinogradIn),
            Buf::Scratch(Scratch::WinogradOut),
        );
        let input = params(
            [u(ci), u(ins[1]), u(ins[2]), u(tiles)],
            [u(tw), u(c.padding[0]), u(c.padding[1]), 0],
            NONE,
            NONE,
        );
        let bufs = [self.input(id), Buf::Empty, Buf::Empty, v, Buf::Sink];
        self.dispatch(input_kernel, input, bufs, super::grid_1d(ci * tiles));
        // [q][O][P] = [q][O][C] · [q][C][P]: a 1 × 1 convolution of a 1 × P map, q groups.
        let t = choice.tile.outputs();
        let gemm = params(
            [u(q * ci), 1, u(tiles), u(q * o)],
            [1, u(tiles), 1, 1],
            [1, 1, 0, 0],
            [1, 1, u(q), 1 << 8],
        );
        let grid = [u(tiles.div_ceil(t)), u(o.div_ceil(t)), u(q)];
        let bufs = [v, Buf::Weight(w), Buf::Empty, m, Buf::Sink];
        self.dispatch(&choice.kernel().name(), gemm, bufs, grid);
        for &e in ends {
            let output = params(
                [u(o), u(tiles), u(os[1]), u(os[2])],
                [u(tw), e.flags, 0, 0],
                NONE,
                NONE,
            );
            let bufs = [m, Buf::Empty, Buf::Weight(b), e.y, e.y2];
            let grid = super::grid_1d(o * tiles);
            self.at_end(e, |l| {
                l.dispatch_with(output_kernel, output, bufs, e.res, grid)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bᵀ and Aᵀ of each tile, as shaders/winograd.wgsl applies them.
    fn transforms(wt: WinogradTile) -> (Vec<Vec<f32>>, Vec<Vec<f32>>) {
        let rows = |r: &[&[f32]]| r.iter().map(|r| r.to_vec()).collect::<Vec<_>>();
        match wt {
            WinogradTile::F2 => (
                rows(&[
                    &[1.0, 0.0, -1.0, 0.0],
                    &[0.0, 1.0, 1.0, 0.0],
                    &[0.0, -1.0, 1.0, 0.0],
                    &[0.0, 1.0, 0.0, -1.0],
                ]),
                rows(&[&[1.0, 1.0, 1.0, 0.0], &[0.0, 1.0, -1.0, -1.0]]),
            ),
            WinogradTile::F4 => (
                rows(&[
                    &[4.0, 0.0, -5.0, 0.0, 1.0, 0.0],
                    &[0.0, -4.0, -4.0, 1.0, 1.0, 0.0],
                    &[0.0, 4.0, -4.0, -1.0, 1.0, 0.0],
                    &[0.0, -2.0, -1.0, 2.0, 1.0, 0.0],
                    &[0.0, 2.0, -1.0, -2.0, 1.0, 0.0],
                    &[0.0, 4.0, 0.0, -5.0, 0.0, 1.0],
                ]),
                rows(&[
                    &[1.0, 1.0, 1.0, 1.0, 1.0, 0.0],
                    &[0.0, 1.0, -1.0, 2.0, -2.0, 0.0],
                    &[0.0, 1.0, 1.0, 4.0, 4.0, 0.0],
                    &[0.0, 1.0, -1.0, 8.0, -8.0, 1.0],
                ]),
            ),
        }
    }

    /// The kernel's layout pads each row of output channels to a whole vec4 and gives the
    /// weights back as they were, grouped or not.
    #[test]
    fn kernel_layout_transposes_pads_and_restores() {
        let l = KernelLayout {
            groups: 2,
            og: 3,
            k: 2,
        };
        let w: Vec<f32> = (1..=12).map(|i| i as f32).collect();
        let held = l.arrange(&w);
        // Group 0: k = 0 holds o = 0, 1, 2 (w[0], w[2], w[4]) and a zero.
        assert_eq!(&held[..8], &[1.0, 3.0, 5.0, 0.0, 2.0, 4.0, 6.0, 0.0]);
        assert_eq!(&held[8..12], &[7.0, 9.0, 11.0, 0.0]);
        assert_eq!(held.len(), 16);
        assert_eq!(l.restore(&held), w);
    }

    /// For each tile: U = G g Gᵀ taken back by the left inverse gives g; and every output of a
    /// tile computed from U and the input transform, Aᵀ[U ⊙ (Bᵀ d B)]A, is the direct correlation.
    #[test]
    fn winograd_weights_transform_and_return() {
        let w: Vec<f32> = (0..2 * 3 * 9)
            .map(|i| ((i * 37 % 23) as f32 - 11.0) / 7.0)
            .collect();
        for wt in [WinogradTile::F2, WinogradTile::F4] {
            let u = winograd_weights(&w, 2, 3, wt);
            let back = winograd_unweights(&u, 2, 3, wt);
            for (a, b) in w.iter().zip(&back) {
                assert!((a - b).abs() < 1e-5, "{wt:?}: {a} vs {b}");
            }
            let (n, m) = (wt.patch(), wt.side());
            let g = &w[..9];
            let u1 = winograd_weights(g, 1, 1, wt);
            let d: Vec<f32> = (0..n * n).map(|i| (i as f32 * 0.3).sin()).collect();
            let (bt, at) = transforms(wt);
            let mut v = vec![0f32; n * n];
            for a in 0..n {
                for b in 0..n {
                    for i in 0..n {
                        for j in 0..n {
                            v[a * n + b] += bt[a][i] * d[i * n + j] * bt[b][j];
                        }
                    }
                }
            }
            for y in 0..m {
                for x in 0..m {
                    let mut fast = 0.0;
                    for a in 0..n {
                        for b in 0..n {
                            fast += at[y][a] * u1[a * n + b] * v[a * n + b] * at[x][b];
                        }
                    }
                    let mut direct = 0.0;
                    for i in 0..3 {
                        for j in 0..3 {
                            direct += g[i * 3 + j] * d[(y + i) * n + x + j];
                        }
                    }
                    assert!(
                        (fast - direct).abs() < 1e-4,
                        "{wt:?} ({y}, {x}): {fast} vs {direct}"
                    );
                }
            }
        }
    }
}
