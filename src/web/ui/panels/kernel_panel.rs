//! "5×5 against stacked 3×3": one large convolution against a stack of 3×3 ones, for a channel
//! count C and a map side H the reader sets. The table's figures come from small networks the zoo
//! builds for each variant (`crate::concepts::kernel_stack`); the picture shows how the fields
//! compose; on a VGG network with a photo run, the first block's maps are shown layer by layer.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::concepts::kernel_stack::{parse_positive, table, Variant, MAX_CHANNELS, MAX_SIDE};
use crate::web::ui::shared::{use_lang, PhotoContext, SharedDescribed};
use crate::web::ui::widgets::field_composition::FieldComposition;

#[derive(Properties, PartialEq)]
pub struct KernelPanelProps {
    /// The VGG network whose page shows the panel (None on the Concepts page).
    #[prop_or_default]
    pub described: Option<SharedDescribed>,
    /// What the page puts at the panel's end.
    #[prop_or_default]
    pub children: Html,
}

/// The first block's channel count and map side of a network (VGG: 64 maps of 224×224), the
/// panel's starting values; 64 and 56 otherwise.
fn defaults(described: &Option<SharedDescribed>) -> (usize, usize) {
    described
        .as_ref()
        .and_then(|d| d.as_ref().as_ref())
        .and_then(|d| {
            d.net
                .nodes
                .iter()
                .position(|n| matches!(n.op, crate::zoo::Op::Conv2d(_)))
                .map(|i| {
                    let s = &d.analysis.layers[i].shape;
                    (s[0], s[1])
                })
        })
        .unwrap_or((64, 56))
}

