//! The matrix product at the heart of the prepared CPU engine: C = A·B (+ bias per row, + a
//! residual, then ReLU), with A — a layer's weights — packed once when the network is prepared,
//! and B — im2col columns, an input's rows, Winograd-transformed tiles — packed block by block as
//! the product runs. A 4×8 register tile per step: on wasm32 with SIMD128 eight f32x4
//! accumulators fed by splatted A values; elsewhere plain arrays the compiler vectorises.
//!
//! Blocking follows Goto & van de Geijn ("Anatomy of High-Performance Matrix Multiplication",
//! ACM TOMS 2008): B in blocks of KC×NC (L2), A in panels of MR rows × KC (L1).

/// Rows of A per register tile.
pub const MR: usize = 8;
/// Columns of B per register tile.
pub const NR: usize = 8;
/// Depth of a block of the product (rows of B packed at once).
pub const KC: usize = 256;
/// Columns of B packed at once.
pub const NC: usize = 256;

/// A matrix packed for the kernel: for each block of KC columns of A, each panel of MR rows is
/// stored depth-major (`[kk][r]`), zero-padded to a whole panel.
#[derive(Clone, Debug, PartialEq)]
pub struct PackedA {
    pub m: usize,
    pub k: usize,
    data: Vec<f32>,
}

fn panels(m: usize) -> usize {
    m.div_ceil(MR)
}

impl PackedA {
    /// Packs a row-major `m × k` matrix.
    pub fn pack(a: &[f32], m: usize, k: usize) -> PackedA {
        assert_eq!(a.len(), m * k, "A is {m}×{k}");
        let mp = panels(m);
        let mut data = vec![0f32; mp * MR * k];
        let mut o = 0;
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            for p in 0..mp {
                for kk in 0..kc {
                    for r in 0..MR {
                        let row = p * MR + r;
                        if row < m {
                            data[o] = a[row * k + pc + kk];
                        }
                        o += 1;
                    }
                }
            }
        }
        PackedA { m, k, data }
    }

    /// The row-major matrix back.
    pub fn unpack(&self) -> Vec<f32> {
        let (m, k) = (self.m, self.k);
        let mut a = vec![0f32; m * k];
        let mp = panels(m);
        let mut o = 0;
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            for p in 0..mp {
                for kk in 0..kc {
                    for r in 0..MR {
                        let row = p * MR + r;
                        if row < m {
                            a[row * k + pc + kk] = self.data[o];
                        }
                        o += 1;
                    }
                }
            }
        }
        a
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.data.len() * 4
    }

    /// Panel `p` of the block starting at depth `pc` (KC-aligned): `kc × MR` values.
    fn panel(&self, pc: usize, p: usize) -> &[f32] {
        let kc = KC.min(self.k - pc);
        let start = pc * panels(self.m) * MR + p * kc * MR;
        &self.data[start..start + kc * MR]
    }
}

/// Where B comes from: a source packs its rows `k0..k0+kc`, columns `j0..j0+nc` into panels of
/// NR columns (`[panel][kk][c]`, zero-padded).
pub trait BSource {
    fn rows(&self) -> usize;
    fn cols(&self) -> usize;
    fn pack(&self, k0: usize, kc: usize, j0: usize, nc: usize, out: &mut [f32]);
    /// B as rows the kernel can read in place (values, row stride), when it is stored so.
    fn direct(&self) -> Option<(&[f32], usize)> {
        None
    }
}

/// B as a row-major matrix with row stride `ld` (an input's channels × pixels, a 1×1
/// convolution's input, Winograd-transformed tiles).
pub struct Rows<'a> {
    pub data: &'a [f32],
    pub k: usize,
    pub n: usize,
    pub ld: usize,
}

impl BSource for Rows<'_> {
    fn rows(&self) -> usize {
        self.k
    }

    fn direct(&self) -> Option<(&[f32], usize)> {
        Some((self.data, self.ld))
    }

    fn cols(&self) -> usize {
        self.n
    }

    fn pack(&self, k0: usize, kc: usize, j0: usize, nc: usize, out: &mut [f32]) {
        let np = nc.div_ceil(NR);
        for q in 0..np {
            let c0 = j0 + q * NR;
            let w = NR.min(j0 + nc - c0);
            let panel = &mut out[q * kc * NR..(q + 1) * kc * NR];
            for kk in 0..kc {
                let src = &self.data[(k0 + kk) * self.ld + c0..];
                let dst = &mut panel[kk * NR..kk * NR + NR];
                dst[..w].copy_from_slice(&src[..w]);
                dst[w..].fill(0.0);
            }
        }
    }
}

