//! Convolutions of the prepared engine: every kind the zoo uses, through the packed product of
//! `gemm.rs`. A 1×1 convolution at stride 1 reads its input's rows directly; other shapes pack
//! im2col columns straight from the input, block by block, never building the whole im2col
//! matrix; stride-1 3×3 convolutions use Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray,
//! "Fast Algorithms for Convolutional Neural Networks", CVPR 2016): 16 products per 2×2 outputs
//! and input channel instead of 36, transforms applied while the tiles are packed. Groups run in
//! one call, one product per group.

use super::gemm::{gemm, BSource, Epilogue, PackedA, Rows, NR};

/// A convolution's geometry: input `c × h × w`, output `o × oh × ow`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub o: usize,
    pub oh: usize,
    pub ow: usize,
    pub k: [usize; 2],
    pub stride: [usize; 2],
    pub pad: [usize; 2],
    pub dilation: [usize; 2],
    pub groups: usize,
}

impl Geometry {
    /// Input channels per group.
    pub fn cg(&self) -> usize {
        self.c / self.groups
    }

    /// Output channels per group.
    pub fn og(&self) -> usize {
        self.o / self.groups
    }

    fn pointwise(&self) -> bool {
        self.k == [1, 1] && self.stride == [1, 1] && self.pad == [0, 0]
    }

    /// Whether Winograd F(2×2, 3×3) applies and pays: 3×3, stride 1, no dilation, one group,
    /// enough channels that the products dominate the transforms (measured in Chromium: below
    /// 32 channels the im2col product is faster).
    pub fn winograd(&self) -> bool {
        self.k == [3, 3]
            && self.stride == [1, 1]
            && self.dilation == [1, 1]
            && self.groups == 1
            && self.c >= 32
            && self.o >= 32
            && self.oh >= 4
            && self.ow >= 4
    }
}

/// The columns of one group's im2col matrix, packed from the input on demand: row
/// `(ci, dy, dx)`, column `(oy, ox)`.
struct Im2Col<'a> {
    x: &'a [f32],
    g: &'a Geometry,
}

impl BSource for Im2Col<'_> {
    fn rows(&self) -> usize {
        self.g.cg() * self.g.k[0] * self.g.k[1]
    }

    fn cols(&self) -> usize {
        self.g.oh * self.g.ow
    }

    fn pack(&self, k0: usize, kc: usize, j0: usize, nc: usize, out: &mut [f32]) {
        let g = self.g;
        let (kh, kw) = (g.k[0], g.k[1]);
        let np = nc.div_ceil(NR);
        let (h, w) = (g.h as isize, g.w as isize);
        for q in 0..np {
            // The panel's columns: where each output position's window starts in the input.
            let mut base = [(0isize, 0isize); NR];
            let mut live = [false; NR];
            for (t, (b, l)) in base.iter_mut().zip(live.iter_mut()).enumerate() {
                let col = j0 + q * NR + t;
                if col < j0 + nc {
                    let (oy, ox) = (col / g.ow, col % g.ow);
                    *b = (
                        (oy * g.stride[0]) as isize - g.pad[0] as isize,
                        (ox * g.stride[1]) as isize - g.pad[1] as isize,
                    );
                    *l = true;
                }
            }
            // Stride 1 and all eight columns on one output row: each row of the panel is a
            // contiguous run of the input row, when it lies inside the image.
            let run = g.stride[1] == 1
                && g.dilation[1] == 1
                && live[NR - 1]
                && base[0].0 == base[NR - 1].0;
            let panel = &mut out[q * kc * NR..(q + 1) * kc * NR];
            for kk in 0..kc {
                let r = k0 + kk;
                let (ci, rest) = (r / (kh * kw), r % (kh * kw));
                let (dy, dx) = (
                    (rest / kw * g.dilation[0]) as isize,
                    (rest % kw * g.dilation[1]) as isize,
                );
                let plane = &self.x[ci * g.h * g.w..(ci + 1) * g.h * g.w];
                let dst = &mut panel[kk * NR..kk * NR + NR];
                if run {
                    let iy = base[0].0 + dy;
                    let ix = base[0].1 + dx;
                    if iy >= 0 && iy < h && ix >= 0 && ix + NR as isize <= w {
                        let at = iy as usize * g.w + ix as usize;
                        dst.copy_from_slice(&plane[at..at + NR]);
                        continue;
                    }
                }
                for t in 0..NR {
                    let (by, bx) = base[t];
                    let (iy, ix) = (by + dy, bx + dx);
                    dst[t] = if live[t] && iy >= 0 && iy < h && ix >= 0 && ix < w {
                        plane[iy as usize * g.w + ix as usize]
                    } else {
                        0.0
                    };
                }
            }
        }
    }
}

