//! The catalogue's files, compiled in: each part of the page has one `.ftl` file per language
//! under `locales/`, and its keys start with the file's name (`photo-…` in `photo.ftl`).

/// One catalogue file in both languages.
pub struct File {
    pub name: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
}

macro_rules! files {
    ($($name:literal),* $(,)?) => {
        &[$(File {
            name: $name,
            en: include_str!(concat!("../../locales/en/", $name, ".ftl")),
            zh: include_str!(concat!("../../locales/zh/", $name, ".ftl")),
        }),*]
    };
}

/// Every file of the catalogue.
pub const FILES: &[File] = files!(
    "app",
    "network",
    "compare",
    "lenet",
    "photo",
    "errors",
    "concepts",
    "explainers",
    "zoo",
    "train",
    "onnx",
);
