//! Reading and writing checkpoints in the `.safetensors` format: f32, f16, bf16 (and f64, i64,
//! i32, u8) tensors, all turned into f32 [`Weights`]. The bytes are untrusted: every size and
//! offset is checked arithmetic, the data offsets must tile the data section exactly (in order,
//! no gap, no overlap, each tensor's extent its shape × its type, as the format requires), and
//! with an [`Expected`] network every tensor's name and shape is checked against the description
//! before anything is allocated. A truncated, foreign or damaged file gets a message that says so.

use std::collections::BTreeMap;

#[cfg(not(target_arch = "wasm32"))]
use candle_core::{DType, Device};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::dtype::{elements, Dtype};
use super::expected::{shape_text, Expected, Plan};
#[cfg(not(target_arch = "wasm32"))]
use crate::engine::EngineError;
use crate::engine::{weights::CheckpointError, Weights};
use crate::i18n::Msg;

fn bad(key: &str) -> CheckpointError {
    CheckpointError(Msg::new(key))
}

/// The format's own bound on the header (100 MB).
const MAX_HEADER: u64 = 100_000_000;
/// The bound when the network is known: room for its metadata, and a kilobyte per tensor it has
/// (a real entry takes about a hundred bytes).
const HEADER_METADATA: u64 = 64 << 10;
const HEADER_PER_TENSOR: u64 = 1 << 10;
/// No checkpoint tensor has more dimensions than this.
const MAX_RANK: usize = 16;
/// Values reserved at once for a tensor of a network not known in advance (it grows as its
/// bytes arrive, so that memory follows the bytes actually received).
const UNKNOWN_RESERVE: usize = 1 << 16;

/// Parses a `.safetensors` file's bytes (for any network: memory follows the file's size).
pub fn from_bytes(bytes: &[u8]) -> Result<Weights, CheckpointError> {
    read(bytes, None)
}

/// Parses a `.safetensors` file's bytes, for the `expected` network when given.
pub fn read(bytes: &[u8], expected: Option<Expected>) -> Result<Weights, CheckpointError> {
    let mut p = StreamParser::new(expected);
    p.feed(bytes)?;
    p.finish()
}

/// One tensor of the file: where its bytes lie and how to read them.
#[derive(Clone, Debug)]
struct Entry {
    key: String,
    shape: Vec<usize>,
    /// Values in the tensor.
    count: usize,
    dtype: Dtype,
    /// Keep it (under which key) or read past it.
    plan: Plan,
    /// Byte range within the data section.
    start: u64,
    end: u64,
}

/// One entry of the JSON header as the format writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderEntry {
    dtype: String,
    shape: Vec<u64>,
    data_offsets: [u64; 2],
}

/// Reads a `.safetensors` file as its bytes arrive, turning each tensor's values into f32 as
/// they come: the whole file is never held at once (a download is parsed chunk by chunk, so a
/// 528 MB checkpoint costs its f32 weights and no copy of the file beside them).
pub struct StreamParser {
    expected: Option<Expected>,
    /// Bytes seen so far (file offset).
    seen: u64,
    /// Whether the header has been read.
    ready: bool,
    /// The header's bytes until it is complete.
    head: Vec<u8>,
    header_len: Option<u64>,
    /// Tensors in the order of their data, once the header is read.
    entries: Vec<Entry>,
    /// The tensor being filled and its values so far.
    current: usize,
    values: Vec<f32>,
    /// Bytes of a value split between two chunks.
    carry: Vec<u8>,
    weights: Weights,
}

impl Default for StreamParser {
    fn default() -> Self {
        StreamParser::new(None)
    }
}

impl StreamParser {
    /// A parser for the `expected` network's checkpoint (any network's when None).
    pub fn new(expected: Option<Expected>) -> StreamParser {
        StreamParser {
            expected,
            seen: 0,
            ready: false,
            head: Vec::new(),
            header_len: None,
            entries: Vec::new(),
            current: 0,
            values: Vec::new(),
            carry: Vec::new(),
            weights: Weights::default(),
        }
    }

