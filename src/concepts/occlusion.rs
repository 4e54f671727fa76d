//! What the network looks at, by occlusion (Zeiler & Fergus, "Visualizing and Understanding
//! Convolutional Networks", ECCV 2014, §4.2): a grey square slid over the input, and at each
//! place the drop of the probability of the class the whole image gets. Where the drop is large,
//! the network needed what the square hid. The square is the dataset's mean colour (zero after
//! the normalisation), the grey the paper uses. The worker runs the passes (`web::worker`); this
//! module plans them and makes the occluded inputs and the map.

use serde::{Deserialize, Serialize};

/// Where the square goes on a side of `side` pixels: every `stride` from 0, and the last place
/// flush with the far edge so that every pixel is covered.
pub fn starts(side: usize, patch: usize, stride: usize) -> Vec<usize> {
    let patch = patch.clamp(1, side.max(1));
    let stride = stride.max(1);
    let last = side - patch;
    let mut s: Vec<usize> = (0..=last).step_by(stride).collect();
    if s.last() != Some(&last) {
        s.push(last);
    }
    s
}

/// The settings a reader chose, checked: a square of 8…`side` pixels, a stride of 4…`side`.
pub fn check(side: usize, patch: usize, stride: usize) -> Result<(), crate::i18n::Msg> {
    use crate::i18n::Msg;
    if !(8..=side).contains(&patch) {
        return Err(Msg::new("errors-occlusion-square")
            .arg("min", 8)
            .arg("side", side));
    }
    if !(4..=side).contains(&stride) {
        return Err(Msg::new("errors-occlusion-stride")
            .arg("min", 4)
            .arg("side", side));
    }
    Ok(())
}

/// `input` (`[C, side, side]`, normalised) with the square at (`y0`, `x0`) set to zero (the mean
/// colour) in every channel.
pub fn occlude(input: &[f32], side: usize, y0: usize, x0: usize, patch: usize) -> Vec<f32> {
    let mut v = input.to_vec();
    let plane = side * side;
    for c in 0..input.len() / plane {
        for y in y0..(y0 + patch).min(side) {
            let row = c * plane + y * side;
            v[row + x0..row + (x0 + patch).min(side)].fill(0.0);
        }
    }
    v
}

/// The occlusion map: one value per place of the square, row-major.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcclusionMap {
    /// The class whose probability is watched (the top-1 of the whole image).
    pub class: usize,
    /// Its probability on the whole image.
    pub base: f32,
    pub side: usize,
    pub patch: usize,
    pub stride: usize,
    /// Where the square's top-left corner went, along each side.
    pub starts: Vec<usize>,
    /// base − probability with the square there, `starts.len()²` values, row-major.
    pub drops: Vec<f32>,
}

impl OcclusionMap {
    /// The map at each pixel of the crop: the mean drop over the squares that covered it
    /// (`side × side`, row-major).
    pub fn per_pixel(&self) -> Vec<f32> {
        let n = self.side;
        let mut sum = vec![0f32; n * n];
        let mut count = vec![0u32; n * n];
        let k = self.starts.len();
        for (i, &y0) in self.starts.iter().enumerate() {
            for (j, &x0) in self.starts.iter().enumerate() {
                let d = self.drops[i * k + j];
                for y in y0..(y0 + self.patch).min(n) {
                    for x in x0..(x0 + self.patch).min(n) {
                        sum[y * n + x] += d;
                        count[y * n + x] += 1;
                    }
                }
            }
        }
        sum.iter()
            .zip(&count)
            .map(|(s, &c)| if c == 0 { 0.0 } else { s / c as f32 })
            .collect()
    }
}

/// The probability of `class` under a softmax of `logits`.
pub fn probability(logits: &[f32], class: usize) -> f32 {
    crate::engine::softmax(logits)[class]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{packed::PackedEngine, Engine, Weights};
    use crate::zoo::builder::Builder;
    use crate::zoo::graph::Op;

    #[test]
    fn squares_cover_every_pixel_and_end_flush() {
        assert_eq!(starts(224, 32, 16).len(), 13);
        assert_eq!(*starts(224, 32, 16).last().unwrap(), 192);
        assert_eq!(
            starts(224, 48, 20),
            vec![0, 20, 40, 60, 80, 100, 120, 140, 160, 176]
        );
        assert_eq!(starts(10, 10, 4), vec![0]);
        assert_eq!(
            check(224, 4, 16).unwrap_err().en(),
            "the square's side must be between 8 and 224 pixels"
        );
        assert_eq!(
            check(224, 32, 2).unwrap_err().text(crate::i18n::Lang::Zh),
            "步长必须在 4 到 224 像素之间"
        );
        assert!(check(224, 32, 16).is_ok());
    }

    /// A network whose class 0 reads one pixel: only the squares over that pixel change its
    /// probability, and by exactly what the logits give.
    #[test]
    fn a_network_that_reads_one_pixel_is_hurt_only_where_that_pixel_is_hidden() {
        let side = 16;
        let mut b = Builder::new("probe", "probe", "", [1, side, side]);
        let x = b.input();
        let f = b.add("flatten", Op::Flatten, &[x]);
        b.add(
            "fc",
            Op::Linear {
                out_features: 2,
                bias: false,
            },
            &[f],
        );
        let net = b.finish();
        let (py, px) = (5, 11);
        let mut w = vec![0f32; 2 * side * side];
        w[py * side + px] = 4.0;
        let mut weights = Weights::default();
        weights.insert("fc.weight", vec![2, side * side], w);
        let mut prepared = PackedEngine.prepare(&net, weights).unwrap();
        let input = vec![1f32; side * side];
        let logits = |v: &[f32], p: &mut Box<dyn crate::engine::Prepared>| {
            p.run(v, &[net.output()]).unwrap().values[0].clone()
        };
        let base = probability(&logits(&input, &mut prepared), 0);
        // softmax([4, 0])₀ and softmax([0, 0])₀.
        assert!((base - 1.0 / (1.0 + (-4f32).exp())).abs() < 1e-6);
        let (patch, stride) = (4, 4);
        let s = starts(side, patch, stride);
        let mut drops = Vec::new();
        for &y0 in &s {
            for &x0 in &s {
                let hidden = occlude(&input, side, y0, x0, patch);
                drops.push(base - probability(&logits(&hidden, &mut prepared), 0));
            }
        }
        let map = OcclusionMap {
            class: 0,
            base,
            side,
            patch,
            stride,
            starts: s.clone(),
            drops,
        };
        for (i, &y0) in s.iter().enumerate() {
            for (j, &x0) in s.iter().enumerate() {
                let covers = (y0..y0 + patch).contains(&py) && (x0..x0 + patch).contains(&px);
                let d = map.drops[i * s.len() + j];
                if covers {
                    assert!((d - (base - 0.5)).abs() < 1e-6, "{d}");
                } else {
                    assert_eq!(d, 0.0);
                }
            }
        }
        let pixels = map.per_pixel();
        assert!((pixels[py * side + px] - (base - 0.5)).abs() < 1e-6);
        assert_eq!(pixels[0], 0.0);
    }
}
