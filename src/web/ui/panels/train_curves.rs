//! A run's curves, or an experiment's overlaid: the smoothed loss per digit trained on, and the
//! accuracy on the test digits (solid) and on the training digits (dashed).

use std::rc::Rc;

use yew::prelude::*;

use crate::train::runner::RunProgress;
use crate::web::ui::shared::use_lang;
use crate::web::ui::widgets::line_chart::{LineChart, Series};

#[derive(Properties, PartialEq)]
pub struct TrainCurvesProps {
    pub runs: Vec<RunProgress>,
}

fn points(p: &[(usize, f32)]) -> Rc<Vec<(f64, f64)>> {
    Rc::new(p.iter().map(|&(x, y)| (x as f64, y as f64)).collect())
}

#[function_component(TrainCurves)]
pub fn train_curves(props: &TrainCurvesProps) -> Html {
    let lang = use_lang();
    let name = |r: &RunProgress| lang.t(&r.variant.label);
    let x_max = props.runs.iter().map(|r| r.total).max().unwrap_or(1) as f64;
    let loss: Vec<Series> = props
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| Series {
            label: name(r),
            class: i,
            points: points(&r.loss),
            dashed: false,
        })
        .collect();
    let mut accuracy = Vec::new();
    for (i, r) in props.runs.iter().enumerate() {
        accuracy.push(Series {
            label: lang.tf("train-curve-test", &[("run", name(r).into())]),
            class: i,
            points: points(&r.test),
            dashed: false,
        });
        accuracy.push(Series {
            label: lang.tf("train-curve-train", &[("run", name(r).into())]),
            class: i,
            points: points(&r.train),
            dashed: true,
        });
    }
    // Accuracy from the lowest measured (or 80 %) to 100 %.
    let lowest = props
        .runs
        .iter()
        .flat_map(|r| r.test.iter().chain(&r.train))
        .map(|p| p.1 as f64)
        .fold(0.8, f64::min);
    let lo = (lowest * 20.0).floor() / 20.0;
    html! {
        <div class="train-curves" data-testid="train-curves">
            <LineChart series={loss} x_title={lang.t("train-axis-digits")} y_title={lang.t("train-axis-loss")}
                x_max={x_max} testid="train-loss-chart" label={lang.t("train-loss-chart")} />
            <LineChart series={accuracy} x_title={lang.t("train-axis-digits")} y_title={lang.t("train-axis-accuracy")}
                x_max={x_max} y_range={Some((lo, 1.0))} percent={true} testid="train-accuracy-chart"
                label={lang.t("train-accuracy-chart")} />
        </div>
    }
}
