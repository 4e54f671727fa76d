//! The types the page's components share: the described network, the worker's context and state,
//! one layer's values, the unit a reader picked and the last photo that ran; and how a canvas gets
//! its pixels. Components import
//! them from here and never from each other's files for them, so that no two components import
//! each other (`tests/ui_modules.rs` checks the imports have no circle).

use std::rc::Rc;

use yew::prelude::*;

use crate::web::host::WorkerHost;
use crate::zoo::{Analysis, Network, NodeId};

/// The picker's identifier of the Concepts page (not a network of the zoo).
pub const CONCEPTS: &str = "concepts";

/// The picker's identifier of the view that compares two networks.
pub const COMPARE: &str = "compare";

/// The picker's identifier of the training lab.
pub const TRAIN: &str = "train";

/// The picker's identifier of the page that opens your own network (an ONNX file).
pub const ONNX: &str = "onnx";

/// A network opened from an ONNX file: its description (identifier and label the file's name)
/// and whether the file's final softmax was left out.
#[derive(Clone, PartialEq)]
pub struct ImportedNet {
    pub described: Rc<Option<Described>>,
    pub softmax_dropped: bool,
}

impl ImportedNet {
    pub fn id(&self) -> &str {
        self.described
            .as_ref()
            .as_ref()
            .map_or("", |d| d.net.id.as_str())
    }
}

/// The networks opened from files in this visit (the worker holds them), and how a component
/// adds one.
#[derive(Clone, PartialEq)]
pub struct ImportedContext {
    pub nets: Rc<Vec<ImportedNet>>,
    pub add: Callback<ImportedNet>,
}

impl ImportedContext {
    pub fn find(&self, id: &str) -> Option<&ImportedNet> {
        self.nets.iter().find(|n| n.id() == id)
    }
}

/// Weights the training lab gave the digit pad, until the reader goes back to the shipped ones.
#[derive(Clone, Debug, PartialEq)]
pub struct PadWeights {
    /// The zoo's network they fit.
    pub model: String,
    pub bytes: Rc<Vec<u8>>,
    pub examples: usize,
    pub accuracy: Option<f32>,
}

/// The training lab as every component sees it: the worker's last update, its last error, how
/// to send it a command; the weights handed to the pad, and how to take them back.
#[derive(Clone, PartialEq)]
pub struct TrainingContext {
    pub update: Option<Rc<crate::train::runner::TrainUpdate>>,
    pub error: Option<crate::i18n::Msg>,
    pub send: Callback<crate::train::runner::TrainCommand>,
    pub pad: Option<PadWeights>,
    pub clear_pad: Callback<()>,
}

impl TrainingContext {
    /// The lab is training or holds runs it could resume.
    pub fn active(&self) -> bool {
        use crate::train::runner::TrainState;
        self.update.as_ref().is_some_and(|u| {
            matches!(
                u.state,
                TrainState::Running | TrainState::Paused | TrainState::Loading
            )
        })
    }
}

/// A network with its analysis, shared by the views.
#[derive(PartialEq)]
pub struct Described {
    pub net: Network,
    pub analysis: Analysis,
}

/// A network with its analysis.
pub fn analysed(net: Network) -> Described {
    let analysis = crate::zoo::analyse(&net);
    Described { net, analysis }
}

/// The described network a view shows (None while a description is missing).
pub type SharedDescribed = Rc<Option<Described>>;

/// The state of the worker's engine as the page knows it.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerState {
    Starting,
    Ready(crate::engine_check::EngineCheck),
    Failed(crate::i18n::Msg),
}

/// The worker, shared with every component through a Yew context; a component that talks to it
/// opens its own channel with [`crate::web::ui::hooks::worker`], the only module that forks one.
#[derive(Clone)]
pub struct WorkerContext(pub Rc<WorkerHost>);

impl PartialEq for WorkerContext {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// One layer's values as the worker sent them.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerData {
    pub node: usize,
    pub shape: Vec<usize>,
    pub values: Rc<Vec<f32>>,
}

