//! Which kernel runs each convolution and fully connected layer of the WebGPU engine, chosen by
//! the layer's shape (and the kind of adapter) or forced by a [`KernelPolicy`] — so that every
//! choice can be measured against the others (`atlas bench-gpu --kernels …`) and checked by the
//! conformance suite.
//!
//! A convolution is an implicit GEMM Y[o][n] = Σ_k W[o][k]·X̂[k][n] (M = output channels of a
//! group, N = output pixels, K = input channels of a group × kernel area). The choices:
//! - the tile: 128 × 128 (256 invocations, 8 × 8 sums each) where it pads the layer no more than
//!   the 64 one and still fills the device, 64 × 64 (256 invocations, 4 × 4 sums each) where the
//!   layer has enough tiles to fill the device, 32 × 32 (64 invocations) where it has not;
//! - split-K: where even the small tiles leave the device idle (the late layers: 7 × 7 × 512 is
//!   N = 49), K is cut into parts, each workgroup sums its part into a scratch buffer and one
//!   more dispatch adds the parts, the bias and the ReLU;
//! - 1 × 1 convolutions of stride 1 without padding read the input as the plain matrix it is
//!   (no offset table, contiguous loads): "pointwise"; where its columns come in fours (N a
//!   multiple of 4) as vec4s, one 16-byte load for four columns ("input4");
//! - every tiled kernel loads the next slice of K into registers before it multiplies the one in
//!   workgroup memory, so that the loads' latency passes during the products ("prefetch"; the
//!   policy can turn it off, to measure it);
//! - 3 × 3 stride-1 convolutions with enough channels go through Winograd (shaders/winograd.wgsl):
//!   F(4×4, 3×3) where the map has enough 4 × 4 tiles (36 multiplies per 16 outputs instead of
//!   144), F(2×2, 3×3) where it has only enough 2 × 2 ones (16 per 4 instead of 36); the products
//!   are one grouped pointwise GEMM.
//!
//! A fully connected layer at batch 1 is a GEMV, bound by reading its weights once: the wide one
//! reads them as vec4 (where the input's length is a multiple of 4); the half one holds them as
//! 16-bit floats, half the bytes, eight to a 16-byte load (where the length is a multiple of 8),
//! unpacked to f32 in the shader (`unpack2x16float`, core WGSL: no `shader-f16` feature needed,
//! so it runs on every adapter; the sums stay f32).
//!
//! Each tiled kernel is one pipeline per variant (`ConvKernel`: tile × input × prefetch), built
//! only when a network uses it (`device::Gpu::pipeline`).

mod policy;
pub use policy::KernelPolicy;

/// A convolution's tile: the side of the square of outputs a workgroup computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tile {
    /// 64 × 64 outputs, 16 × 16 invocations of 4 × 4.
    T64,
    /// 32 × 32 outputs, 8 × 8 invocations of 4 × 4.
    T32,
    /// 128 × 128 outputs, 16 × 16 invocations of 8 × 8 (shaders/conv128.wgsl).
    T128,
}

impl Tile {
    /// Outputs per side.
    pub fn outputs(self) -> usize {
        match self {
            Tile::T64 => 64,
            Tile::T32 => 32,
            Tile::T128 => 128,
        }
    }

    /// The depth of one slice of K held in workgroup memory (each invocation loads one vec4 of
    /// each operand per slice: the invocations over the tile's side in vec4s).
    pub fn depth(self) -> usize {
        match self {
            Tile::T64 => 16,
            Tile::T32 => 8,
            Tile::T128 => 8,
        }
    }
}

/// Where the 3 × 3 stride-1 convolutions go through Winograd.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Winograd {
    Off,
    /// Where the channels and the map are large enough for it to pay.
    ByShape,
    /// Every one of them (checks of the kernels on small shapes).
    Always,
}

