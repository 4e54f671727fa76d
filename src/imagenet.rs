//! ImageNet input and output, exactly as torchvision does them: the standard preprocessing
//! (`Resize(256)` with PIL's antialiased bilinear filter, `CenterCrop(224)`, `ToTensor`,
//! `Normalize(mean, std)`) on 8-bit RGB(A) pixels, the 1000 class names (the list torchvision
//! publishes as `weights.meta["categories"]`), and the top-k of a logit vector.

/// The ImageNet-1k class names in torchvision's order (from torchvision's `models/_meta.py`).
pub const CLASSES_TXT: &str = include_str!("imagenet_classes.txt");

/// The 1000 class names.
pub fn classes() -> Vec<&'static str> {
    CLASSES_TXT.lines().collect()
}

/// The mean and standard deviation torchvision's ImageNet weights expect.
pub const MEAN: [f32; 3] = [0.485, 0.456, 0.406];
pub const STD: [f32; 3] = [0.229, 0.224, 0.225];
/// `Resize(256)` then `CenterCrop(224)`.
pub const RESIZE: usize = 256;
pub const CROP: usize = 224;

/// An 8-bit image, row-major, `channels` (3 = RGB, 4 = RGBA; alpha is ignored, as PIL's
/// `convert("RGB")` ignores it) values per pixel. Crosses the wire as it is: the worker
/// [checks](Image8::check) what it receives before reading it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Image8 {
    pub width: usize,
    pub height: usize,
    pub channels: usize,
    pub data: Vec<u8>,
}

impl Image8 {
    pub fn new(
        width: usize,
        height: usize,
        channels: usize,
        data: Vec<u8>,
    ) -> Result<Self, String> {
        let image = Image8 {
            width,
            height,
            channels,
            data,
        };
        image.check()?;
        Ok(image)
    }

    /// Whether the fields agree: a size, 1 to 4 channels, and width × height × channels bytes.
    pub fn check(&self) -> Result<(), String> {
        let (width, height, channels) = (self.width, self.height, self.channels);
        if width == 0 || height == 0 {
            return Err("the image is empty (0 pixels wide or high)".into());
        }
        let expected = width
            .checked_mul(height)
            .and_then(|n| n.checked_mul(channels));
        if !(1..=4).contains(&channels) || expected != Some(self.data.len()) {
            return Err(format!(
                "the image data has {} bytes, not {width}×{height}×{channels}",
                self.data.len()
            ));
        }
        Ok(())
    }

    /// The image as RGB (grey is replicated, alpha dropped).
    pub fn to_rgb(&self) -> Image8 {
        if self.channels == 3 {
            return self.clone();
        }
        let mut data = Vec::with_capacity(self.width * self.height * 3);
        for px in self.data.chunks_exact(self.channels) {
            match self.channels {
                1 | 2 => data.extend_from_slice(&[px[0], px[0], px[0]]),
                _ => data.extend_from_slice(&px[..3]),
            }
        }
        Image8 {
            width: self.width,
            height: self.height,
            channels: 3,
            data,
        }
    }
}

/// PIL's bilinear ("triangle") filter.
fn triangle(x: f64) -> f64 {
    let x = x.abs();
    if x < 1.0 {
        1.0 - x
    } else {
        0.0
    }
}

/// PIL's fixed-point precision for 8-bit resampling (`PRECISION_BITS` in Resample.c).
const PRECISION_BITS: u32 = 32 - 8 - 2;