/// A convolution's weights prepared for its kernel.
#[derive(Clone, Debug, PartialEq)]
pub enum ConvWeights {
    /// One packed `og × cg·kh·kw` matrix per group.
    Gemm(Vec<PackedA>),
    /// Winograd: the 16 transformed matrices `o × c`, one per position of the 4×4 tile.
    Winograd(Vec<PackedA>),
}

impl ConvWeights {
    /// Prepares `[o][cg][kh][kw]` weights for the geometry.
    pub fn prepare(w: &[f32], g: &Geometry) -> ConvWeights {
        Self::prepare_as(w, g, g.winograd())
    }

    /// Prepares weights for Winograd (`winograd`, where the geometry allows it) or for a GEMM.
    pub fn prepare_as(w: &[f32], g: &Geometry, winograd: bool) -> ConvWeights {
        let per = g.cg() * g.k[0] * g.k[1];
        assert_eq!(w.len(), g.o * per, "weights for {g:?}");
        if winograd {
            return ConvWeights::Winograd(winograd_weights(w, g.o, g.c));
        }
        ConvWeights::Gemm(
            (0..g.groups)
                .map(|grp| {
                    let rows = &w[grp * g.og() * per..(grp + 1) * g.og() * per];
                    PackedA::pack(rows, g.og(), per)
                })
                .collect(),
        )
    }

    /// The `[o][cg][kh][kw]` weights back (for Winograd, recovered from the transform's corner
    /// values, which hold the original taps exactly up to rounding).
    pub fn unpack(&self, g: &Geometry) -> Vec<f32> {
        match self {
            ConvWeights::Gemm(groups) => groups.iter().flat_map(|a| a.unpack()).collect(),
            ConvWeights::Winograd(u) => winograd_unpack(u, g.o, g.c),
        }
    }

    pub fn bytes(&self) -> usize {
        match self {
            ConvWeights::Gemm(v) | ConvWeights::Winograd(v) => v.iter().map(|a| a.bytes()).sum(),
        }
    }
}

/// Runs a convolution: `x` is `c × h × w`, `y` is `o × oh × ow`.
pub fn conv(
    x: &[f32],
    g: &Geometry,
    w: &ConvWeights,
    y: &mut [f32],
    ep: Epilogue,
    scratch: &mut Vec<f32>,
) {
    debug_assert_eq!(x.len(), g.c * g.h * g.w);
    debug_assert_eq!(y.len(), g.o * g.oh * g.ow);
    match w {
        ConvWeights::Winograd(u) => winograd(x, g, u, y, ep, scratch),
        ConvWeights::Gemm(groups) => {
            let n = g.oh * g.ow;
            let (cg, og) = (g.cg(), g.og());
            for (grp, a) in groups.iter().enumerate() {
                let xs = &x[grp * cg * g.h * g.w..(grp + 1) * cg * g.h * g.w];
                let ys = &mut y[grp * og * n..(grp + 1) * og * n];
                let ep = Epilogue {
                    bias: ep.bias.map(|b| &b[grp * og..(grp + 1) * og]),
                    add: ep.add.map(|a| &a[grp * og * n..(grp + 1) * og * n]),
                    relu: ep.relu,
                };
                if g.pointwise() {
                    gemm(
                        a,
                        &Rows {
                            data: xs,
                            k: cg,
                            n,
                            ld: n,
                        },
                        ys,
                        n,
                        ep,
                    );
                } else {
                    gemm(a, &Im2Col { x: xs, g }, ys, n, ep);
                }
            }
        }
    }
}

// Winograd F(2×2, 3×3): Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A.

