//! How a checkpoint reads digits: the MNIST test set (accuracy, errors, confusion) and the
//! held-out sets of digits drawn on the pad, each person's figure included.

use serde::Serialize;

use super::session::batch_tensor;
use crate::digits::{drawn_input, pad_to_32, DrawnSet};
use crate::engine::cpu::forward_tensors;
use crate::engine::{EngineError, Weights};
use crate::mnist::Mnist;
use crate::zoo::Network;

/// Classifies the test set with a checkpoint; returns (accuracy, errors, confusion).
pub fn evaluate(
    net: &Network,
    weights: &Weights,
    test: &Mnist,
) -> Result<(f64, usize, Vec<Vec<u32>>), EngineError> {
    let params = crate::engine::cpu::CheckpointParams(weights);
    let mut confusion = vec![vec![0u32; 10]; 10];
    let mut errors = 0;
    for start in (0..test.len()).step_by(500) {
        let n = 500.min(test.len() - start);
        let mut buf = Vec::with_capacity(n * 1024);
        for i in start..start + n {
            buf.extend(pad_to_32(test.image(i)));
        }
        let outs = forward_tensors(net, &batch_tensor(&buf, n)?, &params, &[net.output()])?;
        let pred = outs[net.output()]
            .as_ref()
            .expect("output kept")
            .argmax(1)?
            .to_vec1::<u32>()?;
        for (k, p) in pred.into_iter().enumerate() {
            let t = test.labels[start + k] as usize;
            confusion[t][p as usize] += 1;
            if p as usize != t {
                errors += 1;
            }
        }
    }
    Ok((1.0 - errors as f64 / test.len() as f64, errors, confusion))
}

/// How a checkpoint reads the digits of a drawn set, each rasterised as the pad draws it and
/// preprocessed as the page does ([`crate::digits::drawn_input`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DrawnScore {
    /// Where the set comes from (its generator and seed).
    pub set: String,
    pub digits: usize,
    pub accuracy: f64,
    pub errors: usize,
    /// `confusion[true][predicted]`.
    pub confusion: Vec<Vec<u32>>,
    /// The misread digits: `label→predicted (style)`.
    pub misread: Vec<String>,
    /// Each person's figure, for a set drawn by several (`drawn_hands.json`), in the set's order.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub hands: Vec<HandScore>,
}

/// How one person's digits were read.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct HandScore {
    pub hand: String,
    pub digits: usize,
    pub errors: usize,
    pub accuracy: f64,
}

/// Classifies every digit of a drawn set with a checkpoint.
pub fn evaluate_drawn(
    net: &Network,
    weights: &Weights,
    set: &DrawnSet,
) -> Result<DrawnScore, EngineError> {
    let params = crate::engine::cpu::CheckpointParams(weights);
    let mut buf = Vec::with_capacity(set.digits.len() * 1024);
    for d in &set.digits {
        buf.extend(drawn_input(d).unwrap_or_else(|| vec![0.0; 1024]));
    }
    let outs = forward_tensors(
        net,
        &batch_tensor(&buf, set.digits.len())?,
        &params,
        &[net.output()],
    )?;
    let pred = outs[net.output()]
        .as_ref()
        .expect("output kept")
        .argmax(1)?
        .to_vec1::<u32>()?;
    let mut confusion = vec![vec![0u32; 10]; 10];
    let mut misread = Vec::new();
    let mut hands: Vec<HandScore> = Vec::new();
    for (d, p) in set.digits.iter().zip(pred) {
        confusion[d.label as usize][p as usize] += 1;
        let wrong = p != d.label as u32;
        if wrong {
            misread.push(match &d.hand {
                Some(h) => format!("{}→{p} ({h}, {})", d.label, d.style),
                None => format!("{}→{p} ({})", d.label, d.style),
            });
        }
        if let Some(h) = &d.hand {
            let at = match hands.iter().position(|s| &s.hand == h) {
                Some(i) => i,
                None => {
                    hands.push(HandScore {
                        hand: h.clone(),
                        digits: 0,
                        errors: 0,
                        accuracy: 0.0,
                    });
                    hands.len() - 1
                }
            };
            hands[at].digits += 1;
            hands[at].errors += usize::from(wrong);
        }
    }
    for h in &mut hands {
        h.accuracy = 1.0 - h.errors as f64 / h.digits.max(1) as f64;
    }
    let n = set.digits.len();
    Ok(DrawnScore {
        set: format!("{} (seed {})", set.generator, set.seed),
        digits: n,
        accuracy: 1.0 - misread.len() as f64 / n.max(1) as f64,
        errors: misread.len(),
        confusion,
        misread,
        hands,
    })
}
