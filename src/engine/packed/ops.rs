//! The prepared engine's other operations, each a direct loop over `C × H × W` maps: pooling
//! with padding and ceil mode (windows clipped to the image, never a padded copy), adaptive
//! average pooling, LeNet-5's trainable sub-sampling, local response normalisation, activations,
//! element-wise sums and means, scaling, and the CIFAR ResNets' zero-padding shortcut.

use crate::zoo::analysis::pool_window;
use crate::zoo::graph::{Activation, Pool, PoolKind};

/// Max or average pooling of `c` maps `h × w` into `oh × ow` (PyTorch's rules: with
/// `count_include_pad` padding counts as zeros for the average, without it only the image's
/// pixels count; a window starting in the right padding is never produced, and the average of a
/// ceil-mode window clipped at the far edge divides by its size within the padded input). Each
/// output row's window columns are computed once.
pub fn pool(
    x: &[f32],
    c: usize,
    [h, w]: [usize; 2],
    pl: &Pool,
    [oh, ow]: [usize; 2],
    y: &mut [f32],
) {
    let (kind, k, s, p) = (pl.kind, pl.kernel, pl.stride, pl.padding);
    // Window columns [xa, xb) of each output column, and the divisor's width.
    let cols: Vec<(usize, usize, f32)> = (0..ow).map(|ox| pool_window(pl, 1, w, ox)).collect();
    let mut acc = vec![0f32; ow];
    // Max pooling: each row maxed down the window into `vrow`, which holds the row at offset
    // p[1] between −∞ margins, so that every window along it is whole (a clipped window and a
    // window over −∞ padding have the same maximum; a window never lies wholly in padding).
    let span = (ow.next_multiple_of(4) * s[1] + k[1] + 8).max(p[1] + w);
    let mut vrow = vec![f32::NEG_INFINITY; span];
    for ch in 0..c {
        let plane = &x[ch * h * w..(ch + 1) * h * w];
        let out = &mut y[ch * oh * ow..(ch + 1) * oh * ow];
        for oy in 0..oh {
            let (ya, yb, hy) = pool_window(pl, 0, h, oy);
            let row_out = &mut out[oy * ow..(oy + 1) * ow];
            match kind {
                PoolKind::Max => {
                    // Separable: the maximum down the window's rows, then along each window.
                    let inner = &mut vrow[p[1]..p[1] + w];
                    inner.copy_from_slice(&plane[ya * w..(ya + 1) * w]);
                    for iy in ya + 1..yb {
                        max_into(inner, &plane[iy * w..(iy + 1) * w]);
                    }
                    max_along(&vrow, k[1], s[1], row_out);
                }
                PoolKind::Avg => {
                    acc.fill(0.0);
                    for iy in ya..yb {
                        let row = &plane[iy * w..(iy + 1) * w];
                        for (a, &(xa, xb, _)) in acc.iter_mut().zip(&cols) {
                            *a += row[xa..xb].iter().sum::<f32>();
                        }
                    }
                    for ((o, a), &(_, _, hx)) in row_out.iter_mut().zip(&acc).zip(&cols) {
                        *o = a / (hy * hx);
                    }
                }
            }
        }
    }
}

