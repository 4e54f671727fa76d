//! What the page has asked its Web Worker that a new worker would need again: the self-check,
//! the engine choice, and each network loaded (the last request that loaded it, oldest first),
//! learnt from the requests going out and the replies coming back. If the worker dies (a trap, a
//! lost allocation), the page starts a new one and replays this: LeNet-5's shipped weights, the
//! shipped SqueezeNet, checkpoints kept in the Cache API come back; a file the reader opened (its
//! `blob:` address revoked once read) cannot, and the page says so. Plain Rust, tested natively.

use crate::protocol::{WorkerRequest, WorkerResponse};

/// Which page-side handler a request came from (see `web::wire`).
pub type HandlerId = u32;

/// Bytes of a checkpoint sent whole (`LoadWeights`) that the journal keeps to send again: LeNet-5's
/// weights are 250 kB; a reader's file is not kept.
pub const KEEP_BYTES: usize = 32 << 20;

/// A network the worker holds, and the request that loaded it, if it can be sent again.
#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    pub handler: HandlerId,
    pub model: String,
    pub request: Option<WorkerRequest>,
}

/// The requests a new worker needs to stand where the old one stood.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Journal {
    self_check: Option<HandlerId>,
    backend: Option<(HandlerId, WorkerRequest)>,
    /// Loads sent and not yet answered with `Loaded`.
    pending: Vec<(HandlerId, String, Option<WorkerRequest>)>,
    /// Loads the worker holds, oldest first.
    loads: Vec<Load>,
}

/// What a new worker is sent, and the networks it will not have again.
#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    pub requests: Vec<(HandlerId, WorkerRequest)>,
    pub reloaded: Vec<String>,
    pub lost: Vec<Load>,
}

/// The request again, if sending it again gives the same weights.
fn replayable(request: &WorkerRequest) -> Option<WorkerRequest> {
    match request {
        WorkerRequest::FetchWeights { url, .. } if url.starts_with("blob:") => None,
        WorkerRequest::LoadWeights { bytes, .. } if bytes.len() > KEEP_BYTES => None,
        WorkerRequest::FetchWeights { .. } | WorkerRequest::LoadWeights { .. } => {
            Some(request.clone())
        }
        _ => None,
    }
}

impl Journal {
    /// A request going out from `handler`.
    pub fn sent(&mut self, handler: HandlerId, request: &WorkerRequest) {
        match request {
            WorkerRequest::SelfCheck => self.self_check = Some(handler),
            WorkerRequest::SetBackend { .. } => self.backend = Some((handler, request.clone())),
            WorkerRequest::FetchWeights { model, .. }
            | WorkerRequest::LoadWeights { model, .. } => {
                self.pending
                    .retain(|(h, m, _)| !(*h == handler && m == model));
                self.pending
                    .push((handler, model.clone(), replayable(request)));
            }
            _ => {}
        }
    }

    /// A reply coming back to `handler`.
    pub fn replied(&mut self, handler: HandlerId, response: &WorkerResponse) {
        if let WorkerResponse::Loaded { model, evicted, .. } = response {
            let at = self
                .pending
                .iter()
                .position(|(h, m, _)| *h == handler && m == model);
            let request = at.and_then(|i| self.pending.remove(i).2);
            self.loads.retain(|l| &l.model != model);
            self.loads.push(Load {
                handler,
                model: model.clone(),
                request,
            });
            self.loads.retain(|l| !evicted.contains(&l.model));
        }
        if let WorkerResponse::Classified(c) = response {
            self.loads.retain(|l| !c.evicted.contains(&l.model));
        }
    }

    /// The networks the worker holds now, oldest first.
    pub fn held(&self) -> Vec<&str> {
        self.loads.iter().map(|l| l.model.as_str()).collect()
    }

