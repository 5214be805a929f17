//! The document tree: what every writer reads.
//!
//! In: built by [`crate::markup`] from a template's markup and a stylesheet.
//! Out: a typed tree (after usvg): every run knows its font role and
//! size, every paragraph its alignment, indent and line pitch, every
//! table its column widths, header rows and a [`CellGrid`] in which each
//! grid slot is either a cell or covered by one (after typst's `CellGrid`).
//! What needs the fonts to decide (the title's printed lines, the
//! signature's insets) is decided by [`crate::layout::resolve`], which
//! alone makes a [`Resolved`] document: the PDF layout, the DOCX writer
//! and the HTML writer take only that, so none can be handed a tree whose
//! title is not yet broken.

mod table;

pub use table::*;

use crate::units::Length;
use std::borrow::Cow;
use std::fmt;

/// A whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Title and author.
    pub meta: Meta,
    /// Paper, text block and page numbers.
    pub page: Page,
    /// The content, in reading order.
    pub blocks: Vec<Block>,
}

/// A document with everything the writers must place alike decided with
/// the fonts: the only kind of tree a writer accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved(Document);

impl Resolved {
    /// Marks a tree resolved: for [`crate::layout::resolve`] alone.
    pub(crate) fn new(doc: Document) -> Resolved {
        Resolved(doc)
    }

    /// Marks the document a draft ([`Meta::draft`]): what the writers
    /// add for it (a line, a header, a banner) is decided by each writer.
    pub(crate) fn mark_draft(&mut self) {
        self.0.meta.draft = true;
    }

    /// Gives the document the report's JSON to carry.
    pub(crate) fn embed(&mut self, json: Vec<u8>) {
        self.0.meta.data = Some(Embedded(json.into()));
    }

    /// The tree.
    pub fn document(&self) -> &Document {
        &self.0
    }
}

impl std::ops::Deref for Resolved {
    type Target = Document;

    fn deref(&self) -> &Document {
        &self.0
    }
}

/// Document metadata (PDF Info, DOCX core properties, HTML head).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    /// The document title (PDF Title, DOCX dc:title, HTML title).
    pub title: String,
    /// The author: the reporting body.
    pub author: String,
    /// Rendered with `--force` from figures that fail the checks: every
    /// output says so on every page ([`DRAFT`]), so that it cannot be
    /// filed by mistake.
    pub draft: bool,
    /// The report's JSON, which the PDF, the OFD and the HTML carry
    /// ([`crate::embed`]); `None` for a tree no report made.
    pub data: Option<Embedded>,
}

/// The report's JSON as a document carries it: shared, not copied, by
/// every writer and every laid-out page set.
#[derive(Clone, PartialEq, Eq)]
pub struct Embedded(pub std::sync::Arc<[u8]>);

impl std::fmt::Debug for Embedded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Embedded({} bytes)", self.0.len())
    }
}

/// The mark a forced render carries on every page (PDF, OFD and SVG in
/// the 天头, DOCX in the header, HTML as a banner).
pub const DRAFT: &str = "草稿　数字未通过核对，不得作为正式文件印发";

/// The page and its text block (版心), after GB/T 9704 5.2.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Paper width.
    pub width: Length,
    /// Paper height.
    pub height: Length,
    /// Top edge of the paper to the top of the text block (天头).
    pub margin_top: Length,
    /// Left edge of the paper to the text block (订口).
    pub margin_left: Length,
    /// The text block's width and height (版心).
    pub text_width: Length,
    /// Text block height.
    pub text_height: Length,
    /// Lines per page and characters per line of the document grid.
    pub lines: u32,
    /// Characters per line of the grid.
    pub chars: u32,
    /// Page numbers, if any.
    pub page_number: Option<PageNumber>,
}

impl Page {
    /// Right margin: what the paper leaves after the left margin and the text block.
    pub fn margin_right(&self) -> Length {
        self.width - self.margin_left - self.text_width
    }

    /// Bottom margin.
    pub fn margin_bottom(&self) -> Length {
        self.height - self.margin_top - self.text_height
    }

    /// The document grid's character pitch (GB/T 9704 5.2.3: a 156 mm
    /// line of 28 characters, 15.79 pt for 16 pt type).
    pub fn grid_pitch(&self) -> Length {
        self.text_width / f64::from(self.chars.max(1))
    }

    /// The fraction of its size a wide character of `size` advances by on
    /// the grid, when it keeps to the grid: text about the body size (the
    /// pitch 0.8 to 1.0 of the size). Larger and smaller text keeps its
    /// natural advance. The PDF's layout and the DOCX's condensed runs
    /// both ask here, so the two set the same characters to a line.
    pub fn grid_factor(&self, size: Length) -> Option<f64> {
        Some(self.grid_pitch() / size).filter(|k| (0.8..=1.0).contains(k))
    }

