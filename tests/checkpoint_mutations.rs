//! The mutation suite for the checkpoint readers (issue 16): seeded, bounded damage to real
//! checkpoints of every format the page reads — LeNet-5 as `.safetensors`, as a legacy `.pth`
//! and as a zip `.pth`, and the real SqueezeNet 1.1 as `.safetensors` and zip `.pth` (from
//! ../shared/weights) — through the page's own loaders: `pretrained::load_checkpoint`, and for
//! `.safetensors` the streaming parser the worker feeds a download chunk by chunk. Damage: bit
//! flips, overwrites with random and boundary bytes, truncations, duplicated and deleted chunks,
//! header damage (its length, its JSON, dtypes, shape numbers that wrap, offsets), pickle opcode
//! damage (with the zip's checksums mended so the pickle is what gets read) and zip directory
//! damage. Every mutant must load or give a message in both languages; none may panic, none may
//! allocate more than the network's description needs (a counting allocator measures each load),
//! and a mutant that loads must prepare and run on the packed engine without a panic.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;

use atlas::engine::checkpoint::pickle;
use atlas::engine::packed::PackedEngine;
use atlas::engine::safetensors::StreamParser;
use atlas::engine::Engine;
use atlas::i18n::Lang;
use atlas::pretrained;
use atlas::rng::Rng;

// ---- a counting allocator: live and peak bytes of this thread, and requests refused ----

struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

/// No single request of a reader may come near this: it is refused (the process then aborts
/// with "memory allocation of N bytes failed", which fails the suite loudly).
const REFUSE_BEYOND: usize = 2 << 30;

