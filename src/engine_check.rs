//! A small, exactly checkable candle computation (a 3×3 convolution and a matrix product) run by
//! the worker at start-up: it proves that the CPU engine was compiled in and works on this
//! machine, and the same code is tested natively and in the browser.

use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};

/// The result of the self-check, shown in the status line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineCheck {
    /// Output of a 3×3 all-ones kernel over a 4×4 ramp (0..16), no padding: a 2×2 map.
    pub conv: Vec<f32>,
    /// Sum of the product of a 2×3 and a 3×2 ramp matrix.
    pub matmul_sum: f32,
    /// Whether both equal their exact values.
    pub ok: bool,
}

/// Expected 2×2 output of [`run`]'s convolution: sums of 3×3 windows of the 4×4 ramp 0..16.
pub const EXPECTED_CONV: [f32; 4] = [45.0, 54.0, 81.0, 90.0];
/// Expected sum of [[0,1,2],[3,4,5]] × [[0,1],[2,3],[4,5]] = [[10,13],[28,40]].
pub const EXPECTED_MATMUL_SUM: f32 = 91.0;

/// Runs the self-check on candle's CPU device.
pub fn run() -> candle_core::Result<EngineCheck> {
    let dev = Device::Cpu;
    let image = Tensor::arange(0f32, 16f32, &dev)?.reshape((1, 1, 4, 4))?;
    let kernel = Tensor::ones((1, 1, 3, 3), DType::F32, &dev)?;
    let conv = image
        .conv2d(&kernel, 0, 1, 1, 1)?
        .flatten_all()?
        .to_vec1::<f32>()?;
    let a = Tensor::arange(0f32, 6f32, &dev)?.reshape((2, 3))?;
    let b = Tensor::arange(0f32, 6f32, &dev)?.reshape((3, 2))?;
    let matmul_sum = a.matmul(&b)?.sum_all()?.to_scalar::<f32>()?;
    let ok = conv == EXPECTED_CONV && matmul_sum == EXPECTED_MATMUL_SUM;
    Ok(EngineCheck {
        conv,
        matmul_sum,
        ok,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn self_check_gives_exact_values() {
        let check = super::run().unwrap();
        assert_eq!(check.conv, super::EXPECTED_CONV);
        assert_eq!(check.matmul_sum, super::EXPECTED_MATMUL_SUM);
        assert!(check.ok);
    }
}
