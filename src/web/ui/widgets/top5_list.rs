//! The five most probable ImageNet classes of a photo, as labelled bars.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Top5ListProps {
    /// (class index, probability), most probable first.
    pub top5: Vec<(usize, f32)>,
    /// The photo these belong to (its file name), for the reader and the tests.
    pub photo: String,
}

#[function_component(Top5List)]
pub fn top5_list(props: &Top5ListProps) -> Html {
    let classes = crate::imagenet::classes();
    let rows = props.top5.iter().enumerate().map(|(rank, &(index, prob))| {
        let label = classes.get(index).copied().unwrap_or("?");
        html! {
            <li class="top5-row" data-testid="top5-row" data-index={index.to_string()}
                data-label={label} data-prob={format!("{prob:.6}")} data-rank={rank.to_string()}>
                <span class="label"><span lang="en">{ label }</span><span class="idx">{ format!(" #{index}") }</span></span>
                <span class="bar"><span style={format!("width:{:.2}%", prob * 100.0)}></span></span>
                <span class="prob">{ format!("{:.2} %", prob * 100.0) }</span>
            </li>
        }
    });
    html! {
        <ol class="top5" data-testid="top5" data-photo={props.photo.clone()}>{ for rows }</ol>
    }
}
