//! The catalogue's checks: both languages parse, hold the same keys with the same arguments, keys
//! carry their file's prefix, and every key the source names exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

use super::*;

/// The variables a pattern uses (`$n`), through selectors and variants.
fn variables(p: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let PatternElement::Placeable { expression } = el {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(e: &Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                variables(&v.value, out);
            }
        }
        Expression::Inline(i) => inline_vars(i, out),
    }
}

fn inline_vars(i: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        InlineExpression::Placeable { expression } => expression_vars(expression, out),
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
        }
        _ => {}
    }
}

/// key → the variables its value and attributes use, for one file in one language.
fn messages(source: &str, file: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = fluent_syntax::parser::parse(source)
        .unwrap_or_else(|(_, errs)| panic!("{file} does not parse: {errs:?}"));
    let mut out = BTreeMap::new();
    for entry in &resource.body {
        if let Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(v) = &m.value {
                variables(v, &mut vars);
            }
            for a in &m.attributes {
                variables(&a.value, &mut vars);
            }
            assert!(
                out.insert(m.id.name.to_string(), vars).is_none(),
                "{file}: {} twice",
                m.id.name
            );
        }
    }
    out
}

#[test]
fn both_bundles_build_without_errors() {
    for lang in Lang::ALL {
        let (_, errors) = build_bundle(lang);
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn every_key_exists_in_both_languages_with_the_same_arguments() {
    let mut problems = Vec::new();
    for file in FILES {
        let en = messages(file.en, &format!("locales/en/{}.ftl", file.name));
        let zh = messages(file.zh, &format!("locales/zh/{}.ftl", file.name));
        for (key, vars) in &en {
            if !key.starts_with(&format!("{}-", file.name)) {
                problems.push(format!(
                    "{}.ftl: {key} lacks the prefix {}-",
                    file.name, file.name
                ));
            }
            match zh.get(key) {
                None => problems.push(format!("{key} is in locales/en/{}.ftl only", file.name)),
                Some(z) if z != vars => {
                    problems.push(format!("{key}: English uses {vars:?}, Chinese {z:?}"))
                }
                _ => {}
            }
        }
        for key in zh.keys().filter(|k| !en.contains_key(*k)) {
            problems.push(format!("{key} is in locales/zh/{}.ftl only", file.name));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The `data-testid` names the end-to-end tests use (`getByTestId('compare-a')`,
/// `[data-testid=compare-a]`).
fn test_ids() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e");
    let mut ids = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        for (open, close) in [("getByTestId('", '\''), ("data-testid=", ']')] {
            for part in text.split(open).skip(1) {
                if let Some(end) = part.find(close) {
                    ids.insert(part[..end].to_string());
                }
            }
        }
    }
    ids
}

/// The string literals of the Rust source under `dir` that look like catalogue keys (a file's
/// prefix, then lower-case words joined by `-`), except names of elements: values of attributes
/// in `html!` (`data-testid="compare-view"`), literals equal to one of them, and the test ids the
/// end-to-end tests use.
fn keys_named_in(dir: &Path, prefixes: &[&str], out: &mut BTreeSet<(String, String)>) {
    let mut literals = Vec::new();
    let mut attributes = test_ids();
    // The command line's commands look like keys of `train.ftl`.
    attributes.insert("train-lenet".to_string());
    collect_literals(dir, &mut literals, &mut attributes);
    for (literal, file) in literals {
        let is_key = prefixes.iter().any(|p| {
            literal.len() > p.len() + 1
                && literal.starts_with(p)
                && literal.as_bytes()[p.len()] == b'-'
        }) && literal
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !literal.ends_with('-')
            && !attributes.contains(&literal);
        if is_key {
            out.insert((literal, file));
        }
    }
}

/// Every string literal under `dir` with its file, and the set of those written as an attribute's
/// value (right after `=`).
fn collect_literals(
    dir: &Path,
    literals: &mut Vec<(String, String)>,
    attributes: &mut BTreeSet<String>,
) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_literals(&path, literals, attributes);
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let parts: Vec<&str> = text.split('"').collect();
        for i in (1..parts.len()).step_by(2) {
            let literal = parts[i].to_string();
            if parts[i - 1].trim_end().ends_with('=') {
                attributes.insert(literal.clone());
            }
            literals.push((literal, path.display().to_string()));
        }
    }
}

#[test]
fn every_key_the_source_names_is_in_the_catalogue() {
    let prefixes: Vec<&str> = FILES.iter().map(|f| f.name).collect();
    let mut named = BTreeSet::new();
    keys_named_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &prefixes,
        &mut named,
    );
    assert!(
        named.iter().any(|(k, _)| k == "app-status-compute"),
        "the scan found no keys"
    );
    let mut known = BTreeSet::new();
    for file in FILES {
        known.extend(messages(file.en, file.name).into_keys());
    }
    let missing: Vec<_> = named.iter().filter(|(k, _)| !known.contains(k)).collect();
    assert!(
        missing.is_empty(),
        "keys missing from the catalogue: {missing:#?}"
    );
}

#[test]
fn a_message_formats_with_its_arguments_in_each_language() {
    assert_eq!(Lang::En.t("app-lang-label"), "Language");
    assert_eq!(Lang::Zh.t("app-lang-label"), "语言");
    let m = Msg::new("app-no-such-key-here");
    assert_eq!(m.text(Lang::Zh), "app-no-such-key-here");
}

#[test]
fn numbers_read_as_each_language_writes_them() {
    assert_eq!(Lang::En.compact(25_557_032), "25.6 M");
    assert_eq!(Lang::Zh.compact(25_557_032), "2556万");
    assert_eq!(Lang::En.compact(4_089_184_256), "4.09 G");
    assert_eq!(Lang::Zh.compact(4_089_184_256), "40.89亿");
    assert_eq!(Lang::Zh.compact(61_706), "6.2万");
    assert_eq!(Lang::Zh.compact(9_999), "9999");
    assert_eq!(Lang::Zh.compact(300_000_000), "3亿");
    assert_eq!(Lang::Zh.count(25_557_032), "25,557,032");
}

#[test]
fn codes_read_back() {
    for lang in Lang::ALL {
        assert_eq!(Lang::from_code(lang.code()), Some(lang));
    }
    assert_eq!(Lang::from_code("zh-CN"), Some(Lang::Zh));
    assert_eq!(Lang::from_code("zh-Hans-CN"), Some(Lang::Zh));
    assert_eq!(Lang::from_code("en-GB"), Some(Lang::En));
    assert_eq!(Lang::from_code("fr"), None);
    assert_eq!(Lang::from_code(""), None);
}

#[test]
fn a_message_shown_alone_starts_with_a_capital_unless_it_starts_with_a_name() {
    use super::sentence;
    let s = |t: &str| sentence(t.to_string());
    assert_eq!(
        s("the download of x was cancelled"),
        "The download of x was cancelled"
    );
    assert_eq!(s("unknown network 'vgg99'"), "Unknown network 'vgg99'");
    assert_eq!(
        s("squeezenet1_1.pth: the checkpoint is truncated"),
        "squeezenet1_1.pth: the checkpoint is truncated"
    );
    assert_eq!(s("https://x/y: HTTP 404"), "https://x/y: HTTP 404");
    assert_eq!(s("'fc.weight' is missing"), "'fc.weight' is missing");
    assert_eq!(
        s("timm/resnet50 was not kept"),
        "timm/resnet50 was not kept"
    );
    assert_eq!(s("权重文件是空的"), "权重文件是空的");
    assert_eq!(s(""), "");
    let m = super::Msg::new("errors-checkpoint-empty");
    assert_eq!(m.sentence(super::Lang::En), "The weights file is empty");
}
