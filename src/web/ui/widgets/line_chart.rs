//! A line chart drawn in SVG: one or more series of (x, y) points over shared axes, with ticks,
//! axis titles and a legend; each series is a `polyline` (`data-series`, `data-points`) so that a
//! test can read what is drawn.

use std::rc::Rc;

use yew::prelude::*;

/// One line: its label, colour class (`series-0` …), points, and whether it is dashed.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    pub class: usize,
    pub points: Rc<Vec<(f64, f64)>>,
    pub dashed: bool,
}

#[derive(Properties, PartialEq)]
pub struct LineChartProps {
    pub series: Vec<Series>,
    pub x_title: String,
    pub y_title: String,
    /// The y axis's range (else fitted to the points).
    #[prop_or_default]
    pub y_range: Option<(f64, f64)>,
    /// The x axis runs from 0 to at least this.
    #[prop_or_default]
    pub x_max: f64,
    /// Formats a y tick (e.g. as a percentage).
    #[prop_or(false)]
    pub percent: bool,
    pub testid: AttrValue,
    pub label: AttrValue,
}

const W: f64 = 420.0;
const H: f64 = 220.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 38.0;

/// A "nice" step for about `n` ticks over `span`.
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = (span / n).max(f64::MIN_POSITIVE);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

fn short_number(v: f64) -> String {
    if v.abs() >= 1000.0 {
        let k = v / 1000.0;
        if (k - k.round()).abs() < 1e-9 {
            format!("{}k", k.round())
        } else {
            format!("{k:.1}k")
        }
    } else if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round())
    } else {
        format!("{v:.2}")
    }
}

#[function_component(LineChart)]
pub fn line_chart(props: &LineChartProps) -> Html {
    let all = props.series.iter().flat_map(|s| s.points.iter());
    let x_max = all
        .clone()
        .map(|p| p.0)
        .fold(props.x_max, f64::max)
        .max(1.0);
    let (y_lo, y_hi) = props.y_range.unwrap_or_else(|| {
        let lo = all.clone().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let hi = all.map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() && hi > lo {
            (lo.min(0.0), hi)
        } else {
            (0.0, 1.0)
        }
    });
    let sx = |x: f64| LEFT + x / x_max * (W - LEFT - RIGHT);
    let sy = |y: f64| TOP + (1.0 - (y - y_lo) / (y_hi - y_lo)) * (H - TOP - BOTTOM);
    let y_step = nice_step(y_hi - y_lo, 4.0);
    let y_ticks: Vec<f64> = (0..=20)
        .map(|i| (y_lo / y_step).ceil() * y_step + i as f64 * y_step)
        .take_while(|v| *v <= y_hi + 1e-9)
        .collect();
    let x_step = nice_step(x_max, 4.0);
    let x_ticks: Vec<f64> = (0..=20)
        .map(|i| i as f64 * x_step)
        .take_while(|v| *v <= x_max + 1e-9)
        .collect();
    let fmt_y = |v: f64| {
        if props.percent {
            format!("{}%", short_number(v * 100.0))
        } else {
            short_number(v)
        }
    };
    let lines = props.series.iter().map(|s| {
        let pts: String = s
            .points
            .iter()
            .filter(|p| p.1.is_finite())
            .map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y.clamp(y_lo, y_hi))))
            .collect::<Vec<_>>()
            .join(" ");
        // A sparse series (the accuracy, measured now and then) shows its points too.
        let dots = (s.points.len() <= 40 && !s.dashed).then(|| {
            s.points
                .iter()
                .filter(|p| p.1.is_finite())
                .map(|&(x, y)| html! {
                    <circle class={classes!("dot", format!("series-{}", s.class))}
                        cx={format!("{:.1}", sx(x))} cy={format!("{:.1}", sy(y.clamp(y_lo, y_hi)))} r="2.5" />
                })
                .collect::<Html>()
        });
        html! {
            <>
                <polyline class={classes!("series", format!("series-{}", s.class), s.dashed.then_some("dashed"))}
                    points={pts} data-series={s.label.clone()} data-points={s.points.len().to_string()} />
                { dots.unwrap_or_default() }
            </>
        }
    });
    let legend = props.series.iter().map(|s| {
        html! {
            <li><span class={classes!("swatch", format!("series-{}", s.class), s.dashed.then_some("dashed"))}></span>{ &s.label }</li>
        }
    });
    html! {
        <figure class="line-chart" data-testid={props.testid.clone()}>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={props.label.clone()}>
                { for y_ticks.iter().map(|&v| html! {
                    <g class="tick">
                        <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={sy(v).to_string()} y2={sy(v).to_string()} />
                        <text x={(LEFT - 6.0).to_string()} y={(sy(v) + 4.0).to_string()} text-anchor="end">{ fmt_y(v) }</text>
                    </g>
                }) }
                { for x_ticks.iter().map(|&v| html! {
                    <text class="tick" x={sx(v).to_string()} y={(H - BOTTOM + 16.0).to_string()} text-anchor="middle">{ short_number(v) }</text>
                }) }
                <line class="axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={(H - BOTTOM).to_string()} />
                <line class="axis" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={(H - BOTTOM).to_string()} y2={(H - BOTTOM).to_string()} />
                <text class="axis-title" x={((LEFT + W - RIGHT) / 2.0).to_string()} y={(H - 4.0).to_string()} text-anchor="middle">{ &props.x_title }</text>
                <text class="axis-title" x="12" y={((TOP + H - BOTTOM) / 2.0).to_string()} text-anchor="middle"
                    transform={format!("rotate(-90 12 {})", (TOP + H - BOTTOM) / 2.0)}>{ &props.y_title }</text>
                { for lines }
            </svg>
            if props.series.len() > 1 || props.series.iter().any(|s| s.dashed) {
                <ul class="legend">{ for legend }</ul>
            }
        </figure>
    }
}
