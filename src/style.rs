//! The stylesheet of a template bundle (`style.toml`).
//!
//! In: the TOML text. Out: a resolved [`Stylesheet`]: the page, the font
//! roles (each a chain of family names for PDF and a name for Word), and
//! every named paragraph style with all lengths in points. A style gives
//! only what differs from `body`. Errors name the file, line and column.

use crate::diag::{Code, Diagnostic};
use crate::doc::{Align, Page, PageNumber, ParaStyle, TextStyle};
use crate::units::{Length, Measure};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A font role: what the PDF typesetter tries, per character, in order,
/// and what a DOCX names.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FontRole {
    /// Family or PostScript names tried in order for each character; the
    /// first that has the glyph draws it.
    pub pdf: Vec<String>,
    /// The East Asian font name written into DOCX runs (`w:eastAsia`).
    pub docx: String,
    /// The font for digits and Latin letters in DOCX (`w:ascii`).
    #[serde(default = "default_latin")]
    pub latin: String,
    /// The families a browser tries after `latin` and `docx`, ending in a
    /// generic one (`sans-serif` for 黑体; Kai faces, then `serif`, for
    /// 楷体) [default: the `pdf` names, then `serif`].
    #[serde(default)]
    pub html: Vec<String>,
}

fn default_latin() -> String {
    "Times New Roman".into()
}

/// A resolved stylesheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Stylesheet {
    /// Paper, text block, grid and page numbers.
    pub page: Page,
    /// Font roles by name.
    pub fonts: BTreeMap<String, FontRole>,
    /// Paragraph and span styles by name.
    pub styles: BTreeMap<String, ParaStyle>,
    /// Table rules and padding.
    pub table: TableStyle,
}

/// Rules and padding shared by the tables.
#[derive(Debug, Clone, PartialEq)]
pub struct TableStyle {
    /// Rule width.
    pub rule: Length,
    /// Padding left and right.
    pub pad_x: Length,
    /// Padding above and below.
    pub pad_y: Length,
    /// Minimum row height.
    pub min_row_height: Length,
}

