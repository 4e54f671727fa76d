//! `atlas fetch-weights`: puts a torchvision checkpoint into `static/weights/` so that the page
//! serves it from its own origin. The checkpoint is downloaded from the URL torchvision
//! publishes (checked against the sha256 prefix in its file name, as torchvision's `check_hash`
//! does) or read from a local file, checked key by key against the zoo's description, and
//! written as `<model>.safetensors` (f32, or f16 with `--f16`) with a `<model>.json` provenance
//! note; `manifest.json` lists what is there, and the page loads what it lists.

use std::path::{Path, PathBuf};

use candle_core::DType;
use sha2::{Digest, Sha256};

use crate::pretrained::{self, load_checkpoint};

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash prefix a checkpoint's file name carries, torchvision style: `<name>-<hex>.pth`.
pub fn name_hash_prefix(file_name: &str) -> Option<&str> {
    let stem = file_name
        .strip_suffix(".pth")
        .or_else(|| file_name.strip_suffix(".pt"))?;
    let (_, hex) = stem.rsplit_once('-')?;
    (hex.len() >= 6 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

/// Fails unless `bytes` hash to the prefix that `file_name` carries (when it carries one).
pub fn verify_name_hash(file_name: &str, bytes: &[u8]) -> Result<(), String> {
    let Some(want) = name_hash_prefix(file_name) else {
        return Ok(());
    };
    let got = sha256_hex(bytes);
    if got.starts_with(&want.to_ascii_lowercase()) {
        Ok(())
    } else {
        Err(format!(
            "{file_name}: its sha256 is {got}, but its name says it starts with {want}; the file \
             is damaged or not the published one"
        ))
    }
}

/// Downloads `url` with curl (any URL curl takes, `file://` included).
pub fn download(url: &str, dest: &Path) -> Result<Vec<u8>, String> {
    eprintln!("downloading {url}");
    let status = std::process::Command::new("curl")
        .args([
            "--fail",
            "--location",
            "--silent",
            "--show-error",
            "--output",
        ])
        .arg(dest)
        .arg(url)
        .status()
        .map_err(|e| format!("cannot run curl to download {url}: {e}"))?;
    if !status.success() {
        return Err(format!("the download of {url} failed ({status})"));
    }
    std::fs::read(dest).map_err(|e| format!("cannot read the download {}: {e}", dest.display()))
}

/// What `install` wrote.
#[derive(Debug)]
pub struct Installed {
    pub path: PathBuf,
    pub bytes: u64,
    pub params: usize,
    pub sha256: String,
}

/// Checks `bytes` (a checkpoint of `model`) against the network and writes it into `out_dir`
/// as `<model>.safetensors`, with its provenance and an updated `manifest.json`.
pub fn install(
    model: &str,
    bytes: &[u8],
    source: &str,
    f16: bool,
    out_dir: &Path,
) -> Result<Installed, String> {
    let (_, weights) = load_checkpoint(model, bytes).map_err(|e| format!("{source}: {e}"))?;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let file = format!("{model}.safetensors");
    let path = out_dir.join(&file);
    let dtype = if f16 { DType::F16 } else { DType::F32 };
    crate::engine::safetensors::save_as(&weights, &path, dtype).map_err(|e| e.to_string())?;
    let params: usize = weights.tensors.values().map(|t| t.values.len()).sum();
    let written = std::fs::read(&path).map_err(|e| e.to_string())?;
    let sha256 = sha256_hex(bytes);
    let note = serde_json::json!({
        "model": model,
        "source": source,
        "source_sha256": sha256,
        "dtype": if f16 { "f16" } else { "f32" },
        "values": params,
        "bytes": written.len(),
    });
    std::fs::write(
        out_dir.join(format!("{model}.json")),
        serde_json::to_string_pretty(&note).expect("json") + "\n",
    )
    .map_err(|e| e.to_string())?;
    let manifest_path = out_dir.join("manifest.json");
    let mut manifest: serde_json::Map<String, serde_json::Value> = std::fs::read(&manifest_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    manifest.insert(
        model.to_string(),
        serde_json::json!({
            "file": file,
            "bytes": written.len(),
            "dtype": if f16 { "f16" } else { "f32" },
        }),
    );
    std::fs::write(
        &manifest_path,
        serde_json::to_string(&manifest).expect("json") + "\n",
    )
    .map_err(|e| e.to_string())?;
    Ok(Installed {
        path,
        bytes: written.len() as u64,
        params,
        sha256,
    })
}

/// `atlas fetch-weights <model> [--f16] [--from FILE] [--hub [BASE]] [--out DIR]`: the
/// checkpoint bytes, from `from`, or from the Hub's copy under `hub` (the page's one-click
/// source; keys in timm's layout, read as any checkpoint is), or from torchvision's URL
/// (`ATLAS_WEIGHTS_BASE_URL` replaces its base, for mirrors).
pub fn fetch(
    model: &str,
    from: Option<&Path>,
    hub: Option<&str>,
    f16: bool,
    out_dir: &Path,
) -> Result<Installed, String> {
    let (bytes, source) = match from {
        Some(file) => {
            let bytes =
                std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            verify_name_hash(&name, &bytes)?;
            (bytes, file.display().to_string())
        }
        None if hub.is_some() => {
            let base = hub.unwrap_or(crate::hub::DEFAULT_BASE);
            let repo = crate::hub::repo(model).ok_or_else(|| {
                format!(
                    "the Hub has no copy of torchvision's weights of '{model}'; leave out --hub"
                )
            })?;
            let base = crate::hub::clean_base(base)
                .ok_or_else(|| format!("--hub {base}: not a web address"))?;
            let url = crate::hub::url(&base, repo);
            let tmp = std::env::temp_dir().join(format!(
                "atlas-{}-{}.safetensors",
                std::process::id(),
                model
            ));
            let result = download(&url, &tmp);
            let _ = std::fs::remove_file(&tmp);
            (result?, url)
        }
        None => {
            let published = pretrained::find(model).ok_or_else(|| {
                format!(
                    "torchvision publishes no checkpoint for '{model}'; give one with --from FILE"
                )
            })?;
            let base = std::env::var("ATLAS_WEIGHTS_BASE_URL")
                .unwrap_or_else(|_| pretrained::BASE_URL.to_string());
            let url = format!("{}/{}", base.trim_end_matches('/'), published.file);
            let tmp = std::env::temp_dir().join(format!(
                "atlas-{}-{}",
                std::process::id(),
                published.file
            ));
            let result = download(&url, &tmp);
            let _ = std::fs::remove_file(&tmp);
            let bytes = result?;
            verify_name_hash(published.file, &bytes)?;
            (bytes, url)
        }
    };
    install(model, &bytes, &source, f16, out_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_prefixes_are_read_from_torchvision_names() {
        assert_eq!(name_hash_prefix("resnet18-f37072fd.pth"), Some("f37072fd"));
        assert_eq!(
            name_hash_prefix("alexnet-owt-7be5be79.pth"),
            Some("7be5be79")
        );
        assert_eq!(name_hash_prefix("squeezenet1_1.pth"), None);
        assert_eq!(
            name_hash_prefix("wide_resnet50_2-95faca4d.pth"),
            Some("95faca4d")
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(verify_name_hash("x-ba7816bf.pth", b"abc").is_ok());
        let e = verify_name_hash("x-00000000.pth", b"abc").unwrap_err();
        assert!(e.contains("ba7816bf") && e.contains("00000000"), "{e}");
    }
}
