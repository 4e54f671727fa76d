//! Digit images as LeNet-5 sees them: the MNIST preprocessing (crop to the ink, scale to fit
//! 20×20 keeping the aspect ratio, centre by centre of mass in 28×28, pad to 32×32), used by the
//! page for drawn digits; the pad's drawing natively (strokes of pointer positions rasterised as
//! the page's canvas draws them) for the held-out drawn digits; and the augmentation used in
//! training so that digits drawn with a mouse are recognised too: MNIST-like shifts, rotations,
//! scaling, shear and stroke thickness, and an imitation of the pad (slant, proportions, elastic
//! distortion, stroke width, then the page's preprocessing again).

use crate::rng::Rng;

/// Side of an MNIST digit.
pub const MNIST: usize = 28;
/// Side of LeNet-5's input.
pub const LENET: usize = 32;

/// Bilinear sample of a `w`×`h` image at (x, y), zero outside.
fn sample(img: &[f32], w: usize, h: usize, x: f64, y: f64) -> f32 {
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = ((x - x0) as f32, (y - y0) as f32);
    let px = |xi: f64, yi: f64| -> f32 {
        if xi < 0.0 || yi < 0.0 || xi >= w as f64 || yi >= h as f64 {
            0.0
        } else {
            img[yi as usize * w + xi as usize]
        }
    };
    let a = px(x0, y0) * (1.0 - fx) + px(x0 + 1.0, y0) * fx;
    let b = px(x0, y0 + 1.0) * (1.0 - fx) + px(x0 + 1.0, y0 + 1.0) * fx;
    a * (1.0 - fy) + b * fy
}

/// Pads a 28×28 digit to LeNet's 32×32 (2 pixels of background on every side).
pub fn pad_to_32(img: &[f32]) -> Vec<f32> {
    let mut out = vec![0f32; LENET * LENET];
    for y in 0..MNIST {
        out[(y + 2) * LENET + 2..(y + 2) * LENET + 2 + MNIST]
            .copy_from_slice(&img[y * MNIST..(y + 1) * MNIST]);
    }
    out
}

/// How training distorts a digit. Two kinds of distortion, chosen per digit: with probability
/// `drawn_p` the digit is made to look as if drawn on the pad ([`augment_as_drawn`]: slant,
/// rotation, proportions, elastic distortion, a new stroke width, then the page's own
/// preprocessing again), otherwise it gets MNIST's mild distortions ([`augment`]) in place.
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

