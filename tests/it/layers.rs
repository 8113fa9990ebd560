//! The house rules, read from the sources: data flows one way through the root package's layers
//! (model / config → poll / audit → app → ui → runtime → cli), the workspace crates depend only
//! downward (api ← task, api ← sim, all ← obtui), the task crate stays pure, and no two files
//! import each other, directly or round about (`use` lines and inline paths; `mod x;` is
//! containment, and `pub use` in lib.rs / main.rs / mod.rs is a module's face, not an import).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workspace root (this package's manifest directory).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The packages: (crate name as written in paths, source directory).
fn packages() -> Vec<(&'static str, PathBuf)> {
    let r = root();
    vec![
        ("obtui", r.join("src")),
        ("obtui_api", r.join("crates/api/src")),
        ("obtui_task", r.join("crates/task/src")),
        ("obtui_sim", r.join("crates/sim/src")),
    ]
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Code without comments and string literals (so a path in a doc comment or a message is not
/// taken for an import).
fn strip(code: &str) -> String {
    let b = code.as_bytes();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
        } else if b[i] == b'r' && matches!(b.get(i + 1), Some(b'"') | Some(b'#')) && {
            // a raw string r"…" or r#"…"#, not an identifier ending in r
            i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
        } {
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push('r');
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == b'"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&b'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' {
            // a char literal ('a', '\n', '"') or a lifetime ('a): skip only the literal
            let lit = if b.get(i + 1) == Some(&b'\\') {
                b[i + 2..]
                    .iter()
                    .position(|&c| c == b'\'')
                    .map(|p| i + 3 + p)
            } else if b.get(i + 2) == Some(&b'\'') {
                Some(i + 3)
            } else {
                None
            };
            match lit {
                Some(end) => {
                    out.push_str("' '");
                    i = end;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let ch = code[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// A module path (`["app", "wizard"]`) for a file under its package's `src`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod") | Some("lib") | Some("main")
    ) {
        parts.pop();
    }
    parts
}

/// The file of the deepest existing module along `path` (at least one component deep).
fn resolve(src: &Path, path: &[String]) -> Option<PathBuf> {
    for n in (1..=path.len()).rev() {
        let base = path[..n].iter().fold(src.to_path_buf(), |p, c| p.join(c));
        let file = base.with_extension("rs");
        if file.is_file() {
            return Some(file);
        }
        let m = base.join("mod.rs");
        if m.is_file() {
            return Some(m);
        }
    }
    None
}

/// `a::{b, c::{d, e}}` → `[[a, b], [a, c, d], [a, c, e]]`.
fn expand(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let close = tree.rfind('}').unwrap_or(tree.len());
        let body = &tree[open + 1..close];
        let (mut parts, mut depth, mut cur) = (Vec::new(), 0, String::new());
        for c in body.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if c == ',' && depth == 0 {
                parts.push(std::mem::take(&mut cur));
            } else {
                cur.push(c);
            }
        }
        parts.push(cur);
        let mut out = Vec::new();
        for p in parts.iter().filter(|p| !p.trim().is_empty()) {
            for tail in expand(p) {
                out.push(head.iter().cloned().chain(tail).collect());
            }
        }
        out
    } else {
        let path = tree.split(" as ").next().unwrap_or(tree);
        vec![path
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()]
    }
}

/// (start, end, name) of each `mod name { … }` written inside a file.
fn inline_mods(code: &str) -> Vec<(usize, usize, String)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = code[from..].find("mod ") {
        let start = from + p;
        from = start + 4;
        if start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_') {
            continue;
        }
        let rest = &code[start + 4..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = rest[name.len()..].trim_start();
        if name.is_empty() || !after.starts_with('{') {
            continue;
        }
        let open = start + 4 + name.len() + (rest.len() - name.len() - after.len());
        let mut depth = 0usize;
        let mut end = code.len();
        for (k, &c) in b.iter().enumerate().skip(open) {
            if c == b'{' {
                depth += 1;
            } else if c == b'}' {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    end = k;
                    break;
                }
            }
        }
        out.push((open, end, name));
    }
    out
}

/// One import: the package it names and the module path inside it.
struct Import {
    package: String,
    path: Vec<String>,
    text: String,
}

