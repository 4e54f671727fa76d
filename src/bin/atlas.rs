//! `atlas`: the native command line of ConvNet Atlas — a torchinfo-like summary of any network of
//! the zoo, and the CPU engine's self-check.

#[cfg(not(target_arch = "wasm32"))]
fn usage() -> ! {
    eprintln!(
        r#"usage: atlas <command>

commands:
  models                     list the networks of the zoo
  summary <model> [--json]   per-layer shapes, params, MACs, memory, receptive fields
  summary FILE.onnx [--json] the same for a network in an ONNX file (as the page opens it)
  train-lenet --mnist DIR --out FILE [--variant lenet5|lenet5_modern] [--epochs N] [--seed S]
              [--limit N] [--drawn FILE] [--hands FILE] [--no-fonts]
                             train LeNet-5 on MNIST (both variants unless --variant); writes
                             FILE for lenet5 and lenet5_modern.safetensors beside it, each with
                             a .json report; measures the held-out drawn digits FILE
                             (tests/fixtures/drawn_digits.json)
  fetch-weights <model> [--f16] [--from FILE] [--hub [BASE]] [--out DIR]
                             download torchvision's checkpoint (sha256-checked; with --hub the
                             Hugging Face Hub's timm/<model>.tv_in1k copy, or a mirror at BASE)
                             or convert FILE (.pth/.safetensors) into DIR (static/weights) as
                             <model>.safetensors, listed in DIR/manifest.json for the page
  splitmix <model> --out FILE
                             write the deterministic splitmix-v1 checkpoint of ../shared/reference
                             (torchvision key names) as .safetensors, e.g. to try a large network
                             in the page
  explain [concept]          the page's explainers of the networks after ResNet, as text
                             (mlpconv, fire, dense-block, cardinality, widening, survival, fractal)
  classify <model> PHOTO... [--weights FILE] [--json]
                             the page's top-5 for each photo (PNG or JPEG, EXIF orientation
                             applied) on the packed CPU engine with FILE's weights
                             (.safetensors/.pth; default: the page's
                             static/weights/<model>.safetensors), prepared as the page prepares
                             it; photo networks (LeNet-5 reads the page's pad)
  bench-train --mnist DIR [--steps N] [--augment]
                             training speed of both LeNet-5 variants (batch 64, one thread):
                             examples per second, as the page's training lab trains
  bench-gpu [model ...] [--runs N] [--warmup N] [--kernels POLICY]... [--torch FILE] [--out DIR]
                             the WebGPU engine natively on the first adapter: median/min/max of
                             forward + read-back (default 30 after 5), per-layer times from
                             timestamps, each POLICY (auto, baseline, or settings such as
                             tile=64|32|128,split=N,fc=half,cat=copy: README) timed in turn;
                             FILE: torch_gpu.py's lines for ours / PyTorch; writes DIR/gpu.json
                             and DIR/gpu.md (target/bench)
  self-check                 run the CPU engine's self-check"#
    );
    std::process::exit(2);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use atlas::zoo::{build, ids, summary};
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("models") => {
            for id in ids() {
                let net = build(id).expect("listed networks build");
                println!("{id:<22} {}", net.label);
            }
        }
        Some("summary") => {
            let Some(model) = args.get(1) else { usage() };
            let json = args.iter().any(|a| a == "--json");
            let net = if model.ends_with(".onnx") {
                match atlas::onnx::import_path(std::path::Path::new(model)) {
                    Ok(imported) => imported.net,
                    Err(e) => {
                        eprintln!("{e}");
                        std::process::exit(1);
                    }
                }
            } else if let Some(net) = build(model) {
                net
            } else {
                eprintln!("unknown model '{model}'; known: {}", ids().join(", "));
                std::process::exit(2);
            };
            let s = summary::summarise(&net);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&s).expect("summary serialises")
                );
            } else {
                print!("{}", summary::to_text(&s));
            }
        }
        Some("train-lenet") => train_lenet(&args[1..]),
        Some("fetch-weights") => fetch_weights(&args[1..]),
        Some("splitmix") => {
            let (Some(model), Some(out)) = (args.get(1), flag(&args, "--out")) else {
                usage()
            };
            let Some(net) = build(model) else {
                eprintln!("unknown model '{model}'; known: {}", ids().join(", "));
                std::process::exit(2);
            };
            let weights = atlas::engine::Weights::splitmix(&net);
            if let Err(e) = atlas::engine::safetensors::save(&weights, std::path::Path::new(out)) {
                eprintln!("{e}");
                std::process::exit(1);
            }
            println!("{model}: splitmix-v1 checkpoint → {out}");
        }
        Some("bench-train") => bench_train(&args[1..]),
        Some("bench-gpu") => bench_gpu(&args[1..]),
        Some("classify") => classify(&args[1..]),
        Some("self-check") => match atlas::engine_check::run() {
            Ok(c) if c.ok => println!(
                "{} engine: ok (conv {:?}); candle: ok (matmul sum {})",
                c.engine, c.conv, c.matmul_sum
            ),
            Ok(c) => {
                eprintln!("the self-check gave wrong values: {c:?}");
                std::process::exit(1);
            }
            Err(e) => {
                eprintln!("the self-check failed: {e}");
                std::process::exit(1);
            }
        },
        Some("explain") => explain(args.get(1).map(String::as_str)),
        _ => usage(),
    }
}

