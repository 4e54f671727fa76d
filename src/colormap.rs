//! Colour scales for feature maps: a diverging blue–white–red scale for signed values and a
//! sequential dark-to-bright scale for non-negative ones (after ReLU), with the value range that
//! the legend shows.

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
}
