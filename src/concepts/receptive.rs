//! Receptive fields of single units and their growth with depth, read off a description's
//! analysis (`crate::zoo::analysis`, after Araujo, Norris & Sim, "Computing Receptive Fields of
//! Convolutional Neural Networks", Distill 2019): the square of input pixels one unit of a feature
//! map sees — where it starts, how far it reaches into the padding — and the field's size and
//! jump (effective stride) against depth, for the page's chart.

use crate::zoo::graph::{Network, NodeId, Op};
use crate::zoo::Analysis;

/// The theoretical receptive field of one unit: `rf` input pixels per side starting at row `y0`,
/// column `x0` (negative where it reaches into the padding), neighbours `jump` pixels apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnitField {
    pub rf: [usize; 2],
    pub jump: [usize; 2],
    pub y0: i64,
    pub x0: i64,
}

impl UnitField {
    /// Last row and column (inclusive).
    pub fn y1(&self) -> i64 {
        self.y0 + self.rf[0] as i64 - 1
    }

    pub fn x1(&self) -> i64 {
        self.x0 + self.rf[1] as i64 - 1
    }

    /// Whether input pixel (y, x) lies inside the field.
    pub fn contains(&self, y: i64, x: i64) -> bool {
        (self.y0..=self.y1()).contains(&y) && (self.x0..=self.x1()).contains(&x)
    }

    /// The part of the field on a `h`×`w` image: rows `[y0, y1]` and columns `[x0, x1]`,
    /// inclusive.
    pub fn on_image(&self, h: usize, w: usize) -> ([i64; 2], [i64; 2]) {
        (
            [self.y0.max(0), self.y1().min(h as i64 - 1)],
            [self.x0.max(0), self.x1().min(w as i64 - 1)],
        )
    }

    /// Whether part of the field lies in the padding beyond a `h`×`w` image.
    pub fn reaches_padding(&self, h: usize, w: usize) -> bool {
        self.y0 < 0 || self.x0 < 0 || self.y1() >= h as i64 || self.x1() >= w as i64
    }
}

/// The field of unit (y, x) of `node`'s output, or None for a node without a spatial field (after
/// flattening every unit sees the whole image).
pub fn unit_field(an: &Analysis, node: NodeId, y: usize, x: usize) -> Option<UnitField> {
    let l = an.layers.get(node)?;
    let (rf, jump, start) = (l.rf?, l.jump?, l.start?);
    // `start` is the centre of unit 0's field; rf − 1 is even or odd alike on both sides.
    let first = |a: usize| (start[a] - (rf[a] as f64 - 1.0) / 2.0).round() as i64;
    Some(UnitField {
        rf,
        jump,
        y0: first(0) + (y * jump[0]) as i64,
        x0: first(1) + (x * jump[1]) as i64,
    })
}

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
