//! The picture of how stacked 3×3 fields compose: a unit of the last layer, the 3×3 window it
//! reads on the layer below, the 5×5 (7×7) that window covers further down, down to the input —
//! beside the one large convolution that sees the same window in one step. With a photo loaded the
//! input grid shows the crop's own pixels at the centre of the image.

use std::rc::Rc;

use yew::prelude::*;

use crate::concepts::kernel_stack::{composition, Variant};
use crate::web::ui::shared::use_lang;

#[derive(Properties, PartialEq)]
pub struct FieldCompositionProps {
    /// The stacked variant (two or three 3×3).
    pub stack: Variant,
    /// The last photo's crop (RGB, `side`×`side`), if any.
    #[prop_or_default]
    pub crop: Option<(Rc<Vec<u8>>, usize)>,
}

/// Side of one grid cell in the picture.
const CELL: f64 = 15.0;
const GAP: f64 = 46.0;

/// One layer as a grid of `n`×`n` cells at (x, y), with the centred `window`×`window` cells
/// highlighted; `pixels` colours the cells (RGB per cell).
fn grid(
    n: usize,
    x: f64,
    y: f64,
    window: usize,
    pixels: Option<&[[u8; 3]]>,
    label: &str,
    class: &str,
) -> Html {
    let side = n as f64 * CELL;
    let lo = (n - window) / 2;
    let cells = (0..n * n).map(|i| {
        let (r, c) = (i / n, i % n);
        let fill = pixels.map_or("#f4f6f8".to_string(), |p| {
            let [a, b, d] = p[i];
            format!("rgb({a},{b},{d})")
        });
        html! {
            <rect x={(x + c as f64 * CELL).to_string()} y={(y + r as f64 * CELL).to_string()}
                width={CELL.to_string()} height={CELL.to_string()} fill={fill} class="cell" />
        }
    });
    html! {
        <g class={classes!("layer-grid", class.to_string())}>
            { for cells }
            <rect class="window" x={(x + lo as f64 * CELL).to_string()} y={(y + lo as f64 * CELL).to_string()}
                width={(window as f64 * CELL).to_string()} height={(window as f64 * CELL).to_string()} />
            <text x={(x + side / 2.0).to_string()} y={(y + side + 16.0).to_string()}>{ label.to_string() }</text>
        </g>
    }
}

/// Lines from a window's corners on one grid to the window on the next grid to its right.
fn fan(n: usize, x_from: f64, from: usize, x_to: f64, to: usize, y: f64) -> Html {
    let corner = |x: f64, w: usize, right: bool, bottom: bool| {
        let lo = (n - w) as f64 / 2.0 * CELL;
        let hi = lo + w as f64 * CELL;
        (
            x + if right { hi } else { lo },
            y + if bottom { hi } else { lo },
        )
    };
    let lines = [(false, false), (false, true)].into_iter().map(|(_, bottom)| {
        let (x1, y1) = corner(x_from, from, true, bottom);
        let (x2, y2) = corner(x_to, to, false, bottom);
        html! { <line class="fan" x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} /> }
    });
    html! { <g>{ for lines }</g> }
}

#[function_component(FieldComposition)]
pub fn field_composition(props: &FieldCompositionProps) -> Html {
    let lang = use_lang();
    let windows = composition(props.stack); // [1, 3, 5(, 7)]: from the last layer down to the input
    let big = props.stack.partner();
    let rf = *windows.last().expect("the input's window");
    let n = rf + 4;
    let layers = windows.len() - 1;
    // The crop's centre n×n pixels, when a photo is loaded whose square crop holds them (an
    // ONNX network's input may be smaller than the window).
    let pixels: Option<Vec<[u8; 3]>> = props
        .crop
        .as_ref()
        .filter(|(rgb, side)| *side >= n && rgb.len() >= side * side * 3)
        .map(|(rgb, side)| {
            let o = side / 2 - n / 2;
            (0..n * n)
                .map(|i| {
                    let (r, c) = (o + i / n, o + i % n);
                    let p = (r * side + c) * 3;
                    [rgb[p], rgb[p + 1], rgb[p + 2]]
                })
                .collect()
        });
    let grid_w = n as f64 * CELL;
    let row_h = grid_w + 34.0;
    let width = (layers + 1) as f64 * (grid_w + GAP);
    let mut top = Vec::new();
    for (j, &w) in windows.iter().rev().enumerate() {
        let x = j as f64 * (grid_w + GAP);
        let (label, px, class) = if j == 0 {
            (
                lang.tf("concepts-fields-input", &[("w", w.into())]),
                pixels.as_deref(),
                "input",
            )
        } else if j == layers {
            (
                lang.tf("concepts-fields-unit", &[("j", j.into())]),
                None,
                "unit",
            )
        } else {
            (
                lang.tf("concepts-fields-layer", &[("j", j.into()), ("w", w.into())]),
                None,
                "",
            )
        };
        top.push(grid(n, x, 4.0, w, px, &label, class));
        if j < layers {
            top.push(fan(
                n,
                x,
                w,
                x + grid_w + GAP,
                windows[windows.len() - 2 - j],
                4.0,
            ));
        }
    }
    let (k, _) = big.stack();
    let y2 = row_h + 8.0;
    let bottom = html! {
        <>
            { grid(n, 0.0, y2, k, pixels.as_deref(), &lang.tf("concepts-fields-input", &[("w", k.into())]), "input") }
            { fan(n, 0.0, k, grid_w + GAP, 1, y2) }
            { grid(n, grid_w + GAP, y2, 1, None, &lang.tf("concepts-fields-big-unit", &[("k", k.into())]), "unit") }
        </>
    };
    let height = 2.0 * row_h + 16.0;
    html! {
        <figure class="field-composition" data-testid="kernel-picture" data-stack={props.stack.id()}
            data-windows={windows.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(",")}>
            <svg width={width.to_string()} height={height.to_string()} viewBox={format!("0 0 {width} {height}")}
                role="img" aria-label={lang.tf("concepts-fields-aria", &[("n", layers.into()), ("rf", rf.into()), ("k", k.into())])}>
                { for top }
                { bottom }
            </svg>
            <figcaption>
                { lang.tf("concepts-fields-caption", &[("rf", rf.into()), ("k", k.into())]) }
                if props.crop.is_some() {
                    { lang.t("concepts-fields-photo") }
                }
            </figcaption>
        </figure>
    }
}