/// Winograd's output tile: F(2×2, 3×3) or F(4×4, 3×3) (Lavin & Gray 2016).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WinogradTile {
    F2,
    F4,
}

impl WinogradTile {
    /// Outputs per side of a tile.
    pub fn side(self) -> usize {
        match self {
            WinogradTile::F2 => 2,
            WinogradTile::F4 => 4,
        }
    }

    /// Inputs per side of a tile's patch (the tile and the 3 × 3 kernel's border).
    pub fn patch(self) -> usize {
        self.side() + 2
    }

    /// The element-wise products per tile and channel pair: the grouped GEMM's groups.
    pub fn products(self) -> usize {
        self.patch() * self.patch()
    }

    /// The tiles that cover an `h` × `w` output map.
    pub fn tiles(self, [h, w]: [usize; 2]) -> usize {
        h.div_ceil(self.side()) * w.div_ceil(self.side())
    }
}

/// How a fully connected layer reads its weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fc {
    /// One f32 at a time (shaders/gemv.wgsl).
    Scalar,
    /// f32 as vec4 (shaders/gemv_wide.wgsl), where K is a multiple of 4.
    Wide,
    /// f16, eight per vec4<u32> (shaders/gemv_half.wgsl), where K is a multiple of 8; wide or
    /// scalar elsewhere.
    Half,
}

/// The most parts K is split into.
pub const MAX_PARTS: usize = 16;
/// The least depth of K a part is given where the split is by shape.
const MIN_PART_DEPTH: usize = 128;

/// A convolution's shape as the kernels see it, per group.
#[derive(Clone, Copy, Debug)]
pub struct ConvShape {
    /// Output channels per group.
    pub m: usize,
    /// Output pixels.
    pub n: usize,
    /// Input channels per group × kernel area.
    pub k: usize,
    pub groups: usize,
    /// 1 × 1, stride 1, no padding.
    pub pointwise: bool,
    /// 3 × 3, stride 1, no dilation, one group: its output map (height, width), if it is.
    pub winograd_map: Option<[usize; 2]>,
}

/// The least input and output channels for Winograd by shape: a shallower layer spends more on
/// its transforms and dispatches than it saves (lavapipe: GoogLeNet's 3 × 3 branches from 16 and
/// 24 channels 1.1–1.9× slower than direct, SqueezeNet 1.1's expand3x3 from 16 even).
const WINOGRAD_MIN_IN_CHANNELS: usize = 32;
const WINOGRAD_MIN_OUT_CHANNELS: usize = 16;
/// The least tiles for Winograd by shape: on a 7 × 7 map (16 tiles of 2 × 2) the products' GEMM
/// is too narrow for its tiles, and lavapipe measured ResNet-18's layer4 1.7× slower than direct
/// (14 × 14, 49 tiles: 0.46×; `make bench-gpu ARGS="resnet18 --kernels auto --kernels
/// winograd=off"`). F(4×4, 3×3) where the map has as many 4 × 4 tiles, F(2×2, 3×3) where only
/// 2 × 2 ones.
const WINOGRAD_MIN_TILES: usize = 32;

/// The 128 × 128 tile by shape only where it pads the layer about as little as the 64 × 64 one
/// (its outputs used at least this share of the 64 tile's) and still fills the device. Measured
/// on lavapipe (`make bench-gpu ARGS="vgg16 resnet50 --kernels auto --kernels tile=128"`): it ran
/// ResNet-50's 1 × 1 layers of 128 channels and more on 56 × 56 to 14 × 14 maps in 0.43–0.76 of
/// the 64 tile's time and VGG-16's Winograd products on 112 × 112 and 56 × 56 maps in 0.59–0.71,
/// but every layer of 64 channels (half of the tile padding) or on 7 × 7 and 28 × 28 Winograd
/// maps (49 columns of 128) 1.03–1.3× slower.
const BIG_TILE_USE: f64 = 0.9;

