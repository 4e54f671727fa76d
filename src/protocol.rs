//! Messages between the page and its Web Worker. The page never runs a model itself: it sends a
//! request and renders the answer, so the UI thread stays free.

use serde::{Deserialize, Serialize};

/// The most the worker's prepared networks may hold together; beyond it the least recently used
/// are unloaded (the page states this bound).
pub const HELD_NETWORKS_BYTES: u64 = 1 << 30;

/// What the page asks the worker to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerRequest {
    /// Prove the engine works: run a small candle computation and report it.
    SelfCheck,
    /// The training lab (taken beside the queue; the runs go on between other requests):
    /// answered with `Training` updates to the handler that started it, and `TrainedWeights`.
    Train(crate::train::runner::TrainCommand),
    /// Parse a checkpoint (`.safetensors` or `.pth` bytes) for a network of the zoo and keep it.
    LoadWeights { model: String, bytes: Vec<u8> },
    /// Download a checkpoint (an http(s) URL, a same-origin path, or a `blob:` URL of a file the
    /// user picked) with progress reports, keep a copy in the Cache API when `cache` is set,
    /// then load it as `LoadWeights` does. A failure leaves the weights the worker had.
    FetchWeights {
        model: String,
        url: String,
        cache: bool,
        /// How the page names the source in messages ("squeezenet1_1.pth", a URL, …).
        label: String,
    },
    /// Classify an image with `model`: a photo (8-bit pixels as the browser decoded them) or the
    /// pad's ink (one channel), prepared in the worker as the network's kind of input asks
    /// ([`crate::inputs::InputKind`]); the worker keeps the input for `Layers` and gradients.
    /// With `every_layer`, the answer carries every node's output (the digit lab's live maps).
    Classify {
        model: String,
        image: crate::imagenet::Image8,
        tag: u64,
        every_layer: bool,
    },
    /// Some layers' outputs for the last input of that model (computed in one run, then kept);
    /// answered with one `LayerValues` per node.
    Layers {
        model: String,
        nodes: Vec<usize>,
        tag: u64,
    },
    /// The gradient of one unit of a node's output with respect to the input of the last run of
    /// that model (a photo's `Classify` or a digit's `Run`): its effective receptive field.
    InputGradient {
        model: String,
        node: usize,
        channel: usize,
        y: usize,
        x: usize,
        tag: u64,
    },
    /// The L2 norm of some nodes' outputs from the last `Classify` of that model.
    LayerNorms {
        model: String,
        nodes: Vec<usize>,
        tag: u64,
    },
    /// Time a loaded network's forward pass on the splitmix-v1 input: `warmup` runs, then `runs`
    /// timed ones (the benchmark, `make bench`).
    Bench {
        model: String,
        warmup: usize,
        runs: usize,
    },
    /// Run the gradient-flow experiment (plain vs residual network at initialisation).
    GradientFlow {
        config: crate::concepts::gradient_flow::FlowConfig,
    },
    /// Choose the engine: `Auto` takes WebGPU on a hardware adapter and the CPU engine otherwise
    /// (a software adapter is slower than the CPU engine), `WebGpu` takes any adapter. Answered
    /// with `Engine` when the choice has taken effect.
    SetBackend { choice: BackendChoice },
    /// Destroy the WebGPU device, as a driver reset or a lost GPU would (for the end-to-end test
    /// of the fallback); the next run falls back to the CPU engine.
    LoseGpuDevice,
    /// What the network looks at in the last photo classified with `model`, by occlusion (Zeiler
    /// & Fergus 2014): a grey square of `patch` pixels every `stride` pixels, the drop of the
    /// top class's probability at each place. Progress comes as `OcclusionProgress`; a
    /// `CancelOcclusion` stops it.
    Occlusion {
        model: String,
        patch: usize,
        stride: usize,
        tag: u64,
    },
    /// Stops the occlusion map being computed (taken at once, not queued behind it).
    CancelOcclusion,
    /// The gradient saliency of the last photo classified with `model` (Simonyan et al. 2014):
    /// |∂ top-class score / ∂pixel|, the largest over the colour channels.
    Saliency { model: String, tag: u64 },
    /// Classify the last photo (whichever network classified it) with `model`, cropped to
    /// `model`'s own input size and normalised as it wants: the compare view's top-5s on one photo.
    ClassifyLastCrop { model: String, tag: u64 },
    /// Stop the download of `model`'s checkpoint (taken at once, not queued); answered by the
    /// download's `Failed` with a cancel message.
    CancelDownload { model: String },
    /// Open an ONNX file (a `blob:` URL of a file the user picked or dropped, or an address):
    /// read it into a description, prepare it and hold it under the file's name; answered with
    /// `Opened`, or `Failed` with what is wrong (the networks held before stay).
    OpenOnnx { url: String, label: String },
    /// The mean and standard deviation a photo is normalised with for `model` (an imported
    /// network's, which the file does not say); answered with `Normalised`.
    SetNormalisation {
        model: String,
        mean: [f32; 3],
        std: [f32; 3],
    },
    /// Whether the worker holds `model`: answered with `Loaded` as when it was loaded, with
    /// `Unloaded` if it was unloaded to stay within the memory bound, or with `NotHeld`.
    IsHeld { model: String },
    /// Kill the worker as a bug would (the end-to-end test of the page surviving its worker,
    /// `window.atlasCrashWorker` under `?bench`): a panic, or a failed allocation. Never answered.
    Crash { kind: CrashKind },
}

