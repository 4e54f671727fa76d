//! What a checkpoint must hold for one network, known from its description before a single value
//! is read: every key with its shape, the key prefixes a published checkpoint may carry beside
//! them (read past, never kept), and how a file's names become the description's. The readers
//! check a file's list of tensors (a `.safetensors` header, a `.pth` pickle) against it first, so
//! that no file can make the page allocate more than the network needs.

use std::collections::HashMap;

use super::dtype::elements;
use crate::engine::weights::CheckpointError;
use crate::i18n::Msg;
use crate::zoo::params::{param_specs, ParamSpec, Role};
use crate::zoo::{analyse, Network};

/// How a file's tensor name becomes the description's (None: the name stays); with `reshape`,
/// the tensor may come in another shape of the same values, stored as the description's (timm's
/// VGG keeps its first classifier layer as a 7×7 convolution's weight).
pub type Rename = fn(&str) -> Option<Renamed>;

/// A file's name read as the description's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renamed {
    pub key: String,
    pub reshape: bool,
}

impl Renamed {
    pub fn to(key: String) -> Renamed {
        Renamed {
            key,
            reshape: false,
        }
    }
}

/// A network's checkpoint, as its description requires it.
#[derive(Clone)]
pub struct Expected {
    network: String,
    specs: Vec<ParamSpec>,
    index: HashMap<String, usize>,
    extra: Vec<String>,
    rename: Option<Rename>,
}

/// What a reader does with one of a file's tensors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Read it and keep it under the description's key, in this shape.
    Keep { key: String, shape: Vec<usize> },
    /// Read past it: a tensor published beside the network that it does not use.
    Skip,
}

/// Problems joined into one sentence, in the catalogue's way (`errors-list`); None for none.
fn joined(problems: impl DoubleEndedIterator<Item = Msg>) -> Option<Msg> {
    problems.rev().reduce(|rest, first| {
        Msg::new("errors-list")
            .arg("first", first)
            .arg("rest", rest)
    })
}

