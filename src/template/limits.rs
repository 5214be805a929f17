//! Bounds on a template bundle, found before anything renders: a bundle
//! is untrusted input, and handlebars recurses once per block and partial,
//! so a deep or cyclic one would overflow the stack and abort the process
//! (taking a whole batch with it).
//!
//! In: the bundle's `.hbs` sources. Out: `Ok`, or the first problem as a
//! diagnostic naming the file, line and limit:
//! - a partial named by an expression (`{{> (lookup …)}}`) is refused: its
//!   target cannot be known before rendering, so no cycle check could hold;
//! - partials (files and `{{#*inline}}` ones) that include each other in a
//!   cycle are refused, naming the cycle;
//! - the nesting depth, blocks (`{{#if}}`, `{{#each}}`, …) plus partials
//!   along the deepest chain, is at most [`MAX_TEMPLATE_DEPTH`].
//!
//! Every walk here is iterative, so a chain of 20,000 partials is measured
//! without recursion.

use crate::diag::{tr, Code, Diagnostic};
use std::collections::BTreeMap;

/// The deepest nesting of blocks and partials a bundle may have. The
/// built-in template needs 9; handlebars needs a few kilobytes of stack a
/// level.
pub const MAX_TEMPLATE_DEPTH: usize = 100;

/// One template or inline partial: its nesting depth and the partials it
/// includes, each with the depth at which it does.
#[derive(Debug, Default)]
struct Node {
    file: String,
    depth: usize,
    calls: Vec<(String, usize, usize)>,
}

/// Checks every template of a bundle: `(path, partial name, text)`.
pub fn check<'a>(
    templates: impl Iterator<Item = (&'a str, String, &'a str)>,
    origin: &str,
) -> Result<(), Diagnostic> {
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    for (path, name, text) in templates {
        scan(text, &name, path, origin, &mut nodes)?;
    }
    let order = topological(&nodes, origin)?;
    // Deepest chain from each node, callees first.
    let mut deepest: BTreeMap<&str, usize> = BTreeMap::new();
    for name in order.iter().rev() {
        let node = &nodes[*name];
        let mut d = node.depth;
        for (callee, at, _) in &node.calls {
            if let Some(&c) = deepest.get(callee.as_str()) {
                d = d.max(at + 1 + c);
            }
        }
        if d > MAX_TEMPLATE_DEPTH {
            return Err(Diagnostic::input(
                Code::Limit,
                tr(
                    format!(
                        "{origin}/{}：模板嵌套（块和局部模板）深达 {d} 层，上限 {MAX_TEMPLATE_DEPTH}",
                        node.file
                    ),
                    format!(
                        "{origin}/{}: blocks and partials nest {d} deep; the limit is {MAX_TEMPLATE_DEPTH}",
                        node.file
                    ),
                ),
            ));
        }
        deepest.insert(name, d);
    }
    Ok(())
}

/// Reads one source: its block depth, its inline partials (nodes of their
/// own) and every `{{> name}}` with the depth it is at.
fn scan(
    text: &str,
    name: &str,
    path: &str,
    origin: &str,
    nodes: &mut BTreeMap<String, Node>,
) -> Result<(), Diagnostic> {
    // The node each open block belongs to: the file, or an inline partial.
    let mut owners: Vec<String> = vec![name.to_string()];
    nodes.entry(name.to_string()).or_default().file = path.to_string();
    let mut depth = 0usize;
    for tag in super::tags::tags(text) {
        let tag_start = tag.start;
        // Comments may hold anything.
        let Some(inner) = tag.inner else { continue };
        let (line, column) = crate::text::line_col(text, tag_start);
        let at = |message: (String, String)| {
            Diagnostic::at_text(
                Code::Template,
                format!("{origin}/{path}"),
                line,
                column,
                tr(message.0, message.1),
            )
        };
        if let Some(p) = inner.strip_prefix("#>").or_else(|| inner.strip_prefix('>')) {
            let target = p.trim_start();
            if target.starts_with('(') || target.starts_with('[') {
                return Err(at((
                    "局部模板的名字必须直接写出，不能用表达式（如 {{> (lookup …)}}）".into(),
                    "a partial must be named as written, not by an expression ({{> (lookup …)}})"
                        .into(),
                )));
            }
            let callee: String = target
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '}' && *c != '~')
                .filter(|c| *c != '"' && *c != '\'')
                .collect();
            let owner = owners.last().cloned().unwrap_or_default();
            let line_depth = depth;
            nodes
                .entry(owner)
                .or_default()
                .calls
                .push((callee, line_depth, line));
            if inner.starts_with("#>") {
                depth += 1;
                owners.push(owners.last().cloned().unwrap_or_default());
            }
            continue;
        }
        if let Some(def) = inner.strip_prefix("#*inline") {
            let inline: String = def
                .trim()
                .trim_matches(|c| c == '"' || c == '\'' || c == '}')
                .chars()
                .take_while(|c| *c != '"' && *c != '\'')
                .collect();
            let entry = nodes.entry(inline.clone()).or_default();
            entry.file = path.to_string();
            depth += 1;
            owners.push(inline);
            continue;
        }
        if inner.starts_with('#') || (inner.starts_with('^') && inner.len() > 1) {
            depth += 1;
            let owner = owners.last().cloned().unwrap_or_default();
            owners.push(owner);
        } else if inner.starts_with('/') {
            depth = depth.saturating_sub(1);
            if owners.len() > 1 {
                owners.pop();
            }
            continue;
        } else {
            continue;
        }
        let owner = owners.last().cloned().unwrap_or_default();
        let node = nodes.entry(owner).or_default();
        node.depth = node.depth.max(depth);
        if depth > MAX_TEMPLATE_DEPTH {
            return Err(at((
                format!("块嵌套超过 {MAX_TEMPLATE_DEPTH} 层"),
                format!("blocks nest deeper than {MAX_TEMPLATE_DEPTH}"),
            )));
        }
    }
    Ok(())
}

