//! The DOCX writer: document tree → an editable Word document (docx-rs).
//!
//! In: a [`Document`] and the stylesheet's font roles. Out: the DOCX bytes.
//! Word paginates itself, so this reads the tree, not the laid-out pages:
//! paragraphs keep Word's built-in style ids (Title, Heading1, Normal) with
//! outline levels for the navigation pane, and carry the stylesheet's exact
//! fonts (`w:eastAsia` the office name, Latin in Times New Roman), sizes,
//! exact line spacing and two-character first-line indents; the page is A4
//! with the PDF's margins and a 22 × 28 document grid; tables are real
//! Word tables (`gridSpan`, `vMerge`, repeated header rows, rows that do not
//! split). `package` finishes the parts docx-rs cannot express and packs
//! them deterministically.

mod order;
mod package;
mod table;

use crate::diag::{Code, Diagnostic};
use crate::doc::*;
use crate::style::FontRole;
use crate::units::Length;
use docx_rs::{
    AlignmentType, DocGrid, DocGridType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin,
    PageNum, Paragraph, Run, RunFonts, SpecialIndentType, Style, StyleType,
};
use std::collections::BTreeMap;

/// Options that change the bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocxOptions {
    /// Creation time, seconds since 1970 (`SOURCE_DATE_EPOCH`); `None`
    /// writes 1970-01-01, a fixed value.
    pub created: Option<i64>,
}

fn tw(l: Length) -> i32 {
    l.to_twips().round() as i32
}

fn utw(l: Length) -> u32 {
    tw(l).max(0) as u32
}

/// Half-points, Word's unit for type sizes.
fn half_points(l: Length) -> usize {
    (l.to_pt() * 2.0).round().max(1.0) as usize
}

struct Writer<'a> {
    fonts: &'a BTreeMap<String, FontRole>,
    /// The grid's character pitch (156 mm / 28), which body-sized text
    /// keeps to.
    grid_pitch: Length,
}

/// Writes the document as DOCX.
pub fn write(
    doc: &Document,
    fonts: &BTreeMap<String, FontRole>,
    opts: DocxOptions,
) -> Result<Vec<u8>, Diagnostic> {
    let page = &doc.page;
    let w = Writer {
        fonts,
        grid_pitch: page.text_width / f64::from(page.chars.max(1)),
    };
    let mut docx = Docx::new()
        .page_size(utw(page.width), utw(page.height))
        .page_margin(margins(page))
        .default_size(half_points(body_size(doc)))
        .default_fonts(w.run_fonts("fangsong"));
    docx.document.section_property = docx
        .document
        .section_property
        .clone()
        .doc_grid(grid(page, body_size(doc)));
    for style in built_in_styles(doc) {
        docx = docx.add_style(w.style(&style.0, &style.1, style.2));
    }
    if let Some(pn) = &page.page_number {
        let (odd, even) = w.footers(pn);
        docx = docx.footer(odd).even_footer(even);
    }
    let mut tables = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Title { lines, style } => {
                // One paragraph, its lines joined by line breaks: the
                // title's space after comes once, below the last line, and
                // the lines sit at the title's own pitch as in the PDF.
                let mut spans: Vec<Span> = Vec::new();
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        if let Some(last) = spans.last_mut() {
                            last.text.push('\n');
                        }
                    }
                    spans.extend(break_long_title(line, style, page));
                }
                docx = docx.add_paragraph(w.paragraph(&spans, style, Some("Title")));
            }
            Block::Heading {
                spans,
                style,
                outline,
                level,
            } => {
                let id = if *outline {
                    Some(heading_id(*level))
                } else {
                    None
                };
                // Kept with what follows, as the PDF keeps it: never alone
                // at the foot of a page.
                docx = docx.add_paragraph(w.paragraph(spans, style, id).keep_next(true));
            }
            Block::Paragraph { spans, style } => {
                // No single line alone at the top or foot of a page.
                let p = w
                    .paragraph(spans, style, Some("Normal"))
                    .widow_control(true);
                docx = docx.add_paragraph(p);
            }
            Block::Signature { unit, date, style } => {
                for p in w.signature(unit, date, style, page) {
                    docx = docx.add_paragraph(p);
                }
            }
            Block::PageBreak => docx = docx.add_paragraph(Paragraph::new().page_break_before(true)),
            Block::Table(t) => {
                tables.push(t.header_rows);
                docx = docx.add_table(w.table(t));
            }
        }
    }
    let parts = docx.build();
    package::pack(parts, &doc.meta, &tables, opts)
        .map_err(|e| Diagnostic::input(Code::Output, format!("cannot write the DOCX: {e}")))
}