/// What happens to each output value once its sum is complete.
#[derive(Clone, Copy, Default)]
pub struct Epilogue<'a> {
    /// Added to every value of a row (a convolution's bias, batch norm folded in).
    pub bias: Option<&'a [f32]>,
    /// Added element-wise, laid out like C (a residual connection).
    pub add: Option<&'a [f32]>,
    pub relu: bool,
}

/// C (`m × n`, row stride `ldc`) = A·B, then the epilogue.
pub fn gemm(a: &PackedA, b: &dyn BSource, c: &mut [f32], ldc: usize, ep: Epilogue) {
    let (m, k, n) = (a.m, a.k, b.cols());
    assert_eq!(b.rows(), k, "A is {m}×{k}, B has {} rows", b.rows());
    if m == 0 || n == 0 {
        return;
    }
    let mp = panels(m);
    // Rows of B the kernel reads in place (full panels); the rest is packed.
    let direct = b.direct();
    let mut bpack = vec![
        0f32;
        if direct.is_some() {
            KC.min(k) * NR
        } else {
            KC.min(k) * NC.min(n).div_ceil(NR) * NR
        }
    ];
    for j0 in (0..n).step_by(NC) {
        let nc = NC.min(n - j0);
        let np = nc.div_ceil(NR);
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            let first = pc == 0;
            let last = pc + kc == k;
            if direct.is_none() {
                b.pack(pc, kc, j0, nc, &mut bpack);
            } else if nc % NR != 0 {
                // The last, partial panel of the block.
                let c0 = j0 + (np - 1) * NR;
                b.pack(pc, kc, c0, n.min(j0 + nc) - c0, &mut bpack);
            }
            for p in 0..mp {
                let ap = a.panel(pc, p);
                let r0 = p * MR;
                let rows = MR.min(m - r0);
                for q in 0..np {
                    let c0 = j0 + q * NR;
                    let cols = NR.min(n - c0);
                    let (bp, ldb) = match direct {
                        Some((data, ld)) if cols == NR => (&data[pc * ld + c0..], ld),
                        Some(_) => (&bpack[..kc * NR], NR),
                        None => (&bpack[q * kc * NR..(q + 1) * kc * NR], NR),
                    };
                    let mut acc = [[0f32; NR]; MR];
                    kernel(kc, ap, bp, ldb, &mut acc);
                    if rows == MR && cols == NR {
                        store_full(&acc, c, r0 * ldc + c0, ldc, r0, first, last, &ep);
                        continue;
                    }
                    for r in 0..rows {
                        let row = &mut c[(r0 + r) * ldc + c0..(r0 + r) * ldc + c0 + cols];
                        let tile = &acc[r][..cols];
                        if first {
                            row.copy_from_slice(tile);
                        } else {
                            for (o, t) in row.iter_mut().zip(tile) {
                                *o += t;
                            }
                        }
                        if last {
                            finish(row, r0 + r, (r0 + r) * ldc + c0, &ep);
                        }
                    }
                }
            }
        }
    }
}

