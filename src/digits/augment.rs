//! Augmentation of MNIST digits for training: shifts, rotations, scaling, stroke width and
//! elastic distortion, and the augmentation that makes them look drawn on the pad.

use super::*;
use crate::rng::Rng;

/// How training distorts a digit. With probability `font_p` (when typefaces are given) it is
/// replaced by the same digit in a handwriting typeface and made to look drawn on the pad; else,
/// with probability `drawn_p`, the digit itself is made to look drawn on the pad
/// ([`augment_as_drawn`]: slant, rotation, proportions, elastic distortion, a new stroke width, then
/// the page's own preprocessing again); otherwise it gets MNIST's mild distortions ([`augment`]) in
/// place. With the defaults: 10 %, 36 % and 54 %.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Augmentation {
    pub max_rotation_deg: f64,
    pub scale: [f64; 2],
    pub max_shear: f64,
    pub max_shift_px: f64,
    /// Probability of thickening the strokes (3×3 dilation blended in).
    pub thicken_p: f64,
    /// Probability of thinning them (3×3 erosion).
    pub thin_p: f64,
    /// Probability that a digit goes through the pad imitation instead.
    pub drawn_p: f64,
    /// Probability that a digit is replaced by the same digit in one of the handwriting typefaces
    /// ([`super::fonts`]), then made to look drawn on the pad (`train-lenet` sets it to 0 when it
    /// trains without typefaces).
    pub font_p: f64,
    /// The pad imitation's settings.
    pub drawn: DrawnAugmentation,
}

/// How [`augment_as_drawn`] makes an MNIST digit look drawn on the pad. Lengths are in pixels of
/// the 28×28 digit (whose ink fills a 20×20 box).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DrawnAugmentation {
    pub max_rotation_deg: f64,
    /// Slant: x shifts by `slant · (centre − y)`, slant uniform in this range (positive leans
    /// right, as most hands do).
    pub slant: [f64; 2],
    /// Height scale of the digit.
    pub scale: [f64; 2],
    /// Width over height scale (narrow or wide hands).
    pub aspect: [f64; 2],
    /// Elastic distortion (Simard, Steinkraus & Platt 2003): a displacement field of uniform
    /// noise in [−1, 1], smoothed by a Gaussian of `elastic_sigma` px, times alpha (uniform in
    /// `elastic_alpha`).
    pub elastic_alpha: [f64; 2],
    pub elastic_sigma: f64,
    /// Stroke width change: a soft disk dilation of this radius when positive, an erosion when
    /// negative (uniform in the range). After the page's preprocessing re-scales the digit, the
    /// width relative to its size is what counts: thick strokes of a small digit drawn with the
    /// pad's brush, thin ones of a big digit with a fine brush.
    pub stroke_radius: [f64; 2],
    /// Probability of saturating the ink (`min(1, k·v)`, k in [1.5, 3]): the pad's strokes are
    /// solid, MNIST's have grey flanks.
    pub solid_p: f64,
}

impl Default for Augmentation {
    fn default() -> Self {
        Augmentation {
            max_rotation_deg: 15.0,
            scale: [0.8, 1.15],
            max_shear: 0.25,
            max_shift_px: 3.0,
            thicken_p: 0.3,
            thin_p: 0.15,
            drawn_p: 0.4,
            font_p: 0.1,
            drawn: DrawnAugmentation::default(),
        }
    }
}

impl Default for DrawnAugmentation {
    fn default() -> Self {
        DrawnAugmentation {
            max_rotation_deg: 12.0,
            slant: [-0.25, 0.4],
            scale: [0.75, 1.2],
            aspect: [0.85, 1.2],
            elastic_alpha: [0.0, 24.0],
            elastic_sigma: 4.0,
            stroke_radius: [-0.5, 1.5],
            solid_p: 0.5,
        }
    }
}

fn morph(img: &[f32], grow: bool) -> Vec<f32> {
    let n = MNIST as i64;
    let mut out = vec![0f32; img.len()];
    for y in 0..n {
        for x in 0..n {
            let mut v = if grow { 0f32 } else { 1f32 };
            for dy in -1..=1 {
                for dx in -1..=1 {
                    let (xx, yy) = (x + dx, y + dy);
                    let p = if xx < 0 || yy < 0 || xx >= n || yy >= n {
                        0.0
                    } else {
                        img[(yy * n + xx) as usize]
                    };
                    v = if grow { v.max(p) } else { v.min(p) };
                }
            }
            out[(y * n + x) as usize] = v;
        }
    }
    out
}

