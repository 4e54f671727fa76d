//! The page's texts in English and 简体中文 through one message catalogue: Project Fluent's
//! `.ftl` files under `locales/<lang>/`, one file per part of the page, compiled into the binary.
//! Components and the worker name a message by its key (`lang.t("status-compute")`), never hold
//! the words; numbers are formatted here, in each language's way (`compact`: 25.6 M / 2556万).
//! `tests` checks that every key exists in both languages with the same arguments and that
//! every key the source names is in the catalogue.

mod catalogue;

use std::borrow::Cow;
use std::cell::RefCell;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

pub use catalogue::FILES;

/// A language of the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// An argument of a message: words (already formatted), a number (for plural rules), or
/// another message (a reason inside a note), shown in the same language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Arg {
    Str(String),
    Num(f64),
    Msg(Box<Msg>),
}

impl From<Msg> for Arg {
    fn from(m: Msg) -> Arg {
        Arg::Msg(Box::new(m))
    }
}
impl From<&Msg> for Arg {
    fn from(m: &Msg) -> Arg {
        Arg::Msg(Box::new(m.clone()))
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Str(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Str(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Str(s.clone())
    }
}
macro_rules! arg_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Num(n as f64)
            }
        }
    )*};
}
arg_from_number!(usize, u64, u32, i64, i32, f64, f32);

/// Groups digits by thousands: 25557032 → "25,557,032".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A message to be shown later in whatever language the page has then: the worker sends these,
/// so that an error already on the page follows a change of language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Msg {
    pub key: String,
    pub args: Vec<(String, Arg)>,
}

impl Msg {
    pub fn new(key: &str) -> Msg {
        Msg {
            key: key.to_string(),
            args: Vec::new(),
        }
    }

    /// The message with one more argument.
    pub fn arg(mut self, name: &str, value: impl Into<Arg>) -> Msg {
        self.args.push((name.to_string(), value.into()));
        self
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let args: Vec<(&str, Arg)> = self
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        lang.tf(&self.key, &args)
    }

    /// The message in English (the command line, logs, native tests).
    pub fn en(&self) -> String {
        self.text(Lang::En)
    }

    /// The message as a sentence of its own (an error box, a note): messages are written to be
    /// joined into others ("file.pth: the checkpoint is truncated"), so in lower case; shown
    /// alone the first word is capitalised, unless it is a name (a file, an address, a key).
    pub fn sentence(&self, lang: Lang) -> String {
        sentence(self.text(lang))
    }
}

/// `text` with its first word capitalised when that word is a plain lower-case word; a word with
/// digits, dots, slashes, quotes or other marks (a file name, a URL, a tensor's key) is kept.
pub fn sentence(text: String) -> String {
    let word = text.split(' ').next().unwrap_or("");
    let word = word.trim_end_matches([',', ':', ';']);
    let plain = !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c == '\'');
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if plain && first.is_ascii_lowercase() => {
            first.to_ascii_uppercase().to_string() + chars.as_str()
        }
        _ => text,
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en())
    }
}

thread_local! {
    /// One bundle per language, built on first use.
    static BUNDLES: RefCell<Option<[FluentBundle<FluentResource>; 2]>> = const { RefCell::new(None) };
}

/// Builds the bundle of `lang` from every catalogue file; the errors say which file and key.
pub fn build_bundle(lang: Lang) -> (FluentBundle<FluentResource>, Vec<String>) {
    let id: unic_langid::LanguageIdentifier = lang.bcp47().parse().expect("language identifier");
    let mut bundle = FluentBundle::new(vec![id]);
    // Unicode isolation marks around arguments would reach the page's text (and its tests).
    bundle.set_use_isolating(false);
    let mut errors = Vec::new();
    for file in FILES {
        let source = match lang {
            Lang::En => file.en,
            Lang::Zh => file.zh,
        };
        let resource = match FluentResource::try_new(source.to_string()) {
            Ok(r) => r,
            Err((r, errs)) => {
                errors.push(format!(
                    "locales/{}/{}.ftl: {errs:?}",
                    lang.code(),
                    file.name
                ));
                r
            }
        };
        if let Err(errs) = bundle.add_resource(resource) {
            errors.push(format!(
                "locales/{}/{}.ftl: {errs:?}",
                lang.code(),
                file.name
            ));
        }
    }
    (bundle, errors)
}

fn with_bundle<T>(lang: Lang, f: impl FnOnce(&FluentBundle<FluentResource>) -> T) -> T {
    BUNDLES.with(|cell| {
        let mut cell = cell.borrow_mut();
        let bundles =
            cell.get_or_insert_with(|| [build_bundle(Lang::En).0, build_bundle(Lang::Zh).0]);
        f(&bundles[lang as usize])
    })
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The code in the address, the toggle and the browser's storage: `en`, `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The BCP 47 tag for `<html lang>` and the plural rules.
    pub fn bcp47(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language's own name, as the toggle shows it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// Reads a code (`zh`, `zh-CN`, `zh-Hans`, `en-GB` …); None for a language the page lacks.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The message `key` without arguments.
    pub fn t(self, key: &str) -> String {
        self.tf(key, &[])
    }

    /// The message `key` with its arguments. A key the catalogue lacks shows as itself (the
    /// catalogue's tests make sure none does).
    pub fn tf(self, key: &str, args: &[(&str, Arg)]) -> String {
        // Messages inside arguments are put in words first (the bundle is not re-entrant).
        let args: Vec<(&str, Arg)> = args
            .iter()
            .map(|(name, value)| match value {
                Arg::Msg(m) => (*name, Arg::Str(m.text(self))),
                other => (*name, other.clone()),
            })
            .collect();
        with_bundle(self, |bundle| {
            let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                return key.to_string();
            };
            let mut fargs = FluentArgs::new();
            for (name, value) in args {
                match value {
                    Arg::Str(s) => fargs.set(name, FluentValue::String(Cow::Owned(s))),
                    Arg::Num(n) => fargs.set(name, FluentValue::from(n)),
                    Arg::Msg(_) => unreachable!("put in words above"),
                }
            }
            let mut errors = Vec::new();
            bundle
                .format_pattern(pattern, Some(&fargs), &mut errors)
                .into_owned()
        })
    }

    /// An exact count with its digits grouped by thousands (both languages write 25,557,032).
    pub fn count(self, n: u64) -> String {
        thousands(n)
    }

    /// A count read at a glance: English in thousands, millions, billions (25.6 M, 4.09 G), Chinese
    /// in 万 and 亿 as the course notes write it (2556万, 40.9亿).
    pub fn compact(self, n: u64) -> String {
        let v = n as f64;
        match self {
            Lang::En => {
                if v >= 1e9 {
                    format!("{:.2} G", v / 1e9)
                } else if v >= 1e6 {
                    format!("{:.1} M", v / 1e6)
                } else if v >= 1e3 {
                    format!("{:.1} k", v / 1e3)
                } else {
                    n.to_string()
                }
            }
            Lang::Zh => {
                if v >= 1e8 {
                    format!("{}亿", trim_zeros(format!("{:.2}", v / 1e8)))
                } else if v >= 1e4 {
                    let w = v / 1e4;
                    if w >= 100.0 {
                        format!("{}万", w.round())
                    } else {
                        format!("{}万", trim_zeros(format!("{w:.1}")))
                    }
                } else {
                    n.to_string()
                }
            }
        }
    }
}

/// "40.90" → "40.9", "12.00" → "12".
fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests;