/// MNIST's own preprocessing of a drawn digit: `img` is a `w`×`h` ink image (0 = background,
/// 1 = ink). Crops to the ink's bounding box, scales it to fit 20×20 keeping its aspect ratio
/// (area-averaged, so thin strokes stay grey rather than vanish), centres the centre of mass in a
/// 28×28 field and pads to 32×32. Returns None when there is no ink.
pub fn mnist_preprocess(img: &[f32], w: usize, h: usize) -> Option<Vec<f32>> {
    let ink = |x: usize, y: usize| img[y * w + x];
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for y in 0..h {
        for x in 0..w {
            if ink(x, y) > 0.05 {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x);
                y1 = y1.max(y);
            }
        }
    }
    if x0 > x1 {
        return None;
    }
    let (bw, bh) = ((x1 - x0 + 1) as f64, (y1 - y0 + 1) as f64);
    let scale = 20.0 / bw.max(bh);
    let (sw, sh) = (
        ((bw * scale).round() as usize).max(1),
        ((bh * scale).round() as usize).max(1),
    );
    // Area-average the bounding box down (or up) to sw×sh.
    let mut small = vec![0f32; sw * sh];
    for sy in 0..sh {
        for sx in 0..sw {
            let (fx0, fx1) = (
                x0 as f64 + sx as f64 / scale,
                x0 as f64 + (sx + 1) as f64 / scale,
            );
            let (fy0, fy1) = (
                y0 as f64 + sy as f64 / scale,
                y0 as f64 + (sy + 1) as f64 / scale,
            );
            let (mut acc, mut area) = (0f64, 0f64);
            let mut yy = fy0.floor();
            while yy < fy1 {
                let hy = (fy1.min(yy + 1.0) - fy0.max(yy)).max(0.0);
                let mut xx = fx0.floor();
                while xx < fx1 {
                    let wx = (fx1.min(xx + 1.0) - fx0.max(xx)).max(0.0);
                    let (xi, yi) = (xx as usize, yy as usize);
                    if xi < w && yi < h {
                        acc += ink(xi, yi) as f64 * wx * hy;
                    }
                    area += wx * hy;
                    xx += 1.0;
                }
                yy += 1.0;
            }
            small[sy * sw + sx] = if area > 0.0 { (acc / area) as f32 } else { 0.0 };
        }
    }
    // Centre of mass of the scaled digit goes to the centre of the 28×28 field.
    let (mut m, mut mx, mut my) = (0f64, 0f64, 0f64);
    for y in 0..sh {
        for x in 0..sw {
            let v = small[y * sw + x] as f64;
            m += v;
            mx += v * x as f64;
            my += v * y as f64;
        }
    }
    let (cx, cy) = if m > 0.0 {
        (mx / m, my / m)
    } else {
        (sw as f64 / 2.0, sh as f64 / 2.0)
    };
    // Whole-pixel shift, which keeps strokes as crisp as MNIST's.
    let (ox, oy) = ((14.0 - cx).round(), (14.0 - cy).round());
    let mut field = vec![0f32; MNIST * MNIST];
    for y in 0..MNIST {
        for x in 0..MNIST {
            field[y * MNIST + x] =
                sample(&small, sw, sh, x as f64 - ox, y as f64 - oy).clamp(0.0, 1.0);
        }
    }
    Some(pad_to_32(&field))
}

/// Side of the page's drawing pad, in canvas pixels (`web::ui::digit_canvas::PAD_SIZE`).
pub const PAD: usize = 280;

/// One digit drawn on the pad: the pointer positions of each stroke in canvas pixels, as the
/// pad's pointer events report them, and the brush width.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct DrawnDigit {
    pub label: u8,
    /// The hand style (`7-bar`, `4-open`…), for reading errors.
    pub style: String,
    pub brush: f64,
    pub strokes: Vec<Vec<[f64; 2]>>,
}

/// A set of drawn digits (tests/fixtures/drawn_digits.json, written by scripts/drawn_digits.mjs).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct DrawnSet {
    pub generator: String,
    pub seed: u64,
    pub canvas: usize,
    pub digits: Vec<DrawnDigit>,
}

impl DrawnSet {
    pub fn from_json(text: &str) -> Result<DrawnSet, String> {
        let set: DrawnSet =
            serde_json::from_str(text).map_err(|e| format!("not a drawn-digit set: {e}"))?;
        if set.canvas != PAD {
            return Err(format!(
                "drawn digits on a {}-pixel canvas; the pad has {PAD}",
                set.canvas
            ));
        }
        if let Some(d) = set
            .digits
            .iter()
            .find(|d| d.label > 9 || d.strokes.iter().any(Vec::is_empty))
        {
            return Err(format!(
                "a bad drawn digit: label {}, style {}",
                d.label, d.style
            ));
        }
        Ok(set)
    }
}

