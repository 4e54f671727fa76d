//! Your own network (issue 21): ONNX files read into descriptions. The real SqueezeNet 1.1
//! (../shared/peers, opset 17) classifies every shared photo as torchvision does; ResNet-18 with
//! the splitmix-v1 checkpoint has the zoo's ResNet-18's layers (BatchNorm folded into the
//! convolutions by the exporter) and its reference logits on every engine; the fixtures' every
//! layer agrees between the engines; the bad files get their messages; no damaged file panics
//! (`onnx/mutations.rs`).
#![cfg(not(target_arch = "wasm32"))]

mod conformance;
mod support;
// The mutation run and the hostile graphs, in this binary (one test binary less to link).
#[path = "onnx/hostile.rs"]
mod hostile;
#[path = "onnx/mutations.rs"]
mod mutations;

/// The system allocator, refusing any one request of 1 GiB or more: a size read from a damaged
/// or hostile file then aborts the run loudly ("memory allocation of N bytes failed") instead of
/// paging or passing on a machine with the memory (the worker's 32-bit memory could not give it).
struct Refusing;

unsafe impl std::alloc::GlobalAlloc for Refusing {
    unsafe fn alloc(&self, l: std::alloc::Layout) -> *mut u8 {
        if l.size() >= 1 << 30 {
            return std::ptr::null_mut();
        }
        std::alloc::System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: std::alloc::Layout) {
        std::alloc::System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: std::alloc::Layout, new: usize) -> *mut u8 {
        if new >= 1 << 30 {
            return std::ptr::null_mut();
        }
        std::alloc::System.realloc(p, l, new)
    }
}

#[global_allocator]
static ALLOCATOR: Refusing = Refusing;

use std::path::PathBuf;

use atlas::engine::{cpu::CandleEngine, packed::PackedEngine, Engine};
use atlas::i18n::Lang;
use atlas::imagenet::{self, Image8};
use atlas::onnx::{import, Imported};
use support::shared;

fn peer(name: &str) -> Imported {
    let bytes = std::fs::read(shared(&format!("peers/{name}"))).unwrap();
    import(&bytes, name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/onnx/{name}")),
    )
    .unwrap()
}

fn webgpu() -> atlas::engine::gpu::GpuEngine {
    atlas::engine::gpu::GpuEngine::new()
        .unwrap_or_else(|e| panic!("{e} (install mesa-vulkan-drivers for lavapipe)"))
}

