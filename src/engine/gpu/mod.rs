//! The WebGPU engine: a network's description run as WGSL compute shaders through `wgpu`
//! (Vulkan natively — lavapipe on a machine without a GPU —, the browser's WebGPU in the page
//! later). Prepared once: batch norm folded into the convolution before it (`fold`), weights
//! uploaded in the layout the kernels read (fully connected weights split by rows where one
//! binding cannot hold them), a ReLU after a convolution written by the convolution itself, one
//! output buffer per node (aliases where a node computes nothing: flatten, dropout, a folded
//! norm), and every dispatch's parameters and bind group made ahead.
//! A run writes the input, records every dispatch into one command buffer, submits it once, and
//! reads back only the kept nodes' outputs. Kernels: `shaders/*.wgsl`.
//!
//! Results come back asynchronously ([`Prepared::run_async`]); natively [`Prepared::run`] waits
//! for them (`device.poll`), in the browser only `run_async` works (a worker cannot block). The
//! page's worker runs networks on it when the reader's choice and the adapter allow
//! (`web::worker`).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::cpu::ParamSource;
use super::fold::{self, take, Folded};
use super::plan::{Fate, Plan};
use super::{Activations, Engine, EngineError, Prepared, Weights};
use crate::zoo::graph::{Activation, Network, NodeId, Op, PoolKind};
use crate::zoo::{analyse, Analysis};

/// Kernels by name: (WGSL file, entry point).
const KERNELS: [(&str, &str, &str); 9] = [
    ("conv", include_str!("shaders/conv.wgsl"), "main"),
    ("gemv", include_str!("shaders/gemv.wgsl"), "main"),
    ("pool", include_str!("shaders/pool.wgsl"), "main"),
    ("unary", include_str!("shaders/elementwise.wgsl"), "unary"),
    ("sum", include_str!("shaders/elementwise.wgsl"), "sum"),
    (
        "accumulate",
        include_str!("shaders/elementwise.wgsl"),
        "accumulate",
    ),
    ("lrn", include_str!("shaders/maps.wgsl"), "lrn"),
    ("subsample", include_str!("shaders/maps.wgsl"), "subsample"),
    (
        "pad_shortcut",
        include_str!("shaders/maps.wgsl"),
        "pad_shortcut",
    ),
];
const COMMON: &str = include_str!("shaders/common.wgsl");

/// A device with the engine's pipelines, made once and shared by every prepared network.
pub struct Gpu {
    device: wgpu::Device,
    queue: wgpu::Queue,
    info: wgpu::AdapterInfo,
    layout: wgpu::BindGroupLayout,
    pipelines: Vec<wgpu::ComputePipeline>,
    /// The largest storage binding the device allows (bytes).
    max_binding: u64,
    /// Bound where a kernel has no use for an auxiliary array, and for the second output.
    empty: wgpu::Buffer,
    sink: wgpu::Buffer,
    /// The first error the device reported outside a run (a failed pipeline or bind group, a
    /// lost device): every later run fails with it, so that the caller can fall back.
    fault: Arc<Mutex<Option<String>>>,
}

impl Gpu {
    fn fault(&self) -> Option<String> {
        self.fault.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The WebGPU engine.
#[derive(Clone)]
pub struct GpuEngine {
    gpu: Arc<Gpu>,
}

fn backend(e: impl std::fmt::Display) -> EngineError {
    EngineError::Backend(format!("WebGPU: {e}"))
}

impl GpuEngine {
    /// Opens the first adapter wgpu finds (natively Vulkan, in the browser `navigator.gpu`) and
    /// builds the pipelines.
    pub async fn open() -> Result<GpuEngine, EngineError> {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions::default())
            .await
            .map_err(|e| backend(format!("no adapter ({e})")))?;
        Self::with_adapter(adapter).await
    }

    /// [`GpuEngine::open`], waiting for it (natively).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new() -> Result<GpuEngine, EngineError> {
        pollster::block_on(Self::open())
    }

