//! Reading and writing checkpoints in the `.safetensors` format: f32, f16 or bf16 tensors, all
//! turned into f32 [`Weights`]; a truncated or foreign file gets a message that says so.

#[cfg(not(target_arch = "wasm32"))]
use candle_core::{DType, Device};

#[cfg(not(target_arch = "wasm32"))]
use super::EngineError;
use super::{weights::CheckpointError, Weights};
use crate::i18n::Msg;

fn bad(key: &str) -> CheckpointError {
    CheckpointError(Msg::new(key))
}

/// Parses a `.safetensors` file's bytes.
pub fn from_bytes(bytes: &[u8]) -> Result<Weights, CheckpointError> {
    let mut p = StreamParser::default();
    p.feed(bytes)?;
    p.finish()
}

/// One tensor of the file: where its bytes lie and how to read them.
#[derive(Clone, Debug)]
struct Entry {
    key: String,
    shape: Vec<usize>,
    /// Bytes per value and how to turn them into f32.
    dtype: Dtype,
    /// Byte range within the data section.
    start: usize,
    end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dtype {
    F32,
    F16,
    Bf16,
    F64,
    I64,
    U8,
}

impl Dtype {
    fn parse(s: &str) -> Option<Dtype> {
        Some(match s {
            "F32" => Dtype::F32,
            "F16" => Dtype::F16,
            "BF16" => Dtype::Bf16,
            "F64" => Dtype::F64,
            "I64" => Dtype::I64,
            "U8" => Dtype::U8,
            _ => return None,
        })
    }

    fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F16 | Dtype::Bf16 => 2,
            Dtype::F64 | Dtype::I64 => 8,
            Dtype::U8 => 1,
        }
    }

    fn value(self, b: &[u8]) -> f32 {
        match self {
            Dtype::F32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            Dtype::F16 => half::f16::from_le_bytes([b[0], b[1]]).to_f32(),
            Dtype::Bf16 => half::bf16::from_le_bytes([b[0], b[1]]).to_f32(),
            Dtype::F64 => f64::from_le_bytes(b[..8].try_into().expect("8 bytes")) as f32,
            Dtype::I64 => i64::from_le_bytes(b[..8].try_into().expect("8 bytes")) as f32,
            Dtype::U8 => b[0] as f32,
        }
    }
}

/// Reads a `.safetensors` file as its bytes arrive, turning each tensor's values into f32 as
/// they come: the whole file is never held at once (a download is parsed chunk by chunk, so a
/// 528 MB checkpoint costs its f32 weights and no copy of the file beside them).
#[derive(Default)]
pub struct StreamParser {
    /// Bytes seen so far (file offset).
    seen: usize,
    /// Whether the header has been read.
    ready: bool,
    /// The header's bytes until it is complete.
    head: Vec<u8>,
    header_len: Option<usize>,
    /// Tensors in the order of their data, once the header is read.
    entries: Vec<Entry>,
    /// The tensor being filled and its values so far.
    current: usize,
    values: Vec<f32>,
    /// Bytes of a value split between two chunks.
    carry: Vec<u8>,
    weights: Weights,
}

impl StreamParser {
    fn data_start(&self) -> usize {
        8 + self.header_len.unwrap_or(0)
    }

    fn read_header(&mut self) -> Result<(), CheckpointError> {
        let json: serde_json::Value = serde_json::from_slice(&self.head[8..]).map_err(|e| {
            CheckpointError(Msg::new("errors-safetensors-header-json").arg("detail", e.to_string()))
        })?;
        let obj = json
            .as_object()
            .ok_or_else(|| bad("errors-safetensors-header-map"))?;
        for (key, v) in obj {
            if key == "__metadata__" {
                continue;
            }
            let bad = |problem: Msg| {
                CheckpointError(
                    Msg::new("errors-safetensors-tensor")
                        .arg("tensor", key)
                        .arg("problem", problem),
                )
            };
            let dtype_name = v["dtype"]
                .as_str()
                .ok_or_else(|| bad(Msg::new("errors-safetensors-no-dtype")))?;
            let dtype = Dtype::parse(dtype_name).ok_or_else(|| {
                bad(Msg::new("errors-safetensors-dtype").arg("dtype", dtype_name))
            })?;
            let shape: Vec<usize> = v["shape"]
                .as_array()
                .ok_or_else(|| bad(Msg::new("errors-safetensors-no-shape")))?
                .iter()
                .map(|d| d.as_u64().map(|d| d as usize))
                .collect::<Option<_>>()
                .ok_or_else(|| bad(Msg::new("errors-safetensors-bad-shape")))?;
            let offsets = v["data_offsets"]
                .as_array()
                .ok_or_else(|| bad(Msg::new("errors-safetensors-no-offsets")))?;
            let bad_offsets = || bad(Msg::new("errors-safetensors-bad-offsets"));
            let (start, end) = match offsets[..] {
                [ref a, ref b] => (
                    a.as_u64().ok_or_else(bad_offsets)? as usize,
                    b.as_u64().ok_or_else(bad_offsets)? as usize,
                ),
                _ => return Err(bad_offsets()),
            };
            let n: usize = shape.iter().product();
            if end < start || end - start != n * dtype.size() {
                return Err(bad(Msg::new("errors-safetensors-size")
                    .arg("bytes", end.saturating_sub(start).to_string())
                    .arg("shape", format!("{shape:?}"))));
            }
            self.entries.push(Entry {
                key: key.clone(),
                shape,
                dtype,
                start,
                end,
            });
        }
        self.entries.sort_by_key(|e| e.start);
        self.head = Vec::new();
        self.begin_current();
        Ok(())
    }

    fn begin_current(&mut self) {
        if let Some(e) = self.entries.get(self.current) {
            self.values = Vec::with_capacity(e.shape.iter().product());
        }
    }

    /// Takes the next bytes of the file.
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), CheckpointError> {
        while !self.ready && !chunk.is_empty() {
            let want = self.header_len.map_or(8, |l| 8 + l);
            let n = (want - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..n]);
            self.seen += n;
            chunk = &chunk[n..];
            if self.head.len() < want {
                continue;
            }
            match self.header_len {
                None => {
                    let len = u64::from_le_bytes(self.head[..8].try_into().expect("8 bytes"));
                    if len > 100_000_000 {
                        return Err(bad("errors-safetensors-not"));
                    }
                    self.header_len = Some(len as usize);
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
                // Bytes after the last tensor are ignored.
                self.seen += chunk.len();
                return Ok(());
            };
            let at = self.seen - start;
            if at < e.start {
                // Padding between tensors.
                let skip = (e.start - at).min(chunk.len());
                self.seen += skip;
                chunk = &chunk[skip..];
                continue;
            }
            let take = (e.end - at).min(chunk.len());
            let (mine, rest) = chunk.split_at(take);
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
            self.values
                .extend(bytes[..whole].chunks_exact(size).map(|b| e.dtype.value(b)));
            self.carry.extend_from_slice(&bytes[whole..]);
            self.seen += take;
            chunk = rest;
            if self.seen - start == e.end {
                let e = e.clone();
                let values = std::mem::take(&mut self.values);
                self.weights.insert(e.key, e.shape, values);
                self.current += 1;
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
}
