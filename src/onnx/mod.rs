//! Your own network: an ONNX file (`torch.onnx.export`'s, or any exporter's) read into a
//! description of the zoo's kind ([`crate::zoo::Network`]) and its weights, so that everything
//! the page derives from a description — the table, the receptive fields, the diagram, the
//! forward pass on either engine, the feature maps — follows for it as for a built-in network.
//! The protobuf is decoded by `prost` ([`proto`]), once [`wire`] has measured what that would
//! allocate; [`convert`] maps the graph's operators onto the
//! description's, folding the shape arithmetic exporters leave ([`fold`]); anything else is a
//! clear error naming the node, never a panic (the file is the user's, untrusted).

pub mod convert;
pub mod fold;
pub mod names;
pub mod proto;
pub mod tensor;
pub mod wire;

use crate::engine::Weights;
use crate::i18n::{Arg, Msg};
use crate::zoo::Network;

/// The default-domain opsets we read (Clip's and Dropout's inputs, Squeeze's axes as inputs and
/// as attributes are all handled in this range).
pub const OPSETS: std::ops::RangeInclusive<i64> = 7..=22;

/// The operators a network may use (shape arithmetic on constants is folded away, see
/// [`fold::FOLDED`]).
pub const SUPPORTED: &[&str] = &[
    "Conv",
    "BatchNormalization",
    "Relu",
    "LeakyRelu",
    "Clip",
    "Sigmoid",
    "Tanh",
    "MaxPool",
    "AveragePool",
    "GlobalAveragePool",
    "GlobalMaxPool",
    "Gemm",
    "MatMul",
    "Add",
    "Sum",
    "Flatten",
    "Reshape",
    "Concat",
    "LRN",
    "Dropout",
    "Identity",
    "Softmax",
];

/// The most a file's decoded messages may take (VGG-19's file, the zoo's largest, takes 548 MiB).
pub const MAX_DECODED_BYTES: u64 = 1 << 30;

/// Why a file could not be opened, as the page says it (a catalogue message).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportError(pub Msg);

impl ImportError {
    pub fn new(key: &str) -> ImportError {
        ImportError(Msg::new(key))
    }

    pub fn arg(self, name: &str, value: impl Into<Arg>) -> ImportError {
        ImportError(self.0.arg(name, value))
    }

    /// A tensor that cannot be read: its name and what is wrong (technical words).
    pub fn tensor(name: &str, detail: String) -> ImportError {
        ImportError::new("onnx-error-tensor")
            .arg("name", name)
            .arg("detail", detail)
    }

    /// A node that cannot be mapped: its name, operator and what is wrong.
    pub fn node(node: &str, op: &str, detail: String) -> ImportError {
        ImportError::new("onnx-error-node")
            .arg("node", node)
            .arg("op", op)
            .arg("detail", detail)
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.en())
    }
}

impl std::error::Error for ImportError {}

/// An opened file: the description (its identifier and label the file's name) and its weights
/// under the keys the description's checkpoint has.
#[derive(Clone, Debug)]
pub struct Imported {
    pub net: Network,
    pub weights: Weights,
    /// The file ended in a softmax, which the description leaves out: the page's top-5 applies
    /// one (the output is then the logits).
    pub softmax_dropped: bool,
}

/// Reads `bytes` (a `.onnx` file named `file`) into a description and weights.
pub fn import(bytes: &[u8], file: &str) -> Result<Imported, ImportError> {
    use prost::Message;
    // Measured before decoding: a file of empty messages would make decoding allocate tens of
    // times its size.
    let decoded = wire::decoded_bytes(bytes);
    if decoded > MAX_DECODED_BYTES {
        return Err(ImportError::new("onnx-error-decoded-too-large")
            .arg("file", file)
            .arg("mib", decoded >> 20)
            .arg("file-mib", bytes.len() >> 20));
    }
    let model = proto::ModelProto::decode(bytes).map_err(|e| {
        ImportError::new("onnx-error-decode")
            .arg("file", file)
            .arg("detail", e.to_string())
    })?;
    let Some(graph) = model.graph.as_ref().filter(|g| !g.node.is_empty()) else {
        return Err(ImportError::new("onnx-error-no-graph").arg("file", file));
    };
    let opset = model
        .opset_import
        .iter()
        .find(|o| o.domain.is_empty() || o.domain == "ai.onnx")
        .map(|o| o.version)
        .unwrap_or(1);
    if !OPSETS.contains(&opset) {
        return Err(ImportError::new("onnx-error-opset")
            .arg("file", file)
            .arg("opset", opset)
            .arg("min", *OPSETS.start())
            .arg("max", *OPSETS.end()));
    }
    let producer = format!("{} {}", model.producer_name, model.producer_version)
        .trim()
        .to_string();
    convert::convert(graph, file, opset, &producer)
}

/// Reads a file from disk (the command line's `atlas summary FILE.onnx`).
#[cfg(not(target_arch = "wasm32"))]
pub fn import_path(path: &std::path::Path) -> Result<Imported, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    import(&bytes, &file).map_err(|e| e.to_string())
}
