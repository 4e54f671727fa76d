//! The WebGPU engine's device: an adapter, its device and queue acquired once (natively the
//! first Vulkan adapter — lavapipe on a machine without a GPU —, in the browser
//! `navigator.gpu`), the binding layout every kernel shares, the compute pipelines built from
//! `shaders/*.wgsl` (with the constants the lowering shares with them, `lower::wgsl_constants`),
//! and the faults the device reports outside a run.

use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use super::kernels::{ConvInput, ConvKernel, Fit, KernelPolicy, Prologue, Tile};
use super::{backend, lower};
use crate::engine::EngineError;

/// A kernel: its name, WGSL source (in pieces) and entry point, the declarations it is compiled
/// with (a variant's constants), and the element types of its input `X` and first auxiliary
/// array `A` in the layout every kernel binds (shaders/common.wgsl): f32, or vectors where a
/// kernel loads 16 bytes at a time.
struct Kernel {
    name: String,
    source: Vec<&'static str>,
    entry: &'static str,
    defines: String,
    x: &'static str,
    aux: &'static str,
}

fn k(name: &str, source: &'static str, entry: &'static str) -> Kernel {
    Kernel {
        name: name.to_string(),
        source: vec![source],
        entry,
        defines: String::new(),
        x: "f32",
        aux: "f32",
    }
}

/// A tiled convolution (`ConvKernel`): its input's loads (four scalars, or one vec4 where `x` is
/// bound as vec4s), the pieces the tiled ones share, then its own source (the 4 × 4 blocks of
/// 64- and 32-wide tiles, or the 8 × 8 ones of the 128-wide); the weights read as vec4
/// (`lower::KernelLayout`).
fn conv(c: ConvKernel) -> Kernel {
    let (block, wg) = match c.tile {
        Tile::T64 => (CONV, "const WG: u32 = 16u;\n"),
        Tile::T32 => (CONV, "const WG: u32 = 8u;\n"),
        Tile::T128 => (CONV128, ""),
    };
    let wide = c.input == ConvInput::PointwiseWide;
    Kernel {
        name: c.name(),
        source: vec![if wide { COLUMNS4 } else { COLUMNS }, CONV_TILE, block],
        entry: "main",
        defines: format!(
            "{wg}const POINTWISE: bool = {};\nconst PREFETCH: bool = {};\nconst PROLOGUE: bool = {};\nconst POOLED: bool = {};\n",
            c.input != ConvInput::Gather,
            c.prefetch,
            c.prologue == Prologue::Norm,
            c.prologue == Prologue::MaxPool,
        ),
        x: if wide { "vec4<f32>" } else { "f32" },
        aux: "vec4<f32>",
    }
}

const CONV_TILE: &str = include_str!("shaders/conv_tile.wgsl");
const CONV: &str = include_str!("shaders/conv.wgsl");
const CONV128: &str = include_str!("shaders/conv128.wgsl");
const COLUMNS: &str = include_str!("shaders/columns.wgsl");
const COLUMNS4: &str = include_str!("shaders/columns4.wgsl");

/// A GEMV: the row's loop and reduction (shaders/gemv_row.wgsl) with a variant's reading of the
/// weights, x and the weights bound as `x` and `aux`.
fn gemv(name: &str, source: &'static str, x: &'static str, aux: &'static str) -> Kernel {
    Kernel {
        source: vec![source, GEMV_ROW],
        x,
        aux,
        ..k(name, source, "main")
    }
}

const ELEMENTWISE: &str = include_str!("shaders/elementwise.wgsl");
const MAPS: &str = include_str!("shaders/maps.wgsl");
const WINOGRAD: &str = include_str!("shaders/winograd.wgsl");
const GEMV_ROW: &str = include_str!("shaders/gemv_row.wgsl");