pub(crate) fn shape_text(s: &[usize]) -> String {
    format!(
        "[{}]",
        s.iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl Expected {
    /// The checkpoint of `net`; keys starting with one of `extra` may be present and are skipped.
    pub fn new(net: &Network, extra: &[&str]) -> Expected {
        let specs = param_specs(net, &analyse(net));
        let index = specs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.key.clone(), i))
            .collect();
        Expected {
            network: net.label.clone(),
            specs,
            index,
            extra: extra.iter().map(|p| p.to_string()).collect(),
            rename: None,
        }
    }

    /// The same, reading a file's names through `rename` first.
    pub fn renaming(mut self, rename: Rename) -> Expected {
        self.rename = Some(rename);
        self
    }

    /// The network's name, for messages.
    pub fn network(&self) -> &str {
        &self.network
    }

    /// The tensors the network's checkpoint holds.
    pub fn tensors(&self) -> usize {
        self.specs.len()
    }

    /// The values the network's checkpoint holds in all.
    pub fn values(&self) -> u64 {
        self.specs
            .iter()
            .map(|s| s.shape.iter().product::<usize>() as u64)
            .sum()
    }

    /// The description's key for a file's name.
    fn key_of(&self, name: &str) -> Renamed {
        self.rename
            .and_then(|r| r(name))
            .unwrap_or_else(|| Renamed::to(name.to_string()))
    }

    /// Checks a file's tensors (name and shape each, in the file's order) against the network:
    /// every key it needs present once with its shape, nothing it does not know. Returns what to
    /// do with each tensor, or one message with the first five problems and a count of the rest.
    pub fn plan<'a>(
        &self,
        tensors: impl IntoIterator<Item = (&'a str, &'a [usize])>,
    ) -> Result<Vec<Plan>, CheckpointError> {
        let mut plans = Vec::new();
        let mut found: Vec<Option<Vec<usize>>> = vec![None; self.specs.len()];
        let mut wrong: Vec<Option<Vec<usize>>> = vec![None; self.specs.len()];
        let mut stray: Vec<(String, Msg)> = Vec::new();
        for (name, shape) in tensors {
            let Renamed { key, reshape } = self.key_of(name);
            match self.index.get(&key) {
                Some(&i) => {
                    let want = &self.specs[i].shape;
                    let fits = shape == want.as_slice()
                        || (want.is_empty() && elements(shape) == Some(1))
                        || (reshape && elements(shape) == elements(want));
                    if found[i].is_some() || wrong[i].is_some() {
                        stray.push((
                            key.clone(),
                            Msg::new("errors-checkpoint-duplicate-key").arg("key", &key),
                        ));
                        plans.push(Plan::Skip);
                    } else if fits {
                        found[i] = Some(shape.to_vec());
                        let shape = if reshape {
                            want.clone()
                        } else {
                            shape.to_vec()
                        };
                        plans.push(Plan::Keep { key, shape });
                    } else {
                        wrong[i] = Some(shape.to_vec());
                        plans.push(Plan::Skip);
                    }
                }
                None if self
                    .extra
                    .iter()
                    .any(|p| name.starts_with(p.as_str()) || key.starts_with(p.as_str())) =>
                {
                    plans.push(Plan::Skip)
                }
                None => {
                    stray.push((
                        key.clone(),
                        Msg::new("errors-checkpoint-unexpected-key")
                            .arg("key", &key)
                            .arg("shape", shape_text(shape))
                            .arg("network", &self.network),
                    ));
                    plans.push(Plan::Skip);
                }
            }
        }
        let mut problems = Vec::new();
        for (i, s) in self.specs.iter().enumerate() {
            if let Some(got) = &wrong[i] {
                problems.push(
                    Msg::new("errors-checkpoint-wrong-shape")
                        .arg("key", &s.key)
                        .arg("got", shape_text(got))
                        .arg("network", &self.network)
                        .arg("want", shape_text(&s.shape)),
                );
            } else if found[i].is_none() && s.role != Role::NumBatchesTracked {
                problems.push(
                    Msg::new("errors-checkpoint-missing-key")
                        .arg("key", &s.key)
                        .arg("shape", shape_text(&s.shape)),
                );
            }
        }
        stray.sort_by(|a, b| a.0.cmp(&b.0));
        problems.extend(stray.into_iter().map(|(_, m)| m));
        let n = problems.len();
        match joined(problems.into_iter().take(5)) {
            None => Ok(plans),
            Some(shown) => Err(CheckpointError(
                Msg::new("errors-checkpoint-mismatch")
                    .arg("network", &self.network)
                    .arg("problems", shown)
                    .arg("more", n.saturating_sub(5)),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_list_is_planned_before_any_value_is_read() {
        let net = crate::zoo::build("googlenet").unwrap();
        let e = Expected::new(&net, &["aux1."]);
        let specs = param_specs(&net, &analyse(&net));
        let mut list: Vec<(String, Vec<usize>)> = specs
            .iter()
            .filter(|s| s.role != Role::NumBatchesTracked)
            .map(|s| (s.key.clone(), s.shape.clone()))
            .collect();
        list.push(("aux1.fc1.weight".into(), vec![1024, 2048]));
        fn view(l: &[(String, Vec<usize>)]) -> Vec<(&str, &[usize])> {
            l.iter().map(|(k, s)| (k.as_str(), s.as_slice())).collect()
        }
        let plans = e.plan(view(&list)).unwrap();
        assert_eq!(plans.last(), Some(&Plan::Skip));
        assert_eq!(
            plans[0],
            Plan::Keep {
                key: specs[0].key.clone(),
                shape: specs[0].shape.clone()
            }
        );
        // A huge shape is refused by name, before anything is allocated.
        list[0].1 = vec![1 << 30];
        let en = e.plan(view(&list)).unwrap_err().to_string();
        assert!(en.contains("has shape [1073741824]"), "{en}");
        // The same key twice is a problem, not a silent overwrite.
        list[0].1 = specs[0].shape.clone();
        list.push(list[1].clone());
        let en = e.plan(view(&list)).unwrap_err().to_string();
        assert!(en.contains("appears twice"), "{en}");
    }
}
