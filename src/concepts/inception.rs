//! The Inception module step by step (Szegedy et al., "Going Deeper with Convolutions", CVPR 2015,
//! figure 2 and Table 1): for a module of a GoogLeNet description, the nine steps from its input
//! through each branch to the concatenation, with each step's nodes, output shape, parameters,
//! multiply-adds and the running depth of the concatenation; and the cost of a module with and
//! without its 1×1 bottlenecks, term by term, from module networks built by the zoo.

use crate::i18n::{Lang, Msg};
use crate::zoo::graph::{Network, NodeId, Op, PoolKind};
use crate::zoo::nets::googlenet::{inc, module_alone, Inception};
use crate::zoo::{analyse, Analysis};

/// The steps' keys, in order: the diagram's `data-branch` values.
pub const STEP_KEYS: [&str; 9] = [
    "input",
    "branch1",
    "branch2.0",
    "branch2.1",
    "branch3.0",
    "branch3.1",
    "branch4.0",
    "branch4.1",
    "concat",
];

/// One step of the walk through a module.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// One of [`STEP_KEYS`].
    pub key: &'static str,
    /// "Branch 2: 3×3 convolution, 128 filters".
    pub title: Msg,
    /// A label for the diagram's box ("3×3 conv · 128").
    pub short: Msg,
    /// A note on the step (where torchvision departs from the paper, what a reduction saves).
    pub note: Option<Msg>,
    /// The nodes this step runs (empty for the input).
    pub nodes: Vec<NodeId>,
    /// The node whose output the step shows.
    pub output: NodeId,
    pub shape: Vec<usize>,
    pub params: u64,
    pub macs: u64,
    /// Channels of the concatenation once this step is done (branches finished so far).
    pub depth: usize,
}

/// The Inception modules of a network, in order (blocks named `inception…`).
pub fn modules(net: &Network) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in &net.nodes {
        if n.block.starts_with("inception") && !out.contains(&n.block) {
            out.push(n.block.clone());
        }
    }
    out
}

