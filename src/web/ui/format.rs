//! Formatters the components share: sizes in MiB, an engine's name in the reader's language.

use crate::i18n::Lang;
use crate::protocol::EngineKind;

/// The engine that ran something, named in `lang` ("WebGPU", "CPU (wasm SIMD)").
pub fn engine_name(lang: Lang, engine: EngineKind) -> String {
    match engine {
        EngineKind::Cpu => lang.t("app-engine-cpu"),
        EngineKind::WebGpu => lang.t("app-engine-webgpu"),
    }
}

/// Bytes in MiB (2^20 bytes), the one unit of size the page writes, as the stats card and the
/// notes (nvidia-smi's figures) do: VGG-16's weights are 527.8 MiB.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
}
