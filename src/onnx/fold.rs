//! Constant folding: the shape arithmetic exporters leave in a graph (`Shape → Gather →
//! Unsqueeze → Concat → Reshape`, `Constant`, `Cast`) evaluated on constants at import, so that a
//! `Reshape` reads a known shape. Only small tensors are computed here; every index is checked.

use super::tensor::{elements, Attrs, Const, Data, MAX_RANK};
use super::ImportError;

/// The operators folded when all their inputs are constants.
pub const FOLDED: &[&str] = &[
    "Constant",
    "Identity",
    "Cast",
    "Shape",
    "Gather",
    "Unsqueeze",
    "Squeeze",
    "Concat",
    "Slice",
    "Add",
    "Sub",
    "Mul",
    "Div",
    "Reshape",
    "Transpose",
];

/// An axis (negative counts from the end) within `rank`.
fn axis(a: i64, rank: usize, node: &str, op: &str) -> Result<usize, ImportError> {
    let r = rank as i64;
    let v = if a < 0 { a + r } else { a };
    if (0..r.max(1)).contains(&v) {
        Ok(v as usize)
    } else {
        Err(ImportError::node(
            node,
            op,
            format!("axis {a} outside rank {rank}"),
        ))
    }
}

/// The shape `spec` asks of a tensor with `from` (ONNX's Reshape: 0 copies a dimension, −1 takes
/// what is left).
pub fn reshape_dims(from: &[usize], spec: &[i64], node: &str) -> Result<Vec<usize>, ImportError> {
    let total = from.iter().product::<usize>();
    let bad = |d: String| ImportError::node(node, "Reshape", d);
    let mut out = Vec::with_capacity(spec.len());
    let mut infer = None;
    for (i, &d) in spec.iter().enumerate() {
        match d {
            0 => out.push(
                *from
                    .get(i)
                    .ok_or_else(|| bad(format!("shape {spec:?}: no dimension {i} to copy")))?,
            ),
            -1 if infer.is_none() => {
                infer = Some(i);
                out.push(1);
            }
            d if d > 0 => out
                .push(usize::try_from(d).map_err(|_| bad(format!("shape {spec:?} is too large")))?),
            _ => return Err(bad(format!("shape {spec:?} is not valid"))),
        }
    }
    let known = out
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .ok_or_else(|| bad(format!("shape {spec:?} is too large")))?;
    if let Some(i) = infer {
        if known == 0 || total % known != 0 {
            return Err(bad(format!("cannot reshape {from:?} to {spec:?}")));
        }
        out[i] = total / known;
    } else if known != total {
        return Err(bad(format!("cannot reshape {from:?} to {spec:?}")));
    }
    Ok(out)
}

/// The most values one folded constant may hold: floats (a weight transposed at import, as
/// VGG-16's 102,760,448 of fc6 may be) and integers (shape arithmetic needs a few).
pub const MAX_FOLDED_FLOATS: usize = 1 << 27;
pub const MAX_FOLDED_INTS: usize = 1 << 24;

/// One value of `c` as f64, a one-element constant broadcast.
fn value(c: &Const, i: usize) -> f64 {
    let i = if c.len() == 1 { 0 } else { i };
    match &c.data {
        Data::F32(v) => v[i] as f64,
        Data::I64(v) => v[i] as f64,
    }
}

/// Element-wise arithmetic with NumPy broadcasting of a one-element operand (against an empty
/// one, the result is empty).
fn arith(op: &str, a: &Const, b: &Const, node: &str) -> Result<Const, ImportError> {
    let (dims, n) = if a.len() == 1 && b.len() != 1 {
        (b.dims.clone(), b.len())
    } else {
        (a.dims.clone(), a.len())
    };
    if a.len() != b.len() && a.len() != 1 && b.len() != 1 {
        return Err(ImportError::node(
            node,
            op,
            format!("constants of shapes {:?} and {:?}", a.dims, b.dims),
        ));
    }
    let int = matches!((&a.data, &b.data), (Data::I64(_), Data::I64(_)));
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (p, q) = (value(a, i), value(b, i));
        out.push(match op {
            "Add" => p + q,
            "Sub" => p - q,
            "Mul" => p * q,
            _ if int && q == 0.0 => {
                return Err(ImportError::node(
                    node,
                    op,
                    "integer division by zero".into(),
                ))
            }
            _ if int => (p / q).floor(),
            _ => p / q,
        });
    }
    Ok(if int {
        Const::i64(dims, out.into_iter().map(|v| v as i64).collect())
    } else {
        Const::f32(dims, out.into_iter().map(|v| v as f32).collect())
    })
}

/// Picks `idx` (row-major flat positions) out of `c` into a tensor of `dims`.
fn pick(c: &Const, dims: Vec<usize>, idx: &[usize]) -> Const {
    match &c.data {
        Data::F32(v) => Const::f32(dims, idx.iter().map(|&i| v[i]).collect()),
        Data::I64(v) => Const::i64(dims, idx.iter().map(|&i| v[i]).collect()),
    }
}

