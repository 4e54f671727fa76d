//! Reading PyTorch checkpoints (`torch.save` of a state_dict) from untrusted bytes, in the
//! browser as well as natively: the zip format torch ≥ 1.6 writes (`archive/data.pkl` + one
//! stored entry per storage) and the older "legacy" stream format that several of torchvision's
//! published checkpoints still use (five pickles, then the raw storages). Tensors may be f32,
//! f16, bf16, f64, i64, i32 or u8; all become f32 [`Weights`]. The pickle is read by our own
//! [`super::pickle`] (errors, never panics); with an [`Expected`] network the tensors' names and
//! shapes are checked before a storage is read; storages are read in place from the file's bytes
//! (the zip entries are stored, their CRC checked), one tensor at a time.

use std::collections::HashMap;
use std::io::Cursor;

use super::dtype::elements;
use super::expected::{shape_text, Expected, Plan};
use super::pickle::{self, Tensor, Value};
use crate::engine::weights::CheckpointError;
use crate::engine::Weights;
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

/// Parses a `.pth` file's bytes into f32 weights (for any network).
pub fn from_bytes(bytes: &[u8]) -> Result<Weights, CheckpointError> {
    read(bytes, None)
}

/// Parses a `.pth` file's bytes into f32 weights, for the `expected` network when given.
pub fn read(bytes: &[u8], expected: Option<&Expected>) -> Result<Weights, CheckpointError> {
    if bytes.is_empty() {
        return Err(bad("errors-checkpoint-empty"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        read_zip(bytes, expected)
    } else if bytes.starts_with(&LEGACY_MAGIC) {
        read_legacy(bytes, expected)
    } else if bytes.len() >= 9 && bytes.get(8) == Some(&b'{') {
        Err(bad("errors-pth-is-safetensors"))
    } else {
        Err(bad("errors-pth-not-checkpoint"))
    }
}

fn unpickle(bytes: &[u8], at: &mut usize) -> Result<Value, CheckpointError> {
    pickle::read(bytes, at, &pickle::storage_id)
        .map_err(|e| bad_msg(Msg::new("errors-pth-pickle-unreadable").arg("detail", e.to_string())))
}

/// The state_dict's tensors in the unpickled object (the object itself, or its `state_dict` /
/// `model` entry when the checkpoint wraps it), by name; other entries are left.
fn state_dict(obj: &Value) -> Result<Vec<(String, Tensor)>, CheckpointError> {
    let Value::Dict(dict) = obj else {
        return Err(bad("errors-pth-no-state-dict"));
    };
    let inner = ["state_dict", "model"].iter().find_map(|w| {
        dict.items.iter().find_map(|(k, v)| match v {
            Value::Dict(d) if k.as_str() == Some(w) => Some(d),
            _ => None,
        })
    });
    let entries = inner.unwrap_or(dict);
    let tensors: Vec<(String, Tensor)> = entries
        .items
        .iter()
        .filter_map(|(k, v)| match (k.as_str(), v) {
            (Some(k), Value::Tensor(t)) => Some((k.to_string(), (**t).clone())),
            _ => None,
        })
        .collect();
    if tensors.is_empty() {
        return Err(bad("errors-pth-no-tensors"));
    }
    Ok(tensors)
}

/// What to do with each tensor: checked against the network first when there is one.
fn plans(
    tensors: &[(String, Tensor)],
    expected: Option<&Expected>,
) -> Result<Vec<Plan>, CheckpointError> {
    match expected {
        Some(e) => e.plan(tensors.iter().map(|(k, t)| (k.as_str(), &t.shape[..]))),
        None => Ok(tensors
            .iter()
            .map(|(k, t)| Plan::Keep {
                key: k.clone(),
                shape: t.shape.clone(),
            })
            .collect()),
    }
}

/// One tensor's values from its storage's bytes, every index checked against the storage.
fn gather(name: &str, t: &Tensor, storage: &[u8]) -> Result<Vec<f32>, CheckpointError> {
    let dtype = t.storage.dtype().ok_or_else(|| {
        bad_msg(
            Msg::new("errors-pth-dtype")
                .arg("tensor", name)
                .arg("dtype", &t.storage.class),
        )
    })?;
    let size = dtype.size();
    let stored = storage.len() / size;
    let n = elements(&t.shape).unwrap_or(usize::MAX);
    if n == 0 {
        return Ok(Vec::new());
    }
    let strides_bad = || {
        bad_msg(
            Msg::new("errors-pth-strides")
                .arg("tensor", name)
                .arg("strides", shape_text(&t.stride)),
        )
    };
    // The last value's index: the start plus (size − 1) × stride along every dimension.
    let last = t
        .shape
        .iter()
        .zip(&t.stride)
        .try_fold(
            t.storage.view_offset.checked_add(t.offset),
            // A size of 0 with n ≠ 0 (the product overflowed before reaching it) is no tensor.
            |acc, (&d, &s)| Some(acc?.checked_add(d.checked_sub(1)?.checked_mul(s)?)),
        )
        .flatten();
    let first = t.storage.view_offset.checked_add(t.offset);
    let (Some(first), Some(last)) = (first, last) else {
        return Err(strides_bad());
    };
    if last >= stored {
        let byte = |i: usize| i.saturating_mul(size).to_string();
        return Err(bad_msg(
            Msg::new("errors-pth-truncated-tensor")
                .arg("tensor", name)
                .arg("start", byte(first))
                .arg("end", byte(last.saturating_add(1)))
                .arg("size", storage.len().to_string()),
        ));
    }
    // No tensor has more values than its storage (strides that repeat values are not saved
    // state): this bounds what a file can make us allocate by the file's own size.
    if n > stored {
        return Err(strides_bad());
    }
    let value = |i: usize| dtype.value(&storage[i * size..(i + 1) * size]);
    let contiguous = {
        let mut want = 1usize;
        let mut ok = true;
        for (&d, &s) in t.shape.iter().zip(&t.stride).rev() {
            ok &= d == 1 || s == want;
            want = want.saturating_mul(d);
        }
        ok
    };
    if contiguous {
        return Ok(storage[first * size..(first + n) * size]
            .chunks_exact(size)
            .map(|b| dtype.value(b))
            .collect());
    }
    // Any other layout (a transposed weight): walk the indices in row-major order.
    let mut out = Vec::with_capacity(n);
    let mut index = vec![0usize; t.shape.len()];
    for _ in 0..n {
        let at = first
            + index
                .iter()
                .zip(&t.stride)
                .map(|(i, s)| i * s)
                .sum::<usize>();
        out.push(value(at));
        for d in (0..index.len()).rev() {
            index[d] += 1;
            if index[d] < t.shape[d] {
                break;
            }
            index[d] = 0;
        }
    }
    Ok(out)
}

/// The weights from the tensors, each storage's bytes found by `storage` (by key).
fn assemble<'b>(
    tensors: Vec<(String, Tensor)>,
    plans: Vec<Plan>,
    mut storage: impl FnMut(&str, &str) -> Result<&'b [u8], CheckpointError>,
) -> Result<Weights, CheckpointError> {
    let mut w = Weights::default();
    for ((name, t), plan) in tensors.into_iter().zip(plans) {
        let Plan::Keep { key, shape } = plan else {
            continue;
        };
        let bytes = storage(&t.storage.key, &name)?;
        let values = gather(&name, &t, bytes)?;
        w.insert(key, shape, values);
    }
    Ok(w)
}

/// A zip entry's bytes, in place: torch stores its entries uncompressed; the CRC is checked.
fn stored_entry<'b>(
    zip: &mut zip::ZipArchive<Cursor<&'b [u8]>>,
    bytes: &'b [u8],
    name: &str,
) -> Result<&'b [u8], zip::result::ZipError> {
    let f = zip.by_name(name)?;
    let start = f.data_start().unwrap_or(u64::MAX);
    let slice = usize::try_from(start)
        .ok()
        .zip(usize::try_from(f.size()).ok())
        .and_then(|(s, n)| bytes.get(s..s.checked_add(n)?))
        .filter(|_| f.compression() == zip::CompressionMethod::Stored)
        .ok_or(zip::result::ZipError::InvalidArchive(
            "an entry is compressed or runs past the end of the file".into(),
        ))?;
    if crc32fast::hash(slice) != f.crc32() {
        return Err(zip::result::ZipError::InvalidArchive(
            "an entry's checksum does not match its bytes".into(),
        ));
    }
    Ok(slice)
}

