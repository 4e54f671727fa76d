//! The candle custom ops training runs its layers with. Convolution as one matrix product: the
//! batch's patches unfolded into columns
//! (im2col, a candle custom op whose gradient folds them back, col2im), times the kernels as a
//! matrix. candle's own `conv2d` back-propagates through a direct transposed convolution that
//! costs most of a LeNet-5 step on one thread; as a product, the forward pass and both gradients
//! are single GEMMs (candle's, SIMD on wasm too), and the input's gradient is not computed
//! where nothing needs it (C1's digits). And max-pooling whose gradient goes to the window's
//! maximum, as PyTorch's does.

use candle_core::{CpuStorage, CustomOp1, DType, Layout, Shape, Tensor};

use crate::engine::EngineError;

/// Unfolds `[N, C, H, W]` into `[C·k·k (+1), N·OH·OW]`: column `n·OH·OW + y·OW + x` holds the
/// patch under output (y, x) of image n (stride 1 or more, zero padding), and with `ones` a last
/// row of ones, so that the bias is one more column of the kernel matrix (its gradient then comes
/// out of the same product instead of a reduction over the batch and the map).
#[derive(Clone, Copy, Debug)]
struct Im2Col {
    ones: bool,
    n: usize,
    c: usize,
    h: usize,
    w: usize,
    k: usize,
    stride: usize,
    pad: usize,
}

impl Im2Col {
    fn out_hw(&self) -> (usize, usize) {
        (
            (self.h + 2 * self.pad - self.k) / self.stride + 1,
            (self.w + 2 * self.pad - self.k) / self.stride + 1,
        )
    }