/// The kernel a convolution runs. With `winograd`, the tile and the split are those of its
/// grouped pointwise GEMM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvChoice {
    pub tile: Tile,
    /// Parts of K (1: not split).
    pub parts: usize,
    pub pointwise: bool,
    /// A pointwise GEMM whose columns come in fours (N a multiple of 4) reads its input as vec4.
    pub wide_input: bool,
    pub prefetch: bool,
    pub winograd: Option<WinogradTile>,
}

impl ConvChoice {
    /// Workgroups of the convolution's dispatch.
    pub fn workgroups(&self, s: &ConvShape) -> usize {
        let t = self.tile.outputs();
        s.n.div_ceil(t) * s.m.div_ceil(t) * s.groups * self.parts
    }

    /// The tiled GEMM kernel that runs it (the direct convolution, or Winograd's products).
    pub fn kernel(&self) -> ConvKernel {
        ConvKernel {
            tile: self.tile,
            input: match (self.pointwise, self.wide_input) {
                (false, _) => ConvInput::Gather,
                (true, false) => ConvInput::Pointwise,
                (true, true) => ConvInput::PointwiseWide,
            },
            prefetch: self.prefetch,
            prologue: Prologue::None,
        }
    }
}

/// What a pointwise convolution applies to its input as it loads it, in a lean run
/// (`lower/lean.rs`): the op before it, whose own dispatch the run leaves out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prologue {
    None,
    /// The norm and ReLU before it (DenseNet's BN → ReLU → 1×1), its scales and shifts bound
    /// as `res`.
    Norm,
    /// The max pool before it (GoogLeNet's fourth branches, SqueezeNet's squeeze layers after a
    /// pool), its window read from the pool's input: `p.a.y`, `p.a.z` that input's height and
    /// width, `p.c` the pool's strides and padding, `p.d.x`, `p.d.y` its window.
    MaxPool,
}

/// How a tiled convolution kernel reads its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvInput {
    /// Through strides, padding and an offset per depth (im2col in the load), four scalars.
    Gather,
    /// As the plain matrix it is (1 × 1, stride 1, unpadded), four scalars.
    Pointwise,
    /// The same, one vec4 (its columns N a multiple of 4, so that four columns never straddle a
    /// row of the matrix).
    PointwiseWide,
}

/// A tiled convolution kernel, one pipeline each: its tile, its input's loads, and whether it
/// loads the next slice of K while it multiplies the one in workgroup memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvKernel {
    pub tile: Tile,
    pub input: ConvInput,
    pub prefetch: bool,
    /// What a pointwise one applies to its input as it loads it.
    pub prologue: Prologue,
}

impl ConvKernel {
    /// Every one of them.
    pub fn all() -> impl Iterator<Item = ConvKernel> {
        [Tile::T64, Tile::T32, Tile::T128]
            .into_iter()
            .flat_map(|tile| {
                [
                    ConvInput::Gather,
                    ConvInput::Pointwise,
                    ConvInput::PointwiseWide,
                ]
                .into_iter()
                .flat_map(move |input| {
                    let prologues: &[Prologue] = match input {
                        ConvInput::Gather => &[Prologue::None],
                        ConvInput::Pointwise => {
                            &[Prologue::None, Prologue::Norm, Prologue::MaxPool]
                        }
                        ConvInput::PointwiseWide => &[Prologue::None, Prologue::Norm],
                    };
                    [true, false].into_iter().flat_map(move |prefetch| {
                        prologues.iter().map(move |&prologue| ConvKernel {
                            tile,
                            input,
                            prefetch,
                            prologue,
                        })
                    })
                })
            })
    }

