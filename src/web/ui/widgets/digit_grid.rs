//! Test digits in a grid, each drawn from its 28×28 pixels with the network's answer under it,
//! marked right or wrong; a digit clicked (or chosen with Enter) is the one watched.

use yew::prelude::*;

use crate::web::ui::shared::{put_rgba, use_lang};

#[derive(Properties, PartialEq)]
pub struct DigitGridProps {
    /// `n × 784` bytes.
    pub pixels: std::rc::Rc<Vec<u8>>,
    /// (label, predicted) per digit.
    pub answers: Vec<(u8, u8)>,
    pub watched: usize,
    pub on_watch: Callback<usize>,
}

#[derive(Properties, PartialEq)]
struct DigitProps {
    pixels: Vec<u8>,
}

#[function_component(Digit)]
fn digit(props: &DigitProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(props.pixels.clone(), move |px| {
            let rgba: Vec<u8> = px
                .iter()
                .flat_map(|&v| [255 - v, 255 - v, 255 - v, 255])
                .collect();
            put_rgba(&canvas, &rgba, 28, 28);
        });
    }
    html! { <canvas ref={canvas} width="28" height="28" aria-hidden="true"></canvas> }
}

#[function_component(DigitGrid)]
pub fn digit_grid(props: &DigitGridProps) -> Html {
    let lang = use_lang();
    let items = props.answers.iter().enumerate().map(|(i, &(label, pred))| {
        let px = props.pixels.get(i * 784..(i + 1) * 784).map(<[u8]>::to_vec).unwrap_or_default();
        let right = label == pred;
        let onclick = props.on_watch.reform(move |_| i);
        let title = lang.tf(
            "train-grid-digit",
            &[("label", (label as u32).into()), ("pred", (pred as u32).into())],
        );
        html! {
            <li>
                <button class={classes!("grid-digit", if right { "right" } else { "wrong" }, (i == props.watched).then_some("watched"))}
                    data-right={right.to_string()} aria-pressed={(i == props.watched).to_string()} {title} {onclick}>
                    <Digit pixels={px} />
                    <span class="pred">{ if right { format!("{pred} ✓") } else { format!("{pred} ✗") } }</span>
                </button>
            </li>
        }
    });
    html! { <ul class="digit-grid" data-testid="train-examples-grid">{ for items }</ul> }
}