impl Stylesheet {
    /// A named style, or `None`.
    pub fn style(&self, name: &str) -> Option<&ParaStyle> {
        self.styles.get(name)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSheet {
    page: RawPage,
    page_number: Option<RawPageNumber>,
    fonts: BTreeMap<String, FontRole>,
    styles: BTreeMap<String, RawStyle>,
    table: RawTable,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPage {
    width: String,
    height: String,
    margin_top: String,
    margin_left: String,
    text_width: String,
    text_height: String,
    lines: u32,
    chars: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPageNumber {
    style: String,
    format: String,
    below_text: String,
    position: String,
    inset: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawStyle {
    font: Option<String>,
    size: Option<String>,
    bold: Option<bool>,
    align: Option<String>,
    indent: Option<String>,
    line_pitch: Option<String>,
    space_before: Option<String>,
    space_after: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTable {
    rule: String,
    pad_x: String,
    pad_y: String,
    min_row_height: String,
}

/// Parses and resolves a stylesheet; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Stylesheet, Diagnostic> {
    let raw: RawSheet = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        let m = e.message().to_string();
        Diagnostic::at_text(
            Code::Style,
            file,
            line,
            column,
            crate::diag::tr(format!("style.toml 写法有误：{m}"), m),
        )
    })?;
    // A value that parses as TOML but means nothing is reported where
    // the key is written, not at 1:1.
    let err = |path: &str, m: String| {
        let (line, column) = key_position(text, path);
        let t = crate::diag::tr(format!("style.toml 的值有误：{m}"), m);
        Diagnostic::at_text(Code::Style, file, line, column, t)
    };
    let len = |key: &str, v: &str| {
        Length::parse(v).ok_or_else(|| {
            err(
                key,
                format!("{key}: `{v}` is not a length (e.g. 16pt, 37mm, 三号)"),
            )
        })
    };
    let body = raw
        .styles
        .get("body")
        .cloned()
        .ok_or_else(|| err("styles", "styles.body is missing".into()))?;
    let mut styles = BTreeMap::new();
    for (name, s) in &raw.styles {
        let style = resolve_style(name, s, &body, &raw.fonts).map_err(|(path, m)| err(&path, m))?;
        styles.insert(name.clone(), style);
    }
    let p = &raw.page;
    let page_number = match &raw.page_number {
        None => None,
        Some(n) => {
            let style = styles.get(&n.style).ok_or_else(|| {
                err(
                    "page-number.style",
                    format!("page-number.style: no style `{}`", n.style),
                )
            })?;
            let inset = Measure::parse(&n.inset).ok_or_else(|| {
                err(
                    "page-number.inset",
                    format!("page-number.inset: `{}` is not a length", n.inset),
                )
            })?;
            let outside = match n.position.as_str() {
                "outside" => true,
                "center" => false,
                other => {
                    return Err(err(
                        "page-number.position",
                        format!("page-number.position: `{other}`; expected outside or center"),
                    ))
                }
            };
            Some(PageNumber {
                text: style.text.clone(),
                format: n.format.clone(),
                below_text: len("page-number.below-text", &n.below_text)?,
                outside,
                inset: inset.resolve(style.text.size),
            })
        }
    };
    let page = Page {
        width: len("page.width", &p.width)?,
        height: len("page.height", &p.height)?,
        margin_top: len("page.margin-top", &p.margin_top)?,
        margin_left: len("page.margin-left", &p.margin_left)?,
        text_width: len("page.text-width", &p.text_width)?,
        text_height: len("page.text-height", &p.text_height)?,
        lines: p.lines,
        chars: p.chars,
        page_number,
    };
    if page.margin_left + page.text_width > page.width
        || page.margin_top + page.text_height > page.height
    {
        return Err(err(
            "page",
            "page: the text block does not fit on the paper".into(),
        ));
    }
    let t = &raw.table;
    let table = TableStyle {
        rule: len("table.rule", &t.rule)?,
        pad_x: len("table.pad-x", &t.pad_x)?,
        pad_y: len("table.pad-y", &t.pad_y)?,
        min_row_height: len("table.min-row-height", &t.min_row_height)?,
    };
    Ok(Stylesheet {
        page,
        fonts: raw.fonts,
        styles,
        table,
    })
}

/// A style with `body`'s values where it gives none.
fn resolve_style(
    name: &str,
    s: &RawStyle,
    body: &RawStyle,
    fonts: &BTreeMap<String, FontRole>,
) -> Result<ParaStyle, (String, String)> {
    let pick = |a: &Option<String>, b: &Option<String>, key: &str| {
        a.clone().or_else(|| b.clone()).ok_or_else(|| {
            (
                format!("styles.{name}"),
                format!("styles.{name}: no {key}, and body gives none"),
            )
        })
    };
    let role = pick(&s.font, &body.font, "font")?;
    if !fonts.contains_key(&role) {
        return Err((
            format!("styles.{name}.font"),
            format!("styles.{name}.font: no font role `{role}` in [fonts]"),
        ));
    }
    let size_text = pick(&s.size, &body.size, "size")?;
    let size = Length::parse(&size_text).ok_or_else(|| {
        (
            format!("styles.{name}.size"),
            format!("styles.{name}.size: `{size_text}` is not a size (e.g. 16pt, 三号)"),
        )
    })?;
    let measure =
        |a: &Option<String>, b: &Option<String>, key: &str| -> Result<Length, (String, String)> {
            match a.clone().or_else(|| b.clone()) {
                None => Ok(Length::ZERO),
                Some(v) => Measure::parse(&v).map(|m| m.resolve(size)).ok_or_else(|| {
                    (
                        format!("styles.{name}.{key}"),
                        format!("styles.{name}.{key}: `{v}` is not a length (e.g. 2em, 28.95pt)"),
                    )
                }),
            }
        };
    let align_text = pick(&s.align, &body.align, "align")?;
    let align = match align_text.as_str() {
        "left" => Align::Left,
        "center" => Align::Center,
        "right" => Align::Right,
        "justify" => Align::Justify,
        other => {
            return Err((
                format!("styles.{name}.align"),
                format!("styles.{name}.align: `{other}`; expected left, center, right or justify"),
            ))
        }
    };
    let line_pitch = measure(&s.line_pitch, &body.line_pitch, "line-pitch")?;
    Ok(ParaStyle {
        name: name.to_string(),
        text: TextStyle {
            role,
            size,
            bold: s.bold.or(body.bold).unwrap_or(false),
        },
        align,
        // Indent and spacing are not inherited: a heading keeps none unless
        // it asks.
        first_line_indent: measure(&s.indent, &None, "indent")?,
        line_pitch: if line_pitch > Length::ZERO {
            line_pitch
        } else {
            size * 1.5
        },
        space_before: measure(&s.space_before, &None, "space-before")?,
        space_after: measure(&s.space_after, &None, "space-after")?,
    })
}

/// Where `path` (`styles.heading.size`, `page.width`) is written in a
/// stylesheet's text: the line of its key within its table (`[styles.heading]`,
/// or `[styles]` with `heading.size =`), at the value; the table's header
/// when the key is not written (a value inherited from `body`); else 1:1.
fn key_position(text: &str, path: &str) -> (usize, usize) {
    let parts: Vec<&str> = path.split('.').collect();
    let lines: Vec<&str> = text.lines().collect();
    // The longest table header that is a prefix of the path.
    for split in (0..=parts.len()).rev() {
        let (table, key) = parts.split_at(split);
        let header = format!("[{}]", table.join("."));
        let start = if table.is_empty() {
            Some(0)
        } else {
            lines
                .iter()
                .position(|l| l.split('#').next().unwrap_or("").trim() == header)
        };
        let Some(start) = start else { continue };
        let dotted = key.join(".");
        if dotted.is_empty() {
            return (start + 1, 1);
        }
        for (i, l) in lines
            .iter()
            .enumerate()
            .skip(start + usize::from(!table.is_empty()))
        {
            let t = l.trim_start();
            if i > start && t.starts_with('[') {
                break;
            }
            if let Some(rest) = t.strip_prefix(&dotted) {
                if rest.trim_start().starts_with('=') {
                    let col = l.find('=').map_or(1, |b| l[..b].chars().count() + 2);
                    return (i + 1, col);
                }
            }
        }
        if !table.is_empty() {
            return (start + 1, 1);
        }
    }
    (1, 1)
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;

    const BUILTIN: &str = include_str!("../templates/annual-report/style.toml");

    fn error_line(text: &str) -> usize {
        match parse(text, "style.toml").expect_err("refused").location {
            Location::Text { line, .. } => line,
            other => panic!("{other:?}"),
        }
    }

    fn line_of(text: &str, needle: &str) -> usize {
        text.lines()
            .position(|l| l.contains(needle))
            .expect("needle")
            + 1
    }

    #[test]
    fn a_bad_value_is_reported_where_it_is_written() {
        assert!(parse(BUILTIN, "style.toml").is_ok());
        let bad = BUILTIN.replacen("size = \"二号\"", "size = \"huge\"", 1);
        assert_eq!(error_line(&bad), line_of(&bad, "\"huge\""));
        let page = BUILTIN.replacen("width = \"210mm\"", "width = \"wide\"", 1);
        if page != BUILTIN {
            assert_eq!(error_line(&page), line_of(&page, "\"wide\""));
        }
        let align = BUILTIN.replacen("align = \"center\"", "align = \"middle\"", 1);
        assert_eq!(error_line(&align), line_of(&align, "\"middle\""));
    }
}