/// A title line too long for one line breaks at its `<wbr/>` hint (after
/// the unit's name), as the PDF does; Word would otherwise break it at the
/// last character that fits (GB/T 9704 7.3.1 wants words kept whole).
fn break_long_title(line: &[Span], style: &ParaStyle, page: &Page) -> Vec<Span> {
    let em: f64 = line
        .iter()
        .flat_map(|s| s.text.chars())
        .map(|c| {
            if crate::markup::text::is_wide(c) {
                1.0
            } else {
                0.5
            }
        })
        .sum();
    if style.text.size * em <= page.text_width {
        return line.to_vec();
    }
    line.iter()
        .map(|s| Span {
            text: s.text.replace('\u{200B}', "\n"),
            ..s.clone()
        })
        .collect()
}

fn heading_id(level: u8) -> &'static str {
    match level {
        1 => "Heading1",
        2 => "Heading2",
        3 => "Heading3",
        _ => "Heading4",
    }
}

/// The body size: the grid is counted in it.
fn body_size(doc: &Document) -> Length {
    doc.blocks
        .iter()
        .find_map(|b| match b {
            Block::Paragraph { style, .. } if style.name == "body" => Some(style.text.size),
            _ => None,
        })
        .unwrap_or(Length::pt(16.0))
}

fn margins(page: &Page) -> PageMargin {
    let bottom = page.margin_bottom();
    // The footer's lower edge: the page number sits `below_text` under
    // the text block, its descent below that.
    let footer = page.page_number.as_ref().map_or(bottom / 2.0, |pn| {
        bottom - pn.below_text - pn.text.size * 0.9
    });
    PageMargin::new()
        .top(tw(page.margin_top))
        .left(tw(page.margin_left))
        .right(tw(page.margin_right()))
        .bottom(tw(bottom))
        .footer(tw(footer.max(Length::ZERO)))
        .header(tw(page.margin_top / 2.0))
}

/// The document grid (GB/T 9704 5.2.3): `lines` per page, `chars` per line.
/// Word counts the character pitch as the default size plus `charSpace`
/// 4096ths of a point.
fn grid(page: &Page, body: Length) -> DocGrid {
    let line_pitch = page.text_height / f64::from(page.lines.max(1));
    let char_pitch = page.text_width / f64::from(page.chars.max(1));
    DocGrid::new()
        .grid_type(DocGridType::LinesAndChars)
        .line_pitch(utw(line_pitch) as usize)
        .char_space(((char_pitch - body).to_pt() * 4096.0).round() as isize)
}

/// The styles the document uses that have Word built-in ids: (id, the
/// tree's style, outline level).
fn built_in_styles(doc: &Document) -> Vec<(String, ParaStyle, Option<usize>)> {
    let mut out: Vec<(String, ParaStyle, Option<usize>)> = Vec::new();
    let mut add = |id: &str, s: &ParaStyle, level: Option<usize>| {
        if !out.iter().any(|(i, _, _)| i == id) {
            out.push((id.to_string(), s.clone(), level));
        }
    };
    for b in &doc.blocks {
        match b {
            Block::Title { style, .. } => add("Title", style, None),
            Block::Heading {
                style,
                level,
                outline: true,
                ..
            } => add(
                heading_id(*level),
                style,
                Some(usize::from(*level).saturating_sub(1)),
            ),
            Block::Paragraph { style, .. } if style.name == "body" => add("Normal", style, None),
            _ => {}
        }
    }
    out
}