    /// Builds the engine on `adapter`, asking for its largest buffers.
    pub async fn with_adapter(adapter: wgpu::Adapter) -> Result<GpuEngine, EngineError> {
        let info = adapter.get_info();
        let al = adapter.limits();
        let limits = wgpu::Limits {
            max_storage_buffer_binding_size: al.max_storage_buffer_binding_size,
            max_buffer_size: al.max_buffer_size,
            // Five storage arrays per kernel (WebGPU's default allows eight).
            max_storage_buffers_per_shader_stage: 5,
            ..wgpu::Limits::downlevel_defaults()
        };
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("atlas"),
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(backend)?;
        let storage = |binding, read_only| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("atlas kernels"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::COMPUTE,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
                storage(1, true),
                storage(2, true),
                storage(3, true),
                storage(4, false),
                storage(5, false),
            ],
        });
        let pl = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("atlas kernels"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipelines = KERNELS
            .iter()
            .map(|(name, src, entry)| {
                let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                    label: Some(name),
                    source: wgpu::ShaderSource::Wgsl(format!("{COMMON}\n{src}").into()),
                });
                device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some(name),
                    layout: Some(&pl),
                    module: &module,
                    entry_point: Some(entry),
                    compilation_options: Default::default(),
                    cache: None,
                })
            })
            .collect();
        let fault = Arc::new(Mutex::new(None::<String>));
        let record = |fault: &Arc<Mutex<Option<String>>>, what: String| {
            fault
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(what);
        };
        let f = fault.clone();
        device.on_uncaptured_error(Arc::new(move |e| record(&f, e.to_string())));
        let f = fault.clone();
        device.set_device_lost_callback(move |reason, message| {
            record(
                &f,
                format!("the GPU device was lost ({reason:?}: {message})"),
            )
        });
        let empty = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("empty"),
            size: 4,
            usage: wgpu::BufferUsages::STORAGE,
            mapped_at_creation: false,
        });
        let sink = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("sink"),
            size: 4,
            usage: wgpu::BufferUsages::STORAGE,
            mapped_at_creation: false,
        });
        // In the browser wgpu's handles are neither Send nor Sync (one worker thread uses them);
        // natively they are, and the tests share one engine between threads.
        #[allow(clippy::arc_with_non_send_sync)]
        Ok(GpuEngine {
            gpu: Arc::new(Gpu {
                device,
                queue,
                info,
                layout,
                pipelines,
                max_binding: limits.max_storage_buffer_binding_size,
                empty,
                sink,
                fault,
            }),
        })
    }

    /// Destroys the device as a lost GPU would (the page's test of its fallback): every later run
    /// fails with the device-lost message.
    pub fn lose_device(&self) {
        self.gpu.device.destroy();
    }

    /// The first fault the device reported (a lost device, a failed pipeline), if any.
    pub fn fault(&self) -> Option<String> {
        self.gpu.fault()
    }

    /// The adapter, as the status line and the benchmarks name it.
    pub fn adapter(&self) -> String {
        let i = &self.gpu.info;
        if i.name.is_empty() {
            // The browser's WebGPU does not tell wgpu the adapter's name.
            return format!("the browser's WebGPU adapter ({:?})", i.backend);
        }
        format!("{} ({:?}, {})", i.name, i.backend, i.driver)
    }
}

fn kernel(name: &str) -> usize {
    KERNELS
        .iter()
        .position(|(n, ..)| *n == name)
        .expect("a known kernel")
}

/// One dispatch: a kernel, its bind group and its grid.
struct Dispatch {
    pipeline: usize,
    bind: wgpu::BindGroup,
    grid: [u32; 3],
}

/// A prepared network on the GPU.
pub struct GpuNetwork {
    gpu: Arc<Gpu>,
    net: Network,
    an: Analysis,
    /// The buffer holding each node's output (several nodes may share one).
    slot: Vec<usize>,
    buffers: Vec<wgpu::Buffer>,
    /// Folded norms by convolution: its own output is recovered from the norm's on read-back.
    folded: Vec<Option<Folded>>,
    dispatches: Vec<Dispatch>,
    /// Weights and per-channel vectors, held with the bind groups that read them.
    _weights: Vec<wgpu::Buffer>,
    bytes: u64,
}

