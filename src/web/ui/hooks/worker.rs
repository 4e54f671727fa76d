//! The one owner of the page's channels to the worker. A component asks for its own channel
//! ([`use_worker`]; a struct component, which cannot call hooks, [`open`]s one): what it sends
//! goes out on it, and of the answers that come back it receives only those its `pick` keeps, as
//! its own reply type. No other module of the UI forks a bridge or matches the whole response
//! enum.

use std::rc::Rc;

use yew::prelude::*;

use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::host::Bridge;
use crate::web::ui::shared::WorkerContext;

/// A component's channel to the worker; cloning shares it.
#[derive(Clone)]
pub struct Worker(Rc<Bridge>);

impl Worker {
    /// Sends a request; its answers come back to this channel's receiver.
    pub fn send(&self, request: WorkerRequest) {
        self.0.send(request);
    }
}

impl PartialEq for Worker {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Opens a channel: the answers `pick` keeps go to `receive`.
pub fn open<R: 'static>(
    ctx: &WorkerContext,
    pick: fn(WorkerResponse) -> Option<R>,
    receive: impl Fn(R) + 'static,
) -> Worker {
    Worker(Rc::new(ctx.0.fork(Some(move |answer: WorkerResponse| {
        if let Some(reply) = pick(answer) {
            receive(reply);
        }
    }))))
}

/// This component's channel, opened on its first render and again whenever `key` changes (the
/// receiver made at that render is the one kept).
#[hook]
pub fn use_worker<K, R, F>(key: K, pick: fn(WorkerResponse) -> Option<R>, receive: F) -> Worker
where
    K: PartialEq + 'static,
    R: 'static,
    F: Fn(R) + 'static,
{
    let ctx = use_context::<WorkerContext>().expect("the worker context is provided by App");
    let worker = use_memo(key, move |_| open(&ctx, pick, receive));
    (*worker).clone()
}