/// The pad's ink for `strokes` (`side`×`side`, in [0, 1]), drawn as the page's canvas draws them:
/// each stroke a dot at its first point, then one round-capped line of width `brush` per pair of
/// successive points, each composited over what is there ("source-over" of opaque ink: the alpha
/// becomes a + c·(1 − a) for a coverage c), anti-aliased by the distance of a pixel's centre to
/// the segment (the coverage falls from 1 to 0 over the pixel at the stroke's edge).
pub fn rasterise_strokes(strokes: &[Vec<[f64; 2]>], brush: f64, side: usize) -> Vec<f32> {
    let mut ink = vec![0f32; side * side];
    let r = brush / 2.0;
    let mut segment = |a: [f64; 2], b: [f64; 2]| {
        let lo = |u: f64, v: f64| ((u.min(v) - r - 1.0).floor().max(0.0)) as usize;
        let hi = |u: f64, v: f64| ((u.max(v) + r + 1.0).ceil().max(0.0) as usize).min(side);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let l2 = dx * dx + dy * dy;
        for y in lo(a[1], b[1])..hi(a[1], b[1]) {
            for x in lo(a[0], b[0])..hi(a[0], b[0]) {
                let (px, py) = (x as f64 + 0.5 - a[0], y as f64 + 0.5 - a[1]);
                let t = if l2 > 0.0 {
                    ((px * dx + py * dy) / l2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let d = ((px - t * dx).powi(2) + (py - t * dy).powi(2)).sqrt();
                let c = (r + 0.5 - d).clamp(0.0, 1.0) as f32;
                if c > 0.0 {
                    let a = &mut ink[y * side + x];
                    *a += c * (1.0 - *a);
                }
            }
        }
    };
    for s in strokes {
        segment(s[0], s[0]);
        for w in s.windows(2) {
            segment(w[0], w[1]);
        }
    }
    ink
}

/// A drawn digit as LeNet-5 sees it in the page: the pad's ink, then [`mnist_preprocess`].
pub fn drawn_input(d: &DrawnDigit) -> Option<Vec<f32>> {
    mnist_preprocess(&rasterise_strokes(&d.strokes, d.brush, PAD), PAD, PAD)
}

/// Deterministic 32×32 inputs for checking that two engines agree on a network's logits (no
/// data set needed): a ring (a "0"), a bar with a flag (a "1"), a "7", and two fields of
/// splitmix noise. Built the same way natively and in the browser.
pub fn test_patterns() -> Vec<(&'static str, Vec<f32>)> {
    let field = |f: &dyn Fn(f64, f64) -> f32| -> Vec<f32> {
        (0..LENET * LENET)
            .map(|i| f((i / LENET) as f64, (i % LENET) as f64))
            .collect()
    };
    let stroke = |d: f64| -> f32 { (1.8 - d).clamp(0.0, 1.0) as f32 };
    let seg = |y: f64, x: f64, a: (f64, f64), b: (f64, f64)| -> f64 {
        let (dy, dx) = (b.0 - a.0, b.1 - a.1);
        let t = (((y - a.0) * dy + (x - a.1) * dx) / (dy * dy + dx * dx)).clamp(0.0, 1.0);
        ((y - a.0 - t * dy).powi(2) + (x - a.1 - t * dx).powi(2)).sqrt()
    };
    let ring = field(&|y, x| {
        let r = (((y - 15.5) / 9.0).powi(2) + ((x - 15.5) / 6.5).powi(2)).sqrt();
        stroke((r - 1.0).abs() * 7.5)
    });
    let one = field(&|y, x| {
        stroke(seg(y, x, (6.0, 16.0), (25.0, 16.0)).min(seg(y, x, (6.0, 16.0), (9.0, 13.0))))
    });
    let seven = field(&|y, x| {
        stroke(seg(y, x, (7.0, 9.0), (7.0, 22.0)).min(seg(y, x, (7.0, 22.0), (25.0, 13.0))))
    });
    let noise = |name: &str| -> Vec<f32> {
        let h = crate::engine::splitmix::fnv1a64(name);
        (0..LENET * LENET)
            .map(|i| crate::engine::splitmix::uniform(h, i as u64) as f32)
            .collect()
    };
    vec![
        ("ring", ring),
        ("one", one),
        ("seven", seven),
        ("noise_a", noise("noise_a")),
        ("noise_b", noise("noise_b")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preprocessing_fits_20x20_and_centres_the_mass() {
        // A 100×60 canvas with a filled 40×10 bar in its top-left corner.
        let (w, h) = (100, 60);
        let mut img = vec![0f32; w * h];
        for y in 5..15 {
            for x in 3..43 {
                img[y * w + x] = 1.0;
            }
        }
        let out = mnist_preprocess(&img, w, h).unwrap();
        assert_eq!(out.len(), 32 * 32);
        // 40 wide → 20 wide, 10 high → 5 high; centred at (16, 16) in the 32×32 field.
        let cols: Vec<usize> = (0..32)
            .filter(|&x| (0..32).any(|y| out[y * 32 + x] > 0.5))
            .collect();
        let rows: Vec<usize> = (0..32)
            .filter(|&y| (0..32).any(|x| out[y * 32 + x] > 0.5))
            .collect();
        assert_eq!(cols.len(), 20);
        assert_eq!(rows.len(), 5);
        let (mut m, mut mx, mut my) = (0f32, 0f32, 0f32);
        for y in 0..32 {
            for x in 0..32 {
                let v = out[y * 32 + x];
                m += v;
                mx += v * x as f32;
                my += v * y as f32;
            }
        }
        assert!((mx / m - 16.0).abs() < 0.6, "{}", mx / m);
        assert!((my / m - 16.0).abs() < 0.6, "{}", my / m);
        assert!(mnist_preprocess(&vec![0.0; 100], 10, 10).is_none());
    }

    /// Ink above half, and the centre of mass, of a `w`×`h` image.
    fn area_and_centre(img: &[f32], w: usize) -> (usize, f64, f64) {
        let (mut m, mut mx, mut my) = (0f64, 0f64, 0f64);
        for (i, &v) in img.iter().enumerate() {
            m += v as f64;
            mx += v as f64 * (i % w) as f64;
            my += v as f64 * (i / w) as f64;
        }
        (img.iter().filter(|&&v| v > 0.5).count(), mx / m, my / m)
    }

    /// A 28×28 "7": a bar and a diagonal, 2 px wide.
    fn seven() -> Vec<f32> {
        let mut img = vec![0f32; MNIST * MNIST];
        for x in 6..22 {
            img[5 * MNIST + x] = 1.0;
            img[6 * MNIST + x] = 1.0;
        }
        for y in 7..23 {
            let x = 21 - (y - 7) / 2;
            img[y * MNIST + x] = 1.0;
            img[y * MNIST + x - 1] = 1.0;
        }
        img
    }

    #[test]
    fn an_elastic_field_of_alpha_zero_is_the_identity() {
        let img = seven();
        let (dx, dy) = elastic_field(MNIST, MNIST, 0.0, 4.0, &mut Rng::new(1));
        assert!(dx.iter().chain(&dy).all(|&v| v == 0.0));
        assert_eq!(displace(&img, MNIST, MNIST, &dx, &dy), img);
    }

    #[test]
    fn elastic_fields_are_smooth_and_scale_with_alpha() {
        let (w, sigma) = (44, 4.0);
        let (dx, dy) = elastic_field(w, w, 34.0, sigma, &mut Rng::new(2));
        let rms =
            |v: &[f32]| (v.iter().map(|x| (x * x) as f64).sum::<f64>() / v.len() as f64).sqrt();
        // Uniform noise of variance 1/3 smoothed by a normalised Gaussian keeps a standard
        // deviation of about sqrt(1/3) / (2·sqrt(pi)·sigma) = 0.041 (less at the borders): times
        // 34, about 1.4 px.
        let (rx, ry) = (rms(&dx), rms(&dy));
        assert!(
            (0.6..2.2).contains(&rx) && (0.6..2.2).contains(&ry),
            "{rx} {ry}"
        );
        // Neighbours move together: a step to the next pixel changes the field far less than
        // the field itself.
        let step: Vec<f32> = (0..w * w)
            .filter(|i| i % w + 1 < w)
            .map(|i| dx[i + 1] - dx[i])
            .collect();
        assert!(rms(&step) < 0.3 * rx, "{} vs {rx}", rms(&step));
        // The same seed with alpha doubled gives the same field doubled.
        let (dx2, _) = elastic_field(w, w, 68.0, sigma, &mut Rng::new(2));
        for (a, b) in dx.iter().zip(&dx2) {
            assert!((2.0 * a - b).abs() < 1e-5);
        }
    }

    #[test]
    fn displacing_by_a_constant_field_shifts_the_image() {
        let img = seven();
        let (dx, dy) = (vec![2.0f32; MNIST * MNIST], vec![-1.0f32; MNIST * MNIST]);
        let moved = displace(&img, MNIST, MNIST, &dx, &dy);
        // Pixel (x, y) now holds what was at (x + 2, y − 1).
        assert_eq!(moved[6 * MNIST + 4], img[5 * MNIST + 6]);
        let (_, cx0, cy0) = area_and_centre(&img, MNIST);
        let (_, cx1, cy1) = area_and_centre(&moved, MNIST);
        assert!((cx0 - cx1 - 2.0).abs() < 0.01 && (cy1 - cy0 - 1.0).abs() < 0.01);
    }

    #[test]
    fn dilation_grows_the_ink_and_erosion_shrinks_it() {
        let img = seven();
        let (area, ..) = area_and_centre(&img, MNIST);
        assert_eq!(stroke_width(&img, MNIST, MNIST, 0.0), img);
        let grown = stroke_width(&img, MNIST, MNIST, 1.0);
        let thick = stroke_width(&img, MNIST, MNIST, 2.0);
        let thin = stroke_width(&stroke_width(&img, MNIST, MNIST, 2.0), MNIST, MNIST, -1.0);
        let (a1, a2, a3) = (
            area_and_centre(&grown, MNIST).0,
            area_and_centre(&thick, MNIST).0,
            area_and_centre(&thin, MNIST).0,
        );
        // A 2-px stroke dilated by 1 px is 4 px wide: about twice the area; by 2 px, 6 px wide.
        assert!(a1 as f64 > 1.7 * area as f64 && a2 > a1, "{area} {a1} {a2}");
        // Dilation keeps every inked pixel, erosion removes ink; eroding the 6-px stroke by 1 px
        // leaves it between the two.
        assert!(img.iter().zip(&grown).all(|(a, b)| b >= a));
        assert!(a3 < a2 && a3 > area, "{area} {a3} {a2}");
        let eroded = stroke_width(&grown, MNIST, MNIST, -1.0);
        assert!(eroded.iter().zip(&grown).all(|(a, b)| a <= b));
        // A fractional radius counts the rim's pixels partly: ink between the whole radii.
        let sum = |v: &[f32]| v.iter().sum::<f32>();
        let half = sum(&stroke_width(&img, MNIST, MNIST, 0.5));
        assert!(half > sum(&img) + 10.0 && half < sum(&grown) - 10.0);
    }

    #[test]
    fn a_digit_augmented_as_drawn_is_what_the_page_gives_the_network() {
        let img = seven();
        let aug = DrawnAugmentation::default();
        for seed in 0..20 {
            let a = augment_as_drawn(&img, &aug, &mut Rng::new(seed));
            assert_eq!(a, augment_as_drawn(&img, &aug, &mut Rng::new(seed)));
            assert_eq!(a.len(), LENET * LENET);
            // The page's preprocessing ran: the ink fits the central 20×20 box (longer side 20),
            // its mass at the centre, and a 2-pixel frame of the 32×32 input stays empty.
            let (area, cx, cy) = area_and_centre(&a, LENET);
            assert!(area > 20, "seed {seed}: {area}");
            assert!(
                (cx - 16.0).abs() < 1.0 && (cy - 16.0).abs() < 1.0,
                "{cx} {cy}"
            );
            let inked = |i: usize| a[i] > 0.05;
            let rows: Vec<usize> = (0..LENET)
                .filter(|&y| (0..LENET).any(|x| inked(y * LENET + x)))
                .collect();
            let cols: Vec<usize> = (0..LENET)
                .filter(|&x| (0..LENET).any(|y| inked(y * LENET + x)))
                .collect();
            let (h, w) = (rows.len(), cols.len());
            assert!(h.max(w) >= 19 && h.max(w) <= 22, "seed {seed}: {w}×{h}");
            assert!(rows[0] >= 2 && cols[0] >= 2 && rows[h - 1] < 30 && cols[w - 1] < 30);
        }
    }

    #[test]
    fn slant_leans_the_top_right() {
        // A vertical bar slanted by +0.5 and not otherwise changed: its top moves right of its
        // bottom by half its height (before the preprocessing scales it to 20 high).
        let mut bar = vec![0f32; MNIST * MNIST];
        for y in 4..24 {
            bar[y * MNIST + 13] = 1.0;
            bar[y * MNIST + 14] = 1.0;
        }
        let aug = DrawnAugmentation {
            max_rotation_deg: 0.0,
            slant: [0.5, 0.5],
            scale: [1.0, 1.0],
            aspect: [1.0, 1.0],
            elastic_alpha: [0.0, 0.0],
            elastic_sigma: 4.0,
            stroke_radius: [0.0, 0.0],
            solid_p: 0.0,
        };
        let a = augment_as_drawn(&bar, &aug, &mut Rng::new(0));
        let centre_x = |y: usize| {
            let row = &a[y * LENET..(y + 1) * LENET];
            let m: f32 = row.iter().sum();
            row.iter()
                .enumerate()
                .map(|(x, v)| x as f32 * v)
                .sum::<f32>()
                / m
        };
        let rows: Vec<usize> = (0..LENET)
            .filter(|&y| a[y * LENET..(y + 1) * LENET].iter().sum::<f32>() > 0.5)
            .collect();
        let (top, bottom) = (rows[1], rows[rows.len() - 2]);
        let lean = (centre_x(top) - centre_x(bottom)) / (bottom - top) as f32;
        assert!((lean - 0.5).abs() < 0.12, "{lean}");
    }

    #[test]
    fn the_pad_rasteriser_draws_round_capped_antialiased_lines() {
        // One stroke from (50, 100) to (150, 100), 10 px wide: a 100×10 bar with two half-disk
        // caps, π·5² more; solid inside, nothing a pixel beyond the edge.
        let ink = rasterise_strokes(&[vec![[50.0, 100.0], [150.0, 100.0]]], 10.0, PAD);
        let at = |x: usize, y: usize| ink[y * PAD + x];
        assert_eq!(at(100, 100), 1.0);
        assert_eq!(at(100, 104), 1.0);
        assert_eq!(at(100, 106), 0.0);
        assert_eq!(at(44, 100), 0.0);
        assert!(at(46, 100) > 0.4, "{}", at(46, 100));
        let area: f32 = ink.iter().sum();
        let want = 100.0 * 10.0 + std::f32::consts::PI * 25.0;
        assert!((area - want).abs() < 0.02 * want, "{area} vs {want}");
        // A click without a move leaves a dot of the brush's size; a dot twice drawn stays solid.
        let dot = rasterise_strokes(&[vec![[140.0, 140.0]]], 18.0, PAD);
        let area: f32 = dot.iter().sum();
        assert!((area - std::f32::consts::PI * 81.0).abs() < 8.0, "{area}");
        assert!(dot.iter().all(|&v| (0.0..=1.0).contains(&v)));
    }

    #[test]
    fn a_drawn_set_reads_back_and_refuses_other_canvases() {
        let json = r#"{"generator": "g", "seed": 1, "canvas": 280, "digits": [
            {"label": 1, "style": "1-stick", "brush": 18, "strokes": [[[140, 40], [140, 240]]]}]}"#;
        let set = DrawnSet::from_json(json).unwrap();
        assert_eq!(set.digits[0].strokes[0][1], [140.0, 240.0]);
        let input = drawn_input(&set.digits[0]).unwrap();
        // A vertical bar: 20 high after the preprocessing, centred.
        let (_, cx, cy) = area_and_centre(&input, LENET);
        assert!((cx - 16.0).abs() < 0.6 && (cy - 16.0).abs() < 0.6);
        let e = DrawnSet::from_json(&json.replace("280", "200")).unwrap_err();
        assert!(e.contains("280"), "{e}");
        assert!(DrawnSet::from_json(&json.replace("\"label\": 1", "\"label\": 12")).is_err());
    }

    #[test]
    fn augmentation_is_reproducible_and_keeps_ink() {
        let mut img = vec![0f32; 28 * 28];
        for y in 6..22 {
            img[y * 28 + 14] = 1.0;
        }
        let a = augment(&img, &Augmentation::default(), &mut Rng::new(7));
        let b = augment(&img, &Augmentation::default(), &mut Rng::new(7));
        assert_eq!(a, b);
        assert!(a.iter().sum::<f32>() > 5.0);
    }
}