    /// Its name, as the profile shows it: `conv64`, `conv32_1x1`, `conv128_1x1v4`, with `_np`
    /// where it does not prefetch, `_bn` where it applies the norm before it and `_mp` where the
    /// max pool.
    pub fn name(&self) -> String {
        let input = match self.input {
            ConvInput::Gather => "",
            ConvInput::Pointwise => "_1x1",
            ConvInput::PointwiseWide => "_1x1v4",
        };
        let prefetch = if self.prefetch { "" } else { "_np" };
        let prologue = match self.prologue {
            Prologue::None => "",
            Prologue::Norm => "_bn",
            Prologue::MaxPool => "_mp",
        };
        format!("conv{}{input}{prefetch}{prologue}", self.tile.outputs())
    }
}

/// What the device is like, as the choice needs it (`device::fit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fit {
    /// Workgroups a dispatch should have to keep it busy.
    pub groups: usize,
    /// Whether Winograd pays where the shape says it should: not on a browser's software adapter
    /// (SwiftShader ran SqueezeNet 1.1 1.5× slower with it, where lavapipe ran VGG-16 2× faster).
    pub winograd: bool,
    /// Whether the tiled kernels prefetch the next slice of K: on a GPU, whose loads wait
    /// hundreds of cycles; not on a CPU adapter, whose loads hit its caches and which has no
    /// latency to hide (lavapipe ran the convolutions of 7 of 8 networks 2–10 % slower with it,
    /// SwiftShader the same within its noise).
    pub prefetch: bool,
    /// Whether a lean run's pointwise convolution takes the max pool before it into its loads
    /// (`Prologue::MaxPool`): on a GPU, where it saves a dispatch and its barrier; not on a CPU
    /// adapter, where the 9 gathered loads per value cost more than the pool's pass (lavapipe:
    /// the pools and their convolutions 1.2–1.5× as long, GoogLeNet 1.02–1.06×).
    pub pool_in: bool,
    /// Whether a run is submitted in command buffers of growing size (`run.rs`): on a GPU, which
    /// computes the first layers while the host records the rest; not on a CPU adapter, which
    /// has no device apart from the host to overlap with — lavapipe runs each submission in the
    /// submitting thread, SwiftShader on the same cores — and where each submission only adds
    /// its cost (lavapipe: SqueezeNet 1.1 0.99–1.25× as long chunked, the others 0.99–1.04×;
    /// SwiftShader page 1.00–1.01×).
    pub chunks: bool,
}

/// Picks the kernel for a convolution of shape `s` on a device `fit` describes (its workgroups
/// as many as the policy says, where it says).
pub fn choose_conv(policy: &KernelPolicy, fit: Fit, s: &ConvShape) -> ConvChoice {
    let target = policy.groups.unwrap_or(fit.groups);
    if let Some((wt, tiles)) = winograd(policy, fit, s) {
        // The products: a pointwise GEMM of O × P by C deep in 16 or 36 groups, not split.
        let gemm = ConvShape {
            m: s.m,
            n: tiles,
            k: s.k / 9,
            groups: wt.products(),
            pointwise: true,
            winograd_map: None,
        };
        let policy = KernelPolicy {
            split_k: Some(1),
            pointwise: true,
            ..*policy
        };
        return ConvChoice {
            winograd: Some(wt),
            ..choose_conv(
                &policy,
                Fit {
                    groups: target,
                    ..fit
                },
                &gemm,
            )
        };
    }
    let tiles = |t: Tile| s.n.div_ceil(t.outputs()) * s.m.div_ceil(t.outputs()) * s.groups;
    // The share of a tile's outputs that are the layer's (the rest pad M and N to whole tiles).
    let used = |t: Tile| {
        let (m, n) = (s.m.div_ceil(t.outputs()), s.n.div_ceil(t.outputs()));
        (s.m * s.n) as f64 / (m * n * t.outputs() * t.outputs()) as f64
    };
    let tile = policy.tile.unwrap_or(
        if policy.big_tiles
            && tiles(Tile::T128) >= target
            && used(Tile::T128) >= BIG_TILE_USE * used(Tile::T64)
        {
            Tile::T128
        } else if tiles(Tile::T64) >= target {
            Tile::T64
        } else {
            Tile::T32
        },
    );
    let slices = s.k.div_ceil(tile.depth());
    let parts = match policy.split_k {
        Some(n) => n,
        None if tiles(tile) >= target => 1,
        None => target
            .div_ceil(tiles(tile))
            .min(s.k / MIN_PART_DEPTH)
            .clamp(1, MAX_PARTS),
    }
    // Every part gets at least one slice of K.
    .min(slices)
    .max(1);
    let pointwise = policy.pointwise && s.pointwise;
    ConvChoice {
        tile,
        parts,
        pointwise,
        wide_input: pointwise && policy.wide_input && s.n.is_multiple_of(4),
        prefetch: policy.prefetch.unwrap_or(fit.prefetch),
        winograd: None,
    }
}

