//! The photo lab of the ImageNet networks (3×224×224 input, 1000 classes): load weights, give a
//! photo, see the crop the network sees, the top-5, and any layer's output. The page decodes the
//! photo; the worker downloads and checks the weights, preprocesses exactly as torchvision does,
//! and runs the network. A failure is shown in `error-message` and leaves what was loaded.
//! A unit picked in the layer explorer gets its theoretical receptive field drawn on the crop and
//! its effective one computed by a backward pass in the worker.

mod replies;

use std::rc::Rc;

use web_sys::{Blob, File};
use yew::prelude::*;

use crate::concepts::receptive::unit_field;
use crate::i18n::{Lang, Msg as Text};
use crate::imagenet::{Image8, CROP};
use crate::pretrained;
use crate::protocol::{
    Classification, EngineKind, InputGradient, Reload, WorkerMemory, WorkerRequest, WorkerResponse,
};
use crate::web::photo_decode;
use crate::web::ui::format::{engine_name, mib};
use crate::web::ui::hooks::worker::{open, Worker};
use crate::web::ui::panels::attention_panel::AttentionPanel;
use crate::web::ui::panels::layer_explorer::LayerExplorer;
use crate::web::ui::panels::photo_input::PhotoInput;
use crate::web::ui::panels::weights_manager::WeightsManager;
use crate::web::ui::panels::weights_panel::{Source, WeightsPanel, WeightsState};
use crate::web::ui::shared::Described;
use crate::web::ui::shared::LayerData;
use crate::web::ui::shared::{LibraryContext, PhotoContext, PhotoRun, WorkerContext};
use crate::web::ui::widgets::crop_preview::CropPreview;
use crate::web::ui::widgets::erf_heatmap::{Background, ErfHeatmap};
use crate::web::ui::widgets::top5_list::Top5List;
use crate::zoo::graph::Op;

#[derive(Properties, PartialEq)]
pub struct PhotoLabProps {
    pub described: Rc<Option<Described>>,
}

pub enum Msg {
    Worker(WorkerResponse),
    WeightsFile(File),
    WeightsUrl(String),
    /// The weights the page can use without a download changed (or were first read).
    Library(LibraryContext),
    /// The one-click offer, its cancel, and loading unloaded weights again.
    Get,
    Cancel,
    Reload(Reload),
    Photo(Blob, String),
    Sample(String),
    Decoded(u64, String, Result<photo_decode::Decoded, Text>),
    /// The page's language changed.
    Lang(Lang),
    SelectLayer(usize),
    /// A unit of the shown layer: (channel, y, x).
    Pick((usize, usize, usize)),
}

/// A picked unit: node, channel, y, x.
type Picked = (usize, usize, usize, usize);

/// The photo being shown.
struct Photo {
    name: String,
    image: Rc<Image8>,
    original: (u32, u32),
    note: Option<Text>,
}

pub struct PhotoLab {
    bridge: Worker,
    model: String,
    weights: WeightsState,
    loaded_from: Option<Source>,
    /// The engine the loaded weights were prepared on, and the worker's memory then.
    loaded_engine: EngineKind,
    loaded_memory: WorkerMemory,
    /// The size the last photo classified was resized to before cropping.
    resized: (usize, usize),
    /// Networks the worker unloaded to stay within its bound when this lab's weights loaded.
    evicted: Vec<String>,
    /// A `blob:` URL made for a picked file, revoked once the worker has read it.
    blob_url: Option<String>,
    /// The weights the page can use without a download, and the Hub's address.
    library: Option<LibraryContext>,
    _library_handle: Option<yew::context::ContextHandle<LibraryContext>>,
    /// Whether the worker said what it holds of this network; whether the shipped copy was asked.
    held_known: bool,
    shipped_asked: bool,
    /// Weights the worker unloaded, to load again with one click.
    reload: Option<Reload>,
    /// What the reader should know about the loaded weights (a copy not kept).
    note: Option<Text>,
    error: Option<Text>,
    /// The page's language, and the subscription that follows its changes.
    lang: Lang,
    _lang_handle: Option<yew::context::ContextHandle<Lang>>,
    photo: Option<Photo>,
    decoding: bool,
    classifying: bool,
    /// The photo being decoded (a newer one makes an older decoding's result stale).
    decode_tag: u64,
    photo_tag: u64,
    result: Option<Rc<Classification>>,
    result_photo: String,
    layer: usize,
    layer_data: Option<LayerData>,
    /// Reports each classification to the page (the concept panels draw on the last photo).
    report: Callback<PhotoRun>,
    /// The crop of the last classification, shared with the previews.
    crop: Rc<Vec<u8>>,
    picked: Option<Picked>,
    /// The unit the address names (`unit=channel.y.x`), picked once a photo has run; and whether
    /// the address named the layer, so that the lab can say what to load to see them.
    wanted_unit: Option<(usize, usize, usize)>,
    linked_layer: bool,
    erf: Option<Rc<InputGradient>>,
    /// A gradient is being computed; the newest pick waiting behind it.
    erf_busy: bool,
    erf_next: Option<Picked>,
}

