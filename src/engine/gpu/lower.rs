//! The WebGPU engine's lowering: a network's description and checkpoint, with what the engines'
//! plan (`crate::engine::plan`) folds and fuses, turned into buffers and dispatches made ahead —
//! one output buffer per node (a node that computes nothing shares its input's, a folded norm its
//! convolution's), weights uploaded in the layout the kernels read, and for each node the plan
//! leaves its own op one function (`Lowering::conv`, `::norm`, …) that fills its kernel's
//! parameters and bind group. A ReLU the plan fuses is written by the op before it, as the
//! second output (`y2`), so that both nodes' outputs exist. The unary modes, pool kinds and
//! flags the kernels read are the named constants below, given to the kernels under the same
//! names (`wgsl_constants`, prepended to every kernel's source).

use wgpu::util::DeviceExt;

use super::device::{kernel, Gpu};
use super::kernels::{choose_fc, ConvChoice, Fc, KernelPolicy};

mod conv;
use super::{backend, bytes_of};
use crate::engine::fold::{self, take, Folded};
use crate::engine::plan::{Fate, Plan};
use crate::engine::{EngineError, Weights};
use crate::zoo::graph::{Activation, Hw, Network, NodeId, Op, Pool, PoolKind};
use crate::zoo::Analysis;
use conv::Scratch;
pub(super) use conv::{winograd_unweights, KernelLayout};

/// `unary` (shaders/elementwise.wgsl), its mode `a.y`: max(x, 0).
pub const UNARY_RELU: u32 = 0;
/// tanh(x).
pub const UNARY_TANH: u32 = 1;
/// LeNet's 1.7159·tanh(2x/3).
pub const UNARY_SCALED_TANH: u32 = 2;
/// x times the float whose bits are `a.z`.
pub const UNARY_SCALE: u32 = 3;
/// The per-channel affine map aux[c]·x + aux2[c] of a norm that is not folded (`a.z` values per
/// channel, `a.w` flags).
pub const UNARY_AFFINE: u32 = 4;
/// A copy into y from offset `a.w` (a slice of a concatenation).
pub const UNARY_COPY: u32 = 5;
/// The logistic 1/(1 + e^−x).
pub const UNARY_SIGMOID: u32 = 6;
/// max(x, 0) + α·min(x, 0), α the float whose bits are `a.z`.
pub const UNARY_LEAKY: u32 = 7;
/// min(max(x, lo), hi), lo and hi the floats whose bits are `a.z` and `b.x`.
pub const UNARY_CLIP: u32 = 8;
/// `pool` (shaders/pool.wgsl), its kind `a.w`.
pub const POOL_MAX: u32 = 0;
pub const POOL_AVG: u32 = 1;
pub const POOL_ADAPTIVE: u32 = 2;
/// Average pooling dividing by the image's pixels in the window (ONNX's `count_include_pad = 0`).
pub const POOL_AVG_PIXELS: u32 = 3;
/// Flags: add the bias (`aux2`).
pub const FLAG_BIAS: u32 = 2;
/// Flags: also write the ReLU of the output into `y2` (the ReLU the plan fuses into the op).
pub const FLAG_RELU: u32 = 4;

/// The constants above, as the kernels name them.
const SHARED: [(&str, u32); 15] = [
    ("UNARY_RELU", UNARY_RELU),
    ("UNARY_TANH", UNARY_TANH),
    ("UNARY_SCALED_TANH", UNARY_SCALED_TANH),
    ("UNARY_SCALE", UNARY_SCALE),
    ("UNARY_AFFINE", UNARY_AFFINE),
    ("UNARY_COPY", UNARY_COPY),
    ("UNARY_SIGMOID", UNARY_SIGMOID),
    ("UNARY_LEAKY", UNARY_LEAKY),
    ("UNARY_CLIP", UNARY_CLIP),
    ("POOL_AVG_PIXELS", POOL_AVG_PIXELS),
    ("POOL_MAX", POOL_MAX),
    ("POOL_AVG", POOL_AVG),
    ("POOL_ADAPTIVE", POOL_ADAPTIVE),
    ("FLAG_BIAS", FLAG_BIAS),
    ("FLAG_RELU", FLAG_RELU),
];