/// How [`WorkerRequest::Crash`] kills the worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CrashKind {
    /// A Rust panic: in wasm, a trap.
    Panic,
    /// An allocation the memory cannot give: Rust's allocation-failure path, an abort.
    OutOfMemory,
}

/// Every node's output of one run (batch dimension left out), in the description's node order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeOutputs {
    pub shapes: Vec<Vec<usize>>,
    pub values: Vec<Vec<f32>>,
}

/// The worker's memory, as it tells the page: what its held networks take (the figure the bound
/// counts) and the size of its WebAssembly memory (which grows to the peak and never shrinks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerMemory {
    pub held: u64,
    pub wasm: u64,
}

/// What the worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerResponse {
    /// The engine ran its self-check.
    Ready(crate::engine_check::EngineCheck),
    /// A checkpoint was loaded and checked against the network's description.
    Loaded {
        model: String,
        tensors: usize,
        params: u64,
        /// Where it came from (file name, URL): the label the request gave.
        source: String,
        /// Whether the bytes came from the copy kept in this browser's Cache API.
        from_cache: bool,
        /// The worker's memory after loading.
        memory: WorkerMemory,
        /// The engine that runs it now.
        engine: EngineKind,
        /// Networks unloaded to stay under [`HELD_NETWORKS_BYTES`].
        evicted: Vec<String>,
        /// The address it was downloaded from (empty for bytes the page sent).
        url: String,
        /// Why the copy for the next visit was not kept (a full disk), if it was not.
        not_kept: Option<crate::i18n::Msg>,
    },
    /// Bytes of a checkpoint download so far (`total` when the server said).
    Progress {
        model: String,
        loaded: u64,
        total: Option<u64>,
    },
    /// A photo was classified.
    Classified(Classification),
    /// One layer's output (batch dimension left out).
    LayerValues {
        model: String,
        node: usize,
        tag: u64,
        shape: Vec<usize>,
        values: Vec<f32>,
    },
    /// The answer to `InputGradient`.
    InputGradient(InputGradient),
    /// The answer to `LayerNorms`: (node, ‖output‖₂) in the order asked.
    Norms {
        model: String,
        tag: u64,
        norms: Vec<(usize, f64)>,
    },
    /// The answer to `Bench`.
    Bench(BenchResult),
    /// The answer to `GradientFlow`, with the worker's time for it.
    GradientFlow {
        flow: crate::concepts::gradient_flow::Flow,
        millis: f64,
    },
    /// The answer to `ClassifyLastCrop`: the five most probable classes (index, probability).
    Top5 {
        model: String,
        tag: u64,
        top5: Vec<(usize, f32)>,
        engine: EngineKind,
    },
    /// Places of the occlusion square done so far.
    OcclusionProgress { tag: u64, done: usize, total: usize },
    /// The answer to `Occlusion`.
    Occlusion {
        model: String,
        tag: u64,
        map: crate::concepts::occlusion::OcclusionMap,
        millis: f64,
        /// The engine of the first forward pass (the whole photo's).
        engine: EngineKind,
        /// Where the engine changed (the GPU failed part way): after this many forward passes,
        /// the rest ran on this engine.
        switched: Option<(usize, EngineKind)>,
    },
    /// The occlusion map was stopped by `CancelOcclusion` after `done` places.
    OcclusionCancelled { tag: u64, done: usize, total: usize },
    /// The answer to `Saliency`: `side × side` values, row-major, for `class`.
    Saliency {
        model: String,
        tag: u64,
        class: usize,
        heat: Vec<f32>,
        side: usize,
        millis: f64,
    },
    /// The engine the worker runs networks on now, sent to the page's status line after the
    /// self-check, after a change of backend, and whenever a run used another engine than the
    /// last one (a lost GPU device).
    Engine(EngineStatus),
    /// Something went wrong; the message is shown to the reader, in the page's language. A
    /// failure of `ClassifyLastCrop` carries the network's id as its `model` argument.
    Failed(crate::i18n::Msg),
    /// A network the page had loaded is no longer held, and why (a new worker that could not
    /// load it again; kept within the memory bound). Sent to the handler that loaded it.
    Unloaded {
        model: String,
        why: crate::i18n::Msg,
        /// How to load it again with one click, where it can be (the Cache API's copy).
        again: Option<Reload>,
    },
    /// The answer to `IsHeld` for a network the worker never loaded.
    NotHeld { model: String },
    /// An ONNX file opened: its description (identifier and label the file's name), held by the
    /// worker on the engine in use.
    Opened {
        net: Box<crate::zoo::Network>,
        softmax_dropped: bool,
        engine: EngineKind,
        memory: WorkerMemory,
    },
    /// The normalisation of `model` was set.
    Normalised { model: String },
    /// Where the training lab stands (after every slice of training that changed it).
    Training(Box<crate::train::runner::TrainUpdate>),
    /// The lab's first run's weights, as `.safetensors` bytes: for the pad (`model`: the zoo's
    /// network they fit, if any) or to download.
    TrainedWeights(Box<TrainedWeights>),
}

