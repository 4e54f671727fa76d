//! What the reader checks of a node before it maps it: attribute pairs, a window layer's padding
//! (explicit or `auto_pad`, equal on both sides) and that its window fits, a bias's length, the
//! graph's one image input of fixed size; and the message for an operator we do not run.

use crate::onnx::proto::{data_type, GraphProto};
use crate::onnx::tensor::{Attrs, Const};
use crate::onnx::{ImportError, SUPPORTED};
use crate::zoo::graph::Hw;

/// The largest kernel, stride, dilation or padding read (checked again by [`check_window`]);
/// a larger value is refused before it is converted, so that none wraps in a 32-bit `usize`.
const MAX_WINDOW: i64 = 4096;

/// A square-or-not pair from an attribute list, or `default` for each axis.
pub(super) fn pair(
    v: Option<Vec<i64>>,
    default: usize,
    what: &str,
    at: &Ctx,
) -> Result<Hw, ImportError> {
    match v.as_deref() {
        None => Ok([default, default]),
        Some([a, b]) if (0..=MAX_WINDOW).contains(a) && (0..=MAX_WINDOW).contains(b) => {
            Ok([*a as usize, *b as usize])
        }
        Some(other) => Err(at.err(format!(
            "{what} {other:?}: two values from 0 to {MAX_WINDOW} expected"
        ))),
    }
}

/// The node being mapped, for messages.
pub(super) struct Ctx<'a> {
    pub(super) name: &'a str,
    pub(super) op: &'a str,
}

impl Ctx<'_> {
    pub(super) fn err(&self, detail: String) -> ImportError {
        ImportError::node(self.name, self.op, detail)
    }
}

/// Padding of a window layer: explicit `pads` (begin and end must match: the description's
/// padding is symmetric) or `auto_pad` (SAME_UPPER, SAME_LOWER, VALID).
pub(super) fn padding(
    attrs: &Attrs,
    size: [usize; 2],
    kernel: Hw,
    stride: Hw,
    dilation: Hw,
    at: &Ctx,
) -> Result<Hw, ImportError> {
    let auto = attrs.string("auto_pad").unwrap_or_default();
    let (begin, end) = match auto.as_str() {
        "" | "NOTSET" => match attrs.ints("pads").as_deref() {
            None => ([0, 0], [0, 0]),
            Some([t, l, b, r]) if [t, l, b, r].iter().all(|&&v| (0..=MAX_WINDOW).contains(&v)) => {
                ([*t as usize, *l as usize], [*b as usize, *r as usize])
            }
            Some(other) => {
                return Err(at.err(format!(
                    "pads {other:?}: four values from 0 to {MAX_WINDOW} expected"
                )))
            }
        },
        "VALID" => ([0, 0], [0, 0]),
        "SAME_UPPER" | "SAME_LOWER" => {
            let mut b = [0, 0];
            let mut e = [0, 0];
            for a in 0..2 {
                let out = size[a].div_ceil(stride[a]);
                let need = (out - 1) * stride[a] + (kernel[a] - 1) * dilation[a] + 1;
                let total = need.saturating_sub(size[a]);
                let small = total / 2;
                (b[a], e[a]) = if auto == "SAME_UPPER" {
                    (small, total - small)
                } else {
                    (total - small, small)
                };
            }
            (b, e)
        }
        other => return Err(at.err(format!("auto_pad {other}"))),
    };
    if begin != end {
        return Err(at.err(format!(
            "asymmetric padding (begin {begin:?}, end {end:?}): only equal padding on both sides is run"
        )));
    }
    Ok(begin)
}