/// out[o] = max(v[o·s .. o·s + k]) for every o; `v` has room for whole groups of four outputs
/// and eight values more (what the vector loads read).
fn max_along(v: &[f32], k: usize, s: usize, out: &mut [f32]) {
    assert!(v.len() >= out.len().next_multiple_of(4) * s + k + 8);
    #[allow(unused_mut)] // advanced by the SIMD path, which only wasm has
    let mut o = 0;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if s <= 2 {
        use core::arch::wasm32::*;
        // SAFETY: a load reads v[o·s + j .. o·s + j + 8] with o + 4 ≤ out.len() and j < k, which
        // ends before out.len().next_multiple_of(4)·s + k + 8 ≤ v.len() (asserted above); a
        // store writes out[o..o + 4] with o + 4 ≤ out.len().
        unsafe {
            let p = v.as_ptr();
            while o + 4 <= out.len() {
                let mut m = f32x4_splat(f32::NEG_INFINITY);
                for j in 0..k {
                    let at = p.add(o * s + j);
                    let win = if s == 1 {
                        v128_load(at as *const v128)
                    } else {
                        // v[2o + j], v[2o + 2 + j], …: the even lanes of eight values.
                        let a = v128_load(at as *const v128);
                        let b = v128_load(at.add(4) as *const v128);
                        i32x4_shuffle::<0, 2, 4, 6>(a, b)
                    };
                    m = f32x4_pmax(m, win);
                }
                v128_store(out.as_mut_ptr().add(o) as *mut v128, m);
                o += 4;
            }
        }
    }
    for (i, slot) in out.iter_mut().enumerate().skip(o) {
        let window = &v[i * s..i * s + k];
        *slot = window
            .iter()
            .fold(f32::NEG_INFINITY, |m, &x| if x > m { x } else { m });
    }
}

/// dst[i] = max(dst[i], src[i]).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn max_into(dst: &mut [f32], src: &[f32]) {
    use core::arch::wasm32::*;
    let n = dst.len().min(src.len());
    let mut i = 0;
    // SAFETY: every access reads or writes 4 values at i..i+4 ≤ n.
    unsafe {
        while i + 4 <= n {
            let d = dst.as_mut_ptr().add(i) as *mut v128;
            let v = f32x4_pmax(v128_load(d), v128_load(src.as_ptr().add(i) as *const v128));
            v128_store(d, v);
            i += 4;
        }
    }
    for j in i..n {
        if src[j] > dst[j] {
            dst[j] = src[j];
        }
    }
}

/// dst[i] = max(dst[i], src[i]).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn max_into(dst: &mut [f32], src: &[f32]) {
    for (d, &v) in dst.iter_mut().zip(src) {
        if v > *d {
            *d = v;
        }
    }
}

/// PyTorch's adaptive average pooling: output cell i covers [floor(i·in/out), ceil((i+1)·in/out)).
pub fn adaptive_avg(x: &[f32], c: usize, [h, w]: [usize; 2], [oh, ow]: [usize; 2], y: &mut [f32]) {
    for ch in 0..c {
        let plane = &x[ch * h * w..(ch + 1) * h * w];
        for i in 0..oh {
            let (ya, yb) = (i * h / oh, ((i + 1) * h).div_ceil(oh));
            for j in 0..ow {
                let (xa, xb) = (j * w / ow, ((j + 1) * w).div_ceil(ow));
                let mut sum = 0f32;
                for iy in ya..yb {
                    sum += plane[iy * w + xa..iy * w + xb].iter().sum::<f32>();
                }
                y[(ch * oh + i) * ow + j] = sum / ((yb - ya) * (xb - xa)) as f32;
            }
        }
    }
}

/// LeCun's sub-sampling: the sum of each `k` window (stride `s`, no padding) times a learned
/// coefficient plus a learned bias, per map.
#[allow(clippy::too_many_arguments)]
pub fn subsample(
    x: &[f32],
    c: usize,
    [h, w]: [usize; 2],
    k: [usize; 2],
    s: [usize; 2],
    [oh, ow]: [usize; 2],
    coeff: &[f32],
    bias: &[f32],
    y: &mut [f32],
) {
    for ch in 0..c {
        let plane = &x[ch * h * w..(ch + 1) * h * w];
        for oy in 0..oh {
            for ox in 0..ow {
                let mut sum = 0f32;
                for dy in 0..k[0] {
                    let row = (oy * s[0] + dy) * w + ox * s[1];
                    sum += plane[row..row + k[1]].iter().sum::<f32>();
                }
                y[(ch * oh + oy) * ow + ox] = sum * coeff[ch] + bias[ch];
            }
        }
    }
}