fn read_zip(bytes: &[u8], expected: Option<&Expected>) -> Result<Weights, CheckpointError> {
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
    let pickle_bytes = stored_entry(&mut zip, bytes, &pkl).map_err(|e| {
        bad_msg(Msg::new("errors-pth-data-pkl-unreadable").arg("detail", e.to_string()))
    })?;
    let obj = unpickle(pickle_bytes, &mut 0)?;
    let tensors = state_dict(&obj)?;
    drop(obj);
    let plans = plans(&tensors, expected)?;
    assemble(tensors, plans, |key, name| {
        stored_entry(&mut zip, bytes, &format!("{dir}/{key}")).map_err(|e| {
            bad_msg(
                Msg::new("errors-pth-storage-damaged")
                    .arg("tensor", name)
                    .arg("detail", e.to_string()),
            )
        })
    })
}

fn read_legacy(bytes: &[u8], expected: Option<&Expected>) -> Result<Weights, CheckpointError> {
    let mut at = LEGACY_MAGIC.len();
    let _protocol = unpickle(bytes, &mut at)?;
    let _sys_info = unpickle(bytes, &mut at)?;
    let obj = unpickle(bytes, &mut at)?;
    let keys = unpickle(bytes, &mut at)?;
    let keys = match keys.items() {
        Some(keys) => keys
            .iter()
            .map(|k| k.as_str().map(str::to_string))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| bad("errors-pth-storage-key"))?,
        None => return Err(bad("errors-pth-no-storage-list")),
    };
    let tensors = state_dict(&obj)?;
    drop(obj);
    let plans = plans(&tensors, expected)?;
    // The storages follow in key order, each as an i64 element count and the raw bytes; a
    // storage's value size is its type's, as the tensors that use it name it.
    let elem_size: HashMap<&str, usize> = tensors
        .iter()
        .filter_map(|(_, t)| Some((t.storage.key.as_str(), t.storage.dtype()?.size())))
        .collect();
    let mut storages: HashMap<String, &[u8]> = HashMap::new();
    let mut pos = at;
    for key in keys {
        let Some(count) = bytes.get(pos..pos.saturating_add(8)) else {
            return Err(bad_msg(
                Msg::new("errors-pth-truncated-storage-missing")
                    .arg("storage", &key)
                    .arg("size", bytes.len().to_string()),
            ));
        };
        let mut c = [0u8; 8];
        c.copy_from_slice(count);
        let count = u64::from_le_bytes(c);
        let size = elem_size.get(key.as_str()).copied().unwrap_or(4) as u64;
        let data = count
            .checked_mul(size)
            .and_then(|n| usize::try_from(n).ok())
            .and_then(|n| Some((pos + 8, (pos + 8).checked_add(n)?)))
            .and_then(|(s, e)| bytes.get(s..e))
            .ok_or_else(|| {
                bad_msg(
                    Msg::new("errors-pth-truncated-storage")
                        .arg("storage", &key)
                        .arg("needed", count.saturating_mul(size).to_string())
                        .arg("offset", (pos + 8).to_string())
                        .arg("size", bytes.len().to_string()),
                )
            })?;
        pos += 8 + data.len();
        storages.insert(key, data);
    }
    assemble(tensors, plans, |key, name| {
        storages.get(key).copied().ok_or_else(|| {
            bad_msg(
                Msg::new("errors-pth-storage-missing")
                    .arg("storage", key)
                    .arg("tensor", name),
            )
        })
    })
}

