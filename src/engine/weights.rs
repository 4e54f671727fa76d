//! A network's weights: named f32 tensors, checked against the keys and shapes its description
//! requires, with messages that name the key and both shapes.

use std::collections::HashMap;

use super::cpu::ParamSource;
use super::EngineError;
use crate::zoo::params::{ParamSpec, Role};
use crate::zoo::{analyse, params::param_specs, Network};

/// One tensor: shape and row-major f32 values.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedTensor {
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

/// Named tensors, as a checkpoint holds them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Weights {
    pub tensors: HashMap<String, NamedTensor>,
}

fn shape_text(s: &[usize]) -> String {
    format!(
        "[{}]",
        s.iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl Weights {
    pub fn insert(&mut self, key: impl Into<String>, shape: Vec<usize>, values: Vec<f32>) {
        self.tensors
            .insert(key.into(), NamedTensor { shape, values });
    }

    pub fn get(&self, key: &str) -> Option<&NamedTensor> {
        self.tensors.get(key)
    }

    /// The deterministic splitmix-v1 checkpoint of a network (see [`super::splitmix`]).
    pub fn splitmix(net: &Network) -> Weights {
        let mut w = Weights::default();
        for spec in param_specs(net, &analyse(net)) {
            let values = super::splitmix::tensor(&spec);
            w.insert(spec.key.clone(), spec.shape.clone(), values);
        }
        w
    }

    /// The weights a prepared network computes with, read back through its parameters (norms
    /// folded at preparation come back as identities): how a network prepared on one engine is
    /// prepared again on another without its checkpoint.
    pub fn from_params(net: &Network, params: &dyn ParamSource) -> Result<Weights, EngineError> {
        let mut w = Weights::default();
        for spec in param_specs(net, &analyse(net)) {
            if spec.role == Role::NumBatchesTracked {
                continue;
            }
            let values = params.param(&spec.key)?.flatten_all()?.to_vec1::<f32>()?;
            w.insert(spec.key, spec.shape, values);
        }
        Ok(w)
    }

    /// Checks that every tensor the network needs is here with its shape, and that nothing else
    /// is (`allow_extra` lists key prefixes tolerated, e.g. GoogLeNet's `aux1.`).
    pub fn check(&self, net: &Network, allow_extra: &[&str]) -> Result<(), EngineError> {
        let specs: Vec<ParamSpec> = param_specs(net, &analyse(net));
        let mut problems = Vec::new();
        for s in &specs {
            match self.tensors.get(&s.key) {
                None if s.role == Role::NumBatchesTracked => {}
                None => problems.push(format!(
                    "missing key '{}' (expected shape {})",
                    s.key,
                    shape_text(&s.shape)
                )),
                Some(t) if t.shape != s.shape && !(s.shape.is_empty() && t.values.len() == 1) => {
                    problems.push(format!(
                        "key '{}' has shape {} but {} needs {}",
                        s.key,
                        shape_text(&t.shape),
                        net.label,
                        shape_text(&s.shape)
                    ))
                }
                Some(_) => {}
            }
        }
        let mut extra: Vec<&String> = self
            .tensors
            .keys()
            .filter(|k| {
                !specs.iter().any(|s| &s.key == *k) && !allow_extra.iter().any(|p| k.starts_with(p))
            })
            .collect();
        extra.sort();
        for k in extra {
            let t = &self.tensors[k];
            problems.push(format!(
                "unexpected key '{k}' (shape {}) not used by {}",
                shape_text(&t.shape),
                net.label
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            let n = problems.len();
            let shown: Vec<String> = problems.into_iter().take(5).collect();
            let more = if n > 5 {
                format!(" … and {} more", n - 5)
            } else {
                String::new()
            };
            Err(EngineError::Checkpoint(format!(
                "this checkpoint does not fit {}: {}{more}",
                net.label,
                shown.join("; ")
            )))
        }
    }
}
