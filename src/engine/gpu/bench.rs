//! `atlas bench-gpu` (`make bench-gpu`): the WebGPU engine natively on the first adapter
//! (lavapipe where there is no GPU, any Vulkan GPU elsewhere), each network of the zoo with its
//! splitmix-v1 weights at batch 1, the forward plus the read-back of the logits timed after
//! warm-up (median, min, max), under one or more kernel policies in the same run (each choice
//! measured against the others, `super::kernels`), the time of every layer from the device's
//! timestamps where it has them, and, given PyTorch's figures for the same GPU
//! (`../shared/bench/torch_gpu.py`'s JSON lines), the ratio ours / PyTorch eager fp32 per network.
//! A benchmark: it reports, it asserts nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use serde::Serialize;

use super::kernels::KernelPolicy;
use super::GpuEngine;
use crate::engine::{EngineError, Prepared, Weights};
use crate::zoo::analyse;

/// What to run.
pub struct Options {
    pub models: Vec<String>,
    pub warmup: usize,
    pub runs: usize,
    /// Kernel policies, each timed on every model; ratios are of the first to the others.
    pub policies: Vec<KernelPolicy>,
    /// `torch_gpu.py`'s output (JSON lines), if PyTorch ran on this GPU.
    pub torch: Option<String>,
}

/// One layer's time on the device in one forward (its dispatches summed).
#[derive(Serialize, Clone, Debug)]
pub struct LayerTime {
    pub layer: String,
    pub kernels: Vec<&'static str>,
    pub workgroups: u64,
    pub macs: u64,
    pub ms: f64,
}

/// A network under one policy.
#[derive(Serialize, Clone, Debug)]
pub struct Timing {
    pub policy: String,
    pub median_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    /// Sum of the layers' device times (from timestamps), if the device has them.
    pub device_ms: Option<f64>,
    /// The host's time from a run's start to its last submission (median over the runs): what
    /// the device cannot overlap with its work when the run is one command buffer.
    pub record_ms: f64,
    /// The submissions of a run.
    pub submits: usize,
    pub layers: Vec<LayerTime>,
    /// The logits' sum, to see that every policy computed the same.
    pub output_sum: f64,
}

/// PyTorch's figures for a network, from `torch_gpu.py`.
#[derive(Serialize, Clone, Debug)]
pub struct Torch {
    pub median_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    pub tf32_median_ms: Option<f64>,
    pub version: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct Row {
    pub model: String,
    pub macs: u64,
    pub timings: Vec<Timing>,
    pub torch: Option<Torch>,
    /// Ours (the first policy) / PyTorch eager fp32.
    pub ratio: Option<f64>,
}

#[derive(Serialize, Clone, Debug)]
pub struct Report {
    pub date: String,
    pub adapter: String,
    pub timestamps: bool,
    pub warmup: usize,
    pub runs: usize,
    /// The GPU PyTorch ran on, as it names it.
    pub torch_gpu: Option<String>,
    pub rows: Vec<Row>,
}

/// `torch_gpu.py`'s lines by model: (fp32, tf32) figures.
fn read_torch(text: &str) -> (BTreeMap<String, Torch>, Option<String>) {
    let mut out: BTreeMap<String, Torch> = BTreeMap::new();
    let mut gpu = None;
    let mut tf32 = BTreeMap::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let (Some(model), Some(median)) = (v["model"].as_str(), v["median_ms"].as_f64()) else {
            continue;
        };
        gpu = v["gpu"].as_str().map(str::to_string).or(gpu);
        if v["tf32"].as_bool() == Some(true) {
            tf32.insert(model.to_string(), median);
            continue;
        }
        out.insert(
            model.to_string(),
            Torch {
                median_ms: median,
                min_ms: v["min_ms"].as_f64().unwrap_or(median),
                max_ms: v["max_ms"].as_f64().unwrap_or(median),
                tf32_median_ms: None,
                version: v["torch"].as_str().unwrap_or("").to_string(),
            },
        );
    }
    for (model, t) in out.iter_mut() {
        t.tf32_median_ms = tf32.get(model).copied();
    }
    (out, gpu)
}

fn stats(mut t: Vec<f64>) -> (f64, f64, f64) {
    t.sort_by(f64::total_cmp);
    let n = t.len();
    let median = if n % 2 == 1 {
        t[n / 2]
    } else {
        (t[n / 2 - 1] + t[n / 2]) / 2.0
    };
    (median, t[0], t[n - 1])
}