/// Old torchvision DenseNet checkpoints name `denselayerN.norm.1.weight` what the model calls
/// `denselayerN.norm1.weight` (torchvision renames them the same way when it loads them): the
/// new name of an old one, None for any other name.
pub fn legacy_densenet_name(k: &str) -> Option<String> {
    let i = k.find("denselayer")?;
    let rest = &k[i..];
    let dot = rest.find('.')?;
    let tail = &rest[dot + 1..];
    for part in ["norm.", "relu.", "conv."] {
        if let Some(after) = tail.strip_prefix(part) {
            if after.starts_with("1.") || after.starts_with("2.") {
                return Some(format!(
                    "{}{}{}",
                    &k[..i + dot + 1],
                    &part[..part.len() - 1],
                    after
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn densenet_keys_are_renamed_like_torchvision() {
        assert_eq!(
            legacy_densenet_name("features.denseblock1.denselayer1.norm.1.weight").as_deref(),
            Some("features.denseblock1.denselayer1.norm1.weight")
        );
        assert_eq!(
            legacy_densenet_name("features.denseblock1.denselayer12.conv.2.weight").as_deref(),
            Some("features.denseblock1.denselayer12.conv2.weight")
        );
        assert_eq!(legacy_densenet_name("features.norm5.weight"), None);
        assert_eq!(
            legacy_densenet_name("features.denseblock1.denselayer1.norm1.weight"),
            None
        );
    }

    /// A size of 0 behind sizes whose product overflows: the element count is no count, and the
    /// last index must be refused, not computed as 0 − 1.
    #[test]
    fn an_empty_dimension_after_an_overflowing_product_is_refused() {
        use crate::engine::checkpoint::pickle::{Storage, Tensor};
        let t = Tensor {
            storage: Storage {
                class: "FloatStorage".into(),
                key: "0".into(),
                view_offset: 0,
            },
            offset: 0,
            shape: vec![usize::MAX, 2, 0],
            stride: vec![1, 1, 1],
        };
        let e = gather("w", &t, &[0u8; 16]).unwrap_err().to_string();
        assert!(e.contains("w"), "{e}");
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
        let legacy = include_bytes!("../../../tests/fixtures/lenet5_modern_legacy.pth");
        let safetensors = include_bytes!("../../../static/weights/lenet5_modern.safetensors");
        let a = from_bytes(legacy).unwrap();
        let b = crate::engine::safetensors::from_bytes(safetensors).unwrap();
        assert_eq!(a.tensors.len(), 10);
        assert_eq!(a, b);
        let e = from_bytes(&legacy[..legacy.len() - 1000])
            .unwrap_err()
            .to_string();
        assert!(e.contains("truncated"), "{e}");
    }

    /// tests/fixtures/lenet5_modern_zip.pth is the same LeNet-5 in torch's zip format (written by
    /// scripts/legacy_pth.py --zip), storages read in place with their CRC checked.
    #[test]
    fn zip_checkpoints_hold_the_same_tensors_and_their_checksums_are_checked() {
        let zipped = include_bytes!("../../../tests/fixtures/lenet5_modern_zip.pth");
        let safetensors = include_bytes!("../../../static/weights/lenet5_modern.safetensors");
        let b = crate::engine::safetensors::from_bytes(safetensors).unwrap();
        assert_eq!(from_bytes(zipped).unwrap(), b);
        // One value changed inside a storage: the checksum tells.
        let mut damaged = zipped.to_vec();
        let at = damaged.len() / 2;
        damaged[at] ^= 0x10;
        let e = from_bytes(&damaged).unwrap_err().to_string();
        assert!(e.contains("checksum"), "{e}");
        // With the network known, a wrong name is refused before any storage is read.
        let net = crate::zoo::build("lenet5").unwrap();
        let e = read(zipped, Some(&Expected::new(&net, &[])))
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not fit LeNet-5"), "{e}");
    }
}
