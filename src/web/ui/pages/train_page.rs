//! The "Train" entry of the picker: LeNet-5 trained in this page (the training lab), and the
//! course notes' claims as experiments run side by side.

use yew::prelude::*;

use crate::web::ui::labs::experiment_lab::ExperimentLab;
use crate::web::ui::labs::train_lab::TrainLab;
use crate::web::ui::shared::{use_lang, TRAIN};

#[function_component(TrainPage)]
pub fn train_page() -> Html {
    let lang = use_lang();
    html! {
        <section class="main-view train-page" data-testid="main-view" data-model={TRAIN}>
            <h2 data-testid="model-title">{ lang.t("train-page-title") }</h2>
            <p class="paper">{ lang.t("train-page-lead") }</p>
            <TrainLab />
            <ExperimentLab />
        </section>
    }
}