impl Writer<'_> {
    fn role(&self, role: &str) -> (String, String) {
        self.fonts.get(role).map_or_else(
            || (role.to_string(), "Times New Roman".to_string()),
            |r| (r.docx.clone(), r.latin.clone()),
        )
    }

    /// Fonts of a role: the East Asian name for Chinese, Latin for the rest.
    fn run_fonts(&self, role: &str) -> RunFonts {
        let (east_asia, latin) = self.role(role);
        RunFonts::new()
            .east_asia(east_asia)
            .ascii(latin.clone())
            .hi_ansi(latin.clone())
            .cs(latin)
    }

    /// A built-in style carrying the stylesheet's look; Word shows it under
    /// its Chinese name (标题, 标题 1, 正文) in a Chinese UI.
    fn style(&self, id: &str, s: &ParaStyle, outline: Option<usize>) -> Style {
        let name = match id {
            "Normal" => "Normal".to_string(),
            "Title" => "Title".to_string(),
            other => format!("heading {}", other.trim_start_matches("Heading")),
        };
        let mut style = Style::new(id, StyleType::Paragraph)
            .name(name)
            .fonts(self.run_fonts(&s.text.role))
            .size(half_points(s.text.size))
            .align(align(s.align))
            .line_spacing(spacing(s))
            .q_format(true);
        if s.text.bold {
            style = style.bold();
        }
        if s.first_line_indent > Length::ZERO {
            style = style.indent(
                None,
                Some(SpecialIndentType::FirstLine(tw(s.first_line_indent))),
                None,
                None,
            );
        }
        if let Some(level) = outline {
            style = style.outline_lvl(level);
        }
        if id != "Normal" {
            style = style.based_on("Normal").next("Normal");
        }
        style
    }

    fn run(&self, text: &str, s: &TextStyle) -> Run {
        let mut run = Run::new()
            .fonts(self.run_fonts(&s.role))
            .size(half_points(s.size));
        if s.bold {
            run = run.bold();
        }
        // The 28-character line of GB/T 9704 5.2.3: a 16 pt character on a
        // 15.79 pt pitch, condensed by the difference (rounded down to a
        // twip so that 28 always fit), as Word's character grid does.
        let k = self.grid_pitch / s.size;
        if (0.8..1.0).contains(&k) {
            run = run.character_spacing(((self.grid_pitch - s.size).to_twips()).floor() as i32);
        }
        let mut parts = text.split('\n').peekable();
        while let Some(part) = parts.next() {
            let part: String = part.chars().filter(|c| *c != '\u{200B}').collect();
            if !part.is_empty() {
                run = run.add_text(part);
            }
            if parts.peek().is_some() {
                run = run.add_break(docx_rs::BreakType::TextWrapping);
            }
        }
        run
    }

    /// A paragraph with the style's exact look set directly, so that it
    /// looks right whatever the receiving Word's defaults.
    fn paragraph(&self, spans: &[Span], s: &ParaStyle, style_id: Option<&str>) -> Paragraph {
        // Exact line spacing keeps the 22-line grid; snapping to the
        // character grid is off because LibreOffice gives a character wider
        // than the grid pitch two cells (Word squeezes it into one).
        let mut p = Paragraph::new()
            .align(align(s.align))
            .line_spacing(spacing(s))
            .snap_to_grid(false);
        if let Some(id) = style_id {
            p = p.style(id);
        }
        // Always explicit, so nothing inherits Normal's two-character
        // indent (table cells, the title). In twips: two characters of the
        // style's size (docx-rs cannot write w:firstLineChars).
        p = p.indent(
            Some(0),
            Some(SpecialIndentType::FirstLine(tw(s.first_line_indent))),
            Some(0),
            None,
        );
        for span in spans {
            p = p.add_run(self.run(&span.text, &span.style));
        }
        p
    }

    /// 署名 centred over 成文日期, the date four characters in from the
    /// right (GB/T 9704 7.3.5), as two right-aligned paragraphs.
    fn signature(
        &self,
        unit: &[Span],
        date: &[Span],
        s: &ParaStyle,
        page: &Page,
    ) -> Vec<Paragraph> {
        let ch = page.text_width / f64::from(page.chars.max(1));
        let width = |spans: &[Span]| -> f64 {
            spans
                .iter()
                .flat_map(|x| x.text.chars())
                .map(|c| {
                    if crate::markup::text::is_wide(c) {
                        1.0
                    } else {
                        0.5
                    }
                })
                .sum()
        };
        let (uw, dw) = (width(unit), width(date));
        let date_right = ch * 4.0;
        let unit_right = (date_right + ch * ((dw - uw) / 2.0)).max(ch * 2.0);
        let mut out = Vec::new();
        for (i, (spans, right)) in [(unit, unit_right), (date, date_right)]
            .into_iter()
            .enumerate()
        {
            let mut style = s.clone();
            style.align = Align::Right;
            style.first_line_indent = Length::ZERO;
            let mut p = self.paragraph(spans, &style, None).indent(
                Some(0),
                Some(SpecialIndentType::FirstLine(0)),
                Some(tw(right)),
                None,
            );
            if i == 0 && s.space_before > Length::ZERO {
                p = p.line_spacing(spacing(s).before(utw(s.space_before)));
            }
            out.push(p);
        }
        out
    }

    /// Odd-page and even-page footers: "— N —" with a PAGE field, right on
    /// odd pages and left on even ones, inset one character (GB/T 9704 7.5).
    fn footers(&self, pn: &PageNumber) -> (Footer, Footer) {
        let (before, after) = pn.format.split_once("{n}").unwrap_or(("", ""));
        let make = |right: bool| {
            let mut p = Paragraph::new().align(if right {
                AlignmentType::Right
            } else {
                AlignmentType::Left
            });
            p = if right {
                p.indent(None, None, Some(tw(pn.inset)), None)
            } else {
                p.indent(Some(tw(pn.inset)), None, None, None)
            };
            p = p.add_run(self.run(before, &pn.text));
            p = p.add_page_num(PageNum::new());
            p = p
                .size(half_points(pn.text.size))
                .fonts(self.run_fonts(&pn.text.role));
            p = p.add_run(self.run(after, &pn.text));
            Footer::new().add_paragraph(if pn.outside {
                p
            } else {
                p.align(AlignmentType::Center)
            })
        };
        (make(true), make(false))
    }
}

fn align(a: Align) -> AlignmentType {
    match a {
        Align::Left => AlignmentType::Left,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
        Align::Justify => AlignmentType::Both,
    }
}

/// Exact line spacing (固定值) at the style's pitch, and its spacing.
fn spacing(s: &ParaStyle) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(tw(s.line_pitch))
        .before(utw(s.space_before))
        .after(utw(s.space_after))
}
