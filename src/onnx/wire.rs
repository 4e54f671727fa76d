//! What decoding a file would allocate, measured on its protobuf wire format before `prost`
//! decodes it. A message costs its struct in its parent's list whatever its length on the wire,
//! so a file of empty messages multiplies itself: two bytes (`0a 00`) make a 72-byte `NodeProto`,
//! one byte of a packed varint an 8-byte `i64`. The walk follows the messages of [`super::proto`]
//! (fields it does not know are skipped, as prost skips them, groups included), adds up each
//! message's struct, each string's bytes and header and each repeated number's width, and stops
//! at the first malformed field (prost then gives its error).

use std::mem::size_of;

use super::proto::*;

/// How a field of a message is decoded.
#[derive(Clone, Copy)]
enum Kind {
    /// A message (repeated or optional): its struct, and what it holds.
    Msg(&'static Schema),
    /// A string or bytes: its length and, as one of a list, its header.
    Bytes,
    /// Numbers of `width` bytes each (floats stored at their width on the wire, integers as
    /// varints), packed (one length-delimited run) or one per field.
    Numbers { width: usize, float: bool },
}

/// A message: the size of its struct and its fields by number.
struct Schema {
    size: usize,
    fields: &'static [(u64, Kind)],
}

const HEADER: usize = size_of::<String>();
const I32: Kind = Kind::Numbers {
    width: 4,
    float: false,
};
const I64: Kind = Kind::Numbers {
    width: 8,
    float: false,
};
const F32: Kind = Kind::Numbers {
    width: 4,
    float: true,
};
const F64: Kind = Kind::Numbers {
    width: 8,
    float: true,
};

static OPSET: Schema = Schema {
    size: size_of::<OperatorSetIdProto>(),
    fields: &[(1, Kind::Bytes), (2, I64)],
};

static TENSOR: Schema = Schema {
    size: size_of::<TensorProto>(),
    fields: &[
        (1, I64),
        (2, I32),
        (4, F32),
        (5, I32),
        (7, I64),
        (8, Kind::Bytes),
        (9, Kind::Bytes),
        (10, F64),
        (14, I32),
    ],
};

static ATTRIBUTE: Schema = Schema {
    size: size_of::<AttributeProto>(),
    fields: &[
        (1, Kind::Bytes),
        (20, I32),
        (2, F32),
        (3, I64),
        (4, Kind::Bytes),
        (5, Kind::Msg(&TENSOR)),
        (7, F32),
        (8, I64),
    ],
};

static NODE: Schema = Schema {
    size: size_of::<NodeProto>(),
    fields: &[
        (1, Kind::Bytes),
        (2, Kind::Bytes),
        (3, Kind::Bytes),
        (4, Kind::Bytes),
        (7, Kind::Bytes),
        (5, Kind::Msg(&ATTRIBUTE)),
    ],
};

static DIMENSION: Schema = Schema {
    size: size_of::<Dimension>(),
    fields: &[(1, I64), (2, Kind::Bytes)],
};

static SHAPE: Schema = Schema {
    size: size_of::<TensorShapeProto>(),
    fields: &[(1, Kind::Msg(&DIMENSION))],
};

static TENSOR_TYPE: Schema = Schema {
    size: size_of::<TensorTypeProto>(),
    fields: &[(1, I32), (2, Kind::Msg(&SHAPE))],
};

static TYPE: Schema = Schema {
    size: size_of::<TypeProto>(),
    fields: &[(1, Kind::Msg(&TENSOR_TYPE))],
};

static VALUE_INFO: Schema = Schema {
    size: size_of::<ValueInfoProto>(),
    fields: &[(1, Kind::Bytes), (2, Kind::Msg(&TYPE))],
};

static GRAPH: Schema = Schema {
    size: size_of::<GraphProto>(),
    fields: &[
        (1, Kind::Msg(&NODE)),
        (2, Kind::Bytes),
        (5, Kind::Msg(&TENSOR)),
        (11, Kind::Msg(&VALUE_INFO)),
        (12, Kind::Msg(&VALUE_INFO)),
    ],
};

static MODEL: Schema = Schema {
    size: size_of::<ModelProto>(),
    fields: &[
        (1, I64),
        (8, Kind::Msg(&OPSET)),
        (2, Kind::Bytes),
        (3, Kind::Bytes),
        (7, Kind::Msg(&GRAPH)),
    ],
};

/// A varint at `at`: its value and the position after it.
fn varint(b: &[u8], mut at: usize) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(at)?;
        at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((v, at));
        }
    }
    None
}

