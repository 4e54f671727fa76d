//! The networks the Web Worker holds: each prepared once (on the CPU engine, and on the GPU while
//! that engine is used), with its last input and the node outputs asked for since. Together they
//! stay within a bound: beyond it the least recently used networks are unloaded, and where their
//! weights came from is remembered so the page can offer them again. No browser API here, so the
//! rules are tested natively (`cargo test --lib held`).

use std::collections::HashMap;

use crate::engine::{Activations, Prepared};

/// Where a held network's weights came from: how the page named it, the address (empty for
/// bytes the page sent), whether from the Cache API, whether kept there.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Origin {
    pub label: String,
    pub url: String,
    pub from_cache: bool,
    pub cached: bool,
}

/// A prepared network the worker holds, with what its last run left.
pub struct Held {
    /// On the CPU engine (always: gradients, and the fallback).
    pub net: Box<dyn Prepared>,
    /// On the WebGPU engine, while that engine is the one in use.
    pub gpu: Option<Box<dyn Prepared>>,
    pub origin: Origin,
    /// When it was last used (the holder's clock), for eviction.
    used: u64,
    /// The input of the last run (a prepared photo, a digit), for layer outputs and gradients.
    input: Option<Vec<f32>>,
    /// Node outputs of that input computed so far: (shape, values).
    outputs: HashMap<usize, (Vec<usize>, Vec<f32>)>,
    /// The most the node outputs may take before the older ones are forgotten.
    output_budget: u64,
}

impl Held {
    /// Bytes of the node outputs kept.
    pub fn cached_bytes(&self) -> u64 {
        self.outputs.values().map(|(_, v)| v.len() as u64 * 4).sum()
    }

    /// Bytes counted against the bound: the prepared weights and the node outputs kept.
    pub fn bytes(&self) -> u64 {
        self.net.memory_bytes() + self.cached_bytes()
    }

    /// The input of the last run.
    pub fn input(&self) -> Option<&[f32]> {
        self.input.as_deref()
    }

    /// A new input: the outputs of the last one are forgotten.
    pub fn set_input(&mut self, input: Vec<f32>) {
        self.input = Some(input);
        self.outputs.clear();
    }

    /// A node's output for the last input, if computed.
    pub fn output(&self, node: usize) -> Option<&(Vec<usize>, Vec<f32>)> {
        self.outputs.get(&node)
    }

