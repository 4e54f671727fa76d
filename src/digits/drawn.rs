//! Digits drawn with a mouse or a finger: the held-out set of strokes, rasterised as the pad
//! draws them, and test patterns.

use super::*;

/// Side of the page's drawing pad, in canvas pixels (`web::ui::digit_canvas::PAD_SIZE`).
pub const PAD: usize = 280;

/// One digit drawn on the pad: the pointer positions of each stroke in canvas pixels, as the
/// pad's pointer events report them, and the brush width.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct DrawnDigit {
    pub label: u8,
    /// The hand style (`7-bar`, `4-open`…), for reading errors.
    pub style: String,
    /// Who drew it, in a set drawn by several people with their own habits (`drawn_hands.json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hand: Option<String>,
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
