//! A small, exactly checkable computation run by the worker at start-up: a 3×3 convolution on the
//! engine the worker runs networks on (the packed CPU engine, through the `Engine` interface) and
//! a matrix product on candle (which the worker uses for gradients). It proves both were compiled
//! in and work on this machine; the same code is tested natively and in the browser. The same
//! convolution checks the WebGPU engine before the worker runs networks on it.

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::engine::{packed::PackedEngine, Engine, Prepared, Weights};
use crate::zoo::builder::Builder;
use crate::zoo::graph::{Conv, NodeId, Op};

/// The result of the self-check, shown in the status line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineCheck {
    /// The engine that runs the networks (and ran the convolution).
    pub engine: String,
    /// Output of a 3×3 all-ones kernel over a 4×4 ramp (0..16), no padding: a 2×2 map.
    pub conv: Vec<f32>,
    /// Sum of the product of a 2×3 and a 3×2 ramp matrix, on candle.
    pub matmul_sum: f32,
    /// Whether both equal their exact values.
    pub ok: bool,
}

/// Expected 2×2 output of [`run`]'s convolution: sums of 3×3 windows of the 4×4 ramp 0..16.
pub const EXPECTED_CONV: [f32; 4] = [45.0, 54.0, 81.0, 90.0];
/// Expected sum of [[0,1,2],[3,4,5]] × [[0,1],[2,3],[4,5]] = [[10,13],[28,40]].
pub const EXPECTED_MATMUL_SUM: f32 = 91.0;

/// The self-check's network: one 3×3 convolution, all-ones kernel, on a 4×4 input.
fn conv_network() -> (crate::zoo::Network, Weights) {
    let mut b = Builder::new("self-check", "self-check", "", [1, 4, 4]);
    let x = b.input();
    let conv = Conv {
        out_channels: 1,
        kernel: [3, 3],
        stride: [1, 1],
        padding: [0, 0],
        dilation: [1, 1],
        groups: 1,
        bias: false,
        connections: None,
    };
    b.add("conv", Op::Conv2d(conv), &[x]);
    let net = b.finish();
    let mut w = Weights::default();
    w.insert("conv.weight", vec![1, 1, 3, 3], vec![1.0; 9]);
    (net, w)
}

/// The 4×4 ramp 0..16 the convolution runs on.
fn ramp() -> Vec<f32> {
    (0..16).map(|v| v as f32).collect()
}

/// The convolution prepared on an engine as any network is, with its output node.
fn prepare_conv(engine: &dyn Engine) -> Result<(Box<dyn Prepared>, NodeId), String> {
    let (net, w) = conv_network();
    let prepared = engine.prepare(&net, w).map_err(|e| e.to_string())?;
    Ok((prepared, net.output()))
}

/// The convolution on a CPU engine (its results are there when `run` returns).
fn conv_on_engine(engine: &dyn Engine) -> Result<Vec<f32>, String> {
    let (mut prepared, out) = prepare_conv(engine)?;
    let acts = prepared.run(&ramp(), &[out]).map_err(|e| e.to_string())?;
    Ok(acts.values[0].clone())
}

/// Checks an engine (the WebGPU engine before the worker uses it): the convolution's exact values.
pub async fn check_engine(engine: &dyn Engine) -> Result<(), String> {
    let (mut prepared, out) = prepare_conv(engine)?;
    let input = ramp();
    let acts = prepared
        .run_async(&input, &[out])
        .await
        .map_err(|e| e.to_string())?;
    let conv = &acts.values[0];
    if conv[..] == EXPECTED_CONV[..] {
        Ok(())
    } else {
        Err(format!(
            "its self-check convolution gave {conv:?} instead of {EXPECTED_CONV:?}"
        ))
    }
}

/// Runs the self-check.
pub fn run() -> Result<EngineCheck, String> {
    let engine = PackedEngine;
    let conv = conv_on_engine(&engine)?;
    let dev = Device::Cpu;
    let matmul = || -> candle_core::Result<f32> {
        let a = Tensor::arange(0f32, 6f32, &dev)?.reshape((2, 3))?;
        let b = Tensor::arange(0f32, 6f32, &dev)?.reshape((3, 2))?;
        a.matmul(&b)?.sum_all()?.to_scalar::<f32>()
    };
    let matmul_sum = matmul().map_err(|e| format!("candle: {e}"))?;
    let ok = conv == EXPECTED_CONV && matmul_sum == EXPECTED_MATMUL_SUM;
    Ok(EngineCheck {
        engine: engine.name().to_string(),
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
        assert_eq!(check.engine, "CPU (packed, wasm SIMD)");
    }
}