/// The shared constants as WGSL `const` declarations, prepended to every kernel's source.
pub(super) fn wgsl_constants() -> String {
    SHARED
        .iter()
        .map(|(name, v)| format!("const {name}: u32 = {v}u;\n"))
        .collect()
}

/// The dispatch's parameters: four vec4<u32> `a`, `b`, `c`, `d` (floats passed as their bits).
type Params = [u32; 16];

fn params(a: [u32; 4], b: [u32; 4], c: [u32; 4], d: [u32; 4]) -> Params {
    let mut p = [0; 16];
    for (i, v) in [a, b, c, d].into_iter().enumerate() {
        p[i * 4..i * 4 + 4].copy_from_slice(&v);
    }
    p
}

const NONE: [u32; 4] = [0; 4];

fn u(v: usize) -> u32 {
    v as u32
}

/// A 1-D job of `n` invocations in groups of 256, as a grid within the 65,535 limit per side.
fn grid_1d(n: usize) -> [u32; 3] {
    let groups = n.div_ceil(256).max(1) as u32;
    let x = groups.min(65_535);
    [x, groups.div_ceil(x), 1]
}

/// One dispatch: a kernel, its bind group and its grid, and the node it computes.
pub(super) struct Dispatch {
    /// Read by the per-layer profile, which runs natively only (`profile.rs`).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub node: NodeId,
    pub pipeline: usize,
    pub bind: wgpu::BindGroup,
    pub grid: [u32; 3],
}

/// A buffer a dispatch binds.
#[derive(Clone, Copy)]
enum Buf {
    /// The output of a node.
    Node(NodeId),
    /// One of the uploaded weights.
    Weight(usize),
    /// Where a kernel has no use for an auxiliary array.
    Empty,
    /// Where a kernel writes no second output.
    Sink,
    /// Scratch of the convolutions.
    Scratch(Scratch),
}

/// Where a node's parameters are on the GPU (indices into [`Lowered::weights`]), to be read back.
#[derive(Clone, Debug, Default)]
pub(super) enum Held {
    #[default]
    Nothing,
    /// The weights after the C3 table and folding (Winograd's G g Gᵀ of them where `winograd` names its tile);
    /// `aux2` starts with the bias after folding (zeros where there is neither a bias nor a
    /// folded norm).
    Conv {
        w: usize,
        aux2: usize,
        /// How `w` is laid out for the kernel.
        layout: KernelLayout,
        winograd: Option<crate::engine::gpu::kernels::WinogradTile>,
    },
    /// A norm that is not folded: its affine map.
    Norm {
        scale: usize,
        shift: usize,
    },
    /// The weights' rows in chunks, then the bias.
    Linear {
        chunks: Vec<usize>,
        bias: Option<usize>,
    },
    Subsample {
        coeff: usize,
        bias: usize,
    },
}

/// A network lowered onto the GPU.
pub(super) struct Lowered {
    /// The buffer holding each node's output (several nodes may share one).
    pub slot: Vec<usize>,
    pub buffers: Vec<wgpu::Buffer>,
    /// Folded norms by convolution: its own output is recovered from the norm's on read-back.
    pub folded: Vec<Option<Folded>>,
    pub dispatches: Vec<Dispatch>,
    /// Weights and per-channel vectors.
    pub weights: Vec<WeightBuf>,
    /// Where each node's parameters are.
    pub held: Vec<Held>,
    /// The kernel of each convolution.
    pub conv: Vec<Option<ConvChoice>>,
    /// Scratch shared by the convolutions, by [`Scratch`] (as large as the largest needs).
    scratch: Vec<wgpu::Buffer>,
    pub bytes: u64,
}

/// A buffer of weights: `len` values, as f32 or (`half`) as f16 two to a u32, the first in the
/// low 16 bits (as WGSL's `unpack2x16float` reads them).
pub(super) struct WeightBuf {
    pub buf: wgpu::Buffer,
    pub len: usize,
    pub half: bool,
}

impl WeightBuf {
    /// Its size on the device (bytes): one value at least, an f16 one padded to a whole u32.
    pub fn size(&self) -> u64 {
        if self.half {
            (self.len.div_ceil(2) as u64 * 4).max(4)
        } else {
            (self.len as u64 * 4).max(4)
        }
    }

    /// Its values from the bytes read back.
    pub fn values(&self, bytes: &[u8]) -> Vec<f32> {
        values(bytes, self.half, self.len)
    }
}