/// Writes a whole MR × NR tile at `offset` of C: stores (first block) or adds to it, and on the
/// last block applies the epilogue — vectorised.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn store_full(
    acc: &[[f32; NR]; MR],
    c: &mut [f32],
    offset: usize,
    ldc: usize,
    r0: usize,
    first: bool,
    last: bool,
    ep: &Epilogue,
) {
    for (r, tile) in acc.iter().enumerate() {
        let at = offset + r * ldc;
        let out: &mut [f32; NR] = (&mut c[at..at + NR]).try_into().expect("a full tile row");
        let bias = if last {
            ep.bias.map_or(0.0, |b| b[r0 + r])
        } else {
            0.0
        };
        let add: Option<&[f32; NR]> = if last {
            ep.add
                .map(|a| (&a[at..at + NR]).try_into().expect("a full tile row"))
        } else {
            None
        };
        store_row(tile, out, first, bias, add, last && ep.relu);
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn store_row(
    tile: &[f32; NR],
    out: &mut [f32; NR],
    first: bool,
    bias: f32,
    add: Option<&[f32; NR]>,
    relu: bool,
) {
    use core::arch::wasm32::*;
    // SAFETY: tile, out and add are arrays of NR = 8 values: two v128 each.
    unsafe {
        let t = tile.as_ptr() as *const v128;
        let o = out.as_mut_ptr() as *mut v128;
        let b = f32x4_splat(bias);
        for half in 0..2 {
            let mut v = f32x4_add(v128_load(t.add(half)), b);
            if !first {
                v = f32x4_add(v, v128_load(o.add(half)));
            }
            if let Some(a) = add {
                v = f32x4_add(v, v128_load((a.as_ptr() as *const v128).add(half)));
            }
            if relu {
                v = f32x4_pmax(v, f32x4_splat(0.0));
            }
            v128_store(o.add(half), v);
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn store_row(
    tile: &[f32; NR],
    out: &mut [f32; NR],
    first: bool,
    bias: f32,
    add: Option<&[f32; NR]>,
    relu: bool,
) {
    for i in 0..NR {
        let mut v = tile[i] + bias;
        if !first {
            v += out[i];
        }
        if let Some(a) = add {
            v += a[i];
        }
        if relu {
            v = v.max(0.0);
        }
        out[i] = v;
    }
}

fn finish(row: &mut [f32], r: usize, offset: usize, ep: &Epilogue) {
    if let Some(bias) = ep.bias {
        let b = bias[r];
        for v in row.iter_mut() {
            *v += b;
        }
    }
    if let Some(add) = ep.add {
        let n = row.len();
        for (v, a) in row.iter_mut().zip(&add[offset..offset + n]) {
            *v += a;
        }
    }
    if ep.relu {
        for v in row.iter_mut() {
            *v = v.max(0.0);
        }
    }
}

/// acc (MR × NR) = A panel (kc × MR) · B panel (kc × NR).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn kernel(kc: usize, a: &[f32], b: &[f32], ldb: usize, acc: &mut [[f32; NR]; MR]) {
    use core::arch::wasm32::*;
    assert!(a.len() >= kc * MR && (kc == 0 || b.len() >= (kc - 1) * ldb + NR));
    // SAFETY: the slices hold kc·MR values and kc rows of NR values `ldb` apart (asserted
    // above); unaligned v128 loads are allowed in wasm.
    unsafe {
        let z = f32x4_splat(0.0);
        let mut c = [[z; 2]; MR];
        let ap = a.as_ptr();
        let bp = b.as_ptr();
        #[inline(always)]
        unsafe fn step(c: &mut [[v128; 2]; MR], ap: *const f32, bp: *const f32) {
            let b0 = v128_load(bp as *const v128);
            let b1 = v128_load(bp.add(4) as *const v128);
            for (r, acc) in c.iter_mut().enumerate() {
                let s = v128_load32_splat(ap.add(r) as *const u32);
                acc[0] = f32x4_add(acc[0], f32x4_mul(s, b0));
                acc[1] = f32x4_add(acc[1], f32x4_mul(s, b1));
            }
        }
        let mut kk = 0;
        while kk + 4 <= kc {
            step(&mut c, ap.add(kk * MR), bp.add(kk * ldb));
            step(&mut c, ap.add((kk + 1) * MR), bp.add((kk + 1) * ldb));
            step(&mut c, ap.add((kk + 2) * MR), bp.add((kk + 2) * ldb));
            step(&mut c, ap.add((kk + 3) * MR), bp.add((kk + 3) * ldb));
            kk += 4;
        }
        while kk < kc {
            step(&mut c, ap.add(kk * MR), bp.add(kk * ldb));
            kk += 1;
        }
        let out = acc.as_mut_ptr() as *mut f32;
        for (r, pair) in c.iter().enumerate() {
            v128_store(out.add(r * NR) as *mut v128, pair[0]);
            v128_store(out.add(r * NR + 4) as *mut v128, pair[1]);
        }
    }
}

/// acc (MR × NR) = A panel (kc × MR) · B panel (kc × NR).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn kernel(kc: usize, a: &[f32], b: &[f32], ldb: usize, acc: &mut [[f32; NR]; MR]) {
    for (kk, av) in a[..kc * MR].chunks_exact(MR).enumerate() {
        let bv = &b[kk * ldb..kk * ldb + NR];
        for r in 0..MR {
            for c in 0..NR {
                acc[r][c] += av[r] * bv[c];
            }
        }
    }
}

/// y (m) = A·x + bias for a row-major `m × k` A: a fully connected layer at batch 1, reading
/// each weight once.
pub fn gemv(a: &[f32], m: usize, k: usize, x: &[f32], bias: Option<&[f32]>, y: &mut [f32]) {
    assert_eq!(a.len(), m * k);
    assert_eq!(x.len(), k);
    for (i, out) in y.iter_mut().enumerate().take(m) {
        let row = &a[i * k..(i + 1) * k];
        *out = dot(row, x) + bias.map_or(0.0, |b| b[i]);
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    use core::arch::wasm32::*;
    let n = a.len();
    let mut i = 0;
    // SAFETY: every load reads 4 values at i..i+4 < n.
    unsafe {
        let (mut s0, mut s1, mut s2, mut s3) = (
            f32x4_splat(0.0),
            f32x4_splat(0.0),
            f32x4_splat(0.0),
            f32x4_splat(0.0),
        );
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        while i + 16 <= n {
            s0 = f32x4_add(
                s0,
                f32x4_mul(v128_load(pa.add(i) as _), v128_load(pb.add(i) as _)),
            );
            s1 = f32x4_add(
                s1,
                f32x4_mul(v128_load(pa.add(i + 4) as _), v128_load(pb.add(i + 4) as _)),
            );
            s2 = f32x4_add(
                s2,
                f32x4_mul(v128_load(pa.add(i + 8) as _), v128_load(pb.add(i + 8) as _)),
            );
            s3 = f32x4_add(
                s3,
                f32x4_mul(
                    v128_load(pa.add(i + 12) as _),
                    v128_load(pb.add(i + 12) as _),
                ),
            );
            i += 16;
        }
        let s = f32x4_add(f32x4_add(s0, s1), f32x4_add(s2, s3));
        let mut total = f32x4_extract_lane::<0>(s)
            + f32x4_extract_lane::<1>(s)
            + f32x4_extract_lane::<2>(s)
            + f32x4_extract_lane::<3>(s);
        while i < n {
            total += a[i] * b[i];
            i += 1;
        }
        total
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut s = [0f32; 8];
    let chunks = a.len() / 8;
    for (ca, cb) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        for l in 0..8 {
            s[l] += ca[l] * cb[l];
        }
    }
    let mut total: f32 = s.iter().sum();
    for i in chunks * 8..a.len() {
        total += a[i] * b[i];
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
        let mut c = vec![0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut s = 0f64;
                for l in 0..k {
                    s += a[i * k + l] as f64 * b[l * n + j] as f64;
                }
                c[i * n + j] = s as f32;
            }
        }
        c
    }

    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n as u32)
            .map(|i| {
                ((i.wrapping_mul(2654435761).wrapping_add(seed) >> 8) % 2001) as f32 / 1000.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn products_of_awkward_sizes_match_the_naive_one() {
        for (m, k, n) in [
            (1, 1, 1),
            (3, 5, 7),
            (4, 8, 8),
            (13, 300, 33),
            (64, 576, 520),
            (5, 257, 9),
        ] {
            let a = values(m * k, 1);
            let b = values(k * n, 2);
            let pa = PackedA::pack(&a, m, k);
            assert_eq!(pa.unpack(), a);
            let mut c = vec![0f32; m * n];
            gemm(
                &pa,
                &Rows {
                    data: &b,
                    k,
                    n,
                    ld: n,
                },
                &mut c,
                n,
                Epilogue::default(),
            );
            let want = naive(&a, &b, m, k, n);
            for (x, y) in c.iter().zip(&want) {
                assert!(
                    (x - y).abs() <= 1e-4 * (1.0 + y.abs()),
                    "{m}×{k}×{n}: {x} vs {y}"
                );
            }
        }
    }

    #[test]
    fn the_epilogue_adds_bias_and_residual_then_clamps() {
        let (m, k, n) = (6, 10, 11);
        let a = values(m * k, 3);
        let b = values(k * n, 4);
        let bias = values(m, 5);
        let res = values(m * n, 6);
        let mut c = vec![0f32; m * n];
        let ep = Epilogue {
            bias: Some(&bias),
            add: Some(&res),
            relu: true,
        };
        gemm(
            &PackedA::pack(&a, m, k),
            &Rows {
                data: &b,
                k,
                n,
                ld: n,
            },
            &mut c,
            n,
            ep,
        );
        let want = naive(&a, &b, m, k, n);
        for i in 0..m {
            for j in 0..n {
                let w = (want[i * n + j] + bias[i] + res[i * n + j]).max(0.0);
                assert!((c[i * n + j] - w).abs() < 1e-4);
            }
        }
    }

    #[test]
    fn gemv_matches() {
        let (m, k) = (7, 37);
        let a = values(m * k, 7);
        let x = values(k, 8);
        let mut y = vec![0f32; m];
        gemv(&a, m, k, &x, None, &mut y);
        let want = naive(&a, &x, m, k, 1);
        for (p, q) in y.iter().zip(&want) {
            assert!((p - q).abs() < 1e-4);
        }
    }
}
