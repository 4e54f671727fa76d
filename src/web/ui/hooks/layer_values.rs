//! A hook, not a component: the values of some nodes of the last photo that ran through a
//! network, asked of the worker on the hook's own bridge and collected as they arrive. Used by the
//! panels that show a network's inner maps (the first VGG block, an Inception step, a residual
//! block).

use std::collections::HashMap;
use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Msg;
use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::ui::hooks::worker::use_worker;
use crate::web::ui::shared::{LayerData, PhotoRun};

/// The layers received so far for one photo run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerSet {
    /// (model, tag) of the run the layers come from.
    pub run: Option<(String, u64)>,
    pub layers: HashMap<usize, LayerData>,
    /// Why the worker could not give them (the network was unloaded, the worker stopped): the
    /// panel says so instead of waiting.
    pub failed: Option<Msg>,
}

pub enum Action {
    Reset(String, u64),
    Got(String, u64, LayerData),
    Failed(Msg),
}

impl Reducible for LayerSet {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Reset(model, tag) => Rc::new(LayerSet {
                run: Some((model, tag)),
                layers: HashMap::new(),
                failed: None,
            }),
            Action::Failed(why) => {
                let mut next = (*self).clone();
                next.failed = Some(why);
                Rc::new(next)
            }
            Action::Got(model, tag, data) => {
                if self.run.as_ref() != Some(&(model, tag)) {
                    return self;
                }
                let mut next = (*self).clone();
                next.layers.insert(data.node, data);
                Rc::new(next)
            }
        }
    }
}

/// Asks the worker for `nodes` of `run` (when the run belongs to `model`) and returns what has
/// arrived. A new run or a new set of nodes starts over.
#[hook]
pub fn use_layer_values(
    model: &str,
    run: Option<&PhotoRun>,
    nodes: Vec<usize>,
) -> UseReducerHandle<LayerSet> {
    let set = use_reducer(LayerSet::default);
    let bridge = {
        let dispatch = set.dispatcher();
        use_worker(
            (),
            |answer| match answer {
                WorkerResponse::LayerValues {
                    model,
                    node,
                    tag,
                    shape,
                    values,
                } => Some(Action::Got(
                    model,
                    tag,
                    LayerData {
                        node,
                        shape,
                        values: Rc::new(values),
                    },
                )),
                // On this hook's own channel: an answer to its request for layers.
                WorkerResponse::Failed(why) => Some(Action::Failed(why)),
                _ => None,
            },
            move |action| dispatch.dispatch(action),
        )
    };
    let key = run
        .filter(|r| r.model == model)
        .map(|r| (r.model.clone(), r.tag));
    {
        let dispatch = set.dispatcher();
        use_effect_with((key, nodes), move |(key, nodes)| {
            if let Some((model, tag)) = key {
                dispatch.dispatch(Action::Reset(model.clone(), *tag));
                if !nodes.is_empty() {
                    bridge.send(WorkerRequest::Layers {
                        model: model.clone(),
                        nodes: nodes.clone(),
                        tag: *tag,
                    });
                }
            }
        });
    }
    set
}