/// Every kernel: the convolution in each of its variants (`super::kernels::ConvKernel`), then
/// the rest. A pipeline is built the first time a network's lowering needs it
/// ([`Gpu::pipeline`]).
static KERNELS: LazyLock<Vec<Kernel>> = LazyLock::new(|| {
    ConvKernel::all()
        .map(conv)
        .chain([
            k(
                "splitk_reduce",
                include_str!("shaders/splitk.wgsl"),
                "reduce",
            ),
            k("winograd_input", WINOGRAD, "input"),
            k("winograd_output", WINOGRAD, "output"),
            k("winograd4_input", WINOGRAD, "input4"),
            k("winograd4_output", WINOGRAD, "output4"),
            gemv("gemv", include_str!("shaders/gemv.wgsl"), "f32", "f32"),
            gemv(
                "gemv_wide",
                include_str!("shaders/gemv_wide.wgsl"),
                "vec4<f32>",
                "vec4<f32>",
            ),
            gemv(
                "gemv_half",
                include_str!("shaders/gemv_half.wgsl"),
                "vec4<f32>",
                "vec4<u32>",
            ),
            k("pool", include_str!("shaders/pool.wgsl"), "main"),
            k("unary", ELEMENTWISE, "unary"),
            k("sum", ELEMENTWISE, "sum"),
            k("accumulate", ELEMENTWISE, "accumulate"),
            k("lrn", MAPS, "lrn"),
            k("subsample", MAPS, "subsample"),
            k("pad_shortcut", MAPS, "pad_shortcut"),
        ])
        .collect()
});
const COMMON: &str = include_str!("shaders/common.wgsl");

/// A device with the engine's pipelines, made once and shared by every prepared network.
pub struct Gpu {
    pub(super) device: wgpu::Device,
    pub(super) queue: wgpu::Queue,
    info: wgpu::AdapterInfo,
    pub(super) layout: wgpu::BindGroupLayout,
    pipeline_layout: wgpu::PipelineLayout,
    /// The pipeline of each kernel, built when first needed.
    pipelines: Vec<OnceLock<wgpu::ComputePipeline>>,
    /// The largest storage binding the device allows (bytes).
    pub(super) max_binding: u64,
    /// The multiple of bytes a storage binding may start at.
    pub(super) offset_align: u64,
    /// What the kernels' choice needs to know of the device (`kernels::choose_conv`).
    pub(super) fit: Fit,
    /// Whether the device writes timestamps (`GpuNetwork::profile`).
    pub(super) timestamps: bool,
    /// Bound where a kernel has no use for an auxiliary array, and for the second output.
    pub(super) empty: wgpu::Buffer,
    pub(super) sink: wgpu::Buffer,
    /// The first error the device reported outside a run (a failed pipeline or bind group, a
    /// lost device): every later run fails with it, so that the caller can fall back.
    fault: Arc<Mutex<Option<String>>>,
}

impl Gpu {
    pub(super) fn fault(&self) -> Option<String> {
        self.fault.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The pipeline of kernel `i` ([`kernel`]), built the first time it is asked for (by the
    /// lowering of a network that uses it: a network prepares only what it runs).
    pub(super) fn pipeline(&self, i: usize) -> &wgpu::ComputePipeline {
        self.pipelines[i].get_or_init(|| {
            let kernel = &KERNELS[i];
            let mut source = format!(
                "{}{}alias X = {};\nalias A = {};\n{COMMON}\n",
                lower::wgsl_constants(),
                kernel.defines,
                kernel.x,
                kernel.aux,
            );
            for piece in &kernel.source {
                source.push_str(piece);
            }
            let module = self
                .device
                .create_shader_module(wgpu::ShaderModuleDescriptor {
                    label: Some(&kernel.name),
                    source: wgpu::ShaderSource::Wgsl(source.into()),
                });
            self.device
                .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some(&kernel.name),
                    layout: Some(&self.pipeline_layout),
                    module: &module,
                    entry_point: Some(kernel.entry),
                    compilation_options: Default::default(),
                    cache: None,
                })
        })
    }
}

/// The WebGPU engine.
#[derive(Clone)]
pub struct GpuEngine {
    pub(super) gpu: Arc<Gpu>,
    /// How it picks the kernels of the networks it prepares.
    pub(super) policy: KernelPolicy,
}

impl GpuEngine {
    /// Opens the first adapter wgpu finds (natively Vulkan, in the browser `navigator.gpu`).
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

