//! The page header: the product's name, what it offers, the language of the page
//! (`lang-toggle`: English or 简体中文), and, below a tablet's width, the button that opens the
//! networks menu (`menu-toggle`).

use yew::prelude::*;

use crate::i18n::Lang;
use crate::web::ui::shared::use_lang;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// How the reader chooses another language.
    pub on_lang: Callback<Lang>,
    /// Whether the picker's menu is open (below a tablet's width), and how it opens or closes.
    pub menu_open: bool,
    pub on_menu: Callback<bool>,
}

#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let lang = use_lang();
    let onchange = {
        let on_lang = props.on_lang.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(l) = Lang::from_code(&select.value()) {
                on_lang.emit(l);
            }
        })
    };
    let open = props.menu_open;
    let on_menu = props.on_menu.reform(move |_: MouseEvent| !open);
    html! {
        <header class="header" data-testid="header">
            <div class="header-top">
                <button class="menu-toggle" data-testid="menu-toggle" aria-controls="picker"
                    aria-expanded={open.to_string()} onclick={on_menu}>
                    <span aria-hidden="true">{ if open { "✕" } else { "☰" } }</span>
                    { " " }{ lang.t("app-menu") }
                </button>
                <h1>{ lang.t("app-title") }</h1>
                <label class="lang-choice" title={lang.t("app-lang-choose")}>
                    <span class="lang-label">{ lang.t("app-lang-label") }</span>
                    <select data-testid="lang-toggle" data-lang={lang.code()}
                        aria-label={lang.t("app-lang-choose")} {onchange}>
                        { for Lang::ALL.iter().map(|l| html! {
                            <option value={l.code()} lang={l.bcp47()} selected={*l == lang}>{ l.name() }</option>
                        }) }
                    </select>
                </label>
            </div>
            <p class="tagline">{ lang.t("app-tagline") }</p>
        </header>
    }
}
