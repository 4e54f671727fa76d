//! The worker's room for your own network: an ONNX file read (from the `blob:` URL of a file the
//! reader picked or dropped, or from an address), mapped onto a description ([`crate::onnx`]),
//! prepared on the packed engine and held under the file's name like any network; and the
//! normalisation the reader sets for its photos. Nothing leaves the browser: a picked file is
//! read from the page's own memory.

use super::state::State;
use crate::engine::packed::PackedEngine;
use crate::engine::Engine;
use crate::held::Origin;
use crate::i18n::Msg;
use crate::protocol::{EngineKind, WorkerResponse};

impl State {
    /// Reads, maps, prepares and holds an ONNX file; the networks held before stay when it fails.
    pub async fn open_onnx(&mut self, url: String, label: String) -> WorkerResponse {
        let bytes = match crate::web::fetch::bytes(&url).await {
            Ok(b) => b,
            Err(e) => return WorkerResponse::Failed(e),
        };
        let imported = match crate::onnx::import(&bytes, &label) {
            Ok(i) => i,
            Err(e) => return WorkerResponse::Failed(e.0),
        };
        drop(bytes);
        let model = imported.net.id.clone();
        self.held.remove(&model);
        let prepared = match PackedEngine.prepare(&imported.net, imported.weights) {
            Ok(p) => p,
            Err(e) => {
                return WorkerResponse::Failed(
                    Msg::new("errors-prepare-failed").arg("detail", e.to_string()),
                )
            }
        };
        let origin = Origin {
            label: label.clone(),
            url: String::new(),
            from_cache: false,
            cached: false,
        };
        self.held.insert(&model, prepared, origin);
        self.gpu.sync(&mut self.held);
        let engine = match self.held.get(&model) {
            Some(h) if h.gpu.is_some() => EngineKind::WebGpu,
            Some(_) => EngineKind::Cpu,
            None => return WorkerResponse::NotHeld { model },
        };
        WorkerResponse::Opened {
            net: Box::new(imported.net),
            softmax_dropped: imported.softmax_dropped,
            engine,
            memory: self.memory(),
        }
    }

    /// Sets the mean and standard deviation `model`'s photos are normalised with.
    pub fn set_normalisation(
        &mut self,
        model: String,
        mean: [f32; 3],
        std: [f32; 3],
    ) -> Result<WorkerResponse, Msg> {
        if std.iter().any(|&s| !(s.is_finite() && s > 0.0)) || mean.iter().any(|m| !m.is_finite()) {
            return Err(Msg::new("onnx-error-normalisation"));
        }
        // The next photo classified is normalised so (the outputs kept are of the last one).
        self.normalisation.insert(model.clone(), (mean, std));
        Ok(WorkerResponse::Normalised { model })
    }
}
