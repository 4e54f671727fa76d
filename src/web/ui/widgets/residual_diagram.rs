//! One residual block drawn from its description: x enters, the residual branch F (convolutions,
//! batch norms, ReLUs) runs down one side, the shortcut (identity, or a 1×1 projection with batch
//! norm where the size or width changes) down the other, and ⊕ adds them.

use yew::prelude::*;

use crate::concepts::residual::ResBlock;
use crate::i18n::Lang;
use crate::web::ui::shared::{use_lang, Described};
use crate::zoo::graph::Op;
use crate::zoo::summary::shape_text;

#[derive(Properties, PartialEq)]
pub struct ResidualDiagramProps {
    pub block: ResBlock,
    pub described: std::rc::Rc<Option<Described>>,
}

fn label(op: &Op, lang: Lang) -> String {
    match op.base() {
        Op::Conv2d(c) => {
            let mut t = lang.tf(
                "concepts-diagram-conv",
                &[
                    ("kh", c.kernel[0].into()),
                    ("kw", c.kernel[1].into()),
                    ("c", c.out_channels.into()),
                ],
            );
            let sep = lang.t("concepts-sep-comma");
            if c.stride[0] > 1 {
                t.push_str(&format!("{sep}/{}", c.stride[0]));
            }
            if c.groups > 1 {
                t.push_str(&sep);
                t.push_str(&lang.tf("concepts-diagram-groups", &[("groups", c.groups.into())]));
            }
            t
        }
        Op::BatchNorm2d { .. } => lang.t("concepts-diagram-batch-norm"),
        Op::Act(_) => "ReLU".into(),
        Op::Scale { factor } => format!("× {factor:.3}"),
        Op::PadShortcut { stride, .. } => lang.tf(
            "concepts-diagram-pad-shortcut",
            &[("stride", (*stride).into())],
        ),
        other => other.type_name().to_string(),
    }
}

const BW: f64 = 150.0;
const BH: f64 = 24.0;
const GAP: f64 = 8.0;

#[function_component(ResidualDiagram)]
pub fn residual_diagram(props: &ResidualDiagramProps) -> Html {
    let lang = use_lang();
    let Some(d) = props.described.as_ref() else {
        return html! {};
    };
    let b = &props.block;
    let n = b.branch.len().max(1);
    let top = 34.0;
    let branch_x = 20.0;
    let short_x = branch_x + BW + 70.0;
    let add_y = top + n as f64 * (BH + GAP) + 14.0;
    let height = add_y + 76.0;
    let width = short_x + BW + 20.0;
    let boxes = b.branch.iter().enumerate().map(|(i, &node)| {
        let y = top + i as f64 * (BH + GAP);
        let op = &d.net.nodes[node].op;
        let kind = match op.base() {
            Op::Conv2d(_) => "conv",
            Op::BatchNorm2d { .. } => "bn",
            _ => "act",
        };
        html! {
            <g class={classes!("rnode", kind)}>
                <title>{ format!("{} → {}", d.net.nodes[node].name, shape_text(&d.analysis.layers[node].shape)) }</title>
                <rect x={branch_x.to_string()} y={y.to_string()} width={BW.to_string()} height={BH.to_string()} rx="4" />
                <text x={(branch_x + BW / 2.0).to_string()} y={(y + 16.0).to_string()}>{ label(op, lang) }</text>
            </g>
        }
    });
    let shortcut = if b.projection.is_empty() {
        html! {
            <text class="shortcut-label side" x={(short_x + BW / 2.0 + 6.0).to_string()} y={((top + add_y) / 2.0).to_string()}>{ lang.t("concepts-diagram-identity") }</text>
        }
    } else {
        let ps = b.projection.iter().enumerate().map(|(i, &node)| {
            let y = top + 20.0 + i as f64 * (BH + GAP);
            html! {
                <g class="rnode projection">
                    <title>{ d.net.nodes[node].name.clone() }</title>
                    <rect x={short_x.to_string()} y={y.to_string()} width={BW.to_string()} height={BH.to_string()} rx="4" />
                    <text x={(short_x + BW / 2.0).to_string()} y={(y + 16.0).to_string()}>{ label(&d.net.nodes[node].op, lang) }</text>
                </g>
            }
        });
        html! { <>{ for ps }<text class="shortcut-label" x={(short_x + BW / 2.0).to_string()} y={(top + 10.0).to_string()}>{ lang.tf("concepts-diagram-shortcut", &[("kind", b.shortcut_kind.short(lang).into())]) }</text></> }
    };
    let cx = branch_x + BW / 2.0;
    let sx = short_x + BW / 2.0;
    let in_shape = shape_text(&d.analysis.layers[b.input].shape);
    let out_shape = shape_text(&d.analysis.layers[b.output].shape);
    html! {
        <svg class="residual-diagram" data-testid="residual-diagram" data-kind={format!("{:?}", b.kind)}
            data-projection={(b.shortcut_kind == crate::concepts::residual::ShortcutKind::Projection).to_string()}
            data-shortcut={b.shortcut_kind.id()}
            width={width.to_string()} height={height.to_string()} viewBox={format!("0 0 {width} {height}")}
            role="img" aria-label={lang.tf("concepts-diagram-aria", &[("block", b.name.as_str().into()), ("kind", b.kind.label(lang).into())])}>
            <text class="io" x={cx.to_string()} y="14">{ format!("x: {in_shape}") }</text>
            <path class="edge" d={format!("M{cx},20 L{cx},{top}")} />
            <path class="edge shortcut" d={format!("M{cx},22 L{sx},22 L{sx},{add_y} L{},{add_y}", cx + 11.0)} />
            { for boxes }
            { shortcut }
            <path class="edge" d={format!("M{cx},{} L{cx},{}", top + n as f64 * (BH + GAP) - GAP, add_y - 11.0)} />
            <circle class="add" cx={cx.to_string()} cy={add_y.to_string()} r="11" />
            <text class="add-sym" x={cx.to_string()} y={(add_y + 5.0).to_string()}>{ "+" }</text>
            <text class="f-label" x={(cx - 16.0).to_string()} y={(add_y - 8.0).to_string()}>{ "F(x)" }</text>
            <path class="edge" d={format!("M{cx},{} L{cx},{}", add_y + 11.0, add_y + 34.0)} />
            <text class="io" x={cx.to_string()} y={(add_y + 50.0).to_string()}>{
                if b.output != b.add { format!("ReLU(F(x) + x): {out_shape}") } else { format!("F(x) + x: {out_shape}") }
            }</text>
        </svg>
    }
}
