//! A network's weights: named f32 tensors, checked against the keys and shapes its description
//! requires, with messages that name the key and both shapes.

use std::collections::HashMap;

use super::checkpoint::dtype::elements;
use super::checkpoint::expected::{shape_text, Expected};
use super::cpu::ParamSource;
use super::EngineError;
use crate::i18n::Msg;
use crate::zoo::params::Role;
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

/// A checkpoint that cannot be read, or does not fit its network, said for the reader: the page
/// shows it in the reader's language, `Display` gives English (the command line, the tests).
#[derive(Clone, Debug, PartialEq)]
pub struct CheckpointError(pub Msg);

impl CheckpointError {
    pub fn new(msg: Msg) -> CheckpointError {
        CheckpointError(msg)
    }
}

impl std::fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.en())
    }
}

impl std::error::Error for CheckpointError {}

impl From<CheckpointError> for EngineError {
    fn from(e: CheckpointError) -> Self {
        EngineError::Checkpoint(e.0.en())
    }
}

/// A tensor the numeric back end could not convert (its text is a developer's detail).
impl From<candle_core::Error> for CheckpointError {
    fn from(e: candle_core::Error) -> Self {
        CheckpointError(Msg::new("errors-checkpoint-convert").arg("detail", e.to_string()))
    }
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

    /// The weights a network's parameters hold (trained variables, any [`ParamSource`]), under
    /// its checkpoint's keys. A prepared network gives its own with `Prepared::weights`.
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

    /// Checks that every tensor the network needs is here with its shape and exactly as many
    /// values as its shape holds, and that nothing else is (`allow_extra` lists key prefixes
    /// tolerated, e.g. GoogLeNet's `aux1.`): what every engine asks before it prepares, so that
    /// no kernel ever sees a tensor shorter or longer than its shape.
    pub fn check(&self, net: &Network, allow_extra: &[&str]) -> Result<(), CheckpointError> {
        let mut keys: Vec<&String> = self.tensors.keys().collect();
        keys.sort();
        let listed = keys
            .iter()
            .map(|k| (k.as_str(), self.tensors[*k].shape.as_slice()));
        Expected::new(net, allow_extra).plan(listed)?;
        for k in keys {
            let t = &self.tensors[k];
            if elements(&t.shape) != Some(t.values.len()) {
                return Err(CheckpointError(
                    Msg::new("errors-checkpoint-values")
                        .arg("key", k)
                        .arg("count", t.values.len().to_string())
                        .arg("shape", shape_text(&t.shape)),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// The reader's message lists the first five problems and counts the rest, in each language.
    #[test]
    fn a_checkpoint_that_does_not_fit_says_so_in_both_languages() {
        let net = crate::zoo::build("lenet5").unwrap();
        let mut w = Weights::splitmix(&net);
        let first = param_specs(&net, &analyse(&net))[0].key.clone();
        w.tensors.remove(&first);
        for i in 0..6 {
            w.insert(format!("extra.{i}"), vec![2], vec![0.0, 0.0]);
        }
        let e = w.check(&net, &[]).unwrap_err();
        let en = e.to_string();
        assert!(
            en.starts_with(&format!(
                "this checkpoint does not fit LeNet-5: missing key '{first}'"
            )),
            "{en}"
        );
        assert!(
            en.contains("; unexpected key 'extra.0' (shape [2]) not used by LeNet-5"),
            "{en}"
        );
        assert!(en.ends_with(" … and 2 more"), "{en}");
        let zh = e.0.text(Lang::Zh);
        assert!(
            zh.contains("缺少键") && zh.contains("；") && zh.ends_with("另有 2 处"),
            "{zh}"
        );
        assert!(!zh.contains("errors-"), "{zh}");
        // Exactly five problems: nothing counted beyond them.
        w.tensors.remove("extra.5");
        w.tensors.remove("extra.4");
        let en = w.check(&net, &[]).unwrap_err().to_string();
        assert!(en.ends_with("not used by LeNet-5"), "{en}");
    }

    /// Values that disagree with their shape (what overlapping offsets used to produce) are
    /// refused by every engine's preparation, before a kernel sees them: the packed engine
    /// asserted, or indexed out of bounds, on such tensors.
    #[test]
    fn values_that_do_not_fill_their_shape_are_refused() {
        use crate::engine::{packed::PackedEngine, Engine};
        let net = crate::zoo::build("lenet5").unwrap();
        let mut w = Weights::splitmix(&net);
        w.tensors.get_mut("c3.weight").unwrap().values.truncate(100);
        let en = w.check(&net, &[]).unwrap_err().to_string();
        assert_eq!(
            en,
            "tensor 'c3.weight' holds 100 values, not the number its shape [16, 6, 5, 5] holds"
        );
        let e = PackedEngine.prepare(&net, w).err().unwrap().to_string();
        assert!(e.contains("holds 100 values"), "{e}");
    }
}