    /// The document grid's line pitch (22 lines to the text block).
    pub fn line_pitch(&self) -> Length {
        self.text_height / f64::from(self.lines.max(1))
    }
}

/// Page numbers "— N —" (GB/T 9704 7.5).
#[derive(Debug, Clone, PartialEq)]
pub struct PageNumber {
    /// The number's font role and size.
    pub text: TextStyle,
    /// The pattern, `{n}` standing for the number.
    pub format: String,
    /// From the bottom of the text block to the number's baseline area.
    pub below_text: Length,
    /// Odd pages right and even pages left (true), or always centred.
    pub outside: bool,
    /// Inset from the text block's edge (一字).
    pub inset: Length,
}

/// A font role: the kind of face a run is set in, one of the faces a
/// 公文 uses (GB/T 9704). The stylesheet's `[fonts]` gives each role its
/// chain of faces; a name that is no role is refused when the stylesheet
/// is loaded, at its line and column, so layout never meets one.
///
/// The variants are in the order of their names, so a map keyed by roles
/// iterates as one keyed by the names did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 仿宋: the body text (`fangsong`).
    Fangsong,
    /// 黑体: first-level headings, table headers (`hei`).
    Hei,
    /// 楷体: second-level headings (`kai`).
    Kai,
    /// 宋体: page numbers, table cells (`song`).
    Song,
    /// 小标宋: the title (`xiaobiaosong`).
    Xiaobiaosong,
}

impl Role {
    /// Every role, in order.
    pub const ALL: [Role; 5] = [
        Role::Fangsong,
        Role::Hei,
        Role::Kai,
        Role::Song,
        Role::Xiaobiaosong,
    ];

    /// The role's name in a stylesheet (`[fonts.hei]`, `font = "hei"`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Fangsong => "fangsong",
            Role::Hei => "hei",
            Role::Kai => "kai",
            Role::Song => "song",
            Role::Xiaobiaosong => "xiaobiaosong",
        }
    }

    /// The role a stylesheet name stands for, or `None`.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// A role reads as its stylesheet name wherever a name is wanted (a
/// message naming the role).
impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A paragraph style's identity: its name in the stylesheet. A template
/// may name any style; the ones nianbao itself looks for are the
/// constants here, so a writer compares `style.name == StyleName::BODY`,
/// never a string spelled again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StyleName(Cow<'static, str>);

impl StyleName {
    /// `body`: the text, and what every other style inherits from (Word's
    /// Normal).
    pub const BODY: StyleName = StyleName(Cow::Borrowed("body"));
    /// `title`: the document's title.
    pub const TITLE: StyleName = StyleName(Cow::Borrowed("title"));
    /// `signature`: 署名 and 成文日期.
    pub const SIGNATURE: StyleName = StyleName(Cow::Borrowed("signature"));
    /// `emphasis`: an `<em>` span.
    pub const EMPHASIS: StyleName = StyleName(Cow::Borrowed("emphasis"));
    /// `table-cell`: a table cell without a style of its own.
    pub const TABLE_CELL: StyleName = StyleName(Cow::Borrowed("table-cell"));

    /// The name as written in the stylesheet.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for StyleName {
    fn from(name: &str) -> StyleName {
        StyleName(Cow::Owned(name.to_string()))
    }
}

impl From<String> for StyleName {
    fn from(name: String) -> StyleName {
        StyleName(Cow::Owned(name))
    }
}

impl fmt::Display for StyleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a run of text looks.
#[derive(Debug, Clone, PartialEq)]
pub struct TextStyle {
    /// The font role its faces come from.
    pub role: Role,
    /// Type size.
    pub size: Length,
    /// Drawn heavier (faux bold in PDF, `w:b` in DOCX).
    pub bold: bool,
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
    /// Flush left and right; the last line flush left.
    Justify,
}

/// Vertical alignment in a table cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VAlign {
    /// At the top.
    Top,
    /// Centred vertically.
    Middle,
    /// At the bottom.
    Bottom,
}

/// A paragraph style, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ParaStyle {
    /// The stylesheet name it came from (`body`, `title`, `heading1`, …).
    pub name: StyleName,
    /// The paragraph's own text style.
    pub text: TextStyle,
    /// Horizontal alignment.
    pub align: Align,
    /// First-line indent.
    pub first_line_indent: Length,
    /// Baseline to baseline (固定值 line spacing).
    pub line_pitch: Length,
    /// Space before the paragraph.
    pub space_before: Length,
    /// Space after the paragraph.
    pub space_after: Length,
}

/// A run of text in one style. `\n` in `text` is a forced line break.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// How it looks.
    pub style: TextStyle,
    /// The stylesheet name of a named span (`heading2` for a run-in
    /// heading), or `None` for the paragraph's own text.
    pub class: Option<String>,
}

