//! Reading and writing checkpoints in the `.safetensors` format: f32, f16 or bf16 tensors, all
//! turned into f32 [`Weights`]; a truncated or foreign file gets a message that says so.

use candle_core::{DType, Device};

use super::{EngineError, Weights};

/// Parses a `.safetensors` file's bytes.
pub fn from_bytes(bytes: &[u8]) -> Result<Weights, EngineError> {
    if bytes.is_empty() {
        return Err(EngineError::Checkpoint("the weights file is empty".into()));
    }
    if bytes.len() < 8 {
        return Err(EngineError::Checkpoint(
            "the weights file is too short to be a .safetensors file".into(),
        ));
    }
    let header_len = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
    if header_len > 100_000_000 || bytes.get(8).is_none_or(|&b| b != b'{') {
        return Err(EngineError::Checkpoint(
            "this is not a .safetensors file (its header is not JSON)".into(),
        ));
    }
    if 8 + header_len > bytes.len() {
        return Err(EngineError::Checkpoint(format!(
            "the .safetensors file is truncated: its header alone needs {} bytes, the file has {}",
            8 + header_len,
            bytes.len()
        )));
    }
    let tensors = candle_core::safetensors::load_buffer(bytes, &Device::Cpu).map_err(|e| {
        EngineError::Checkpoint(format!(
            "the .safetensors file is damaged or truncated ({e})"
        ))
    })?;
    let mut w = Weights::default();
    for (key, t) in tensors {
        let shape = t.dims().to_vec();
        let values = match t.dtype() {
            DType::F32 | DType::F16 | DType::BF16 | DType::F64 => {
                t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?
            }
            DType::I64 | DType::U32 | DType::U8 => {
                t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?
            }
            other => {
                return Err(EngineError::Checkpoint(format!(
                    "tensor '{key}' has an unsupported type {other:?}"
                )));
            }
        };
        w.insert(key, shape, values);
    }
    Ok(w)
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
