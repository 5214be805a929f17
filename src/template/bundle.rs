//! Template bundles: a manifest, a stylesheet, an entry template and
//! partials, built into the binary or read from a directory.
//!
//! In: a bundle name or a directory. Out: a [`Bundle`] (its files as text)
//! that [`super::Template::compile`] turns into something that renders. A
//! built-in bundle can be written out (`templates export`) as a starting
//! point for a custom one.

use crate::diag::{tr, Code, Diagnostic};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The built-in bundles, their files compiled into the binary.
const BUILTIN: &[(&str, &[(&str, &str)])] = &[(
    "annual-report",
    &[
        (
            "template.toml",
            include_str!("../../templates/annual-report/template.toml"),
        ),
        (
            "style.toml",
            include_str!("../../templates/annual-report/style.toml"),
        ),
        (
            "main.hbs",
            include_str!("../../templates/annual-report/main.hbs"),
        ),
        (
            "partials/paragraphs.hbs",
            include_str!("../../templates/annual-report/partials/paragraphs.hbs"),
        ),
        (
            "partials/values.hbs",
            include_str!("../../templates/annual-report/partials/values.hbs"),
        ),
        (
            "partials/section2-2019.hbs",
            include_str!("../../templates/annual-report/partials/section2-2019.hbs"),
        ),
        (
            "partials/section2-2021.hbs",
            include_str!("../../templates/annual-report/partials/section2-2021.hbs"),
        ),
        (
            "partials/section3.hbs",
            include_str!("../../templates/annual-report/partials/section3.hbs"),
        ),
        (
            "partials/section3-head.hbs",
            include_str!("../../templates/annual-report/partials/section3-head.hbs"),
        ),
        (
            "partials/section3-results.hbs",
            include_str!("../../templates/annual-report/partials/section3-results.hbs"),
        ),
        (
            "partials/section3-rest.hbs",
            include_str!("../../templates/annual-report/partials/section3-rest.hbs"),
        ),
        (
            "partials/section4.hbs",
            include_str!("../../templates/annual-report/partials/section4.hbs"),
        ),
    ],
)];

/// The largest template file read from disk.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// What data a bundle expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataKind {
    /// The annual-report contract: checked, totals computed.
    AnnualReport,
    /// Any JSON, passed to the template as it is (validated by the
    /// bundle's JSON Schema when it names one).
    Any,
}

/// `template.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The bundle's name.
    pub name: String,
    #[serde(default)]
    /// One line for `templates list`.
    pub description: String,
    /// The data it expects.
    pub data: DataKind,
    /// The entry template's path.
    pub entry: String,
    /// A JSON Schema file in the bundle that `any` data must satisfy.
    #[serde(default)]
    pub schema: Option<String>,
}

/// A bundle's files, by path relative to the bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// `template.toml`.
    pub manifest: Manifest,
    /// Path (relative to the bundle) → text.
    pub files: BTreeMap<String, String>,
    /// Where it came from, for messages: `annual-report` or a directory.
    pub origin: String,
}

/// The names of the built-in bundles with their descriptions.
pub fn builtin_list() -> Vec<(String, String)> {
    BUILTIN
        .iter()
        .filter_map(|(name, _)| builtin(name).ok())
        .map(|b| (b.manifest.name.clone(), b.manifest.description.clone()))
        .collect()
}

/// A built-in bundle by name.
pub fn builtin(name: &str) -> Result<Bundle, Diagnostic> {
    let (_, files) = BUILTIN.iter().find(|(n, _)| *n == name).ok_or_else(|| {
        let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        Diagnostic::input(
            Code::Template,
            tr(
                format!("没有名为 `{name}` 的内置模板"),
                format!("no built-in template `{name}`"),
            ),
        )
        .with_hint(tr(
            format!("内置模板：{}", names.join("、")),
            format!("built-in templates: {}", names.join(", ")),
        ))
    })?;
    let files = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    Bundle::from_files(files, name)
}

