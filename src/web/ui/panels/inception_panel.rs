//! The Inception module step by step, on the page of both GoogLeNets: choose a module
//! (`inception-select`, or a module of the strip), then walk input → 1×1 branch → 1×1 reduce →
//! 3×3 → 1×1 reduce → 5×5 (3×3 in torchvision) → 3×3 max pool → 1×1 projection → concatenation
//! with the buttons or ← →. Each step shows its output shape, parameters and multiply-adds, the
//! running depth of the concatenation, and — once a photo has run through this network — the
//! maps it computed.

use web_sys::{HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

use crate::colormap::Scale;
use crate::concepts::inception::{modules, steps, STEP_KEYS};
use crate::web::ui::hooks::layer_values::use_layer_values;
use crate::web::ui::overlay::legend;
use crate::web::ui::shared::{use_lang, PhotoContext, SharedDescribed};
use crate::web::ui::widgets::feature_map_canvas::FeatureMapCanvas;
use crate::web::ui::widgets::googlenet_strip::GooglenetStrip;
use crate::web::ui::widgets::inception_cost::InceptionCost;
use crate::web::ui::widgets::inception_diagram::InceptionDiagram;
use crate::web::ui::widgets::unpublished_note::UnpublishedNote;
use crate::zoo::summary::shape_text;

#[derive(Properties, PartialEq)]
pub struct InceptionPanelProps {
    pub described: SharedDescribed,
    /// Whether the page has a photo lab above the panel (the Concepts page has none).
    #[prop_or(true)]
    pub photo_lab: bool,
}

/// Maps shown for a step.
const MAPS: usize = 48;

#[function_component(InceptionPanel)]
pub fn inception_panel(props: &InceptionPanelProps) -> Html {
    let lang = use_lang();
    let photo = use_context::<PhotoContext>().and_then(|p| p.last);
    // The module and step come from the address when it names them (a shared link), and go
    // back into it.
    let module = use_state(|| {
        crate::web::address::param("module")
            .filter(|m| m.starts_with("inception"))
            .unwrap_or_else(|| "inception3a".to_string())
    });
    let step = use_state(|| {
        crate::web::address::param("step")
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(0)
    });
    let d = props.described.as_ref().as_ref();
    let model = d.map(|d| d.net.id.clone()).unwrap_or_default();
    let list = use_memo(model.clone(), |_| {
        d.map(|d| modules(&d.net)).unwrap_or_default()
    });
    let all = {
        let module = (*module).clone();
        use_memo((model.clone(), module.clone()), move |_| {
            d.and_then(|d| steps(&d.net, &d.analysis, &module))
        })
    };
    let current = (*step).min(STEP_KEYS.len() - 1);
    use_effect_with(((*module).clone(), current), |(m, s)| {
        crate::web::address::replace("module", Some(m));
        crate::web::address::replace("step", Some(&s.to_string()));
    });
    let shown_node = all.as_ref().as_ref().map(|s| s[current].output);
    let values = use_layer_values(&model, photo.as_ref(), shown_node.into_iter().collect());
    let (Some(d), Some(all)) = (d, all.as_ref().as_ref()) else {
        return html! {};
    };
    let go = {
        let step = step.clone();
        Callback::from(move |i: usize| step.set(i.min(STEP_KEYS.len() - 1)))
    };
    let on_key = {
        let go = go.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowRight" => {
                e.prevent_default();
                go.emit(current + 1)
            }
            "ArrowLeft" => {
                e.prevent_default();
                go.emit(current.saturating_sub(1))
            }
            "Home" => go.emit(0),
            "End" => go.emit(STEP_KEYS.len() - 1),
            _ => {}
        })
    };
    let on_select = {
        let (module, step) = (module.clone(), step.clone());
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            module.set(s.value());
            step.set(0);
        })
    };
    let on_module = {
        let (module, step) = (module.clone(), step.clone());
        Callback::from(move |m: String| {
            module.set(m);
            step.set(0);
        })
    };
    let options = list.iter().map(|m| {
        html! { <option value={m.clone()} selected={*m == *module}>{ m.clone() }</option> }
    });
    let s = &all[current];
    let maps = match (&photo, values.layers.get(&s.output)) {
        (Some(p), Some(data)) if p.model == model => {
            let (c, h, w) = (data.shape[0], data.shape[1], data.shape[2]);
            let scale = Scale::fit(data.values.iter());
            let name = d.net.nodes[s.output].name.clone();
            let thumbs = (0..c.min(MAPS)).map(|ch| html! {
                <FeatureMapCanvas values={data.values.clone()} offset={ch * h * w} rows={h} cols={w} units={h * w}
                    scale={scale} cell={(56.0 / w as f64).max(1.0)} layer={name.clone()} channel={ch}
                    on_hover={Callback::from(|_| ())} />
            });
            html! {
                <div class="step-maps" data-testid="inception-maps" data-layer={name.clone()}>
                    <div class="block-head">{
                        if c > MAPS {
                            lang.tf("concepts-inception-maps-head-first", &[
                                ("layer", name.as_str().into()),
                                ("photo", p.photo.as_str().into()),
                                ("shape", shape_text(&data.shape).into()),
                                ("shown", MAPS.into()),
                                ("c", c.into()),
                            ])
                        } else {
                            lang.tf("concepts-inception-maps-head", &[
                                ("layer", name.as_str().into()),
                                ("photo", p.photo.as_str().into()),
                                ("shape", shape_text(&data.shape).into()),
                            ])
                        }
                    }{ legend(&scale) }</div>
                    <div class="fm-grid">{ for thumbs }</div>
                </div>
            }
        }
        (Some(p), None) if p.model == model => match &values.failed {
            Some(why) => {
                html! { <p class="error-message" data-testid="maps-failed">{ why.sentence(lang) }</p> }
            }
            None => html! { <p class="note">{ lang.t("concepts-reading-maps") }</p> },
        },
        _ if props.photo_lab => {
            html! {
                <>
                    <p class="note">{ lang.tf("concepts-inception-classify", &[("network", crate::zoo::label(&d.net, lang).into())]) }</p>
                    <UnpublishedNote id={d.net.id.clone()} label={crate::zoo::label(&d.net, lang)} />
                </>
            }
        }
        _ => html! {},
    };
    let prev = {
        let go = go.clone();
        Callback::from(move |_| go.emit(current.saturating_sub(1)))
    };
    let next = {
        let go = go.clone();
        Callback::from(move |_| go.emit(current + 1))
    };
    html! {
        <section class="panel inception-panel" data-testid="inception-panel">
            <h3>{ lang.t("concepts-inception-title") }</h3>
            <GooglenetStrip described={props.described.clone()} module={(*module).clone()} on_module={on_module} />
            <div class="inception-module" data-testid="inception-module" data-module={(*module).clone()}
                data-step={current.to_string()} data-step-key={s.key} data-depth={s.depth.to_string()}
                tabindex="0" onkeydown={on_key} role="group" aria-label={lang.t("concepts-inception-aria")}>
                <div class="controls">
                    <label>{ format!("{} ", lang.t("concepts-inception-module")) }<select data-testid="inception-select" onchange={on_select}>{ for options }</select></label>
                    <button data-testid="inception-step-prev" onclick={prev} aria-disabled={(current == 0).to_string()}>{ lang.t("concepts-inception-prev") }</button>
                    <span class="step-count">{ lang.tf("concepts-inception-step-count", &[("step", (current + 1).into()), ("steps", STEP_KEYS.len().into())]) }</span>
                    <button data-testid="inception-step-next" onclick={next} aria-disabled={(current + 1 == STEP_KEYS.len()).to_string()}>{ lang.t("concepts-inception-next") }</button>
                </div>
                <div class="inception-row">
                    <InceptionDiagram steps={all.clone()} current={current} on_step={go.clone()} />
                    <div class="step-info" data-testid="inception-step" aria-live="polite">
                        <h4>{ s.title.text(lang) }</h4>
                        if let Some(n) = &s.note { <p class="note">{ n.text(lang) }</p> }
                        <dl>
                            <dt>{ lang.t("concepts-inception-output") }</dt><dd data-testid="step-shape">{ shape_text(&s.shape) }</dd>
                            <dt>{ lang.t("concepts-inception-params") }</dt><dd data-testid="step-params">{ lang.count(s.params) }</dd>
                            <dt>{ lang.t("concepts-inception-macs") }</dt><dd data-testid="step-macs">{ lang.count(s.macs) }</dd>
                            <dt>{ lang.t("concepts-inception-depth") }</dt><dd data-testid="step-depth">{ lang.tf("concepts-inception-depth-maps", &[("c", s.depth.into())]) }</dd>
                        </dl>
                    </div>
                </div>
                { maps }
            </div>
            <InceptionCost />
        </section>
    }
}
