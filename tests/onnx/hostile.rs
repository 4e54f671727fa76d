//! Hostile ONNX graphs, built here field by field: well-formed protobuf whose shapes and
//! attributes are what no exporter writes — empty layers, absurd groups and steps, a constant
//! concatenated with itself a hundred thousand times, strides stacked past any field. Each must
//! give a message naming what is wrong (or open, where the graph is merely odd), quickly and
//! without a panic; the test binary refuses any allocation of 1 GiB or more, so that one sized
//! from the file fails loudly instead of paging (the worker's 32-bit memory could not give it).

use atlas::i18n::Lang;
use atlas::onnx::proto::*;
use prost::Message;

fn dim(v: i64) -> Dimension {
    Dimension {
        value: Some(DimensionValue::DimValue(v)),
    }
}

fn input(c: i64, h: i64, w: i64) -> ValueInfoProto {
    ValueInfoProto {
        name: "x".into(),
        r#type: Some(TypeProto {
            tensor_type: Some(TensorTypeProto {
                elem_type: data_type::FLOAT,
                shape: Some(TensorShapeProto {
                    dim: vec![dim(1), dim(c), dim(h), dim(w)],
                }),
            }),
        }),
    }
}

fn floats(name: &str, dims: &[i64]) -> TensorProto {
    let n: i64 = dims.iter().product();
    TensorProto {
        dims: dims.to_vec(),
        data_type: data_type::FLOAT,
        float_data: vec![0.5; n.max(0) as usize],
        name: name.into(),
        ..Default::default()
    }
}

fn int(name: &str, i: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: 2,
        i,
        ..Default::default()
    }
}

fn ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: 7,
        ints: v.to_vec(),
        ..Default::default()
    }
}

fn node(op: &str, inputs: &[&str], output: &str, attribute: Vec<AttributeProto>) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        name: format!("/{output}/{op}"),
        op_type: op.into(),
        attribute,
        ..Default::default()
    }
}