/// Local response normalisation across channels (PyTorch's `LocalResponseNorm`):
/// b_c = a_c / (k + α/n · Σ a_c'²)^β over the n channels centred on c (n/2 before, (n−1)/2 after).
#[allow(clippy::too_many_arguments)]
pub fn lrn(
    x: &[f32],
    c: usize,
    hw: usize,
    size: usize,
    alpha: f64,
    beta: f64,
    k: f64,
    y: &mut [f32],
) {
    let (before, after) = (size / 2, (size - 1) / 2);
    let scale = alpha / size as f64;
    for ch in 0..c {
        let lo = ch.saturating_sub(before);
        let hi = (ch + after).min(c - 1);
        for i in 0..hw {
            let mut s = 0f64;
            for cc in lo..=hi {
                let v = x[cc * hw + i] as f64;
                s += v * v;
            }
            y[ch * hw + i] = (x[ch * hw + i] as f64 / (k + scale * s).powf(beta)) as f32;
        }
    }
}

/// An activation in place.
pub fn activate(v: &mut [f32], a: Activation) {
    match a {
        Activation::Relu => v.iter_mut().for_each(|x| *x = x.max(0.0)),
        Activation::Tanh => v.iter_mut().for_each(|x| *x = x.tanh()),
        Activation::ScaledTanh => v
            .iter_mut()
            .for_each(|x| *x = 1.7159 * (*x * (2.0 / 3.0)).tanh()),
        Activation::Sigmoid => v.iter_mut().for_each(|x| *x = 1.0 / (1.0 + (-*x).exp())),
        Activation::LeakyRelu { alpha } => v
            .iter_mut()
            .for_each(|x| *x = if *x < 0.0 { alpha * *x } else { *x }),
        Activation::Clip { min, max } => v.iter_mut().for_each(|x| *x = x.max(min).min(max)),
    }
}

/// The CIFAR ResNets' parameter-free shortcut: every `stride`-th pixel, channels zero-padded
/// evenly before and after up to `out_c`.
pub fn pad_shortcut(
    x: &[f32],
    c: usize,
    [h, w]: [usize; 2],
    stride: usize,
    out_c: usize,
    [oh, ow]: [usize; 2],
    y: &mut [f32],
) {
    y.fill(0.0);
    let before = (out_c - c) / 2;
    for ch in 0..c {
        for oy in 0..oh {
            for ox in 0..ow {
                y[((before + ch) * oh + oy) * ow + ox] =
                    x[(ch * h + oy * stride) * w + ox * stride];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_mode_max_pool_clips_the_last_window() {
        // 5 values, 2-wide windows at stride 2 with ceil mode: 3 outputs, the last of one value.
        let x = [1.0, 5.0, 2.0, 3.0, 9.0];
        let mut y = [0.0; 3];
        pool(
            &x,
            1,
            [1, 5],
            &window(PoolKind::Max, [1, 2], [1, 2], [0, 0], true),
            [1, 3],
            &mut y,
        );
        assert_eq!(y, [5.0, 3.0, 9.0]);
    }

    #[test]
    fn average_pool_counts_the_padding() {
        let x = [4.0; 4];
        let mut y = [0.0; 4];
        // 2×2 input, 3×3 windows, stride 1, padding 1: each window holds 4 ones of 9 cells.
        let mut pl = window(PoolKind::Avg, [3, 3], [1, 1], [1, 1], false);
        pool(&x, 1, [2, 2], &pl, [2, 2], &mut y);
        assert_eq!(y, [16.0 / 9.0; 4]);
        // Without the padding in the divisor (ONNX's default): the mean of the four pixels.
        pl.count_include_pad = false;
        pool(&x, 1, [2, 2], &pl, [2, 2], &mut y);
        assert_eq!(y, [4.0; 4]);
    }

    fn window(
        kind: PoolKind,
        kernel: [usize; 2],
        stride: [usize; 2],
        padding: [usize; 2],
        ceil_mode: bool,
    ) -> Pool {
        Pool {
            kind,
            kernel,
            stride,
            padding,
            ceil_mode,
            count_include_pad: true,
        }
    }
}