impl PhotoLab {
    fn net<'a>(&self, ctx: &'a Context<Self>) -> Option<&'a Described> {
        ctx.props().described.as_ref().as_ref()
    }

    fn fetch(&mut self, url: String, cache: bool, label: String) {
        // The worker runs from a blob: script, so a relative address is made absolute here.
        let url = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .and_then(|base| web_sys::Url::new_with_base(&url, &base).ok())
            .map_or(url, |u| u.href());
        // Weights were asked for: the shipped copy is not fetched after them, over them.
        self.shipped_asked = true;
        self.error = None;
        self.weights = WeightsState::Loading {
            source: label.clone(),
            loaded: 0,
            total: None,
        };
        self.bridge.send(WorkerRequest::FetchWeights {
            model: self.model.clone(),
            url,
            cache,
            label,
        });
    }

    fn classify(&mut self) {
        let Some(p) = &self.photo else { return };
        if self.loaded_from.is_none() {
            return;
        }
        self.photo_tag += 1;
        self.classifying = true;
        self.bridge.send(WorkerRequest::Classify {
            model: self.model.clone(),
            image: (*p.image).clone(),
            tag: self.photo_tag,
            every_layer: false,
        });
    }

    fn ask_gradient(&mut self, p: Picked) {
        if self.erf_busy {
            self.erf_next = Some(p);
            return;
        }
        self.erf_busy = true;
        self.bridge.send(WorkerRequest::InputGradient {
            model: self.model.clone(),
            node: p.0,
            channel: p.1,
            y: p.2,
            x: p.3,
            tag: self.photo_tag,
        });
    }

    /// Loads the copy shipped with the page, once, if the worker does not hold this network.
    fn load_shipped(&mut self) {
        if !self.held_known || self.shipped_asked || self.loaded_from.is_some() {
            return;
        }
        let Some(offer) = self.library.as_ref().and_then(|l| l.offer(&self.model)) else {
            return;
        };
        if offer.kind == crate::sources::Kind::Shipped {
            self.shipped_asked = true;
            self.fetch(offer.url, offer.cache, offer.label);
        }
    }

    fn revoke_blob(&mut self) {
        if let Some(u) = self.blob_url.take() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    }
}

/// The first convolution's node: the layer shown first.
fn first_conv(d: &Described) -> usize {
    d.net
        .nodes
        .iter()
        .position(|n| matches!(n.op, Op::Conv2d(_)))
        .unwrap_or(1)
}

impl Component for PhotoLab {
    type Message = Msg;
    type Properties = PhotoLabProps;