fn in_step(name: &str, prefix: &str) -> bool {
    name == prefix
        || name
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The steps of `module` in `net`, or None when the network has no such module.
pub fn steps(net: &Network, an: &Analysis, module: &str) -> Option<Vec<Step>> {
    let cat = net
        .nodes
        .iter()
        .position(|n| n.name == format!("{module}.cat"))?;
    let first = net.nodes.iter().position(|n| n.block == module)?;
    let input = net.nodes[first].inputs[0];
    let in_shape = an.layers[input].shape.clone();
    let mut out = Vec::with_capacity(STEP_KEYS.len());
    let mut depth = 0;
    let torchvision = net.nodes.iter().any(|n| {
        matches!(n.op, Op::BatchNorm2d { .. }) && n.name.starts_with(&format!("{module}."))
    });
    for key in STEP_KEYS {
        let (nodes, output): (Vec<NodeId>, NodeId) = match key {
            "input" => (vec![], input),
            "concat" => (vec![cat], cat),
            _ => {
                let prefix = format!("{module}.{key}");
                let nodes: Vec<NodeId> = (first..cat)
                    .filter(|&i| in_step(&net.nodes[i].name, &prefix))
                    .collect();
                let last = *nodes.last()?;
                (nodes, last)
            }
        };
        let shape = an.layers[output].shape.clone();
        let params = nodes.iter().map(|&i| an.layers[i].params).sum();
        let macs = nodes.iter().map(|&i| an.layers[i].macs).sum();
        // Branch outputs that the concatenation reads.
        if net.nodes[cat].inputs.contains(&output) {
            depth += shape[0];
        }
        let conv = nodes.iter().find_map(|&i| match &net.nodes[i].op {
            Op::Conv2d(c) => Some(c.clone()),
            _ => None,
        });
        let (title, note) = match (key, conv) {
            ("input", _) => (
                Msg::new("concepts-inception-input-title")
                    .arg("c", in_shape[0])
                    .arg("h", in_shape[1])
                    .arg("w", in_shape[2]),
                Some(Msg::new("concepts-inception-input-note")),
            ),
            ("concat", _) => {
                let parts: Vec<String> = net.nodes[cat]
                    .inputs
                    .iter()
                    .map(|&i| an.layers[i].shape[0].to_string())
                    .collect();
                (
                    Msg::new("concepts-inception-concat-title")
                        .arg("parts", parts.join(" + "))
                        .arg("c", shape[0])
                        .arg("h", shape[1])
                        .arg("w", shape[2]),
                    Some(Msg::new("concepts-inception-concat-note")),
                )
            }
            ("branch4.0", _) => {
                let pool = match &net.nodes[output].op {
                    Op::Pool2d(p) => p.clone(),
                    _ => return None,
                };
                let title = if pool.kind == PoolKind::Max {
                    Msg::new("concepts-inception-pool-title-max")
                } else {
                    Msg::new("concepts-inception-pool-title-avg")
                };
                (
                    title
                        .arg("kh", pool.kernel[0])
                        .arg("kw", pool.kernel[1])
                        .arg("stride", pool.stride[0])
                        .arg("padding", pool.padding[0]),
                    Some(Msg::new("concepts-inception-pool-note").arg("c", shape[0])),
                )
            }
            (_, Some(c)) => {
                let k = c.kernel[0];
                let branch = &key[6..7];
                let reduce = key.ends_with(".0");
                let title = if reduce {
                    Msg::new("concepts-inception-reduce-title")
                        .arg("branch", branch)
                        .arg("c", c.out_channels)
                } else if key == "branch4.1" {
                    Msg::new("concepts-inception-proj-title").arg("c", c.out_channels)
                } else {
                    Msg::new("concepts-inception-conv-title")
                        .arg("branch", branch)
                        .arg("k", k)
                        .arg("c", c.out_channels)
                };
                let note = if key == "branch3.1" && torchvision && k == 3 {
                    Some(Msg::new("concepts-inception-torchvision-note"))
                } else if reduce {
                    let m = if key == "branch2.0" {
                        Msg::new("concepts-inception-reduce-note-3x3")
                    } else {
                        Msg::new("concepts-inception-reduce-note-next")
                    };
                    Some(
                        m.arg("in", in_shape[0])
                            .arg("out", c.out_channels)
                            .arg("ratio", format_ratio(in_shape[0], c.out_channels)),
                    )
                } else {
                    None
                };
                (title, note)
            }
            _ => return None,
        };
        let short = match (key, &net.nodes[output].op) {
            ("input", _) => Msg::new("concepts-inception-short-input").arg("c", shape[0]),
            ("concat", _) => Msg::new("concepts-inception-short-concat").arg("c", shape[0]),
            ("branch4.0", Op::Pool2d(p)) => if p.kind == PoolKind::Max {
                Msg::new("concepts-inception-short-pool-max")
            } else {
                Msg::new("concepts-inception-short-pool-avg")
            }
            .arg("kh", p.kernel[0])
            .arg("kw", p.kernel[1]),
            _ => {
                let k = nodes
                    .iter()
                    .find_map(|&i| match &net.nodes[i].op {
                        Op::Conv2d(c) => Some(c.kernel[0]),
                        _ => None,
                    })
                    .unwrap_or(1);
                let what = match key {
                    "branch2.0" | "branch3.0" => Msg::new("concepts-inception-short-reduce"),
                    "branch4.1" => Msg::new("concepts-inception-short-proj"),
                    _ => Msg::new("concepts-inception-short-conv"),
                };
                what.arg("k", k).arg("c", shape[0])
            }
        };
        out.push(Step {
            key,
            title,
            short,
            note,
            nodes,
            output,
            shape,
            params,
            macs,
            depth,
        });
    }
    Some(out)
}

fn format_ratio(a: usize, b: usize) -> String {
    let r = a as f64 / b as f64;
    if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round())
    } else {
        format!("{r:.1}")
    }
}

/// One term of a module's cost: a convolution's multiply-adds.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// "3×3 conv, 192" as the slides write it.
    pub label: Msg,
    /// H·W·filters·k·k·input depth, spelt out ("28·28·192 · 3·3·64").
    pub formula: String,
    pub macs: u64,
    pub branch: String,
}

