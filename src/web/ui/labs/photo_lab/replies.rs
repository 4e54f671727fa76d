//! The photo lab's side of the worker's answers: which answers it takes ([`pick`]), and what
//! each changes (the weights' state, the result, the layer shown, a unit's gradient).

use std::rc::Rc;

use super::{PhotoLab, Source, WeightsState};
use crate::imagenet::CROP;
use crate::inputs::Seen;
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::ui::shared::{LayerData, PhotoRun};

/// The answers the photo lab asks for; the others are not its own.
pub fn pick(answer: WorkerResponse) -> Option<WorkerResponse> {
    match answer {
        WorkerResponse::Progress { .. }
        | WorkerResponse::Loaded { .. }
        | WorkerResponse::Classified(_)
        | WorkerResponse::LayerValues { .. }
        | WorkerResponse::InputGradient(_)
        | WorkerResponse::Failed(_)
        | WorkerResponse::Unloaded { .. }
        | WorkerResponse::NotHeld { .. } => Some(answer),
        _ => None,
    }
}

impl PhotoLab {
    /// An answer of the worker; whether the lab shows something new.
    pub(super) fn answered(&mut self, answer: WorkerResponse) -> bool {
        match answer {
            WorkerResponse::Progress { loaded, total, .. } => {
                if let WeightsState::Loading { source, .. } = &self.weights {
                    self.weights = WeightsState::Loading {
                        source: source.clone(),
                        loaded,
                        total,
                    };
                }
            }
            WorkerResponse::Loaded {
                model,
                source,
                from_cache,
                memory,
                engine,
                not_kept,
                evicted,
                ..
            } if model == self.model => {
                self.evicted = evicted;
                self.held_known = true;
                self.reload = None;
                self.note = not_kept;
                // A new copy may be kept in the Cache API now.
                if let Some(l) = &self.library {
                    l.refresh.emit(());
                }
                self.revoke_blob();
                // What went wrong before the weights arrived is over (a photo given while
                // a new worker was still loading them).
                self.error = None;
                let source = Source {
                    label: source,
                    from_cache,
                };
                self.loaded_from = Some(source.clone());
                self.loaded_engine = engine;
                self.loaded_memory = memory;
                self.weights = WeightsState::Ready {
                    source,
                    memory,
                    engine,
                };
                self.result = None;
                self.classify();
            }
            WorkerResponse::Classified(c) => {
                if c.tag != self.photo_tag {
                    return false;
                }
                self.classifying = false;
                if let WeightsState::Ready { memory, .. } = &mut self.weights {
                    *memory = c.memory;
                }
                self.loaded_memory = c.memory;
                if !c.evicted.is_empty() {
                    self.evicted = c.evicted.clone();
                }
                if let Seen::Crop { crop, resized } = &c.seen {
                    self.crop = Rc::new(crop.data.clone());
                    self.resized = *resized;
                }
                self.result_photo = self
                    .photo
                    .as_ref()
                    .map_or(String::new(), |p| p.name.clone());
                self.report.emit(PhotoRun {
                    model: self.model.clone(),
                    tag: c.tag,
                    photo: self.result_photo.clone(),
                    crop: self.crop.clone(),
                    side: CROP,
                    height: CROP,
                });
                self.result = Some(Rc::new(c));
                self.layer_data = None;
                self.picked = None;
                self.erf = None;
                // A shared link's unit is picked on the first photo that runs.
                if let Some((c, y, x)) = self.wanted_unit.take() {
                    let p = (self.layer, c, y, x);
                    self.picked = Some(p);
                    self.ask_gradient(p);
                }
                self.bridge.send(WorkerRequest::Layers {
                    model: self.model.clone(),
                    nodes: vec![self.layer],
                    tag: self.photo_tag,
                });
            }
            WorkerResponse::LayerValues {
                node,
                shape,
                values,
                ..
            } => {
                self.layer_data = Some(LayerData {
                    node,
                    shape,
                    values: Rc::new(values),
                });
            }
            WorkerResponse::InputGradient(g) => {
                self.erf_busy = false;
                if let Some(next) = self.erf_next.take() {
                    self.ask_gradient(next);
                }
                if g.tag == self.photo_tag {
                    self.erf = Some(Rc::new(g));
                }
            }
            WorkerResponse::Failed(msg) => {
                self.revoke_blob();
                self.classifying = false;
                self.erf_busy = false;
                self.erf_next = None;
                self.error = Some(msg);
                // Whatever was loaded before stays in use.
                if let WeightsState::Loading { .. } = self.weights {
                    self.weights = match &self.loaded_from {
                        Some(source) => WeightsState::Ready {
                            source: source.clone(),
                            memory: self.loaded_memory,
                            engine: self.loaded_engine,
                        },
                        None => WeightsState::Missing,
                    };
                }
            }
            WorkerResponse::Unloaded { model, why, again } if model == self.model => {
                // The worker no longer holds these weights (unloaded to keep within the
                // memory bound; a new worker that could not load them again): the lab says
                // so, and offers them again from the Cache API where it can.
                self.held_known = true;
                self.loaded_from = None;
                self.weights = WeightsState::Missing;
                self.classifying = false;
                self.error = Some(why);
                self.reload = again;
            }
            WorkerResponse::NotHeld { model } if model == self.model => {
                self.held_known = true;
                self.load_shipped();
            }
            _ => return false,
        }
        true
    }
}
