//! The operators with weights or windows, mapped onto the description's layers: convolutions,
//! pooling, Gemm and MatMul as linear layers, and Add (a residual sum, or a MatMul's bias).

use super::checks::{broadcast_bias, check_window, padding, pair, Ctx};
use super::{Importer, Value};
use crate::onnx::proto::NodeProto;
use crate::onnx::tensor::Attrs;
use crate::onnx::ImportError;
use crate::zoo::analysis::window_out;
use crate::zoo::graph::{Conv, Op, Pool, PoolKind};

impl Importer {
    pub(super) fn conv(
        &mut self,
        n: &NodeProto,
        at: &Ctx,
        attrs: &Attrs,
    ) -> Result<Value, ImportError> {
        let i = self.map_input(n, 0, at)?;
        let [c, h, w] = self.map_shape(i, at)?;
        let weight = self
            .const_input(n, 1, at)?
            .ok_or_else(|| at.err("no weight".into()))?;
        let [m, cg, kh, kw] = weight.dims[..] else {
            return Err(at.err(format!(
                "weight of shape {:?}: only 2-D convolutions are run",
                weight.dims
            )));
        };
        let groups = attrs.int("group", 1);
        if !(1..=c as i64).contains(&groups)
            || c % groups as usize != 0
            || m % groups as usize != 0
            || cg * groups as usize != c
        {
            return Err(at.err(format!(
                "{c} input channels, weight {:?}, {groups} groups do not agree",
                weight.dims
            )));
        }
        let kernel = pair(attrs.ints("kernel_shape"), 0, "kernel_shape", at)?;
        if attrs.has("kernel_shape") && kernel != [kh, kw] {
            return Err(at.err(format!(
                "kernel_shape {kernel:?} but weight {:?}",
                weight.dims
            )));
        }
        let stride = pair(attrs.ints("strides"), 1, "strides", at)?;
        let dilation = pair(attrs.ints("dilations"), 1, "dilations", at)?;
        let kernel = [kh, kw];
        check_window([h, w], kernel, stride, [0, 0], dilation, at)?;
        let pad = padding(attrs, [h, w], kernel, stride, dilation, at)?;
        check_window([h, w], kernel, stride, pad, dilation, at)?;
        let bias = self.const_input(n, 2, at)?;
        if let Some(b) = &bias {
            if b.len() != m {
                return Err(at.err(format!("bias of {} values for {m} outputs", b.len())));
            }
        }
        let conv = Conv {
            out_channels: m,
            kernel,
            stride,
            padding: pad,
            dilation,
            groups: groups as usize,
            bias: bias.is_some(),
            connections: None,
        };
        let oh = window_out(h, kh, stride[0], pad[0], dilation[0], false);
        let ow = window_out(w, kw, stride[1], pad[1], dilation[1], false);
        let id = self.push(n, Op::Conv2d(conv), vec![i], vec![m, oh, ow])?;
        self.weight(id, "weight", weight.dims.clone(), weight.floats());
        if let Some(b) = bias {
            self.weight(id, "bias", vec![m], b.floats());
        }
        Ok(Value::Node(id))
    }

    pub(super) fn pool(
        &mut self,
        n: &NodeProto,
        at: &Ctx,
        attrs: &Attrs,
    ) -> Result<Value, ImportError> {
        if n.output.iter().skip(1).any(|o| !o.is_empty()) {
            return Err(at.err("the indices output is not run".into()));
        }
        let i = self.map_input(n, 0, at)?;
        let [c, h, w] = self.map_shape(i, at)?;
        let kernel = pair(attrs.ints("kernel_shape"), 0, "kernel_shape", at)?;
        let stride = pair(attrs.ints("strides"), 1, "strides", at)?;
        let dilation = pair(attrs.ints("dilations"), 1, "dilations", at)?;
        if dilation != [1, 1] {
            return Err(at.err(format!(
                "dilations {dilation:?}: only undilated pooling is run"
            )));
        }
        check_window([h, w], kernel, stride, [0, 0], dilation, at)?;
        let pad = padding(attrs, [h, w], kernel, stride, dilation, at)?;
        check_window([h, w], kernel, stride, pad, dilation, at)?;
        if pad[0] * 2 > kernel[0] || pad[1] * 2 > kernel[1] {
            return Err(at.err(format!("pads {pad:?} more than half the kernel {kernel:?}")));
        }
        let ceil = attrs.int("ceil_mode", 0) != 0;
        let kind = if n.op_type == "MaxPool" {
            PoolKind::Max
        } else {
            PoolKind::Avg
        };
        let include =
            kind == PoolKind::Max || pad == [0, 0] || attrs.int("count_include_pad", 0) != 0;
        let pool = Pool {
            kind,
            kernel,
            stride,
            padding: pad,
            ceil_mode: ceil,
            count_include_pad: include,
        };
        let oh = window_out(h, kernel[0], stride[0], pad[0], 1, ceil);
        let ow = window_out(w, kernel[1], stride[1], pad[1], 1, ceil);
        Ok(Value::Node(self.push(
            n,
            Op::Pool2d(pool),
            vec![i],
            vec![c, oh, ow],
        )?))
    }