/// A random distortion of a 28×28 digit (values in [0, 1]).
pub fn augment(img: &[f32], aug: &Augmentation, rng: &mut Rng) -> Vec<f32> {
    let angle = rng
        .range(-aug.max_rotation_deg, aug.max_rotation_deg)
        .to_radians();
    let scale = rng.range(aug.scale[0], aug.scale[1]);
    let shear = rng.range(-aug.max_shear, aug.max_shear);
    let (tx, ty) = (
        rng.range(-aug.max_shift_px, aug.max_shift_px),
        rng.range(-aug.max_shift_px, aug.max_shift_px),
    );
    // Forward map: p' = c + S·R·Sh·(p − c) + t; sample the source at the inverse.
    let (c, s) = (angle.cos(), angle.sin());
    let (a, b, cc, d) = (
        scale * c,
        scale * (c * shear - s),
        scale * s,
        scale * (s * shear + c),
    );
    let det = a * d - b * cc;
    let (ia, ib, ic, id) = (d / det, -b / det, -cc / det, a / det);
    let centre = (MNIST as f64 - 1.0) / 2.0;
    let mut out = vec![0f32; MNIST * MNIST];
    for y in 0..MNIST {
        for x in 0..MNIST {
            let (dx, dy) = (x as f64 - centre - tx, y as f64 - centre - ty);
            let sx = ia * dx + ib * dy + centre;
            let sy = ic * dx + id * dy + centre;
            out[y * MNIST + x] = sample(img, MNIST, MNIST, sx, sy);
        }
    }
    let r = rng.unit();
    if r < aug.thicken_p {
        let grown = morph(&out, true);
        let w = rng.range(0.5, 1.0) as f32;
        for (o, g) in out.iter_mut().zip(grown) {
            *o = o.max(g * w);
        }
    } else if r < aug.thicken_p + aug.thin_p {
        let thin = morph(&out, false);
        if thin.iter().sum::<f32>() > 8.0 {
            out = thin;
        }
    }
    out
}

/// Simard et al.'s elastic displacement field for a `w`×`h` image: uniform noise in [−1, 1] per
/// pixel and per axis, smoothed by a normalised Gaussian of standard deviation `sigma` (zero
/// outside the image), times `alpha`. Returns (dx, dy), row-major.
pub fn elastic_field(
    w: usize,
    h: usize,
    alpha: f64,
    sigma: f64,
    rng: &mut Rng,
) -> (Vec<f32>, Vec<f32>) {
    let radius = (3.0 * sigma).ceil().max(0.0) as i64;
    let kernel: Vec<f64> = (-radius..=radius)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma).max(1e-12)).exp())
        .collect();
    let norm: f64 = kernel.iter().sum();
    let smooth = |field: Vec<f64>| -> Vec<f32> {
        // Separable: rows, then columns.
        let mut rows = vec![0f64; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut acc = 0.0;
                for (k, g) in kernel.iter().enumerate() {
                    let xx = x as i64 + k as i64 - radius;
                    if xx >= 0 && xx < w as i64 {
                        acc += g * field[y * w + xx as usize];
                    }
                }
                rows[y * w + x] = acc / norm;
            }
        }
        let mut out = vec![0f32; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut acc = 0.0;
                for (k, g) in kernel.iter().enumerate() {
                    let yy = y as i64 + k as i64 - radius;
                    if yy >= 0 && yy < h as i64 {
                        acc += g * rows[yy as usize * w + x];
                    }
                }
                out[y * w + x] = (alpha * acc / norm) as f32;
            }
        }
        out
    };
    let dx = smooth((0..w * h).map(|_| rng.range(-1.0, 1.0)).collect());
    let dy = smooth((0..w * h).map(|_| rng.range(-1.0, 1.0)).collect());
    (dx, dy)
}

/// Moves an image by a displacement field: pixel (x, y) of the result is the bilinear sample of
/// `img` at (x + dx, y + dy).
pub fn displace(img: &[f32], w: usize, h: usize, dx: &[f32], dy: &[f32]) -> Vec<f32> {
    (0..w * h)
        .map(|i| {
            let (x, y) = ((i % w) as f64, (i / w) as f64);
            sample(img, w, h, x + dx[i] as f64, y + dy[i] as f64)
        })
        .collect()
}