/// For each output position of `range` (of `out_size`): the first input index and the fixed-point
/// weights (PIL's `precompute_coeffs` + `normalize_coeffs_8bpc`, antialiased: the filter widens by
/// the scale).
fn coefficients(
    in_size: usize,
    out_size: usize,
    range: std::ops::Range<usize>,
) -> Vec<(usize, Vec<i32>)> {
    let scale = in_size as f64 / out_size as f64;
    let filterscale = scale.max(1.0);
    let support = filterscale; // bilinear support 1.0 × filterscale
    range
        .map(|xx| {
            let center = (xx as f64 + 0.5) * scale;
            let ss = 1.0 / filterscale;
            let xmin = ((center - support + 0.5) as i64).max(0) as usize;
            let xmax = ((center + support + 0.5) as i64).min(in_size as i64) as usize;
            let w: Vec<f64> = (xmin..xmax)
                .map(|x| triangle((x as f64 - center + 0.5) * ss))
                .collect();
            let total: f64 = w.iter().sum();
            let fixed = w
                .iter()
                .map(|&k| {
                    let k = if total != 0.0 { k / total } else { k };
                    let v = k * (1u64 << PRECISION_BITS) as f64;
                    (if v < 0.0 { v - 0.5 } else { v + 0.5 }) as i32
                })
                .collect();
            (xmin, fixed)
        })
        .collect()
}

fn clip8(acc: i64) -> u8 {
    (acc >> PRECISION_BITS).clamp(0, 255) as u8
}

/// Resizes an RGB image to `out_w × out_h` as PIL's `Image.resize(…, BILINEAR)` does: a
/// horizontal pass, then a vertical one, each rounded to 8 bits.
pub fn resize_bilinear(img: &Image8, out_w: usize, out_h: usize) -> Image8 {
    resize_bilinear_window(img, (out_w, out_h), (0, 0), (out_w, out_h))
}

/// The window of `size` (width, height) at `origin` of the image resized to `out` as
/// [`resize_bilinear`] resizes it, computing only that window (each output pixel depends only on
/// its own coefficients): a photo of extreme proportions, resized so that its short side is 256,
/// may be millions of pixels long, of which the centre crop keeps 224.
pub fn resize_bilinear_window(
    img: &Image8,
    out: (usize, usize),
    origin: (usize, usize),
    size: (usize, usize),
) -> Image8 {
    let img = img.to_rgb();
    let (w, h) = (img.width, img.height);
    let (cw, ch) = size;
    let half = 1i64 << (PRECISION_BITS - 1);
    let hc = coefficients(w, out.0, origin.0..origin.0 + cw);
    let vc = coefficients(h, out.1, origin.1..origin.1 + ch);
    // Only the input rows the vertical pass reads.
    let r0 = vc.iter().map(|(m, _)| *m).min().unwrap_or(0);
    let r1 = vc
        .iter()
        .map(|(m, k)| m + k.len())
        .max()
        .unwrap_or(0)
        .max(r0);
    let mut mid = vec![0u8; cw * (r1 - r0) * 3];
    for y in r0..r1 {
        let row = &img.data[y * w * 3..(y + 1) * w * 3];
        for (xx, (xmin, k)) in hc.iter().enumerate() {
            for c in 0..3 {
                let mut acc = half;
                for (i, &kk) in k.iter().enumerate() {
                    acc += row[(xmin + i) * 3 + c] as i64 * kk as i64;
                }
                mid[((y - r0) * cw + xx) * 3 + c] = clip8(acc);
            }
        }
    }
    let mut data = vec![0u8; cw * ch * 3];
    for (yy, (ymin, k)) in vc.iter().enumerate() {
        for x in 0..cw * 3 {
            let mut acc = half;
            for (i, &kk) in k.iter().enumerate() {
                acc += mid[(ymin - r0 + i) * cw * 3 + x] as i64 * kk as i64;
            }
            data[yy * cw * 3 + x] = clip8(acc);
        }
    }
    Image8 {
        width: cw,
        height: ch,
        channels: 3,
        data,
    }
}

