//! The page's components live in tiers — `app.rs` above `pages/`, above `labs/`, above
//! `panels/`, above `widgets/` — and a component imports only from tiers below its own, and the
//! shared modules (`shared.rs`, `format.rs`, `overlay.rs`, `hooks/`), which import no component.
//! Only `hooks/worker.rs` forks a bridge to the worker, and no component names the engine or the
//! worker's internals. Reads the sources of `src/web/ui/` (the wasm-only code is not compiled
//! natively).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a file of `src/web/ui/` sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Widgets = 0,
    Panels = 1,
    Labs = 2,
    Pages = 3,
    App = 4,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A component (or a part of one, in its own folder) of a tier.
    Component(Tier),
    /// Types, formatters, drawing helpers and hooks every tier shares.
    Shared,
    /// A `mod.rs` that only declares modules.
    Index,
}

fn tier_of(folder: &str) -> Option<Tier> {
    Some(match folder {
        "widgets" => Tier::Widgets,
        "panels" => Tier::Panels,
        "labs" => Tier::Labs,
        "pages" => Tier::Pages,
        _ => return None,
    })
}

/// The kind of the file at `rel` (a path relative to `src/web/ui`, `/`-separated).
fn kind(rel: &str) -> Kind {
    let parts: Vec<&str> = rel.split('/').collect();
    match parts.as_slice() {
        ["app.rs"] => Kind::Component(Tier::App),
        ["mod.rs"] | [_, "mod.rs"] => Kind::Index,
        ["shared.rs"] | ["format.rs"] | ["overlay.rs"] | ["hooks", ..] => Kind::Shared,
        [folder, ..] => match tier_of(folder) {
            Some(t) => Kind::Component(t),
            None => panic!("src/web/ui/{rel} is in no tier: put it in one (or in hooks/)"),
        },
        [] => unreachable!(),
    }
}

/// What one import refers to.
#[derive(Debug, PartialEq)]
enum Target {
    /// A module of `src/web/ui`: its first segment (`panels`, `shared`, `hooks`, …) and the
    /// one after it (`layer_table`), if any.
    Ui(String, Option<String>),
    /// A sibling in the importing file's own folder (`super::x` from `panels/y.rs`).
    Sibling(String),
    /// The importing file's own parent component (`super::X` from `labs/photo_lab/replies.rs`).
    Parent,
}

fn segment(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The UI modules `src` refers to: `crate::web::ui::a::b` paths (inline or in `use`, grouped
/// or not) and `super::` paths, resolved from the file at `rel`.
fn targets(rel: &str, src: &str) -> Vec<Target> {
    let mut out = Vec::new();
    // Grouped `use crate::web::ui::{a::X, b::{Y}}` and `use super::{…}`: expand the group.
    let mut text = String::new();
    let mut rest = src;
    while let Some(i) = rest.find("::{") {
        let head_start = rest[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |p| p + 1);
        let head = &rest[head_start..i];
        text.push_str(&rest[..head_start]);
        let body_start = i + 3;
        let mut depth = 1;
        let mut end = body_start;
        for (j, c) in rest[body_start..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = body_start + j;
                        break;
                    }
                }
                _ => {}
            }
        }
        // Top-level items of the group, each as a full path.
        let body = &rest[body_start..end];
        let mut depth = 0;
        let mut start = 0;
        let mut items = Vec::new();
        for (j, c) in body.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&body[start..j]);
                    start = j + 1;
                }
                _ => {}
            }
        }
        items.push(&body[start..]);
        for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
            text.push_str(&format!(" {head}::{item} "));
        }
        rest = &rest[(end + 1).min(rest.len())..];
    }
    text.push_str(rest);

    let in_folder = rel.matches('/').count(); // 0: ui/x.rs; 1: ui/t/x.rs; 2: ui/t/c/x.rs
    let mut rest = text.as_str();
    while let Some(i) = rest.find("crate::web::ui::") {
        let tail = &rest[i + "crate::web::ui::".len()..];
        let first = segment(tail);
        let after = &tail[first.len()..];
        let second = after
            .strip_prefix("::")
            .map(segment)
            .filter(|s| !s.is_empty());
        out.push(Target::Ui(first.clone(), second));
        rest = &tail[first.len()..];
    }
    let mut rest = text.as_str();
    while let Some(i) = rest.find("super::") {
        let before = &rest[..i];
        let tail = &rest[i + "super::".len()..];
        rest = tail;
        if before.ends_with("super::") {
            continue; // the second `super` of `super::super::` is read with the first
        }
        let mut ups = 1;
        let mut t = tail;
        while let Some(x) = t.strip_prefix("super::") {
            ups += 1;
            t = x;
        }
        let name = segment(t);
        match (in_folder, ups) {
            // ui/x.rs: `super::name` is a UI module.
            (0, 1) => out.push(Target::Ui(name, None)),
            // ui/t/x.rs: a sibling in the tier's folder; `super::super::name` a UI module.
            (1, 1) => out.push(Target::Sibling(name)),
            (1, 2) => out.push(Target::Ui(name, None)),
            // ui/t/c/x.rs (a component split into a folder): `super` is the component itself.
            (2, 1) => out.push(Target::Parent),
            (2, 2) => out.push(Target::Sibling(name)),
            (2, 3) => out.push(Target::Ui(name, None)),
            _ => panic!("src/web/ui/{rel}: cannot read `super::` {ups} levels up"),
        }
    }
    out
}