    fn data_start(&self) -> u64 {
        8 + self.header_len.unwrap_or(0)
    }

    /// One entry of the header, checked: its type known, its shape's size and its byte range
    /// computed without overflow and matching each other.
    fn entry(key: &str, raw: &RawValue) -> Result<Entry, CheckpointError> {
        let bad = |problem: Msg| {
            CheckpointError(
                Msg::new("errors-safetensors-tensor")
                    .arg("tensor", key)
                    .arg("problem", problem),
            )
        };
        let h: HeaderEntry = serde_json::from_str(raw.get())
            .map_err(|e| bad(Msg::new("errors-safetensors-entry").arg("detail", e.to_string())))?;
        let dtype = Dtype::from_safetensors(&h.dtype)
            .ok_or_else(|| bad(Msg::new("errors-safetensors-dtype").arg("dtype", &h.dtype)))?;
        if h.shape.len() > MAX_RANK {
            return Err(bad(
                Msg::new("errors-safetensors-rank").arg("rank", h.shape.len().to_string())
            ));
        }
        let too_big = || {
            let dims: Vec<String> = h.shape.iter().map(u64::to_string).collect();
            bad(Msg::new("errors-safetensors-too-big")
                .arg("shape", format!("[{}]", dims.join(", "))))
        };
        // (A dimension beyond this machine's address space is too big too: 2^33 on wasm32.)
        let shape: Vec<usize> = h
            .shape
            .iter()
            .map(|&d| usize::try_from(d).ok())
            .collect::<Option<_>>()
            .ok_or_else(too_big)?;
        let count = elements(&shape).ok_or_else(too_big)?;
        let bytes = (count as u64)
            .checked_mul(dtype.size() as u64)
            .ok_or_else(too_big)?;
        let [start, end] = h.data_offsets;
        if end < start || end - start != bytes {
            return Err(bad(Msg::new("errors-safetensors-size")
                .arg("bytes", end.saturating_sub(start).to_string())
                .arg("shape", shape_text(&shape))));
        }
        let plan = Plan::Keep {
            key: key.to_string(),
            shape: shape.clone(),
        };
        Ok(Entry {
            key: key.to_string(),
            shape,
            count,
            dtype,
            plan,
            start,
            end,
        })
    }

    fn read_header(&mut self) -> Result<(), CheckpointError> {
        let text = std::str::from_utf8(&self.head[8..]).map_err(|e| {
            CheckpointError(Msg::new("errors-safetensors-header-json").arg("detail", e.to_string()))
        })?;
        let map: BTreeMap<String, &RawValue> = serde_json::from_str(text).map_err(|e| {
            CheckpointError(Msg::new("errors-safetensors-header-json").arg("detail", e.to_string()))
        })?;
        let mut entries = Vec::with_capacity(map.len());
        for (key, raw) in &map {
            if key != "__metadata__" {
                entries.push(Self::entry(key, raw)?);
            }
        }
        drop(map);
        // The data offsets tile the data section: in order, from 0, no gap, no overlap.
        entries.sort_by_key(|e| (e.start, e.end));
        let mut at = 0u64;
        for e in &entries {
            if e.start != at {
                let problem = if e.start < at {
                    Msg::new("errors-safetensors-overlap").arg("at", at.to_string())
                } else {
                    Msg::new("errors-safetensors-gap").arg("at", at.to_string())
                };
                return Err(CheckpointError(
                    Msg::new("errors-safetensors-tensor")
                        .arg("tensor", &e.key)
                        .arg("problem", problem),
                ));
            }
            at = e.end;
        }
        if let Some(expected) = &self.expected {
            let plans = expected.plan(entries.iter().map(|e| (e.key.as_str(), &e.shape[..])))?;
            for (e, plan) in entries.iter_mut().zip(plans) {
                e.plan = plan;
            }
        }
        self.entries = entries;
        self.head = Vec::new();
        self.begin_current();
        Ok(())
    }