/// The size `Resize(size)` gives: the shorter side becomes `size`, the longer one
/// `int(size × long / short)` (truncated, as torchvision computes it; in 64 bits, so that a long
/// strip of a photo does not overflow a 32-bit `usize`, and saturated where it would).
pub fn resized_size(width: usize, height: usize, size: usize) -> (usize, usize) {
    let scaled = |long: usize, short: usize| {
        let v = size as u64 * long as u64 / short.max(1) as u64;
        usize::try_from(v).unwrap_or(usize::MAX)
    };
    if width <= height {
        (size, scaled(height, width))
    } else {
        (scaled(width, height), size)
    }
}

/// Python's `round`, halves to even (torchvision's `CenterCrop` offset).
fn round_half_even(x: f64) -> usize {
    let r = x.round();
    let v = if (x - x.trunc()).abs() == 0.5 && (r as i64) % 2 != 0 {
        r - x.signum()
    } else {
        r
    };
    v.max(0.0) as usize
}

/// `CenterCrop(size)`: the top-left corner of the crop.
pub fn crop_origin(width: usize, height: usize, size: usize) -> (usize, usize) {
    (
        round_half_even((width as f64 - size as f64) / 2.0),
        round_half_even((height as f64 - size as f64) / 2.0),
    )
}

/// What the network sees: the 224×224 crop (8-bit, for showing) and its normalised
/// `[3, 224, 224]` tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    pub crop: Image8,
    pub tensor: Vec<f32>,
}

/// torchvision's ImageNet transform, with the given normalisation.
pub fn preprocess_with(img: &Image8, mean: [f32; 3], std: [f32; 3]) -> Prepared {
    preprocess_sized(img, mean, std, [CROP, CROP])
}

/// The same transform for a network of another input `size` (an imported file's): the shorter
/// side resized to size·256/224 and the centre cropped, as for ImageNet's 224; a network whose
/// input is not square gets the photo resized to its size.
pub fn preprocess_sized(img: &Image8, mean: [f32; 3], std: [f32; 3], size: [usize; 2]) -> Prepared {
    let crop = if size[0] == size[1] {
        let (w, h) = resized_size(img.width, img.height, size[0] * RESIZE / CROP);
        resize_bilinear_window(img, (w, h), crop_origin(w, h, size[0]), (size[0], size[0]))
    } else {
        resize_bilinear(img, size[1], size[0])
    };
    let tensor = normalise(&crop, mean, std);
    Prepared { crop, tensor }
}

/// An RGB image as the network's input tensor (`[3, H, W]`, row-major): (v / 255 − mean) / std.
pub fn normalise(img: &Image8, mean: [f32; 3], std: [f32; 3]) -> Vec<f32> {
    let n = img.width * img.height;
    let mut tensor = vec![0f32; 3 * n];
    for (i, px) in img.data.chunks_exact(3).enumerate() {
        for c in 0..3 {
            tensor[c * n + i] = (px[c] as f32 / 255.0 - mean[c]) / std[c];
        }
    }
    tensor
}

/// torchvision's ImageNet transform with ImageNet's mean and std.
pub fn preprocess(img: &Image8) -> Prepared {
    preprocess_with(img, MEAN, STD)
}

/// One entry of a top-k.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub index: usize,
    pub prob: f32,
}