/// Checks a sliding window fits its input (padding included) and steps forward.
pub(super) fn check_window(
    size: [usize; 2],
    k: Hw,
    s: Hw,
    p: Hw,
    d: Hw,
    at: &Ctx,
) -> Result<(), ImportError> {
    for a in 0..2 {
        if k[a] == 0 || s[a] == 0 || d[a] == 0 {
            return Err(at.err(format!(
                "kernel {k:?}, strides {s:?}, dilations {d:?}: zero"
            )));
        }
        if k[a] > 4096 || s[a] > 4096 || d[a] > 4096 || p[a] > 4096 {
            return Err(at.err(format!(
                "kernel {k:?}, strides {s:?}, pads {p:?}: too large"
            )));
        }
        if size[a] + 2 * p[a] < d[a] * (k[a] - 1) + 1 {
            return Err(at.err(format!(
                "a {k:?} window (dilation {d:?}) is larger than the padded input {size:?} + 2·{p:?}"
            )));
        }
    }
    Ok(())
}

/// A bias constant as `out` values (a vector, a `[1, out]` row or a scalar), times `beta`.
pub(super) fn broadcast_bias(
    c: &Const,
    out: usize,
    beta: f32,
    at: &Ctx,
) -> Result<Vec<f32>, ImportError> {
    let v = c.floats();
    match v.len() {
        1 => Ok(vec![v[0] * beta; out]),
        l if l == out => Ok(v.iter().map(|x| x * beta).collect()),
        l => Err(at.err(format!("a bias of {l} values for {out} outputs"))),
    }
}

pub(super) fn unsupported(at: &Ctx, op: &str) -> ImportError {
    ImportError::new("onnx-error-unsupported-op")
        .arg("op", op)
        .arg("node", at.name)
        .arg("supported", SUPPORTED.join(", "))
}

/// The graph's one image input (its name and `[C, H, W]`); initializers listed as inputs (older
/// exporters) are not inputs.
pub(super) fn image_input(g: &GraphProto) -> Result<(String, [usize; 3]), ImportError> {
    let weights: std::collections::HashSet<&str> =
        g.initializer.iter().map(|t| t.name.as_str()).collect();
    let inputs: Vec<_> = g
        .input
        .iter()
        .filter(|i| !weights.contains(i.name.as_str()))
        .collect();
    if inputs.len() != 1 {
        let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        return Err(ImportError::new("onnx-error-inputs")
            .arg("n", inputs.len())
            .arg("names", names.join(", ")));
    }
    let input = inputs[0];
    let tensor = input.r#type.as_ref().and_then(|t| t.tensor_type.as_ref());
    let Some(tensor) = tensor else {
        return Err(ImportError::new("onnx-error-input-rank")
            .arg("input", &input.name)
            .arg("dims", "?"));
    };
    if tensor.elem_type != data_type::FLOAT {
        return Err(ImportError::new("onnx-error-input-type").arg("input", &input.name));
    }
    use crate::onnx::proto::DimensionValue;
    let dims: Vec<Option<i64>> = tensor
        .shape
        .as_ref()
        .map(|s| {
            s.dim
                .iter()
                .map(|d| match &d.value {
                    Some(DimensionValue::DimValue(v)) => Some(*v),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let text = dims
        .iter()
        .map(|d| d.map_or("?".to_string(), |v| v.to_string()))
        .collect::<Vec<_>>()
        .join(" × ");
    if dims.len() != 4 || !matches!(dims[0], None | Some(1)) {
        return Err(ImportError::new("onnx-error-input-rank")
            .arg("input", &input.name)
            .arg("dims", text));
    }
    let mut chw = [0usize; 3];
    for (a, d) in dims[1..].iter().enumerate() {
        match d {
            Some(v) if (1..=8192).contains(v) => chw[a] = *v as usize,
            _ => {
                return Err(ImportError::new("onnx-error-dynamic")
                    .arg("input", &input.name)
                    .arg("dims", text));
            }
        }
    }
    if chw[0] > 4096 || chw.iter().map(|&d| d as u64).product::<u64>() > 1 << 26 {
        return Err(ImportError::new("onnx-error-input-rank")
            .arg("input", &input.name)
            .arg("dims", text));
    }
    Ok((input.name.clone(), chw))
}
