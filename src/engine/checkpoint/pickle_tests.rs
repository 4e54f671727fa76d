//! Tests of the pickle reader: what torch writes reads back, and damaged bytes give errors.

use super::*;

fn read_all(bytes: &[u8]) -> Result<Value, PickleError> {
    read(bytes, &mut 0, &storage_id)
}

#[test]
fn a_small_state_dict_reads() {
    // OrderedDict([('w', tensor)]) as torch writes it, protocol 2, by hand.
    let mut p = vec![0x80, 2];
    p.extend(b"ccollections\nOrderedDict\nq\x00)Rq\x01(X\x01\x00\x00\x00w");
    p.extend(b"ctorch._utils\n_rebuild_tensor_v2\n(");
    p.extend(b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000");
    p.extend(b"X\x03\x00\x00\x00cpuK\x06tQK\x00K\x02K\x03\x86K\x03K\x01\x86\x89");
    p.extend(b"ccollections\nOrderedDict\n)RtRu.");
    let v = read_all(&p).unwrap();
    let Value::Dict(d) = v else { panic!("{v:?}") };
    let Value::Tensor(t) = &d.items[0].1 else {
        panic!()
    };
    assert_eq!(t.shape, vec![2, 3]);
    assert_eq!(t.stride, vec![3, 1]);
    assert_eq!(t.storage.key, "0");
    assert_eq!(t.storage.dtype(), Some(Dtype::F32));
    // Every prefix is an error, never a panic.
    for n in 0..p.len() {
        assert!(read_all(&p[..n]).is_err(), "{n}");
    }
}

/// The two cases that panicked in candle-core 0.11.1's pickle reader (`pickle.rs:628`
/// `args.remove(3)`: a tensor rebuilt from too few arguments; `:633` `storage.remove(4)`: a
/// persistent id that is a short tuple), each in a state_dict as torch writes one, and a
/// length field of 4 GB that candle allocated before reading.
#[test]
fn damage_that_used_to_panic_is_an_error() {
    let few = b"\x80\x02}(X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n(K\x01tRu.";
    assert!(read_all(few).unwrap_err().0.contains("rebuilt from"));
    let mut pid = b"\x80\x02}(X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n(".to_vec();
    pid.extend(b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\ntQ");
    pid.extend(b"K\x00K\x01\x85K\x01\x85\x89NtRu.");
    assert!(read_all(&pid).unwrap_err().0.contains("persistent id"));
    let long = b"\x80\x02X\xff\xff\xff\xff.";
    assert!(read_all(long).unwrap_err().0.contains("runs past the end"));
}

/// A list memoised and fetched again and again is shared, not copied: a "billion laughs"
/// stays within the work budget and nests no deeper than the bound.
#[test]
fn shared_values_do_not_blow_up() {
    let mut p = b"\x80\x02]q\x00".to_vec();
    for _ in 0..70 {
        // [x, x] where x is the previous list, memoised again under 0.
        p.extend(b"(h\x00h\x00lq\x00");
    }
    p.push(b'.');
    // (Never printed: its Debug form would have 2^70 leaves.)
    let Err(PickleError(e)) = read_all(&p) else {
        panic!("a value nested 70 deep was read")
    };
    assert!(e.contains("nest deeper"), "{e}");
    let mut wide = b"\x80\x02]q\x00".to_vec();
    for _ in 0..10_000 {
        // Append None, then memoise the list again: the next APPEND must copy it.
        wide.extend(b"Naq\x00");
    }
    wide.push(b'.');
    // Quadratic copying runs out of the work budget instead of time and memory.
    let Err(PickleError(e)) = read_all(&wide) else {
        panic!("10,000 copies were made")
    };
    assert!(e.contains("more work"), "{e}");
}
