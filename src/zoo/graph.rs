//! The description of a network as data: a directed acyclic graph of layers in execution order.
//! Node names are torchvision's module paths where torchvision has the model (`layer1.0.conv1`),
//! so checkpoint keys follow from them (`layer1.0.conv1.weight`).

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Msg};

/// Index of a node in [`Network::nodes`].
pub type NodeId = usize;

/// A pair of (height, width) hyper-parameters.
pub type Hw = [usize; 2];

/// Which non-linearity an activation node applies.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Activation {
    Relu,
    /// Plain tanh.
    Tanh,
    /// LeCun 1998's squashing function f(a) = A·tanh(S·a) with A = 1.7159, S = 2/3.
    ScaledTanh,
    /// The logistic function 1/(1 + e^−a).
    Sigmoid,
    /// max(a, 0) + α·min(a, 0) (PyTorch's `LeakyReLU`, ONNX `LeakyRelu`).
    LeakyRelu {
        alpha: f32,
    },
    /// min(max(a, lo), hi): ReLU6 is `Clip { min: 0, max: 6 }` (PyTorch's `Hardtanh` family,
    /// ONNX `Clip`).
    Clip {
        min: f32,
        max: f32,
    },
}

/// Max or average pooling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PoolKind {
    Max,
    Avg,
}

/// A convolution's hyper-parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conv {
    pub out_channels: usize,
    pub kernel: Hw,
    pub stride: Hw,
    pub padding: Hw,
    pub dilation: Hw,
    pub groups: usize,
    pub bias: bool,
    /// LeNet-5's C3: `table[o]` lists the input maps output map `o` reads (groups must be 1).
    pub connections: Option<Vec<Vec<usize>>>,
}

/// A pooling layer's hyper-parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pool {
    pub kind: PoolKind,
    pub kernel: Hw,
    pub stride: Hw,
    pub padding: Hw,
    pub ceil_mode: bool,
    /// Average pooling: whether zeros of the padding count in a window's divisor (PyTorch's
    /// default, true; ONNX's default, false). Max pooling ignores it.
    pub count_include_pad: bool,
}

/// What a node computes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Op {
    /// The image: channels × height × width.
    Input {
        channels: usize,
        height: usize,
        width: usize,
    },
    Conv2d(Conv),
    BatchNorm2d {
        eps: f64,
    },
    Act(Activation),
    Pool2d(Pool),
    /// LeCun 1998's trainable sub-sampling: 2×2 sum (stride 2) × a learned coefficient + a learned
    /// bias, per channel (2 parameters per map).
    Subsample {
        kernel: Hw,
        stride: Hw,
    },
    AdaptiveAvgPool2d {
        output: Hw,
    },
    /// Local response normalisation across channels (Krizhevsky 2012).
    Lrn {
        size: usize,
        alpha: f64,
        beta: f64,
        k: f64,
    },
    /// Identity at inference.
    Dropout {
        p: f64,
    },
    Flatten,
    Linear {
        out_features: usize,
        bias: bool,
    },
    /// Channel concatenation of all inputs (Inception, DenseNet, SqueezeNet's fire expand).
    Concat,
    /// Element-wise sum of all inputs (residual connections).
    Add,
    /// Element-wise mean of all inputs (FractalNet's join).
    Mean,
    /// Multiplies by a constant: stochastic depth's residual branch at test time (its survival
    /// probability).
    Scale {
        factor: f64,
    },
    /// Parameter-free shortcut of the CIFAR ResNets (He 2016, option A): keep every `stride`-th
    /// pixel and pad the channels with zeros up to `out_channels`.
    PadShortcut {
        out_channels: usize,
        stride: usize,
    },
    /// The wrapped op applied as a functional call rather than a module in torchvision
    /// (`F.relu` in GoogLeNet's `BasicConv2d`, DenseNet's final `F.relu` and
    /// `F.adaptive_avg_pool2d`): it computes exactly what the wrapped op computes, but is no leaf
    /// of the module tree. See [`Op::base`].
    Functional(Box<Op>),
}

