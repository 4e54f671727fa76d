//! Everything the description determines, derived from it alone: for every layer its output
//! shape, parameters, multiply-accumulates, activations and fp32 memory, and its receptive field
//! (size, jump = effective stride, start = centre of the first unit's field), for multi-path
//! graphs too, as in Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
//! Networks", Distill 2019.
//!
//! The receptive field is tracked as the interval of input pixels `[lo, hi]` that unit 0 of a
//! node's output sees (per axis, padding included as negative coordinates) and the jump between
//! neighbouring units. A layer with kernel K, stride S, padding P and dilation D maps
//! `lo' = lo − P·J`, `hi' = hi + (−P + (K−1)·D)·J`, `J' = J·S`; a merge (add, concat, mean)
//! takes the union of its inputs' intervals, so the field of a multi-path block is the largest
//! one over its paths.

use serde::Serialize;

use super::graph::{Conv, Hw, Network, Node, Op, Pool};

/// What the analysis says about one layer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerStats {
    /// Output shape without the batch: `[C, H, W]` for maps, `[F]` for vectors.
    pub shape: Vec<usize>,
    pub params: u64,
    /// Multiply-accumulates of convolution and linear weights (torchvision's convention).
    pub macs: u64,
    /// Elements of the output.
    pub activations: u64,
    /// fp32 bytes of the output.
    pub activation_bytes: u64,
    /// Receptive field `[height, width]` on the input image (None once the map is flattened).
    pub rf: Option<Hw>,
    /// Effective stride `[height, width]`: input pixels between neighbouring output units.
    pub jump: Option<Hw>,
    /// Centre of unit 0's field in input coordinates `[y, x]` (pixel centres at 0, 1, …).
    pub start: Option<[f64; 2]>,
}

/// The analysis of a whole network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analysis {
    pub layers: Vec<LayerStats>,
    pub total_params: u64,
    pub total_macs: u64,
    /// Elements stored by one forward pass of one image: the input and every output a framework
    /// keeps (in-place ReLU and inference-time dropout excluded), as in CS231n's VGG-16 table.
    pub forward_activations: u64,
    /// The same in fp32 bytes.
    pub forward_bytes: u64,
    /// fp32 bytes of the parameters.
    pub param_bytes: u64,
    /// Parameters and multiply-adds of the layers the output does not depend on: side branches
    /// used only in training, such as GoogLeNet's auxiliary classifiers (0 for most networks).
    /// They are included in the totals; inference runs without them.
    pub training_only_params: u64,
    pub training_only_macs: u64,
}

impl Analysis {
    /// Parameters an inference uses: the total less the training-only side branches.
    pub fn inference_params(&self) -> u64 {
        self.total_params - self.training_only_params
    }

    /// Multiply-adds of one inference.
    pub fn inference_macs(&self) -> u64 {
        self.total_macs - self.training_only_macs
    }
}

/// Which nodes the output depends on (the output itself included): walked back from it.
pub fn feeds_output(net: &Network) -> Vec<bool> {
    let mut used = vec![false; net.nodes.len()];
    if net.nodes.is_empty() {
        return used;
    }
    used[net.output()] = true;
    for i in (0..net.nodes.len()).rev() {
        if used[i] {
            for &j in &net.nodes[i].inputs {
                used[j] = true;
            }
        }
    }
    used
}

/// Per-axis receptive-field state: interval of unit 0 and jump.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Field {
    lo: [i64; 2],
    hi: [i64; 2],
    jump: [i64; 2],
}

impl Field {
    fn through(self, kernel: Hw, stride: Hw, padding: Hw, dilation: Hw) -> Field {
        let mut f = self;
        for a in 0..2 {
            let (k, s, p, d) = (
                kernel[a] as i64,
                stride[a] as i64,
                padding[a] as i64,
                dilation[a] as i64,
            );
            // Saturating: an imported file may stack strides until a jump passes i64 (the
            // figures then stop growing; the zoo's stay far below).
            let j = self.jump[a];
            f.lo[a] = self.lo[a].saturating_sub(p.saturating_mul(j));
            f.hi[a] = self.hi[a].saturating_add(((k - 1) * d).saturating_sub(p).saturating_mul(j));
            f.jump[a] = j.saturating_mul(s);
        }
        f
    }

    /// The union of merged paths' fields. Paths of the zoo's descriptions have the same jump; an
    /// imported file's may not (equal sizes reached by different strides): the field then takes
    /// the larger jump rather than stopping the analysis.
    fn union(fields: &[Field], _at: &str) -> Field {
        let mut f = fields[0];
        for g in &fields[1..] {
            for a in 0..2 {
                f.jump[a] = f.jump[a].max(g.jump[a]);
                f.lo[a] = f.lo[a].min(g.lo[a]);
                f.hi[a] = f.hi[a].max(g.hi[a]);
            }
        }
        f
    }
}

