//! The page's components import each other without circles, and share their common types
//! through `src/web/ui/shared.rs` only. Reads the `use super::…` lines of every file of
//! `src/web/ui/` (the wasm-only code is not compiled natively, so this reads the source).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The sibling modules a file refers to: through `use super::…` or `use crate::web::ui::…`
/// (grouped or not), and through paths written inline (`super::x::Y`, `crate::web::ui::x::Y`).
fn imports(src: &str) -> BTreeSet<String> {
    let mut out = uses(src, "use super::");
    out.extend(uses(src, "use crate::web::ui::"));
    for prefix in ["super::", "crate::web::ui::"] {
        let mut rest = src;
        while let Some(i) = rest.find(prefix) {
            let tail = &rest[i + prefix.len()..];
            let name: String = tail
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let len = name.len();
            if tail[len..].starts_with("::") && len > 0 {
                out.insert(name);
            }
            rest = &tail[len..];
        }
    }
    out
}

/// The first path segments of `use <prefix>…;` statements.
fn uses(src: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = src;
    while let Some(i) = rest.find(prefix) {
        let tail = &rest[i + prefix.len()..];
        let end = tail.find(';').unwrap_or(tail.len());
        let stmt = &tail[..end];
        if let Some(group) = stmt.strip_prefix('{') {
            // `use super::{a::X, b::{Y, Z}, c};` — take each top-level path's first segment.
            let mut depth = 0;
            let mut start = 0;
            let bytes: Vec<char> = group.chars().collect();
            let mut items = Vec::new();
            for (j, &c) in bytes.iter().enumerate() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        items.push(bytes[start..j].iter().collect::<String>());
                        start = j + 1;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        items.push(bytes[start..j].iter().collect::<String>());
                        start = j + 1;
                    }
                    _ => {}
                }
            }
            for item in items {
                let first = item
                    .trim()
                    .split("::")
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                if !first.is_empty() {
                    out.insert(first);
                }
            }
        } else {
            let first = stmt.split("::").next().unwrap_or("").trim().to_string();
            out.insert(first);
        }
        rest = &tail[end..];
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/ui");
    let mut g = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("src/web/ui exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            let src = std::fs::read_to_string(&path).unwrap();
            g.insert(name, imports(&src));
        }
    }
    g
}

#[test]
fn the_import_parser_reads_grouped_single_and_inline_paths() {
    let src = "use super::shared::Described;\nuse super::{a::X, b::{Y, Z},\n    c};\n\
               use crate::web::ui::d::W;\nfn f() { let _ = super::e::V; crate::web::ui::g::h(); }\n";
    let got: Vec<String> = imports(src).into_iter().collect();
    assert_eq!(got, ["a", "b", "c", "d", "e", "g", "shared"]);
}

#[test]
fn the_shared_types_are_defined_in_shared_rs_only() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/ui");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let src = std::fs::read_to_string(&path).unwrap();
        for ty in [
            "struct Described",
            "struct WorkerContext",
            "enum WorkerState",
            "struct LayerData",
            "struct HoveredUnit",
            "struct PhotoRun",
            "struct PhotoContext",
        ] {
            let defined = src.contains(&format!("pub {ty}")) || src.contains(&format!("\n{ty}"));
            assert!(!defined || name == "shared", "{name}.rs defines {ty}");
        }
    }
}

#[test]
fn components_import_each_other_without_circles() {
    let g = graph();
    assert!(g.len() > 20, "found {} files", g.len());
    // Depth-first search for a back edge.
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(1) => {
                let i = path.iter().position(|p| p == n).unwrap();
                let mut cycle = path[i..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            Some(2) => return None,
            _ => {}
        }
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if g.contains_key(m) {
                if let Some(c) = visit(m, g, state, path) {
                    return Some(c);
                }
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if let Some(cycle) = visit(n, &g, &mut state, &mut Vec::new()) {
            panic!("import circle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_shared_types_module_imports_no_component() {
    let g = graph();
    let shared = &g["shared"];
    assert!(
        shared.iter().all(|m| !g.contains_key(m)),
        "shared.rs imports {shared:?}"
    );
    // Every component that needs the described network or the worker takes it from shared.rs.
    for (name, deps) in &g {
        for owner in ["main_view", "app"] {
            if deps.contains(owner) && name != "mod" && name != "app" {
                let src = std::fs::read_to_string(
                    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/web/ui/{name}.rs")),
                )
                .unwrap();
                assert!(
                    !src.contains(&format!("use super::{owner}::")),
                    "{name} imports from {owner}"
                );
            }
        }
    }
}