impl Bundle {
    fn from_files(files: BTreeMap<String, String>, origin: &str) -> Result<Bundle, Diagnostic> {
        let file = format!("{origin}/template.toml");
        let text = files.get("template.toml").ok_or_else(|| {
            Diagnostic::input(
                Code::Template,
                tr(format!("{origin}：没有 template.toml"), format!("{origin}: no template.toml")),
            )
            .with_hint(tr(
                "模板目录里要有 template.toml、style.toml 和它的 .hbs 文件（可用 nianbao templates export 生成）",
                "a bundle is a directory with template.toml, style.toml and its .hbs files",
            ))
        })?;
        let manifest: Manifest = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |s| crate::text::line_col(text, s.start));
            let m = e.message().to_string();
            Diagnostic::at_text(
                Code::Template,
                &file,
                line,
                column,
                tr(format!("template.toml 写法有误：{m}"), m),
            )
        })?;
        for needed in [
            Some(&manifest.entry),
            Some(&"style.toml".to_string()),
            manifest.schema.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            if !files.contains_key(needed.as_str()) {
                return Err(Diagnostic::input(
                    Code::Template,
                    tr(
                        format!("{origin}：template.toml 写了 `{needed}`，但模板目录里没有它"),
                        format!(
                            "{origin}: template.toml names `{needed}`, which is not in the bundle"
                        ),
                    ),
                ));
            }
        }
        Ok(Bundle {
            manifest,
            files,
            origin: origin.to_string(),
        })
    }

    /// Reads a bundle from a directory: `template.toml`, `style.toml`, the
    /// `.hbs` files and a schema file, if any.
    pub fn from_dir(dir: &Path) -> Result<Bundle, Diagnostic> {
        let origin = dir.display().to_string();
        let mut files = BTreeMap::new();
        read_dir_into(dir, dir, &mut files, 0)?;
        Bundle::from_files(files, &origin)
    }

    /// Writes the bundle's files under `dir`, which must not exist yet or
    /// be empty, so that nothing of the user's is overwritten.
    pub fn export(&self, dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
        let io = |verb: (&str, &str), p: &Path, e: std::io::Error| {
            crate::diag::cannot(verb, &p.display().to_string(), &e)
        };
        if dir.exists() {
            let mut entries = std::fs::read_dir(dir).map_err(|e| io(("读取", "read"), dir, e))?;
            if entries.next().is_some() {
                return Err(Diagnostic::input(
                    Code::Output,
                    tr(
                        format!("{} 已存在且不是空的；请换一个新目录", dir.display()),
                        format!(
                            "{} exists and is not empty; choose a new directory",
                            dir.display()
                        ),
                    ),
                ));
            }
        }
        let mut written = Vec::new();
        for (rel, text) in &self.files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io(("建立", "create"), parent, e))?;
            }
            std::fs::write(&path, text).map_err(|e| io(("写入", "write"), &path, e))?;
            written.push(path);
        }
        Ok(written)
    }

    /// The `.hbs` templates: (path, partial name, text). A partial is named
    /// by its file stem (`partials/values.hbs` → `values`).
    pub fn templates(&self) -> impl Iterator<Item = (&str, String, &str)> {
        self.files
            .iter()
            .filter(|(p, _)| p.ends_with(".hbs"))
            .map(|(p, t)| {
                let stem = p
                    .rsplit('/')
                    .next()
                    .unwrap_or(p)
                    .trim_end_matches(".hbs")
                    .to_string();
                (p.as_str(), stem, t.as_str())
            })
    }
}

/// Reads the text files of a bundle directory (at most two levels deep).
/// A bundle is untrusted input (it comes from a colleague or a county IT
/// office): a symbolic link is refused (it could make the bundle read a
/// file outside itself into the document), as is anything that is not a
/// regular file or a directory (a FIFO would hang the read, `/dev/zero`
/// never ends), and a file is read to at most [`MAX_FILE_BYTES`] + 1
/// bytes whatever its size claims.
fn read_dir_into(
    root: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, String>,
    depth: usize,
) -> Result<(), Diagnostic> {
    let io = |p: &Path, e: std::io::Error| {
        crate::diag::cannot(("读取模板", "read template"), &p.display().to_string(), &e)
    };
    let entries = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        // The entry itself, not what a link points to.
        let meta = std::fs::symlink_metadata(&path).map_err(|e| io(&path, e))?;
        let kind = meta.file_type();
        if kind.is_symlink() {
            return Err(refused(&path, "是一个符号链接", "is a symbolic link"));
        }
        if kind.is_dir() {
            if depth < 2 {
                read_dir_into(root, &path, files, depth + 1)?;
            }
            continue;
        }
        let is_bundle_file = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("hbs" | "toml" | "json")
        );
        if !is_bundle_file {
            continue;
        }
        if !kind.is_file() {
            return Err(refused(&path, "不是普通文件", "is not a regular file"));
        }
        let text = read_capped(&path).map_err(|e| io(&path, e))??;
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.insert(rel, text);
    }
    Ok(())
}

/// A bundle file that may not be read, and why.
fn refused(path: &Path, zh: &str, en: &str) -> Diagnostic {
    let shown = path.display();
    Diagnostic::input(
        Code::Template,
        tr(
            format!("模板文件 {shown} {zh}，不予读取"),
            format!("template file {shown} {en}; it is not read"),
        ),
    )
    .with_hint(tr(
        "模板目录只能包含普通文件：把链接换成文件本身的副本",
        "a template bundle holds regular files only: replace the link with a copy of the file",
    ))
}

/// A file's text, read to at most [`MAX_FILE_BYTES`] + 1 bytes: a larger
/// one is a `limit` error with its size.
fn read_capped(path: &Path) -> std::io::Result<Result<String, Diagnostic>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let mib = MAX_FILE_BYTES >> 20;
        return Ok(Err(Diagnostic::input(
            Code::Limit,
            tr(
                format!("模板文件 {} 超过 {mib} MiB", path.display()),
                format!("template file {} is larger than {mib} MiB", path.display()),
            ),
        )));
    }
    Ok(String::from_utf8(bytes).map_err(|_| {
        Diagnostic::input(
            Code::Encoding,
            tr(
                format!("模板文件 {} 不是 UTF-8 编码", path.display()),
                format!("template file {} is not UTF-8", path.display()),
            ),
        )
    }))
}