#[test]
fn every_layer_of_every_fixture_agrees_between_the_engines() {
    let gpu = webgpu();
    let engines: [&dyn Engine; 2] = [&PackedEngine, &gpu];
    for (name, bytes, json) in conformance::ONNX_FIXTURES {
        let imported = import(bytes, name).unwrap();
        let reference: serde_json::Value = serde_json::from_str(json).unwrap();
        let input: Vec<f32> = reference["input"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        let net = &imported.net;
        let want = atlas::engine::cpu::forward(net, &imported.weights, &input, &[]).unwrap();
        for engine in engines {
            let mut p = engine.prepare(net, imported.weights.clone()).unwrap();
            let got = pollster::block_on(p.run_async(&input, &[])).unwrap();
            for (id, (g, w)) in got.values.iter().zip(&want.values).enumerate() {
                let scale = w.iter().fold(1f32, |m, v| m.max(v.abs()));
                assert_eq!(g.len(), w.len(), "{name}: layer {id} length");
                let (worst, _) = atlas::engine::largest_difference(g, w);
                assert!(
                    worst <= 1e-4 * scale,
                    "{} on {name}: layer {} ({:?}) differs from candle by {worst}",
                    engine.name(),
                    net.nodes[id].name,
                    net.nodes[id].op
                );
            }
        }
    }
}

/// torchvision's photo check for the real SqueezeNet 1.1 read from its ONNX file: top-1 equal,
/// top-5 probabilities within 0.01, on every shared photo, on the CPU engines.
#[test]
fn squeezenet1_1_onnx_classifies_every_photo_like_torchvision() {
    let imported = peer("squeezenet1_1.onnx");
    let net = &imported.net;
    assert_eq!(net.input_shape(), Some([3, 224, 224]));
    let reference: serde_json::Value = serde_json::from_slice(
        &std::fs::read(shared("reference/photos_squeezenet1_1.json")).unwrap(),
    )
    .unwrap();
    let top5 = reference["top5"].as_object().unwrap();
    assert_eq!(top5.len(), 9);
    let engines: [&dyn Engine; 2] = [&CandleEngine, &PackedEngine];
    for engine in engines {
        let mut prepared = engine.prepare(net, imported.weights.clone()).unwrap();
        for (photo, want) in top5 {
            let img = image::open(shared(&format!("photos/{photo}")))
                .unwrap()
                .to_rgb8();
            let img = Image8::new(
                img.width() as usize,
                img.height() as usize,
                3,
                img.into_raw(),
            )
            .unwrap();
            let x = imagenet::preprocess(&img).tensor;
            let out = prepared.run(&x, &[net.output()]).unwrap();
            let probs = atlas::engine::softmax(&out.values[0]);
            let got = imagenet::top_k(&out.values[0], 5);
            let want = want.as_array().unwrap();
            assert_eq!(
                got[0].index as u64,
                want[0]["index"].as_u64().unwrap(),
                "{}: {photo}",
                engine.name()
            );
            for w in want {
                let i = w["index"].as_u64().unwrap() as usize;
                let p = w["prob"].as_f64().unwrap() as f32;
                assert!(
                    (probs[i] - p).abs() <= 0.01,
                    "{}: {photo}: p({i}) = {} vs {p}",
                    engine.name(),
                    probs[i]
                );
            }
        }
    }
}

/// The exporter folded each BatchNorm into the convolution before it (a bias per output
/// channel): ResNet-18 from the file has the zoo's layers with the norms gone. Every other layer
/// has the zoo's name (torch's second call of a module is `relu_1`), shape, multiply-adds and
/// receptive field; a convolution's parameters are the zoo's plus its folded bias.
#[test]
fn resnet18_onnx_is_the_zoo_s_resnet18_with_its_norms_folded() {
    let imported = peer("resnet18_splitmix.onnx");
    let ours = atlas::zoo::analyse(&imported.net);
    let zoo_net = atlas::zoo::build("resnet18").unwrap();
    let zoo = atlas::zoo::analyse(&zoo_net);
    let zoo_layers: Vec<(&atlas::zoo::Node, &atlas::zoo::LayerStats)> = zoo_net
        .nodes
        .iter()
        .zip(&zoo.layers)
        .filter(|(n, _)| !matches!(n.op, atlas::zoo::Op::BatchNorm2d { .. }))
        .collect();
    assert_eq!(imported.net.nodes.len(), zoo_layers.len());
    let mut folded_bias = 0;
    for ((n, l), (zn, zl)) in imported.net.nodes.iter().zip(&ours.layers).zip(&zoo_layers) {
        let name = n.name.replace("relu_1", "relu");
        assert_eq!(name, zn.name, "layer names");
        assert_eq!(n.op.type_name(), zn.op.type_name(), "{name}");
        assert_eq!(l.shape, zl.shape, "{name}");
        assert_eq!(l.macs, zl.macs, "{name}");
        assert_eq!(
            (l.rf, l.jump, l.start),
            (zl.rf, zl.jump, zl.start),
            "{name}"
        );
        assert_eq!(n.block, zn.block, "{name}");
        match &n.op {
            atlas::zoo::Op::Conv2d(c) => {
                assert!(c.bias, "{name}: the folded norm's bias");
                assert_eq!(l.params, zl.params + c.out_channels as u64, "{name}");
                folded_bias += c.out_channels as u64;
            }
            _ => assert_eq!(l.params, zl.params, "{name}"),
        }
    }
    let norms: u64 = zoo_net
        .nodes
        .iter()
        .zip(&zoo.layers)
        .filter(|(n, _)| matches!(n.op, atlas::zoo::Op::BatchNorm2d { .. }))
        .map(|(_, l)| l.params)
        .sum();
    assert_eq!(ours.total_params, zoo.total_params - norms + folded_bias);
    assert_eq!(ours.total_params, 11_684_712);
    assert_eq!(ours.total_macs, zoo.total_macs);
}

/// Its logits on the splitmix-v1 input: ../shared/reference's, within 1e-3, on every engine.
#[test]
fn resnet18_onnx_gives_the_reference_logits_on_every_engine() {
    let imported = peer("resnet18_splitmix.onnx");
    let reference: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shared("reference/resnet18.json")).unwrap()).unwrap();
    let theirs: Vec<f32> = reference["splitmix_v1"]["logits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() as f32)
        .collect();
    let gpu = webgpu();
    let engines: [&dyn Engine; 3] = [&CandleEngine, &PackedEngine, &gpu];
    for engine in engines {
        let err = pollster::block_on(atlas::engine::splitmix::logits_error_of(
            engine,
            &imported.net,
            imported.weights.clone(),
            &theirs,
        ))
        .unwrap();
        assert!(err <= 1e-3, "{}: relative error {err:e}", engine.name());
    }
}