    fn create(ctx: &Context<Self>) -> Self {
        let (worker, _) = ctx
            .link()
            .context::<WorkerContext>(Callback::noop())
            .expect("the worker context is provided by App");
        let on_answer = ctx.link().callback(Msg::Worker);
        let (lang, lang_handle) = match ctx.link().context::<Lang>(ctx.link().callback(Msg::Lang)) {
            Some((l, h)) => (l, Some(h)),
            None => (Lang::default(), None),
        };
        let bridge = open(&worker, replies::pick, move |r| on_answer.emit(r));
        let report = ctx
            .link()
            .context::<PhotoContext>(Callback::noop())
            .map(|(c, _)| c.report)
            .unwrap_or_default();
        let model = ctx
            .props()
            .described
            .as_ref()
            .as_ref()
            .map(|d| d.net.id.clone())
            .unwrap_or_default();
        // The layer and unit a shared link names, else the first convolution.
        let described = ctx.props().described.as_ref().as_ref();
        let linked = crate::web::address::param("layer").and_then(|name| {
            described.and_then(|d| d.net.nodes.iter().position(|n| n.name == name))
        });
        let layer = linked.unwrap_or_else(|| described.map_or(1, first_conv));
        let wanted_unit = crate::web::address::param("unit").and_then(|u| {
            let v: Vec<usize> = u.split('.').filter_map(|s| s.parse().ok()).collect();
            let shape = &described?.analysis.layers.get(layer)?.shape;
            match (v.as_slice(), shape.as_slice()) {
                ([c, y, x], [cs, h, w]) if c < cs && y < h && x < w => Some((*c, *y, *x)),
                ([c, 0, 0], [cs]) if c < cs => Some((*c, 0, 0)),
                _ => None,
            }
        });
        // Whether the worker holds this network already (opened before, from a file or a
        // download): then it is ready at once; the shipped copy loads only if it does not.
        bridge.send(WorkerRequest::IsHeld {
            model: model.clone(),
        });
        let (library, library_handle) = match ctx
            .link()
            .context::<LibraryContext>(ctx.link().callback(Msg::Library))
        {
            Some((l, h)) => (Some(l), Some(h)),
            None => (None, None),
        };
        PhotoLab {
            bridge,
            model,
            weights: WeightsState::Missing,
            loaded_from: None,
            loaded_engine: EngineKind::Cpu,
            loaded_memory: WorkerMemory::default(),
            resized: (0, 0),
            evicted: Vec::new(),
            blob_url: None,
            library,
            _library_handle: library_handle,
            held_known: false,
            shipped_asked: false,
            reload: None,
            note: None,
            error: None,
            lang,
            _lang_handle: lang_handle,
            photo: None,
            decoding: false,
            classifying: false,
            decode_tag: 0,
            photo_tag: 0,
            result: None,
            result_photo: String::new(),
            layer,
            layer_data: None,
            report,
            crop: Rc::new(Vec::new()),
            picked: None,
            wanted_unit,
            linked_layer: linked.is_some(),
            erf: None,
            erf_busy: false,
            erf_next: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Library(library) => {
                self.library = Some(library);
                self.load_shipped();
            }
            Msg::Get => {
                if let Some(o) = self.library.as_ref().and_then(|l| l.offer(&self.model)) {
                    self.fetch(o.url, o.cache, o.label);
                }
            }
            Msg::Cancel => self.bridge.send(WorkerRequest::CancelDownload {
                model: self.model.clone(),
            }),
            Msg::Reload(r) => {
                self.reload = None;
                self.fetch(r.url, r.cache, r.label);
            }
            Msg::Lang(lang) => self.lang = lang,
            Msg::WeightsFile(file) => {
                self.revoke_blob();
                let name = file.name();
                match web_sys::Url::create_object_url_with_blob(&file) {
                    Ok(url) => {
                        self.blob_url = Some(url.clone());
                        self.fetch(url, false, name);
                    }
                    Err(_) => {
                        self.error = Some(Text::new("errors-file-unreadable").arg("name", name))
                    }
                }
            }
            Msg::WeightsUrl(url) if url.is_empty() => {
                self.error = Some(Text::new("errors-url-empty"));
            }
            Msg::WeightsUrl(url) => {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    self.error = Some(Text::new("errors-not-web-address").arg("url", url));
                } else {
                    self.fetch(url.clone(), true, url);
                }
            }
            Msg::Photo(blob, name) => {
                self.decode_tag += 1;
                self.decoding = true;
                self.error = None;
                let tag = self.decode_tag;
                let link = ctx.link().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let decoded = photo_decode::decode(&blob, &name).await;
                    link.send_message(Msg::Decoded(tag, name, decoded));
                });
            }
            Msg::Sample(path) => {
                let link = ctx.link().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                    match crate::web::fetch::blob(&path).await {
                        Ok(blob) => link.send_message(Msg::Photo(blob, name)),
                        Err(e) => link.send_message(Msg::Decoded(
                            u64::MAX,
                            name,
                            Err(Text::new("errors-sample-unreadable").arg("reason", e)),
                        )),
                    }
                });
                return false;
            }
            Msg::Decoded(tag, name, result) => {
                if tag != self.decode_tag && tag != u64::MAX {
                    return false;
                }
                self.decoding = false;
                match result {
                    Ok(d) => {
                        self.photo = Some(Photo {
                            name,
                            image: Rc::new(d.image),
                            original: d.original,
                            note: d.note,
                        });
                        self.classify();
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Msg::Pick((channel, y, x)) => {
                crate::web::address::replace("unit", Some(&format!("{channel}.{y}.{x}")));
                let p = (self.layer, channel, y, x);
                self.picked = Some(p);
                self.ask_gradient(p);
            }
            Msg::SelectLayer(node) => {
                self.layer = node;
                self.picked = None;
                self.wanted_unit = None;
                let name = ctx
                    .props()
                    .described
                    .as_ref()
                    .as_ref()
                    .map(|d| d.net.nodes[node].name.clone());
                crate::web::address::replace("layer", name.as_deref());
                crate::web::address::replace("unit", None);
                if self.result.is_some() {
                    self.bridge.send(WorkerRequest::Layers {
                        model: self.model.clone(),
                        nodes: vec![node],
                        tag: self.photo_tag,
                    });
                }
            }
            Msg::Worker(answer) => return self.answered(answer),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        // A shared link names a layer or a unit that needs weights and a photo to be seen.
        let link_wants = (self.result.is_none()
            && (self.linked_layer || self.wanted_unit.is_some()))
        .then(|| {
            let layer = ctx
                .props()
                .described
                .as_ref()
                .as_ref()
                .map(|d| d.net.nodes[self.layer].name.clone())
                .unwrap_or_default();
            match self.wanted_unit {
                Some((c, y, x)) => self.lang.tf(
                    "photo-link-wants-unit",
                    &[
                        ("layer", layer.into()),
                        ("channel", c.into()),
                        ("y", y.into()),
                        ("x", x.into()),
                    ],
                ),
                None => self
                    .lang
                    .tf("photo-link-wants-layer", &[("layer", layer.into())]),
            }
        });
        let Some(d) = self.net(ctx) else {
            return html! {};
        };
        let published = pretrained::find(&d.net.id);
        let offer = self.library.as_ref().and_then(|l| l.offer(&d.net.id));
        let offer_kept = match (&offer, &self.library) {
            (Some(o), Some(l)) => l.cached.iter().any(|c| c.url == o.url),
            _ => false,
        };
        let params = d.analysis.total_params;
        // No weights anywhere: say so, and point to the closest network that has them.
        let unpublished = (offer.is_none()
            && self.loaded_from.is_none()
            && !crate::sources::published(&d.net.id))
        .then(|| {
            crate::sources::nearest_published(&d.net.id).map(|id| {
                let label = crate::zoo::label_of(id, self.lang).unwrap_or_else(|| id.to_string());
                (id.to_string(), label)
            })
        });
        let link = ctx.link();
        let lang = self.lang;
        // `data-status` keeps the English words (the tests read it); the page shows the language's.
        let (status, status_key) = if self.decoding {
            ("reading the photo…", "photo-status-reading")
        } else if self.classifying {
            ("running the network…", "photo-status-running")
        } else if self.loaded_from.is_none() {
            ("load weights to classify", "photo-status-no-weights")
        } else {
            ("ready", "photo-status-ready")
        };
        let timing = self.result.as_ref().map(|r| {
            lang.tf(
                "photo-timing",
                &[
                    ("preprocess", format!("{:.0}", r.preprocess_ms).into()),
                    ("forward", format!("{:.0}", r.forward_ms).into()),
                    ("engine", engine_name(lang, r.engine).into()),
                    ("memory", mib(r.memory.wasm).into()),
                ],
            )
        });
        // The result shown is another photo's while a new one is read or run (or where its run
        // failed): it is marked so, and the new photo's line has no resize yet.
        let stale = self.decoding
            || self.classifying
            || self.photo.as_ref().map(|p| p.name.as_str()) != Some(self.result_photo.as_str());
        let photo_note = self.photo.as_ref().map(|p| {
            let (width, height) = (p.original.0.to_string(), p.original.1.to_string());
            match &self.result {
                Some(_) if !stale => lang.tf(
                    "photo-info-resized",
                    &[
                        ("width", width.into()),
                        ("height", height.into()),
                        ("resized-width", self.resized.0.to_string().into()),
                        ("resized-height", self.resized.1.to_string().into()),
                        ("crop", CROP.to_string().into()),
                    ],
                ),
                _ => lang.tf(
                    "photo-info",
                    &[
                        ("width", width.into()),
                        ("height", height.into()),
                        ("crop", CROP.to_string().into()),
                    ],
                ),
            }
        });
        let field = self
            .picked
            .and_then(|(node, _, y, x)| unit_field(&d.analysis, node, y, x));
        let field_label = self.picked.map(|(node, c, y, x)| {
            let name = &d.net.nodes[node].name;
            if d.analysis.layers[node].shape.len() == 3 {
                lang.tf(
                    "photo-unit-in-map",
                    &[
                        ("layer", name.into()),
                        ("channel", c.to_string().into()),
                        ("y", y.to_string().into()),
                        ("x", x.to_string().into()),
                    ],
                )
            } else {
                lang.tf(
                    "photo-unit-in-vector",
                    &[("layer", name.into()), ("unit", c.to_string().into())],
                )
            }
        });
        let erf_view = match (self.picked, &self.erf) {
            (Some(p), Some(g)) if (g.node, g.channel, g.y, g.x) == p => html! {
                <div class="erf-col">
                    <ErfHeatmap heat={Rc::new(g.heat.clone())} height={g.height} width={g.width}
                        field={field} background={Some(Background::Rgb(self.crop.clone()))} millis={Some(g.millis)} />
                </div>
            },
            (Some(_), _) => html! {
                <div class="erf-col">
                    <div class="erf-placeholder busy" data-testid="erf-status">{ lang.t("photo-erf-computing") }</div>
                </div>
            },
            _ => html! {
                <div class="erf-col">
                    <div class="erf-placeholder">{ lang.t("photo-erf-hint") }</div>
                </div>
            },
        };
        html! {
            <section class="photo-lab" data-testid="photo-lab" data-status={status}
                data-weights={if self.loaded_from.is_some() { "loaded" } else { "none" }}>
                <h3>{ lang.t("photo-title") }</h3>
                <WeightsPanel model={d.net.id.clone()} label={crate::zoo::label(&d.net, lang)} params={params}
                    bytes_f32={pretrained::checkpoint_bytes(&d.net, 4)} bytes_f16={pretrained::checkpoint_bytes(&d.net, 2)}
                    official_url={published.map(|p| p.url())} state={self.weights.clone()}
                    loaded_from={self.loaded_from.clone()}
                    on_file={link.callback(Msg::WeightsFile)} on_url={link.callback(Msg::WeightsUrl)}
                    offer={offer} offer_kept={offer_kept}
                    on_get={link.callback(|_| Msg::Get)} on_cancel={link.callback(|_| Msg::Cancel)}
                    reload={self.reload.clone()} on_reload={link.callback(Msg::Reload)}
                    note={self.note.clone()} unpublished={unpublished}>
                    <WeightsManager />
                </WeightsPanel>
                if !self.evicted.is_empty() {
                    <p class="note" data-testid="evicted-notice" data-models={self.evicted.join(" ")}>
                        { lang.tf("photo-evicted", &[
                            ("networks", self.evicted.iter()
                                .map(|id| crate::zoo::label_of(id, lang).unwrap_or_else(|| id.clone()))
                                .collect::<Vec<_>>().join(", ").into()),
                            ("count", self.evicted.len().into()),
                            ("limit", mib(crate::protocol::HELD_NETWORKS_BYTES).into()),
                        ]) }
                    </p>
                }
                if let Some(e) = &self.error {
                    <p class="error" data-testid="error-message" role="alert">{ e.sentence(lang) }</p>
                }
                if let Some(wants) = link_wants {
                    <p class="note link-wants" data-testid="link-wants">{ wants }</p>
                }
                <PhotoInput on_photo={link.callback(|(b, n)| Msg::Photo(b, n))}
                    on_sample={link.callback(Msg::Sample)} busy={self.decoding} />
                <p class="note" data-testid="photo-status">{ lang.t(status_key) }</p>
                if let Some(n) = photo_note { <p class="note" data-testid="photo-info">{ n }</p> }
                if let Some(n) = self.photo.as_ref().and_then(|p| p.note.as_ref()) {
                    <p class="note" data-testid="photo-reduced">{ n.text(lang) }</p>
                }
                if let Some(r) = &self.result {
                    <div class={classes!("photo-result", stale.then_some("stale"))}
                        data-testid="photo-result" data-stale={stale.to_string()} aria-busy={stale.to_string()}>
                        <CropPreview rgb={self.crop.clone()} side={CROP} field={field} field_label={field_label} />
                        { erf_view }
                        <div>
                            <Top5List top5={r.probs.clone()} photo={self.result_photo.clone()} />
                            if let Some(t) = timing { <p class="note" data-testid="timing">{ t }</p> }
                        </div>
                    </div>
                    <div class={classes!("run-maps", stale.then_some("stale"))} aria-busy={stale.to_string()}>
                        <AttentionPanel model={d.net.id.clone()} tag={r.tag} crop={self.crop.clone()} side={CROP} />
                        <LayerExplorer described={ctx.props().described.clone()} node={self.layer}
                            data={self.layer_data.clone()} on_select={link.callback(Msg::SelectLayer)}
                            picked={self.picked.filter(|p| p.0 == self.layer).map(|p| (p.1, p.2, p.3))}
                            on_pick={link.callback(Msg::Pick)} />
                    </div>
                }
            </section>
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.revoke_blob();
    }
}
