//! The WebGPU engine's lowering: a network's description and checkpoint, with what the engines'
//! plan (`crate::engine::plan`) folds and fuses, turned into buffers and dispatches made ahead —
//! each node's output at its place (`lower/place.rs`: a node that computes nothing shares its
//! input's buffer, a folded norm its convolution's, an input of a concatenation is written into
//! its slice), weights uploaded in the layout the kernels read, and for each node the plan leaves
//! its own op one function (`Lowering::conv`, `::norm`, …) that fills its kernel's parameters and
//! bind group. A ReLU the plan fuses is written by the op before it, as the second output (`y2`),
//! so that both nodes' outputs exist; a run that keeps only the logits may skip what no one reads
//! (`lower/lean.rs`). The unary modes, pool kinds and
//! flags the kernels read are the named constants below, given to the kernels under the same
//! names (`wgsl_constants`, prepended to every kernel's source).

use wgpu::util::DeviceExt;

use super::device::{kernel, Gpu};
use super::kernels::{ConvChoice, KernelPolicy};

mod conv;
mod lean;
mod merge;
mod ops;
mod place;
use super::{backend, bytes_of};
use crate::engine::fold::Folded;
use crate::engine::plan::{Fate, Plan};
use crate::engine::{EngineError, Weights};
use crate::zoo::graph::{Network, NodeId, Op};
use crate::zoo::Analysis;
use conv::Scratch;
pub(super) use conv::{winograd_unweights, KernelLayout};
use lean::End;
pub(super) use lean::Runs;
pub(super) use place::Place;

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
/// Flags: add the residual (`res`) to the output before it goes out (`lower/lean.rs`).
pub const FLAG_RESIDUAL: u32 = 8;
/// Flags: write only the ReLU, not `y` (`lower/lean.rs`).
pub const FLAG_NO_Y: u32 = 16;
/// Flags: the output is two nodes' outputs one after the other, each ReLU'd: values before
/// `p.d.x` into `y`, the rest into `y2` from its start (`lower/merge.rs`).
pub const FLAG_SPLIT: u32 = 32;

/// The constants above, as the kernels name them.
const SHARED: [(&str, u32); 18] = [
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
    ("FLAG_RESIDUAL", FLAG_RESIDUAL),
    ("FLAG_NO_Y", FLAG_NO_Y),
    ("FLAG_SPLIT", FLAG_SPLIT),
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
    /// The runs it belongs to.
    pub runs: Runs,
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
    /// Where each node's output is (several nodes may share a buffer: `place.rs`).
    pub place: Vec<Place>,
    pub buffers: Vec<wgpu::Buffer>,
    /// Folded norms by convolution: its own output is recovered from the norm's on read-back.
    pub folded: Vec<Option<Folded>>,
    pub dispatches: Vec<Dispatch>,
    /// By node: whether a lean run (`Runs::Lean`) leaves its output unwritten.
    pub lean_skips: Vec<bool>,
    /// Weights and per-channel vectors.
    pub weights: Vec<WeightBuf>,
    /// Where each node's parameters are.
    pub held: Vec<Held>,
    /// The kernel of each convolution.
    pub conv: Vec<Option<ConvChoice>>,
    /// Whether a run is submitted in command buffers of growing size (`KernelPolicy::chunks`,
    /// `Fit::chunks`).
    pub chunked: bool,
    /// Scratch shared by the convolutions, by [`Scratch`] (as large as the largest needs).
    scratch: Vec<wgpu::Buffer>,
    pub bytes: u64,
}

