//! `document.xml` and the footers: blocks → paragraphs and runs.
//!
//! In: the resolved tree's blocks and page. Out: the parts' XML, each
//! property element's children in schema order (ECMA-376 Part 1:
//! §17.3.1.26 CT_PPr, §17.3.2.28 CT_RPr, §17.6.17 CT_SectPr).

use super::tw;
use super::xml::{Res, Val, Xml, R_NS, W_NS};
use crate::doc::*;
use crate::style::FontRole;
use crate::units::Length;
use std::collections::BTreeMap;

/// The relationship id of the draft header ([`crate::doc::DRAFT`]).
pub const DRAFT_HEADER_ID: &str = "rIdHeaderDraft";

/// The relationship ids of the odd- and even-page footers.
pub const FOOTER_IDS: (&str, &str) = ("rIdFooterOdd", "rIdFooterEven");

/// A Word built-in paragraph style that nianbao's paragraphs name (by
/// its style id, `w:pStyle`); `styles.xml` defines each one the document
/// uses with the stylesheet's look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordStyle {
    /// Normal (正文): the body, and what the others are based on.
    Normal,
    /// Title (标题).
    Title,
    /// Heading 1 to 4 (标题 1–4): a heading's level; deeper levels are
    /// Heading 4.
    Heading(u8),
}

impl WordStyle {
    /// The style of a heading level (1 for 一、); levels past 4 get 4.
    pub fn heading(level: u8) -> WordStyle {
        match level {
            1..=3 => WordStyle::Heading(level),
            _ => WordStyle::Heading(4),
        }
    }

    /// The style id (`w:styleId`, `w:pStyle`).
    pub fn id(self) -> &'static str {
        match self {
            WordStyle::Normal => "Normal",
            WordStyle::Title => "Title",
            WordStyle::Heading(1) => "Heading1",
            WordStyle::Heading(2) => "Heading2",
            WordStyle::Heading(3) => "Heading3",
            WordStyle::Heading(_) => "Heading4",
        }
    }

    /// Its built-in name (`w:name`) and the Chinese alias Word shows
    /// beside it (`w:aliases`).
    pub fn names(self) -> (String, String) {
        match self {
            WordStyle::Normal => ("Normal".into(), "正文".into()),
            WordStyle::Title => ("Title".into(), "标题".into()),
            WordStyle::Heading(_) => {
                let n = self.id().trim_start_matches("Heading");
                (format!("heading {n}"), format!("标题 {n}"))
            }
        }
    }
}

/// How a paragraph is set: everything of `w:pPr` nianbao writes.
#[derive(Debug, Clone)]
pub struct PPr {
    pub style: Option<WordStyle>,
    pub keep_next: bool,
    pub page_break_before: bool,
    pub widow_control: bool,
    /// No automatic space between Chinese and Latin letters or digits
    /// (Word and LibreOffice add about a quarter em by default): the text
    /// reads as the PDF does, "2020年", not "2020 年".
    pub no_auto_space: bool,
    /// Line pitch (exact), space before and after.
    pub spacing: Option<(Length, Length, Length)>,
    /// Left, right and first-line indents.
    pub ind: (Length, Length, Length),
    pub align: Align,
    /// `w:outlineLvl`, 0 for 一、.
    pub outline: Option<u8>,
}

impl PPr {
    /// The paragraph's look as the tree's style gives it.
    pub fn of(s: &ParaStyle) -> PPr {
        PPr {
            style: None,
            keep_next: false,
            page_break_before: false,
            widow_control: false,
            no_auto_space: true,
            spacing: Some((s.line_pitch, s.space_before, s.space_after)),
            ind: (Length::ZERO, Length::ZERO, s.first_line_indent),
            align: s.align,
            outline: None,
        }
    }