/// A file of `nodes` over an input of `chw`, with `initializer`, whose output is `out`.
fn file(chw: [i64; 3], nodes: Vec<NodeProto>, initializer: Vec<TensorProto>, out: &str) -> Vec<u8> {
    ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 17,
        }],
        graph: Some(GraphProto {
            node: nodes,
            initializer,
            input: vec![input(chw[0], chw[1], chw[2])],
            output: vec![ValueInfoProto {
                name: out.into(),
                r#type: None,
            }],
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec()
}

/// The file is refused with a message, in both languages, whose English contains `says`.
fn refused(bytes: &[u8], what: &str, says: &str) {
    let e = match atlas::onnx::import(bytes, "hostile.onnx") {
        Ok(_) => panic!("{what}: opened"),
        Err(e) => e,
    };
    let (en, zh) = (e.0.text(Lang::En), e.0.text(Lang::Zh));
    assert!(en.contains(says), "{what}: {en}");
    assert!(!zh.is_empty() && !zh.contains("onnx-error"), "{what}: {zh}");
}

/// A conv of `weight` dims over a 3×8×8 input, then `rest` reading "y".
fn after_conv(weight: &[i64], rest: Vec<NodeProto>, mut init: Vec<TensorProto>) -> Vec<u8> {
    let mut nodes = vec![node("Conv", &["x", "w"], "y", vec![])];
    let out = rest.last().map_or("y".to_string(), |n| n.output[0].clone());
    nodes.extend(rest);
    init.push(floats("w", weight));
    file([3, 8, 8], nodes, init, &out)
}

#[test]
fn layers_without_outputs_are_refused() {
    // A convolution to 0 channels (whose norm would divide by them when folded).
    refused(
        &after_conv(&[0, 3, 1, 1], vec![], vec![]),
        "conv to 0",
        "an output of shape [0, 8, 8] is empty",
    );
    // A fully connected layer to 0 outputs.
    refused(
        &after_conv(
            &[2, 3, 1, 1],
            vec![
                node("Flatten", &["y"], "f", vec![]),
                node("Gemm", &["f", "g"], "z", vec![int("transB", 1)]),
            ],
            vec![floats("g", &[0, 128])],
        ),
        "gemm to 0",
        "weight [0, 128] has no outputs",
    );
}

#[test]
fn absurd_attributes_are_refused_before_they_are_converted() {
    // 2^32 groups (0 in a 32-bit usize), a stride of 2^32 + 1 (1 there).
    refused(
        &file(
            [4, 8, 8],
            vec![node("Conv", &["x", "w"], "y", vec![int("group", 1 << 32)])],
            vec![floats("w", &[4, 1, 1, 1])],
            "y",
        ),
        "2^32 groups",
        "groups do not agree",
    );
    refused(
        &file(
            [3, 8, 8],
            vec![node(
                "Conv",
                &["x", "w"],
                "y",
                vec![ints("strides", &[(1 << 32) + 1, 1])],
            )],
            vec![floats("w", &[2, 3, 1, 1])],
            "y",
        ),
        "a stride of 2^32 + 1",
        "two values from 0 to 4096 expected",
    );
    refused(
        &file(
            [3, 8, 8],
            vec![node(
                "MaxPool",
                &["x"],
                "y",
                vec![
                    ints("kernel_shape", &[2, 2]),
                    ints("pads", &[1 << 33, 0, 1 << 33, 0]),
                ],
            )],
            vec![],
            "y",
        ),
        "pads of 2^33",
        "four values from 0 to 4096 expected",
    );
    refused(
        &file(
            [3, 8, 8],
            vec![node("Concat", &[], "y", vec![int("axis", 1)])],
            vec![],
            "y",
        ),
        "a concatenation of nothing",
        "no inputs",
    );
}

#[test]
fn constant_folding_is_bounded_before_it_computes() {
    // One constant of 10,000 values concatenated with itself 100,000 times: a billion values
    // asked by a file of a few hundred kilobytes.
    let c = node(
        "Constant",
        &[],
        "c",
        vec![ints("value_ints", &vec![7; 10_000])],
    );
    let many = vec!["c"; 100_000];
    let cat = node("Concat", &many, "cc", vec![int("axis", 0)]);
    let mut nodes = vec![c, cat];
    nodes.push(node("Relu", &["x"], "y", vec![]));
    refused(
        &file([3, 8, 8], nodes, vec![], "y"),
        "a constant concatenated 100,000 times",
        "may hold 1000000000 values",
    );
    // 16,384 integers 8,193 times: 134 million, within the values a tensor may hold but not the
    // integers a fold may make (the list doubling to 2^28 would pass the 32-bit worker's
    // isize::MAX).
    let nodes = vec![
        node(
            "Constant",
            &[],
            "c",
            vec![ints("value_ints", &vec![7; 16_384])],
        ),
        node("Concat", &vec!["c"; 8_193], "cc", vec![int("axis", 0)]),
        node("Relu", &["x"], "y", vec![]),
    ];
    refused(
        &file([3, 8, 8], nodes, vec![], "y"),
        "16,384 integers 8,193 times",
        "may hold 134234112 values",
    );
    // A thousand axes added to a scalar.
    let nodes = vec![
        node("Constant", &[], "c", vec![int("value_int", 3)]),
        node("Unsqueeze", &["c", "axes"], "u", vec![]),
        node("Relu", &["x"], "y", vec![]),
    ];
    let mut axes = floats("axes", &[]);
    axes.data_type = data_type::INT64;
    axes.dims = vec![1000];
    axes.float_data.clear();
    axes.raw_data = (0..1000i64).flat_map(|a| a.to_le_bytes()).collect();
    refused(
        &file([3, 8, 8], nodes, vec![axes], "y"),
        "1000 axes",
        "1000 values where a few are expected",
    );
}

/// Odd but harmless: these open (their output is the ReLU), and nothing on the way panics.
#[test]
fn odd_constants_fold_without_a_panic() {
    let empty_ints = AttributeProto {
        name: "value_ints".into(),
        r#type: 7,
        ..Default::default()
    };
    for (what, folded) in [
        (
            "one value plus none",
            vec![
                node(
                    "Constant",
                    &[],
                    "a",
                    vec![AttributeProto {
                        name: "value_float".into(),
                        r#type: 1,
                        f: 1.0,
                        ..Default::default()
                    }],
                ),
                node("Constant", &[], "b", vec![empty_ints.clone()]),
                node("Add", &["a", "b"], "s", vec![]),
            ],
        ),
        (
            "a slice of step 2^32",
            vec![
                node("Constant", &[], "a", vec![ints("value_ints", &[1, 2, 3])]),
                node("Constant", &[], "st", vec![ints("value_ints", &[0])]),
                node("Constant", &[], "en", vec![ints("value_ints", &[3])]),
                node("Constant", &[], "ax", vec![ints("value_ints", &[0])]),
                node("Constant", &[], "sp", vec![ints("value_ints", &[1 << 32])]),
                node("Slice", &["a", "st", "en", "ax", "sp"], "s", vec![]),
            ],
        ),
    ] {
        let mut nodes = folded;
        nodes.push(node("Relu", &["x"], "y", vec![]));
        let imported = atlas::onnx::import(&file([3, 8, 8], nodes, vec![], "y"), "odd.onnx")
            .unwrap_or_else(|e| panic!("{what}: {}", e.0.text(Lang::En)));
        assert_eq!(imported.net.nodes.len(), 2, "{what}");
    }
}

/// Six 1×1 convolutions of stride 4096 on a 1×1 map: legal, and their receptive fields'
/// jump (4096⁶ = 2⁷²) passes any integer; the analysis saturates instead of overflowing.
#[test]
fn strides_stacked_past_any_field_are_analysed() {
    let mut nodes = Vec::new();
    let mut init = Vec::new();
    let mut from = "x".to_string();
    for i in 0..6 {
        let out = format!("y{i}");
        let w = format!("w{i}");
        nodes.push(node(
            "Conv",
            &[&from, &w],
            &out,
            vec![ints("strides", &[4096, 4096])],
        ));
        init.push(floats(&w, &[1, 1, 1, 1]));
        from = out;
    }
    let imported = atlas::onnx::import(&file([1, 1, 1], nodes, init, &from), "strides.onnx")
        .unwrap_or_else(|e| panic!("{}", e.0.text(Lang::En)));
    let an = atlas::zoo::analyse(&imported.net);
    let last = an.layers.last().unwrap();
    assert_eq!(last.shape, vec![1, 1, 1]);
    assert!(last.jump.unwrap()[0] >= 1 << 48, "{:?}", last.jump);
}

/// Forty million empty nodes: an 80 MB file that prost would decode into about 3 GB of
/// `NodeProto`s. Refused from its wire format before anything is decoded.
#[test]
fn a_file_of_empty_messages_is_refused_before_it_is_decoded() {
    let n = 40_000_000usize;
    let mut bytes = vec![0x3a];
    let mut len = (2 * n) as u64;
    while len >= 0x80 {
        bytes.push((len as u8 & 0x7f) | 0x80);
        len >>= 7;
    }
    bytes.push(len as u8);
    bytes.extend([0x0a, 0x00].repeat(n));
    refused(&bytes, "40,000,000 empty nodes", "would take");
    // Behind a group (field 15, empty), which prost skips before decoding the rest.
    let mut grouped = vec![0x7b, 0x7c];
    grouped.extend(&bytes);
    refused(&grouped, "the same behind a group", "would take");
}

/// The estimate is close for real files: the exported SqueezeNet 1.1 and ResNet-18 of
/// ../shared/peers decode to about their own size.
#[test]
fn real_files_decode_to_about_their_size() {
    for name in ["squeezenet1_1.onnx", "resnet18_splitmix.onnx"] {
        let bytes = std::fs::read(crate::support::shared(&format!("peers/{name}"))).unwrap();
        let cost = atlas::onnx::wire::decoded_bytes(&bytes) as f64 / bytes.len() as f64;
        assert!((1.0..1.2).contains(&cost), "{name}: {cost:.3} of its size");
    }
}