    /// Which of `nodes` are not computed yet for the last input.
    pub fn missing(&self, nodes: &[usize]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for &i in nodes {
            if !self.outputs.contains_key(&i) && !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }

    /// Keeps the outputs of `nodes` (in the order `acts` holds them). When the outputs already
    /// kept exceed the budget, all but the network's output are forgotten first.
    pub fn keep(&mut self, nodes: &[usize], acts: Activations) {
        if self.cached_bytes() > self.output_budget {
            let output = self.net.network().output();
            self.outputs.retain(|&k, _| k == output);
        }
        for ((&id, shape), values) in nodes.iter().zip(acts.shapes).zip(acts.values) {
            self.outputs.insert(id, (shape, values));
        }
    }
}

/// The held networks, by the page's id for them, within a bound.
pub struct Holder {
    held: HashMap<String, Held>,
    clock: u64,
    /// The most the prepared networks may hold together.
    budget: u64,
    /// The most one network's node outputs may take.
    output_budget: u64,
    /// Networks unloaded to stay within the bound, and where their weights came from.
    gone: HashMap<String, Origin>,
}

impl Holder {
    pub fn new(budget: u64, output_budget: u64) -> Holder {
        Holder {
            held: HashMap::new(),
            clock: 0,
            budget,
            output_budget,
            gone: HashMap::new(),
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// Forgets `model` (before it is loaded again, so that two copies are never held).
    pub fn remove(&mut self, model: &str) {
        self.held.remove(model);
    }

    /// Holds a newly prepared network (replacing one of the same id) and unloads the least
    /// recently used others while the bound is exceeded; returns the ids unloaded, oldest first.
    pub fn insert(&mut self, model: &str, net: Box<dyn Prepared>, origin: Origin) -> Vec<String> {
        let used = self.tick();
        self.gone.remove(model);
        self.held.insert(
            model.to_string(),
            Held {
                net,
                gpu: None,
                origin,
                used,
                input: None,
                outputs: HashMap::new(),
                output_budget: self.output_budget,
            },
        );
        self.evict(model)
    }

    /// Unloads the least recently used networks while the held ones take more than the bound;
    /// `keep` is never unloaded.
    pub fn evict(&mut self, keep: &str) -> Vec<String> {
        let mut gone = Vec::new();
        while self.bytes() > self.budget {
            let Some(oldest) = self
                .held
                .iter()
                .filter(|(m, _)| m.as_str() != keep)
                .min_by_key(|(_, h)| h.used)
                .map(|(m, _)| m.clone())
            else {
                break;
            };
            if let Some(h) = self.held.remove(&oldest) {
                self.gone.insert(oldest.clone(), h.origin);
            }
            gone.push(oldest);
        }
        gone
    }

    /// Bytes the held networks take together (what the bound counts).
    pub fn bytes(&self) -> u64 {
        self.held.values().map(Held::bytes).sum()
    }

    /// A held network, marked as used now.
    pub fn touch(&mut self, model: &str) -> Option<&mut Held> {
        let now = self.tick();
        let h = self.held.get_mut(model)?;
        h.used = now;
        Some(h)
    }

    /// A held network, without marking it used.
    pub fn get(&self, model: &str) -> Option<&Held> {
        self.held.get(model)
    }

    /// Every held network (to put them on the GPU or take them off).
    pub fn all_mut(&mut self) -> impl Iterator<Item = &mut Held> {
        self.held.values_mut()
    }

    /// Where the weights of a network unloaded to stay within the bound came from.
    pub fn gone(&self, model: &str) -> Option<&Origin> {
        self.gone.get(model)
    }

    /// The ids held, least recently used first.
    pub fn by_age(&self) -> Vec<String> {
        let mut ids: Vec<(&String, u64)> = self.held.iter().map(|(m, h)| (m, h.used)).collect();
        ids.sort_by_key(|&(_, used)| used);
        ids.into_iter().map(|(m, _)| m.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::packed::PackedEngine;
    use crate::engine::{splitmix, Engine, Weights};
    use crate::zoo::nets;

    /// LeNet-5 prepared on the CPU engine with splitmix weights.
    fn lenet() -> Box<dyn Prepared> {
        let net = nets::build("lenet5").expect("lenet5 in the zoo");
        let weights = Weights::splitmix(&net);
        PackedEngine.prepare(&net, weights).unwrap()
    }

    fn origin(label: &str) -> Origin {
        Origin {
            label: label.into(),
            url: format!("https://example.org/{label}"),
            from_cache: false,
            cached: true,
        }
    }

    #[test]
    fn the_least_recently_used_networks_go_first_and_are_remembered() {
        let one = lenet().memory_bytes();
        // Room for three LeNets.
        let mut h = Holder::new(3 * one + one / 2, 1 << 20);
        assert!(h.insert("a", lenet(), origin("a")).is_empty());
        assert!(h.insert("b", lenet(), origin("b")).is_empty());
        assert!(h.insert("c", lenet(), origin("c")).is_empty());
        assert!(h.touch("a").is_some()); // a is now the most recent
        assert_eq!(h.insert("d", lenet(), origin("d")), ["b"]);
        assert_eq!(h.by_age(), ["c", "a", "d"]);
        assert!(h.get("b").is_none());
        assert_eq!(h.gone("b"), Some(&origin("b")));
        // Loading it again takes it off the list of the unloaded.
        assert_eq!(h.insert("b", lenet(), origin("b")), ["c"]);
        assert!(h.gone("b").is_none());
        assert!(h.bytes() <= 3 * one + one / 2);
    }

    #[test]
    fn the_network_just_loaded_stays_even_over_the_bound() {
        let one = lenet().memory_bytes();
        let mut h = Holder::new(one / 2, 1 << 20);
        assert!(h.insert("a", lenet(), origin("a")).is_empty());
        assert_eq!(h.insert("b", lenet(), origin("b")), ["a"]);
        assert_eq!(h.by_age(), ["b"]);
    }

    #[test]
    fn node_outputs_count_against_the_bound_and_go_with_their_network() {
        let one = lenet().memory_bytes();
        let mut h = Holder::new(2 * one + 1024, 1 << 20);
        h.insert("a", lenet(), origin("a"));
        h.insert("b", lenet(), origin("b"));
        let a = h.touch("a").unwrap();
        let input = splitmix::input(32 * 32);
        a.set_input(input.clone());
        assert_eq!(a.missing(&[1, 2, 1]), [1, 2]);
        let acts = a.net.run(&input, &[1, 2]).unwrap();
        let kept: u64 = acts.values.iter().map(|v| v.len() as u64 * 4).sum();
        a.keep(&[1, 2], acts);
        assert_eq!(a.cached_bytes(), kept);
        assert!(a.missing(&[1, 2]).is_empty());
        assert_eq!(a.output(1).unwrap().0, vec![6, 28, 28]);
        // (A run may grow the engine's scratch buffers: they count too.)
        let a_bytes = h.get("a").unwrap().net.memory_bytes();
        assert_eq!(h.bytes(), a_bytes + one + kept);
        // The outputs put the two over the bound: the next load unloads "b" (older than "a"'s
        // use), then "a" with its outputs.
        let evicted = h.insert("c", lenet(), origin("c"));
        assert_eq!(evicted, ["b", "a"]);
        assert_eq!(h.bytes(), one);
        assert!(h.get("a").is_none());
    }

    #[test]
    fn a_new_input_forgets_the_outputs_and_the_budget_trims_them() {
        let mut h = Holder::new(u64::MAX, 1);
        h.insert("a", lenet(), origin("a"));
        let a = h.touch("a").unwrap();
        let input = splitmix::input(32 * 32);
        a.set_input(input.clone());
        let out = a.net.network().output();
        let acts = a.net.run(&input, &[1, out]).unwrap();
        a.keep(&[1, out], acts);
        // Over the (one-byte) budget: the next outputs kept drop all but the network's output.
        let acts = a.net.run(&input, &[2]).unwrap();
        a.keep(&[2], acts);
        assert!(a.output(1).is_none());
        assert!(a.output(out).is_some() && a.output(2).is_some());
        a.set_input(input);
        assert_eq!(a.cached_bytes(), 0);
        assert!(a.input().is_some());
    }
}