/// The end of the group of field `number` whose fields start at `at` (after its end-group key),
/// or None where it does not end well (prost then fails too). Nested groups are skipped alike,
/// up to prost's recursion limit.
fn skip_group(b: &[u8], mut at: usize, number: u64, depth: usize) -> Option<usize> {
    if depth > 100 {
        return None;
    }
    loop {
        let (key, next) = varint(b, at)?;
        let (inner, wire) = (key >> 3, key & 7);
        at = match wire {
            0 => varint(b, next)?.1,
            1 => next.checked_add(8)?,
            5 => next.checked_add(4)?,
            2 => {
                let (len, start) = varint(b, next)?;
                start.checked_add(usize::try_from(len).ok()?)?
            }
            3 => skip_group(b, next, inner, depth + 1)?,
            4 if inner == number => return Some(next),
            _ => return None,
        };
        if at > b.len() {
            return None;
        }
    }
}

/// The bytes decoding `b` as a message of `schema` allocates, its own struct left out.
fn walk(b: &[u8], schema: &Schema) -> u64 {
    let mut cost = 0u64;
    let mut at = 0;
    while at < b.len() {
        let Some((key, next)) = varint(b, at) else {
            break;
        };
        let (number, wire) = (key >> 3, key & 7);
        let kind = schema
            .fields
            .iter()
            .find(|(n, _)| *n == number)
            .map(|(_, k)| *k);
        // The field's payload, by wire type: varint 0, 64-bit 1, length-delimited 2, 32-bit 5.
        let (payload, end) = match wire {
            0 => match varint(b, next) {
                Some((_, end)) => (&b[next..end], end),
                None => break,
            },
            1 | 5 => {
                let end = next + if wire == 1 { 8 } else { 4 };
                match b.get(next..end) {
                    Some(p) => (p, end),
                    None => break,
                }
            }
            2 => {
                let Some((len, start)) = varint(b, next) else {
                    break;
                };
                let end = usize::try_from(len)
                    .ok()
                    .and_then(|l| start.checked_add(l))
                    .filter(|&e| e <= b.len());
                match end {
                    Some(end) => (&b[start..end], end),
                    None => break,
                }
            }
            // A group (onnx.proto has none): prost skips it, fields and nested groups, and
            // goes on decoding after it; so does the walk.
            3 => match skip_group(b, next, number, 0) {
                Some(end) => (&b[end..end], end),
                None => break,
            },
            _ => break,
        };
        // Lists grow by doubling as prost pushes to them: each entry of one is counted twice.
        cost = cost.saturating_add(match (kind, wire) {
            (Some(Kind::Msg(s)), 2) => (2 * s.size as u64).saturating_add(walk(payload, s)),
            (Some(Kind::Bytes), 2) => (payload.len() + 2 * HEADER) as u64,
            // A packed run: floats at their width, integers one per varint (a byte without its
            // high bit ends one).
            (_, 3) => 0,
            (Some(Kind::Numbers { float: true, .. }), 2) => 2 * payload.len() as u64,
            (Some(Kind::Numbers { width, .. }), 2) => {
                (payload.iter().filter(|&&x| x & 0x80 == 0).count() * width * 2) as u64
            }
            (Some(Kind::Numbers { width, .. }), _) => 2 * width as u64,
            _ => 0,
        });
        at = end;
    }
    cost
}