/// Evaluates `op` on constant inputs. `ins` are the node's inputs (None for an omitted optional
/// one); `budget` is how many values constants computed at import may still make. Returns None
/// when the operator is not one that folds.
pub fn fold(
    op: &str,
    node: &str,
    ins: &[Option<&Const>],
    attrs: &Attrs,
    opset: i64,
    budget: usize,
) -> Result<Option<Const>, ImportError> {
    if !FOLDED.contains(&op) {
        return Ok(None);
    }
    let bad = |d: String| ImportError::node(node, op, d);
    let need = |i: usize| -> Result<&Const, ImportError> {
        ins.get(i)
            .copied()
            .flatten()
            .ok_or_else(|| ImportError::node(node, op, format!("input {i} is missing")))
    };
    let ints_of = |c: &Const| c.ints().ok_or_else(|| bad("expects integers".into()));
    // Axes, shapes, starts and steps: a few integers.
    let few_ints = |c: &Const| {
        if c.len() > MAX_RANK {
            return Err(bad(format!("{} values where a few are expected", c.len())));
        }
        ints_of(c)
    };
    // What the result may hold, known before it is computed: no more values than the largest
    // input (a concatenation: their sum; a gather: its indices), as integers where it is.
    let present: Vec<&Const> = ins.iter().flatten().copied().collect();
    let is_int = |c: &Const| matches!(c.data, Data::I64(_));
    let most = match op {
        "Shape" => MAX_RANK,
        "Gather" => ins.get(1).copied().flatten().map_or(0, Const::len),
        "Concat" => present
            .iter()
            .try_fold(0usize, |n, c| n.checked_add(c.len()))
            .unwrap_or(usize::MAX),
        _ => present.iter().map(|c| c.len()).max().unwrap_or(0),
    };
    let ints = match op {
        "Shape" => true,
        "Cast" => match attrs.int("to", 1) {
            6 | 7 => true,
            1 | 10 | 11 => false,
            _ => present.first().is_some_and(|c| is_int(c)),
        },
        "Concat" | "Add" | "Sub" | "Mul" | "Div" => present.iter().all(|c| is_int(c)),
        _ => present.first().is_some_and(|c| is_int(c)),
    };
    let cap = if ints {
        MAX_FOLDED_INTS
    } else {
        MAX_FOLDED_FLOATS
    }
    .min(budget);
    if most > cap {
        return Err(bad(format!(
            "its result may hold {most} values: more than the {cap} a constant computed at \
             import may"
        )));
    }
    let out = match op {
        "Identity" => need(0)?.clone(),
        "Cast" => {
            let x = need(0)?;
            match attrs.int("to", 1) {
                1 | 10 | 11 => Const::f32(x.dims.clone(), x.floats()),
                6 | 7 => Const::i64(
                    x.dims.clone(),
                    x.floats().iter().map(|&v| v as i64).collect(),
                ),
                _ => x.clone(),
            }
        }
        "Shape" => {
            let x = need(0)?;
            let dims: Vec<i64> = x.dims.iter().map(|&d| d as i64).collect();
            Const::i64(vec![dims.len()], slice_range(&dims, attrs))
        }
        "Gather" => {
            let (x, i) = (need(0)?, need(1)?);
            if x.dims.len() != 1 || attrs.int("axis", 0) != 0 {
                return Err(bad("folds only a gather from a 1-D constant".into()));
            }
            let n = x.dims[0] as i64;
            let mut idx = Vec::new();
            for j in ints_of(i)? {
                let j = if j < 0 { j + n } else { j };
                if !(0..n).contains(&j) {
                    return Err(bad(format!("index {j} outside {n} values")));
                }
                idx.push(j as usize);
            }
            pick(x, i.dims.clone(), &idx)
        }
        "Unsqueeze" | "Squeeze" => {
            let x = need(0)?;
            let axes = if opset >= 13 {
                ins.get(1).copied().flatten().map(few_ints).transpose()?
            } else {
                attrs.ints("axes")
            };
            let mut dims = x.dims.clone();
            if op == "Unsqueeze" {
                let axes = axes.ok_or_else(|| bad("no axes".into()))?;
                let rank = dims.len() + axes.len();
                if rank > super::tensor::MAX_RANK {
                    return Err(bad(format!(
                        "{} axes added to rank {}",
                        axes.len(),
                        dims.len()
                    )));
                }
                let mut ax: Vec<usize> = axes
                    .iter()
                    .map(|&a| axis(a, rank, node, op))
                    .collect::<Result<_, _>>()?;
                ax.sort_unstable();
                for a in ax {
                    if a > dims.len() {
                        return Err(bad(format!("axis {a} outside rank {rank}")));
                    }
                    dims.insert(a, 1);
                }
            } else if let Some(axes) = axes {
                let mut ax: Vec<usize> = axes
                    .iter()
                    .map(|&a| axis(a, dims.len(), node, op))
                    .collect::<Result<_, _>>()?;
                ax.sort_unstable_by(|a, b| b.cmp(a));
                ax.dedup();
                for a in ax {
                    if dims.get(a) != Some(&1) {
                        return Err(bad(format!("axis {a} of {:?} is not 1", x.dims)));
                    }
                    dims.remove(a);
                }
            } else {
                dims.retain(|&d| d != 1);
            }
            Const {
                dims,
                data: x.data.clone(),
            }
        }
        "Concat" => {
            let parts: Vec<&Const> = ins.iter().flatten().copied().collect();
            if parts.iter().any(|c| c.dims.len() > 1) {
                return Err(bad("folds only 1-D constants".into()));
            }
            // Sized above (a file may name one constant a thousand times): built at its size.
            if ints {
                let mut v = Vec::with_capacity(most);
                for c in &parts {
                    v.extend(ints_of(c)?);
                }
                Const::i64(vec![most], v)
            } else {
                let mut v = Vec::with_capacity(most);
                for c in &parts {
                    v.extend(c.floats());
                }
                Const::f32(vec![most], v)
            }
        }
        "Slice" => {
            let x = need(0)?;
            if x.dims.len() != 1 {
                return Err(bad("folds only a slice of a 1-D constant".into()));
            }
            let (starts, ends, steps) = if opset >= 10 {
                let get = |i: usize| ins.get(i).copied().flatten().map(few_ints).transpose();
                (get(1)?, get(2)?, get(4)?)
            } else {
                (attrs.ints("starts"), attrs.ints("ends"), None)
            };
            let n = x.dims[0] as i64;
            let clampi = |v: i64, hi: i64| (if v < 0 { v + n } else { v }).clamp(0, hi);
            let step = steps.and_then(|s| s.first().copied()).unwrap_or(1);
            if step < 1 {
                return Err(bad(format!("step {step}")));
            }
            // A step past the end takes one value (and stays within a 32-bit usize).
            let step = step.min(n.max(1));
            let s = clampi(starts.and_then(|s| s.first().copied()).unwrap_or(0), n);
            let e = clampi(ends.and_then(|e| e.first().copied()).unwrap_or(n), n);
            let idx: Vec<usize> = (s..e).step_by(step as usize).map(|i| i as usize).collect();
            pick(x, vec![idx.len()], &idx)
        }
        "Add" | "Sub" | "Mul" | "Div" => arith(op, need(0)?, need(1)?, node)?,
        "Reshape" => {
            let (x, s) = (need(0)?, need(1)?);
            let dims = reshape_dims(&x.dims, &few_ints(s)?, node)?;
            Const {
                dims,
                data: x.data.clone(),
            }
        }
        "Transpose" => {
            let x = need(0)?;
            let perm = attrs.ints("perm");
            if x.dims.len() != 2 || !matches!(perm.as_deref(), None | Some([1, 0])) {
                return Err(bad("folds only the transpose of a matrix".into()));
            }
            let (r, c) = (x.dims[0], x.dims[1]);
            if x.is_empty() {
                return Ok(Some(Const {
                    dims: vec![c, r],
                    data: x.data.clone(),
                }));
            }
            let idx: Vec<usize> = (0..c)
                .flat_map(|j| (0..r).map(move |i| i * c + j))
                .collect();
            pick(x, vec![c, r], &idx)
        }
        _ => return Ok(None),
    };
    elements(&out.dims, node)?;
    Ok(Some(out))
}