/// Weights the training lab gives the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainedWeights {
    pub purpose: crate::train::runner::ExportPurpose,
    /// The zoo's network they fit (`lenet5`, `lenet5_modern`), if the run trained one.
    pub model: Option<String>,
    /// The trained network's identifier (the file's name).
    pub id: String,
    pub bytes: Vec<u8>,
    /// Digits trained on, and the test accuracy at the last measurement.
    pub examples: usize,
    pub accuracy: Option<f32>,
}

/// A download that can be asked again: the address, the page's name for it, whether it is kept
/// in the Cache API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reload {
    pub url: String,
    pub label: String,
    pub cache: bool,
}

/// Which engine the reader asked for (`backend-toggle`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum BackendChoice {
    #[default]
    Auto,
    WebGpu,
    Cpu,
}

impl BackendChoice {
    pub const ALL: [BackendChoice; 3] = [
        BackendChoice::Auto,
        BackendChoice::WebGpu,
        BackendChoice::Cpu,
    ];

    /// The toggle's value (`auto`, `webgpu`, `cpu`), also kept in the browser's storage.
    pub fn key(self) -> &'static str {
        match self {
            BackendChoice::Auto => "auto",
            BackendChoice::WebGpu => "webgpu",
            BackendChoice::Cpu => "cpu",
        }
    }

    pub fn from_key(key: &str) -> Option<BackendChoice> {
        BackendChoice::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// Which engine ran something: the packed CPU engine (wasm SIMD) or the WebGPU engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EngineKind {
    #[default]
    Cpu,
    WebGpu,
}

impl EngineKind {
    /// `cpu` or `webgpu` (the status line's `data-engine`).
    pub fn key(self) -> &'static str {
        match self {
            EngineKind::Cpu => "cpu",
            EngineKind::WebGpu => "webgpu",
        }
    }
}

/// The engine the worker uses, as the status line shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineStatus {
    /// What the reader chose.
    pub choice: BackendChoice,
    /// The engine the last forward pass ran on (or the next will, before any).
    pub kind: EngineKind,
    /// The WebGPU adapter the worker found (vendor, architecture), empty without one.
    pub adapter: String,
    /// Whether that adapter is a software one (`isFallbackAdapter`).
    pub fallback: bool,
    /// Why this engine: the adapter is software, the browser has no WebGPU, the device was lost…
    pub note: crate::i18n::Msg,
}

/// The answer to `Classify`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub model: String,
    pub tag: u64,
    /// What the network was given (the photo's crop, the prepared digit, or a blank pad).
    pub seen: crate::inputs::Seen,
    /// (index, probability): a photo's five most probable classes, most probable first; a
    /// digit's ten in order. Empty for a blank pad.
    pub probs: Vec<(usize, f32)>,
    /// Every node's output, when the request asked for them.
    pub layers: Option<NodeOutputs>,
    /// Milliseconds of preprocessing and of the forward pass.
    pub preprocess_ms: f64,
    pub forward_ms: f64,
    /// The worker's memory after the run.
    pub memory: WorkerMemory,
    /// Networks unloaded to stay under [`HELD_NETWORKS_BYTES`] after this run (its buffers and
    /// kept outputs count too).
    pub evicted: Vec<String>,
    /// The engine that ran it.
    pub engine: EngineKind,
}

/// The answer to `InputGradient`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputGradient {
    pub model: String,
    pub tag: u64,
    pub node: usize,
    pub channel: usize,
    pub y: usize,
    pub x: usize,
    /// The unit's value.
    pub value: f32,
    /// |∂unit/∂input| summed over the input's channels, `height × width`, row-major.
    pub heat: Vec<f32>,
    pub height: usize,
    pub width: usize,
    pub millis: f64,
}

/// The answer to `Bench`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchResult {
    pub model: String,
    pub engine: String,
    /// Milliseconds of each timed forward pass.
    pub times_ms: Vec<f64>,
    /// The worker's WebAssembly memory afterwards (it never shrinks: the peak), in bytes.
    pub memory_bytes: u64,
    /// The sum of the output values, to check that both runtimes computed the same thing.
    pub output_sum: f64,
}
