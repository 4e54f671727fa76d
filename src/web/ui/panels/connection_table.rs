//! LeNet-5's C3 connection table (LeCun et al. 1998, Table I), drawn from the description: which
//! S2 maps each C3 map reads.

use yew::prelude::*;

use crate::web::ui::shared::use_lang;

#[derive(Properties, PartialEq)]
pub struct ConnectionTableProps {
    /// `table[o]` = the input maps output map `o` reads.
    pub table: Vec<Vec<usize>>,
    pub inputs: usize,
}

#[function_component(ConnectionTable)]
pub fn connection_table(props: &ConnectionTableProps) -> Html {
    let lang = use_lang();
    let connections: usize = props.table.iter().map(Vec::len).sum();
    html! {
        <figure class="connection-table" data-testid="connection-table">
            <table>
                <thead>
                    <tr><th scope="col"><span class="visually-hidden">{ lang.t("network-connection-corner") }</span></th>{ for (0..props.table.len()).map(|o| html! { <th scope="col">{ o }</th> }) }</tr>
                </thead>
                <tbody>
                    { for (0..props.inputs).map(|i| html! {
                        <tr>
                            <th scope="row">{ i }</th>
                            { for props.table.iter().map(|row| {
                                let on = row.contains(&i);
                                html! { <td class={classes!(on.then_some("on"))} data-testid="connection-cell" data-on={on.to_string()}>{ if on { "×" } else { "" } }</td> }
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
            <figcaption>
                { lang.tf("network-connection-caption", &[
                    ("inputs", props.inputs.into()),
                    ("outputs", props.table.len().into()),
                    ("connections", connections.into()),
                    ("full", (props.inputs * props.table.len()).into()),
                ]) }
            </figcaption>
        </figure>
    }
}