/// Changes the stroke width of a `w`×`h` ink image by `radius` pixels on each side: a grey-level
/// dilation by a disk (each pixel takes the most ink within `radius` of it) when positive, the
/// matching erosion (the least ink) when negative. Pixels are squares: a neighbour at distance d
/// counts by how much of it the grown pixel covers, `clamp(radius + 1 − d, 0, 1)`, so a fractional
/// radius grows strokes by a fraction of a pixel, a radius of 1 makes a 2-pixel stroke 4 wide, and
/// radius 0 returns the image unchanged.
pub fn stroke_width(img: &[f32], w: usize, h: usize, radius: f64) -> Vec<f32> {
    let r = radius.abs();
    if r == 0.0 {
        return img.to_vec();
    }
    let reach = (r + 1.0).ceil() as i64;
    let mut disk = Vec::new();
    for dy in -reach..=reach {
        for dx in -reach..=reach {
            let wgt = (r + 1.0 - ((dx * dx + dy * dy) as f64).sqrt()).clamp(0.0, 1.0) as f32;
            if wgt > 0.0 {
                disk.push((dx, dy, wgt));
            }
        }
    }
    let at = |x: i64, y: i64| -> f32 {
        if x < 0 || y < 0 || x >= w as i64 || y >= h as i64 {
            0.0
        } else {
            img[y as usize * w + x as usize]
        }
    };
    let mut out = vec![0f32; w * h];
    for y in 0..h as i64 {
        for x in 0..w as i64 {
            out[y as usize * w + x as usize] = if radius > 0.0 {
                disk.iter()
                    .map(|&(dx, dy, g)| g * at(x + dx, y + dy))
                    .fold(0.0, f32::max)
            } else {
                disk.iter()
                    .map(|&(dx, dy, g)| 1.0 - g * (1.0 - at(x + dx, y + dy)))
                    .fold(1.0, f32::min)
            };
        }
    }
    out
}

/// Side of the field a digit is distorted in by [`augment_as_drawn`] (room for slant, rotation,
/// growth and thick strokes around the 28×28 digit).
const DRAWN_FIELD: usize = 44;

/// An MNIST digit (28×28, in [0, 1]) made to look as if drawn on the pad, as LeNet-5's 32×32
/// input: a random slant, rotation, height and width, an elastic distortion and a new stroke
/// width applied to the raw digit in a larger field, then the page's preprocessing
/// ([`mnist_preprocess`]: crop to the ink, fit 20×20, centre the mass) run on it, so training
/// sees what the page gives the network. Falls back to the plain padded digit when no ink is
/// left.
pub fn augment_as_drawn(img: &[f32], aug: &DrawnAugmentation, rng: &mut Rng) -> Vec<f32> {
    let n = DRAWN_FIELD;
    let angle = rng
        .range(-aug.max_rotation_deg, aug.max_rotation_deg)
        .to_radians();
    let slant = rng.range(aug.slant[0], aug.slant[1]);
    let sy = rng.range(aug.scale[0], aug.scale[1]);
    let sx = sy * rng.range(aug.aspect[0], aug.aspect[1]);
    let alpha = rng.range(aug.elastic_alpha[0], aug.elastic_alpha[1]);
    let (ex, ey) = elastic_field(n, n, alpha, aug.elastic_sigma, rng);
    // Forward map of the digit's centred coordinates: p' = R·Slant·S·p; sample at the inverse.
    // Slant·S = [[sx, −slant·sy], [0, sy]] (x moves right as y goes up), R rotates.
    let (c, s) = (angle.cos(), angle.sin());
    let (a, b, cc, d) = (
        c * sx,
        -c * slant * sy - s * sy,
        s * sx,
        -s * slant * sy + c * sy,
    );
    let det = a * d - b * cc;
    let (ia, ib, ic, id) = (d / det, -b / det, -cc / det, a / det);
    let (centre_out, centre_in) = ((n as f64 - 1.0) / 2.0, (MNIST as f64 - 1.0) / 2.0);
    let mut field = vec![0f32; n * n];
    for y in 0..n {
        for x in 0..n {
            let i = y * n + x;
            let (dx, dy) = (
                x as f64 + ex[i] as f64 - centre_out,
                y as f64 + ey[i] as f64 - centre_out,
            );
            field[i] = sample(
                img,
                MNIST,
                MNIST,
                ia * dx + ib * dy + centre_in,
                ic * dx + id * dy + centre_in,
            );
        }
    }
    let radius = rng.range(aug.stroke_radius[0], aug.stroke_radius[1]);
    let mut field = stroke_width(&field, n, n, radius * sy);
    if rng.unit() < aug.solid_p {
        let k = rng.range(1.5, 3.0) as f32;
        for v in field.iter_mut() {
            *v = (*v * k).min(1.0);
        }
    }
    mnist_preprocess(&field, n, n).unwrap_or_else(|| pad_to_32(img))
}