/// Output size of a sliding window: floor((W − D·(K−1) − 1 + 2P)/S) + 1, or with ceil, where a
/// last window that would start in the right padding is dropped (PyTorch's rule).
pub fn window_out(size: usize, k: usize, s: usize, p: usize, d: usize, ceil: bool) -> usize {
    let span = size as i64 + 2 * p as i64 - (d as i64 * (k as i64 - 1) + 1);
    assert!(
        span >= 0,
        "window {k} (dilation {d}) larger than the padded input {size}+2·{p}"
    );
    let (span, s) = (span as usize, s);
    let mut out = if ceil {
        span.div_ceil(s) + 1
    } else {
        span / s + 1
    };
    if ceil && (out - 1) * s >= size + p {
        out -= 1;
    }
    out
}

/// The pixels `[lo, hi)` along `axis` (0 rows, 1 columns) that window `o` of a pooling over
/// `size` pixels covers, clipped to the image, and what an average divides by along that axis:
/// the window within the padded input with `count_include_pad` (PyTorch), else the pixels.
pub fn pool_window(pl: &Pool, axis: usize, size: usize, o: usize) -> (usize, usize, f32) {
    let (k, p) = (pl.kernel[axis] as isize, pl.padding[axis] as isize);
    let start = (o * pl.stride[axis]) as isize - p;
    let lo = start.max(0) as usize;
    let hi = (start + k).min(size as isize).max(0) as usize;
    let div = if pl.count_include_pad {
        ((start + k).min(size as isize + p) - start) as f32
    } else {
        hi.saturating_sub(lo) as f32
    };
    (lo, hi, div)
}

fn conv_macs_per_position(conv: &Conv, in_c: usize) -> u64 {
    let k = (conv.kernel[0] * conv.kernel[1]) as u64;
    match &conv.connections {
        Some(table) => table.iter().map(|ins| ins.len() as u64 * k).sum(),
        None => conv.out_channels as u64 * (in_c / conv.groups) as u64 * k,
    }
}

/// Derives every layer's figures from the description.
pub fn analyse(net: &Network) -> Analysis {
    let mut walk = Walk::default();
    for node in &net.nodes {
        walk.push(node);
    }
    let layers = walk.layers;
    let total_params = layers.iter().map(|l| l.params).sum();
    let total_macs = layers.iter().map(|l| l.macs).sum();
    let forward_activations = net
        .nodes
        .iter()
        .zip(&layers)
        .filter(|(n, _)| n.op.stores_output())
        .map(|(_, l)| l.activations)
        .sum();
    let used = feeds_output(net);
    let unused = || {
        layers
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(l, _)| l)
    };
    let training_only_params = unused().map(|l| l.params).sum();
    let training_only_macs = unused().map(|l| l.macs).sum();
    Analysis {
        layers,
        total_params,
        total_macs,
        forward_activations,
        forward_bytes: forward_activations * 4,
        param_bytes: total_params * 4,
        training_only_params,
        training_only_macs,
    }
}

/// The analysis built node by node, each node's figures from those of its inputs: [`analyse`]
/// walks a whole network; the [`super::builder::Builder`] walks it as it adds nodes, so that a
/// description can ask the shape of what it has built so far.
#[derive(Clone, Debug, Default)]
pub struct Walk {
    layers: Vec<LayerStats>,
    fields: Vec<Option<Field>>,
}

impl Walk {
    /// The figures of the nodes added so far.
    pub fn layers(&self) -> &[LayerStats] {
        &self.layers
    }