/// A module's cost, term by term.
#[derive(Clone, Debug, PartialEq)]
pub struct Cost {
    pub terms: Vec<Term>,
    pub total: u64,
    pub params: u64,
    /// Output depth of the concatenation.
    pub depth: usize,
}

/// The cost of a module (with or without its 1×1 reductions) on `input` maps, read off the
/// analysis of the module built alone.
pub fn cost(m: &Inception, input: [usize; 3], reduced: bool) -> Cost {
    let net = module_alone(m, input, reduced);
    let an = analyse(&net);
    let mut terms = Vec::new();
    for (i, n) in net.nodes.iter().enumerate() {
        if let Op::Conv2d(c) = &n.op {
            let ins = &an.layers[n.inputs[0]].shape;
            let out = &an.layers[i].shape;
            let k = c.kernel[0];
            terms.push(Term {
                label: Msg::new("concepts-cost-term")
                    .arg("k", k)
                    .arg("c", c.out_channels),
                formula: format!("{}·{}·{} · {k}·{k}·{}", out[1], out[2], out[0], ins[0]),
                macs: an.layers[i].macs,
                branch: n.name.split('.').nth(1).unwrap_or_default().to_string(),
            });
        }
    }
    Cost {
        total: terms.iter().map(|t| t.macs).sum(),
        terms,
        params: an.total_params,
        depth: an.layers.last().map_or(0, |l| l.shape[0]),
    }
}

/// The course notes' example (CS231n's slides): a 28×28×256 input, 128 1×1, 192 3×3 and 96 5×5
/// filters; the bottleneck version reduces to 64 maps before the 3×3 and the 5×5 and projects
/// the pool to 64.
pub const NOTES_EXAMPLE: Inception = inc("example", 128, 64, 192, 64, 96, 64);
pub const NOTES_INPUT: [usize; 3] = [256, 28, 28];

/// What the slide prints for the bottleneck module's total ("358M ops").
pub const SLIDE_PRINTED_MILLIONS: u64 = 358;

/// Where the slide's "358M" comes from: the exact total, and the term which, counted a second
/// time, gives a sum that rounds to the printed figure (None when no single term does).
pub fn slide_discrepancy() -> (u64, Option<(Term, u64)>) {
    let c = cost(&NOTES_EXAMPLE, NOTES_INPUT, true);
    let twice = c
        .terms
        .iter()
        .map(|t| (t.clone(), c.total + t.macs))
        .find(|(_, sum)| (*sum as f64 / 1e6).round() as u64 == SLIDE_PRINTED_MILLIONS);
    (c.total, twice)
}

/// A sentence on the slide's figure, from [`slide_discrepancy`].
pub fn slide_note(lang: Lang) -> String {
    let (total, twice) = slide_discrepancy();
    match twice {
        Some((t, sum)) => lang.tf(
            "concepts-cost-slide-note",
            &[
                ("printed", SLIDE_PRINTED_MILLIONS.to_string().into()),
                ("total", lang.count(total).into()),
                ("term", t.label.text(lang).into()),
                ("term_macs", lang.count(t.macs).into()),
                ("sum", lang.count(sum).into()),
            ],
        ),
        None => lang.tf(
            "concepts-cost-slide-note-plain",
            &[
                ("printed", SLIDE_PRINTED_MILLIONS.to_string().into()),
                ("total", lang.count(total).into()),
            ],
        ),
    }
}

