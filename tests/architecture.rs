//! The library's module graph has no cycle: data flows one way between the stages (the
//! folders under `src/`), and one way between the files of each stage.
//!
//! A module uses another where its code (tests aside) names a path into it: `crate::a::b`,
//! `use crate::{a, b::c}`, `super::x`. For every folder, the graph of its children (each
//! child standing for everything below it) must be acyclic; a module's use of its own
//! folder's `mod.rs` (a re-export) or the reverse does not count. The same check as
//! `cargo modules dependencies --acyclic`, without building the tool in CI.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Uses between the children of one folder: (from, to) and the modules that make it.
type Edges = BTreeMap<(String, String), BTreeSet<String>>;

/// The binary's own files: they use the library from outside, as `dossier::`.
const BINARY_FILES: [&str; 2] = ["main.rs", "cli.rs"];

#[test]
fn no_module_uses_one_that_uses_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .filter(|path| {
            path.parent() != Some(root.as_path())
                || !BINARY_FILES.iter().any(|name| path.ends_with(name))
        })
        .map(|path| {
            let code = std::fs::read_to_string(path).expect("a source file reads");
            (module_of(&root, path), without_tests_and_comments(&code))
        })
        .collect();
    assert!(modules.len() > 20, "found only {} modules", modules.len());

    // Edges between siblings, by their parent: (from, to) -> the modules that made it.
    let mut edges: BTreeMap<Vec<String>, Edges> = BTreeMap::new();
    for (module, code) in &modules {
        for path in referenced_paths(code, module) {
            let Some(target) = longest_module(&modules, &path) else {
                continue;
            };
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if common < module.len() && common < target.len() {
                edges
                    .entry(module[..common].to_vec())
                    .or_default()
                    .entry((module[common].clone(), target[common].clone()))
                    .or_default()
                    .insert(format!("{} -> {}", module.join("::"), target.join("::")));
            }
        }
    }
    assert!(
        edges.get(&Vec::new()).is_some_and(|top| top.len() > 10),
        "the check sees the stages' uses of each other"
    );

    let mut cycles = Vec::new();
    for (parent, siblings) in &edges {
        if let Some(cycle) = find_cycle(siblings) {
            let through: Vec<String> = cycle
                .windows(2)
                .flat_map(|pair| {
                    siblings[&(pair[0].clone(), pair[1].clone())]
                        .iter()
                        .cloned()
                })
                .collect();
            cycles.push(format!(
                "in crate::{}: {} (through {})",
                parent.join("::"),
                cycle.join(" -> "),
                through.join(", ")
            ));
        }
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_checker_reads_grouped_and_relative_paths() {
    let code = "use crate::{a::b, c::{d, e::f}};\nfn x() { super::g::h(); crate::i::j(); }";
    let paths = referenced_paths(code, &["k".to_string(), "l".to_string()]);
    let paths: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(paths, ["a::b", "c::d", "c::e::f", "k::g::h", "i::j"]);
    let cyclic = BTreeMap::from([
        (("a".to_string(), "b".to_string()), BTreeSet::new()),
        (("b".to_string(), "c".to_string()), BTreeSet::new()),
        (("c".to_string(), "a".to_string()), BTreeSet::new()),
    ]);
    assert_eq!(find_cycle(&cyclic).map(|c| c.len()), Some(4));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ lists") {
        let path = entry.expect("an entry of src/").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// `src/index/schema.rs` is `["index", "schema"]`; `src/index/mod.rs` is `["index"]`.
fn module_of(root: &Path, path: &Path) -> Vec<String> {
    let relative = path.strip_prefix(root).expect("under src/");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The code with line comments and the `#[cfg(test)]` module at its end left out.
fn without_tests_and_comments(code: &str) -> String {
    let code = code.split("#[cfg(test)]\nmod tests").next().unwrap_or(code);
    code.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path into the crate that `code`, in `module`, names: `crate::…` and `super::…`,
/// with `use` groups expanded.
fn referenced_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let starts_word = at == 0 || !is_ident_byte(bytes[at - 1]) && bytes[at - 1] != b':';
        if starts_word && bytes[at..].starts_with(b"crate::") {
            at += "crate::".len();
            at = read_tree(code, at, Vec::new(), &mut paths);
        } else if starts_word && bytes[at..].starts_with(b"super::") {
            let mut base = module.to_vec();
            while bytes[at..].starts_with(b"super::") {
                base.pop();
                at += "super::".len();
            }
            at = read_tree(code, at, base, &mut paths);
        } else {
            at += 1;
        }
    }
    paths
}

/// Reads `a::b`, `a::{b, c::d}` or `{…}` at `at`, pushing each full path onto `paths`;
/// returns where reading stopped.
fn read_tree(
    code: &str,
    mut at: usize,
    mut prefix: Vec<String>,
    paths: &mut Vec<Vec<String>>,
) -> usize {
    let bytes = code.as_bytes();
    loop {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if at < bytes.len() && bytes[at] == b'{' {
            at += 1;
            loop {
                at = read_tree(code, at, prefix.clone(), paths);
                while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b',') {
                    at += 1;
                }
                if at >= bytes.len() || bytes[at] == b'}' {
                    return at + 1;
                }
            }
        }
        let start = at;
        while at < bytes.len() && is_ident_byte(bytes[at]) {
            at += 1;
        }
        if start == at {
            if !prefix.is_empty() {
                paths.push(prefix);
            }
            return at;
        }
        let ident = &code[start..at];
        if ident != "self" {
            prefix.push(ident.to_string());
        }
        if bytes[at..].starts_with(b"::") {
            at += 2;
        } else {
            paths.push(prefix);
            return at;
        }
    }
}

fn is_ident_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The module a path names or names an item of: its longest prefix that is a module.
fn longest_module(modules: &BTreeMap<Vec<String>, String>, path: &[String]) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|len| path[..len].to_vec())
        .find(|prefix| modules.contains_key(prefix))
}

/// A cycle among the edges, as its nodes with the first repeated at the end.
fn find_cycle(edges: &Edges) -> Option<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from).or_default().push(to);
    }
    // Depth-first search with the path kept: 0 unseen, 1 on the path, 2 done.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    fn visit<'a>(
        node: &'a str,
        next: &BTreeMap<&'a str, Vec<&'a str>>,
        state: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        state.insert(node, 1);
        path.push(node);
        for &to in next.get(node).map(Vec::as_slice).unwrap_or(&[]) {
            match state.get(to).copied().unwrap_or(0) {
                1 => {
                    let from = path.iter().position(|&n| n == to).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        path[from..].iter().map(|n| n.to_string()).collect();
                    cycle.push(to.to_string());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(to, next, state, path) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(node, 2);
        None
    }
    let nodes: Vec<&str> = next.keys().copied().collect();
    for node in nodes {
        if state.get(node).copied().unwrap_or(0) == 0 {
            let mut path = Vec::new();
            if let Some(cycle) = visit(node, &next, &mut state, &mut path) {
                return Some(cycle);
            }
        }
    }
    None
}