    /// Adds the next node (its inputs already added).
    pub fn push(&mut self, node: &Node) {
        let (layers, fields) = (&mut self.layers, &mut self.fields);
        let at = &node.name;
        let ins: Vec<&LayerStats> = node.inputs.iter().map(|&i| &layers[i]).collect();
        let in_fields: Vec<Option<Field>> = node.inputs.iter().map(|&i| fields[i]).collect();
        let first = ins.first().map(|l| l.shape.clone()).unwrap_or_default();
        let map = |what: &str| -> (usize, usize, usize) {
            assert_eq!(
                first.len(),
                3,
                "{at}: {what} needs a C×H×W input, got {first:?}"
            );
            (first[0], first[1], first[2])
        };
        // A functional op computes what the op it wraps computes.
        let op = node.op.base();
        let (shape, params, macs, field): (Vec<usize>, u64, u64, Option<Field>) = match op {
            Op::Input {
                channels,
                height,
                width,
            } => {
                let f = Field {
                    lo: [0, 0],
                    hi: [0, 0],
                    jump: [1, 1],
                };
                (vec![*channels, *height, *width], 0, 0, Some(f))
            }
            Op::Conv2d(conv) => {
                let (c, h, w) = map("Conv2d");
                assert_eq!(
                    c % conv.groups,
                    0,
                    "{at}: {c} channels not divisible by {} groups",
                    conv.groups
                );
                assert_eq!(
                    conv.out_channels % conv.groups,
                    0,
                    "{at}: outputs not divisible by groups"
                );
                if let Some(t) = &conv.connections {
                    assert_eq!(t.len(), conv.out_channels, "{at}: connection table rows");
                    assert!(
                        t.iter().flatten().all(|&i| i < c),
                        "{at}: connection to a missing map"
                    );
                }
                let oh = window_out(
                    h,
                    conv.kernel[0],
                    conv.stride[0],
                    conv.padding[0],
                    conv.dilation[0],
                    false,
                );
                let ow = window_out(
                    w,
                    conv.kernel[1],
                    conv.stride[1],
                    conv.padding[1],
                    conv.dilation[1],
                    false,
                );
                let per_pos = conv_macs_per_position(conv, c);
                let bias = if conv.bias {
                    conv.out_channels as u64
                } else {
                    0
                };
                let f = in_fields[0]
                    .map(|f| f.through(conv.kernel, conv.stride, conv.padding, conv.dilation));
                (
                    vec![conv.out_channels, oh, ow],
                    per_pos + bias,
                    per_pos * (oh * ow) as u64,
                    f,
                )
            }
            Op::Pool2d(Pool {
                kernel,
                stride,
                padding,
                ceil_mode,
                ..
            }) => {
                let (c, h, w) = map("Pool2d");
                let oh = window_out(h, kernel[0], stride[0], padding[0], 1, *ceil_mode);
                let ow = window_out(w, kernel[1], stride[1], padding[1], 1, *ceil_mode);
                let f = in_fields[0].map(|f| f.through(*kernel, *stride, *padding, [1, 1]));
                (vec![c, oh, ow], 0, 0, f)
            }
            Op::Subsample { kernel, stride } => {
                let (c, h, w) = map("Subsample");
                let oh = window_out(h, kernel[0], stride[0], 0, 1, false);
                let ow = window_out(w, kernel[1], stride[1], 0, 1, false);
                let f = in_fields[0].map(|f| f.through(*kernel, *stride, [0, 0], [1, 1]));
                (vec![c, oh, ow], 2 * c as u64, 0, f)
            }
            Op::AdaptiveAvgPool2d { output } => {
                let (c, h, w) = map("AdaptiveAvgPool2d");
                // A window covering the whole map when pooling to 1×1; otherwise PyTorch's
                // windows of size ceil(in/out) at stride floor(in/out) (exact when divisible).
                let kernel = [h.div_ceil(output[0]), w.div_ceil(output[1])];
                let stride = [(h / output[0]).max(1), (w / output[1]).max(1)];
                let f = in_fields[0].map(|f| f.through(kernel, stride, [0, 0], [1, 1]));
                (vec![c, output[0], output[1]], 0, 0, f)
            }
            Op::BatchNorm2d { .. } => {
                let (c, _, _) = map("BatchNorm2d");
                (first.clone(), 2 * c as u64, 0, in_fields[0])
            }
            Op::Act(_) | Op::Dropout { .. } | Op::Lrn { .. } | Op::Scale { .. } => {
                (first.clone(), 0, 0, in_fields[0])
            }
            Op::Flatten => (vec![first.iter().product()], 0, 0, None),
            Op::Linear { out_features, bias } => {
                assert_eq!(
                    first.len(),
                    1,
                    "{at}: Linear needs a flat input, got {first:?}"
                );
                let w = (first[0] * out_features) as u64;
                let b = if *bias { *out_features as u64 } else { 0 };
                (vec![*out_features], w + b, w, None)
            }
            Op::Concat if first.len() == 1 => {
                // Vectors (an imported file's flattened branches): their lengths add up.
                (
                    vec![ins.iter().map(|l| l.shape.iter().product::<usize>()).sum()],
                    0,
                    0,
                    None,
                )
            }
            Op::Concat => {
                let (_, h, w) = map("Concat");
                for l in &ins {
                    assert_eq!(
                        &l.shape[1..],
                        &[h, w],
                        "{at}: concatenated maps differ in size"
                    );
                }
                let c = ins.iter().map(|l| l.shape[0]).sum();
                let f = merge(&in_fields, at);
                (vec![c, h, w], 0, 0, f)
            }
            Op::Add | Op::Mean => {
                for l in &ins {
                    assert_eq!(l.shape, first, "{at}: merged shapes differ");
                }
                (first.clone(), 0, 0, merge(&in_fields, at))
            }
            Op::PadShortcut {
                out_channels,
                stride,
            } => {
                let (c, h, w) = map("PadShortcut");
                assert!(*out_channels >= c, "{at}: shortcut cannot drop channels");
                let oh = window_out(h, 1, *stride, 0, 1, false);
                let ow = window_out(w, 1, *stride, 0, 1, false);
                let f = in_fields[0].map(|f| f.through([1, 1], [*stride, *stride], [0, 0], [1, 1]));
                (vec![*out_channels, oh, ow], 0, 0, f)
            }
            Op::Functional(_) => unreachable!("Op::base unwraps functional ops"),
        };
        let activations: u64 = shape.iter().map(|&d| d as u64).product();
        let (rf, jump, start) = match field {
            Some(f) => (
                Some([0, 1].map(|a| to_size(f.hi[a].saturating_sub(f.lo[a]).saturating_add(1)))),
                Some([to_size(f.jump[0]), to_size(f.jump[1])]),
                Some([0, 1].map(|a| (f.lo[a] as f64 + f.hi[a] as f64) / 2.0)),
            ),
            None => (None, None, None),
        };
        fields.push(field);
        layers.push(LayerStats {
            shape,
            params,
            macs,
            activations,
            activation_bytes: activations * 4,
            rf,
            jump,
            start,
        });
    }
}

