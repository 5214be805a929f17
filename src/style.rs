//! The stylesheet of a template bundle (`style.toml`).
//!
//! In: the TOML text and the file's name. Out: a resolved [`Stylesheet`]:
//! the page, the faces of each font [`Role`] (a chain of family names for
//! PDF and a name for Word), and every named paragraph style with all
//! lengths in points; or a `style` diagnostic naming the file, line and
//! column. A style gives only what differs from `body`. A font name that
//! is no role (in `[fonts]` or a style's `font`) is refused here, so
//! layout never meets one. Positions are toml's own spans
//! ([`toml::Spanned`]) of the value at fault.

use crate::diag::{Code, Diagnostic};
use crate::doc::{Align, Page, PageNumber, ParaStyle, Role, StyleName, TextStyle};
use crate::units::{Length, Measure};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

/// A font role's faces: what the PDF typesetter tries, per character, in
/// order, and what a DOCX names.
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
    /// The faces of each font role.
    pub fonts: BTreeMap<Role, FontRole>,
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

/// A value and where it is written in the stylesheet's text (bytes), so
/// that a value that parses but means nothing is reported at its line and
/// column (toml's own spans; no second scan of the text).
type At<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSheet {
    page: At<RawPage>,
    page_number: Option<RawPageNumber>,
    fonts: BTreeMap<At<String>, FontRole>,
    styles: At<BTreeMap<At<String>, At<RawStyle>>>,
    table: RawTable,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPage {
    width: At<String>,
    height: At<String>,
    margin_top: At<String>,
    margin_left: At<String>,
    text_width: At<String>,
    text_height: At<String>,
    lines: u32,
    chars: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPageNumber {
    style: At<String>,
    format: String,
    below_text: At<String>,
    position: At<String>,
    inset: At<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawStyle {
    font: Option<At<String>>,
    size: Option<At<String>>,
    bold: Option<bool>,
    align: Option<At<String>>,
    indent: Option<At<String>>,
    line_pitch: Option<At<String>>,
    space_before: Option<At<String>>,
    space_after: Option<At<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTable {
    rule: At<String>,
    pad_x: At<String>,
    pad_y: At<String>,
    min_row_height: At<String>,
}

/// A problem with a value: where it is written (a byte range of the
/// text) and what is wrong.
type Bad = (Range<usize>, String);

/// Parses and resolves a stylesheet; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Stylesheet, Diagnostic> {
    let raw: RawSheet = toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((1, 1), |s| crate::text::line_col(text, s.start));
        let m = e.message().to_string();
        Diagnostic::at_text(
            Code::Style,
            file,
            line,
            column,
            crate::diag::tr(format!("style.toml 写法有误：{m}"), m),
        )
    })?;
    // A value that parses as TOML but means nothing is reported where it
    // is written, not at 1:1.
    let at = |(span, m): Bad| {
        let (line, column) = crate::text::line_col(text, span.start);
        let t = crate::diag::tr(format!("style.toml 的值有误：{m}"), m);
        Diagnostic::at_text(Code::Style, file, line, column, t)
    };
    resolve(raw).map_err(at)
}

/// The raw sheet, checked and resolved.
fn resolve(raw: RawSheet) -> Result<Stylesheet, Bad> {
    let mut fonts = BTreeMap::new();
    for (name, role) in raw.fonts {
        let r = Role::from_name(name.get_ref()).ok_or_else(|| {
            (
                name.span(),
                format!("fonts.{}: no such font role; {}", name.get_ref(), ROLES),
            )
        })?;
        fonts.insert(r, role);
    }
    let styles_at = raw.styles.span();
    let raw_styles = raw.styles.into_inner();
    let body = raw_styles
        .iter()
        .find(|(name, _)| name.get_ref() == StyleName::BODY.as_str())
        .map(|(_, s)| s.get_ref().clone())
        .ok_or_else(|| (styles_at, "styles.body is missing".to_string()))?;
    let mut styles = BTreeMap::new();
    // `body` first: every other style inherits its values, so a bad one
    // is reported as body's.
    let (first, rest): (Vec<_>, Vec<_>) = raw_styles
        .iter()
        .partition(|(name, _)| name.get_ref() == StyleName::BODY.as_str());
    for (name, s) in first.into_iter().chain(rest) {
        let style = resolve_style(name.get_ref(), s, &body, &fonts)?;
        styles.insert(name.get_ref().clone(), style);
    }
    let page_number = match &raw.page_number {
        None => None,
        Some(n) => {
            let style = styles.get(n.style.get_ref()).ok_or_else(|| {
                (
                    n.style.span(),
                    format!("page-number.style: no style `{}`", n.style.get_ref()),
                )
            })?;
            let inset = Measure::parse(n.inset.get_ref()).ok_or_else(|| {
                (
                    n.inset.span(),
                    format!("page-number.inset: `{}` is not a length", n.inset.get_ref()),
                )
            })?;
            let outside = match n.position.get_ref().as_str() {
                "outside" => true,
                "center" => false,
                other => {
                    return Err((
                        n.position.span(),
                        format!("page-number.position: `{other}`; expected outside or center"),
                    ))
                }
            };
            Some(PageNumber {
                text: style.text.clone(),
                format: n.format.clone(),
                below_text: length("page-number.below-text", &n.below_text)?,
                outside,
                inset: inset.resolve(style.text.size),
            })
        }
    };
    let p = raw.page.get_ref();
    let page = Page {
        width: length("page.width", &p.width)?,
        height: length("page.height", &p.height)?,
        margin_top: length("page.margin-top", &p.margin_top)?,
        margin_left: length("page.margin-left", &p.margin_left)?,
        text_width: length("page.text-width", &p.text_width)?,
        text_height: length("page.text-height", &p.text_height)?,
        lines: p.lines,
        chars: p.chars,
        page_number,
    };
    if page.margin_left + page.text_width > page.width
        || page.margin_top + page.text_height > page.height
    {
        return Err((
            raw.page.span(),
            "page: the text block does not fit on the paper".into(),
        ));
    }
    let t = &raw.table;
    let table = TableStyle {
        rule: length("table.rule", &t.rule)?,
        pad_x: length("table.pad-x", &t.pad_x)?,
        pad_y: length("table.pad-y", &t.pad_y)?,
        min_row_height: length("table.min-row-height", &t.min_row_height)?,
    };
    Ok(Stylesheet {
        page,
        fonts,
        styles,
        table,
    })
}

/// The roles a stylesheet may name, for messages.
const ROLES: &str = "expected fangsong, hei, kai, song or xiaobiaosong";

/// An absolute length (`16pt`, `37mm`, `三号`), or the problem at it.
fn length(key: &str, v: &At<String>) -> Result<Length, Bad> {
    Length::parse(v.get_ref()).ok_or_else(|| {
        (
            v.span(),
            format!(
                "{key}: `{}` is not a length (e.g. 16pt, 37mm, 三号)",
                v.get_ref()
            ),
        )
    })
}

/// A style with `body`'s values where it gives none.
fn resolve_style(
    name: &str,
    s: &At<RawStyle>,
    body: &RawStyle,
    fonts: &BTreeMap<Role, FontRole>,
) -> Result<ParaStyle, Bad> {
    let (table, s) = (s.span(), s.get_ref());
    let pick = |a: &Option<At<String>>, b: &Option<At<String>>, key: &str| {
        a.clone().or_else(|| b.clone()).ok_or_else(|| {
            (
                table.clone(),
                format!("styles.{name}: no {key}, and body gives none"),
            )
        })
    };
    let font = pick(&s.font, &body.font, "font")?;
    let role = Role::from_name(font.get_ref()).ok_or_else(|| {
        (
            font.span(),
            format!(
                "styles.{name}.font: `{}` is no font role; {ROLES}",
                font.get_ref()
            ),
        )
    })?;
    if !fonts.contains_key(&role) {
        return Err((
            font.span(),
            format!("styles.{name}.font: no font role `{role}` in [fonts]"),
        ));
    }
    let size_text = pick(&s.size, &body.size, "size")?;
    let size = Length::parse(size_text.get_ref()).ok_or_else(|| {
        (
            size_text.span(),
            format!(
                "styles.{name}.size: `{}` is not a size (e.g. 16pt, 三号)",
                size_text.get_ref()
            ),
        )
    })?;
    let measure =
        |a: &Option<At<String>>, b: &Option<At<String>>, key: &str| match a.as_ref().or(b.as_ref())
        {
            None => Ok(Length::ZERO),
            Some(v) => Measure::parse(v.get_ref())
                .map(|m| m.resolve(size))
                .ok_or_else(|| {
                    (
                        v.span(),
                        format!(
                            "styles.{name}.{key}: `{}` is not a length (e.g. 2em, 28.95pt)",
                            v.get_ref()
                        ),
                    )
                }),
        };
    let align_text = pick(&s.align, &body.align, "align")?;
    let align = match align_text.get_ref().as_str() {
        "left" => Align::Left,
        "center" => Align::Center,
        "right" => Align::Right,
        "justify" => Align::Justify,
        other => {
            return Err((
                align_text.span(),
                format!("styles.{name}.align: `{other}`; expected left, center, right or justify"),
            ))
        }
    };
    let line_pitch = measure(&s.line_pitch, &body.line_pitch, "line-pitch")?;
    Ok(ParaStyle {
        name: name.into(),
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
        let inset = BUILTIN.replacen("inset = \"1em\"", "inset = \"far\"", 1);
        assert_eq!(error_line(&inset), line_of(&inset, "\"far\""));
        let rule = BUILTIN.replacen("rule = \"0.5pt\"", "rule = \"thin\"", 1);
        assert_eq!(error_line(&rule), line_of(&rule, "\"thin\""));
    }

    #[test]
    fn an_unknown_font_role_is_a_style_error_where_it_is_named() {
        let d = BUILTIN.replacen("font = \"kai\"", "font = \"kaiti\"", 1);
        let e = parse(&d, "style.toml").expect_err("refused");
        assert_eq!(e.code, Code::Style);
        assert!(e.message.en.contains("`kaiti` is no font role"), "{e:?}");
        assert_eq!(error_line(&d), line_of(&d, "\"kaiti\""));
        // A role in `[fonts]` that nianbao has no use for.
        let f = BUILTIN.replacen("[fonts.kai]", "[fonts.kaiti]", 1);
        assert_eq!(error_line(&f), line_of(&f, "[fonts.kaiti]"));
        // A role the styles use but `[fonts]` does not give.
        let g = BUILTIN.replacen("[fonts.kai]", "[fonts.song2]", 1);
        assert!(parse(&g, "style.toml").is_err());
    }

    #[test]
    fn every_style_has_a_role_and_an_identity() {
        let sheet = parse(BUILTIN, "style.toml").expect("the built-in stylesheet");
        let body = sheet.style("body").expect("body");
        assert_eq!(body.name, crate::doc::StyleName::BODY);
        assert_eq!(body.text.role, Role::Fangsong);
        assert_eq!(
            sheet.style("title").map(|s| s.text.role),
            Some(Role::Xiaobiaosong)
        );
        assert_eq!(sheet.fonts.keys().copied().collect::<Vec<_>>(), Role::ALL);
    }

    #[test]
    fn a_sheet_without_body_or_a_text_block_too_large_is_refused_at_its_table() {
        let d = BUILTIN.replacen("[styles.body]", "[styles.plain]", 1);
        let e = parse(&d, "style.toml").expect_err("refused");
        assert!(e.message.en.contains("styles.body is missing"), "{e:?}");
        let p = BUILTIN.replacen("text-width = \"156mm\"", "text-width = \"200mm\"", 1);
        assert_eq!(error_line(&p), line_of(&p, "[page]"));
    }
}