fn winograd_weights(w: &[f32], o: usize, c: usize) -> Vec<PackedA> {
    let mut u = vec![vec![0f32; o * c]; 16];
    for oc in 0..o {
        for ic in 0..c {
            let g = &w[(oc * c + ic) * 9..(oc * c + ic) * 9 + 9];
            // t = G g (4×3), then t Gᵀ (4×4).
            let mut t = [[0f32; 3]; 4];
            for col in 0..3 {
                let (g0, g1, g2) = (g[col], g[3 + col], g[6 + col]);
                t[0][col] = g0;
                t[1][col] = 0.5 * (g0 + g1 + g2);
                t[2][col] = 0.5 * (g0 - g1 + g2);
                t[3][col] = g2;
            }
            for (row, tr) in t.iter().enumerate() {
                let v = [
                    tr[0],
                    0.5 * (tr[0] + tr[1] + tr[2]),
                    0.5 * (tr[0] - tr[1] + tr[2]),
                    tr[2],
                ];
                for (col, value) in v.into_iter().enumerate() {
                    u[row * 4 + col][oc * c + ic] = value;
                }
            }
        }
    }
    u.iter().map(|m| PackedA::pack(m, o, c)).collect()
}

fn winograd_unpack(u: &[PackedA], o: usize, c: usize) -> Vec<f32> {
    let m: Vec<Vec<f32>> = u.iter().map(|a| a.unpack()).collect();
    let mut w = vec![0f32; o * c * 9];
    // U = t Gᵀ with t = G g: a row r of U gives t[r] as (U[r][0], U[r][1] − U[r][2], U[r][3]);
    // rows 0 and 3 of t are g's first and last rows, and t[1] − t[2] is its middle row.
    for i in 0..o * c {
        let at = |r: usize, col: usize| m[r * 4 + col][i];
        let t = |r: usize| [at(r, 0), at(r, 1) - at(r, 2), at(r, 3)];
        let (t0, t1, t2, t3) = (t(0), t(1), t(2), t(3));
        for j in 0..3 {
            w[i * 9 + j] = t0[j];
            w[i * 9 + 3 + j] = t1[j] - t2[j];
            w[i * 9 + 6 + j] = t3[j];
        }
    }
    w
}

/// Tiles transformed at once (bounds the scratch memory: 16 × channels × TILES values).
const TILES: usize = 1024;

