//! The worker's training room: the lab's runs ([`crate::train::runner`]) advanced in slices of
//! about 40 ms beside the queue, so that the pad, the photo lab and every other request are
//! answered while a network trains. The digits come with the page
//! (`data/mnist-lab.bin.gz`, fetched once, at the address the page gives). Updates go to the handler that started the runs.

use std::cell::RefCell;
use std::rc::Rc;

use super::{next_task, Scope};
use crate::engine::now_ms;
use crate::i18n::Msg;
use crate::mnist::Mnist;
use crate::protocol::{TrainedWeights, WorkerResponse};
use crate::train::runner::{ExportPurpose, Runner, TrainCommand, TrainState, TrainUpdate};
use crate::web::wire::HandlerId;

/// Training between two looks at the page's messages.
const SLICE_MS: f64 = 40.0;
/// The most often an update goes to the page while training.
const UPDATE_MS: f64 = 300.0;

/// The lab's state in the worker.
#[derive(Default)]
pub struct Lab {
    runner: Option<Runner>,
    state: Option<TrainState>,
    to: Option<HandlerId>,
    data: Option<Rc<(Mnist, Mnist)>>,
    /// A task is advancing the runs.
    looping: bool,
    watch: usize,
}

pub type SharedLab = Rc<RefCell<Lab>>;

fn failed(reason: impl Into<String>) -> TrainState {
    TrainState::Failed(Msg::new("errors-training-failed").arg("reason", reason.into()))
}

/// Sends the lab's state to the page (what it shows of the runs, or only the state).
fn report(scope: &Scope, lab: &Lab) {
    let (Some(to), Some(state)) = (lab.to, lab.state.clone()) else {
        return;
    };
    let update = match &lab.runner {
        Some(r) => r
            .update(state)
            .unwrap_or_else(|e| bare(failed(e.to_string()))),
        None => bare(state),
    };
    scope.respond(to, WorkerResponse::Training(Box::new(update)));
}

fn bare(state: TrainState) -> TrainUpdate {
    TrainUpdate {
        state,
        experiment: None,
        runs: vec![],
        filters: None,
        watched: None,
        confusion: vec![],
        grid: vec![],
        grid_pixels: vec![],
        verdict: None,
        test_digits: 0,
    }
}

/// A command from the page's handler `id`.
pub fn command(scope: &Scope, lab: &SharedLab, id: HandlerId, cmd: TrainCommand) {
    match cmd {
        TrainCommand::Start {
            variants,
            experiment,
            digits,
        } => {
            {
                let mut l = lab.borrow_mut();
                l.to = Some(id);
                l.runner = None;
                l.state = Some(TrainState::Loading);
                report(scope, &l);
            }
            let (scope, lab) = (scope.clone(), lab.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let data = lab.borrow().data.clone();
                let data = match data {
                    Some(d) => Ok(d),
                    None => load_digits(&digits).await.map(Rc::new),
                };
                let mut l = lab.borrow_mut();
                match data.and_then(|d| {
                    l.data = Some(d.clone());
                    Runner::new(variants, experiment, d)
                        .map_err(|e| Msg::new("errors-training-failed").arg("reason", e))
                }) {
                    Ok(mut runner) => {
                        runner.watch(l.watch);
                        l.runner = Some(runner);
                        l.state = Some(TrainState::Running);
                        report(&scope, &l);
                        drop(l);
                        run(&scope, &lab);
                    }
                    Err(msg) => {
                        l.state = Some(TrainState::Failed(msg));
                        report(&scope, &l);
                    }
                }
            });
        }
        TrainCommand::Pause => {
            let mut l = lab.borrow_mut();
            if l.state == Some(TrainState::Running) {
                l.state = Some(TrainState::Paused);
                report(scope, &l);
            }
        }
        TrainCommand::Resume => {
            let resumed = {
                let mut l = lab.borrow_mut();
                let paused = l.state == Some(TrainState::Paused) && l.runner.is_some();
                if paused {
                    l.state = Some(TrainState::Running);
                    report(scope, &l);
                }
                paused
            };
            if resumed {
                run(scope, lab);
            }
        }
        TrainCommand::Reset => {
            let mut l = lab.borrow_mut();
            l.runner = None;
            l.state = Some(TrainState::Idle);
            report(scope, &l);
        }
        TrainCommand::Watch { digit } => {
            let mut l = lab.borrow_mut();
            l.watch = digit;
            if let Some(r) = l.runner.as_mut() {
                r.watch(digit);
            }
            report(scope, &l);
        }
        TrainCommand::Export { purpose } => {
            let l = lab.borrow();
            let answer = match l.runner.as_ref().map(|r| export(r, purpose)) {
                Some(Ok(w)) => WorkerResponse::TrainedWeights(Box::new(w)),
                Some(Err(e)) => {
                    WorkerResponse::Failed(Msg::new("errors-training-failed").arg("reason", e))
                }
                None => WorkerResponse::Failed(Msg::new("errors-training-nothing")),
            };
            scope.respond(id, answer);
        }
    }
}

/// The first run's weights as `.safetensors` bytes.
fn export(r: &Runner, purpose: ExportPurpose) -> Result<TrainedWeights, String> {
    let (net, weights, examples, accuracy) = r.weights().map_err(|e| e.to_string())?;
    let mut meta = std::collections::HashMap::new();
    meta.insert("network".to_string(), net.id.clone());
    meta.insert("trained_digits".to_string(), examples.to_string());
    meta.insert(
        "trained_by".to_string(),
        "ConvNet Atlas training lab".to_string(),
    );
    let bytes =
        crate::engine::safetensors::to_bytes(&weights, Some(meta)).map_err(|e| e.to_string())?;
    let model = ["lenet5", "lenet5_modern"]
        .into_iter()
        .find(|m| *m == net.id)
        .map(str::to_string);
    Ok(TrainedWeights {
        purpose,
        model,
        id: net.id.clone(),
        bytes,
        examples,
        accuracy,
    })
}

/// The lab's digits, downloaded and unpacked.
async fn load_digits(url: &str) -> Result<(Mnist, Mnist), Msg> {
    let gz = crate::web::fetch::bytes(url)
        .await
        .map_err(|e| Msg::new("errors-training-no-digits").arg("reason", e))?;
    crate::mnist::unpack(&gz)
}

/// Starts the task that advances the runs, unless one is running: a slice of training, an update
/// when one is due, then the event loop's next task (the page's messages, the queue's jobs).
fn run(scope: &Scope, lab: &SharedLab) {
    if lab.borrow().looping {
        return;
    }
    lab.borrow_mut().looping = true;
    let (scope, lab) = (scope.clone(), lab.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let mut last = 0.0;
        loop {
            {
                let mut l = lab.borrow_mut();
                if l.state != Some(TrainState::Running) {
                    break;
                }
                let Some(runner) = l.runner.as_mut() else {
                    break;
                };
                let worked = runner.work(SLICE_MS, &now_ms);
                let finished = runner.finished();
                match worked {
                    Err(e) => {
                        l.state = Some(failed(e.to_string()));
                        report(&scope, &l);
                        break;
                    }
                    Ok(()) if finished => {
                        l.state = Some(TrainState::Finished);
                        report(&scope, &l);
                        break;
                    }
                    Ok(()) if now_ms() - last >= UPDATE_MS => {
                        report(&scope, &l);
                        last = now_ms();
                    }
                    Ok(()) => {}
                }
            }
            next_task().await;
        }
        lab.borrow_mut().looping = false;
    });
}