    /// Gets ready for the next tensor; tensors with no bytes are complete at once.
    fn begin_current(&mut self) {
        while let Some(e) = self.entries.get(self.current) {
            if e.count > 0 {
                let reserve = match (&e.plan, &self.expected) {
                    (Plan::Skip, _) => 0,
                    // The shape was checked against the network: this is what it needs.
                    (Plan::Keep { .. }, Some(_)) => e.count,
                    (Plan::Keep { .. }, None) => e.count.min(UNKNOWN_RESERVE),
                };
                self.values = Vec::with_capacity(reserve);
                return;
            }
            self.complete();
        }
    }

    /// The current tensor has all its bytes: keep it (or not) and move on.
    fn complete(&mut self) {
        let e = &self.entries[self.current];
        let values = std::mem::take(&mut self.values);
        if let Plan::Keep { key, shape } = &e.plan {
            self.weights.insert(key.clone(), shape.clone(), values);
        }
        self.current += 1;
    }

    /// Takes the next bytes of the file.
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), CheckpointError> {
        while !self.ready && !chunk.is_empty() {
            let want = self.header_len.map_or(8, |l| 8 + l);
            let n = (want - self.head.len() as u64).min(chunk.len() as u64) as usize;
            self.head.extend_from_slice(&chunk[..n]);
            self.seen += n as u64;
            chunk = &chunk[n..];
            if (self.head.len() as u64) < want {
                continue;
            }
            match self.header_len {
                None => {
                    let mut len = [0u8; 8];
                    len.copy_from_slice(&self.head[..8]);
                    let len = u64::from_le_bytes(len);
                    let most = self.expected.as_ref().map_or(MAX_HEADER, |e| {
                        HEADER_METADATA + HEADER_PER_TENSOR * e.tensors() as u64
                    });
                    if !(2..=MAX_HEADER).contains(&len) {
                        return Err(bad("errors-safetensors-not"));
                    }
                    if len > most {
                        let network = self.expected.as_ref().map_or("", |e| e.network());
                        return Err(CheckpointError(
                            Msg::new("errors-safetensors-header-too-long")
                                .arg("size", len.to_string())
                                .arg("network", network),
                        ));
                    }
                    self.header_len = Some(len);
                    self.head.reserve_exact(len as usize);
                }
                Some(_) => {
                    if self.head.get(8) != Some(&b'{') {
                        return Err(bad("errors-safetensors-not"));
                    }
                    self.read_header()?;
                    self.ready = true;
                }
            }
        }
        let start = self.data_start();
        while !chunk.is_empty() {
            let Some(e) = self.entries.get(self.current) else {
                let end = self.entries.last().map_or(0, |e| e.end);
                return Err(CheckpointError(
                    Msg::new("errors-safetensors-trailing").arg("size", (start + end).to_string()),
                ));
            };
            let at = self.seen - start;
            let take = (e.end - at).min(chunk.len() as u64) as usize;
            let (mine, rest) = chunk.split_at(take);
            if e.plan != Plan::Skip {
                let size = e.dtype.size();
                let mut bytes = mine;
                if !self.carry.is_empty() {
                    let need = (size - self.carry.len()).min(bytes.len());
                    self.carry.extend_from_slice(&bytes[..need]);
                    bytes = &bytes[need..];
                    if self.carry.len() == size {
                        self.values.push(e.dtype.value(&self.carry));
                        self.carry.clear();
                    }
                }
                let whole = bytes.len() / size * size;
                let dtype = e.dtype;
                self.values
                    .extend(bytes[..whole].chunks_exact(size).map(|b| dtype.value(b)));
                self.carry.extend_from_slice(&bytes[whole..]);
            }
            self.seen += take as u64;
            chunk = rest;
            if self.seen - start == e.end {
                self.complete();
                self.begin_current();
            }
        }
        Ok(())
    }

    /// The weights, once every tensor has arrived.
    pub fn finish(self) -> Result<Weights, CheckpointError> {
        if self.seen == 0 {
            return Err(bad("errors-checkpoint-empty"));
        }
        if !self.ready {
            if self.seen < 8 {
                return Err(bad("errors-safetensors-too-short"));
            }
            return Err(CheckpointError(
                Msg::new("errors-safetensors-truncated-header")
                    .arg("needed", self.data_start().to_string())
                    .arg("size", self.seen.to_string()),
            ));
        }
        if let Some(e) = self.entries.get(self.current) {
            return Err(CheckpointError(
                Msg::new("errors-safetensors-truncated")
                    .arg("size", self.seen.to_string())
                    .arg("tensor", &e.key)
                    .arg("needed", (self.data_start() + e.end).to_string()),
            ));
        }
        Ok(self.weights)
    }
}

