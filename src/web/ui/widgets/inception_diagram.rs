//! The diagram of one Inception module: the input, four branches side by side, the concatenation.
//! Each box is one step of the walk (`inception-branch`, `data-branch`); the current step's box is
//! `active`, the steps before it `done`. Clicking a box goes to its step.

use yew::prelude::*;

use crate::concepts::inception::Step;
use crate::web::ui::shared::use_lang;
use crate::zoo::summary::shape_text;

#[derive(Properties, PartialEq)]
pub struct InceptionDiagramProps {
    pub steps: Vec<Step>,
    pub current: usize,
    pub on_step: Callback<usize>,
}

const W: f64 = 128.0;
const H: f64 = 40.0;
const COL: f64 = 142.0;

/// Where a step's box sits: column and row.
fn place(key: &str) -> (f64, f64) {
    let col = |c: f64| 10.0 + c * COL;
    match key {
        "input" => (col(1.5), 8.0),
        "branch1" => (col(0.0), 104.0),
        "branch2.0" => (col(1.0), 74.0),
        "branch2.1" => (col(1.0), 134.0),
        "branch3.0" => (col(2.0), 74.0),
        "branch3.1" => (col(2.0), 134.0),
        "branch4.0" => (col(3.0), 74.0),
        "branch4.1" => (col(3.0), 134.0),
        _ => (col(1.5), 212.0),
    }
}

fn edge(from: (f64, f64), to: (f64, f64)) -> Html {
    let (x1, y1) = (from.0 + W / 2.0, from.1 + H);
    let (x2, y2) = (to.0 + W / 2.0, to.1);
    let my = (y1 + y2) / 2.0;
    html! { <path class="edge" d={format!("M{x1},{y1} C{x1},{my} {x2},{my} {x2},{y2}")} /> }
}

#[function_component(InceptionDiagram)]
pub fn inception_diagram(props: &InceptionDiagramProps) -> Html {
    let lang = use_lang();
    let input = place("input");
    let concat = place("concat");
    let mut edges = Vec::new();
    for first in ["branch1", "branch2.0", "branch3.0", "branch4.0"] {
        edges.push(edge(input, place(first)));
    }
    for (a, b) in [
        ("branch2.0", "branch2.1"),
        ("branch3.0", "branch3.1"),
        ("branch4.0", "branch4.1"),
    ] {
        edges.push(edge(place(a), place(b)));
    }
    for last in ["branch1", "branch2.1", "branch3.1", "branch4.1"] {
        edges.push(edge(place(last), concat));
    }
    let boxes = props.steps.iter().enumerate().map(|(i, s)| {
        let (x, y) = place(s.key);
        let state = if i == props.current {
            Some("active")
        } else if i < props.current {
            Some("done")
        } else {
            None
        };
        let on_step = props.on_step.clone();
        let kind = if s.key.starts_with("branch4.0") {
            "pool"
        } else if s.key == "input" || s.key == "concat" {
            "io"
        } else if s.key.ends_with(".0") || s.key == "branch4.1" {
            "reduce"
        } else {
            "conv"
        };
        html! {
            <g class={classes!("inception-branch", kind, state)} data-testid="inception-branch" data-branch={s.key}
                data-step={i.to_string()} onclick={Callback::from(move |_| on_step.emit(i))}>
                <title>{ s.title.text(lang) }</title>
                <rect x={x.to_string()} y={y.to_string()} width={W.to_string()} height={H.to_string()} rx="6" />
                <text x={(x + W / 2.0).to_string()} y={(y + 17.0).to_string()}>{ s.short.text(lang) }</text>
                <text class="shape" x={(x + W / 2.0).to_string()} y={(y + 32.0).to_string()}>{ shape_text(&s.shape) }</text>
            </g>
        }
    });
    let width = 10.0 + 3.0 * COL + W + 10.0;
    html! {
        // On a phone the module keeps its size and scrolls sideways in its box (labels stay
        // readable); on a wide screen it shrinks to the box if it must.
        <div class="inception-diagram-wrap" data-testid="inception-diagram-wrap" tabindex="0" role="region"
            aria-label={lang.t("concepts-inception-diagram-aria")}>
            <svg class="inception-diagram" width={width.to_string()} height="262" viewBox={format!("0 0 {width} 262")}
                role="img" aria-label={lang.t("concepts-inception-diagram-aria")}>
                { for edges }
                { for boxes }
            </svg>
        </div>
    }
}
