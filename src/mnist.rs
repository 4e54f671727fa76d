//! Reads MNIST's original idx files (gzip-compressed, as distributed) into f32 images in [0, 1].

use std::io::Read;
use std::path::Path;

/// A set of 28×28 digits and their labels.
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

fn read_gz(path: &Path) -> Result<Vec<u8>, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{} is not a valid gzip file: {e}", path.display()))?;
    Ok(bytes)
}

fn be_u32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// Loads `train` or `t10k` from a folder holding the four idx `.gz` files.
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