/// The `k` most probable classes, most probable first.
pub fn top_k(logits: &[f32], k: usize) -> Vec<Ranked> {
    let probs = crate::engine::softmax(logits);
    let mut order: Vec<usize> = (0..probs.len()).collect();
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
    order
        .into_iter()
        .take(k)
        .map(|index| Ranked {
            index,
            prob: probs[index],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_keeps_torchvision_sizes() {
        assert_eq!(resized_size(640, 480, 256), (341, 256));
        assert_eq!(resized_size(480, 640, 256), (256, 341));
        assert_eq!(resized_size(300, 300, 256), (256, 256));
        // CenterCrop's offset rounds halves to even, as Python's round does.
        assert_eq!(crop_origin(341, 256, 224), (58, 16));
        assert_eq!(crop_origin(343, 256, 224), (60, 16));
    }

    /// The crop of `size × size` at the centre: the plain way, which the window must equal.
    fn center_crop(img: &Image8, size: usize) -> Image8 {
        let (x0, y0) = crop_origin(img.width, img.height, size);
        let c = img.channels;
        let mut data = Vec::with_capacity(size * size * c);
        for y in y0..y0 + size {
            let start = (y * img.width + x0) * c;
            data.extend_from_slice(&img.data[start..start + size * c]);
        }
        Image8 {
            width: size,
            height: size,
            channels: c,
            data,
        }
    }

    /// A pseudo-random RGB image.
    fn noise(width: usize, height: usize) -> Image8 {
        let mut x = 0x9e37_79b9u32;
        let data = (0..width * height * 3)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect();
        Image8::new(width, height, 3, data).unwrap()
    }

    /// The centre window computed alone is the centre crop of the whole resize, byte for byte,
    /// shrinking and enlarging, both orientations, at the crop's odd offsets.
    #[test]
    fn the_resized_window_is_the_crop_of_the_whole_resize() {
        for (w, h, size) in [
            (640, 480, 224),
            (480, 640, 224),
            (343, 256, 224),
            (120, 90, 224),
            (1000, 37, 32),
            (3, 500, 64),
        ] {
            let img = noise(w, h);
            let (rw, rh) = resized_size(w, h, size * RESIZE / CROP);
            let whole = center_crop(&resize_bilinear(&img, rw, rh), size);
            let window =
                resize_bilinear_window(&img, (rw, rh), crop_origin(rw, rh, size), (size, size));
            assert_eq!(window, whole, "{w}×{h} to {size}");
        }
    }

    /// A strip 30,000 pixels long and one high (resized: 7,680,000 × 256) is prepared from its
    /// centre alone: 224 × 224 values, a grey strip staying grey.
    #[test]
    fn a_long_strip_is_prepared_without_resizing_all_of_it() {
        let strip = Image8::new(30_000, 1, 3, vec![90; 90_000]).unwrap();
        assert_eq!(resized_size(30_000, 1, RESIZE), (7_680_000, 256));
        let p = preprocess(&strip);
        assert_eq!((p.crop.width, p.crop.height), (CROP, CROP));
        assert!(p.crop.data.iter().all(|&v| v == 90));
        let tall = Image8::new(1, 30_000, 3, vec![90; 90_000]).unwrap();
        assert_eq!(preprocess(&tall).crop, p.crop);
        // 256 × 2^32 / 1 needs 64 bits on any target.
        assert_eq!(
            resized_size(1 << 20, 1, 1 << 12),
            (usize::try_from(1u64 << 32).unwrap_or(usize::MAX), 1 << 12)
        );
    }

    #[test]
    fn a_flat_image_stays_flat_and_weights_sum_to_one() {
        let img = Image8::new(50, 40, 3, vec![200; 50 * 40 * 3]).unwrap();
        let out = resize_bilinear(&img, 17, 23);
        assert!(out.data.iter().all(|&v| v == 200));
        for (_, k) in coefficients(1000, 256, 0..256) {
            let s: i64 = k.iter().map(|&v| v as i64).sum();
            assert!((s - (1 << PRECISION_BITS)).abs() <= k.len() as i64);
        }
    }

    #[test]
    fn the_class_list_has_a_thousand_names() {
        let c = classes();
        assert_eq!(c.len(), 1000);
        assert_eq!(c[0], "tench");
        assert_eq!(c[285], "Egyptian cat");
        assert_eq!(c[999], "toilet tissue");
        assert_eq!(c[134], "crane bird"); // torchvision tells the two cranes apart
    }

    #[test]
    fn top_k_orders_by_probability() {
        let t = top_k(&[0.0, 3.0, 1.0, 2.0], 2);
        assert_eq!(t[0].index, 1);
        assert_eq!(t[1].index, 3);
        assert!((t[0].prob - 0.6439).abs() < 1e-3);
    }
}