/// A shape's dimensions between Shape's `start` and `end` attributes (opset 15).
pub fn slice_range(dims: &[i64], attrs: &Attrs) -> Vec<i64> {
    let n = dims.len() as i64;
    let at = |v: i64| (if v < 0 { v + n } else { v }).clamp(0, n) as usize;
    let (s, e) = (at(attrs.int("start", 0)), at(attrs.int("end", n)));
    if s >= e {
        return Vec::new();
    }
    dims[s..e].to_vec()
}

/// A `Constant` node's value: `value` (a tensor) or `value_float(s)` / `value_int(s)`.
pub fn constant(attrs: &Attrs, node: &str) -> Result<Const, ImportError> {
    if let Some(t) = attrs.tensor("value") {
        return Const::from_proto(t);
    }
    if attrs.has("value_float") {
        return Ok(Const::f32(vec![], vec![attrs.float("value_float", 0.0)]));
    }
    if attrs.has("value_int") {
        return Ok(Const::i64(vec![], vec![attrs.int("value_int", 0)]));
    }
    if let Some(v) = attrs.ints("value_ints") {
        elements(&[v.len()], node)?;
        return Ok(Const::i64(vec![v.len()], v));
    }
    if let Some(v) = attrs.floats("value_floats") {
        elements(&[v.len()], node)?;
        return Ok(Const::f32(vec![v.len()], v));
    }
    Err(ImportError::node(
        node,
        "Constant",
        "no value it can read".into(),
    ))
}