/// One f32 tensor as the safetensors crate writes it (little-endian bytes).
struct F32View<'a>(&'a super::super::weights::NamedTensor);

impl safetensors::View for F32View<'_> {
    fn dtype(&self) -> safetensors::Dtype {
        safetensors::Dtype::F32
    }
    fn shape(&self) -> &[usize] {
        &self.0.shape
    }
    fn data(&self) -> std::borrow::Cow<'_, [u8]> {
        self.0.values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }
    fn data_len(&self) -> usize {
        self.0.values.len() * 4
    }
}

/// f32 weights as the bytes of a `.safetensors` file, with `metadata` in its header (the page's
/// download of weights it trained).
pub fn to_bytes(
    weights: &Weights,
    metadata: Option<std::collections::HashMap<String, String>>,
) -> Result<Vec<u8>, crate::engine::EngineError> {
    safetensors::serialize(
        weights
            .tensors
            .iter()
            .map(|(k, t)| (k.as_str(), F32View(t))),
        metadata,
    )
    .map_err(|e| crate::engine::EngineError::Backend(format!("cannot write .safetensors: {e}")))
}

/// Writes f32 weights as a `.safetensors` file.
#[cfg(not(target_arch = "wasm32"))]
pub fn save(weights: &Weights, path: &std::path::Path) -> Result<(), EngineError> {
    save_as(weights, path, DType::F32)
}