/// Where the auxiliary classifiers hang in a description: (classifier block, the module whose
/// output it reads).
pub fn auxiliaries(net: &Network) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for n in &net.nodes {
        if n.block.starts_with("aux") && !out.iter().any(|(a, _)| a == &n.block) {
            let source = n
                .inputs
                .first()
                .map(|&i| net.nodes[i].block.clone())
                .unwrap_or_default();
            out.push((n.block.clone(), source));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::build;

    #[test]
    fn the_notes_example_costs_exactly() {
        let naive = cost(&NOTES_EXAMPLE, NOTES_INPUT, false);
        assert_eq!(naive.total, 854_196_224);
        assert_eq!(naive.terms.len(), 3);
        assert_eq!(naive.depth, 128 + 192 + 96 + 256);
        assert_eq!(naive.terms[1].formula, "28·28·192 · 3·3·256");
        let bottleneck = cost(&NOTES_EXAMPLE, NOTES_INPUT, true);
        assert_eq!(bottleneck.total, 271_351_808);
        assert_eq!(bottleneck.terms.len(), 6);
        assert_eq!(bottleneck.depth, 128 + 192 + 96 + 64);
        let (total, twice) = slide_discrepancy();
        assert_eq!(total, 271_351_808);
        let (term, sum) = twice.expect("358M is the sum with one term twice");
        assert_eq!(term.label.en(), "3×3 conv, 192");
        assert_eq!(sum, 358_055_936);
        let note = slide_note(Lang::En);
        assert!(note.contains("“358M ops”"), "{note}");
        assert!(note.contains("271,351,808"), "{note}");
        assert!(note.contains("3×3 conv, 192 term (86,704,128)"), "{note}");
        assert!(note.contains("358,055,936"), "{note}");
        let zh = slide_note(Lang::Zh);
        assert!(
            zh.contains("271,351,808") && zh.contains("358,055,936"),
            "{zh}"
        );
    }

    #[test]
    fn inception3a_steps_of_both_googlenets() {
        for id in ["googlenet_paper", "googlenet"] {
            let net = build(id).unwrap();
            let an = analyse(&net);
            let mods = modules(&net);
            assert_eq!(
                mods,
                [
                    "inception3a",
                    "inception3b",
                    "inception4a",
                    "inception4b",
                    "inception4c",
                    "inception4d",
                    "inception4e",
                    "inception5a",
                    "inception5b"
                ]
            );
            let s = steps(&net, &an, "inception3a").unwrap();
            assert_eq!(s.len(), 9);
            let keys: Vec<&str> = s.iter().map(|s| s.key).collect();
            assert_eq!(keys, STEP_KEYS);
            let depths: Vec<usize> = s.iter().map(|s| s.depth).collect();
            assert_eq!(depths, [0, 64, 64, 192, 192, 224, 224, 256, 256]);
            assert_eq!(s[0].shape, vec![192, 28, 28]);
            assert_eq!(s[3].shape, vec![128, 28, 28]);
            assert_eq!(s[8].shape, vec![256, 28, 28]);
            // The parts add up to the module.
            let module_params: u64 = net
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.block == "inception3a")
                .map(|(i, _)| an.layers[i].params)
                .sum();
            assert_eq!(s.iter().map(|s| s.params).sum::<u64>(), module_params);
            // branch3's second convolution: 5×5 in the paper, 3×3 in torchvision.
            let k = if id == "googlenet" { 3 } else { 5 };
            assert!(s[5].title.en().contains(&format!("{k}×{k} convolution")));
            assert_eq!(s[5].macs, 28 * 28 * 32 * k as u64 * k as u64 * 16);
            assert_eq!(s[5].note.is_some(), id == "googlenet");
            let shorts: Vec<String> = s.iter().map(|s| s.short.en()).collect();
            let k5 = if id == "googlenet" {
                "3×3 conv · 32"
            } else {
                "5×5 conv · 32"
            };
            assert_eq!(
                shorts,
                [
                    "input · 192",
                    "1×1 conv · 64",
                    "1×1 reduce · 96",
                    "3×3 conv · 128",
                    "1×1 reduce · 16",
                    k5,
                    "3×3 max pool",
                    "1×1 proj · 32",
                    "concat · 256"
                ]
            );
            // Every text of the steps exists in both languages.
            for step in &s {
                for m in [&step.title, &step.short].into_iter().chain(&step.note) {
                    for lang in Lang::ALL {
                        assert_ne!(m.text(lang), m.key, "{lang:?}");
                    }
                }
            }
            assert_eq!(s[3].short.text(Lang::Zh), "3×3 卷积 · 128");
        }
    }

    #[test]
    fn the_paper_hangs_its_auxiliary_classifiers_off_4a_and_4d() {
        let net = build("googlenet_paper").unwrap();
        assert_eq!(
            auxiliaries(&net),
            [
                ("aux1".to_string(), "inception4a".to_string()),
                ("aux2".to_string(), "inception4d".to_string())
            ]
        );
        assert!(auxiliaries(&build("googlenet").unwrap()).is_empty());
    }
}
