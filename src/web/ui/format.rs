//! Formatters the components share: sizes in MB, an engine's name in the reader's language.

use crate::i18n::Lang;
use crate::protocol::EngineKind;

/// The engine that ran something, named in `lang` ("WebGPU", "CPU (wasm SIMD)").
pub fn engine_name(lang: Lang, engine: EngineKind) -> String {
    match engine {
        EngineKind::Cpu => lang.t("app-engine-cpu"),
        EngineKind::WebGpu => lang.t("app-engine-webgpu"),
    }
}

/// Bytes as MB (2^20, as the notes count: VGG-16's 528 MB).
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1u64 << 20) as f64)
}
