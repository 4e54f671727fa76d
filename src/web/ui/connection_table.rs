//! LeNet-5's C3 connection table (LeCun et al. 1998, Table I), drawn from the description: which
//! S2 maps each C3 map reads.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConnectionTableProps {
    /// `table[o]` = the input maps output map `o` reads.
    pub table: Vec<Vec<usize>>,
    pub inputs: usize,
}

#[function_component(ConnectionTable)]
pub fn connection_table(props: &ConnectionTableProps) -> Html {
    let connections: usize = props.table.iter().map(Vec::len).sum();
    html! {
        <figure class="connection-table" data-testid="connection-table">
            <table>
                <thead>
                    <tr><th></th>{ for (0..props.table.len()).map(|o| html! { <th>{ o }</th> }) }</tr>
                </thead>
                <tbody>
                    { for (0..props.inputs).map(|i| html! {
                        <tr>
                            <th>{ i }</th>
                            { for props.table.iter().map(|row| {
                                let on = row.contains(&i);
                                html! { <td class={classes!(on.then_some("on"))}>{ if on { "×" } else { "" } }</td> }
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
            <figcaption>
                { format!("C3's connection table: rows are the {} S2 maps, columns the {} C3 maps; {} connections instead of {}. Breaking the symmetry makes the C3 maps learn different features and keeps the parameter count down.",
                    props.inputs, props.table.len(), connections, props.inputs * props.table.len()) }
            </figcaption>
        </figure>
    }
}