#[function_component(KernelPanel)]
pub fn kernel_panel(props: &KernelPanelProps) -> Html {
    let lang = use_lang();
    let (c0, h0) = defaults(&props.described);
    // The comparison, C and H come from the address when it names them, and go back into it.
    let number = |key: &str, max: usize, default: usize| {
        crate::web::address::param(key)
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|v| (1..=max).contains(v))
            .unwrap_or(default)
    };
    let (c0, h0) = (number("c", MAX_CHANNELS, c0), number("h", MAX_SIDE, h0));
    let stack = use_state(|| {
        let wanted = crate::web::address::param("kernel");
        [Variant::ThreeTwice, Variant::ThreeThrice]
            .into_iter()
            .find(|v| wanted.as_deref() == Some(v.id()))
            .unwrap_or(Variant::ThreeTwice)
    });
    let channels = use_state(|| c0);
    let side = use_state(|| h0);
    let c_text = use_state(|| c0.to_string());
    let h_text = use_state(|| h0.to_string());
    use_effect_with((*stack, *channels, *side), |(v, c, h)| {
        crate::web::address::replace("kernel", Some(v.id()));
        crate::web::address::replace("c", Some(&c.to_string()));
        crate::web::address::replace("h", Some(&h.to_string()));
    });
    let photo = use_context::<PhotoContext>().and_then(|p| p.last);
    let rows = use_memo((*channels, *side), |(c, h)| table(*c, *h));

    let c_error = parse_positive(&c_text, "C", MAX_CHANNELS).err();
    let h_error = parse_positive(&h_text, "H", MAX_SIDE).err();
    let on_c = {
        let (channels, c_text) = (channels.clone(), c_text.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(c) = parse_positive(&v, "C", MAX_CHANNELS) {
                channels.set(c);
            }
            c_text.set(v);
        })
    };
    let on_h = {
        let (side, h_text) = (side.clone(), h_text.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(h) = parse_positive(&v, "H", MAX_SIDE) {
                side.set(h);
            }
            h_text.set(v);
        })
    };
    let toggle = [Variant::ThreeTwice, Variant::ThreeThrice].map(|v| {
        let stack = stack.clone();
        let on = *stack == v;
        let (k, _) = v.partner().stack();
        let label = lang.tf(
            "concepts-kernel-toggle",
            &[("k", k.into()), ("stack", v.label(lang).into())],
        );
        html! {
            <button class={classes!("seg", on.then_some("on"))} aria-pressed={on.to_string()}
                data-testid="kernel-toggle" data-stack={v.id()} onclick={Callback::from(move |_| stack.set(v))}>
                { label }
            </button>
        }
    });
    let shown = [stack.partner(), *stack];
    let (c, h) = (*channels, *side);
    let body = rows.iter().map(|r| {
        let active = shown.contains(&r.variant);
        let per_conv = r
            .convs
            .iter()
            .map(|cv| lang.count(cv.params))
            .collect::<Vec<_>>()
            .join(" + ");
        html! {
            <tr class={classes!("kernel-row", active.then_some("active"))} data-testid="kernel-row"
                data-variant={r.variant.id()} data-params={r.params.to_string()} data-macs={r.macs.to_string()}
                data-rf={r.rf.to_string()} data-nonlin={r.nonlin.to_string()}>
                <th scope="row">{ r.variant.label(lang) }</th>
                <td class="num" title={lang.tf("concepts-kernel-per-conv", &[("params", per_conv.into())])}>{ lang.count(r.params) }</td>
                <td class="num">{ lang.count(r.macs) }</td>
                <td class="num">{ format!("{0}×{0}", r.rf) }</td>
                <td class="num">{ r.nonlin }</td>
            </tr>
        }
    });
    // The pair being compared, as ratios.
    let find = |v: Variant| rows.iter().find(|r| r.variant == v).expect("four rows");
    let (one, many) = (find(stack.partner()), find(*stack));
    let (k, _) = stack.partner().stack();
    let (_, n) = stack.stack();
    let summary = lang.tf(
        "concepts-kernel-summary",
        &[
            ("c", c.into()),
            ("h", h.into()),
            ("n", n.into()),
            ("many_params", lang.count(many.params).into()),
            ("one_params", lang.count(one.params).into()),
            ("k", k.into()),
            (
                "fewer",
                format!(
                    "{:.0}",
                    100.0 * (1.0 - many.params as f64 / one.params as f64)
                )
                .into(),
            ),
            ("many_macs", lang.count(many.macs).into()),
            ("one_macs", lang.count(one.macs).into()),
            ("rf", one.rf.into()),
            ("nonlin", many.nonlin.into()),
            ("n9", (9 * n).into()),
            ("kk", (k * k).into()),
        ],
    );
    html! {
        <section class="panel kernel-panel" data-testid="kernel-panel">
            <h3>{ lang.t("concepts-kernel-title") }</h3>
            <p class="lead">{ lang.t("concepts-kernel-lead") }</p>
            <div class="controls">
                <div class="segmented" role="group" aria-label={lang.t("concepts-kernel-compare")}>{ for toggle }</div>
                <label>{ "C " }
                    <input type="number" min="1" max={MAX_CHANNELS.to_string()} data-testid="kernel-channels"
                        value={(*c_text).clone()} oninput={on_c} aria-invalid={c_error.is_some().to_string()} />
                </label>
                <label>{ "H = W " }
                    <input type="number" min="1" max={MAX_SIDE.to_string()} data-testid="kernel-size"
                        value={(*h_text).clone()} oninput={on_h} aria-invalid={h_error.is_some().to_string()} />
                </label>
            </div>
            if let Some(e) = c_error.or(h_error) {
                <p class="error" data-testid="kernel-input-error" role="alert">{ lang.tf("concepts-kernel-input-error", &[("error", e.text(lang).into())]) }</p>
            }
            <div class="table-wrap compact" tabindex="0" role="region" aria-label={lang.t("concepts-kernel-table")}>
                <table class="kernel-compare" data-testid="kernel-compare" data-channels={c.to_string()} data-size={h.to_string()}>
                    <thead><tr>
                        <th scope="col">{ lang.t("concepts-kernel-col-variant") }</th>
                        <th scope="col">{ lang.t("concepts-kernel-col-params") }</th>
                        <th scope="col">{ lang.t("concepts-kernel-col-macs") }</th>
                        <th scope="col">{ lang.t("concepts-kernel-col-rf") }</th>
                        <th scope="col">{ lang.t("concepts-kernel-col-nonlin") }</th>
                    </tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
            <p class="note" data-testid="kernel-summary">{ summary }</p>
            // A square crop only (an ONNX network's input may be 3×32×64).
            <FieldComposition stack={*stack} crop={photo.as_ref().filter(|p| p.side == p.height).map(|p| (p.crop.clone(), p.side))} />
            { props.children.clone() }
        </section>
    }
}