impl Op {
    /// A short type name, as torchvision's module classes spell it where one exists.
    pub fn type_name(&self) -> &'static str {
        match self {
            Op::Input { .. } => "Input",
            Op::Conv2d(c) if c.connections.is_some() => "Conv2d (partial)",
            Op::Conv2d(_) => "Conv2d",
            Op::BatchNorm2d { .. } => "BatchNorm2d",
            Op::Act(Activation::Relu) => "ReLU",
            Op::Act(Activation::Tanh) => "Tanh",
            Op::Act(Activation::ScaledTanh) => "ScaledTanh",
            Op::Act(Activation::Sigmoid) => "Sigmoid",
            Op::Act(Activation::LeakyRelu { .. }) => "LeakyReLU",
            Op::Act(Activation::Clip { min, max }) if *min == 0.0 && *max == 6.0 => "ReLU6",
            Op::Act(Activation::Clip { .. }) => "Hardtanh",
            Op::Pool2d(Pool {
                kind: PoolKind::Max,
                ..
            }) => "MaxPool2d",
            Op::Pool2d(Pool {
                kind: PoolKind::Avg,
                ..
            }) => "AvgPool2d",
            Op::Subsample { .. } => "Subsample",
            Op::AdaptiveAvgPool2d { .. } => "AdaptiveAvgPool2d",
            Op::Lrn { .. } => "LocalResponseNorm",
            Op::Dropout { .. } => "Dropout",
            Op::Flatten => "Flatten",
            Op::Linear { .. } => "Linear",
            Op::Concat => "Concat",
            Op::Add => "Add",
            Op::Mean => "Mean",
            Op::Scale { .. } => "Scale",
            Op::PadShortcut { .. } => "PadShortcut",
            Op::Functional(inner) => inner.type_name(),
        }
    }

    /// The type name as the page shows it in `lang`: [`Op::type_name`], a torchvision class name
    /// in both languages, except LeNet-5's partly connected C3, whose note is words.
    pub fn type_label(&self, lang: Lang) -> String {
        match self.base() {
            Op::Conv2d(c) if c.connections.is_some() => lang.t("zoo-type-conv2d-partial"),
            _ => self.type_name().to_string(),
        }
    }

    /// The op that is computed: the wrapped one for [`Op::Functional`], otherwise itself.
    pub fn base(&self) -> &Op {
        match self {
            Op::Functional(inner) => inner.base(),
            op => op,
        }
    }

    /// Whether torchvision has this as a module (a leaf in its module tree) rather than a
    /// functional call (`torch.cat`, `+`, `torch.flatten`).
    pub fn is_module(&self) -> bool {
        !matches!(
            self,
            Op::Input { .. }
                | Op::Concat
                | Op::Add
                | Op::Mean
                | Op::Scale { .. }
                | Op::PadShortcut { .. }
                | Op::Functional(_)
        ) && !matches!(self, Op::Flatten)
    }

    /// Whether a framework stores a fresh output for this op (false for in-place ReLU and for
    /// dropout, an identity at inference); used for memory per image.
    pub fn stores_output(&self) -> bool {
        !matches!(self.base(), Op::Act(_) | Op::Dropout { .. } | Op::Flatten)
    }
}

/// One layer of a network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Module path (unique except for a module torchvision applies twice, e.g. ResNet's `relu`).
    pub name: String,
    pub op: Op,
    /// The nodes whose outputs this one reads, in order.
    pub inputs: Vec<NodeId>,
    /// The block it belongs to (e.g. `layer1.0`, `inception3a`, `features.3`), for the diagram.
    pub block: String,
}

/// A network: its identity, the paper that defines it, and its layers in execution order
/// (every node's inputs come before it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub id: String,
    pub label: String,
    pub paper: String,
    pub nodes: Vec<Node>,
    /// Remarks shown beside the table (how this variant differs from another, what a figure means),
    /// as catalogue messages: the page shows them in its language, the command line `msg.en()`.
    pub remarks: Vec<Msg>,
    /// Figures the paper itself prints for a layer, shown beside the derived ones (they may
    /// differ: AlexNet's 253,440 first-layer neurons against 55×55×96 = 290,400).
    pub quotes: Vec<Quote>,
}

/// A figure quoted from the paper for one layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The node's name.
    pub layer: String,
    /// What the figure counts, e.g. "neurons" or "parameters".
    pub what: String,
    pub value: u64,
}

impl Quote {
    /// The figure as the page shows it: "253,440 neurons" (the count in `lang`'s words).
    pub fn text(&self, lang: Lang) -> String {
        let n = lang.count(self.value);
        let key = match self.what.as_str() {
            "neurons" => "zoo-quote-neurons",
            "parameters" => "zoo-quote-parameters",
            "connections" => "zoo-quote-connections",
            _ => return format!("{n} {}", self.what),
        };
        lang.tf(key, &[("n", n.into())])
    }
}

impl Network {
    /// The node that produces the network's output (the last one).
    pub fn output(&self) -> NodeId {
        self.nodes.len() - 1
    }

    /// The input image's shape, `[channels, height, width]`: the first node's (None when the
    /// first node is not an input, which no description of the zoo builds).
    pub fn input_shape(&self) -> Option<[usize; 3]> {
        match self.nodes.first()?.op {
            Op::Input {
                channels,
                height,
                width,
            } => Some([channels, height, width]),
            _ => None,
        }
    }
}