/// The bytes decoding `bytes` as an ONNX `ModelProto` would allocate: every message, string and
/// number counted as one of a list, at twice its size (the capacity a list that doubles may
/// reach; growing one briefly holds its old buffer as well), the bytes of a string once.
pub fn decoded_bytes(bytes: &[u8]) -> u64 {
    (MODEL.size as u64).saturating_add(walk(bytes, &MODEL))
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    /// A graph of `n` empty nodes: two bytes each on the wire.
    fn empty_nodes(n: usize) -> Vec<u8> {
        let graph: Vec<u8> = [0x0a, 0x00].repeat(n);
        let mut model = vec![0x3a];
        let mut len = graph.len() as u64;
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                model.push(byte);
                break;
            }
            model.push(byte | 0x80);
        }
        model.extend(graph);
        model
    }

    #[test]
    fn a_file_of_empty_messages_costs_what_prost_would_allocate() {
        let file = empty_nodes(1000);
        let decoded = ModelProto::decode(&file[..]).unwrap();
        assert_eq!(decoded.graph.unwrap().node.len(), 1000);
        let cost = decoded_bytes(&file);
        assert!(
            cost >= 1000 * size_of::<NodeProto>() as u64,
            "{cost} for 2,000 bytes"
        );
        assert!(cost > 30 * file.len() as u64);
    }

    #[test]
    fn a_real_model_costs_about_its_size() {
        let t = TensorProto {
            dims: vec![64, 3, 3, 3],
            data_type: data_type::FLOAT,
            raw_data: vec![7; 64 * 27 * 4],
            name: "w".into(),
            ..Default::default()
        };
        let model = ModelProto {
            ir_version: 8,
            graph: Some(GraphProto {
                initializer: vec![t; 10],
                node: vec![
                    NodeProto {
                        input: vec!["x".into(), "w".into()],
                        output: vec!["y".into()],
                        op_type: "Conv".into(),
                        attribute: vec![AttributeProto {
                            name: "strides".into(),
                            ints: vec![2, 2],
                            ..Default::default()
                        }],
                        ..Default::default()
                    };
                    5
                ],
                ..Default::default()
            }),
            ..Default::default()
        };
        let file = model.encode_to_vec();
        let cost = decoded_bytes(&file);
        assert!(
            cost >= file.len() as u64 && cost < 2 * file.len() as u64,
            "{cost} for {} bytes",
            file.len()
        );
    }

    /// A group before the graph (field 15: start `7b`, end `7c`; nested, with a field inside)
    /// is skipped as prost skips it, and what follows is still counted.
    #[test]
    fn a_group_does_not_hide_what_follows_it() {
        let plain = empty_nodes(1000);
        let cost = decoded_bytes(&plain);
        for group in [
            vec![0x7b, 0x7c],
            vec![0x7b, 0x0b, 0x08, 0x01, 0x0c, 0x12, 0x01, 0x61, 0x7c],
        ] {
            let mut file = group.clone();
            file.extend(&plain);
            assert_eq!(
                ModelProto::decode(&file[..])
                    .unwrap()
                    .graph
                    .unwrap()
                    .node
                    .len(),
                1000
            );
            assert_eq!(decoded_bytes(&file), cost, "{group:02x?}");
        }
        // A group that never ends, or ends with another field's number: prost fails, the walk
        // stops.
        assert!(ModelProto::decode(&[0x7b, 0x08, 0x01][..]).is_err());
        decoded_bytes(&[0x7b, 0x08, 0x01]);
        decoded_bytes(&[0x7b, 0x74]);
        decoded_bytes(&[0x7b; 300]);
    }

    /// Cut short, or with a length past the end: the walk stops, with no panic.
    #[test]
    fn a_malformed_file_is_walked_without_a_panic() {
        let file = empty_nodes(10);
        for cut in 0..file.len() {
            decoded_bytes(&file[..cut]);
        }
        decoded_bytes(&[
            0x3a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ]);
        decoded_bytes(&[0x3a, 0x05, 0x0a, 0x80]);
        decoded_bytes(&[0xff; 16]);
    }
}
