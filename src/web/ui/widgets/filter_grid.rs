//! A convolution's kernels as small images (one per output map and input channel), each scaled
//! on its own range around zero: positive weights light, negative dark.

use yew::prelude::*;

use crate::web::ui::shared::put_rgba;

#[derive(Properties, PartialEq)]
pub struct FilterGridProps {
    /// `[out, in, k, k]`.
    pub shape: Vec<usize>,
    pub values: std::rc::Rc<Vec<f32>>,
}

#[derive(Properties, PartialEq)]
struct KernelProps {
    values: Vec<f32>,
    side: usize,
}

#[function_component(Kernel)]
fn kernel(props: &KernelProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let side = props.side;
        use_effect_with(props.values.clone(), move |v| {
            let m = v.iter().fold(1e-6f32, |m, x| m.max(x.abs()));
            let rgba: Vec<u8> = v
                .iter()
                .flat_map(|x| {
                    let g = (127.5 + 127.5 * x / m).round().clamp(0.0, 255.0) as u8;
                    [g, g, g, 255]
                })
                .collect();
            put_rgba(&canvas, &rgba, side, side);
        });
    }
    html! { <canvas ref={canvas} width={props.side.to_string()} height={props.side.to_string()} aria-hidden="true"></canvas> }
}

#[function_component(FilterGrid)]
pub fn filter_grid(props: &FilterGridProps) -> Html {
    let [out, inputs, k, _] = props.shape[..] else {
        return html! {};
    };
    let kernels = (0..out * inputs).map(|i| {
        let values = props
            .values
            .get(i * k * k..(i + 1) * k * k)
            .map(<[f32]>::to_vec)
            .unwrap_or_default();
        html! { <Kernel {values} side={k} /> }
    });
    html! {
        <div class="filter-grid" data-testid="train-filters" style={format!("--cols: {}", inputs.max(out.min(8)))}
            data-sum={format!("{:.6}", props.values.iter().map(|v| v.abs() as f64).sum::<f64>())}>
            { for kernels }
        </div>
    }
}
