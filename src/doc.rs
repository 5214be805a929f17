//! The document tree: what every writer reads.
//!
//! In: built by [`crate::markup`] from a template's markup and a stylesheet.
//! Out: a fully resolved tree (after usvg): every run knows its font role
//! and size, every paragraph its alignment, indent and line pitch, every
//! table its column widths, header rows and a [`CellGrid`] in which each
//! grid slot is either a cell or covered by one (after typst's `CellGrid`).
//! The PDF layout, the DOCX writer and the HTML writer read only this.

use crate::units::Length;

/// A whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub meta: Meta,
    pub page: Page,
    pub blocks: Vec<Block>,
}

/// Document metadata (PDF Info, DOCX core properties, HTML head).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    pub title: String,
    pub author: String,
}

/// The page and its text block (版心), after GB/T 9704 5.2.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: Length,
    pub height: Length,
    /// Top edge of the paper to the top of the text block (天头).
    pub margin_top: Length,
    /// Left edge of the paper to the text block (订口).
    pub margin_left: Length,
    /// The text block's width and height (版心).
    pub text_width: Length,
    pub text_height: Length,
    /// Lines per page and characters per line of the document grid.
    pub lines: u32,
    pub chars: u32,
    pub page_number: Option<PageNumber>,
}

impl Page {
    pub fn margin_right(&self) -> Length {
        self.width - self.margin_left - self.text_width
    }

    pub fn margin_bottom(&self) -> Length {
        self.height - self.margin_top - self.text_height
    }
}

/// Page numbers "— N —" (GB/T 9704 7.5).
#[derive(Debug, Clone, PartialEq)]
pub struct PageNumber {
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

/// How a run of text looks.
#[derive(Debug, Clone, PartialEq)]
pub struct TextStyle {
    /// A font role from the stylesheet (`song`, `hei`, `fangsong`, `kai`,
    /// `xiaobiaosong`, …).
    pub role: String,
    pub size: Length,
    /// Drawn heavier (faux bold in PDF, `w:b` in DOCX).
    pub bold: bool,
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    /// Flush left and right; the last line flush left.
    Justify,
}

/// Vertical alignment in a table cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VAlign {
    Top,
    Middle,
    Bottom,
}

/// A paragraph style, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ParaStyle {
    /// The stylesheet name it came from (`body`, `title`, `heading1`, …).
    pub name: String,
    pub text: TextStyle,
    pub align: Align,
    pub first_line_indent: Length,
    /// Baseline to baseline (固定值 line spacing).
    pub line_pitch: Length,
    pub space_before: Length,
    pub space_after: Length,
}

/// A run of text in one style. `\n` in `text` is a forced line break.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
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
        lines: Vec<Vec<Span>>,
        style: ParaStyle,
    },
    /// A heading on its own line; `outline` ones become PDF bookmarks and
    /// Word headings (the navigation pane).
    Heading {
        level: u8,
        spans: Vec<Span>,
        style: ParaStyle,
        outline: bool,
    },
    Paragraph {
        spans: Vec<Span>,
        style: ParaStyle,
    },
    /// 署名 over 成文日期 (GB/T 9704 7.3.5).
    Signature {
        unit: Vec<Span>,
        date: Vec<Span>,
        style: ParaStyle,
    },
    PageBreak,
    Table(Table),
}

/// A table: column widths, header rows, and the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Length>,
    /// Rows `0..header_rows` repeat at the top of each page.
    pub header_rows: usize,
    /// Per row: never the last row on a page (a group's heading row).
    pub keep_with_next: Vec<bool>,
    pub grid: CellGrid,
    /// The rule width drawn on every cell edge.
    pub rule: Length,
    /// Padding inside each cell, left/right and top/bottom.
    pub pad_x: Length,
    pub pad_y: Length,
    /// Minimum row height.
    pub min_row_height: Length,
}

impl Table {
    pub fn width(&self) -> Length {
        self.columns.iter().copied().sum()
    }
}

/// The resolved grid: `rows × cols` slots, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct CellGrid {
    pub rows: usize,
    pub cols: usize,
    pub slots: Vec<Slot>,
}

/// One grid position: a cell's top-left, or covered by a spanning cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    Cell(Cell),
    /// Covered by the cell whose top-left is at (row, col).
    Merged {
        parent: (usize, usize),
    },
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub rowspan: usize,
    pub colspan: usize,
    /// The cell's text as runs; `\n` forces a line break.
    pub spans: Vec<Span>,
    pub style: ParaStyle,
    pub valign: VAlign,
    /// Set one character per line, top to bottom (竖排).
    pub vertical: bool,
    /// The markup's `class`: `label`, `value`, `header`, … (for read-back
    /// tests and HTML).
    pub class: Option<String>,
}

impl CellGrid {
    pub fn slot(&self, row: usize, col: usize) -> &Slot {
        &self.slots[row * self.cols + col]
    }

    /// The cell at a top-left position, if one starts there.
    pub fn cell(&self, row: usize, col: usize) -> Option<&Cell> {
        match self.slot(row, col) {
            Slot::Cell(c) => Some(c),
            Slot::Merged { .. } => None,
        }
    }

    /// Every cell with its top-left position, row by row.
    pub fn cells(&self) -> impl Iterator<Item = (usize, usize, &Cell)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| match s {
                Slot::Cell(c) => Some((i / self.cols, i % self.cols, c)),
                Slot::Merged { .. } => None,
            })
    }
}

impl Cell {
    /// The cell's plain text.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
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