/// A field's extent as a `usize`, saturated on a 32-bit target.
fn to_size(v: i64) -> usize {
    usize::try_from(v.max(0)).unwrap_or(usize::MAX)
}

fn merge(fields: &[Option<Field>], at: &str) -> Option<Field> {
    let fs: Option<Vec<Field>> = fields.iter().copied().collect();
    fs.map(|fs| Field::union(&fs, at))
}

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
pub fn unit_field(
    an: &Analysis,
    node: super::graph::NodeId,
    y: usize,
    x: usize,
) -> Option<UnitField> {
    let l = an.layers.get(node)?;
    let (rf, jump, start) = (l.rf?, l.jump?, l.start?);
    let step = |i: usize, j: usize| i64::try_from(i.saturating_mul(j)).unwrap_or(i64::MAX);
    // `start` is the centre of unit 0's field; rf − 1 is even or odd alike on both sides.
    let first = |a: usize| (start[a] - (rf[a] as f64 - 1.0) / 2.0).round() as i64;
    Some(UnitField {
        rf,
        jump,
        y0: first(0).saturating_add(step(y, jump[0])),
        x0: first(1).saturating_add(step(x, jump[1])),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::builder::Builder;

    #[test]
    fn output_size_formula() {
        // floor((W − K + 2P)/S) + 1
        assert_eq!(window_out(224, 11, 4, 2, 1, false), 55);
        assert_eq!(window_out(227, 11, 4, 0, 1, false), 55);
        assert_eq!(window_out(32, 5, 1, 0, 1, false), 28);
        // ceil mode: 112 → 56 with 3/2 (floor gives 55 without padding)
        assert_eq!(window_out(112, 3, 2, 0, 1, false), 55);
        assert_eq!(window_out(112, 3, 2, 0, 1, true), 56);
        // ceil mode never starts a window in the right padding
        assert_eq!(window_out(5, 2, 2, 1, 1, true), 3);
    }

    #[test]
    fn stacked_3x3_convs_see_as_far_as_one_5x5_with_fewer_parameters() {
        let mut b = Builder::new("t", "t", "", [64, 32, 32]);
        let x = b.input();
        let a = b.conv("a", x, 64, 3, 1, 1);
        let a = b.conv("b", a, 64, 3, 1, 1);
        let c = b.conv("c", x, 64, 5, 1, 2);
        let _ = (a, c);
        let net = b.finish();
        let an = analyse(&net);
        assert_eq!(an.layers[2].rf, Some([5, 5]));
        assert_eq!(an.layers[3].rf, Some([5, 5]));
        assert_eq!(
            an.layers[1].params + an.layers[2].params,
            2 * (64 * 64 * 9 + 64)
        );
        assert_eq!(an.layers[3].params, 64 * 64 * 25 + 64);
    }

    #[test]
    fn multi_path_field_is_the_union_of_paths() {
        let mut b = Builder::new("t", "t", "", [3, 64, 64]);
        let x = b.input();
        let one = b.conv("one", x, 8, 1, 1, 0);
        let five = b.conv("five", x, 8, 5, 1, 2);
        let cat = b.concat("cat", &[one, five]);
        let an = analyse(&b.finish());
        assert_eq!(an.layers[cat].rf, Some([5, 5]));
        assert_eq!(an.layers[cat].jump, Some([1, 1]));
        assert_eq!(an.layers[cat].start, Some([0.0, 0.0]));
        assert_eq!(an.layers[cat].shape, vec![16, 64, 64]);
    }
}
