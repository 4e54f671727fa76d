//! The worker's WebGPU side: the reader's engine choice, the adapter found (or why none), the
//! engine opened on it and checked, a failure kept as the reason the CPU engine runs; which held
//! networks are on the GPU; and the status line's wording of all that.

use crate::engine::gpu::GpuEngine;
use crate::engine::Engine;
use crate::held::Holder;
use crate::i18n::Msg;
use crate::protocol::{BackendChoice, EngineKind, EngineStatus};
use crate::web::backend::{self, Backend};
use crate::web::wire::HandlerId;

/// What is known of the GPU.
enum Adapter {
    /// Not looked for yet (the self-check looks).
    Unknown,
    /// No adapter, and why.
    Absent(Msg),
    /// An adapter (vendor and architecture as the browser tells) that no engine uses yet.
    Found { adapter: String, fallback: bool },
    /// The engine, opened on that adapter and past its self-check.
    Ready {
        engine: GpuEngine,
        adapter: String,
        fallback: bool,
    },
    /// Opening it, or a run on it, failed (a lost device, a failed pipeline): the reason.
    Failed {
        adapter: String,
        fallback: bool,
        reason: Msg,
    },
}

/// The engine choice and the GPU, with what the status line was last told.
pub struct GpuRoom {
    adapter: Adapter,
    pub choice: BackendChoice,
    /// The page's status line: the bridge that asked for the self-check.
    pub status_to: Option<HandlerId>,
    /// The engine of the last forward pass since the choice last changed.
    pub last: Option<EngineKind>,
    /// The status last sent, to send only changes.
    sent: Option<EngineStatus>,
    /// Whether a network was prepared on the GPU since its pipelines were last waited for.
    compiling: bool,
}

impl Default for GpuRoom {
    fn default() -> GpuRoom {
        GpuRoom {
            adapter: Adapter::Unknown,
            choice: BackendChoice::Auto,
            status_to: None,
            last: None,
            sent: None,
            compiling: false,
        }
    }
}

impl GpuRoom {
    /// Whether networks should run on the GPU now: the reader's choice and the adapter allow.
    fn wants_gpu(&self) -> bool {
        let fallback = match &self.adapter {
            Adapter::Found { fallback, .. } | Adapter::Ready { fallback, .. } => *fallback,
            _ => return false,
        };
        match self.choice {
            BackendChoice::Cpu => false,
            BackendChoice::WebGpu => true,
            BackendChoice::Auto => !fallback,
        }
    }

    /// The WebGPU engine when networks run on it.
    fn active(&self) -> Option<&GpuEngine> {
        match &self.adapter {
            Adapter::Ready { engine, .. } if self.wants_gpu() => Some(engine),
            _ => None,
        }
    }

    /// A new choice of engine: a GPU that failed is tried again on a new device.
    pub fn choose(&mut self, choice: BackendChoice) {
        self.choice = choice;
        self.last = None;
        if let Adapter::Failed {
            adapter, fallback, ..
        } = &self.adapter
        {
            self.adapter = Adapter::Found {
                adapter: adapter.clone(),
                fallback: *fallback,
            };
        }
    }

    /// Looks for an adapter (once), opens the engine on it when the choice wants it and checks
    /// it on the self-check's convolution (a failure is kept as the reason the CPU engine runs),
    /// then puts the held networks where they run and waits for their pipelines.
    pub async fn settle(&mut self, held: &mut Holder) {
        if matches!(self.adapter, Adapter::Unknown) {
            self.adapter = match backend::detect().await {
                Backend::WebGpu { adapter, fallback } => Adapter::Found { adapter, fallback },
                Backend::Cpu { reason } => Adapter::Absent(reason),
            };
        }
        if let Adapter::Found { adapter, fallback } = &self.adapter {
            if self.wants_gpu() {
                let (adapter, fallback) = (adapter.clone(), *fallback);
                let opened = match GpuEngine::open().await {
                    Ok(engine) => crate::engine_check::check_engine(&engine)
                        .await
                        .map(|()| engine),
                    Err(e) => Err(e.to_string()),
                };
                self.adapter = match opened {
                    Ok(engine) => Adapter::Ready {
                        engine,
                        adapter,
                        fallback,
                    },
                    Err(reason) => Adapter::Failed {
                        adapter,
                        fallback,
                        reason: Msg::new("app-gpu-start-failed").arg("detail", reason),
                    },
                };
            }
        }
        self.sync(held);
        self.ready().await;
    }