/// Prints the explainers (all, or one by key) as plain text.
#[cfg(not(target_arch = "wasm32"))]
fn explain(key: Option<&str>) {
    use atlas::concepts::explainers::{explainer, KEYS};
    let keys: Vec<&str> = match key {
        Some(k) if KEYS.contains(&k) => vec![k],
        Some(k) => {
            eprintln!("no explainer '{k}'; there are: {}", KEYS.join(", "));
            std::process::exit(1)
        }
        None => KEYS.to_vec(),
    };
    for k in keys {
        let e = explainer(k, atlas::i18n::Lang::En).expect("a listed key");
        println!("# {} ({})\n{}\n", e.title, e.model, e.paper);
        for p in &e.paragraphs {
            println!("{p}\n");
        }
        if let Some(t) = &e.table {
            println!("{}", t.headers.join(" | "));
            for r in &t.rows {
                println!("{}", r.join(" | "));
            }
            println!();
        }
        if let Some(b) = &e.bars {
            let vals: Vec<String> = b.bars.iter().map(|(l, v)| format!("{l}: {v}")).collect();
            println!("{} — {}\n", b.title, vals.join(", "));
        }
    }
}

/// The value after `--name`, if given.
#[cfg(not(target_arch = "wasm32"))]
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// `atlas classify`: each photo through the network as the page's worker takes it (decoded to
/// RGBA, prepared by the network's input kind, run on the packed engine), its top-5 printed.
#[cfg(not(target_arch = "wasm32"))]
fn classify(args: &[String]) {
    use atlas::engine::{packed::PackedEngine, Engine};
    let Some(model) = args.first() else { usage() };
    let fail = |e: String| -> ! {
        eprintln!("{e}");
        std::process::exit(1)
    };
    let default = format!("static/weights/{model}.safetensors");
    let file = flag(args, "--weights").unwrap_or(&default);
    let bytes = std::fs::read(file).unwrap_or_else(|e| fail(format!("{file}: {e}")));
    let (net, weights) = atlas::pretrained::load_checkpoint(model, &bytes)
        .unwrap_or_else(|e| fail(format!("{file}: {}", e.0.text(atlas::i18n::Lang::En))));
    let kind = atlas::inputs::InputKind::of(model, &net, None)
        .unwrap_or_else(|e| fail(e.text(atlas::i18n::Lang::En)));
    if let atlas::inputs::InputKind::Digit { .. } = kind {
        fail(format!(
            "{model} reads a drawn digit (the pad's ink), not a photo: draw it in the page"
        ));
    }
    let mut prepared = PackedEngine
        .prepare(&net, weights)
        .unwrap_or_else(|e| fail(e.to_string()));
    let classes = atlas::imagenet::classes();
    let photos: Vec<&String> = args[1..]
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && args[*i] != "--weights")
        .map(|(_, a)| a)
        .collect();
    if photos.is_empty() || args.last().is_some_and(|a| a == "--weights") {
        usage();
    }
    let mut out = Vec::new();
    for photo in photos {
        let rgba = decode_oriented(photo).unwrap_or_else(|e| fail(format!("{photo}: {e}")));
        let (w, h) = (rgba.width() as usize, rgba.height() as usize);
        if (w * h) as u64 > 16_000_000 {
            eprintln!(
                "{photo}: {w}×{h}; the page first has the browser reduce a photo over 16 \
                 megapixels (short side to 1024), so its top-5 may differ a little"
            );
        }
        let image =
            atlas::imagenet::Image8::new(w, h, 4, rgba.into_raw()).unwrap_or_else(|e| fail(e));
        let ready = kind
            .prepare(&image)
            .unwrap_or_else(|e| fail(e.text(atlas::i18n::Lang::En)));
        let logits = prepared
            .run(&ready.tensor, &[net.output()])
            .unwrap_or_else(|e| fail(e.to_string()));
        let top: Vec<serde_json::Value> = kind
            .probabilities(&logits.values[0])
            .into_iter()
            .map(|(index, prob)| {
                let label = match kind {
                    atlas::inputs::InputKind::Digit { .. } => index.to_string(),
                    _ => classes.get(index).copied().unwrap_or("").to_string(),
                };
                serde_json::json!({ "index": index, "label": label, "prob": prob })
            })
            .collect();
        out.push(serde_json::json!({ "photo": photo, "top5": top }));
    }
    if args.iter().any(|a| a == "--json") {
        println!("{}", serde_json::Value::Array(out));
        return;
    }
    for p in out {
        println!("{}", p["photo"].as_str().unwrap_or_default());
        for r in p["top5"].as_array().into_iter().flatten() {
            println!(
                "  {:>6.2} %  {:>4}  {}",
                r["prob"].as_f64().unwrap_or(0.0) * 100.0,
                r["index"],
                r["label"].as_str().unwrap_or_default()
            );
        }
    }
}