    /// Builds the engine on `adapter`, asking for its largest buffers (and, natively, for
    /// timestamps where it has them), its kernels chosen as `ATLAS_GPU_KERNELS` says (natively;
    /// by shape without it).
    pub async fn with_adapter(adapter: wgpu::Adapter) -> Result<GpuEngine, EngineError> {
        let policy = KernelPolicy::from_env().map_err(backend)?;
        let info = adapter.get_info();
        #[cfg(not(target_arch = "wasm32"))]
        let features = adapter.features() & wgpu::Features::TIMESTAMP_QUERY;
        #[cfg(target_arch = "wasm32")]
        let features = wgpu::Features::empty();
        let al = adapter.limits();
        let limits = wgpu::Limits {
            max_storage_buffer_binding_size: al.max_storage_buffer_binding_size,
            max_buffer_size: al.max_buffer_size,
            // Where the device lets a binding start: a concatenation's inputs are written into
            // their slices of it where their offsets allow (`lower/place.rs`).
            min_storage_buffer_offset_alignment: al.min_storage_buffer_offset_alignment,
            // Six storage arrays per kernel (WebGPU's default allows eight).
            max_storage_buffers_per_shader_stage: 6,
            ..wgpu::Limits::downlevel_defaults()
        };
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("atlas"),
                required_features: features,
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
                storage(6, true),
            ],
        });
        let pl = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("atlas kernels"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
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
                fit: fit(&info),
                device,
                queue,
                info,
                layout,
                pipeline_layout: pl,
                pipelines: KERNELS.iter().map(|_| OnceLock::new()).collect(),
                max_binding: limits.max_storage_buffer_binding_size,
                offset_align: u64::from(limits.min_storage_buffer_offset_alignment),
                timestamps: features.contains(wgpu::Features::TIMESTAMP_QUERY),
                empty,
                sink,
                fault,
            }),
            policy,
        })
    }

    /// The same device, its kernels picked as `policy` says.
    pub fn with_policy(&self, policy: KernelPolicy) -> GpuEngine {
        GpuEngine {
            gpu: self.gpu.clone(),
            policy,
        }
    }

    /// How it picks its kernels.
    pub fn policy(&self) -> KernelPolicy {
        self.policy
    }

    /// Whether the device writes timestamps, for per-layer times.
    pub fn has_timestamps(&self) -> bool {
        self.gpu.timestamps
    }

    /// Destroys the device as a lost GPU would (the page's test of its fallback): every later run
    /// fails with the device-lost message.
    pub fn lose_device(&self) {
        self.gpu.device.destroy();
    }

    /// Resolves when the device has handled every pipeline asked of it so far. In the browser a
    /// pipeline is compiled in the GPU process after the call that makes it returns (SwiftShader
    /// takes up to 0.8 s for a tiled convolution), and a run would wait for it: awaited after a
    /// network is prepared, so that the first forward pass's time is its own.
    pub async fn compiled(&self) {
        let scope = self
            .gpu
            .device
            .push_error_scope(wgpu::ErrorFilter::Validation);
        // Any error is an earlier call's, already reported as the device's fault.
        let _ = scope.pop().await;
    }

    /// Builds every kernel's pipeline (a network builds only those it runs), each in an error
    /// scope, and names those the adapter's compiler rejects. The tests ask it of every adapter
    /// they run on: the browser's compiler (Tint) rejects what naga natively accepts, such as a
    /// barrier it finds in non-uniform control flow.
    pub async fn check_kernels(&self) -> Result<(), EngineError> {
        let mut failed = Vec::new();
        for (i, kernel) in KERNELS.iter().enumerate() {
            let scope = self
                .gpu
                .device
                .push_error_scope(wgpu::ErrorFilter::Validation);
            self.gpu.pipeline(i);
            if let Some(e) = scope.pop().await {
                failed.push(format!("{}: {e}", kernel.name));
            }
        }
        if let Some(fault) = self.fault() {
            failed.push(fault);
        }
        match failed.is_empty() {
            true => Ok(()),
            false => Err(backend(failed.join("; "))),
        }
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

/// What the kernels' choice needs to know of the adapter. Workgroups a dispatch should have to
/// keep it busy: a CPU adapter (lavapipe natively, a browser's fallback adapter such as
/// SwiftShader) runs one workgroup per thread at a time, and big tiles do the least work per
/// output there; a GPU wants several per multiprocessor (a laptop's 16 to an H100's 132), which
/// the adapter does not tell. Winograd, measured: 2× faster for VGG-16 on lavapipe, 1.5× slower
/// for SqueezeNet 1.1 on Chromium's SwiftShader (`make bench`, `BENCH_GPU_KERNELS`).
fn fit(info: &wgpu::AdapterInfo) -> Fit {
    let software = info.device_type == wgpu::DeviceType::Cpu;
    #[cfg(not(target_arch = "wasm32"))]
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get());
    #[cfg(target_arch = "wasm32")]
    let threads = 4;
    Fit {
        groups: if software { threads } else { 256 },
        winograd: !(software && info.backend == wgpu::Backend::BrowserWebGpu),
        prefetch: !software,
        pool_in: !software,
        chunks: !software,
    }
}

/// The name of pipeline `i` (for the native profile).
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn kernel_name(i: usize) -> &'static str {
    &KERNELS[i].name
}

/// The pipeline of kernel `name`.
pub(super) fn kernel(name: &str) -> usize {
    KERNELS
        .iter()
        .position(|k| k.name == name)
        .expect("a known kernel")
}