/// Times `model` under `policy`.
fn time(
    engine: &GpuEngine,
    model: &str,
    policy: KernelPolicy,
    o: &Options,
) -> Result<Timing, EngineError> {
    let net = crate::zoo::build(model)
        .ok_or_else(|| EngineError::Backend(format!("no network '{model}' in the zoo")))?;
    let an = analyse(&net);
    let engine = engine.with_policy(policy);
    let mut prepared = engine.prepare_gpu(&net, Weights::splitmix(&net))?;
    let input = crate::engine::splitmix::input(net.input_shape().map_or(0, |s| s.iter().product()));
    let output = net.output();
    let mut times = Vec::with_capacity(o.runs);
    let mut recording = Vec::with_capacity(o.runs);
    let mut output_sum = 0.0;
    for i in 0..o.warmup + o.runs.max(1) {
        let t = Instant::now();
        let out = prepared.run(&input, &[output])?;
        let dt = t.elapsed().as_secs_f64() * 1e3;
        if i >= o.warmup {
            times.push(dt);
            recording.push(prepared.recorded().ms);
        }
        output_sum = out.values[0].iter().map(|&v| f64::from(v)).sum();
    }
    let (median_ms, min_ms, max_ms) = stats(times);
    let submits = prepared.recorded().submits;
    let mut layers: Vec<LayerTime> = Vec::new();
    let mut at: BTreeMap<usize, usize> = BTreeMap::new();
    let profile = prepared.profile(&input)?;
    for d in profile.iter().flatten() {
        let i = *at.entry(d.node).or_insert_with(|| {
            layers.push(LayerTime {
                layer: net.nodes[d.node].name.clone(),
                kernels: Vec::new(),
                workgroups: 0,
                macs: an.layers[d.node].macs,
                ms: 0.0,
            });
            layers.len() - 1
        });
        let l = &mut layers[i];
        if !l.kernels.contains(&d.kernel) {
            l.kernels.push(d.kernel);
        }
        l.workgroups += d.groups;
        l.ms += d.ms;
    }
    Ok(Timing {
        policy: policy.to_string(),
        median_ms,
        min_ms,
        max_ms,
        device_ms: profile.map(|_| layers.iter().map(|l| l.ms).sum()),
        record_ms: stats(recording).0,
        submits,
        layers,
        output_sum,
    })
}

/// Runs the benchmark; `progress` hears of each network as it is done.
pub fn run(
    engine: &GpuEngine,
    o: &Options,
    mut progress: impl FnMut(&str),
) -> Result<Report, EngineError> {
    let (torch, torch_gpu) = o.torch.as_deref().map(read_torch).unwrap_or_default();
    let mut rows = Vec::new();
    for model in &o.models {
        let mut timings = Vec::new();
        for &policy in &o.policies {
            timings.push(time(engine, model, policy, o)?);
            progress(&format!("{model} ({policy}): done"));
        }
        let net = crate::zoo::build(model).expect("built above");
        let torch = torch.get(model).cloned();
        rows.push(Row {
            model: model.clone(),
            macs: analyse(&net).total_macs,
            ratio: torch.as_ref().map(|t| timings[0].median_ms / t.median_ms),
            timings,
            torch,
        });
    }
    Ok(Report {
        date: utc_now(),
        adapter: engine.adapter(),
        timestamps: engine.has_timestamps(),
        warmup: o.warmup,
        runs: o.runs,
        torch_gpu,
        rows,
    })
}