/// Writes weights as a `.safetensors` file of `dtype` (f32, f16 or bf16).
#[cfg(not(target_arch = "wasm32"))]
pub fn save_as(weights: &Weights, path: &std::path::Path, dtype: DType) -> Result<(), EngineError> {
    let mut map = std::collections::BTreeMap::new();
    for (k, t) in &weights.tensors {
        map.insert(
            k.clone(),
            candle_core::Tensor::from_slice(&t.values, t.shape.as_slice(), &Device::Cpu)?
                .to_dtype(dtype)?,
        );
    }
    let map: std::collections::HashMap<String, candle_core::Tensor> = map.into_iter().collect();
    candle_core::safetensors::save(&map, path)
        .map_err(|e| EngineError::Backend(format!("cannot write {}: {e}", path.display())))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn file(dtype: DType) -> Vec<u8> {
        let mut w = Weights::default();
        w.insert(
            "a.weight",
            vec![3, 5],
            (0..15).map(|i| i as f32 * 0.25 - 1.0).collect(),
        );
        w.insert("b", vec![7], (0..7).map(|i| i as f32).collect());
        w.insert("c.bias", vec![], vec![2.5]);
        let dir = std::env::temp_dir().join(format!("atlas-st-{}-{dtype:?}", std::process::id()));
        save_as(&w, &dir, dtype).unwrap();
        let bytes = std::fs::read(&dir).unwrap();
        std::fs::remove_file(&dir).unwrap();
        bytes
    }

    #[test]
    fn any_chunking_gives_the_same_weights() {
        for dtype in [DType::F32, DType::F16, DType::BF16] {
            let bytes = file(dtype);
            let whole = from_bytes(&bytes).unwrap();
            assert_eq!(whole.get("a.weight").unwrap().values[2], -0.5);
            assert_eq!(whole.get("c.bias").unwrap().values, vec![2.5]);
            for size in [1, 2, 3, 7, 64, 1000] {
                let mut p = StreamParser::default();
                for c in bytes.chunks(size) {
                    p.feed(c).unwrap();
                }
                assert_eq!(p.finish().unwrap(), whole, "{dtype:?} in chunks of {size}");
            }
        }
    }

    #[test]
    fn truncated_and_foreign_files_are_named() {
        let bytes = file(DType::F32);
        let cut = from_bytes(&bytes[..bytes.len() - 3])
            .unwrap_err()
            .to_string();
        assert!(cut.contains("truncated"), "{cut}");
        let head = from_bytes(&bytes[..20]).unwrap_err().to_string();
        assert!(head.contains("header alone needs"), "{head}");
        assert!(from_bytes(b"hello world, not weights")
            .unwrap_err()
            .to_string()
            .contains("not a .safetensors file"));
        assert!(from_bytes(b"").unwrap_err().to_string().contains("empty"));
    }

    /// A file from a JSON header and its data section.
    fn craft(header: &str, data: &[u8]) -> Vec<u8> {
        let mut f = (header.len() as u64).to_le_bytes().to_vec();
        f.extend_from_slice(header.as_bytes());
        f.extend_from_slice(data);
        f
    }

    /// Headers that used to wrap the size arithmetic (a shape whose product overflows passed the
    /// size check, then `Vec::with_capacity` panicked) or to allocate 2^33 values before any
    /// check: each is now a message.
    #[test]
    fn shapes_that_overflow_or_are_huge_are_refused_before_allocating() {
        let wraps = craft(
            r#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#,
            &[],
        );
        let e = from_bytes(&wraps).unwrap_err().to_string();
        assert!(e.contains("too many values"), "{e}");
        let huge = craft(
            r#"{"c1.weight":{"dtype":"F32","shape":[8589934592],"data_offsets":[0,34359738368]}}"#,
            &[0; 64],
        );
        let net = crate::zoo::build("lenet5").unwrap();
        let e = read(&huge, Some(Expected::new(&net, &[])))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("has shape [8589934592] but LeNet-5 needs [6, 1, 5, 5]"),
            "{e}"
        );
        // Without a network, memory follows the bytes that arrived: the file is merely short.
        let e = from_bytes(&huge).unwrap_err().to_string();
        assert!(e.contains("truncated"), "{e}");
    }

    #[test]
    fn offsets_must_tile_the_data_exactly() {
        let overlap = craft(
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
            &[0; 12],
        );
        let e = from_bytes(&overlap).unwrap_err().to_string();
        assert!(e.contains("tensor 'b'") && e.contains("overlaps"), "{e}");
        let gap = craft(
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
            &[0; 12],
        );
        let e = from_bytes(&gap).unwrap_err().to_string();
        assert!(e.contains("gap"), "{e}");
        let short = craft(
            r#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
            &[0; 8],
        );
        let e = from_bytes(&short).unwrap_err().to_string();
        assert!(e.contains("does not fit its shape [3]"), "{e}");
        let trailing = craft(
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
            &[0; 9],
        );
        let e = from_bytes(&trailing).unwrap_err().to_string();
        assert!(e.contains("after its last tensor"), "{e}");
        let empty_tensor = craft(
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#,
            &[0; 4],
        );
        let w = from_bytes(&empty_tensor).unwrap();
        assert_eq!(w.get("z").unwrap().values.len(), 0);
    }
}