/// Every `.rs` file under `src/web/ui`, by its path relative to it.
fn sources() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("src/web/ui exists") {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/ui");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// What is wrong with the imports of the file at `rel`: one line per violation.
fn violations(rel: &str, src: &str) -> Vec<String> {
    let me = kind(rel);
    let mut out = Vec::new();
    for target in targets(rel, src) {
        let wrong = match (&me, &target) {
            (Kind::Index, _) => None,
            (_, Target::Parent) => None,
            (Kind::Component(_), Target::Sibling(name)) => {
                Some(format!("imports `{name}` from its own tier"))
            }
            (Kind::Shared, Target::Sibling(_)) => None, // hooks/x.rs → hooks/y.rs
            (_, Target::Ui(first, second)) => match (tier_of(first), first.as_str()) {
                (Some(t), _) => match me {
                    Kind::Shared => Some(format!(
                        "a shared module imports the component {first}::{}",
                        second.as_deref().unwrap_or("")
                    )),
                    Kind::Component(mine) if t >= mine => Some(format!(
                        "a {mine:?} component imports {first}::{} (tiers go down only)",
                        second.as_deref().unwrap_or("")
                    )),
                    _ => None,
                },
                (None, "app") => Some("imports the app".to_string()),
                (None, _) => None, // shared, format, overlay, hooks
            },
        };
        if let Some(w) = wrong {
            out.push(format!("src/web/ui/{rel}: {w}"));
        }
    }
    out
}

#[test]
fn the_import_reader_finds_grouped_inline_and_relative_paths() {
    let src =
        "use crate::web::ui::widgets::a::X;\nuse crate::web::ui::{panels::b::Y, shared::{Z, W}};\n\
               fn f() { crate::web::ui::format::mb(1); let _ = super::c::V; }\n";
    assert_eq!(
        targets("labs/x.rs", src),
        [
            Target::Ui("widgets".into(), Some("a".into())),
            Target::Ui("panels".into(), Some("b".into())),
            Target::Ui("shared".into(), None),
            Target::Ui("format".into(), Some("mb".into())),
            Target::Sibling("c".into()),
        ]
    );
    assert_eq!(
        targets(
            "labs/photo_lab/replies.rs",
            "use super::{PhotoLab, Source};"
        ),
        [Target::Parent, Target::Parent]
    );
}

#[test]
fn the_check_fails_on_an_import_across_or_up_the_tiers() {
    // A panel importing another panel, a widget importing a panel, a shared module importing a
    // widget, a lab importing a page: each is reported.
    let cases = [
        (
            "panels/a.rs",
            "use crate::web::ui::panels::b::B;",
            "tiers go down only",
        ),
        ("panels/a.rs", "use super::b::B;", "from its own tier"),
        (
            "widgets/a.rs",
            "use crate::web::ui::panels::b::B;",
            "tiers go down only",
        ),
        (
            "hooks/a.rs",
            "use crate::web::ui::widgets::b::B;",
            "a shared module imports",
        ),
        (
            "labs/a.rs",
            "use crate::web::ui::pages::b::B;",
            "tiers go down only",
        ),
        (
            "pages/a.rs",
            "use crate::web::ui::app::App;",
            "imports the app",
        ),
    ];
    for (rel, src, says) in cases {
        let v = violations(rel, src);
        assert!(
            v.len() == 1 && v[0].contains(says),
            "{rel} with `{src}` gave {v:?}"
        );
    }
    // The same imports going down are fine.
    assert!(violations("pages/a.rs", "use crate::web::ui::labs::b::B;").is_empty());
    assert!(violations("labs/a.rs", "use crate::web::ui::panels::b::B;").is_empty());
    assert!(violations("panels/a.rs", "use crate::web::ui::widgets::b::B;").is_empty());
    assert!(violations("widgets/a.rs", "use crate::web::ui::shared::S;").is_empty());
}

#[test]
fn components_import_only_from_tiers_below_their_own() {
    let files = sources();
    assert!(files.len() > 40, "found {} files", files.len());
    for tier in ["pages", "labs", "panels", "widgets", "hooks"] {
        assert!(
            files.keys().any(|f| f.starts_with(&format!("{tier}/"))),
            "no file in src/web/ui/{tier}/"
        );
    }
    let all: Vec<String> = files
        .iter()
        .flat_map(|(rel, src)| violations(rel, src))
        .collect();
    assert!(all.is_empty(), "{}", all.join("\n"));
}

#[test]
fn one_hook_owns_the_bridge_and_no_component_names_engine_internals() {
    for (rel, src) in sources() {
        if rel != "hooks/worker.rs" {
            assert!(
                !src.contains(".fork("),
                "src/web/ui/{rel} forks its own bridge"
            );
        }
        for internal in [
            "crate::engine::",
            "web::worker::",
            "PackedEngine",
            "GpuEngine",
        ] {
            assert!(
                !src.contains(internal),
                "src/web/ui/{rel} names `{internal}`"
            );
        }
    }
}

#[test]
fn the_shared_types_are_defined_in_shared_rs_only() {
    for (rel, src) in sources() {
        for ty in [
            "struct Described",
            "struct WorkerContext",
            "enum WorkerState",
            "struct LayerData",
            "struct HoveredUnit",
            "struct PhotoRun",
            "struct PhotoContext",
            "struct LibraryContext",
        ] {
            let defined = src.contains(&format!("pub {ty}")) || src.contains(&format!("\n{ty}"));
            assert!(
                defined == (rel == "shared.rs"),
                "{rel}: defines {ty}: {defined}"
            );
        }
    }
}