    /// Waits for the pipelines of the networks last prepared on the GPU to be compiled (the
    /// browser compiles them after the calls that make them return), so that the engine is ready
    /// when the status line says so and a forward pass's time is its own.
    pub async fn ready(&mut self) {
        if std::mem::take(&mut self.compiling) {
            if let Some(engine) = self.active() {
                engine.compiled().await;
            }
        }
    }

    /// The GPU failed: every network leaves it, and the reason is kept for the status line.
    pub fn failed(&mut self, held: &mut Holder, reason: Msg) {
        if let Adapter::Ready {
            adapter, fallback, ..
        } = &self.adapter
        {
            self.adapter = Adapter::Failed {
                adapter: adapter.clone(),
                fallback: *fallback,
                reason,
            };
        }
        for h in held.all_mut() {
            h.gpu = None;
        }
    }

    /// Destroys the device, as a driver reset would (the fallback's end-to-end test).
    pub fn lose_device(&self) {
        if let Adapter::Ready { engine, .. } = &self.adapter {
            engine.lose_device();
        }
    }

    /// Puts every held network on the GPU while it is used (prepared from the CPU copy's
    /// weights), and takes them off it otherwise.
    pub fn sync(&mut self, held: &mut Holder) {
        let Some(engine) = self.active().cloned() else {
            for h in held.all_mut() {
                h.gpu = None;
            }
            return;
        };
        let mut failure = None;
        for h in held.all_mut().filter(|h| h.gpu.is_none()) {
            let net = h.net.network();
            match h.net.weights().and_then(|w| engine.prepare(net, w)) {
                Ok(p) => {
                    h.gpu = Some(p);
                    self.compiling = true;
                }
                Err(e) => {
                    failure = Some(
                        Msg::new("app-gpu-prepare-failed")
                            .arg("network", &net.label)
                            .arg("detail", e.to_string()),
                    );
                    break;
                }
            }
        }
        let fault = || {
            engine
                .fault()
                .map(|f| Msg::new("app-gpu-fault").arg("detail", f))
        };
        if let Some(reason) = failure.or_else(fault) {
            self.failed(held, reason);
        }
    }

    /// What the status line shows.
    pub fn status(&self) -> EngineStatus {
        let (adapter, fallback) = match &self.adapter {
            Adapter::Found { adapter, fallback }
            | Adapter::Ready {
                adapter, fallback, ..
            }
            | Adapter::Failed {
                adapter, fallback, ..
            } => (adapter.clone(), *fallback),
            _ => (String::new(), false),
        };
        let kind = self.last.unwrap_or(if self.active().is_some() {
            EngineKind::WebGpu
        } else {
            EngineKind::Cpu
        });
        let note = match (&self.adapter, self.choice) {
            (Adapter::Failed { reason, .. }, _) => {
                Msg::new("app-note-fell-back").arg("reason", reason)
            }
            (_, BackendChoice::Cpu) if !adapter.is_empty() => {
                Msg::new("app-note-cpu-chosen-unused")
                    .arg("adapter", &adapter)
                    .arg("software", fallback as u32)
            }
            (_, BackendChoice::Cpu) => Msg::new("app-note-cpu-chosen"),
            (Adapter::Unknown, _) => Msg::new("app-note-looking"),
            (Adapter::Absent(reason), _) => Msg::new("app-note-no-webgpu").arg("reason", reason),
            // Auto leaves a software adapter unused, even one prepared while WebGPU was chosen.
            (Adapter::Found { .. } | Adapter::Ready { .. }, BackendChoice::Auto) if fallback => {
                Msg::new("app-note-software-adapter").arg("adapter", &adapter)
            }
            (Adapter::Found { .. }, _) => Msg::new("app-note-adapter-found")
                .arg("adapter", &adapter)
                .arg("software", fallback as u32),
            (Adapter::Ready { .. }, _) => Msg::new("app-note-on-adapter")
                .arg("adapter", &adapter)
                .arg("software", fallback as u32),
        };
        EngineStatus {
            choice: self.choice,
            kind,
            adapter,
            fallback,
            note,
        }
    }

    /// The status when it changed since last sent (and marks it sent).
    pub fn changed(&mut self) -> Option<(HandlerId, EngineStatus)> {
        let id = self.status_to?;
        let now = self.status();
        if self.sent.as_ref() == Some(&now) {
            return None;
        }
        self.sent = Some(now.clone());
        Some((id, now))
    }

    /// The status, marked as sent (an answer to `SetBackend` carries it).
    pub fn sent_now(&mut self) -> EngineStatus {
        let now = self.status();
        self.sent = Some(now.clone());
        now
    }
}