/// A block of the document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The title, one entry per line as the template gave them; the
    /// typesetter may break a long line further.
    Title {
        /// One entry per line, each a list of runs.
        lines: Vec<Vec<Span>>,
        /// The title style.
        style: ParaStyle,
    },
    /// A heading on its own line; `outline` ones become PDF bookmarks and
    /// Word headings (the navigation pane).
    Heading {
        /// 1 for 一、 … 4 for （1）.
        level: u8,
        /// The heading's runs.
        spans: Vec<Span>,
        /// Its style.
        style: ParaStyle,
        /// Whether it is in the outline (bookmarks, Word headings).
        outline: bool,
    },
    /// A body paragraph.
    Paragraph {
        /// Its runs (run-in headings are runs with a class).
        spans: Vec<Span>,
        /// Its style.
        style: ParaStyle,
    },
    /// 署名 over 成文日期 (GB/T 9704 7.3.5).
    Signature {
        /// 署名 runs.
        unit: Vec<Span>,
        /// 成文日期 runs.
        date: Vec<Span>,
        /// Their style.
        style: ParaStyle,
        /// How far each line's right end stands in from the text block's
        /// right edge; measured with the fonts by `layout::resolve` (zero
        /// before it), so that the PDF and the DOCX place them alike.
        insets: SignatureInsets,
    },
    /// A new page.
    PageBreak,
    /// A table.
    Table(Table),
}

/// Where 署名 and 成文日期 end: in from the text block's right edge.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SignatureInsets {
    /// 署名's right end.
    pub unit: Length,
    /// 成文日期's right end (右空四字).
    pub date: Length,
}

/// The plain text of runs, without break hints.
pub fn plain(spans: &[Span]) -> String {
    spans
        .iter()
        .flat_map(|s| s.text.chars())
        .filter(|c| *c != '\u{200B}')
        .collect()
}

/// A readable text dump of the tree, one line per block, row and cell, for
/// snapshot tests and for looking at what a template produced.
pub fn dump(doc: &Document) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let p = &doc.page;
    let _ = writeln!(
        out,
        "document title={:?} author={:?}",
        doc.meta.title, doc.meta.author
    );
    let _ = writeln!(
        out,
        "page {}x{} margin-top={} margin-left={} text={}x{} grid={}x{}",
        p.width,
        p.height,
        p.margin_top,
        p.margin_left,
        p.text_width,
        p.text_height,
        p.lines,
        p.chars
    );
    let style = |s: &ParaStyle| {
        format!(
            "[{} {} {} {:?} indent={} pitch={}]",
            s.name, s.text.role, s.text.size, s.align, s.first_line_indent, s.line_pitch
        )
    };
    let runs = |spans: &[Span]| {
        spans
            .iter()
            .map(|s| {
                let text = s.text.replace('\u{200B}', "<wbr>");
                match &s.class {
                    Some(c) => format!("<{c}>{text}</{c}>"),
                    None => text,
                }
            })
            .collect::<String>()
    };
    for b in &doc.blocks {
        match b {
            Block::Title { lines, style: s } => {
                let _ = writeln!(out, "title {}", style(s));
                for l in lines {
                    let _ = writeln!(out, "  line {}", runs(l));
                }
            }
            Block::Heading {
                level,
                spans,
                style: s,
                outline,
            } => {
                let _ = writeln!(
                    out,
                    "heading {level} outline={outline} {} {}",
                    style(s),
                    runs(spans)
                );
            }
            Block::Paragraph { spans, style: s } => {
                let _ = writeln!(out, "p {} {}", style(s), runs(spans));
            }
            Block::Signature {
                unit,
                date,
                style: s,
                ..
            } => {
                let _ = writeln!(
                    out,
                    "signature {} unit={} date={}",
                    style(s),
                    runs(unit),
                    runs(date)
                );
            }
            Block::PageBreak => out.push_str("pagebreak\n"),
            Block::Table(t) => {
                let widths: Vec<String> = t
                    .columns
                    .iter()
                    .map(|w| format!("{:.2}mm", w.to_mm()))
                    .collect();
                let _ = writeln!(
                    out,
                    "table {}x{} header-rows={} cols=[{}]",
                    t.grid.rows,
                    t.grid.cols,
                    t.header_rows,
                    widths.join(" ")
                );
                for (r, c, cell) in t.grid.cells() {
                    let _ = writeln!(
                        out,
                        "  cell r{r} c{c} {}x{} {}{} {} {:?}",
                        cell.rowspan,
                        cell.colspan,
                        cell.class.as_deref().unwrap_or("-"),
                        if cell.vertical { " vertical" } else { "" },
                        style(&cell.style),
                        cell.text()
                    );
                }
            }
        }
    }
    out
}