/// `len` values from the bytes of a weight buffer, f16 ones where `in_f16`.
fn values(bytes: &[u8], in_f16: bool, len: usize) -> Vec<f32> {
    let mut v: Vec<f32> = if in_f16 {
        bytes
            .chunks_exact(2)
            .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect()
    } else {
        super::floats_of(bytes)
    };
    // An empty vector was uploaded as one value, an odd f16 one padded.
    v.truncate(len);
    v
}

/// `v` as f16 (rounded to nearest), two to a u32, the first in the low half.
fn pack_half(v: &[f32]) -> Vec<u8> {
    let mut bytes: Vec<u8> = v
        .iter()
        .flat_map(|&x| half::f16::from_f32(x).to_le_bytes())
        .collect();
    bytes.resize(bytes.len().div_ceil(4).max(1) * 4, 0);
    bytes
}

struct Lowering<'a> {
    gpu: &'a Gpu,
    net: &'a Network,
    an: &'a Analysis,
    plan: &'a Plan,
    policy: &'a KernelPolicy,
    /// The node being lowered.
    node: NodeId,
    out: Lowered,
}

/// Lowers `net` with `weights` (checked) as `plan` says, its kernels picked as `policy` says.
pub(super) fn lower(
    gpu: &Gpu,
    policy: &KernelPolicy,
    net: &Network,
    an: &Analysis,
    plan: &Plan,
    mut weights: Weights,
) -> Result<Lowered, EngineError> {
    let mut l = Lowering::new(gpu, policy, net, an, plan);
    for (id, node) in net.nodes.iter().enumerate() {
        if plan.fate(id) != Fate::Own {
            continue;
        }
        l.node = id;
        match node.op.base() {
            Op::Conv2d(c) => l.conv(id, c, &mut weights)?,
            Op::BatchNorm2d { eps } => l.norm(id, *eps, &weights)?,
            Op::Act(a) => l.act(id, *a),
            Op::Scale { factor } => l.scale(id, *factor),
            Op::Pool2d(p) => l.pool(id, p),
            Op::AdaptiveAvgPool2d { .. } => l.adaptive(id),
            Op::Subsample { kernel, stride } => l.subsample(id, *kernel, *stride, &mut weights)?,
            Op::Lrn {
                size,
                alpha,
                beta,
                k,
            } => l.lrn(id, *size, [*alpha, *beta, *k]),
            Op::Linear { out_features, bias } => {
                l.linear(id, *out_features, *bias, &mut weights)?
            }
            Op::Concat => l.concat(id),
            Op::Add | Op::Mean => l.sum(id),
            Op::PadShortcut {
                out_channels,
                stride,
            } => l.pad_shortcut(id, *out_channels, *stride),
            Op::Input { .. } | Op::Flatten | Op::Dropout { .. } | Op::Functional(_) => {
                return Err(backend(format!(
                    "{} has no kernel (the plan gives it none)",
                    node.name
                )))
            }
        }
    }
    Ok(l.out)
}

