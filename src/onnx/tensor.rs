//! Constant tensors of an ONNX file (initializers, `Constant` nodes, folded shape arithmetic)
//! read from their `TensorProto`s with every size checked before anything is allocated, and a
//! node's attributes read by name.

use super::proto::{data_type, AttributeProto, TensorProto};
use super::ImportError;

/// The most elements one tensor may hold (a gibibyte of f32): a larger claim is a damaged file.
pub const MAX_ELEMENTS: usize = 1 << 28;

/// A constant's values: floats (weights) or integers (shapes, axes, indices).
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    F32(Vec<f32>),
    I64(Vec<i64>),
}

/// A constant tensor: its dimensions and values, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Const {
    pub dims: Vec<usize>,
    pub data: Data,
}

/// The most dimensions a constant may have (ONNX's tensors have a handful).
pub const MAX_RANK: usize = 16;

/// The elements `dims` hold, or an error when the product overflows or passes [`MAX_ELEMENTS`],
/// when one dimension alone does (an empty tensor of 0 × 4,000,000,000 would still send a loop
/// over its long side), or when there are more than [`MAX_RANK`] of them.
pub fn elements(dims: &[usize], name: &str) -> Result<usize, ImportError> {
    if dims.len() > MAX_RANK {
        return Err(ImportError::tensor(
            name,
            format!("has {} dimensions", dims.len()),
        ));
    }
    dims.iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .filter(|&n| n <= MAX_ELEMENTS && dims.iter().all(|&d| d <= MAX_ELEMENTS))
        .ok_or_else(|| ImportError::tensor(name, format!("dimensions {dims:?} are too large")))
}

/// `bytes` read as little-endian values of `size` bytes each, exactly `n` of them.
fn raw<T>(
    bytes: &[u8],
    n: usize,
    name: &str,
    read: impl Fn(&[u8]) -> T,
    size: usize,
) -> Result<Vec<T>, ImportError> {
    if bytes.len() != n * size {
        return Err(ImportError::tensor(
            name,
            format!("holds {} bytes for {n} values of {size} bytes", bytes.len()),
        ));
    }
    Ok(bytes.chunks_exact(size).map(read).collect())
}

/// Checks a typed field holds exactly `n` values.
fn counted<T>(v: &[T], n: usize, name: &str) -> Result<(), ImportError> {
    if v.len() == n {
        Ok(())
    } else {
        Err(ImportError::tensor(
            name,
            format!("holds {} values for its {n} elements", v.len()),
        ))
    }
}