/// The nodes in an order where every caller comes before its callees, or
/// the cycle that prevents one (iterative depth-first search).
fn topological<'n>(
    nodes: &'n BTreeMap<String, Node>,
    origin: &str,
) -> Result<Vec<&'n str>, Diagnostic> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark: BTreeMap<&str, Mark> = nodes.keys().map(|k| (k.as_str(), Mark::New)).collect();
    let mut post: Vec<&str> = Vec::new();
    for start in nodes.keys() {
        if mark[start.as_str()] != Mark::New {
            continue;
        }
        // (node, index of the next call to follow)
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        mark.insert(start.as_str(), Mark::Open);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let calls = &nodes[node].calls;
            if *next >= calls.len() {
                mark.insert(node, Mark::Done);
                post.push(node);
                stack.pop();
                continue;
            }
            let callee = calls[*next].0.as_str();
            *next += 1;
            match mark.get(callee).copied() {
                // A partial the bundle does not have: handlebars says so.
                None | Some(Mark::Done) => {}
                Some(Mark::Open) => {
                    let from = stack.iter().position(|(n, _)| *n == callee).unwrap_or(0);
                    let mut cycle: Vec<&str> = stack[from..].iter().map(|(n, _)| *n).collect();
                    cycle.push(callee);
                    return Err(Diagnostic::input(
                        Code::Template,
                        tr(
                            format!(
                                "{origin}：局部模板互相包含，成了循环：{}",
                                cycle.join(" → ")
                            ),
                            format!(
                                "{origin}: partials include each other in a cycle: {}",
                                cycle.join(" → ")
                            ),
                        ),
                    )
                    .with_hint(tr(
                        "局部模板不能直接或间接地包含自己",
                        "a partial must not include itself, directly or through others",
                    )));
                }
                Some(Mark::New) => {
                    mark.insert(callee, Mark::Open);
                    stack.push((callee, 0));
                }
            }
        }
    }
    post.reverse();
    Ok(post)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(files: &[(&str, &str)]) -> Result<(), Diagnostic> {
        let t: Vec<(&str, String, &str)> = files
            .iter()
            .map(|(p, t)| {
                let stem = p.rsplit('/').next().unwrap_or(p).trim_end_matches(".hbs");
                (*p, stem.to_string(), *t)
            })
            .collect();
        check(t.into_iter(), "b")
    }

    #[test]
    fn the_builtin_shapes_pass() {
        assert!(run(&[
            ("main.hbs", "{{#if a}}{{#each b}}{{> row}}{{/each}}{{/if}}"),
            (
                "partials/row.hbs",
                "{{#if x}}{{cell x}}{{else}}-{{/if}}{{!-- {{> nope --}}"
            ),
        ])
        .is_ok());
    }

    #[test]
    fn cycles_are_found_through_files_and_inline_partials() {
        let e =
            run(&[("main.hbs", "{{#*inline \"r\"}}{{> r}}{{/inline}}{{> r}}")]).expect_err("cycle");
        assert!(e.message.en.contains("r → r"), "{e}");
        let e = run(&[
            ("main.hbs", "{{> a}}"),
            ("partials/a.hbs", "{{> b}}"),
            ("partials/b.hbs", "{{#if x}}{{> a}}{{/if}}"),
        ])
        .expect_err("cycle");
        assert!(e.message.en.contains("a → b → a"), "{e}");
    }

    #[test]
    fn an_unclosed_tag_is_no_panic() {
        // Found by the `bundle` fuzz target: `{{8号` with no `}}`.
        assert!(run(&[("main.hbs", "{{8号")]).is_ok());
        assert!(run(&[("main.hbs", "{{#if x}}{{> p")]).is_ok());
    }

    #[test]
    fn dynamic_partial_names_are_refused() {
        let e =
            run(&[("partials/dyna.hbs", "{{> (join @root.title \"\")}}")]).expect_err("dynamic");
        assert!(e.message.en.contains("expression"), "{e}");
    }

    #[test]
    fn deep_nesting_and_long_chains_are_refused_without_recursion() {
        let deep = "{{#if true}}".repeat(20_000) + &"{{/if}}".repeat(20_000);
        let e = run(&[("main.hbs", &deep)]).expect_err("deep");
        assert_eq!(e.code, Code::Template);
        let mut files: Vec<(String, String)> = (0..20_000)
            .map(|i| {
                (
                    format!("partials/p{i}.hbs"),
                    format!("{{{{> p{}}}}}", i + 1),
                )
            })
            .collect();
        files.push(("partials/p20000.hbs".into(), "end".into()));
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let e = run(&refs).expect_err("long chain");
        assert_eq!(e.code, Code::Limit);
        assert!(e.message.en.contains("nest"), "{e}");
    }
}
