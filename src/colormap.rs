//! Colour scales for feature maps: a diverging blue–white–red scale for signed values and a
//! sequential dark-to-bright scale for non-negative ones (after ReLU), with the value range that
//! the legend shows; and heat drawn over a faded photo (effective fields, saliency, occlusion).

/// A colour scale fitted to a set of values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub min: f32,
    pub max: f32,
    /// Signed values use the diverging scale, symmetric around zero.
    pub diverging: bool,
}

impl Scale {
    /// Fits the scale to `values`: diverging (±max|v|) when any is negative, else [0, max].
    pub fn fit<'a>(values: impl IntoIterator<Item = &'a f32>) -> Scale {
        let (mut lo, mut hi) = (0f32, 0f32);
        for &v in values {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if lo < 0.0 {
            let m = lo.abs().max(hi).max(1e-6);
            Scale {
                min: -m,
                max: m,
                diverging: true,
            }
        } else {
            Scale {
                min: 0.0,
                max: hi.max(1e-6),
                diverging: false,
            }
        }
    }

    /// RGB of a value.
    pub fn rgb(&self, v: f32) -> [u8; 3] {
        let t = ((v - self.min) / (self.max - self.min)).clamp(0.0, 1.0);
        if self.diverging {
            diverging(t)
        } else {
            sequential(t)
        }
    }
}

fn lerp(a: [f32; 3], b: [f32; 3], t: f32) -> [u8; 3] {
    [0, 1, 2].map(|i| (a[i] + (b[i] - a[i]) * t).round().clamp(0.0, 255.0) as u8)
}

/// Blue (t = 0) – white (t = ½) – red (t = 1).
fn diverging(t: f32) -> [u8; 3] {
    const BLUE: [f32; 3] = [33.0, 102.0, 172.0];
    const WHITE: [f32; 3] = [247.0, 247.0, 247.0];
    const RED: [f32; 3] = [178.0, 24.0, 43.0];
    if t < 0.5 {
        lerp(BLUE, WHITE, t * 2.0)
    } else {
        lerp(WHITE, RED, (t - 0.5) * 2.0)
    }
}

/// Near-black – purple – orange – pale yellow (an inferno-like ramp).
fn sequential(t: f32) -> [u8; 3] {
    const STOPS: [[f32; 3]; 5] = [
        [0.0, 0.0, 4.0],
        [87.0, 16.0, 110.0],
        [188.0, 55.0, 84.0],
        [249.0, 142.0, 9.0],
        [252.0, 255.0, 164.0],
    ];
    let x = t * 4.0;
    let i = (x.floor() as usize).min(3);
    lerp(STOPS[i], STOPS[i + 1], x - i as f32)
}

/// Heat colour: yellow to red as `t` goes from 0 to 1.
fn heat_rgb(t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [255.0, 235.0 - 200.0 * t, 60.0 * (1.0 - t)]
}

/// Cold colour for negative heat: pale to deep blue.
fn cold_rgb(t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [60.0 * (1.0 - t), 120.0 + 40.0 * (1.0 - t), 255.0]
}

/// The most a heat colour covers the photo under it: even the hottest pixel lets the photo show,
/// so that a map with wide heat (occlusion) still shows what it is heat of.
const HEAT_OPACITY: f32 = 0.7;

/// An RGBA image of `heat` over a faded copy of an image whose grey levels in [0, 1] are `grey`:
/// each pixel's colour is blended in by |heat| / max |heat| (square-rooted, so that faint heat
/// shows), at most [`HEAT_OPACITY`]. Positive heat is warm; negative heat, where `heat` has any,
/// is blue.
pub fn heat_over(heat: &[f32], grey: &[f32]) -> Vec<u8> {
    let max = heat.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-30);
    let mut rgba = vec![0u8; heat.len() * 4];
    for (i, (&h, &g)) in heat.iter().zip(grey).enumerate() {
        let base = 150.0 + 90.0 * g;
        let t = (h.abs() / max).sqrt();
        let c = if h >= 0.0 { heat_rgb(t) } else { cold_rgb(t) };
        let a = (t * 1.6).min(1.0) * HEAT_OPACITY;
        for k in 0..3 {
            rgba[i * 4 + k] = (base * (1.0 - a) + c[k] * a).round() as u8;
        }
        rgba[i * 4 + 3] = 255;
    }
    rgba
}

/// Grey levels in [0, 1] of RGB bytes (Rec. 601 luma).
pub fn grey_of_rgb(rgb: &[u8]) -> Vec<f32> {
    rgb.chunks_exact(3)
        .map(|p| (0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32) / 255.0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_values_get_a_symmetric_diverging_scale() {
        let s = Scale::fit(&[-2.0, 0.5, 1.0]);
        assert_eq!((s.min, s.max, s.diverging), (-2.0, 2.0, true));
        assert_eq!(s.rgb(0.0), [247, 247, 247]);
        assert_eq!(s.rgb(-2.0), [33, 102, 172]);
        let r = Scale::fit(&[0.0, 3.0]);
        assert!(!r.diverging);
        assert_eq!(r.rgb(0.0), [0, 0, 4]);
        assert_eq!(r.rgb(3.0), [252, 255, 164]);
    }

    #[test]
    fn heat_is_blended_by_its_share_of_the_largest() {
        let rgba = heat_over(&[0.0, 1.0, -1.0, 1.0], &[1.0, 1.0, 1.0, 0.0]);
        // No heat: the faded photo; full heat: 70 % red over it; full negative heat: 70 % blue.
        assert_eq!(&rgba[0..4], &[240, 240, 240, 255]);
        assert_eq!(&rgba[4..8], &[251, 97, 72, 255]);
        assert_eq!(&rgba[8..12], &[72, 156, 251, 255]);
        // The photo still shows under the hottest heat: a dark pixel stays darker.
        assert_eq!(&rgba[12..16], &[224, 70, 45, 255]);
        assert_eq!(grey_of_rgb(&[255, 255, 255, 0, 0, 0]), vec![1.0, 0.0]);
    }
}