    /// Writes `w:pPr`.
    pub fn write(&self, x: &mut Xml) -> Res {
        x.open("w:pPr", &[])?;
        if let Some(style) = self.style {
            x.val("w:pStyle", style.id())?;
        }
        if self.keep_next {
            x.empty("w:keepNext", &[])?;
        }
        if self.page_break_before {
            x.empty("w:pageBreakBefore", &[])?;
        }
        x.val("w:widowControl", if self.widow_control { "1" } else { "0" })?;
        if self.no_auto_space {
            x.val("w:autoSpaceDE", "0")?;
            x.val("w:autoSpaceDN", "0")?;
        }
        // Snapping to the character grid is off: LibreOffice gives a
        // character wider than the grid pitch two cells (Word squeezes it
        // into one); the runs are condensed to the pitch instead.
        x.val("w:snapToGrid", "0")?;
        if let Some((line, before, after)) = self.spacing {
            x.empty(
                "w:spacing",
                &[
                    ("w:before", &twips(before)),
                    ("w:after", &twips(after)),
                    ("w:line", &twips(line)),
                    ("w:lineRule", "exact"),
                ],
            )?;
        }
        let (left, right, first) = self.ind;
        x.empty(
            "w:ind",
            &[
                ("w:left", &twips(left)),
                ("w:right", &twips(right)),
                ("w:firstLine", &twips(first)),
            ],
        )?;
        x.val("w:jc", jc(self.align))?;
        if let Some(level) = self.outline {
            x.val("w:outlineLvl", &level.to_string())?;
        }
        x.close("w:pPr")
    }
}

fn twips(l: Length) -> String {
    tw(l).max(0).to_string()
}

fn jc(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
        Align::Justify => "both",
    }
}

/// Half-points, Word's unit for type sizes.
pub fn half_points(l: Length) -> String {
    ((l.to_pt() * 2.0).round().max(1.0) as u32).to_string()
}

/// Writes the document's parts from the tree.
#[derive(Debug)]
pub struct Writer<'a> {
    fonts: &'a BTreeMap<Role, FontRole>,
    pub(super) page: &'a Page,
    /// The document is a draft: the section references the draft header.
    pub draft: bool,
}