/// The unit under the pointer (or picked) in a feature map.
#[derive(Clone, Debug, PartialEq)]
pub struct HoveredUnit {
    /// The node whose output holds the unit.
    pub node: NodeId,
    pub layer: String,
    pub channel: usize,
    /// Position in the map (0, 0 for vectors).
    pub y: usize,
    pub x: usize,
    pub value: f32,
}

/// A photo that has run through a network in the worker: which network, the request's tag (to
/// ask the worker for that run's layers), and the crop the network saw (RGB, `side` pixels wide
/// and `height` high: 224×224 in a photo lab, the file's own input size, square or not, in an
/// ONNX network's lab).
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoRun {
    pub model: String,
    pub tag: u64,
    pub photo: String,
    pub crop: Rc<Vec<u8>>,
    pub side: usize,
    pub height: usize,
}

/// The last photo run on the page, kept across networks (the concept pages and the compare view
/// draw on it), and how a lab reports a new one (the photo labs and an ONNX network's lab: the
/// worker's last photo is whichever ran last).
#[derive(Clone, PartialEq)]
pub struct PhotoContext {
    pub last: Option<PhotoRun>,
    pub report: Callback<PhotoRun>,
}

/// Puts RGBA pixels (`width × height`, row-major) on the canvas behind `node`, once it is mounted.
pub fn put_rgba(node: &NodeRef, rgba: &[u8], width: usize, height: usize) {
    use wasm_bindgen::JsCast;
    let Some(ctx) = node
        .cast::<web_sys::HtmlCanvasElement>()
        .and_then(|c| c.get_context("2d").ok().flatten())
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    if let Ok(img) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(rgba),
        width as u32,
        height as u32,
    ) {
        let _ = ctx.put_image_data(&img, 0.0, 0.0);
    }
}

/// The page's language, which the root component gives every component (`lang.t("key")`).
#[hook]
pub fn use_lang() -> crate::i18n::Lang {
    use_context::<crate::i18n::Lang>().unwrap_or_default()
}

/// The weights the page can use without a download — shipped with it, kept in this browser —
/// and the Hub's address; `refresh` reads the kept ones again (after a download, a deletion),
/// `set_hub` changes the address.
#[derive(Clone, PartialEq)]
pub struct LibraryContext {
    pub shipped: Rc<std::collections::HashMap<String, crate::web::library::Shipped>>,
    pub cached: Rc<Vec<crate::web::library::Cached>>,
    pub hub: String,
    pub refresh: Callback<()>,
    pub set_hub: Callback<String>,
}

impl LibraryContext {
    /// How `model`'s weights are ready without a download: "shipped", "cached", or None.
    pub fn ready(&self, model: &str) -> Option<&'static str> {
        if self.shipped.contains_key(model) {
            Some("shipped")
        } else if self.cached.iter().any(|c| c.model == model) {
            Some("cached")
        } else {
            None
        }
    }

    /// The one-click offer for `model` (see `crate::sources`).
    pub fn offer(&self, model: &str) -> Option<crate::sources::Offer> {
        let shipped = self.shipped.get(model).map(|s| (s.file.as_str(), s.bytes));
        crate::sources::offer(model, shipped, &self.hub)
    }
}

/// How a component opens another view (a network's page, by its identifier) without reloading
/// the page: the root component gives every component this callback.
#[derive(Clone, PartialEq)]
pub struct Navigate(pub Callback<String>);

/// A click, Enter or Space on an element that acts as a button (an SVG box, a bar): the handlers
/// that emit `value` on `on` (the click goes no further; the key does not scroll the page).
pub fn activate<T: Clone + 'static>(
    on: &Callback<T>,
    value: T,
) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let click = {
        let (on, value) = (on.clone(), value.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on.emit(value.clone())
        })
    };
    let key = {
        let on = on.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                on.emit(value.clone())
            }
        })
    };
    (click, key)
}
