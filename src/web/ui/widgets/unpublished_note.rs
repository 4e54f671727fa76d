//! Beside a "classify a photo above" hint, for a network whose ImageNet weights were never
//! published (GoogLeNet as the 2014 paper builds it, AlexNet's two-GPU original …): says so, and
//! links the closest network of the zoo that has them, so that the hint is no dead end.

use yew::prelude::*;

use crate::web::ui::hooks::navigate::use_network_link;
use crate::web::ui::shared::use_lang;

#[derive(Properties, PartialEq)]
pub struct UnpublishedNoteProps {
    /// The network's identifier in the zoo.
    pub id: String,
    /// Its name in the page's language.
    pub label: String,
}

#[function_component(UnpublishedNote)]
pub fn unpublished_note(props: &UnpublishedNoteProps) -> Html {
    let lang = use_lang();
    let nearest = crate::sources::nearest_published(&props.id);
    let (href, onclick) = use_network_link(nearest.unwrap_or_default());
    if crate::sources::published(&props.id) {
        return html! {};
    }
    let nearest = nearest.map(|id| {
        let label = crate::zoo::label_of(id, lang).unwrap_or_else(|| id.to_string());
        html! {
            <>
                { " " }
                <a {href} {onclick} data-testid="unpublished-nearest" data-model={id}>
                    { lang.tf("photo-weights-nearest", &[("nearest", label.into())]) }
                </a>
            </>
        }
    });
    html! {
        <p class="note" data-testid="unpublished-note" data-model={props.id.clone()}>
            { lang.tf("photo-unpublished-short", &[("network", (&props.label).into())]) }
            { for nearest }
        </p>
    }
}
