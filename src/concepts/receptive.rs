//! Receptive fields of single units and their growth with depth, read off a description's
//! analysis (`crate::zoo::analysis`, after Araujo, Norris & Sim, "Computing Receptive Fields of
//! Convolutional Neural Networks", Distill 2019): the square of input pixels one unit of a feature
//! map sees — where it starts, how far it reaches into the padding — and the field's size and
//! jump (effective stride) against depth, for the page's chart.

pub use crate::zoo::analysis::{unit_field, UnitField};
use crate::zoo::graph::{Network, NodeId, Op};
use crate::zoo::Analysis;

/// One point of the receptive-field chart.
#[derive(Clone, Debug, PartialEq)]
pub struct RfPoint {
    /// The layer the point is read from.
    pub node: NodeId,
    pub name: String,
    /// Sliding-window layers (convolutions, pooling, sub-sampling) on the longest path from the
    /// input to this layer, itself included.
    pub depth: usize,
    pub rf: usize,
    pub jump: usize,
}

fn is_window(op: &Op) -> bool {
    matches!(
        op.base(),
        Op::Conv2d(_) | Op::Pool2d(_) | Op::Subsample { .. }
    )
}

/// Receptive field and jump against depth: at each depth, the window layer with the largest
/// field (branches of one depth differ: a 1×1 next to a 3×3).
pub fn rf_series(net: &Network, an: &Analysis) -> Vec<RfPoint> {
    let mut depth = vec![0usize; net.nodes.len()];
    let mut best: Vec<Option<RfPoint>> = Vec::new();
    for (i, n) in net.nodes.iter().enumerate() {
        let d = n.inputs.iter().map(|&j| depth[j]).max().unwrap_or(0) + is_window(&n.op) as usize;
        depth[i] = d;
        let l = &an.layers[i];
        let (Some(rf), Some(jump)) = (l.rf, l.jump) else {
            continue;
        };
        if !is_window(&n.op) {
            continue;
        }
        if best.len() < d {
            best.resize(d, None);
        }
        let p = RfPoint {
            node: i,
            name: n.name.clone(),
            depth: d,
            rf: rf[0],
            jump: jump[0],
        };
        let slot = &mut best[d - 1];
        if slot.as_ref().is_none_or(|q| p.rf > q.rf) {
            *slot = Some(p);
        }
    }
    best.into_iter().flatten().collect()
}

/// How an effective receptive field (a heat map of |∂unit/∂pixel| over an `h`×`w` image) sits in
/// the theoretical one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErfStats {
    /// Sum of the heat.
    pub total: f64,
    /// Share of the heat inside the theoretical field (1 when the theory holds).
    pub inside: f64,
    /// Side of the smallest square, centred on the field's centre, holding half the heat.
    pub half_side: usize,
}

/// Measures an effective receptive field against the theoretical `field`.
pub fn erf_stats(heat: &[f32], h: usize, w: usize, field: &UnitField) -> ErfStats {
    let total: f64 = heat.iter().map(|&v| v as f64).sum();
    let mut inside = 0.0;
    // Centre of the field, in pixel coordinates (half-pixels when the side is even).
    let cy = (field.y0 + field.y1()) as f64 / 2.0;
    let cx = (field.x0 + field.x1()) as f64 / 2.0;
    // Heat by Chebyshev distance from the centre, in half-pixel steps.
    let mut by_ring: Vec<f64> = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let v = heat[y * w + x] as f64;
            if v == 0.0 {
                continue;
            }
            if field.contains(y as i64, x as i64) {
                inside += v;
            }
            let d = ((y as f64 - cy).abs().max((x as f64 - cx).abs()) * 2.0).round() as usize;
            if by_ring.len() <= d {
                by_ring.resize(d + 1, 0.0);
            }
            by_ring[d] += v;
        }
    }
    let mut acc = 0.0;
    let mut half_side = 0;
    for (d, v) in by_ring.iter().enumerate() {
        acc += v;
        if acc >= total / 2.0 {
            // Distance d half-pixels from the centre: a square of side d + 1 pixels.
            half_side = d + 1;
            break;
        }
    }
    ErfStats {
        total,
        inside: if total > 0.0 { inside / total } else { 1.0 },
        half_side,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::{analyse, build};

    #[test]
    fn unit_fields_of_resnet18() {
        let net = build("resnet18").unwrap();
        let an = analyse(&net);
        let conv1 = net.nodes.iter().position(|n| n.name == "conv1").unwrap();
        // 7×7, stride 2, padding 3: unit (0, 0) sees rows −3..3, unit (5, 9) starts at 10, 18 − 3.
        let f = unit_field(&an, conv1, 0, 0).unwrap();
        assert_eq!((f.rf, f.jump, f.y0, f.x0), ([7, 7], [2, 2], -3, -3));
        assert!(f.reaches_padding(224, 224));
        assert_eq!(f.on_image(224, 224), ([0, 3], [0, 3]));
        let f = unit_field(&an, conv1, 5, 9).unwrap();
        assert_eq!((f.y0, f.x0), (7, 15));
        assert!(!f.reaches_padding(224, 224));
        // After the 3×3/2 max pool (padding 1): 11 pixels from −3 − 1·2 = −5, jump 4.
        let pool = net.nodes.iter().position(|n| n.name == "maxpool").unwrap();
        let f = unit_field(&an, pool, 0, 0).unwrap();
        assert_eq!((f.rf, f.jump, f.y0), ([11, 11], [4, 4], -5));
        // The classifier's units have no spatial field.
        assert_eq!(unit_field(&an, net.output(), 0, 0), None);
    }

    #[test]
    fn erf_statistics() {
        let field = UnitField {
            rf: [5, 5],
            jump: [1, 1],
            y0: 2,
            x0: 2,
        };
        // All heat on the centre pixel (4, 4): inside, half of it in a 1-pixel square.
        let mut heat = vec![0f32; 100];
        heat[44] = 2.0;
        let s = erf_stats(&heat, 10, 10, &field);
        assert_eq!((s.total, s.inside, s.half_side), (2.0, 1.0, 1));
        // A quarter of the heat outside the field.
        heat[0] = 2.0 / 3.0;
        let s = erf_stats(&heat, 10, 10, &field);
        assert!((s.inside - 0.75).abs() < 1e-6);
    }

    #[test]
    fn the_series_grows_with_depth() {
        let net = build("vgg16").unwrap();
        let an = analyse(&net);
        let s = rf_series(&net, &an);
        // 13 convolutions and 5 pools.
        assert_eq!(s.len(), 18);
        let rfs: Vec<usize> = s.iter().map(|p| p.rf).collect();
        assert_eq!(&rfs[..5], &[3, 5, 6, 10, 14]);
        assert_eq!(*rfs.last().unwrap(), 212);
        assert!(s
            .windows(2)
            .all(|w| w[0].rf <= w[1].rf && w[0].jump <= w[1].jump));
        // GoogLeNet: the 3×3 branch, not the 1×1 beside it, gives each depth's point.
        let net = build("googlenet").unwrap();
        let an = analyse(&net);
        let s = rf_series(&net, &an);
        assert!(s.iter().all(|p| !p.name.ends_with("branch1.conv")));
    }
}