fn message(bytes: &[u8], file: &str) -> (String, String) {
    let e = import(bytes, file).expect_err(file);
    (e.0.text(Lang::En), e.0.text(Lang::Zh))
}

#[test]
fn bad_files_get_messages_that_say_what_is_wrong() {
    let (en, zh) = message(&fixture("bad_op.onnx"), "bad_op.onnx");
    assert!(
        en.contains("'/erf/Erf' runs the operator Erf")
            && en.contains("It runs: Conv, BatchNormalization"),
        "{en}"
    );
    assert!(zh.contains("Erf") && !zh.contains("onnx-"), "{zh}");
    let (en, _) = message(&fixture("bad_dynamic.onnx"), "bad_dynamic.onnx");
    assert!(en.contains("dynamic size (? × 3 × ? × ?)"), "{en}");
    let (en, _) = message(&fixture("bad_two_inputs.onnx"), "bad_two_inputs.onnx");
    assert!(en.contains("2 inputs (input, second)"), "{en}");
    let (en, _) = message(&fixture("bad_opset.onnx"), "bad_opset.onnx");
    assert!(
        en.contains("opset 3; ConvNet Atlas reads opsets 7 to 22"),
        "{en}"
    );
    let good = fixture("net_cifar.onnx");
    let (en, zh) = message(&good[..good.len() / 2], "net_cifar.onnx");
    assert!(
        en.starts_with("net_cifar.onnx is not an ONNX model, or it is cut short"),
        "{en}"
    );
    assert!(zh.contains("文件不完整"), "{zh}");
    let (en, _) = message(b"just some text, not a model\n", "notes.onnx");
    assert!(en.contains("not an ONNX model"), "{en}");
    let (en, _) = message(b"", "empty.onnx");
    assert!(en.contains("holds no network graph"), "{en}");
}

/// The description's remarks say where it came from; a final softmax is said and left out.
#[test]
fn the_description_says_its_source_and_a_dropped_softmax() {
    let imported = import(&fixture("op_linear.onnx"), "op_linear.onnx").unwrap();
    assert!(imported.softmax_dropped);
    let text: Vec<String> = imported
        .net
        .remarks
        .iter()
        .map(|r| r.text(Lang::En))
        .collect();
    assert!(
        text[0]
            .starts_with("Opened from op_linear.onnx (ONNX opset 17, written by onnx_fixtures.py)"),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("constant nodes (shape arithmetic")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.contains("ends in a softmax")),
        "{text:?}"
    );
    assert_eq!(imported.net.id, "op_linear.onnx");
    // The Reshape after the folded shape arithmetic is the Flatten.
    assert!(imported
        .net
        .nodes
        .iter()
        .any(|n| n.op == atlas::zoo::Op::Flatten));
}

/// A file whose layers would not fit a page's memory is refused before anything is prepared:
/// here a 1×8192×8192 input through a 1×1 convolution to 16 maps (4 GiB of output).
#[test]
fn a_network_too_large_for_a_page_is_refused() {
    use atlas::onnx::proto::*;
    use prost::Message;
    let dim = |v: i64| Dimension {
        value: Some(DimensionValue::DimValue(v)),
    };
    let input = ValueInfoProto {
        name: "input".into(),
        r#type: Some(TypeProto {
            tensor_type: Some(TensorTypeProto {
                elem_type: data_type::FLOAT,
                shape: Some(TensorShapeProto {
                    dim: vec![dim(1), dim(1), dim(8192), dim(8192)],
                }),
            }),
        }),
    };
    let weight = TensorProto {
        dims: vec![16, 1, 1, 1],
        data_type: data_type::FLOAT,
        float_data: vec![1.0; 16],
        name: "w".into(),
        ..Default::default()
    };
    let conv = NodeProto {
        input: vec!["input".into(), "w".into()],
        output: vec!["y".into()],
        name: "/conv/Conv".into(),
        op_type: "Conv".into(),
        ..Default::default()
    };
    let model = ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 17,
        }],
        graph: Some(GraphProto {
            node: vec![conv],
            initializer: vec![weight],
            input: vec![input],
            output: vec![ValueInfoProto {
                name: "y".into(),
                r#type: None,
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    let (en, zh) = message(&model.encode_to_vec(), "huge.onnx");
    assert!(
        en.contains("huge.onnx would keep 4352 MiB of layer outputs"),
        "{en}"
    );
    assert!(zh.contains("4352 MiB"), "{zh}");
}
