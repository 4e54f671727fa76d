//! A link to a network's page (see `hooks::navigate`): a real address that a plain click follows
//! inside the page.

use yew::prelude::*;

use crate::web::ui::hooks::navigate::use_network_link;

#[derive(Properties, PartialEq)]
pub struct NetworkLinkProps {
    /// The network's identifier in the zoo.
    pub id: String,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    pub children: Html,
}

#[function_component(NetworkLink)]
pub fn network_link(props: &NetworkLinkProps) -> Html {
    let (href, onclick) = use_network_link(&props.id);
    html! {
        <a {href} data-testid={props.testid.clone()} data-model={props.id.clone()} {onclick}>
            { props.children.clone() }
        </a>
    }
}