impl<'a> Writer<'a> {
    pub fn new(fonts: &'a BTreeMap<Role, FontRole>, page: &'a Page) -> Writer<'a> {
        Writer {
            fonts,
            page,
            draft: false,
        }
    }

    /// The header of a forced render: the draft mark, centred, bold.
    pub fn draft_header(&self, style: TextStyle) -> Result<Vec<u8>, std::io::Error> {
        let zero = (Length::ZERO, Length::ZERO, Length::ZERO);
        let mut x = band("w:hdr", Align::Center, zero)?;
        let span = Span {
            text: crate::doc::DRAFT.to_string(),
            style,
            class: None,
        };
        self.run(&mut x, &span)?;
        x.close("w:p")?;
        x.close("w:hdr")?;
        Ok(x.finish())
    }

    /// The East Asian and the Latin font of a role.
    pub fn role(&self, role: Role) -> (&str, &str) {
        self.fonts
            .get(&role)
            .map_or((role.name(), "Times New Roman"), |r| {
                (r.docx.as_str(), r.latin.as_str())
            })
    }

    /// `w:rFonts`: the East Asian name for Chinese, Latin for the rest.
    pub fn run_fonts(&self, x: &mut Xml, role: Role) -> Res {
        let (east_asia, latin) = self.role(role);
        x.empty(
            "w:rFonts",
            &[
                ("w:ascii", latin),
                ("w:hAnsi", latin),
                ("w:eastAsia", east_asia),
                ("w:cs", latin),
            ],
        )
    }

    /// `w:rPr` of a run.
    pub fn rpr(&self, x: &mut Xml, s: &TextStyle) -> Res {
        x.open("w:rPr", &[])?;
        self.run_fonts(x, s.role)?;
        if s.bold {
            x.empty("w:b", &[])?;
            x.empty("w:bCs", &[])?;
        }
        // The 28-character line of GB/T 9704 5.2.3: a 16 pt character on a
        // 15.79 pt pitch, condensed by the difference (rounded down to a
        // twip so that 28 always fit), as Word's character grid does. The
        // same rule as the PDF's layout (`Page::grid_factor`).
        if self.page.grid_factor(s.size).is_some() {
            let condense = (self.page.grid_pitch() - s.size).to_twips().floor() as i64;
            if condense != 0 {
                x.val("w:spacing", &condense.to_string())?;
            }
        }
        let hp = half_points(s.size);
        x.val("w:sz", &hp)?;
        x.val("w:szCs", &hp)?;
        x.close("w:rPr")
    }

    /// One run per forced-break-free piece of a span, `w:br` between them.
    pub fn run(&self, x: &mut Xml, span: &Span) -> Res {
        x.open("w:r", &[])?;
        self.rpr(x, &span.style)?;
        let mut first = true;
        for part in span.text.split('\n') {
            if !first {
                x.empty("w:br", &[])?;
            }
            first = false;
            let part: String = part.chars().filter(|c| *c != '\u{200B}').collect();
            if !part.is_empty() {
                text(x, &part)?;
            }
        }
        x.close("w:r")
    }

    /// A paragraph: its properties and runs.
    pub fn paragraph(&self, x: &mut Xml, spans: &[Span], ppr: &PPr) -> Res {
        x.open("w:p", &[])?;
        ppr.write(x)?;
        for span in spans {
            self.run(x, span)?;
        }
        x.close("w:p")
    }

    /// `document.xml`.
    pub fn document(&self, doc: &Document, footers: bool) -> Result<Vec<u8>, std::io::Error> {
        let mut x = Xml::new()?;
        x.open("w:document", &[("xmlns:w", W_NS), ("xmlns:r", R_NS)])?;
        x.open("w:body", &[])?;
        for block in &doc.blocks {
            self.block(&mut x, block)?;
        }
        self.section(&mut x, footers, body_size(doc))?;
        x.close("w:body")?;
        x.close("w:document")?;
        Ok(x.finish())
    }

    fn block(&self, x: &mut Xml, block: &Block) -> Res {
        match block {
            Block::Title { lines, style } => {
                // One paragraph, its lines (as `layout::resolve` broke them,
                // where the PDF breaks them) joined by line breaks: the
                // space after comes once, below the last line.
                let mut ppr = PPr::of(style);
                ppr.style = Some(WordStyle::Title);
                x.open("w:p", &[])?;
                ppr.write(x)?;
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        x.open("w:r", &[])?;
                        if let Some(s) = line.first() {
                            self.rpr(x, &s.style)?;
                        }
                        x.empty("w:br", &[])?;
                        x.close("w:r")?;
                    }
                    for span in line {
                        self.run(x, span)?;
                    }
                }
                x.close("w:p")
            }
            Block::Heading {
                spans,
                style,
                outline,
                level,
            } => {
                let mut ppr = PPr::of(style);
                if *outline {
                    ppr.style = Some(WordStyle::heading(*level));
                }
                // Kept with what follows, as the PDF keeps it: never alone
                // at the foot of a page.
                ppr.keep_next = true;
                self.paragraph(x, spans, &ppr)
            }
            Block::Paragraph { spans, style } => {
                let mut ppr = PPr::of(style);
                ppr.style = Some(WordStyle::Normal);
                // No single line alone at the top or foot of a page.
                ppr.widow_control = true;
                self.paragraph(x, spans, &ppr)
            }
            Block::Signature {
                unit,
                date,
                style,
                insets,
            } => {
                // Right-aligned, each line ending at the inset the PDF
                // draws it at (GB/T 9704 7.3.5).
                for (i, (spans, inset)) in [(unit, insets.unit), (date, insets.date)]
                    .into_iter()
                    .enumerate()
                {
                    let mut ppr = PPr::of(style);
                    ppr.align = Align::Right;
                    ppr.ind = (Length::ZERO, inset, Length::ZERO);
                    let before = if i == 0 {
                        style.space_before
                    } else {
                        Length::ZERO
                    };
                    ppr.spacing = Some((style.line_pitch, before, Length::ZERO));
                    ppr.keep_next = i == 0;
                    self.paragraph(x, spans, &ppr)?;
                }
                Ok(())
            }
            Block::PageBreak => {
                x.open("w:p", &[])?;
                x.open("w:pPr", &[])?;
                x.empty("w:pageBreakBefore", &[])?;
                x.close("w:pPr")?;
                x.close("w:p")
            }
            Block::Table(t) => self.table(x, t),
        }
    }

    /// The section: footers, A4 with the PDF's margins, and the document
    /// grid (GB/T 9704 5.2.3): `lines` per page, `chars` per line; Word
    /// counts the character pitch as the default size plus `charSpace`
    /// 4096ths of a point.
    fn section(&self, x: &mut Xml, footers: bool, body: Length) -> Res {
        let page = self.page;
        x.open("w:sectPr", &[])?;
        if self.draft {
            // Odd and even pages alike: with evenAndOddHeaders on, an
            // even page without its own header would show none.
            for kind in ["default", "even"] {
                x.empty(
                    "w:headerReference",
                    &[("w:type", kind), ("r:id", DRAFT_HEADER_ID)],
                )?;
            }
        }
        if footers {
            let (odd, even) = FOOTER_IDS;
            x.empty("w:footerReference", &[("w:type", "default"), ("r:id", odd)])?;
            x.empty("w:footerReference", &[("w:type", "even"), ("r:id", even)])?;
        }
        x.empty(
            "w:pgSz",
            &[("w:w", &twips(page.width)), ("w:h", &twips(page.height))],
        )?;
        let bottom = page.margin_bottom();
        // The footer's lower edge: the page number sits `below_text` under
        // the text block, its descent below that.
        let footer = page.page_number.as_ref().map_or(bottom / 2.0, |pn| {
            bottom - pn.below_text - pn.text.size * 0.9
        });
        x.empty(
            "w:pgMar",
            &[
                ("w:top", &twips(page.margin_top)),
                ("w:right", &twips(page.margin_right())),
                ("w:bottom", &twips(bottom)),
                ("w:left", &twips(page.margin_left)),
                ("w:header", &twips(page.margin_top / 2.0)),
                ("w:footer", &twips(footer.max(Length::ZERO))),
                ("w:gutter", "0"),
            ],
        )?;
        x.empty("w:cols", &[("w:space", "425")])?;
        let char_space = ((page.grid_pitch() - body).to_pt() * 4096.0).round() as i64;
        x.empty(
            "w:docGrid",
            &[
                ("w:type", "linesAndChars"),
                ("w:linePitch", &twips(page.line_pitch())),
                ("w:charSpace", &char_space.to_string()),
            ],
        )?;
        x.close("w:sectPr")
    }

    /// An odd-page (`right`) or even-page footer: "— N —" with a PAGE
    /// field, right on odd pages and left on even ones, inset one
    /// character (GB/T 9704 7.5); centred when not `outside`.
    pub fn footer(&self, pn: &PageNumber, right: bool) -> Result<Vec<u8>, std::io::Error> {
        let (align, ind) = match (pn.outside, right) {
            (false, _) => (Align::Center, (Length::ZERO, Length::ZERO, Length::ZERO)),
            (true, true) => (Align::Right, (Length::ZERO, pn.inset, Length::ZERO)),
            (true, false) => (Align::Left, (pn.inset, Length::ZERO, Length::ZERO)),
        };
        let mut x = band("w:ftr", align, ind)?;
        let (before, after) = pn.format.split_once("{n}").unwrap_or((&pn.format, ""));
        let span = |t: &str| Span {
            text: t.to_string(),
            style: pn.text.clone(),
            class: None,
        };
        if !before.is_empty() {
            self.run(&mut x, &span(before))?;
        }
        // A simple field: Word and LibreOffice put the page's number in
        // place of the run's text, in the run's look (4号宋体, as the
        // dashes).
        x.open("w:fldSimple", &[("w:instr", " PAGE ")])?;
        self.run(&mut x, &span("1"))?;
        x.close("w:fldSimple")?;
        if !after.is_empty() {
            self.run(&mut x, &span(after))?;
        }
        x.close("w:p")?;
        x.close("w:ftr")?;
        Ok(x.finish())
    }
}

