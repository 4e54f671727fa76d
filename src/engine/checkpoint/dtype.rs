//! The number types checkpoints store, their sizes, and how one stored value becomes an f32:
//! shared by the `.safetensors` and `.pth` readers, which read every value through it.

/// A stored number type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    F32,
    F16,
    Bf16,
    F64,
    I64,
    I32,
    U8,
}

impl Dtype {
    /// safetensors' spelling (`"F32"`, `"BF16"` …).
    pub fn from_safetensors(s: &str) -> Option<Dtype> {
        Some(match s {
            "F32" => Dtype::F32,
            "F16" => Dtype::F16,
            "BF16" => Dtype::Bf16,
            "F64" => Dtype::F64,
            "I64" => Dtype::I64,
            "I32" => Dtype::I32,
            "U8" => Dtype::U8,
            _ => return None,
        })
    }

    /// torch's storage class names (`FloatStorage`, `HalfStorage` …).
    pub fn from_torch_storage(s: &str) -> Option<Dtype> {
        Some(match s {
            "FloatStorage" => Dtype::F32,
            "HalfStorage" => Dtype::F16,
            "BFloat16Storage" => Dtype::Bf16,
            "DoubleStorage" => Dtype::F64,
            "LongStorage" => Dtype::I64,
            "IntStorage" => Dtype::I32,
            "ByteStorage" => Dtype::U8,
            _ => return None,
        })
    }

    /// Bytes per value.
    pub fn size(self) -> usize {
        match self {
            Dtype::F32 | Dtype::I32 => 4,
            Dtype::F16 | Dtype::Bf16 => 2,
            Dtype::F64 | Dtype::I64 => 8,
            Dtype::U8 => 1,
        }
    }

    /// The value stored little-endian in `b`, which holds exactly [`Dtype::size`] bytes.
    pub fn value(self, b: &[u8]) -> f32 {
        let mut w = [0u8; 8];
        let n = self.size().min(b.len());
        w[..n].copy_from_slice(&b[..n]);
        match self {
            Dtype::F32 => f32::from_le_bytes([w[0], w[1], w[2], w[3]]),
            Dtype::F16 => half::f16::from_le_bytes([w[0], w[1]]).to_f32(),
            Dtype::Bf16 => half::bf16::from_le_bytes([w[0], w[1]]).to_f32(),
            Dtype::F64 => f64::from_le_bytes(w) as f32,
            Dtype::I64 => i64::from_le_bytes(w) as f32,
            Dtype::I32 => i32::from_le_bytes([w[0], w[1], w[2], w[3]]) as f32,
            Dtype::U8 => w[0] as f32,
        }
    }
}

/// The number of values of a shape, or None when it does not fit in memory's arithmetic.
pub fn elements(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_little_endian_in_every_type() {
        assert_eq!(Dtype::F32.value(&1.5f32.to_le_bytes()), 1.5);
        assert_eq!(Dtype::F64.value(&(-2.25f64).to_le_bytes()), -2.25);
        assert_eq!(Dtype::I64.value(&7i64.to_le_bytes()), 7.0);
        assert_eq!(Dtype::I32.value(&(-3i32).to_le_bytes()), -3.0);
        assert_eq!(
            Dtype::F16.value(&half::f16::from_f32(0.5).to_le_bytes()),
            0.5
        );
        assert_eq!(
            Dtype::Bf16.value(&half::bf16::from_f32(-4.0).to_le_bytes()),
            -4.0
        );
        assert_eq!(Dtype::U8.value(&[200]), 200.0);
        assert_eq!(elements(&[usize::MAX, 2]), None);
        assert_eq!(elements(&[]), Some(1));
        assert_eq!(elements(&[3, 0, 5]), Some(0));
    }
}
