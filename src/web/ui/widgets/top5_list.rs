//! The five most probable classes of a photo, as labelled bars: ImageNet's names, or the names
//! an imported network's reader gave (a labels file), or the output's index.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Top5ListProps {
    /// (class index, probability), most probable first.
    pub top5: Vec<(usize, f32)>,
    /// The photo these belong to (its file name), for the reader and the tests.
    pub photo: String,
    /// Names of the outputs other than ImageNet's (an imported network's): None for ImageNet's,
    /// an empty list for indices only.
    #[prop_or_default]
    pub names: Option<std::rc::Rc<Vec<String>>>,
}

#[function_component(Top5List)]
pub fn top5_list(props: &Top5ListProps) -> Html {
    let classes = crate::imagenet::classes();
    let rows = props.top5.iter().enumerate().map(|(rank, &(index, prob))| {
        let label = match &props.names {
            None => classes.get(index).copied().unwrap_or("?").to_string(),
            Some(names) => names.get(index).cloned().unwrap_or_else(|| format!("{index}")),
        };
        html! {
            <li class="top5-row" data-testid="top5-row" data-index={index.to_string()}
                data-label={label.clone()} data-prob={format!("{prob:.6}")} data-rank={rank.to_string()}>
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