/// Whether a convolution of shape `s` goes through Winograd, with which tile, and how many tiles
/// its map has.
fn winograd(policy: &KernelPolicy, fit: Fit, s: &ConvShape) -> Option<(WinogradTile, usize)> {
    let map = s.winograd_map?;
    let pays = |tiles: usize| {
        fit.winograd
            && s.k >= 9 * WINOGRAD_MIN_IN_CHANNELS
            && s.m >= WINOGRAD_MIN_OUT_CHANNELS
            && tiles >= WINOGRAD_MIN_TILES
    };
    let wt = policy.winograd_tile.unwrap_or_else(|| {
        if WinogradTile::F4.tiles(map) >= WINOGRAD_MIN_TILES {
            WinogradTile::F4
        } else {
            WinogradTile::F2
        }
    });
    let tiles = wt.tiles(map);
    match policy.winograd {
        Winograd::Off => None,
        Winograd::Always => Some((wt, tiles)),
        Winograd::ByShape => pays(tiles).then_some((wt, tiles)),
    }
}

/// How a fully connected layer with `k` inputs reads its weights: as the policy says where `k`
/// allows it, else the widest that `k` allows.
pub fn choose_fc(policy: &KernelPolicy, k: usize) -> Fc {
    match policy.fc {
        Fc::Half if k.is_multiple_of(8) => Fc::Half,
        Fc::Half | Fc::Wide if k.is_multiple_of(4) => Fc::Wide,
        _ => Fc::Scalar,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn fit(groups: usize) -> Fit {
        Fit {
            groups,
            winograd: true,
            prefetch: true,
            pool_in: true,
            chunks: true,
        }
    }

    pub(super) fn shape(m: usize, n: usize, k: usize) -> ConvShape {
        ConvShape {
            m,
            n,
            k,
            groups: 1,
            pointwise: false,
            winograd_map: None,
        }
    }

    /// VGG's first layer (64 × 50,176) has tiles to spare; ResNet's last (512 × 49, K = 4,608)
    /// gets small tiles split over K until the device has its workgroups.
    #[test]
    fn tiles_and_splits_follow_the_shape() {
        let p = KernelPolicy::BY_SHAPE;
        let early = choose_conv(&p, fit(256), &shape(64, 50_176, 27));
        assert_eq!((early.tile, early.parts), (Tile::T64, 1));
        let late = choose_conv(&p, fit(256), &shape(512, 49, 4_608));
        assert_eq!(late.tile, Tile::T32);
        // 16 × 2 tiles of 32: 8 parts make 256 workgroups.
        assert_eq!(late.parts, 8);
        assert_eq!(late.workgroups(&shape(512, 49, 4_608)), 256);
        // A shallow late layer is not split below 128 of depth per part.
        let shallow = choose_conv(&p, fit(256), &shape(64, 49, 256));
        assert_eq!(shallow.parts, 2);
        // A device that wants few workgroups (a CPU adapter) keeps the big tiles whole.
        let cpu = choose_conv(&p, fit(4), &shape(512, 49, 4_608));
        assert_eq!((cpu.tile, cpu.parts), (Tile::T64, 1));
        // The 128 tile where it pads no more than the 64 one: ResNet-50's 1 × 1 from 64 to 256 on
        // 56 × 56 (3,136 = 24.5 tiles of 128), not one of 64 channels, nor 49 columns.
        let wide = shape(256, 3_136, 64);
        assert_eq!(choose_conv(&p, fit(4), &wide).tile, Tile::T128);
        assert_eq!(
            choose_conv(&p, fit(4), &shape(64, 3_136, 64)).tile,
            Tile::T64
        );
        assert_eq!(
            choose_conv(&p, fit(4), &shape(2_048, 49, 512)).tile,
            Tile::T64
        );
        // Not where it leaves the device without workgroups, nor where the policy says no.
        assert_eq!(choose_conv(&p, fit(256), &wide).tile, Tile::T32);
        let no = KernelPolicy::parse("tile128=off").unwrap();
        assert_eq!(choose_conv(&no, fit(4), &wide).tile, Tile::T64);
    }

    /// VGG's conv3_1 (256 × 3,136 from 128 channels) goes through Winograd F(4×4, 3×3): a grouped
    /// GEMM of 256 × 196 tiles in 36 groups, 128 deep; a 14 × 14 map (16 tiles of 4 × 4) through
    /// F(2×2, 3×3); its first layer (3 channels in) does not, nor a layer from 16 channels, nor a
    /// 7 × 7 map.
    #[test]
    fn winograd_where_the_channels_pay() {
        let p = KernelPolicy::BY_SHAPE;
        let conv3 = ConvShape {
            winograd_map: Some([56, 56]),
            ..shape(256, 56 * 56, 128 * 9)
        };
        let c = choose_conv(&p, fit(256), &conv3);
        assert_eq!(c.winograd, Some(WinogradTile::F4));
        assert!(c.pointwise);
        assert_eq!((c.tile, c.parts), (Tile::T64, 1));
        let layer3 = ConvShape {
            winograd_map: Some([14, 14]),
            ..shape(256, 14 * 14, 256 * 9)
        };
        assert_eq!(
            choose_conv(&p, fit(256), &layer3).winograd,
            Some(WinogradTile::F2)
        );
        let first = ConvShape {
            winograd_map: Some([224, 224]),
            ..shape(64, 224 * 224, 27)
        };
        assert_eq!(choose_conv(&p, fit(256), &first).winograd, None);
        // SqueezeNet 1.1's fire2 expand3x3: 16 channels in.
        let fire2 = ConvShape {
            winograd_map: Some([55, 55]),
            ..shape(64, 55 * 55, 16 * 9)
        };
        assert_eq!(choose_conv(&p, fit(256), &fire2).winograd, None);
        // ResNet's layer4: 7 × 7 is 16 tiles of 2 × 2, direct.
        let layer4 = ConvShape {
            winograd_map: Some([7, 7]),
            ..shape(512, 49, 512 * 9)
        };
        assert_eq!(choose_conv(&p, fit(256), &layer4).winograd, None);
        let off = KernelPolicy::parse("winograd=off").unwrap();
        assert_eq!(choose_conv(&off, fit(256), &conv3).winograd, None);
        let software = Fit {
            groups: 4,
            winograd: false,
            prefetch: false,
            pool_in: false,
            chunks: false,
        };
        assert_eq!(choose_conv(&p, software, &conv3).winograd, None);
        let always = KernelPolicy::parse("winograd=always").unwrap();
        assert!(choose_conv(&always, software, &conv3).winograd.is_some());
        assert_eq!(
            choose_conv(&always, fit(256), &layer4).winograd,
            Some(WinogradTile::F2)
        );
        assert!(choose_conv(&always, fit(256), &first).winograd.is_some());
        // A forced tile: F(2×2) on conv3_1, F(4×4) on the 14 × 14 map only where it still pays.
        let two = KernelPolicy::parse("wtile=2").unwrap();
        assert_eq!(
            choose_conv(&two, fit(256), &conv3).winograd,
            Some(WinogradTile::F2)
        );
        let four = KernelPolicy::parse("wtile=4").unwrap();
        assert_eq!(choose_conv(&four, fit(256), &layer3).winograd, None);
        let four_always = KernelPolicy::parse("winograd=always,wtile=4").unwrap();
        let c = choose_conv(&four_always, fit(256), &layer3);
        assert_eq!(c.winograd, Some(WinogradTile::F4));
        assert_eq!(
            (
                WinogradTile::F4.products(),
                WinogradTile::F4.tiles([14, 14])
            ),
            (36, 16)
        );
    }

    /// A pointwise GEMM loads its input as vec4 where its columns come in fours: ResNet-50's
    /// 1 × 1 layers on 56 × 56 and VGG's Winograd products of 196 tiles, not SqueezeNet's 55 × 55
    /// nor a 7 × 7 map, nor a 3 × 3 layer, nor where the policy says no.
    #[test]
    fn wide_input_where_the_columns_come_in_fours() {
        let p = KernelPolicy::BY_SHAPE;
        let pointwise = |n| ConvShape {
            pointwise: true,
            ..shape(256, n, 64)
        };
        let c = choose_conv(&p, fit(4), &pointwise(3_136));
        assert!(c.wide_input && c.prefetch);
        assert_eq!(c.kernel().name(), "conv128_1x1v4");
        assert!(!choose_conv(&p, fit(4), &pointwise(3_025)).wide_input);
        assert!(!choose_conv(&p, fit(4), &pointwise(49)).wide_input);
        assert!(!choose_conv(&p, fit(4), &shape(256, 3_136, 64)).wide_input);
        let conv3 = ConvShape {
            winograd_map: Some([56, 56]),
            ..shape(256, 56 * 56, 128 * 9)
        };
        assert!(choose_conv(&p, fit(256), &conv3).wide_input);
        let off = KernelPolicy::parse("input4=off,prefetch=off").unwrap();
        let c = choose_conv(&off, fit(4), &pointwise(3_136));
        assert_eq!(c.kernel().name(), "conv128_1x1_np");
        // Prefetching as the adapter suits (a GPU's fit, a CPU adapter's), or as forced.
        let cpu = Fit {
            prefetch: false,
            ..fit(4)
        };
        assert!(!choose_conv(&p, cpu, &pointwise(3_136)).prefetch);
        let on = KernelPolicy::parse("prefetch=on").unwrap();
        assert!(choose_conv(&on, cpu, &pointwise(3_136)).prefetch);
        let names: std::collections::BTreeSet<String> =
            ConvKernel::all().map(|k| k.name()).collect();
        // 3 tiles × 3 input loads × prefetch or not, each pointwise one with a norm before it,
        // and each scalar pointwise one with a max pool before it.
        assert_eq!(names.len(), 36);
        assert!(names.contains("conv128_1x1v4_np_bn"));
        assert!(names.contains("conv32_1x1_mp"));
    }

    #[test]
    fn forced_settings_win_and_parts_never_exceed_the_slices() {
        let p = KernelPolicy::parse("tile=32,split=16,pointwise=off").unwrap();
        let c = choose_conv(&p, fit(1), &shape(8, 8, 40));
        // 40 deep is 5 slices of 8.
        assert_eq!((c.tile, c.parts, c.pointwise), (Tile::T32, 5, false));
        let b = choose_conv(
            &KernelPolicy::BASELINE,
            fit(10_000),
            &ConvShape {
                pointwise: true,
                winograd_map: Some([7, 7]),
                ..shape(512, 49, 4_608)
            },
        );
        assert_eq!((b.tile, b.parts, b.pointwise), (Tile::T64, 1, false));
    }
}