/// Every path a file imports or names inline that starts with `crate::`, `super::`, `self::`,
/// a workspace crate, or a child module the file declares.
fn imports(pkg: &str, module: &[String], is_face: bool, code: &str) -> Vec<Import> {
    let names: Vec<&str> = packages().iter().map(|(n, _)| *n).collect();
    let children: BTreeSet<String> = code
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
            l.strip_prefix("mod ")
                .and_then(|r| r.strip_suffix(';'))
                .map(|n| n.trim().to_string())
        })
        .collect();
    let mut paths: Vec<(usize, Vec<String>)> = Vec::new();
    let inline = inline_mods(code);
    // `use` declarations (a face's `pub use` is left out).
    let mut rest = code;
    while let Some(pos) = rest.find("use ") {
        let before = &rest[..pos];
        let word_start = before
            .chars()
            .last()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let after = &rest[pos + 4..];
        let Some(end) = after.find(';') else { break };
        let at = code.len() - rest.len() + pos;
        if word_start {
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let prefix = before[line_start..].trim();
            let public = prefix.starts_with("pub");
            if !(public && is_face) && (prefix.is_empty() || public) {
                paths.extend(expand(&after[..end]).into_iter().map(|p| (at, p)));
            }
        }
        rest = &after[end..];
    }
    // Inline paths: `crate::x::y`, `super::x`, `obtui_api::x` outside `use` lines too.
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let starts = (c.is_ascii_alphabetic() || c == b'_')
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'_'
                    || bytes[i - 1] == b':'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b':')
        {
            j += 1;
        }
        let word = &code[i..j];
        if word.contains("::") {
            let parts: Vec<String> = word
                .split("::")
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            let first = parts.first().map(String::as_str).unwrap_or("");
            if first == "crate" || first == "super" || names.contains(&first) {
                paths.push((i, parts));
            }
        }
        i = j;
    }
    let mut out = Vec::new();
    for (at, p) in paths {
        // Inside `mod tests { … }` the module is one deeper.
        let module: Vec<String> = module
            .iter()
            .cloned()
            .chain(
                inline
                    .iter()
                    .filter(|(a, b, _)| *a <= at && at <= *b)
                    .map(|(_, _, n)| n.clone()),
            )
            .collect();
        let module = module.as_slice();
        let text = p.join("::");
        let Some(first) = p.first().map(String::as_str) else {
            continue;
        };
        let (package, path) = match first {
            "crate" => (pkg.to_string(), p[1..].to_vec()),
            "self" => (
                pkg.to_string(),
                module
                    .iter()
                    .cloned()
                    .chain(p[1..].iter().cloned())
                    .collect(),
            ),
            "super" => {
                let mut m = module.to_vec();
                let mut k = 0;
                while p.get(k).map(String::as_str) == Some("super") {
                    m.pop();
                    k += 1;
                }
                (
                    pkg.to_string(),
                    m.into_iter().chain(p[k..].iter().cloned()).collect(),
                )
            }
            n if names.contains(&n) && n != pkg => (n.to_string(), p[1..].to_vec()),
            n if children.contains(n) => (
                pkg.to_string(),
                module.iter().cloned().chain(p.iter().cloned()).collect(),
            ),
            _ => continue,
        };
        out.push(Import {
            package,
            path,
            text,
        });
    }
    out
}

/// Every file of the workspace and the files it imports (with the import text).
fn graph() -> BTreeMap<PathBuf, Vec<(PathBuf, String)>> {
    let pkgs = packages();
    let mut g = BTreeMap::new();
    for (pkg, src) in &pkgs {
        let mut files = Vec::new();
        rust_files(src, &mut files);
        for f in files {
            let code = strip(&std::fs::read_to_string(&f).unwrap_or_default());
            let module = module_of(src, &f);
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let face = matches!(name, "lib.rs" | "main.rs" | "mod.rs");
            let mut edges = Vec::new();
            for imp in imports(pkg, &module, face, &code) {
                let Some((_, dst_src)) = pkgs.iter().find(|(n, _)| *n == imp.package) else {
                    continue;
                };
                if let Some(to) = resolve(dst_src, &imp.path) {
                    if to != f {
                        edges.push((to, imp.text));
                    }
                }
            }
            g.insert(f, edges);
        }
    }
    g
}

/// Strongly connected components with more than one file (Tarjan).
fn loops(g: &BTreeMap<PathBuf, Vec<(PathBuf, String)>>) -> Vec<Vec<PathBuf>> {
    struct T<'a> {
        g: &'a BTreeMap<PathBuf, Vec<(PathBuf, String)>>,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        on: BTreeSet<&'a PathBuf>,
        stack: Vec<&'a PathBuf>,
        next: usize,
        out: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a PathBuf) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        let g = t.g;
        for (w, _) in g.get(v).map(Vec::as_slice).unwrap_or(&[]) {
            let Some((w, _)) = g.get_key_value(w) else {
                continue;
            };
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(lw));
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.clone());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on: BTreeSet::new(),
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

#[test]
fn no_file_imports_itself_round_about() {
    let g = graph();
    assert!(g.len() > 80, "the sources were found ({} files)", g.len());
    let found = loops(&g);
    let mut report = String::new();
    for comp in &found {
        report.push_str(&format!("loop of {} files:\n", comp.len()));
        for f in comp {
            for (to, text) in &g[f] {
                if comp.contains(to) {
                    report.push_str(&format!("  {} -> {}: {text}\n", rel(f), rel(to)));
                }
            }
        }
    }
    assert!(found.is_empty(), "import loops:\n{report}");
}