impl Const {
    pub fn len(&self) -> usize {
        match &self.data {
            Data::F32(v) => v.len(),
            Data::I64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn f32(dims: Vec<usize>, v: Vec<f32>) -> Const {
        Const {
            dims,
            data: Data::F32(v),
        }
    }

    pub fn i64(dims: Vec<usize>, v: Vec<i64>) -> Const {
        Const {
            dims,
            data: Data::I64(v),
        }
    }

    /// Reads a `TensorProto`; fails on a tensor stored in another file, a type we do not read, or
    /// a size its values do not match.
    pub fn from_proto(t: &TensorProto) -> Result<Const, ImportError> {
        let name = t.name.as_str();
        if t.data_location == 1 {
            return Err(ImportError::new("onnx-error-external").arg("name", name));
        }
        if t.dims.len() > MAX_RANK {
            return Err(ImportError::tensor(
                name,
                format!("has {} dimensions", t.dims.len()),
            ));
        }
        let mut dims = Vec::with_capacity(t.dims.len());
        for &d in &t.dims {
            let d = usize::try_from(d)
                .map_err(|_| ImportError::tensor(name, format!("has a negative dimension {d}")))?;
            dims.push(d);
        }
        let n = elements(&dims, name)?;
        let has_raw = !t.raw_data.is_empty() || n == 0;
        let data = match t.data_type {
            data_type::FLOAT if has_raw && t.float_data.is_empty() => Data::F32(raw(
                &t.raw_data,
                n,
                name,
                |b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
                4,
            )?),
            data_type::FLOAT => {
                counted(&t.float_data, n, name)?;
                Data::F32(t.float_data.clone())
            }
            data_type::FLOAT16 if has_raw && t.int32_data.is_empty() => Data::F32(raw(
                &t.raw_data,
                n,
                name,
                |b| half::f16::from_le_bytes([b[0], b[1]]).to_f32(),
                2,
            )?),
            data_type::FLOAT16 => {
                counted(&t.int32_data, n, name)?;
                Data::F32(
                    t.int32_data
                        .iter()
                        .map(|&b| half::f16::from_bits(b as u16).to_f32())
                        .collect(),
                )
            }
            data_type::DOUBLE if has_raw && t.double_data.is_empty() => Data::F32(raw(
                &t.raw_data,
                n,
                name,
                |b| f64::from_le_bytes(b.try_into().expect("8 bytes")) as f32,
                8,
            )?),
            data_type::DOUBLE => {
                counted(&t.double_data, n, name)?;
                Data::F32(t.double_data.iter().map(|&v| v as f32).collect())
            }
            data_type::INT64 if has_raw && t.int64_data.is_empty() => Data::I64(raw(
                &t.raw_data,
                n,
                name,
                |b| i64::from_le_bytes(b.try_into().expect("8 bytes")),
                8,
            )?),
            data_type::INT64 => {
                counted(&t.int64_data, n, name)?;
                Data::I64(t.int64_data.clone())
            }
            data_type::INT32 if has_raw && t.int32_data.is_empty() => Data::I64(raw(
                &t.raw_data,
                n,
                name,
                |b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64,
                4,
            )?),
            data_type::INT32 => {
                counted(&t.int32_data, n, name)?;
                Data::I64(t.int32_data.iter().map(|&v| v as i64).collect())
            }
            other => {
                return Err(ImportError::tensor(
                    name,
                    format!("has data type {other}, which is not read (float, float16, double, int32, int64 are)"),
                ))
            }
        };
        Ok(Const { dims, data })
    }

    /// The values as floats.
    pub fn floats(&self) -> Vec<f32> {
        match &self.data {
            Data::F32(v) => v.clone(),
            Data::I64(v) => v.iter().map(|&x| x as f32).collect(),
        }
    }

    /// The values as integers (floats must be whole).
    pub fn ints(&self) -> Option<Vec<i64>> {
        match &self.data {
            Data::I64(v) => Some(v.clone()),
            Data::F32(v) => v
                .iter()
                .map(|&x| (x.fract() == 0.0 && x.abs() < 9e15).then_some(x as i64))
                .collect(),
        }
    }

    /// The one value of a scalar or one-element tensor, as a float.
    pub fn scalar(&self) -> Option<f32> {
        (self.len() == 1).then(|| self.floats()[0])
    }
}

/// A node's attributes, looked up by name.
pub struct Attrs<'a>(pub &'a [AttributeProto]);

impl Attrs<'_> {
    fn find(&self, name: &str) -> Option<&AttributeProto> {
        self.0.iter().find(|a| a.name == name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    pub fn int(&self, name: &str, default: i64) -> i64 {
        self.find(name).map_or(default, |a| a.i)
    }

    pub fn float(&self, name: &str, default: f32) -> f32 {
        self.find(name).map_or(default, |a| a.f)
    }

    pub fn ints(&self, name: &str) -> Option<Vec<i64>> {
        self.find(name).map(|a| a.ints.clone())
    }

    pub fn string(&self, name: &str) -> Option<String> {
        self.find(name)
            .map(|a| String::from_utf8_lossy(&a.s).into_owned())
    }

    pub fn tensor(&self, name: &str) -> Option<&TensorProto> {
        self.find(name).and_then(|a| a.t.as_ref())
    }

    pub fn floats(&self, name: &str) -> Option<Vec<f32>> {
        self.find(name).map(|a| a.floats.clone())
    }
}
