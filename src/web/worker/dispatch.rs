//! The worker's dispatch: each queued job (a request from the page, or a download that ended)
//! goes to the room that does it, and its answer goes back to the bridge that asked; the status
//! line hears of any change of engine after each job.

use super::download::{uncache, Downloaded};
use super::state::State;
use super::Scope;
use crate::engine::autograd::Unit;
use crate::held::Origin;
use crate::i18n::Msg;
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::wire::HandlerId;

/// What the worker was asked: a request from the page, or a download that ended.
pub enum Job {
    Request(WorkerRequest, HandlerId),
    Fetched(Fetched),
}

/// A download that ended (sent by the download's task to the queue).
pub enum Fetched {
    Done {
        id: HandlerId,
        model: String,
        got: Downloaded,
        origin: Origin,
        /// The Cache API entry the bytes were kept under, removed if they do not load.
        cached_as: Option<String>,
        not_kept: Option<Msg>,
    },
    Failed {
        id: HandlerId,
        message: Msg,
    },
}

/// A job's outcome: answers for the bridge that asked (none for a request answered elsewhere).
type Answers = Vec<WorkerResponse>;

fn one(answer: Result<WorkerResponse, Msg>) -> Answers {
    vec![answer.unwrap_or_else(WorkerResponse::Failed)]
}

impl State {
    /// Handles one job; answers go to the bridge that asked.
    pub async fn handle(&mut self, scope: &Scope, job: Job) {
        let (id, answers) = match job {
            Job::Fetched(fetched) => self.fetched(fetched),
            Job::Request(request, id) => {
                let answers = self.request(scope, id, request).await;
                (id, answers)
            }
        };
        for answer in answers {
            scope.respond(id, answer);
        }
        if let Some((to, status)) = self.gpu.changed() {
            scope.respond(to, WorkerResponse::Engine(status));
        }
    }

    /// A download that ended: load what it gave.
    fn fetched(&mut self, fetched: Fetched) -> (HandlerId, Answers) {
        match fetched {
            Fetched::Failed { id, message } => (id, vec![WorkerResponse::Failed(message)]),
            Fetched::Done {
                id,
                model,
                got,
                mut origin,
                cached_as,
                not_kept,
            } => {
                origin.cached = cached_as.is_some() && not_kept.is_none();
                let mut answer = self.load(model, got, origin);
                if let WorkerResponse::Loaded { not_kept: n, .. } = &mut answer {
                    *n = not_kept;
                }
                if let (WorkerResponse::Failed(_), Some(url)) = (&answer, cached_as) {
                    // A checkpoint that does not load is not kept for the next visit.
                    wasm_bindgen_futures::spawn_local(async move { uncache(&url).await });
                }
                (id, vec![answer])
            }
        }
    }

    /// A request from the page.
    async fn request(&mut self, scope: &Scope, id: HandlerId, request: WorkerRequest) -> Answers {
        match request {
            WorkerRequest::SelfCheck => {
                self.gpu.status_to = Some(id);
                let check = match crate::engine_check::run() {
                    Ok(check) => WorkerResponse::Ready(check),
                    Err(e) => WorkerResponse::Failed(
                        Msg::new("errors-self-check-failed").arg("detail", e.to_string()),
                    ),
                };
                // The self-check's answer first: the page need not wait for the GPU.
                scope.respond(id, check);
                self.gpu.settle(&mut self.held).await;
                vec![]
            }
            WorkerRequest::SetBackend { choice } => {
                self.gpu.choose(choice);
                self.gpu.settle(&mut self.held).await;
                vec![WorkerResponse::Engine(self.gpu.sent_now())]
            }
            WorkerRequest::LoseGpuDevice => {
                self.lose_device_if_asked();
                vec![WorkerResponse::Engine(self.gpu.status())]
            }
            WorkerRequest::LoadWeights { model, bytes } => {
                let origin = Origin {
                    label: format!("weights/{model}.safetensors"),
                    ..Origin::default()
                };
                vec![self.load(model, Downloaded::Bytes(bytes), origin)]
            }
            WorkerRequest::IsHeld { model } => vec![self.is_held(model)],
            WorkerRequest::OpenOnnx { url, label } => vec![self.open_onnx(url, label).await],
            WorkerRequest::SetNormalisation { model, mean, std } => {
                one(self.set_normalisation(model, mean, std))
            }
            // Taken at once beside the queue (see `Scope::received`).
            WorkerRequest::FetchWeights { .. }
            | WorkerRequest::CancelOcclusion
            | WorkerRequest::CancelDownload { .. }
            | WorkerRequest::Crash { .. }
            | WorkerRequest::Train(_) => vec![],
            WorkerRequest::Occlusion {
                model,
                patch,
                stride,
                tag,
            } => one(self
                .occlusion(scope, id, &model, [patch, stride], tag)
                .await
                .map_err(|e| Msg::new("errors-occlusion-failed").arg("reason", e))),
            WorkerRequest::Saliency { model, tag } => one(self
                .saliency(&model, tag)
                .map_err(|e| Msg::new("errors-saliency-failed").arg("reason", e))),
            WorkerRequest::Classify {
                model,
                image,
                tag,
                every_layer,
            } => one(self.classify(model, image, tag, every_layer).await),
            WorkerRequest::Layers { model, nodes, tag } => self.layers(model, nodes, tag).await,
            WorkerRequest::ClassifyLastCrop { model, tag } => {
                one(self.classify_last_crop(model, tag).await)
            }
            WorkerRequest::InputGradient {
                model,
                node,
                channel,
                y,
                x,
                tag,
            } => {
                let unit = Unit {
                    node,
                    channel,
                    y,
                    x,
                };
                one(self.input_gradient(model, unit, tag))
            }
            WorkerRequest::LayerNorms { model, nodes, tag } => {
                one(self.norms(model, nodes, tag).await)
            }
            WorkerRequest::Bench {
                model,
                warmup,
                runs,
            } => one(self.bench(model, warmup, runs)),
            WorkerRequest::GradientFlow { config } => one(self.gradient_flow(config)),
        }
    }
}