/// A photo decoded to RGBA with its EXIF orientation applied, as the page's
/// `createImageBitmap(…, { imageOrientation: "from-image" })` decodes it.
#[cfg(not(target_arch = "wasm32"))]
fn decode_oriented(path: &str) -> image::ImageResult<image::RgbaImage> {
    use image::ImageDecoder;
    let mut decoder = image::ImageReader::open(path)?
        .with_guessed_format()?
        .into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut img = image::DynamicImage::from_decoder(decoder)?;
    img.apply_orientation(orientation);
    Ok(img.to_rgba8())
}

/// The networks `make bench-gpu` times by default: the issue's table.
#[cfg(not(target_arch = "wasm32"))]
const GPU_BENCH_MODELS: [&str; 8] = [
    "squeezenet1_1",
    "googlenet",
    "densenet121",
    "resnet50",
    "resnet18",
    "vgg16",
    "resnet152",
    "alexnet",
];

#[cfg(not(target_arch = "wasm32"))]
fn bench_gpu(args: &[String]) {
    use atlas::engine::gpu::{bench, kernels::KernelPolicy, GpuEngine};
    use atlas::zoo::{build, ids};
    let fail = |what: String| -> ! {
        eprintln!("{what}");
        std::process::exit(1)
    };
    let number = |name: &str, default: usize| {
        flag(args, name).map_or(default, |v| {
            v.parse()
                .unwrap_or_else(|_| fail(format!("{name} {v}: not a number")))
        })
    };
    let mut models = Vec::new();
    let mut policies = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--kernels" => {
                let v = args.get(i + 1).map(String::as_str).unwrap_or("");
                policies.push(KernelPolicy::parse(v).unwrap_or_else(|e| fail(e)));
                i += 2;
            }
            "--runs" | "--warmup" | "--torch" | "--out" => i += 2,
            m if m.starts_with("--") => usage(),
            m => {
                if build(m).is_none() {
                    fail(format!("unknown model '{m}'; known: {}", ids().join(", ")));
                }
                models.push(m.to_string());
                i += 1;
            }
        }
    }
    if models.is_empty() {
        models = GPU_BENCH_MODELS.map(String::from).to_vec();
    }
    if policies.is_empty() {
        policies.push(KernelPolicy::from_env().unwrap_or_else(|e| fail(e)));
    }
    let torch = flag(args, "--torch")
        .map(|f| std::fs::read_to_string(f).unwrap_or_else(|e| fail(format!("{f}: {e}"))));
    let options = bench::Options {
        models,
        warmup: number("--warmup", 5),
        runs: number("--runs", 30),
        policies,
        torch,
    };
    let engine = GpuEngine::new().unwrap_or_else(|e| fail(e.to_string()));
    eprintln!("WebGPU engine on {}", engine.adapter());
    let report = bench::run(&engine, &options, |line| eprintln!("{line}"))
        .unwrap_or_else(|e| fail(e.to_string()));
    let out = std::path::PathBuf::from(flag(args, "--out").unwrap_or("target/bench"));
    let table = report.table();
    let json = serde_json::to_string_pretty(&report).expect("a report serialises");
    std::fs::create_dir_all(&out)
        .and_then(|()| std::fs::write(out.join("gpu.json"), json))
        .and_then(|()| std::fs::write(out.join("gpu.md"), &table))
        .unwrap_or_else(|e| fail(format!("{}: {e}", out.display())));
    println!("{table}");
    eprintln!("written: {0}/gpu.json, {0}/gpu.md", out.display());
}