/// The root package's layers, lowest first; a module may import its own layer's module and the
/// modules of lower layers only.
const LAYERS: &[&[&str]] = &[
    &["model", "config"],
    &["poll", "audit"],
    &["app"],
    &["ui"],
    &["runtime"],
    &["cli"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

#[test]
fn data_flows_one_way_through_the_layers() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut bad = Vec::new();
    for f in &files {
        let module = module_of(&src, f);
        let Some(top) = module.first() else { continue };
        let Some(mine) = layer(top) else {
            bad.push(format!("{}: module {top} is in no layer", rel(f)));
            continue;
        };
        let code = strip(&std::fs::read_to_string(f).unwrap_or_default());
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let face = matches!(name, "lib.rs" | "main.rs" | "mod.rs");
        for imp in imports("obtui", &module, face, &code) {
            if imp.package != "obtui" {
                continue;
            }
            let Some(to) = imp.path.first() else { continue };
            if to == top {
                continue;
            }
            match layer(to) {
                Some(theirs) if theirs < mine => {}
                _ => bad.push(format!("{} ({top}) imports {}", rel(f), imp.text)),
            }
        }
    }
    assert!(
        bad.is_empty(),
        "imports against the layers:\n{}",
        bad.join("\n")
    );
}

#[test]
fn workspace_crates_depend_only_downward() {
    // Which crates each crate's sources may name.
    let allowed: &[(&str, &[&str])] = &[
        ("obtui_api", &[]),
        ("obtui_task", &["obtui_api"]),
        ("obtui_sim", &["obtui_api"]),
        ("obtui", &["obtui_api", "obtui_task", "obtui_sim"]),
    ];
    let mut bad = Vec::new();
    for (pkg, src) in packages() {
        let ok = allowed
            .iter()
            .find(|(p, _)| *p == pkg)
            .map(|(_, a)| *a)
            .unwrap_or(&[]);
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for f in files {
            let code = strip(&std::fs::read_to_string(&f).unwrap_or_default());
            for (other, _) in packages() {
                if other == pkg || ok.contains(&other) {
                    continue;
                }
                if code.contains(&format!("{other}::")) {
                    bad.push(format!("{} names {other}", rel(&f)));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_task_crate_does_no_io_and_draws_nothing() {
    let manifest = std::fs::read_to_string(root().join("crates/task/Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|d| d.split("\n[").next())
        .unwrap_or("");
    for banned in ["tokio", "reqwest", "axum", "ratatui", "crossterm", "hyper"] {
        assert!(
            !deps.lines().any(|l| l.trim_start().starts_with(banned)),
            "obtui-task depends on {banned}:\n{deps}"
        );
    }
    let mut files = Vec::new();
    rust_files(&root().join("crates/task/src"), &mut files);
    for f in files {
        let code = strip(&std::fs::read_to_string(&f).unwrap());
        for io in [
            "std::fs",
            "TcpStream",
            "TcpListener",
            "std::process",
            "std::io::stdout",
        ] {
            assert!(!code.contains(io), "{} uses {io}", rel(&f));
        }
    }
}

#[test]
fn the_app_layer_does_no_io() {
    let mut files = Vec::new();
    rust_files(&root().join("src/app"), &mut files);
    for f in files {
        let code = strip(&std::fs::read_to_string(&f).unwrap());
        // Test modules may build fixtures however they like.
        let code = code.split("#[cfg(test)]").next().unwrap_or("");
        for io in [
            "std::fs",
            "TcpStream",
            "TcpListener",
            "UdpSocket",
            "std::process",
            "tokio::",
            "reqwest",
            "std::io::stdout",
            "println!",
            "eprintln!",
        ] {
            assert!(!code.contains(io), "{} uses {io}", rel(&f));
        }
    }
}

#[test]
fn the_parser_sees_what_a_reader_sees() {
    let code = strip(
        "use crate::a::{b, c::{d, e as f}}; // use crate::x;\n let s = \"crate::y::z\"; let c = '\"'; super::g::h();",
    );
    let imps = imports("obtui", &["m".into(), "n".into()], false, &code);
    let texts: Vec<String> = imps.iter().map(|i| i.path.join("::")).collect();
    assert!(texts.contains(&"a::b".to_string()), "{texts:?}");
    assert!(texts.contains(&"a::c::d".to_string()), "{texts:?}");
    assert!(texts.contains(&"a::c::e".to_string()), "{texts:?}");
    assert!(texts.contains(&"m::g::h".to_string()), "{texts:?}");
    assert!(
        !texts
            .iter()
            .any(|t| t.starts_with('x') || t.starts_with('y')),
        "{texts:?}"
    );
}
