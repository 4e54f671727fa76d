//! A torchinfo-like summary of a network, as text for the terminal and as JSON, both derived
//! from the description and its analysis.

use crate::i18n::thousands;
use serde::Serialize;

use super::{analyse, Network};

/// One row of the summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryRow {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub output_shape: Vec<usize>,
    pub params: u64,
    pub macs: u64,
    pub activation_bytes: u64,
    pub receptive_field: Option<[usize; 2]>,
    pub jump: Option<[usize; 2]>,
    /// Input row and column of the top-left pixel of unit (0, 0)'s field (negative in the
    /// padding); unit (y, x)'s starts `jump` pixels further per step.
    pub rf_origin: Option<[i64; 2]>,
}

/// The whole summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub model: String,
    pub label: String,
    pub paper: String,
    pub input_shape: Vec<usize>,
    pub layers: Vec<SummaryRow>,
    pub total_params: u64,
    pub total_macs: u64,
    pub param_bytes: u64,
    pub forward_activations: u64,
    pub forward_bytes: u64,
}

/// Summarises a network (the input node is not a row).
pub fn summarise(net: &Network) -> Summary {
    let an = analyse(net);
    let layers = net
        .nodes
        .iter()
        .zip(&an.layers)
        .enumerate()
        .skip(1)
        .map(|(i, (n, l))| SummaryRow {
            name: n.name.clone(),
            kind: n.op.type_name().to_string(),
            output_shape: l.shape.clone(),
            params: l.params,
            macs: l.macs,
            activation_bytes: l.activation_bytes,
            receptive_field: l.rf,
            jump: l.jump,
            rf_origin: super::analysis::unit_field(&an, i, 0, 0).map(|f| [f.y0, f.x0]),
        })
        .collect();
    Summary {
        model: net.id.clone(),
        label: net.label.clone(),
        paper: net.paper.clone(),
        input_shape: an.layers[0].shape.clone(),
        layers,
        total_params: an.total_params,
        total_macs: an.total_macs,
        param_bytes: an.param_bytes,
        forward_activations: an.forward_activations,
        forward_bytes: an.forward_bytes,
    }
}

/// Bytes in binary units with one decimal: 553_432_081 → "527.8 MiB".
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// A shape as the page writes it: "64×112×112".
pub fn shape_text(s: &[usize]) -> String {
    s.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("×")
}

/// The summary as a text table.
pub fn to_text(s: &Summary) -> String {
    let mut out = format!(
        "{} — {}\n{}\ninput {}\n\n",
        s.model,
        s.label,
        s.paper,
        shape_text(&s.input_shape)
    );
    out += &format!(
        "{:<34} {:<18} {:>14} {:>14} {:>16} {:>11} {:>9} {:>6}\n",
        "layer", "type", "output", "params", "MACs", "act. mem", "RF", "jump"
    );
    for r in &s.layers {
        let rf = r
            .receptive_field
            .map(|[h, w]| format!("{h}×{w}"))
            .unwrap_or_default();
        let jump = r
            .jump
            .map(|[h, w]| {
                if h == w {
                    h.to_string()
                } else {
                    format!("{h}×{w}")
                }
            })
            .unwrap_or_default();
        out += &format!(
            "{:<34} {:<18} {:>14} {:>14} {:>16} {:>11} {:>9} {:>6}\n",
            r.name,
            r.kind,
            shape_text(&r.output_shape),
            thousands(r.params),
            thousands(r.macs),
            bytes(r.activation_bytes),
            rf,
            jump
        );
    }
    out += &format!(
        "\ntotal params {} ({} in fp32)\ntotal MACs   {}\nforward memory per image: {} activations, {} in fp32\n",
        thousands(s.total_params),
        bytes(s.param_bytes),
        thousands(s.total_macs),
        thousands(s.forward_activations),
        bytes(s.forward_bytes)
    );
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(crate::i18n::thousands(25557032), "25,557,032");
        assert_eq!(crate::i18n::thousands(999), "999");
        assert_eq!(crate::i18n::thousands(1000), "1,000");
        assert_eq!(super::bytes(1536), "1.5 KiB");
        assert_eq!(super::bytes(12), "12 B");
    }
}