impl Lowered {
    /// The dispatches of a run that keeps the nodes `kept`, in order: the lean run where it writes
    /// every one of them (`lower/lean.rs`), the full run otherwise.
    pub fn run_keeping(&self, kept: &[NodeId]) -> impl Iterator<Item = &Dispatch> {
        let lean = !kept.iter().any(|&id| self.lean_skips[id]);
        self.dispatches.iter().filter(move |d| d.runs.include(lean))
    }
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
    /// By concatenation: the copies it still makes (`place::Layout::copies`).
    copies: Vec<Vec<(NodeId, u64)>>,
    /// The runs the next dispatches belong to.
    runs: Runs,
    /// By addition: whether a convolution's lean end computes it (`lower/lean.rs`).
    taken: Vec<bool>,
    /// By convolution: the norm it applies to its input in a lean run (`lower/lean.rs`).
    prologue: Vec<Option<NodeId>>,
    /// By norm: whether a convolution applies it in a lean run.
    absorbed: Vec<bool>,
    /// By absorbed norm: its scales, then its shifts, as the convolution reads them.
    norm_vectors: Vec<Option<usize>>,
    /// By convolution: its part in a pair merged in a lean run (`lower/merge.rs`).
    merge: Vec<Option<merge::Merge>>,
    /// Floats of each scratch buffer (`conv::Scratch`) the convolutions and merged GEMMs need,
    /// made once they are all chosen (`make_scratch`).
    scratch_floats: [u64; 3],
    /// By convolution: its folded weights, taken from the checkpoint early for a merged GEMM.
    taken_params: Vec<Option<crate::engine::fold::ConvParams>>,
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
    l.pick_prologues();
    l.pick_merges();
    l.make_scratch();
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
    /// norm, shares its input's; picks each convolution's kernel and how much scratch they need.
    fn new(
        gpu: &'a Gpu,
        policy: &'a KernelPolicy,
        net: &'a Network,
        an: &'a Analysis,
        plan: &'a Plan,
    ) -> Lowering<'a> {
        let n = net.nodes.len();
        let in_place = policy.in_place.then_some(gpu.offset_align / 4);
        let layout = place::layout(net, an, plan, in_place);
        let mut bytes = 0;
        let buffers = layout
            .buffers
            .iter()
            .map(|&(len, id)| {
                bytes += len * 4;
                gpu.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some(&net.nodes[id].name),
                    size: len * 4,
                    usage: wgpu::BufferUsages::STORAGE
                        | wgpu::BufferUsages::COPY_SRC
                        | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                })
            })
            .collect();
        let (conv, scratch_floats) = conv::choose(gpu, policy, net, an, plan);
        Lowering {
            gpu,
            net,
            an,
            plan,
            policy,
            node: 0,
            copies: layout.copies,
            runs: Runs::Both,
            taken: vec![false; n],
            prologue: vec![None; n],
            absorbed: vec![false; n],
            norm_vectors: vec![None; n],
            merge: vec![None; n],
            taken_params: (0..n).map(|_| None).collect(),
            scratch_floats,
            out: Lowered {
                place: layout.place,
                buffers,
                folded: vec![None; n],
                dispatches: Vec::new(),
                lean_skips: vec![false; n],
                weights: Vec::new(),
                held: vec![Held::Nothing; n],
                conv,
                chunked: policy.chunks.unwrap_or(gpu.fit.chunks),
                scratch: Vec::new(),
                bytes,
            },
        }
    }

    /// Makes the scratch buffers, as large as the largest need (`conv::choose`, `pick_merges`).
    fn make_scratch(&mut self) {
        self.out.scratch = conv::scratch(self.gpu, self.scratch_floats);
        self.out.bytes += self.out.scratch.iter().map(wgpu::Buffer::size).sum::<u64>();
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

    /// What a dispatch binds for `b`: a node's output from its place (a slice of a
    /// concatenation where it is placed in one), or a whole buffer.
    fn binding(&self, b: Buf) -> wgpu::BindingResource<'_> {
        let whole = match b {
            Buf::Node(id) => {
                let p = self.out.place[id];
                let buffer = &self.out.buffers[p.buffer];
                if p.offset > 0 {
                    return wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                        buffer,
                        offset: p.offset * 4,
                        size: std::num::NonZeroU64::new(self.count(id) as u64 * 4),
                    });
                }
                buffer
            }
            Buf::Weight(i) => &self.out.weights[i].buf,
            Buf::Empty => &self.gpu.empty,
            Buf::Sink => &self.gpu.sink,
            Buf::Scratch(i) => self.out.scratch.get(i as usize).unwrap_or(&self.gpu.sink),
        };
        whole.as_entire_binding()
    }

    /// Adds a dispatch of kernel `name`: its parameters, then (input, aux, aux2, y, y2).
    fn dispatch(&mut self, name: &str, params: Params, bufs: [Buf; 5], grid: [u32; 3]) {
        self.dispatch_with(name, params, bufs, Buf::Empty, grid);
    }

    /// [`Lowering::dispatch`] with the residual `res` its output adds.
    fn dispatch_with(
        &mut self,
        name: &str,
        params: Params,
        bufs: [Buf; 5],
        res: Buf,
        grid: [u32; 3],
    ) {
        let dev = &self.gpu.device;
        let ubuf = dev.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: None,
            contents: bytes_of(&params.map(f32::from_bits)),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let entries: Vec<wgpu::BindGroupEntry> = std::iter::once(ubuf.as_entire_binding())
            .chain(bufs.map(|b| self.binding(b)))
            .chain(std::iter::once(self.binding(res)))
            .enumerate()
            .map(|(i, resource)| wgpu::BindGroupEntry {
                binding: i as u32,
                resource,
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
            runs: self.runs,
        });
    }

    /// The node's (first) input.
    fn input(&self, id: NodeId) -> Buf {
        Buf::Node(self.net.nodes[id].inputs[0])
    }

    /// The bindings of an op that reads only its input and writes only its output.
    fn alone(&self, id: NodeId) -> [Buf; 5] {
        [
            self.input(id),
            Buf::Empty,
            Buf::Empty,
            Buf::Node(id),
            Buf::Sink,
        ]
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
            include_str!("shaders/common.wgsl"),
            include_str!("shaders/conv_tile.wgsl"),
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
