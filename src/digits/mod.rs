//! Digit images as LeNet-5 sees them: the MNIST preprocessing (crop to the ink, scale to fit
//! 20×20 keeping the aspect ratio, centre by centre of mass in 28×28, pad to 32×32), used by the
//! page for drawn digits; the pad's drawing natively (strokes of pointer positions rasterised as
//! the page's canvas draws them) for the held-out drawn digits; and the augmentation used in
//! training so that digits drawn with a mouse are recognised too: MNIST-like shifts, rotations,
//! scaling, shear and stroke thickness, and an imitation of the pad (slant, proportions, elastic
//! distortion, stroke width, then the page's preprocessing again).

mod augment;
mod drawn;
#[cfg(not(target_arch = "wasm32"))]
pub mod fonts;

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

/// The centre 28×28 of a 32×32 digit (what [`pad_to_32`] padded).
pub fn unpad_32(img: &[f32]) -> Vec<f32> {
    (0..MNIST)
        .flat_map(|y| {
            img[(y + 2) * LENET + 2..(y + 2) * LENET + 2 + MNIST]
                .iter()
                .copied()
        })
        .collect()
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

pub use augment::*;
pub use drawn::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

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
