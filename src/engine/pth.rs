//! Reading PyTorch checkpoints (`torch.save` of a state_dict) from bytes, in the browser as well
//! as natively: the zip format torch ≥ 1.6 writes (`archive/data.pkl` + one entry per storage)
//! and the older "legacy" stream format that many of torchvision's published checkpoints still
//! use (five pickles, then the raw storages). Tensors may be f32, f16, bf16 or f64; all become
//! f32 [`Weights`]. The pickle itself is parsed by candle-core's `pickle::Stack`.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use candle_core::pickle::{Object, Stack, TensorInfo};
use candle_core::{DType, Device, Tensor};

use super::weights::CheckpointError;
use super::Weights;
use crate::i18n::Msg;

fn bad(key: &str) -> CheckpointError {
    CheckpointError(Msg::new(key))
}

fn bad_msg(msg: Msg) -> CheckpointError {
    CheckpointError(msg)
}

/// The first 15 bytes of a legacy checkpoint: the pickled magic number 0x1950a86a20f9469cfc6c.
const LEGACY_MAGIC: [u8; 15] = [
    0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
];

/// Parses a `.pth` file's bytes into f32 weights.
pub fn from_bytes(bytes: &[u8]) -> Result<Weights, CheckpointError> {
    if bytes.is_empty() {
        return Err(bad("errors-checkpoint-empty"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        read_zip(bytes)
    } else if bytes.starts_with(&LEGACY_MAGIC) {
        read_legacy(bytes)
    } else if bytes.len() >= 9 && bytes.get(8) == Some(&b'{') {
        Err(bad("errors-pth-is-safetensors"))
    } else {
        Err(bad("errors-pth-not-checkpoint"))
    }
}

/// The state_dict inside the unpickled object: the object itself, or its `state_dict` /
/// `model` entry when the checkpoint wraps it.
fn state_dict(obj: Object) -> Result<Vec<(Object, Object)>, CheckpointError> {
    let Object::Dict(entries) = obj else {
        return Err(bad("errors-pth-no-state-dict"));
    };
    for wrapper in ["state_dict", "model"] {
        if let Some((_, Object::Dict(inner))) = entries
            .iter()
            .find(|(k, _)| *k == Object::Unicode(wrapper.to_string()))
        {
            return Ok(inner.clone());
        }
    }
    Ok(entries)
}

/// Tensor descriptions of a state_dict; `dir` prefixes each storage's name.
fn tensor_infos(obj: Object, dir: &str) -> Result<Vec<TensorInfo>, CheckpointError> {
    let mut infos = Vec::new();
    for (name, value) in state_dict(obj)? {
        match value.into_tensor_info(name, std::path::Path::new(dir)) {
            Ok(Some(info)) => infos.push(info),
            Ok(None) => {}
            Err(e) => {
                return Err(bad_msg(
                    Msg::new("errors-pth-tensor-unreadable").arg("detail", e.to_string()),
                ))
            }
        }
    }
    if infos.is_empty() {
        return Err(bad("errors-pth-no-tensors"));
    }
    Ok(infos)
}

/// One tensor from its storage's bytes (the whole storage; the layout says where the tensor is).
fn tensor_from_storage(info: &TensorInfo, storage: &[u8]) -> Result<Vec<f32>, CheckpointError> {
    let layout = &info.layout;
    let shape = layout.shape().clone();
    let start = layout.start_offset();
    let elem = info.dtype.size_in_bytes();
    let n = shape.elem_count();
    let contiguous = layout.is_contiguous();
    let fortran = !contiguous && layout.is_fortran_contiguous();
    if !contiguous && !fortran && n > 1 {
        return Err(bad_msg(
            Msg::new("errors-pth-strides")
                .arg("tensor", &info.name)
                .arg("strides", format!("{:?}", layout.stride())),
        ));
    }
    let end = start + n * elem;
    let Some(raw) = storage.get(start..end) else {
        return Err(bad_msg(
            Msg::new("errors-pth-truncated-tensor")
                .arg("tensor", &info.name)
                .arg("start", start.to_string())
                .arg("end", end.to_string())
                .arg("size", storage.len().to_string()),
        ));
    };
    let t = Tensor::from_raw_buffer(raw, info.dtype, &[n], &Device::Cpu)?;
    let t = if fortran && shape.rank() > 1 {
        let rev: Vec<usize> = shape.dims().iter().rev().copied().collect();
        let perm: Vec<usize> = (0..shape.rank()).rev().collect();
        t.reshape(rev)?.permute(perm)?.contiguous()?
    } else {
        t.reshape(shape)?
    };
    match info.dtype {
        DType::F32 | DType::F16 | DType::BF16 | DType::F64 | DType::I64 | DType::U8 => {
            Ok(t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?)
        }
        other => Err(bad_msg(
            Msg::new("errors-pth-dtype")
                .arg("tensor", &info.name)
                .arg("dtype", format!("{other:?}")),
        )),
    }
}

fn read_zip(bytes: &[u8]) -> Result<Weights, CheckpointError> {
    let zip_err = |e: zip::result::ZipError| {
        bad_msg(Msg::new("errors-pth-zip-damaged").arg("detail", e.to_string()))
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(zip_err)?;
    let pkl = zip
        .file_names()
        .filter_map(|f| f.ok().map(|f| f.into_owned()))
        .find(|f| f.ends_with("data.pkl"))
        .ok_or_else(|| bad("errors-pth-no-data-pkl"))?;
    let dir = pkl.strip_suffix(".pkl").unwrap_or(&pkl).to_string();
    let mut pickle = Vec::new();
    zip.by_name(&pkl)
        .map_err(zip_err)?
        .read_to_end(&mut pickle)
        .map_err(|e| {
            bad_msg(Msg::new("errors-pth-data-pkl-unreadable").arg("detail", e.to_string()))
        })?;
    let obj = unpickle(&mut Cursor::new(pickle.as_slice()))?;
    let infos = tensor_infos(obj, &dir)?;
    let mut storages: HashMap<String, Vec<u8>> = HashMap::new();
    let mut w = Weights::default();
    for info in &infos {
        if !storages.contains_key(&info.path) {
            let mut data = Vec::new();
            zip.by_name(&info.path)
                .map_err(zip_err)?
                .read_to_end(&mut data)
                .map_err(|e| {
                    bad_msg(
                        Msg::new("errors-pth-storage-damaged")
                            .arg("tensor", &info.name)
                            .arg("detail", e.to_string()),
                    )
                })?;
            storages.insert(info.path.clone(), data);
        }
        let values = tensor_from_storage(info, &storages[&info.path])?;
        w.insert(info.name.clone(), info.layout.dims().to_vec(), values);
    }
    Ok(w)
}

fn unpickle(r: &mut Cursor<&[u8]>) -> Result<Object, CheckpointError> {
    let mut stack = Stack::empty();
    stack.read_loop(r).map_err(|e| {
        bad_msg(Msg::new("errors-pth-pickle-unreadable").arg("detail", e.to_string()))
    })?;
    stack
        .finalize()
        .map_err(|e| bad_msg(Msg::new("errors-pth-pickle-empty").arg("detail", e.to_string())))
}

fn read_legacy(bytes: &[u8]) -> Result<Weights, CheckpointError> {
    let mut r = Cursor::new(bytes);
    r.set_position(LEGACY_MAGIC.len() as u64);
    let _protocol = unpickle(&mut r)?;
    let _sys_info = unpickle(&mut r)?;
    let obj = unpickle(&mut r)?;
    let keys = match unpickle(&mut r)? {
        Object::List(keys) | Object::Tuple(keys) => keys
            .into_iter()
            .map(|k| k.unicode().map_err(|_| bad("errors-pth-storage-key")))
            .collect::<Result<Vec<String>, _>>()?,
        _ => return Err(bad("errors-pth-no-storage-list")),
    };
    let infos = tensor_infos(obj, "")?;
    // The storages follow in key order, each as an i64 element count and the raw bytes.
    let elem_size: HashMap<String, usize> = infos
        .iter()
        .map(|i| {
            (
                i.path.trim_start_matches('/').to_string(),
                i.dtype.size_in_bytes(),
            )
        })
        .collect();
    let mut storages: HashMap<String, &[u8]> = HashMap::new();
    let mut pos = r.position() as usize;
    for key in keys {
        let Some(count) = bytes.get(pos..pos + 8) else {
            return Err(bad_msg(
                Msg::new("errors-pth-truncated-storage-missing")
                    .arg("storage", &key)
                    .arg("size", bytes.len().to_string()),
            ));
        };
        let count = u64::from_le_bytes(count.try_into().expect("8 bytes")) as usize;
        let size = count * elem_size.get(&key).copied().unwrap_or(4);
        let data = bytes.get(pos + 8..pos + 8 + size).ok_or_else(|| {
            bad_msg(
                Msg::new("errors-pth-truncated-storage")
                    .arg("storage", &key)
                    .arg("needed", size.to_string())
                    .arg("offset", (pos + 8).to_string())
                    .arg("size", bytes.len().to_string()),
            )
        })?;
        storages.insert(key, data);
        pos += 8 + size;
    }
    let mut w = Weights::default();
    for info in &infos {
        let key = info.path.trim_start_matches('/');
        let storage = storages.get(key).ok_or_else(|| {
            bad_msg(
                Msg::new("errors-pth-storage-missing")
                    .arg("storage", key)
                    .arg("tensor", &info.name),
            )
        })?;
        let values = tensor_from_storage(info, storage)?;
        w.insert(info.name.clone(), info.layout.dims().to_vec(), values);
    }
    Ok(w)
}

/// Old torchvision DenseNet checkpoints name `denselayerN.norm.1.weight` what the model calls
/// `denselayerN.norm1.weight` (torchvision renames them the same way when it loads them).
pub fn rename_legacy_densenet_keys(w: &mut Weights) {
    let renamed: Vec<(String, String)> = w
        .tensors
        .keys()
        .filter_map(|k| {
            let i = k.find("denselayer")?;
            let rest = &k[i..];
            let dot = rest.find('.')?;
            let tail = &rest[dot + 1..];
            for part in ["norm.", "relu.", "conv."] {
                if let Some(after) = tail.strip_prefix(part) {
                    if after.starts_with("1.") || after.starts_with("2.") {
                        let new =
                            format!("{}{}{}", &k[..i + dot + 1], &part[..part.len() - 1], after);
                        return Some((k.clone(), new));
                    }
                }
            }
            None
        })
        .collect();
    for (old, new) in renamed {
        if let Some(t) = w.tensors.remove(&old) {
            w.tensors.insert(new, t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn densenet_keys_are_renamed_like_torchvision() {
        let mut w = Weights::default();
        w.insert(
            "features.denseblock1.denselayer1.norm.1.weight",
            vec![1],
            vec![1.0],
        );
        w.insert(
            "features.denseblock1.denselayer12.conv.2.weight",
            vec![1],
            vec![2.0],
        );
        w.insert("features.norm5.weight", vec![1], vec![3.0]);
        rename_legacy_densenet_keys(&mut w);
        let mut keys: Vec<&String> = w.tensors.keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "features.denseblock1.denselayer1.norm1.weight",
                "features.denseblock1.denselayer12.conv2.weight",
                "features.norm5.weight"
            ]
        );
    }

    #[test]
    fn text_and_empty_files_are_refused_with_a_reason() {
        let e = from_bytes(b"hello, this is a text file\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a PyTorch checkpoint"), "{e}");
        assert!(from_bytes(b"").unwrap_err().to_string().contains("empty"));
        let e = from_bytes(b"PK\x03\x04 truncated").unwrap_err().to_string();
        assert!(e.contains("damaged or truncated"), "{e}");
    }

    /// tests/fixtures/lenet5_modern_legacy.pth is our LeNet-5 written in torch's legacy stream
    /// format by scripts/legacy_pth.py, two tensors per storage (the second at an offset).
    #[test]
    fn legacy_stream_checkpoints_hold_the_same_tensors() {
        let legacy = include_bytes!("../../tests/fixtures/lenet5_modern_legacy.pth");
        let safetensors = include_bytes!("../../static/weights/lenet5_modern.safetensors");
        let a = from_bytes(legacy).unwrap();
        let b = crate::engine::safetensors::from_bytes(safetensors).unwrap();
        assert_eq!(a.tensors.len(), 10);
        assert_eq!(a, b);
        let e = from_bytes(&legacy[..legacy.len() - 1000])
            .unwrap_err()
            .to_string();
        assert!(e.contains("truncated"), "{e}");
    }
}
