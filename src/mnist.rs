//! MNIST digits as f32 images in [0, 1]: read from the original idx files (gzip-compressed, as
//! distributed; natively), and the training lab's subset that ships with the page, packed as
//! bytes and gzip-compressed (written by scripts/pack_mnist.mjs, read in the page's worker).

use std::io::Read;
#[cfg(not(target_arch = "wasm32"))]
use std::path::Path;

use crate::i18n::Msg;

/// A set of 28×28 digits and their labels.
#[derive(Clone, PartialEq)]
pub struct Mnist {
    /// `n × 784` values in [0, 1], row-major.
    pub images: Vec<f32>,
    pub labels: Vec<u8>,
}

impl Mnist {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn image(&self, i: usize) -> &[f32] {
        &self.images[i * 784..(i + 1) * 784]
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn read_gz(path: &Path) -> Result<Vec<u8>, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{} is not a valid gzip file: {e}", path.display()))?;
    Ok(bytes)
}

#[cfg(not(target_arch = "wasm32"))]
fn be_u32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// Loads `train` or `t10k` from a folder holding the four idx `.gz` files.
#[cfg(not(target_arch = "wasm32"))]
pub fn load(dir: &Path, split: &str) -> Result<Mnist, String> {
    let images = read_gz(&dir.join(format!("{split}-images-idx3-ubyte.gz")))?;
    let labels = read_gz(&dir.join(format!("{split}-labels-idx1-ubyte.gz")))?;
    if images.len() < 16 || be_u32(&images, 0) != 2051 {
        return Err(format!("{split} images: not an idx3 file"));
    }
    if labels.len() < 8 || be_u32(&labels, 0) != 2049 {
        return Err(format!("{split} labels: not an idx1 file"));
    }
    let (n, rows, cols) = (be_u32(&images, 4), be_u32(&images, 8), be_u32(&images, 12));
    if rows != 28
        || cols != 28
        || images.len() != 16 + n * 784
        || be_u32(&labels, 4) != n
        || labels.len() != 8 + n
    {
        return Err(format!(
            "{split}: sizes do not agree ({n} images of {rows}×{cols})"
        ));
    }
    Ok(Mnist {
        images: images[16..].iter().map(|&b| b as f32 / 255.0).collect(),
        labels: labels[8..].to_vec(),
    })
}

/// The first bytes of a packed subset (after decompression).
const PACK_MAGIC: &[u8; 12] = b"ATLAS-MNIST1";
/// Pixels of one digit.
const PIXELS: usize = 784;
/// At most this many digits in a pack (MNIST's 70,000): sizes are checked before allocating.
const PACK_MAX: usize = 70_000;

/// Reads a packed subset: (training digits, test digits). A damaged or foreign file is an error
/// that says what is wrong; nothing is allocated before the sizes are checked.
pub fn unpack(gz: &[u8]) -> Result<(Mnist, Mnist), Msg> {
    let limit = (20 + PACK_MAX * (PIXELS + 1)) as u64;
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .take(limit + 1)
        .read_to_end(&mut raw)
        .map_err(|e| Msg::new("errors-digits-not-a-pack").arg("detail", e.to_string()))?;
    if raw.len() < 20 || &raw[..12] != PACK_MAGIC {
        return Err(Msg::new("errors-digits-not-a-pack").arg("detail", "no ATLAS-MNIST1 header"));
    }
    let count = |at: usize| u32::from_le_bytes([raw[at], raw[at + 1], raw[at + 2], raw[at + 3]]);
    let (n_train, n_test) = (count(12) as usize, count(16) as usize);
    if n_train + n_test > PACK_MAX {
        return Err(Msg::new("errors-digits-not-a-pack")
            .arg("detail", format!("{} digits", n_train + n_test)));
    }
    let needed = 20 + (n_train + n_test) * (PIXELS + 1);
    if raw.len() != needed {
        return Err(Msg::new("errors-digits-truncated")
            .arg("size", raw.len().to_string())
            .arg("needed", needed.to_string()));
    }
    let labels = &raw[20..20 + n_train + n_test];
    if let Some(bad) = labels.iter().find(|&&l| l > 9) {
        return Err(Msg::new("errors-digits-not-a-pack").arg("detail", format!("label {bad}")));
    }
    let pixels = &raw[20 + n_train + n_test..];
    let set = |labels: &[u8], px: &[u8]| Mnist {
        images: px.iter().map(|&b| b as f32 / 255.0).collect(),
        labels: labels.to_vec(),
    };
    Ok((
        set(&labels[..n_train], &pixels[..n_train * PIXELS]),
        set(&labels[n_train..], &pixels[n_train * PIXELS..]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What scripts/pack_mnist.mjs writes (the page's file is checked against MNIST in
    /// tests/training.rs): the first `n_train` training and `n_test` test digits, the magic,
    /// the two counts (u32, little-endian), the labels, then the pixels as bytes, gzipped.
    fn pack(train: &Mnist, n_train: usize, test: &Mnist, n_test: usize) -> Vec<u8> {
        let (n_train, n_test) = (n_train.min(train.len()), n_test.min(test.len()));
        let mut raw = Vec::with_capacity(20 + (n_train + n_test) * (PIXELS + 1));
        raw.extend_from_slice(PACK_MAGIC);
        raw.extend_from_slice(&(n_train as u32).to_le_bytes());
        raw.extend_from_slice(&(n_test as u32).to_le_bytes());
        raw.extend_from_slice(&train.labels[..n_train]);
        raw.extend_from_slice(&test.labels[..n_test]);
        for (set, n) in [(train, n_train), (test, n_test)] {
            raw.extend(
                set.images[..n * PIXELS]
                    .iter()
                    .map(|&v| (v * 255.0).round().clamp(0.0, 255.0) as u8),
            );
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut enc, &raw).expect("writing to memory");
        enc.finish().expect("writing to memory")
    }

    fn digits(n: usize, seed: u8) -> Mnist {
        Mnist {
            images: (0..n * PIXELS)
                .map(|i| ((i as u8).wrapping_mul(seed)) as f32 / 255.0)
                .collect(),
            labels: (0..n).map(|i| (i % 10) as u8).collect(),
        }
    }

    #[test]
    fn a_pack_reads_back_and_damage_is_named() {
        let (train, test) = (digits(30, 7), digits(12, 3));
        let gz = pack(&train, 25, &test, 10);
        let (a, b) = unpack(&gz).unwrap();
        assert_eq!((a.len(), b.len()), (25, 10));
        assert_eq!(a.image(24), train.image(24));
        assert_eq!(b.labels, test.labels[..10]);
        // Truncated: the gzip stream ends early.
        let cut = unpack(&gz[..gz.len() / 2])
            .err()
            .expect("a cut file is refused");
        assert!(
            matches!(
                cut.key.as_str(),
                "errors-digits-not-a-pack" | "errors-digits-truncated"
            ),
            "{cut:?}"
        );
        // Not gzip at all.
        let foreign = unpack(b"hello").err().expect("not gzip");
        assert_eq!(foreign.key, "errors-digits-not-a-pack");
        // Every byte of the compressed file flipped in turn: an error or a pack, never a panic.
        for i in 0..gz.len() {
            let mut bad = gz.clone();
            bad[i] ^= 0x5a;
            let _ = unpack(&bad);
        }
    }
}
