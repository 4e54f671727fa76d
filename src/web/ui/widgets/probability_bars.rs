//! The ten class probabilities as a bar chart, and the predicted digit, large.

use yew::prelude::*;

use crate::web::ui::shared::use_lang;

#[derive(Properties, PartialEq)]
pub struct ProbabilityBarsProps {
    /// Softmax of the output, one per digit; None before anything is drawn.
    pub probs: Option<Vec<f32>>,
}

#[function_component(ProbabilityBars)]
pub fn probability_bars(props: &ProbabilityBarsProps) -> Html {
    let lang = use_lang();
    let best = props.probs.as_ref().and_then(|p| {
        p.iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, &v)| (i, v))
    });
    html! {
        <div class="prediction-panel">
            <div class="prediction-big">
                <div class="prediction" data-testid="prediction">
                    { best.map(|(d, _)| d.to_string()).unwrap_or_else(|| "–".into()) }
                </div>
                <div class="prediction-note">
                    { match best {
                        Some((_, p)) => lang.tf("photo-sure", &[("percent", format!("{:.1}", p * 100.0).into())]),
                        None => lang.t("photo-draw-digit"),
                    } }
                </div>
            </div>
            <div class="probabilities" data-testid="probabilities">
                { for (0..10).map(|d| {
                    let p = props.probs.as_ref().map(|v| v[d]).unwrap_or(0.0);
                    let top = best.is_some_and(|(b, _)| b == d);
                    html! {
                        <div class={classes!("prob-row", top.then_some("top"))} data-digit={d.to_string()} data-prob={format!("{p:.5}")}>
                            <span class="digit">{ d }</span>
                            <span class="track"><span class="fill" style={format!("width:{:.2}%", p * 100.0)}></span></span>
                            <span class="pct">{ format!("{:.1}%", p * 100.0) }</span>
                        </div>
                    }
                }) }
            </div>
        </div>
    }
}