fn bytes_of(v: &[f32]) -> &[u8] {
    // SAFETY: f32 has no padding and every bit pattern of its bytes is a valid u8.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast(), std::mem::size_of_val(v)) }
}

/// The dispatch's parameters: four vec4<u32> (floats passed as their bits).
type Params = [u32; 16];

/// A 1-D job of `n` invocations in groups of 256, as a grid within the 65,535 limit per side.
fn grid_1d(n: usize) -> [u32; 3] {
    let groups = n.div_ceil(256).max(1) as u32;
    let x = groups.min(65_535);
    [x, groups.div_ceil(x), 1]
}

impl Engine for GpuEngine {
    fn name(&self) -> &'static str {
        "WebGPU"
    }

    fn prepare(
        &self,
        net: &Network,
        mut weights: Weights,
    ) -> Result<Box<dyn Prepared>, EngineError> {
        use wgpu::util::DeviceExt;
        weights.check(net, &[])?;
        let gpu = &self.gpu;
        let dev = &gpu.device;
        let an = analyse(net);
        let plan = Plan::new(net, &weights)?;
        let n = net.nodes.len();
        let mut bytes = 0u64;
        let upload = |v: &[f32], bytes: &mut u64| -> wgpu::Buffer {
            *bytes += (v.len() * 4) as u64;
            dev.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: None,
                contents: if v.is_empty() { &[0; 4] } else { bytes_of(v) },
                usage: wgpu::BufferUsages::STORAGE,
            })
        };
        // The ReLUs the plan fuses into a convolution, which writes them (the others are not
        // fused yet).
        let conv_relu = |r: NodeId| match plan.fate(r) {
            Fate::Fused { by } => matches!(net.nodes[by].op.base(), Op::Conv2d(_)),
            _ => false,
        };
        // Output buffers: a node that computes nothing, or a folded norm, shares its input's.
        let mut slot = vec![usize::MAX; n];
        let mut buffers: Vec<wgpu::Buffer> = Vec::new();
        let mut folded: Vec<Option<Folded>> = vec![None; n];
        for (id, node) in net.nodes.iter().enumerate() {
            let alias = match plan.fate(id) {
                Fate::Identity => Some(node.inputs[0]),
                Fate::Folded { conv } => Some(conv),
                _ => None,
            };
            if let Some(src) = alias {
                slot[id] = slot[src];
                continue;
            }
            let size = an.layers[id].activations.max(1) * 4;
            bytes += size;
            slot[id] = buffers.len();
            buffers.push(dev.create_buffer(&wgpu::BufferDescriptor {
                label: Some(&node.name),
                size,
                usage: wgpu::BufferUsages::STORAGE
                    | wgpu::BufferUsages::COPY_SRC
                    | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }));
        }
        let mut dispatches = Vec::new();
        let mut add = |pipeline: &str,
                       params: Params,
                       bufs: [&wgpu::Buffer; 5],
                       grid: [u32; 3],
                       bytes: &mut u64| {
            let ubuf = dev.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: None,
                contents: bytes_of(&params.map(f32::from_bits)),
                usage: wgpu::BufferUsages::UNIFORM,
            });
            *bytes += 64;
            let entries: Vec<wgpu::BindGroupEntry> = std::iter::once(&ubuf)
                .chain(bufs)
                .enumerate()
                .map(|(i, b)| wgpu::BindGroupEntry {
                    binding: i as u32,
                    resource: b.as_entire_binding(),
                })
                .collect();
            let bind = dev.create_bind_group(&wgpu::BindGroupDescriptor {
                label: None,
                layout: &gpu.layout,
                entries: &entries,
            });
            dispatches.push(Dispatch {
                pipeline: kernel(pipeline),
                bind,
                grid,
            });
        };
        let shape = |id: NodeId| an.layers[id].shape.clone();
        let empty = &gpu.empty;
        let mut aux_buffers = Vec::new();
        for (id, node) in net.nodes.iter().enumerate() {
            let key = |s: &str| format!("{}.{s}", node.name);
            let out = &buffers[slot[id]];
            let input = node.inputs.first().map(|&i| &buffers[slot[i]]);
            let ins = shape(node.inputs.first().copied().unwrap_or(0));
            let os = shape(id);
            let count = an.layers[id].activations as usize;
            let u = |v: usize| v as u32;
            match node.op.base() {
                Op::Input { .. } | Op::Flatten | Op::Dropout { .. } => {}
                Op::Conv2d(c) => {
                    let (cg, per) = (ins[0] / c.groups, c.kernel[0] * c.kernel[1]);
                    let p = fold::conv_params(net, id, c, cg, per, plan.fold(id), &mut weights)?;
                    folded[id] = p.folded.clone();
                    let w = upload(&p.w, &mut bytes);
                    // The bias (zeros without one), then the input offsets of each k, as
                    // floats: exact below 2^24.
                    if ins.iter().product::<usize>() >= 1 << 24 {
                        return Err(backend(format!(
                            "{}: an input of {} values is beyond the convolution kernel's offsets",
                            node.name,
                            ins.iter().product::<usize>()
                        )));
                    }
                    let mut aux2 = p.bias.clone().unwrap_or_else(|| vec![0.0; c.out_channels]);
                    for ci in 0..cg {
                        for ky in 0..c.kernel[0] {
                            for kx in 0..c.kernel[1] {
                                aux2.push((ci * ins[1] * ins[2]) as f32);
                                aux2.push((ky * c.dilation[0]) as f32);
                                aux2.push((kx * c.dilation[1]) as f32);
                            }
                        }
                    }
                    let b = upload(&aux2, &mut bytes);
                    let relu = plan.relu(id).map(|r| &buffers[slot[r]]);
                    let flags =
                        if p.bias.is_some() { 2 } else { 0 } | if relu.is_some() { 4 } else { 0 };
                    let og = c.out_channels / c.groups;
                    let grid = [
                        u((os[1] * os[2]).div_ceil(64)),
                        u(og.div_ceil(64)),
                        u(c.groups),
                    ];
                    #[rustfmt::skip]
                    let params = [
                        u(ins[0]), u(ins[1]), u(ins[2]), u(os[0]),
                        u(os[1]), u(os[2]), u(c.kernel[0]), u(c.kernel[1]),
                        u(c.stride[0]), u(c.stride[1]), u(c.padding[0]), u(c.padding[1]),
                        u(c.dilation[0]), u(c.dilation[1]), u(c.groups), flags,
                    ];
                    add(
                        "conv",
                        params,
                        [input.unwrap(), &w, &b, out, relu.unwrap_or(&gpu.sink)],
                        grid,
                        &mut bytes,
                    );
                    aux_buffers.extend([w, b]);
                }
                Op::BatchNorm2d { eps } => {
                    if let Fate::Folded { .. } = plan.fate(id) {
                        continue;
                    }
                    let (s, t) = fold::norm_affine(&weights, &key, *eps)?;
                    let (s, t) = (upload(&s, &mut bytes), upload(&t, &mut bytes));
                    let per = u(ins[1..].iter().product());
                    let params = [u(count), 4, per, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
                    add(
                        "unary",
                        params,
                        [input.unwrap(), &s, &t, out, &gpu.sink],
                        grid_1d(count),
                        &mut bytes,
                    );
                    aux_buffers.extend([s, t]);
                }
                Op::Act(_) if conv_relu(id) => {}
                Op::Act(a) => {
                    let mode = match a {
                        Activation::Relu => 0,
                        Activation::Tanh => 1,
                        Activation::ScaledTanh => 2,
                    };
                    let params = [u(count), mode, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
                    add(
                        "unary",
                        params,
                        [input.unwrap(), empty, empty, out, &gpu.sink],
                        grid_1d(count),
                        &mut bytes,
                    );
                }
                Op::Scale { factor } => {
                    let f = (*factor as f32).to_bits();
                    let params = [u(count), 3, f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
                    add(
                        "unary",
                        params,
                        [input.unwrap(), empty, empty, out, &gpu.sink],
                        grid_1d(count),
                        &mut bytes,
                    );
                }
                Op::Pool2d(pl) => {
                    let kind = match pl.kind {
                        PoolKind::Max => 0,
                        PoolKind::Avg => 1,
                    };
                    #[rustfmt::skip]
                    let params = [
                        u(ins[0]), u(ins[1]), u(ins[2]), kind,
                        u(os[1]), u(os[2]), u(pl.kernel[0]), u(pl.kernel[1]),
                        u(pl.stride[0]), u(pl.stride[1]), u(pl.padding[0]), u(pl.padding[1]),
                        0, 0, 0, 0,
                    ];
                    add(
                        "pool",
                        params,
                        [input.unwrap(), empty, empty, out, &gpu.sink],
                        grid_1d(count),
                        &mut bytes,
                    );
                }
                Op::AdaptiveAvgPool2d { .. } => {
                    #[rustfmt::skip]
                    let params = [
                        u(ins[0]), u(ins[1]), u(ins[2]), 2,
                        u(os[1]), u(os[2]), 0, 0,
                        0, 0, 0, 0, 0, 0, 0, 0,
                    ];
                    add(
                        "pool",
                        params,
                        [input.unwrap(), empty, empty, out, &gpu.sink],
                        grid_1d(count),
                        &mut bytes,
                    );
                }
                Op::Subsample {
                    kernel: k,
                    stride: s,
                } => {
                    let coeff = upload(&take(&mut weights, &key("weight"))?.values, &mut bytes);
                    let bias = upload(&take(&mut weights, &key("bias"))?.values, &mut bytes);
                    #[rustfmt::skip]
                    let params = [
                        u(ins[0]), u(ins[1]), u(ins[2]), 0,
                        u(os[1]), u(os[2]), u(k[0]), u(k[1]),
                        u(s[0]), u(s[1]), 0, 0, 0, 0, 0, 0,
                    ];
                    add(
                        "subsample",
                        params,
                        [input.unwrap(), &coeff, &bias, out, &gpu.sink],
                        grid_1d(count),
                        &mut bytes,
                    );
                    aux_buffers.extend([coeff, bias]);
                }
                Op::Lrn {
                    size,
                    alpha,
                    beta,
                    k,
                } => {
                    let hw = u(ins[1..].iter().product());
                    let f = |v: f64| (v as f32).to_bits();
                    #[rustfmt::skip]
                    let params = [
                        u(ins[0]), hw, u(*size), 0,
                        f(*alpha), f(*beta), f(*k), 0,
                        0, 0, 0, 0, 0, 0, 0, 0,
                    ];
                    add(
                        "lrn",
                        params,
                        [input.unwrap(), empty, empty, out, &gpu.sink],
                        grid_1d(count),
                        &mut bytes,
                    );
                }
                Op::Linear { out_features, bias } => {
                    let w = take(&mut weights, &key("weight"))?.values;
                    let k = w.len() / out_features;
                    let b = if *bias {
                        Some(upload(
                            &take(&mut weights, &key("bias"))?.values,
                            &mut bytes,
                        ))
                    } else {
                        None
                    };
                    // Rows per chunk: as many as one storage binding holds.
                    let rows =
                        ((gpu.max_binding / (k as u64 * 4)) as usize).clamp(1, *out_features);
                    for first in (0..*out_features).step_by(rows) {
                        let r = rows.min(out_features - first);
                        let chunk = upload(&w[first * k..(first + r) * k], &mut bytes);
                        let flags = if b.is_some() { 2 } else { 0 };
                        let params = [
                            u(k),
                            u(r),
                            u(first),
                            flags,
                            0,
                            0,
                            0,
                            0,
                            0,
                            0,
                            0,
                            0,
                            0,
                            0,
                            0,
                            0,
                        ];
                        let grid = [u(r.min(65_535)), u(r.div_ceil(65_535)), 1];
                        add(
                            "gemv",
                            params,
                            [
                                input.unwrap(),
                                &chunk,
                                b.as_ref().unwrap_or(empty),
                                out,
                                &gpu.sink,
                            ],
                            grid,
                            &mut bytes,
                        );
                        aux_buffers.push(chunk);
                    }
                    aux_buffers.extend(b);
                }
                Op::Concat => {
                    let mut at = 0;
                    for &i in &node.inputs {
                        let m = an.layers[i].activations as usize;
                        let params = [u(m), 5, 0, u(at), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
                        add(
                            "unary",
                            params,
                            [&buffers[slot[i]], empty, empty, out, &gpu.sink],
                            grid_1d(m),
                            &mut bytes,
                        );
                        at += m;
                    }
                }
                Op::Add | Op::Mean => {
                    let s = if matches!(node.op.base(), Op::Mean) {
                        1.0 / node.inputs.len() as f32
                    } else {
                        1.0
                    };
                    let params = [
                        u(count),
                        0,
                        s.to_bits(),
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                    ];
                    let (a, b) = (
                        &buffers[slot[node.inputs[0]]],
                        &buffers[slot[node.inputs[1]]],
                    );
                    add(
                        "sum",
                        params,
                        [a, b, empty, out, &gpu.sink],
                        grid_1d(count),
                        &mut bytes,
                    );
                    for &i in &node.inputs[2..] {
                        add(
                            "accumulate",
                            params,
                            [&buffers[slot[i]], empty, empty, out, &gpu.sink],
                            grid_1d(count),
                            &mut bytes,
                        );
                    }
                }
                Op::PadShortcut {
                    out_channels,
                    stride,
                } => {
                    #[rustfmt::skip]
                    let params = [
                        u(ins[0]), u(ins[1]), u(ins[2]), u(*stride),
                        u(*out_channels), u(os[1]), u(os[2]), 0,
                        0, 0, 0, 0, 0, 0, 0, 0,
                    ];
                    add(
                        "pad_shortcut",
                        params,
                        [input.unwrap(), empty, empty, out, &gpu.sink],
                        grid_1d(count),
                        &mut bytes,
                    );
                }
                Op::Functional(_) => unreachable!("base() unwraps functional ops"),
            }
        }
        Ok(Box::new(GpuNetwork {
            gpu: self.gpu.clone(),
            net: net.clone(),
            an,
            slot,
            buffers,
            folded,
            dispatches,
            _weights: aux_buffers,
            bytes,
        }))
    }
}

/// The WebGPU engine keeps its weights on the GPU only; gradients are computed on the CPU
/// engine's network.
struct NoParams;

impl ParamSource for NoParams {
    fn param(&self, key: &str) -> Result<candle_core::Tensor, EngineError> {
        Err(EngineError::Backend(format!(
            "the WebGPU engine keeps '{key}' on the GPU only; gradients run on the CPU engine"
        )))
    }
}

/// A submitted run whose kept outputs are being copied into `staging`.
struct Pending {
    staging: wgpu::Buffer,
    wanted: Vec<NodeId>,
    sizes: Vec<u64>,
    mapped: Mapped,
}

/// Resolves when `map_async` has called back: natively after `device.poll` waits, in the browser
/// from the event loop.
struct Mapped(Arc<Mutex<MapState>>);

/// The callback's result once it came, and the task to wake then.
type MapState = (Option<Result<(), wgpu::BufferAsyncError>>, Option<Waker>);

impl Future for Mapped {
    type Output = Result<(), wgpu::BufferAsyncError>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match s.0.take() {
            Some(r) => Poll::Ready(r),
            None => {
                s.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl GpuNetwork {
    /// Writes the input, records every dispatch and the copies of the kept outputs into one
    /// command buffer, submits it and asks for the read-back buffer to be mapped.
    fn submit(&mut self, input: &[f32], keep: &[NodeId]) -> Result<Pending, EngineError> {
        let wanted = super::wanted_nodes(&self.net, &self.an, input, keep)?;
        let (dev, queue) = (&self.gpu.device, &self.gpu.queue);
        queue.write_buffer(&self.buffers[self.slot[0]], 0, bytes_of(input));
        let mut enc = dev.create_command_encoder(&Default::default());
        {
            let mut pass = enc.begin_compute_pass(&Default::default());
            for d in &self.dispatches {
                pass.set_pipeline(&self.gpu.pipelines[d.pipeline]);
                pass.set_bind_group(0, &d.bind, &[]);
                pass.dispatch_workgroups(d.grid[0], d.grid[1], d.grid[2]);
            }
        }
        // Read back only the kept nodes, into one staging buffer.
        let sizes: Vec<u64> = wanted
            .iter()
            .map(|&id| self.an.layers[id].activations * 4)
            .collect();
        let total: u64 = sizes.iter().sum::<u64>().max(4);
        let staging = dev.create_buffer(&wgpu::BufferDescriptor {
            label: Some("read-back"),
            size: total,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut at = 0;
        for (&id, &size) in wanted.iter().zip(&sizes) {
            if size > 0 {
                enc.copy_buffer_to_buffer(&self.buffers[self.slot[id]], 0, &staging, at, size);
            }
            at += size;
        }
        queue.submit([enc.finish()]);
        let state = Arc::new(Mutex::new((None, None::<Waker>)));
        let st = state.clone();
        staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
            let mut s = st.lock().unwrap_or_else(|e| e.into_inner());
            s.0 = Some(r);
            if let Some(w) = s.1.take() {
                w.wake();
            }
        });
        #[cfg(not(target_arch = "wasm32"))]
        dev.poll(wgpu::PollType::wait_indefinitely())
            .map_err(backend)?;
        Ok(Pending {
            staging,
            wanted,
            sizes,
            mapped: Mapped(state),
        })
    }

    /// The kept outputs from the mapped read-back buffer.
    fn collect(&self, p: Pending) -> Result<Activations, EngineError> {
        let Pending {
            staging,
            wanted,
            sizes,
            ..
        } = p;
        let all: Vec<f32> = {
            let view = staging.slice(..).get_mapped_range().map_err(backend)?;
            view.chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()
        };
        staging.unmap();
        let mut shapes = Vec::with_capacity(wanted.len());
        let mut values = Vec::with_capacity(wanted.len());
        let mut at = 0;
        for (&id, &size) in wanted.iter().zip(&sizes) {
            let v = &all[at..at + size as usize / 4];
            at += size as usize / 4;
            shapes.push(self.an.layers[id].shape.clone());
            values.push(match &self.folded[id] {
                Some(f) => f.unfold(v),
                None => v.to_vec(),
            });
        }
        Ok(Activations { shapes, values })
    }
}

impl Prepared for GpuNetwork {
    fn network(&self) -> &Network {
        &self.net
    }

    fn engine(&self) -> &'static str {
        "WebGPU"
    }

    fn run(&mut self, input: &[f32], keep: &[NodeId]) -> Result<Activations, EngineError> {
        #[cfg(not(target_arch = "wasm32"))]
        return pollster::block_on(self.run_async(input, keep));
        #[cfg(target_arch = "wasm32")]
        {
            let _ = (input, keep);
            Err(backend(
                "in the browser the results come back asynchronously: use run_async",
            ))
        }
    }

    fn run_async<'a>(
        &'a mut self,
        input: &'a [f32],
        keep: &'a [NodeId],
    ) -> Pin<Box<dyn Future<Output = Result<Activations, EngineError>> + 'a>> {
        Box::pin(async move {
            if let Some(f) = self.gpu.fault() {
                return Err(backend(f));
            }
            let scope = self
                .gpu
                .device
                .push_error_scope(wgpu::ErrorFilter::Validation);
            let pending = self.submit(input, keep);
            let error = scope.pop().await;
            let mut pending = pending?;
            if let Some(e) = error {
                return Err(backend(e));
            }
            (&mut pending.mapped).await.map_err(backend)?;
            match self.gpu.fault() {
                Some(f) => Err(backend(f)),
                None => self.collect(pending),
            }
        })
    }

    fn memory_bytes(&self) -> u64 {
        self.bytes
    }

    fn params(&self) -> Box<dyn ParamSource + '_> {
        Box::new(NoParams)
    }
}