    /// What to send a new worker: the self-check, the engine choice, then every load that can be
    /// sent again, oldest first (so the least recently used stays the first to go). Loads still
    /// pending when the worker died are not replayed (one of them may be what killed it).
    pub fn replay(&mut self) -> Replay {
        self.pending.clear();
        let mut requests = Vec::new();
        if let Some(h) = self.self_check {
            requests.push((h, WorkerRequest::SelfCheck));
        }
        if let Some((h, r)) = &self.backend {
            requests.push((*h, r.clone()));
        }
        let (again, lost): (Vec<Load>, Vec<Load>) = std::mem::take(&mut self.loads)
            .into_iter()
            .partition(|l| l.request.is_some());
        let reloaded = again.iter().map(|l| l.model.clone()).collect();
        for l in again {
            if let Some(r) = l.request {
                requests.push((l.handler, r));
            }
        }
        Replay {
            requests,
            reloaded,
            lost,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetch(model: &str, url: &str) -> WorkerRequest {
        WorkerRequest::FetchWeights {
            model: model.into(),
            url: url.into(),
            cache: true,
            label: url.into(),
        }
    }

    fn loaded(model: &str, evicted: &[&str]) -> WorkerResponse {
        WorkerResponse::Loaded {
            model: model.into(),
            tensors: 1,
            params: 1,
            source: String::new(),
            from_cache: false,
            memory: Default::default(),
            engine: Default::default(),
            evicted: evicted.iter().map(|s| s.to_string()).collect(),
            url: String::new(),
            not_kept: None,
        }
    }

    #[test]
    fn a_new_worker_gets_back_what_can_be_loaded_again() {
        let mut j = Journal::default();
        j.sent(1, &WorkerRequest::SelfCheck);
        j.sent(
            1,
            &WorkerRequest::SetBackend {
                choice: crate::protocol::BackendChoice::Cpu,
            },
        );
        let lenet = WorkerRequest::LoadWeights {
            model: "lenet5".into(),
            bytes: vec![1, 2, 3],
        };
        j.sent(2, &lenet);
        j.replied(2, &loaded("lenet5", &[]));
        j.sent(
            3,
            &fetch(
                "squeezenet1_1",
                "http://x/weights/squeezenet1_1.safetensors",
            ),
        );
        j.replied(3, &loaded("squeezenet1_1", &[]));
        j.sent(3, &fetch("vgg16", "blob:http://x/1234"));
        j.replied(3, &loaded("vgg16", &[]));
        // Loading a network again moves it to the end; a failed or unanswered load is not kept.
        j.sent(2, &lenet);
        j.replied(2, &loaded("lenet5", &[]));
        j.sent(3, &fetch("resnet50", "http://x/r50"));
        assert_eq!(j.held(), ["squeezenet1_1", "vgg16", "lenet5"]);
        let r = j.replay();
        assert_eq!(r.reloaded, ["squeezenet1_1", "lenet5"]);
        assert_eq!(r.lost.len(), 1);
        assert_eq!(r.lost[0].model, "vgg16");
        assert_eq!(r.lost[0].handler, 3);
        let ids: Vec<HandlerId> = r.requests.iter().map(|(h, _)| *h).collect();
        assert_eq!(ids, [1, 1, 3, 2]);
        assert_eq!(r.requests[3].1, lenet);
        // The journal starts again from what was replayed.
        assert!(j.held().is_empty());
    }

    #[test]
    fn evicted_networks_are_not_loaded_again() {
        let mut j = Journal::default();
        j.sent(1, &fetch("vgg16", "http://x/vgg16"));
        j.replied(1, &loaded("vgg16", &[]));
        j.sent(1, &fetch("vgg19", "http://x/vgg19"));
        j.replied(1, &loaded("vgg19", &["vgg16"]));
        assert_eq!(j.held(), ["vgg19"]);
        let big = WorkerRequest::LoadWeights {
            model: "alexnet".into(),
            bytes: vec![0; KEEP_BYTES + 1],
        };
        j.sent(2, &big);
        j.replied(2, &loaded("alexnet", &[]));
        let r = j.replay();
        assert_eq!(r.reloaded, ["vgg19"]);
        assert_eq!(r.lost[0].model, "alexnet");
    }
}