fn winograd(
    x: &[f32],
    g: &Geometry,
    u: &[PackedA],
    y: &mut [f32],
    ep: Epilogue,
    scratch: &mut Vec<f32>,
) {
    let (c, h, w, o) = (g.c, g.h, g.w, g.o);
    let (oh, ow) = (g.oh, g.ow);
    let (p0, p1) = (g.pad[0] as isize, g.pad[1] as isize);
    let tx = ow.div_ceil(2);
    let total = oh.div_ceil(2) * tx;
    let chunk = TILES.min(total);
    // Padded input rows of one tile row: 4 rows of 2·tx + 2 values, and their row transform.
    let wide = 2 * tx + 2;
    let need = 16 * (c + o) * chunk + 8 * wide;
    if scratch.len() < need {
        scratch.resize(need, 0.0);
    }
    let (v, rest) = scratch.split_at_mut(16 * c * chunk);
    let (m, rows) = rest.split_at_mut(16 * o * chunk);
    let (rows, rt) = rows[..8 * wide].split_at_mut(4 * wide);
    for t0 in (0..total).step_by(chunk) {
        let tc = chunk.min(total - t0);
        // Input transform: V[ξ][ci][t] = (Bᵀ d B)[ξ] for the 4×4 input tile d of tile t, a tile
        // row at a time (rows first, vectorised along the row, then columns per tile).
        for ci in 0..c {
            let plane = &x[ci * h * w..(ci + 1) * h * w];
            let mut t = t0;
            while t < t0 + tc {
                let (tyi, first) = (t / tx, t % tx);
                let last = tx.min(first + (t0 + tc - t));
                let iy0 = tyi as isize * 2 - p0;
                for (r, row) in rows.chunks_exact_mut(wide).enumerate() {
                    row.fill(0.0);
                    let iy = iy0 + r as isize;
                    if iy < 0 || iy >= h as isize {
                        continue;
                    }
                    let src = &plane[iy as usize * w..(iy as usize + 1) * w];
                    // row[j] holds input column j − p1.
                    let lo = p1.max(0) as usize;
                    let n = (w).min(wide.saturating_sub(lo));
                    row[lo..lo + n].copy_from_slice(&src[..n]);
                }
                let (r0, rest) = rows.split_at(wide);
                let (r1, rest) = rest.split_at(wide);
                let (r2, r3) = rest.split_at(wide);
                let (a0, rest) = rt.split_at_mut(wide);
                let (a1, rest) = rest.split_at_mut(wide);
                let (a2, a3) = rest.split_at_mut(wide);
                for j in 0..wide {
                    a0[j] = r0[j] - r2[j];
                    a1[j] = r1[j] + r2[j];
                    a2[j] = r2[j] - r1[j];
                    a3[j] = r1[j] - r3[j];
                }
                for (k, a) in [&*a0, &*a1, &*a2, &*a3].into_iter().enumerate() {
                    // Tile xt's value sits at base(j) + xt − first (xt ≥ first: no underflow).
                    let base = |j: usize| ((k * 4 + j) * c + ci) * tc + (t - t0);
                    let (o0, o1, o2, o3) = (base(0), base(1), base(2), base(3));
                    for xt in first..last {
                        let q = &a[2 * xt..2 * xt + 4];
                        v[o0 + xt - first] = q[0] - q[2];
                        v[o1 + xt - first] = q[1] + q[2];
                        v[o2 + xt - first] = q[2] - q[1];
                        v[o3 + xt - first] = q[1] - q[3];
                    }
                }
                t += last - first;
            }
        }
        // The 16 products M[ξ] = U[ξ] · V[ξ] (o × tc).
        for xi in 0..16 {
            let vb = &v[xi * c * tc..(xi + 1) * c * tc];
            let mb = &mut m[xi * o * tc..(xi + 1) * o * tc];
            gemm(
                &u[xi],
                &Rows {
                    data: vb,
                    k: c,
                    n: tc,
                    ld: tc,
                },
                mb,
                tc,
                Epilogue::default(),
            );
        }
        // Output transform: Y = Aᵀ M A per tile, then bias, residual and ReLU; a tile row at a
        // time, along the row.
        for oc in 0..o {
            let bias = ep.bias.map_or(0.0, |b| b[oc]);
            let pl: [&[f32]; 16] =
                std::array::from_fn(|xi| &m[(xi * o + oc) * tc..(xi * o + oc + 1) * tc]);
            let mut t = t0;
            while t < t0 + tc {
                let (tyi, first) = (t / tx, t % tx);
                let n = (tx - first).min(t0 + tc - t);
                let at = t - t0;
                // `i` indexes sixteen planes at once; an iterator over one would hide that.
                #[allow(clippy::needless_range_loop)]
                for i in at..at + n {
                    // Aᵀ M: row 0 = M0 + M1 + M2, row 1 = M1 − M2 − M3 (rows of the 4×4 tile).
                    let mut s0 = [0f32; 4];
                    let mut s1 = [0f32; 4];
                    for col in 0..4 {
                        let (m0, m1, m2, m3) =
                            (pl[col][i], pl[4 + col][i], pl[8 + col][i], pl[12 + col][i]);
                        s0[col] = m0 + m1 + m2;
                        s1[col] = m1 - m2 - m3;
                    }
                    let out = [
                        [s0[0] + s0[1] + s0[2], s0[1] - s0[2] - s0[3]],
                        [s1[0] + s1[1] + s1[2], s1[1] - s1[2] - s1[3]],
                    ];
                    let ox = (first + i - at) * 2;
                    for (dy, pair) in out.into_iter().enumerate() {
                        let oy = tyi * 2 + dy;
                        if oy >= oh {
                            continue;
                        }
                        let row = (oc * oh + oy) * ow;
                        for (dx, val) in pair.into_iter().enumerate() {
                            if ox + dx >= ow {
                                continue;
                            }
                            let idx = row + ox + dx;
                            let mut val = val + bias;
                            if let Some(a) = ep.add {
                                val += a[idx];
                            }
                            if ep.relu {
                                val = val.max(0.0);
                            }
                            y[idx] = val;
                        }
                    }
                }
                t += n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct convolution, for reference.
    fn direct(x: &[f32], w: &[f32], g: &Geometry) -> Vec<f32> {
        let mut y = vec![0f32; g.o * g.oh * g.ow];
        let (cg, og) = (g.cg(), g.og());
        for oc in 0..g.o {
            let grp = oc / og;
            for oy in 0..g.oh {
                for ox in 0..g.ow {
                    let mut s = 0f64;
                    for ci in 0..cg {
                        for dy in 0..g.k[0] {
                            for dx in 0..g.k[1] {
                                let iy = (oy * g.stride[0] + dy * g.dilation[0]) as isize
                                    - g.pad[0] as isize;
                                let ix = (ox * g.stride[1] + dx * g.dilation[1]) as isize
                                    - g.pad[1] as isize;
                                if iy < 0 || ix < 0 || iy as usize >= g.h || ix as usize >= g.w {
                                    continue;
                                }
                                let xv =
                                    x[((grp * cg + ci) * g.h + iy as usize) * g.w + ix as usize];
                                let wv = w[((oc * cg + ci) * g.k[0] + dy) * g.k[1] + dx];
                                s += xv as f64 * wv as f64;
                            }
                        }
                    }
                    y[(oc * g.oh + oy) * g.ow + ox] = s as f32;
                }
            }
        }
        y
    }

    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n as u32)
            .map(|i| {
                ((i.wrapping_mul(2654435761).wrapping_add(seed) >> 8) % 2001) as f32 / 1000.0 - 1.0
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn geometry(
        c: usize,
        hw: [usize; 2],
        o: usize,
        k: usize,
        s: usize,
        p: usize,
        d: usize,
        groups: usize,
    ) -> Geometry {
        let out = |n: usize| (n + 2 * p - d * (k - 1) - 1) / s + 1;
        Geometry {
            c,
            h: hw[0],
            w: hw[1],
            o,
            oh: out(hw[0]),
            ow: out(hw[1]),
            k: [k, k],
            stride: [s, s],
            pad: [p, p],
            dilation: [d, d],
            groups,
        }
    }

    #[test]
    fn every_path_matches_the_direct_convolution() {
        let cases = [
            geometry(3, [13, 11], 5, 3, 2, 0, 1, 1), // im2col, stride 2, odd sizes
            geometry(16, [9, 9], 24, 1, 1, 0, 1, 1), // pointwise
            geometry(8, [10, 7], 8, 1, 2, 0, 1, 1),  // strided 1×1 (im2col)
            geometry(32, [15, 13], 16, 3, 1, 1, 1, 1), // Winograd, odd output
            geometry(16, [8, 8], 32, 3, 1, 0, 1, 1), // Winograd without padding
            geometry(32, [9, 9], 32, 3, 1, 1, 1, 8), // groups
            geometry(4, [12, 12], 6, 3, 1, 2, 2, 1), // dilation
            geometry(3, [23, 23], 4, 11, 4, 2, 1, 1), // AlexNet-like
        ];
        for g in cases {
            let x = values(g.c * g.h * g.w, 1);
            let w = values(g.o * g.cg() * g.k[0] * g.k[1], 2);
            let bias = values(g.o, 3);
            let prepared = ConvWeights::prepare(&w, &g);
            assert_eq!(
                matches!(prepared, ConvWeights::Winograd(_)),
                g.winograd(),
                "{g:?}"
            );
            let back = prepared.unpack(&g);
            for (a, b) in back.iter().zip(&w) {
                assert!((a - b).abs() < 1e-5, "{g:?}: unpacked weight {a} vs {b}");
            }
            let mut y = vec![0f32; g.o * g.oh * g.ow];
            let ep = Epilogue {
                bias: Some(&bias),
                add: None,
                relu: false,
            };
            conv(&x, &g, &prepared, &mut y, ep, &mut Vec::new());
            let want = direct(&x, &w, &g);
            let per = g.oh * g.ow;
            for (i, (a, b)) in y.iter().zip(&want).enumerate() {
                let b = b + bias[i / per];
                assert!(
                    (a - b).abs() < 1e-3 * (1.0 + b.abs()),
                    "{g:?} at {i}: {a} vs {b}"
                );
            }
        }
    }
}