#[cfg(not(target_arch = "wasm32"))]
fn fetch_weights(args: &[String]) {
    use std::path::Path;
    let Some(model) = args.first().filter(|m| !m.starts_with("--")) else {
        usage()
    };
    if atlas::zoo::build(model).is_none() {
        eprintln!(
            "unknown model '{model}'; known: {}",
            atlas::zoo::ids().join(", ")
        );
        std::process::exit(2);
    }
    let f16 = args.iter().any(|a| a == "--f16");
    let from = flag(args, "--from").map(Path::new);
    let out = Path::new(flag(args, "--out").unwrap_or("static/weights"));
    // `--hub` alone: the Hugging Face Hub; `--hub BASE`: a mirror laid out as the Hub.
    let hub = args.iter().position(|a| a == "--hub").map(|i| {
        args.get(i + 1)
            .filter(|b| !b.starts_with("--"))
            .map_or(atlas::hub::DEFAULT_BASE, String::as_str)
    });
    match atlas::weights_store::fetch(model, from, hub, f16, out) {
        Ok(done) => println!(
            "{model}: {} values checked against the description → {} ({:.1} MiB, {}); source sha256 {}",
            done.params,
            done.path.display(),
            done.bytes as f64 / (1u64 << 20) as f64,
            if f16 { "f16" } else { "f32" },
            done.sha256
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn train_lenet(args: &[String]) {
    use std::path::{Path, PathBuf};

    use atlas::train::{train, TrainConfig};
    let fail = |msg: String| -> ! {
        eprintln!("{msg}");
        std::process::exit(1)
    };
    let (Some(mnist), Some(out)) = (flag(args, "--mnist"), flag(args, "--out")) else {
        usage()
    };
    let mut cfg = TrainConfig::default();
    if let Some(e) = flag(args, "--epochs") {
        cfg.epochs = e
            .parse()
            .unwrap_or_else(|_| fail(format!("--epochs: not a number: {e}")));
    }
    if let Some(s) = flag(args, "--seed") {
        cfg.seed = s
            .parse()
            .unwrap_or_else(|_| fail(format!("--seed: not a number: {s}")));
    }
    if let Some(l) = flag(args, "--limit") {
        cfg.limit = Some(
            l.parse()
                .unwrap_or_else(|_| fail(format!("--limit: not a number: {l}"))),
        );
    }
    let variants: Vec<&str> = match flag(args, "--variant") {
        Some(v @ ("lenet5" | "lenet5_modern")) => vec![v],
        Some(v) => fail(format!(
            "--variant must be lenet5 or lenet5_modern, not {v}"
        )),
        None => vec!["lenet5", "lenet5_modern"],
    };
    let dir = Path::new(mnist);
    let train_set = atlas::mnist::load(dir, "train").unwrap_or_else(|e| fail(e));
    let test_set = atlas::mnist::load(dir, "t10k").unwrap_or_else(|e| fail(e));
    // The held-out drawn digits, measured after training (never trained on).
    let drawn_path = flag(args, "--drawn").unwrap_or("tests/fixtures/drawn_digits.json");
    let drawn = match std::fs::read_to_string(drawn_path) {
        Ok(text) => Some(
            atlas::digits::DrawnSet::from_json(&text)
                .unwrap_or_else(|e| fail(format!("{drawn_path}: {e}"))),
        ),
        Err(e) => {
            eprintln!("no drawn digits measured ({drawn_path}: {e})");
            None
        }
    };
    // The second held-out set: eight people's hands.
    let hands_path = flag(args, "--hands").unwrap_or("tests/fixtures/drawn_hands.json");
    let hands = match std::fs::read_to_string(hands_path) {
        Ok(text) => Some(
            atlas::digits::DrawnSet::from_json(&text)
                .unwrap_or_else(|e| fail(format!("{hands_path}: {e}"))),
        ),
        Err(e) => {
            eprintln!("no hands measured ({hands_path}: {e})");
            None
        }
    };
    // The handwriting typefaces (Debian's packages; `--no-fonts` trains on MNIST's writers only).
    // All of them or none: a run on another machine gives the same weights only with the same
    // typefaces, so a missing one stops the run (and names its package) rather than being skipped.
    let fonts = if args.iter().any(|a| a == "--no-fonts") {
        cfg.augmentation.font_p = 0.0;
        atlas::digits::fonts::FontDigits::default()
    } else {
        let (fonts, missing) = atlas::digits::fonts::load_installed();
        if !missing.is_empty() {
            let packages: Vec<&str> = atlas::digits::fonts::TYPEFACES
                .iter()
                .filter(|(_, f)| missing.iter().any(|m| m.starts_with(f)))
                .map(|(p, _)| *p)
                .collect();
            fail(format!(
                "typefaces missing: {} (apt-get install {}; make setup installs them), or train with --no-fonts",
                missing.join(", "),
                packages.join(" ")
            ));
        }
        eprintln!("training with the digits of {} typefaces", fonts.len());
        fonts
    };
    let out = PathBuf::from(out);
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .unwrap_or_else(|e| fail(format!("cannot create {}: {e}", parent.display())));
    }
    for id in variants {
        let net = atlas::zoo::build(id).expect("LeNet-5 variants are in the zoo");
        let path = if id == "lenet5" {
            out.clone()
        } else {
            out.with_file_name(format!("{id}.safetensors"))
        };
        let (weights, report) = train(
            &net,
            &train_set,
            &test_set,
            atlas::train::HeldOut {
                drawn: drawn.as_ref(),
                hands: hands.as_ref(),
            },
            &fonts,
            &cfg,
            &mut |line| eprintln!("{line}"),
        )
        .unwrap_or_else(|e| fail(format!("training {id} failed: {e}")));
        atlas::engine::safetensors::save(&weights, &path).unwrap_or_else(|e| fail(e.to_string()));
        let json = path.with_extension("json");
        std::fs::write(
            &json,
            serde_json::to_string_pretty(&report).expect("report serialises"),
        )
        .unwrap_or_else(|e| fail(format!("cannot write {}: {e}", json.display())));
        println!(
            "{id}: {:.2}% on the MNIST test set{} → {} and {}",
            report.test_accuracy * 100.0,
            report
                .drawn
                .as_ref()
                .map(|d| format!(", {:.2}% of the drawn digits", d.accuracy * 100.0))
                .unwrap_or_default(),
            path.display(),
            json.display()
        );
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

/// Times training steps of both LeNet-5 variants with the training lab's default settings.
#[cfg(not(target_arch = "wasm32"))]
fn bench_train(args: &[String]) {
    use atlas::train::lab::LabSettings;
    let Some(mnist) = flag(args, "--mnist") else {
        usage()
    };
    let steps: usize = flag(args, "--steps")
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let augment = args.iter().any(|a| a == "--augment");
    let train = atlas::mnist::load(std::path::Path::new(mnist), "train").unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let mut results = Vec::new();
    for id in ["lenet5", "lenet5_modern"] {
        let net = atlas::zoo::build(id).expect("in the zoo");
        let settings = LabSettings {
            augment,
            ..LabSettings::default()
        };
        let mut run = atlas::train::session::Session::new(net, settings.session(), train.len())
            .expect("a run starts");
        // Warm-up, then the timed steps.
        for _ in 0..5 {
            run.step(&train, &[]).expect("a step");
        }
        let (start, seen) = (std::time::Instant::now(), run.examples());
        for _ in 0..steps {
            run.step(&train, &[]).expect("a step");
        }
        let secs = start.elapsed().as_secs_f64();
        let per_s = (run.examples() - seen) as f64 / secs;
        println!(
            "{id:<14} batch {} {}: {per_s:>7.0} examples/s ({steps} steps in {secs:.2} s)",
            settings.batch_size,
            if augment { "augmented" } else { "plain" }
        );
        results.push(
            serde_json::json!({"model": id, "batch": settings.batch_size,
            "augment": augment, "examples_per_s": per_s}),
        );
    }
    println!("{}", serde_json::json!({"native_training": results}));
}
