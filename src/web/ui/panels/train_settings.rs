//! The settings of a training run: which LeNet-5 (where the reader may choose), optimiser,
//! learning rate, batch size, epochs, how many of the page's digits, augmentation, seed. Values
//! out of range are brought into it as they are typed.

use yew::prelude::*;

use crate::train::lab::{LabSettings, PAGE_TRAIN_DIGITS};
use crate::train::optim::OptimiserKind;
use crate::web::ui::shared::use_lang;
use crate::zoo::nets::lenet::LenetDesign;

#[derive(Properties, PartialEq)]
pub struct TrainSettingsProps {
    pub settings: LabSettings,
    pub on_change: Callback<LabSettings>,
    /// Offer the choice of network (the lab), or keep the variant's (an experiment).
    #[prop_or(true)]
    pub choose_design: bool,
    #[prop_or(false)]
    pub disabled: bool,
    /// Prefix of the fields' test ids (`train` → `train-lr` …).
    #[prop_or(AttrValue::Static("train"))]
    pub testid: AttrValue,
}

fn value_of(e: &Event) -> String {
    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
    input.value()
}

#[function_component(TrainSettings)]
pub fn train_settings(props: &TrainSettingsProps) -> Html {
    let lang = use_lang();
    let s = &props.settings;
    let id = |field: &str| format!("{}-{field}", props.testid);
    // A field's change: the settings with `f` applied to a copy.
    let edit = |f: fn(&mut LabSettings, String)| {
        let (s, on_change) = (s.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let mut next = s.clone();
            f(&mut next, value_of(&e));
            on_change.emit(next);
        })
    };
    let on_design = edit(|s, v| {
        s.design = if v == "paper" {
            LenetDesign::paper()
        } else {
            LenetDesign::modern()
        }
    });
    let on_optimiser = edit(|s, v| {
        s.optimiser = if v == "sgd" {
            OptimiserKind::Sgd { momentum: 0.9 }
        } else {
            OptimiserKind::Adam
        };
        // Each optimiser's usual rate.
        s.learning_rate = if v == "sgd" { 0.01 } else { 2e-3 };
    });
    let on_lr = edit(|s, v| {
        if let Ok(x) = v.parse::<f64>() {
            s.learning_rate = x.clamp(1e-5, 1.0);
        }
    });
    let on_batch = edit(|s, v| {
        if let Ok(x) = v.parse::<usize>() {
            s.batch_size = x.clamp(1, 512);
        }
    });
    let on_epochs = edit(|s, v| {
        if let Ok(x) = v.parse::<usize>() {
            s.epochs = x.clamp(1, 50);
        }
    });
    let on_digits = edit(|s, v| {
        if let Ok(x) = v.parse::<usize>() {
            s.train_digits = x.clamp(100, PAGE_TRAIN_DIGITS);
        }
    });
    let on_seed = edit(|s, v| {
        if let Ok(x) = v.parse::<u64>() {
            s.seed = x;
        }
    });
    let on_augment = {
        let (s, on_change) = (s.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let mut next = s.clone();
            next.augment = input.checked();
            on_change.emit(next);
        })
    };
    let design = if s.design == LenetDesign::paper() {
        "paper"
    } else {
        "modern"
    };
    let disabled = props.disabled;
    html! {
        <fieldset class="train-settings" disabled={disabled}>
            <legend>{ lang.t("train-settings") }</legend>
            if props.choose_design {
                <label>{ lang.t("train-network") }
                    <select data-testid={id("design")} onchange={on_design}>
                        <option value="modern" selected={design == "modern"}>{ lang.t("train-network-modern") }</option>
                        <option value="paper" selected={design == "paper"}>{ lang.t("train-network-paper") }</option>
                    </select>
                </label>
            }
            <label>{ lang.t("train-optimiser") }
                <select data-testid={id("optimiser")} onchange={on_optimiser}>
                    <option value="adam" selected={s.optimiser == OptimiserKind::Adam}>{ "Adam" }</option>
                    <option value="sgd" selected={s.optimiser != OptimiserKind::Adam}>{ lang.t("train-sgd") }</option>
                </select>
            </label>
            <label>{ lang.t("train-lr") }
                <input type="number" step="any" min="0.00001" max="1" data-testid={id("lr")}
                    value={s.learning_rate.to_string()} onchange={on_lr} />
            </label>
            <label>{ lang.t("train-batch") }
                <select data-testid={id("batch")} onchange={on_batch}>
                    { for [16usize, 32, 64, 128, 256].iter().map(|b| html! {
                        <option value={b.to_string()} selected={*b == s.batch_size}>{ b }</option>
                    }) }
                </select>
            </label>
            <label>{ lang.t("train-epochs") }
                <input type="number" min="1" max="50" data-testid={id("epochs")}
                    value={s.epochs.to_string()} onchange={on_epochs} />
            </label>
            <label>{ lang.t("train-digits") }
                <input type="number" min="100" max={PAGE_TRAIN_DIGITS.to_string()} step="100" data-testid={id("digits")}
                    value={s.train_digits.to_string()} onchange={on_digits} />
            </label>
            <label class="check">
                <input type="checkbox" data-testid={id("augment")} checked={s.augment} onchange={on_augment} />
                { lang.t("train-augment") }
            </label>
            <label>{ lang.t("train-seed") }
                <input type="number" min="0" data-testid={id("seed")} value={s.seed.to_string()} onchange={on_seed} />
            </label>
        </fieldset>
    }
}