impl Report {
    /// The report as a Markdown table, then each network's slowest layers.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "WebGPU engine on {}, batch 1, forward + read-back of the logits, median [min–max] of {} after {} warm-up",
            self.adapter, self.runs, self.warmup
        );
        if let Some(gpu) = &self.torch_gpu {
            let _ = writeln!(s, "PyTorch eager fp32 (TF32 off) on {gpu}");
        }
        let policies: Vec<&str> = self.rows.first().map_or(Vec::new(), |r| {
            r.timings.iter().map(|t| t.policy.as_str()).collect()
        });
        let mut head = "| model | GMACs |".to_string();
        let mut rule = "|---|---:|".to_string();
        for (i, p) in policies.iter().enumerate() {
            let _ = write!(head, " {p} (ms) |");
            rule.push_str("---:|");
            if i > 0 {
                let _ = write!(head, " {} / {p} |", policies[0]);
                rule.push_str("---:|");
            }
        }
        if self.torch_gpu.is_some() {
            head.push_str(" PyTorch (ms) | ours / PyTorch |");
            rule.push_str("---:|---:|");
        }
        let _ = writeln!(s, "\n{head}\n{rule}");
        for r in &self.rows {
            let _ = write!(s, "| {} | {:.2} |", r.model, r.macs as f64 / 1e9);
            for (i, t) in r.timings.iter().enumerate() {
                let _ = write!(
                    s,
                    " {} [{}–{}] |",
                    ms(t.median_ms),
                    ms(t.min_ms),
                    ms(t.max_ms)
                );
                if i > 0 {
                    let _ = write!(s, " {:.2} |", r.timings[0].median_ms / t.median_ms);
                }
            }
            if self.torch_gpu.is_some() {
                match (&r.torch, r.ratio) {
                    (Some(t), Some(q)) => {
                        let _ = write!(s, " {} | {q:.2} |", ms(t.median_ms));
                    }
                    _ => s.push_str(" – | – |"),
                }
            }
            s.push('\n');
        }
        s.push_str(
            "\nThe host's part, from a run's start to its last submission (median), and its submissions:\n",
        );
        for r in &self.rows {
            for t in &r.timings {
                let _ = writeln!(
                    s,
                    "  {} ({}): {} in {} submission{}",
                    r.model,
                    t.policy,
                    ms(t.record_ms),
                    t.submits,
                    if t.submits == 1 { "" } else { "s" }
                );
            }
        }
        if !self.timestamps {
            s.push_str("\n(no per-layer times: the adapter has no timestamp queries)\n");
            return s;
        }
        for r in &self.rows {
            for t in &r.timings {
                let Some(total) = t.device_ms else { continue };
                let _ = writeln!(
                    s,
                    "\n{} ({}): device {} over {} layers; slowest:",
                    r.model,
                    t.policy,
                    ms(total),
                    t.layers.len()
                );
                let mut slow: Vec<&LayerTime> = t.layers.iter().collect();
                slow.sort_by(|a, b| b.ms.total_cmp(&a.ms));
                for l in slow.iter().take(5) {
                    let rate = if l.ms > 0.0 && l.macs > 0 {
                        format!(", {:.1} GFLOP/s", 2.0 * l.macs as f64 / l.ms / 1e6)
                    } else {
                        String::new()
                    };
                    let _ = writeln!(
                        s,
                        "  {:<28} {:>9} {:>5.1}%  {} × {}{rate}",
                        l.layer,
                        ms(l.ms),
                        100.0 * l.ms / total.max(f64::MIN_POSITIVE),
                        l.kernels.join("+"),
                        l.workgroups
                    );
                }
            }
        }
        s
    }
}

/// Now in UTC as `YYYY-MM-DDTHH:MM:SSZ` (days to civil date: Hinnant's algorithm).
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Milliseconds with three significant decimals where they matter.
fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.3}")
    } else if v < 100.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// torch_gpu.py's lines: fp32 and TF32 of a model paired, the GPU named, junk skipped.
    #[test]
    fn torch_lines_are_read() {
        let text = r#"{"model": "alexnet", "engine": "torch-cuda-eager", "tf32": false, "median_ms": 0.58, "min_ms": 0.55, "max_ms": 0.9, "runs": 30, "torch": "2.11", "gpu": "NVIDIA H100"}
warning: something
{"model": "alexnet", "engine": "torch-cuda-eager", "tf32": true, "median_ms": 0.41, "min_ms": 0.4, "max_ms": 0.5, "runs": 30, "torch": "2.11", "gpu": "NVIDIA H100"}"#;
        let (t, gpu) = read_torch(text);
        assert_eq!(gpu.as_deref(), Some("NVIDIA H100"));
        let a = &t["alexnet"];
        assert_eq!((a.median_ms, a.min_ms, a.max_ms), (0.58, 0.55, 0.9));
        assert_eq!(a.tf32_median_ms, Some(0.41));
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(stats(vec![3.0, 1.0, 2.0]), (2.0, 1.0, 3.0));
        assert_eq!(stats(vec![4.0, 1.0, 2.0, 3.0]), (2.5, 1.0, 4.0));
    }
}
