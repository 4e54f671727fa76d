//! Digit images as LeNet-5 sees them: the MNIST preprocessing (crop to the ink, scale to fit
//! 20×20 keeping the aspect ratio, centre by centre of mass in 28×28, pad to 32×32), used by the
//! page for drawn digits, and the augmentation used in training (shifts, rotations, scaling,
//! shear, stroke thickness) so that digits drawn with a mouse are recognised too.

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

/// How training distorts a digit.
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
