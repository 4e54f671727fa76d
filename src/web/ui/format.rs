//! Formatters the components share: sizes in MB, an engine's name in the reader's language.

use crate::i18n::Lang;

/// An engine's name as the worker gives it ("WebGPU", "CPU (packed, wasm SIMD)"), in `lang`.
pub fn engine_name(lang: Lang, engine: &str) -> String {
    use crate::engine::{packed::PackedEngine, Engine};
    if engine == PackedEngine.name() {
        lang.t("app-engine-cpu")
    } else if engine == "WebGPU" {
        lang.t("app-engine-webgpu")
    } else {
        engine.to_string()
    }
}

/// Bytes as MB (2^20, as the notes count: VGG-16's 528 MB).
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1u64 << 20) as f64)
}