fn note(add: usize, sub: usize) {
    let _ = LIVE.try_with(|l| {
        let now = l.get().saturating_add(add).saturating_sub(sub);
        l.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if l.size() > REFUSE_BEYOND {
            return std::ptr::null_mut();
        }
        let p = System.alloc(l);
        if !p.is_null() {
            note(l.size(), 0);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        if l.size() > REFUSE_BEYOND {
            return std::ptr::null_mut();
        }
        let p = System.alloc_zeroed(l);
        if !p.is_null() {
            note(l.size(), 0);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l);
        note(0, l.size());
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if new > REFUSE_BEYOND {
            return std::ptr::null_mut();
        }
        let q = System.realloc(p, l, new);
        if !q.is_null() {
            note(new, l.size());
        }
        q
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Runs `f` and returns its result with the most bytes it held at once beyond what was live.
fn measured<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(|l| l.get());
    PEAK.with(|p| p.set(base));
    let out = f();
    (out, PEAK.with(|p| p.get()) - base)
}

// ---- the files ----

fn file(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    assert!(
        p.exists(),
        "missing {}: the mutation suite needs it",
        p.display()
    );
    std::fs::read(p).unwrap()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Safetensors,
    LegacyPth,
    ZipPth,
}

/// Where the damage that matters lies in each format.
struct Layout2 {
    /// The safetensors header (JSON) range, or the pickle(s) range.
    meta: std::ops::Range<usize>,
    /// For a zip: (local header CRC offset, central header CRC offset) of data.pkl, and where
    /// the central directory starts.
    zip: Option<(usize, usize, usize)>,
}

fn layout(format: Format, bytes: &[u8]) -> Layout2 {
    match format {
        Format::Safetensors => {
            let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
            Layout2 {
                meta: 8..8 + n,
                zip: None,
            }
        }
        Format::LegacyPth => {
            let mut at = 15;
            for _ in 0..4 {
                pickle::read(bytes, &mut at, &pickle::storage_id).unwrap();
            }
            Layout2 {
                meta: 15..at,
                zip: None,
            }
        }
        Format::ZipPth => {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let name = z
                .file_names()
                .filter_map(|f| f.ok().map(|f| f.into_owned()))
                .find(|f| f.ends_with("data.pkl"))
                .unwrap();
            let f = z.by_name(&name).unwrap();
            let start = f.data_start().unwrap() as usize;
            let crcs = (
                f.header_start() as usize + 14,
                f.central_header_start() as usize + 16,
            );
            let eocd = (0..bytes.len() - 21)
                .rev()
                .find(|&i| bytes[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
                .unwrap();
            let dir = u32::from_le_bytes(bytes[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
            Layout2 {
                meta: start..start + f.size() as usize,
                zip: Some((crcs.0, crcs.1, dir)),
            }
        }
    }
}

// ---- the damage ----

const BOUNDARY: [&str; 12] = [
    "0",
    "1",
    "7",
    "4294967295",
    "4294967296",
    "8589934592",
    "4611686018427387904",
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "-1",
    "1e30",
];

const DTYPES: [&str; 9] = [
    "F32", "F16", "BF16", "F64", "I64", "U8", "BOOL", "F8_E4M3", "Q4",
];

/// Bytes that mean something to the pickle machine.
const OPCODES: &[u8] =
    b"\x80\x95.()]}tlds\x85\x86\x87aeu\x93cRb\x81QqrhjKMJ\x8aGX\x8c\x8dTUBCN\x88\x890124";

fn pick<'a, T>(rng: &mut Rng, from: &'a [T]) -> &'a T {
    &from[rng.below(from.len())]
}

/// A header whose JSON text is `json`, with its length field rewritten to match (or not).
fn with_header(bytes: &[u8], meta: &std::ops::Range<usize>, json: &[u8], honest: bool) -> Vec<u8> {
    let mut out = if honest {
        (json.len() as u64).to_le_bytes().to_vec()
    } else {
        bytes[..8].to_vec()
    };
    out.extend_from_slice(json);
    out.extend_from_slice(&bytes[meta.end..]);
    out
}

/// Number runs in a text, as (start, end).
fn numbers(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i].is_ascii_digit() {
            let s = i;
            while i < text.len() && text[i].is_ascii_digit() {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

/// The safetensors header damaged: its length, a number in it, a dtype, a character, or two
/// tensors' offsets swapped.
fn header_damage(rng: &mut Rng, bytes: &[u8], meta: &std::ops::Range<usize>) -> Vec<u8> {
    let json = &bytes[meta.clone()];
    match rng.below(5) {
        0 => {
            let n = meta.len() as u64;
            let random = rng.next_u64() % (2 * n);
            let len = *pick(
                rng,
                &[
                    0,
                    1,
                    2,
                    n - 1,
                    n + 1,
                    bytes.len() as u64,
                    1 << 32,
                    u64::MAX,
                    99_999_999,
                    random,
                ],
            );
            let mut out = bytes.to_vec();
            out[..8].copy_from_slice(&len.to_le_bytes());
            out
        }
        1 => {
            let nums = numbers(json);
            let (s, e) = *pick(rng, &nums);
            let mut j = json[..s].to_vec();
            j.extend_from_slice(pick(rng, &BOUNDARY).as_bytes());
            j.extend_from_slice(&json[e..]);
            with_header(bytes, meta, &j, rng.below(4) != 0)
        }
        2 => {
            let text = String::from_utf8_lossy(json).to_string();
            let spots: Vec<usize> = text.match_indices("\"F32\"").map(|(i, _)| i).collect();
            let Some(&at) = spots.get(rng.below(spots.len().max(1))) else {
                return bytes.to_vec();
            };
            let j = format!(
                "{}\"{}\"{}",
                &text[..at],
                pick(rng, &DTYPES),
                &text[at + 5..]
            );
            with_header(bytes, meta, j.as_bytes(), true)
        }
        3 => {
            let mut j = json.to_vec();
            let at = rng.below(j.len());
            if rng.below(2) == 0 {
                j.remove(at);
            } else {
                j[at] = *pick(rng, b"{}[],:\"0 x\\");
            }
            with_header(bytes, meta, &j, rng.below(2) == 0)
        }
        _ => {
            // Two tensors' offsets exchanged: overlapping or out-of-order extents.
            let text = String::from_utf8_lossy(json).to_string();
            let spans: Vec<(usize, usize)> = text
                .match_indices("\"data_offsets\":[")
                .map(|(i, m)| {
                    let s = i + m.len();
                    (s, s + text[s..].find(']').unwrap())
                })
                .collect();
            let a = spans[rng.below(spans.len())];
            let b = spans[rng.below(spans.len())];
            let (a, b) = if a.0 <= b.0 { (a, b) } else { (b, a) };
            if a == b {
                return bytes.to_vec();
            }
            let j = format!(
                "{}{}{}{}{}",
                &text[..a.0],
                &text[b.0..b.1],
                &text[a.1..b.0],
                &text[a.0..a.1],
                &text[b.1..]
            );
            with_header(bytes, meta, j.as_bytes(), true)
        }
    }
}

/// The pickle damaged at a few places: an opcode swapped for another, a byte changed, an
/// integer or length field bumped. In a zip the entry's CRC is mended in both headers, so the
/// damaged pickle is what the reader parses.
fn pickle_damage(rng: &mut Rng, bytes: &[u8], l: &Layout2) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = l.meta.start + rng.below(l.meta.len());
        out[at] = match rng.below(3) {
            0 => *pick(rng, OPCODES),
            1 => out[at].wrapping_add(1 + rng.below(3) as u8),
            _ => *pick(rng, &[0x00, 0x7f, 0x80, 0xff]),
        };
    }
    if let Some((local, central, _)) = l.zip {
        let crc = crc32fast::hash(&out[l.meta.clone()]).to_le_bytes();
        out[local..local + 4].copy_from_slice(&crc);
        out[central..central + 4].copy_from_slice(&crc);
    }
    out
}

/// One mutant of `bytes`.
fn mutate(rng: &mut Rng, format: Format, bytes: &[u8], l: &Layout2) -> (Vec<u8>, &'static str) {
    let n = bytes.len();
    let mut out = bytes.to_vec();
    // Damage near the metadata half of the time: that is where the arithmetic lives.
    let near = |rng: &mut Rng| {
        if rng.below(2) == 0 {
            l.meta.start.saturating_sub(8) + rng.below(l.meta.len() + 16).min(n - 1)
        } else {
            rng.below(n)
        }
        .min(n - 1)
    };
    match rng.below(9) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                let at = near(rng);
                out[at] ^= 1 << rng.below(8);
            }
            (out, "flip")
        }
        1 => {
            let at = near(rng);
            let end = (at + 1 + rng.below(16)).min(n);
            for b in &mut out[at..end] {
                *b = rng.next_u64() as u8;
            }
            (out, "overwrite")
        }
        2 => {
            let at = near(rng);
            let v = *pick(rng, &[0x00u8, 0xff, 0x7f, 0x80]);
            let end = (at + 1 + rng.below(8)).min(n);
            out[at..end].fill(v);
            (out, "boundary bytes")
        }
        3 => {
            let keep = if rng.below(2) == 0 {
                near(rng)
            } else {
                rng.below(n)
            };
            out.truncate(keep);
            (out, "truncate")
        }
        4 => {
            let a = near(rng);
            let len = (1 + rng.below(256)).min(n - a);
            let at = rng.below(n);
            let chunk = out[a..a + len].to_vec();
            out.splice(at..at, chunk);
            (out, "duplicate chunk")
        }
        5 => {
            let a = near(rng);
            let len = (1 + rng.below(256)).min(n - a);
            out.drain(a..a + len);
            (out, "delete chunk")
        }
        6 | 7 => match format {
            Format::Safetensors => (header_damage(rng, bytes, &l.meta), "header"),
            _ => (pickle_damage(rng, bytes, l), "pickle"),
        },
        _ => match l.zip {
            Some((_, _, dir)) => {
                for _ in 0..1 + rng.below(4) {
                    let at = dir + rng.below(n - dir);
                    out[at] = match rng.below(2) {
                        0 => out[at] ^ (1 << rng.below(8)),
                        _ => *pick(rng, &[0x00u8, 0xff, 0x7f, 0x80]),
                    };
                }
                (out, "zip directory")
            }
            None => {
                let at = near(rng);
                out[at] = *pick(rng, OPCODES);
                (out, "opcode byte")
            }
        },
    }
}

// ---- the run ----

/// The same tensors, value for value bit for bit (damaged values may be NaN).
fn same_bits(a: &atlas::engine::Weights, b: &atlas::engine::Weights) -> bool {
    a.tensors.len() == b.tensors.len()
        && a.tensors.iter().all(|(k, t)| {
            b.get(k).is_some_and(|u| {
                u.shape == t.shape
                    && u.values.len() == t.values.len()
                    && u.values
                        .iter()
                        .zip(&t.values)
                        .all(|(x, y)| x.to_bits() == y.to_bits())
            })
        })
}

struct Tally {
    loaded: usize,
    refused: usize,
    peak: usize,
}

/// Mutates `rel` `count` times with `seed` and holds every mutant to the rules.
fn suite(id: &str, rel: &str, format: Format, count: usize, seed: u64) -> Tally {
    let original = file(rel);
    let l = layout(format, &original);
    let expected = pretrained::expected(id).unwrap();
    let f32_bytes = expected.values() as usize * 4;
    // What the description needs: its weights in f32, and room for the bookkeeping of a file of
    // that network (names, shapes, the pickle's values) — never a size a file can choose.
    let bound = f32_bytes + f32_bytes / 4 + (1 << 20);
    let (net, _) = pretrained::load_checkpoint(id, &original).expect("the original loads");
    let input = vec![0.25f32; atlas::zoo::analyse(&net).layers[0].activations as usize];
    let mut rng = Rng::new(seed);
    let mut t = Tally {
        loaded: 0,
        refused: 0,
        peak: 0,
    };
    for i in 0..count {
        let (m, how) = mutate(&mut rng, format, &original, &l);
        let what = format!("{rel} mutant {i} ({how}, seed {seed})");
        if std::env::var("DUMP_MUTANT").ok() == Some(format!("{seed}:{i}")) {
            std::fs::write("/tmp/mutant.bin", &m).unwrap();
        }
        let (result, peak) = measured(|| pretrained::load_checkpoint(id, &m));
        assert!(
            peak <= bound,
            "{what}: the loader held {peak} bytes at once, more than the {bound} {id} needs"
        );
        t.peak = t.peak.max(peak);
        if format == Format::Safetensors {
            // The worker's path: the same bytes in chunks of random sizes.
            let (streamed, peak) = measured(|| {
                let mut p = StreamParser::new(Some(pretrained::expected(id).unwrap()));
                let mut rest = &m[..];
                while !rest.is_empty() {
                    let n = (1 + rng.below(70_000)).min(rest.len());
                    p.feed(&rest[..n])?;
                    rest = &rest[n..];
                }
                p.finish()
                    .and_then(|w| pretrained::load_weights(id, w).map(|(_, w)| w))
            });
            assert!(peak <= bound, "{what}: streaming held {peak} bytes");
            match (&result, &streamed) {
                (Ok((_, a)), Ok(b)) => assert!(same_bits(a, b), "{what}: streamed weights differ"),
                (Err(_), Err(_)) => {}
                _ => panic!(
                    "{what}: whole {:?} but streamed {:?}",
                    result.is_ok(),
                    streamed.is_ok()
                ),
            }
        }
        match result {
            Ok((net, weights)) => {
                t.loaded += 1;
                // A mutant that loads is well formed: it prepares and runs (values may be odd).
                let mut prepared = PackedEngine
                    .prepare(&net, weights)
                    .unwrap_or_else(|e| panic!("{what}: loaded but does not prepare: {e}"));
                prepared
                    .run(&input, &[net.output()])
                    .unwrap_or_else(|e| panic!("{what}: loaded but does not run: {e}"));
            }
            Err(e) => {
                t.refused += 1;
                for lang in [Lang::En, Lang::Zh] {
                    let text = e.0.text(lang);
                    assert!(
                        !text.trim().is_empty() && !text.contains("errors-"),
                        "{what}: message {text:?}"
                    );
                }
            }
        }
    }
    println!(
        "{rel}: {count} mutants, {} loaded, {} refused with a message; the most held at once {:.1} MB (bound {:.1} MB)",
        t.loaded,
        t.refused,
        t.peak as f64 / 1e6,
        bound as f64 / 1e6
    );
    t
}

#[test]
fn lenet_safetensors_mutants() {
    let t = suite(
        "lenet5",
        "static/weights/lenet5.safetensors",
        Format::Safetensors,
        2500,
        0x16_01,
    );
    assert!(
        t.refused > 500 && t.loaded > 150,
        "{} / {}",
        t.refused,
        t.loaded
    );
}

#[test]
fn lenet_legacy_pth_mutants() {
    let t = suite(
        "lenet5_modern",
        "tests/fixtures/lenet5_modern_legacy.pth",
        Format::LegacyPth,
        2500,
        0x16_02,
    );
    assert!(
        t.refused > 500 && t.loaded > 150,
        "{} / {}",
        t.refused,
        t.loaded
    );
}

#[test]
fn lenet_zip_pth_mutants() {
    let t = suite(
        "lenet5_modern",
        "tests/fixtures/lenet5_modern_zip.pth",
        Format::ZipPth,
        2500,
        0x16_03,
    );
    assert!(
        t.refused > 500 && t.loaded > 40,
        "{} / {}",
        t.refused,
        t.loaded
    );
}

#[test]
fn squeezenet_safetensors_mutants() {
    let t = suite(
        "squeezenet1_1",
        "../shared/weights/squeezenet1_1.safetensors",
        Format::Safetensors,
        1000,
        0x16_04,
    );
    // Both ways are taken (184 and 816 with this seed): the mutants reach past the first check.
    assert!(
        t.refused > 500 && t.loaded > 90,
        "{} / {}",
        t.refused,
        t.loaded
    );
}

#[test]
fn squeezenet_zip_pth_mutants() {
    let t = suite(
        "squeezenet1_1",
        "../shared/weights/squeezenet1_1.pth",
        Format::ZipPth,
        1000,
        0x16_05,
    );
    // 64 and 936 with this seed.
    assert!(
        t.refused > 500 && t.loaded > 30,
        "{} / {}",
        t.refused,
        t.loaded
    );
}