/// A header or footer part (`w:hdr`, `w:ftr`) opened on its one
/// paragraph, set with `align` and indents `ind` (no automatic space
/// between Chinese and Latin, as every paragraph).
fn band(tag: &str, align: Align, ind: (Length, Length, Length)) -> Result<Xml, std::io::Error> {
    let mut x = Xml::new()?;
    x.open(tag, &[("xmlns:w", W_NS), ("xmlns:r", R_NS)])?;
    x.open("w:p", &[])?;
    let ppr = PPr {
        style: None,
        keep_next: false,
        page_break_before: false,
        widow_control: false,
        no_auto_space: true,
        spacing: None,
        ind,
        align,
        outline: None,
    };
    ppr.write(&mut x)?;
    Ok(x)
}

/// `w:t`, keeping leading and trailing spaces.
fn text(x: &mut Xml, s: &str) -> Res {
    let keep = s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace);
    if keep {
        x.text("w:t", &[("xml:space", "preserve")], s)
    } else {
        x.text("w:t", &[], s)
    }
}

/// The body size: the grid is counted in it.
pub fn body_size(doc: &Document) -> Length {
    doc.blocks
        .iter()
        .find_map(|b| match b {
            Block::Paragraph { style, .. } if style.name == StyleName::BODY => {
                Some(style.text.size)
            }
            _ => None,
        })
        .unwrap_or(Length::pt(16.0))
}