    /// Gemm (y = α·A·B' + β·C) and MatMul (a following Add of a constant becomes its bias).
    pub(super) fn linear(
        &mut self,
        n: &NodeProto,
        at: &Ctx,
        attrs: &Attrs,
    ) -> Result<Value, ImportError> {
        let i = self.map_input(n, 0, at)?;
        let [f] = self.shapes[i][..] else {
            return Err(at.err(format!(
                "needs a flat input, got {:?} (Flatten first)",
                self.shapes[i]
            )));
        };
        if attrs.int("transA", 0) != 0 {
            return Err(at.err("transA: the input must not be transposed".into()));
        }
        let b = self
            .const_input(n, 1, at)?
            .ok_or_else(|| at.err("no weight".into()))?;
        let gemm = n.op_type == "Gemm";
        let trans = gemm && attrs.int("transB", 0) != 0;
        let [r, k] = b.dims[..] else {
            return Err(at.err(format!("weight of shape {:?}: a matrix expected", b.dims)));
        };
        let (rows_in, out) = if trans { (k, r) } else { (r, k) };
        if rows_in != f {
            return Err(at.err(format!("weight {:?} does not take {f} inputs", b.dims)));
        }
        if out == 0 {
            return Err(at.err(format!("weight {:?} has no outputs", b.dims)));
        }
        let alpha = if gemm { attrs.float("alpha", 1.0) } else { 1.0 };
        let v = b.floats();
        // The description's weight is [out, in].
        let weight: Vec<f32> = if trans {
            v.iter().map(|x| x * alpha).collect()
        } else {
            (0..out)
                .flat_map(|o| (0..f).map(move |j| (o, j)))
                .map(|(o, j)| v[j * out + o] * alpha)
                .collect()
        };
        let bias = if gemm {
            self.const_input(n, 2, at)?
        } else {
            None
        };
        let bias = match bias {
            Some(c) => Some(broadcast_bias(&c, out, attrs.float("beta", 1.0), at)?),
            None => None,
        };
        let op = Op::Linear {
            out_features: out,
            bias: bias.is_some(),
        };
        let id = self.push(n, op, vec![i], vec![out])?;
        self.weight(id, "weight", vec![out, f], weight);
        if let Some(b) = bias {
            self.weight(id, "bias", vec![out], b);
        }
        Ok(Value::Node(id))
    }

    /// Add: two layers' outputs of one shape (a residual sum), or a MatMul's output plus a
    /// constant (its bias).
    pub(super) fn add(&mut self, n: &NodeProto, at: &Ctx) -> Result<Value, ImportError> {
        let mut ids = Vec::new();
        let mut constant = None;
        for name in n.input.iter() {
            match self.value(name, at)? {
                Value::Node(id) => ids.push(id),
                Value::Const(c) => constant = Some(c),
            }
        }
        if let Some(c) = constant {
            let [id] = ids[..] else {
                return Err(at.err("adds a constant to more than one layer".into()));
            };
            let last = id == self.nodes.len() - 1;
            let node = &mut self.nodes[id];
            let out = match node.op {
                Op::Linear {
                    out_features,
                    bias: false,
                } if last => out_features,
                _ => return Err(at.err("adds a constant other than a MatMul's bias".into())),
            };
            let b = broadcast_bias(&c, out, 1.0, at)?;
            node.op = Op::Linear {
                out_features: out,
                bias: true,
            };
            self.weight(id, "bias", vec![out], b);
            return Ok(Value::Node(id));
        }
        if ids.len() < 2 || ids.iter().any(|&i| self.shapes[i] != self.shapes[ids[0]]) {
            let shapes: Vec<&Vec<usize>> = ids.iter().map(|&i| &self.shapes[i]).collect();
            return Err(at.err(format!(
                "inputs of shapes {shapes:?}: only equal shapes are added"
            )));
        }
        let shape = self.shapes[ids[0]].clone();
        Ok(Value::Node(self.push(n, Op::Add, ids, shape)?))
    }
}