impl<'a> Lowering<'a> {
    /// Makes the output buffers: a node that computes nothing (flatten, dropout), or a folded
    /// norm, shares its input's; picks each convolution's kernel, and makes the scratch of the
    /// largest split one.
    fn new(
        gpu: &'a Gpu,
        policy: &'a KernelPolicy,
        net: &'a Network,
        an: &'a Analysis,
        plan: &'a Plan,
    ) -> Lowering<'a> {
        let n = net.nodes.len();
        let mut slot = vec![usize::MAX; n];
        let mut buffers = Vec::new();
        let mut bytes = 0;
        for (id, node) in net.nodes.iter().enumerate() {
            let alias = match plan.fate(id) {
                Fate::Identity => Some(node.inputs[0]),
                Fate::Folded { conv } => Some(conv),
                Fate::Input | Fate::Own | Fate::Fused { .. } => None,
            };
            if let Some(src) = alias {
                slot[id] = slot[src];
                continue;
            }
            let size = an.layers[id].activations.max(1) * 4;
            bytes += size;
            slot[id] = buffers.len();
            buffers.push(gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(&node.name),
                size,
                usage: wgpu::BufferUsages::STORAGE
                    | wgpu::BufferUsages::COPY_SRC
                    | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }));
        }
        let (conv, scratch) = conv::choose(gpu, policy, net, an, plan);
        bytes += scratch.iter().map(wgpu::Buffer::size).sum::<u64>();
        Lowering {
            gpu,
            net,
            an,
            plan,
            policy,
            node: 0,
            out: Lowered {
                slot,
                buffers,
                folded: vec![None; n],
                dispatches: Vec::new(),
                weights: Vec::new(),
                held: vec![Held::Nothing; n],
                conv,
                scratch,
                bytes,
            },
        }
    }

    /// Uploads weights; returns their index.
    fn upload(&mut self, v: &[f32]) -> usize {
        self.out.bytes += (v.len() * 4) as u64;
        let bytes = if v.is_empty() { &[0; 4] } else { bytes_of(v) };
        self.upload_bytes(bytes, v.len(), false)
    }

    /// [`Lowering::upload`] as f16 (`WeightBuf::half`).
    fn upload_half(&mut self, v: &[f32]) -> usize {
        let bytes = pack_half(v);
        self.out.bytes += bytes.len() as u64;
        self.upload_bytes(&bytes, v.len(), true)
    }

    /// A weight buffer of `len` values holding `bytes`.
    fn upload_bytes(&mut self, bytes: &[u8], len: usize, half: bool) -> usize {
        let buf = self
            .gpu
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: None,
                contents: bytes,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            });
        self.out.weights.push(WeightBuf { buf, len, half });
        self.out.weights.len() - 1
    }

    fn buffer(&self, b: Buf) -> &wgpu::Buffer {
        match b {
            Buf::Node(id) => &self.out.buffers[self.out.slot[id]],
            Buf::Weight(i) => &self.out.weights[i].buf,
            Buf::Empty => &self.gpu.empty,
            Buf::Sink => &self.gpu.sink,
            Buf::Scratch(i) => self.out.scratch.get(i as usize).unwrap_or(&self.gpu.sink),
        }
    }

    /// Adds a dispatch of kernel `name`: its parameters, then (input, aux, aux2, y, y2).
    fn dispatch(&mut self, name: &str, params: Params, bufs: [Buf; 5], grid: [u32; 3]) {
        let dev = &self.gpu.device;
        let ubuf = dev.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: None,
            contents: bytes_of(&params.map(f32::from_bits)),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let entries: Vec<wgpu::BindGroupEntry> = std::iter::once(&ubuf)
            .chain(bufs.map(|b| self.buffer(b)))
            .enumerate()
            .map(|(i, b)| wgpu::BindGroupEntry {
                binding: i as u32,
                resource: b.as_entire_binding(),
            })
            .collect();
        let bind = dev.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &self.gpu.layout,
            entries: &entries,
        });
        self.out.bytes += 64;
        let pipeline = kernel(name);
        self.gpu.pipeline(pipeline);
        self.out.dispatches.push(Dispatch {
            node: self.node,
            pipeline,
            bind,
            grid,
        });
    }

    /// The node's (first) input.
    fn input(&self, id: NodeId) -> Buf {
        Buf::Node(self.net.nodes[id].inputs[0])
    }

    fn in_shape(&self, id: NodeId) -> &'a [usize] {
        &self.an.layers[self.net.nodes[id].inputs[0]].shape
    }

    fn shape(&self, id: NodeId) -> &'a [usize] {
        &self.an.layers[id].shape
    }

    fn count(&self, id: NodeId) -> usize {
        self.an.layers[id].activations as usize
    }

    /// The fused ReLU's flag and buffer, where the plan fuses one into `id`.
    fn relu(&self, id: NodeId) -> (u32, Buf) {
        match self.plan.relu(id) {
            Some(r) => (FLAG_RELU, Buf::Node(r)),
            None => (0, Buf::Sink),
        }
    }

    /// A batch norm the plan does not fold: its affine map, and its fused ReLU.
    fn norm(&mut self, id: NodeId, eps: f64, weights: &Weights) -> Result<(), EngineError> {
        let key = |s: &str| format!("{}.{s}", self.net.nodes[id].name);
        let (s, t) = fold::norm_affine(weights, &key, eps)?;
        let (s, t) = (self.upload(&s), self.upload(&t));
        let count = self.count(id);
        let per = u(self.in_shape(id)[1..].iter().product());
        let (relu, y2) = self.relu(id);
        let params = params([u(count), UNARY_AFFINE, per, relu], NONE, NONE, NONE);
        let bufs = [
            self.input(id),
            Buf::Weight(s),
            Buf::Weight(t),
            Buf::Node(id),
            y2,
        ];
        self.dispatch("unary", params, bufs, grid_1d(count));
        self.out.held[id] = Held::Norm { scale: s, shift: t };
        Ok(())
    }

    /// An element-wise kernel of `unary` on the node's input.
    fn unary(&mut self, id: NodeId, mode: u32, z: u32) {
        self.unary2(id, mode, z, 0);
    }

    /// [`Self::unary`] with a second operand `b.x` (the clip's upper bound).
    fn unary2(&mut self, id: NodeId, mode: u32, z: u32, bx: u32) {
        let count = self.count(id);
        let params = params([u(count), mode, z, 0], [bx, 0, 0, 0], NONE, NONE);
        let bufs = [
            self.input(id),
            Buf::Empty,
            Buf::Empty,
            Buf::Node(id),
            Buf::Sink,
        ];
        self.dispatch("unary", params, bufs, grid_1d(count));
    }

    /// An activation the plan leaves on its own.
    fn act(&mut self, id: NodeId, a: Activation) {
        let mode = match a {
            Activation::Relu => UNARY_RELU,
            Activation::Tanh => UNARY_TANH,
            Activation::ScaledTanh => UNARY_SCALED_TANH,
            Activation::Sigmoid => UNARY_SIGMOID,
            Activation::LeakyRelu { alpha } => return self.unary(id, UNARY_LEAKY, alpha.to_bits()),
            Activation::Clip { min, max } => {
                return self.unary2(id, UNARY_CLIP, min.to_bits(), max.to_bits())
            }
        };
        self.unary(id, mode, 0);
    }

    fn scale(&mut self, id: NodeId, factor: f64) {
        self.unary(id, UNARY_SCALE, (factor as f32).to_bits());
    }

    /// Max or average pooling (shaders/pool.wgsl).
    fn pool(&mut self, id: NodeId, pl: &Pool) {
        let (ins, os) = (self.in_shape(id), self.shape(id));
        let kind = match pl.kind {
            PoolKind::Max => POOL_MAX,
            PoolKind::Avg if pl.count_include_pad => POOL_AVG,
            PoolKind::Avg => POOL_AVG_PIXELS,
        };
        let (k, s, p) = (pl.kernel, pl.stride, pl.padding);
        let params = params(
            [u(ins[0]), u(ins[1]), u(ins[2]), kind],
            [u(os[1]), u(os[2]), u(k[0]), u(k[1])],
            [u(s[0]), u(s[1]), u(p[0]), u(p[1])],
            NONE,
        );
        let bufs = [
            self.input(id),
            Buf::Empty,
            Buf::Empty,
            Buf::Node(id),
            Buf::Sink,
        ];
        self.dispatch("pool", params, bufs, grid_1d(self.count(id)));
    }

    /// Adaptive average pooling (shaders/pool.wgsl).
    fn adaptive(&mut self, id: NodeId) {
        let (ins, os) = (self.in_shape(id), self.shape(id));
        let params = params(
            [u(ins[0]), u(ins[1]), u(ins[2]), POOL_ADAPTIVE],
            [u(os[1]), u(os[2]), 0, 0],
            NONE,
            NONE,
        );
        let bufs = [
            self.input(id),
            Buf::Empty,
            Buf::Empty,
            Buf::Node(id),
            Buf::Sink,
        ];
        self.dispatch("pool", params, bufs, grid_1d(self.count(id)));
    }

    /// LeNet-5's sub-sampling (shaders/maps.wgsl).
    fn subsample(
        &mut self,
        id: NodeId,
        k: Hw,
        s: Hw,
        weights: &mut Weights,
    ) -> Result<(), EngineError> {
        let key = |s: &str| format!("{}.{s}", self.net.nodes[id].name);
        let coeff = take(weights, &key("weight"))?.values;
        let bias = take(weights, &key("bias"))?.values;
        let (coeff, bias) = (self.upload(&coeff), self.upload(&bias));
        let (ins, os) = (self.in_shape(id), self.shape(id));
        let params = params(
            [u(ins[0]), u(ins[1]), u(ins[2]), 0],
            [u(os[1]), u(os[2]), u(k[0]), u(k[1])],
            [u(s[0]), u(s[1]), 0, 0],
            NONE,
        );
        let bufs = [
            self.input(id),
            Buf::Weight(coeff),
            Buf::Weight(bias),
            Buf::Node(id),
            Buf::Sink,
        ];
        self.dispatch("subsample", params, bufs, grid_1d(self.count(id)));
        self.out.held[id] = Held::Subsample { coeff, bias };
        Ok(())
    }

    /// Local response normalisation (shaders/maps.wgsl); `abk` = (α, β, k).
    fn lrn(&mut self, id: NodeId, size: usize, abk: [f64; 3]) {
        let ins = self.in_shape(id);
        let hw = u(ins[1..].iter().product());
        let f = |v: f64| (v as f32).to_bits();
        let params = params(
            [u(ins[0]), hw, u(size), 0],
            [f(abk[0]), f(abk[1]), f(abk[2]), 0],
            NONE,
            NONE,
        );
        let bufs = [
            self.input(id),
            Buf::Empty,
            Buf::Empty,
            Buf::Node(id),
            Buf::Sink,
        ];
        self.dispatch("lrn", params, bufs, grid_1d(self.count(id)));
    }

    /// A fully connected layer (shaders/gemv.wgsl) with its fused ReLU, its weights split by rows
    /// where one binding cannot hold them.
    fn linear(
        &mut self,
        id: NodeId,
        out_features: usize,
        bias: bool,
        weights: &mut Weights,
    ) -> Result<(), EngineError> {
        let key = |s: &str| format!("{}.{s}", self.net.nodes[id].name);
        let w = take(weights, &key("weight"))?.values;
        let k = w.len() / out_features;
        let b = if bias {
            let b = take(weights, &key("bias"))?.values;
            Some(self.upload(&b))
        } else {
            None
        };
        let (relu, y2) = self.relu(id);
        let flags = if b.is_some() { FLAG_BIAS } else { 0 } | relu;
        let fc = choose_fc(self.policy, k);
        let (gemv, bytes) = match fc {
            Fc::Scalar => ("gemv", 4),
            Fc::Wide => ("gemv_wide", 4),
            Fc::Half => ("gemv_half", 2),
        };
        // Rows per chunk: as many as one storage binding holds.
        let rows = ((self.gpu.max_binding / (k as u64 * bytes)) as usize).clamp(1, out_features);
        let mut chunks = Vec::new();
        for first in (0..out_features).step_by(rows) {
            let r = rows.min(out_features - first);
            let rows = &w[first * k..(first + r) * k];
            let chunk = if fc == Fc::Half {
                self.upload_half(rows)
            } else {
                self.upload(rows)
            };
            chunks.push(chunk);
            let params = params([u(k), u(r), u(first), flags], NONE, NONE, NONE);
            let grid = [u(r.min(65_535)), u(r.div_ceil(65_535)), 1];
            let aux2 = b.map_or(Buf::Empty, Buf::Weight);
            let bufs = [self.input(id), Buf::Weight(chunk), aux2, Buf::Node(id), y2];
            self.dispatch(gemv, params, bufs, grid);
        }
        self.out.held[id] = Held::Linear { chunks, bias: b };
        Ok(())
    }

    /// A concatenation: each input copied into its slice.
    fn concat(&mut self, id: NodeId) {
        let net = self.net;
        let inputs = &net.nodes[id].inputs;
        // The longest concatenation before this one whose inputs begin this one's — DenseNet's
        // (each layer's input is the layer before's and one more map) — is copied whole, in one
        // dispatch instead of one per input.
        let prefix = (0..id)
            .filter(|&p| {
                self.plan.fate(p) == Fate::Own
                    && matches!(net.nodes[p].op.base(), Op::Concat)
                    && inputs.starts_with(&net.nodes[p].inputs)
            })
            .max_by_key(|&p| net.nodes[p].inputs.len());
        let skip = prefix.map_or(0, |p| net.nodes[p].inputs.len());
        let mut at = 0;
        for i in prefix.into_iter().chain(inputs[skip..].iter().copied()) {
            let m = self.count(i);
            let params = params([u(m), UNARY_COPY, 0, u(at)], NONE, NONE, NONE);
            let bufs = [
                Buf::Node(i),
                Buf::Empty,
                Buf::Empty,
                Buf::Node(id),
                Buf::Sink,
            ];
            self.dispatch("unary", params, bufs, grid_1d(m));
            at += m;
        }
    }

    /// An addition or a mean (shaders/elementwise.wgsl): the first two inputs summed, each
    /// further one accumulated; the last dispatch writes the ReLU the plan fuses into it.
    fn sum(&mut self, id: NodeId) {
        let node = &self.net.nodes[id];
        let inputs = &node.inputs;
        let s = if matches!(node.op.base(), Op::Mean) {
            1.0 / inputs.len() as f32
        } else {
            1.0
        };
        let count = self.count(id);
        let (relu, y2) = self.relu(id);
        let last = inputs.len() - 1;
        let flags = |at: usize| if at == last { relu } else { 0 };
        let p = |at: usize| params([u(count), 0, s.to_bits(), flags(at)], NONE, NONE, NONE);
        let y2_at = |at: usize| if at == last { y2 } else { Buf::Sink };
        let (a, b) = (Buf::Node(inputs[0]), Buf::Node(inputs[1]));
        let bufs = [a, b, Buf::Empty, Buf::Node(id), y2_at(1)];
        self.dispatch("sum", p(1), bufs, grid_1d(count));
        for (at, &i) in inputs.iter().enumerate().skip(2) {
            let bufs = [
                Buf::Node(i),
                Buf::Empty,
                Buf::Empty,
                Buf::Node(id),
                y2_at(at),
            ];
            self.dispatch("accumulate", p(at), bufs, grid_1d(count));
        }
    }

    /// The CIFAR ResNets' shortcut (shaders/maps.wgsl).
    fn pad_shortcut(&mut self, id: NodeId, out_channels: usize, stride: usize) {
        let (ins, os) = (self.in_shape(id), self.shape(id));
        let params = params(
            [u(ins[0]), u(ins[1]), u(ins[2]), u(stride)],
            [u(out_channels), u(os[1]), u(os[2]), 0],
            NONE,
            NONE,
        );
        let bufs = [
            self.input(id),
            Buf::Empty,
            Buf::Empty,
            Buf::Node(id),
            Buf::Sink,
        ];
        self.dispatch("pad_shortcut", params, bufs, grid_1d(self.count(id)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f16 weights are packed two to a u32, the first low, an odd count padded, and read back
    /// as the f16 nearest each value.
    #[test]
    fn half_weights_pack_and_read_back() {
        let v = [1.0f32, -2.5, 0.1, 65504.0, 1e-8];
        let bytes = pack_half(&v);
        assert_eq!(bytes.len(), 12);
        let first = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        assert_eq!(first, 0xC100_3C00, "-2.5 high, 1.0 low");
        let back = values(&bytes, true, v.len());
        assert_eq!(back.len(), v.len());
        assert_eq!(&back[..2], &[1.0, -2.5]);
        assert!((back[2] - 0.1).abs() < 0.1 / 2048.0, "{}", back[2]);
        assert_eq!(back[3], 65504.0);
        assert!(back[4].abs() < 1e-7);
        assert_eq!(pack_half(&[]).len(), 4);
        assert!(values(&pack_half(&[]), true, 0).is_empty());
        assert_eq!(values(&7f32.to_le_bytes(), false, 1), [7.0]);
    }

    /// Every constant the kernels name is declared to them, once, with its value.
    #[test]
    fn the_kernels_get_every_shared_constant() {
        let decl = wgsl_constants();
        assert!(decl.contains("const UNARY_AFFINE: u32 = 4u;\n"), "{decl}");
        assert!(decl.contains("const FLAG_RELU: u32 = 4u;\n"), "{decl}");
        assert_eq!(decl.lines().count(), SHARED.len());
        let sources = [
            include_str!("shaders/conv.wgsl"),
            include_str!("shaders/gemv_row.wgsl"),
            include_str!("shaders/elementwise.wgsl"),
            include_str!("shaders/pool.wgsl"),
        ]
        .concat();
        for (name, _) in SHARED {
            assert!(sources.contains(name), "no kernel reads {name}");
        }
    }
}