    /// Visits every (column-matrix index, image index) pair whose pixel is inside the image.
    fn each(&self, mut f: impl FnMut(usize, usize)) {
        let (oh, ow) = self.out_hw();
        let cols = self.n * oh * ow;
        for c in 0..self.c {
            for ky in 0..self.k {
                for kx in 0..self.k {
                    let row = (c * self.k + ky) * self.k + kx;
                    for n in 0..self.n {
                        let image = (n * self.c + c) * self.h * self.w;
                        for y in 0..oh {
                            let iy = (y * self.stride + ky) as isize - self.pad as isize;
                            if iy < 0 || iy >= self.h as isize {
                                continue;
                            }
                            let at = row * cols + (n * oh + y) * ow;
                            for x in 0..ow {
                                let ix = (x * self.stride + kx) as isize - self.pad as isize;
                                if ix >= 0 && ix < self.w as isize {
                                    f(at + x, image + iy as usize * self.w + ix as usize);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn contiguous<'a>(storage: &'a CpuStorage, layout: &Layout) -> candle_core::Result<&'a [f32]> {
    let (start, end) = layout
        .contiguous_offsets()
        .ok_or_else(|| candle_core::Error::Msg("im2col needs a contiguous tensor".into()))?;
    Ok(&storage.as_slice::<f32>()?[start..end])
}

impl CustomOp1 for Im2Col {
    fn name(&self) -> &'static str {
        "im2col"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let x = contiguous(storage, layout)?;
        let (oh, ow) = self.out_hw();
        let rows = self.c * self.k * self.k;
        let cols = self.n * oh * ow;
        let mut out = vec![0f32; (rows + usize::from(self.ones)) * cols];
        self.each(|o, i| out[o] = x[i]);
        if self.ones {
            out[rows * cols..].fill(1.0);
        }
        Ok((
            CpuStorage::F32(out),
            Shape::from((rows + usize::from(self.ones), cols)),
        ))
    }

    fn bwd(
        &self,
        _arg: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        let grad = grad.contiguous()?;
        Ok(Some(grad.apply_op1_no_bwd(&Col2Im(*self))?))
    }
}

/// Folds columns back: the gradient of [`Im2Col`] (each pixel gets the sum over the patches
/// that read it).
struct Col2Im(Im2Col);

impl CustomOp1 for Col2Im {
    fn name(&self) -> &'static str {
        "col2im"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let g = contiguous(storage, layout)?;
        let s = &self.0;
        let mut out = vec![0f32; s.n * s.c * s.h * s.w];
        s.each(|o, i| out[i] += g[o]);
        Ok((CpuStorage::F32(out), Shape::from((s.n, s.c, s.h, s.w))))
    }
}

/// A square convolution (equal stride and padding on both axes, no dilation, no groups) of
/// `x [N, C, H, W]` with `w [O, C, k, k]` and an optional bias `[O]`, as one GEMM; differentiable
/// in all three.
pub fn conv2d(
    x: &Tensor,
    w: &Tensor,
    bias: Option<&Tensor>,
    stride: usize,
    pad: usize,
) -> Result<Tensor, EngineError> {
    let (n, c, h, wd) = x.dims4()?;
    let (o, wc, k, k2) = w.dims4()?;
    if wc != c || k != k2 || x.dtype() != DType::F32 {
        return Err(EngineError::Backend(format!(
            "im2col conv: input {:?} and kernel {:?} do not fit",
            x.dims(),
            w.dims()
        )));
    }
    let op = Im2Col {
        ones: bias.is_some(),
        n,
        c,
        h,
        w: wd,
        k,
        stride,
        pad,
    };
    let (oh, ow) = op.out_hw();
    let cols = x.contiguous()?.apply_op1(op)?;
    let mut kernels = w.reshape((o, c * k * k))?;
    if let Some(b) = bias {
        kernels = Tensor::cat(&[&kernels, &b.reshape((o, 1))?], 1)?;
    }
    let y = kernels.matmul(&cols)?;
    Ok(y.reshape((o, n, oh, ow))?.transpose(0, 1)?.contiguous()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Var};

    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n)
            .map(|i| {
                ((i as u32).wrapping_mul(2654435761).wrapping_add(seed) >> 8) as f32
                    / (1u32 << 24) as f32
                    - 0.5
            })
            .collect()
    }

    /// The largest absolute difference of two tensors.
    fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
        (a - b)
            .and_then(|d| d.abs())
            .and_then(|d| d.max_all())
            .and_then(|d| d.to_scalar::<f32>())
            .unwrap()
    }

    /// The product gives candle's convolution, and its gradients candle's gradients.
    #[test]
    fn matches_candles_convolution_and_its_gradients() {
        let dev = Device::Cpu;
        for (n, c, h, o, k, stride, pad) in [
            (3, 2, 9, 4, 3, 1, 0),
            (2, 3, 8, 5, 5, 1, 2),
            (2, 1, 10, 3, 3, 2, 1),
        ] {
            let x = Var::from_vec(values(n * c * h * h, 1), (n, c, h, h), &dev).unwrap();
            let w = Var::from_vec(values(o * c * k * k, 7), (o, c, k, k), &dev).unwrap();
            let b = Var::from_vec(values(o, 5), o, &dev).unwrap();
            let ours = conv2d(&x, &w, Some(&b), stride, pad).unwrap();
            let theirs = x
                .conv2d(&w, pad, stride, 1, 1)
                .unwrap()
                .broadcast_add(&b.reshape((1, o, 1, 1)).unwrap())
                .unwrap();
            let diff = max_diff(&ours, &theirs);
            assert!(diff < 1e-5, "forward differs by {diff}");
            // A loss that weighs every output differently.
            let weights =
                Tensor::from_vec(values(ours.elem_count(), 3), ours.shape(), &dev).unwrap();
            let grads = |y: &Tensor| {
                (y * &weights)
                    .unwrap()
                    .sum_all()
                    .unwrap()
                    .backward()
                    .unwrap()
            };
            let (g1, g2) = (grads(&ours), grads(&theirs));
            for v in [&x, &w, &b] {
                let d = max_diff(g1.get(v).unwrap(), g2.get(v).unwrap());
                assert!(d < 1e-4, "gradient differs by {d}");
            }
        }
    }
}

/// Max-pooling with the window equal to the stride and no padding (LeNet's S2 and S4), whose
/// gradient goes to the first maximum of each window only, as PyTorch's does (candle's own
/// scales it by the share of maxima in the window: a unique maximum gets a quarter of it).
#[derive(Clone, Copy, Debug)]
struct MaxPool {
    k: usize,
}

impl MaxPool {
    /// For each output value, the input index of its window's first maximum.
    fn argmax(&self, x: &[f32], dims: &[usize]) -> (Vec<usize>, [usize; 4]) {
        let (n, c, h, w) = (dims[0], dims[1], dims[2], dims[3]);
        let (oh, ow) = (h / self.k, w / self.k);
        let mut at = Vec::with_capacity(n * c * oh * ow);
        for plane in 0..n * c {
            let base = plane * h * w;
            for y in 0..oh {
                for x0 in 0..ow {
                    let mut best = base + y * self.k * w + x0 * self.k;
                    for dy in 0..self.k {
                        for dx in 0..self.k {
                            let i = base + (y * self.k + dy) * w + x0 * self.k + dx;
                            if x[i] > x[best] {
                                best = i;
                            }
                        }
                    }
                    at.push(best);
                }
            }
        }
        (at, [n, c, oh, ow])
    }
}

impl CustomOp1 for MaxPool {
    fn name(&self) -> &'static str {
        "max-pool-first"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let x = contiguous(storage, layout)?;
        let (at, dims) = self.argmax(x, layout.dims());
        let out: Vec<f32> = at.iter().map(|&i| x[i]).collect();
        Ok((CpuStorage::F32(out), Shape::from(dims.to_vec())))
    }

    fn bwd(
        &self,
        arg: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        let x = arg.contiguous()?.flatten_all()?.to_vec1::<f32>()?;
        let (at, _) = self.argmax(&x, arg.dims());
        let g = grad.contiguous()?.flatten_all()?.to_vec1::<f32>()?;
        let mut out = vec![0f32; x.len()];
        for (o, &i) in at.iter().enumerate() {
            out[i] += g[o];
        }
        Ok(Some(Tensor::from_vec(out, arg.shape(), arg.device())?))
    }
}

/// `k`×`k` max-pooling with stride `k` of `[N, C, H, W]` (H and W multiples of `k`),
/// differentiable.
pub fn max_pool(x: &Tensor, k: usize) -> Result<Tensor, EngineError> {
    let (_, _, h, w) = x.dims4()?;
    if h % k != 0 || w % k != 0 || x.dtype() != DType::F32 {
        return Err(EngineError::Backend(format!(
            "max-pool {k}×{k}: {:?} does not divide",
            x.dims()
        )));
    }
    Ok(x.contiguous()?.apply_op1(MaxPool { k })?)
}

#[cfg(test)]
mod pool_tests {
    use super::*;
    use candle_core::{Device, Var};

    #[test]
    fn max_pool_matches_candles_and_its_gradient_goes_to_the_maximum() {
        let dev = Device::Cpu;
        let v: Vec<f32> = (0..2 * 3 * 6 * 6)
            .map(|i| ((i * 37) % 23) as f32 - 11.0)
            .collect();
        let x = Var::from_vec(v, (2, 3, 6, 6), &dev).unwrap();
        let ours = max_pool(&x, 2).unwrap();
        let theirs = x.max_pool2d(2).unwrap();
        assert_eq!(ours.to_vec3::<f32>().ok(), None); // rank 4
        let (a, b) = (
            ours.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
            theirs.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
        );
        assert_eq!(a, b);
        let g = ours.sum_all().unwrap().backward().unwrap();
        let gx = g
            .get(&x)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        // One 1 per window, at its first maximum; zeros elsewhere.
        assert_eq!(gx.iter().sum::<f32>(), a.len() as f32);
        assert!(gx.iter().all(|&v| v == 0.0 || v == 1.0));
    }
}
