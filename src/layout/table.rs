//! Tables: measuring rows, and drawing a run of rows onto a page.
//!
//! In: a [`Table`] of the document tree, fonts and chains. Out: a
//! [`Measured`] table (column edges, row heights, each cell's text shaped)
//! and, for any run of rows the flow puts on a page, the items that draw
//! it: each cell's text centred in its box, and the rules. Rules are
//! collected per grid edge and merged, so every edge is drawn once and a
//! merged cell shows no inner line. A cell spanning rows cut by a page
//! break is drawn as a piece on each page, its label on both (typst issue
//! 4707 is the failure this avoids). A cell whose text is taller than a
//! page can hold (below the repeated header) is refused with a `limit`
//! error ([`Measured::fits`]): its text is never cut.

use super::linebreak::{place, LineAlign};
use super::shape::{shape, shape_vertical, Glyph};
use super::tags::{cell_kind, Kind, Structure, Tag};
use super::totalfit::break_lines;
use super::{Item, PlacedGlyph, Rule, TextRun};
use crate::diag::{tr, Code, Diagnostic};
use crate::doc::{Align, Cell, ParaStyle, Table, VAlign};
use crate::fonts::{Chains, FontBook};
use crate::units::Length;

/// A table ready to draw.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Column edges from the table's left edge, `cols + 1` of them.
    pub edges: Vec<Length>,
    pub heights: Vec<Length>,
    pub cells: Vec<MCell>,
    pub header_rows: usize,
    pub keep_with_next: Vec<bool>,
    pub rule: Length,
    pub pad_x: Length,
    pub pad_y: Length,
    /// The cell (index into `cells`) owning each slot, row-major.
    owner: Vec<usize>,
    cols: usize,
}

/// A cell with its text shaped.
#[derive(Debug, Clone)]
pub struct MCell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    pub cell: Cell,
    pub glyphs: Vec<Glyph>,
    /// The text laid out at the cell's full width, once: rows are sized,
    /// breaks chosen and pieces drawn from it.
    content: Content,
}

/// Text laid out inside a cell's content box.
#[derive(Debug, Clone)]
struct Content {
    /// Lines of (glyphs, x offsets), top to bottom.
    lines: Vec<(Vec<Glyph>, Vec<Length>)>,
    pitch: Length,
    size: Length,
}

impl Content {
    fn height(&self) -> Length {
        self.pitch * self.lines.len() as f64
    }
}

fn align(a: Align) -> LineAlign {
    match a {
        Align::Left => LineAlign::Left,
        Align::Center => LineAlign::Center,
        Align::Right => LineAlign::Right,
        Align::Justify => LineAlign::Justify,
    }
}

/// Lays a cell's glyphs into lines `width` wide; vertical cells one
/// character per line.
fn content(glyphs: &[Glyph], style: &ParaStyle, vertical: bool, width: Length) -> Content {
    let pitch = style.line_pitch;
    let size = style.text.size;
    let lines = if vertical {
        vertical_lines(glyphs, width)
    } else {
        balanced_lines(glyphs, width)
            .iter()
            .map(|l| {
                let xs = place(glyphs, l, width, align(style.align));
                (glyphs[l.start..l.end].to_vec(), xs)
            })
            .collect()
    };
    Content { lines, pitch, size }
}

/// A vertical cell's lines: one character a line, centred, a combining
/// mark on its base's line (UAX #14 LB9: it is part of that character).
fn vertical_lines(glyphs: &[Glyph], width: Length) -> Vec<(Vec<Glyph>, Vec<Length>)> {
    let mut lines: Vec<(Vec<Glyph>, Vec<Length>)> = Vec::new();
    for g in glyphs
        .iter()
        .filter(|g| !g.is_newline() && !g.is_hint() && !g.is_space())
    {
        match lines.last_mut() {
            Some((line, xs)) if crate::text::is_mark(g.c) => {
                let x = xs.last().copied().unwrap_or(Length::ZERO)
                    + line.last().map_or(Length::ZERO, |b| b.advance);
                line.push(g.clone());
                xs.push(x);
            }
            _ => lines.push((vec![g.clone()], vec![(width - g.advance) / 2.0])),
        }
    }
    lines
}

/// A cell's lines: as the paragraph breaker sets them, except that a last
/// line holding one character alone (（三）/不予公/开) is avoided when the
/// same number of lines can share the text more evenly: the narrowest
/// measure that keeps the line count is taken (（三）/不予/公开).
fn balanced_lines(glyphs: &[Glyph], width: Length) -> Vec<super::linebreak::Line> {
    let lines = break_lines(glyphs, width, width);
    let alone = |ls: &[super::linebreak::Line]| {
        ls.len() > 1
            && ls.last().is_some_and(|l| {
                glyphs[l.start..l.end]
                    .iter()
                    .filter(|g| !g.is_space() && !g.is_hint())
                    .count()
                    == 1
            })
    };
    if !alone(&lines) {
        return lines;
    }
    let n = lines.len();
    let step = Length::pt(0.5);
    let mut best = lines;
    let mut trial = width - step;
    while trial > width * 0.4 {
        let next = break_lines(glyphs, trial, trial);
        let fits = next
            .iter()
            .all(|l| l.width - l.compress <= trial + Length::pt(0.01));
        if next.len() != n || !fits {
            break;
        }
        let done = !alone(&next);
        best = next;
        if done {
            break;
        }
        trial -= step;
    }
    best
}

impl Measured {
    /// Measures a table: shapes every cell and sizes the rows so that each
    /// cell's text fits (a cell spanning rows grows its last row).
    pub fn new(t: &Table, book: &FontBook, chains: &Chains) -> Result<Measured, Diagnostic> {
        let mut edges = vec![Length::ZERO];
        for w in &t.columns {
            let last = edges[edges.len() - 1];
            edges.push(last + *w);
        }
        let (rows, cols) = (t.grid.rows, t.grid.cols);
        let mut cells = Vec::new();
        let mut owner = vec![usize::MAX; rows * cols];
        for (r, c, cell) in t.grid.cells() {
            // Horizontal glyphs are kept for a piece too short for its
            // vertical label, which is set across.
            let glyphs = shape(&cell.spans, book, chains, None)?;
            let width = (edges[c + cell.colspan] - edges[c] - t.pad_x * 2.0).max(Length::pt(1.0));
            let content = if cell.vertical {
                let upright = shape_vertical(&cell.spans, book, chains)?;
                content(&upright, &cell.style, true, width)
            } else {
                content(&glyphs, &cell.style, false, width)
            };
            for rr in r..r + cell.rowspan {
                for cc in c..c + cell.colspan {
                    owner[rr * cols + cc] = cells.len();
                }
            }
            cells.push(MCell {
                row: r,
                col: c,
                rowspan: cell.rowspan,
                colspan: cell.colspan,
                cell: cell.clone(),
                glyphs,
                content,
            });
        }
        let mut m = Measured {
            edges,
            heights: vec![t.min_row_height; rows],
            cells,
            header_rows: t.header_rows,
            keep_with_next: t.keep_with_next.clone(),
            rule: t.rule,
            pad_x: t.pad_x,
            pad_y: t.pad_y,
            owner,
            cols,
        };
        m.size_rows();
        Ok(m)
    }

    /// Checks that every cell's text fits on a page `page` tall: a body
    /// cell below the header rows, which repeat on every page; the header
    /// with the shortest body row under it. Else a `limit` error naming
    /// the cell, carrying its text so the engine can point at the data.
    ///
    /// Refused rather than continued on the next page: rows never split
    /// (the DOCX marks them `cantSplit` and Word keeps them whole too), so
    /// a cell continued across pages would part the PDF from the DOCX and
    /// break the form's grid; and a cell's text taller than a page is, in
    /// a report's form, a slip in the data (a label of a thousand
    /// characters), which the user wants named at its JSON path, not set
    /// in a row pages long. Either way no character is cut silently.
    pub fn fits(&self, page: Length) -> Result<(), Diagnostic> {
        let eps = Length::pt(0.01);
        let head = self.header_rows.min(self.heights.len());
        let header_h: Length = self.heights[..head].iter().copied().sum();
        for (i, c) in self.cells.iter().enumerate() {
            if c.row >= head && self.need(i) > page - header_h + eps {
                return Err(self.too_tall(i, page - header_h));
            }
        }
        let shortest = self.heights[head..]
            .iter()
            .copied()
            .fold(None, |m: Option<Length>, h| Some(m.map_or(h, |m| m.min(h))))
            .unwrap_or(Length::ZERO);
        let over = header_h + shortest - page;
        if over > eps {
            let tallest = (0..self.cells.len())
                .filter(|&i| self.cells[i].row < head)
                .max_by(|&a, &b| self.need(a).to_pt().total_cmp(&self.need(b).to_pt()));
            if let Some(i) = tallest {
                return Err(self.too_tall(i, self.need(i) - over));
            }
        }
        Ok(())
    }

    fn too_tall(&self, i: usize, room: Length) -> Diagnostic {
        let c = &self.cells[i];
        let text = crate::doc::plain(&c.cell.spans);
        let mut head: String = text.chars().take(20).collect();
        if text.chars().count() > 20 {
            head.push('…');
        }
        let (need, room) = (self.need(i).to_mm(), room.max(Length::ZERO).to_mm());
        let (r, col) = (c.row + 1, c.col + 1);
        let mut d = Diagnostic::input(
            Code::Limit,
            tr(
                format!(
                    "表格第{r}行第{col}列单元格的文字太长，一页排不下：需要 {need:.0} 毫米，\
                     一页只有 {room:.0} 毫米（表格的行不跨页，文字也不截断）：“{head}”"
                ),
                format!(
                    "the text of the table cell at row {r}, column {col} is too long for a \
                     page: it needs {need:.0} mm, a page holds {room:.0} mm (table rows never \
                     split across pages, and text is never cut): “{head}”"
                ),
            ),
        )
        .with_hint(tr(
            "缩短这段文字，例如 labels 里给这个标签的写法",
            "shorten this text, e.g. the wording given for this label in labels",
        ));
        d.source_text = Some(text);
        d
    }

    fn inner_width(&self, c: &MCell) -> Length {
        (self.edges[c.col + c.colspan] - self.edges[c.col] - self.pad_x * 2.0).max(Length::pt(1.0))
    }

    /// The height a cell needs, padding included.
    pub fn need(&self, i: usize) -> Length {
        self.cells[i].content.height() + self.pad_y * 2.0
    }

    /// The height of the rows that open the table on a page: the header
    /// rows, then the body rows up to the first one that may end a page,
    /// that is, past the rows kept with the next (the caption rows
    /// 第二十条第（一）项 and their column headings, which are body rows
    /// of table 二, not header rows) and past any break [`Self::break_before`]
    /// would move up (a merged label cut too short). The flow places at
    /// least these rows once it starts the table on a page, so a heading
    /// kept with this much is never left alone.
    pub fn lead(&self) -> Length {
        let rows = self.heights.len();
        let start = self.header_rows.min(rows);
        let end = (start + 1..rows)
            .find(|&e| {
                !self.keep_with_next.get(e - 1).copied().unwrap_or(false)
                    && self.break_before(start, e) == e
            })
            .unwrap_or(rows);
        self.heights[..end].iter().copied().sum()
    }

    /// The cells that span rows across the boundary before row `r`.
    pub fn spanning(&self, r: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.cells.len()).filter(move |&i| {
            let c = &self.cells[i];
            c.row < r && r < c.row + c.rowspan
        })
    }

    /// The row to break before, at or above `end`, such that no cell
    /// spanning the break leaves a piece too short for its label on
    /// either side; rows before `start` are on an earlier page.
    pub fn break_before(&self, start: usize, mut end: usize) -> usize {
        let short = |i: usize, e: usize| {
            let c = &self.cells[i];
            let above: Length = self.heights[c.row.max(start)..e].iter().copied().sum();
            let below: Length = self.heights[e..c.row + c.rowspan].iter().copied().sum();
            above < self.need(i) || below < self.need(i)
        };
        while end > start && end < self.heights.len() {
            let Some(i) = self
                .spanning(end)
                .find(|&i| short(i, end) && self.cells[i].row >= start)
            else {
                break;
            };
            let first = self.cells[i].row.max(start);
            let mut e = end;
            while e > first + 1 && short(i, e) {
                e -= 1;
            }
            end = if short(i, e) { first } else { e };
        }
        end
    }

    fn size_rows(&mut self) {
        let mut order: Vec<usize> = (0..self.cells.len()).collect();
        order.sort_by_key(|&i| self.cells[i].rowspan);
        for i in order {
            let need = self.need(i);
            let c = &self.cells[i];
            let rows = c.row..c.row + c.rowspan;
            let have: Length = self.heights[rows.clone()].iter().copied().sum();
            if need > have {
                self.heights[rows.end - 1] += need - have;
            }
        }
    }

    pub fn width(&self) -> Length {
        self.edges[self.edges.len() - 1]
    }

    /// Adds the table to the structure: a `Table`, a `TR` per grid row,
    /// each cell under the row it starts in, with its spans. Returns each
    /// cell's tag, by index into `cells`, for [`Measured::draw`].
    pub fn tag(&self, s: &mut Structure) -> Vec<Tag> {
        let table = s.add(Kind::Table, Structure::ROOT);
        let mut tags = vec![Tag::Artifact; self.cells.len()];
        for r in 0..self.heights.len() {
            let row = s.add(Kind::Row, table);
            for (i, c) in self.cells.iter().enumerate().filter(|(_, c)| c.row == r) {
                let kind = cell_kind(&c.cell, c.rowspan, c.colspan);
                tags[i] = Tag::Node(s.add(kind, row));
            }
        }
        tags
    }

    /// Draws rows `visible` (grid row indices, top to bottom, consecutive
    /// within each run) with the table's left edge at `x` and its top at
    /// `y`; returns the items. A cell's text is tagged with its node from
    /// `tags` the first time it is drawn; drawn again (a header row
    /// repeated on the next page, the second piece of a cell a page break
    /// cut) it is an artifact, so the text reads once.
    pub fn draw(&self, visible: &[usize], x: Length, y: Length, tags: &mut [Tag]) -> Vec<Item> {
        let mut items = Vec::new();
        let mut tops = Vec::with_capacity(visible.len() + 1);
        let mut yy = y;
        for &r in visible {
            tops.push(yy);
            yy += self.heights[r];
        }
        tops.push(yy);
        // The piece of each cell on this page: a cell and the visible run of
        // its rows. Two runs of one cell (header, then body) are two pieces.
        let piece = |k: usize, c: usize| -> (usize, usize) {
            let owner = self.owner[visible[k] * self.cols + c];
            let mut start = k;
            while start > 0
                && visible[start - 1] + 1 == visible[start]
                && self.owner[visible[start - 1] * self.cols + c] == owner
            {
                start -= 1;
            }
            (owner, start)
        };
        let n = visible.len();
        let mut drawn = std::collections::BTreeSet::new();
        for k in 0..n {
            for c in 0..self.cols {
                let (owner, start) = piece(k, c);
                if !drawn.insert((owner, start)) {
                    continue;
                }
                let mut end = start + 1;
                while end < n && piece(end, c) == (owner, start) {
                    end += 1;
                }
                let cell = &self.cells[owner];
                let x0 = x + self.edges[cell.col];
                let tag = std::mem::replace(&mut tags[owner], Tag::Artifact);
                let h = tops[end] - tops[start];
                self.draw_text(cell, x0, tops[start], h, tag, &mut items);
            }
        }
        self.draw_rules(visible, &piece, &tops, x, &mut items);
        items
    }

    fn draw_text(
        &self,
        cell: &MCell,
        x0: Length,
        y0: Length,
        height: Length,
        tag: Tag,
        items: &mut Vec<Item>,
    ) {
        let inner_w = self.inner_width(cell);
        let inner_h = height - self.pad_y * 2.0;
        let mut content = std::borrow::Cow::Borrowed(&cell.content);
        if content.height() > inner_h && cell.cell.vertical {
            // A piece too short for its vertical label: set it across.
            content = std::borrow::Cow::Owned(self::content(
                &cell.glyphs,
                &cell.cell.style,
                false,
                inner_w,
            ));
        }
        let mut scale = 1.0;
        while content.height() > inner_h && scale > 0.5 {
            // Still too short (a sliver of a cut cell): set it smaller
            // rather than across the rules.
            scale -= 0.1;
            let glyphs: Vec<Glyph> = cell.glyphs.iter().map(|g| scaled(g, scale)).collect();
            let mut style = cell.cell.style.clone();
            style.text.size = style.text.size * scale;
            style.line_pitch = style.line_pitch * scale;
            content = std::borrow::Cow::Owned(self::content(&glyphs, &style, false, inner_w));
        }
        let free = (inner_h - content.height()).max(Length::ZERO);
        let offset = match cell.cell.valign {
            VAlign::Top => Length::ZERO,
            VAlign::Middle => free / 2.0,
            VAlign::Bottom => free,
        };
        let mut top = y0 + self.pad_y + offset;
        for (glyphs, xs) in &content.lines {
            let baseline = top + content.pitch / 2.0 + content.size * 0.38;
            push_runs(glyphs, xs, x0 + self.pad_x, baseline, tag, items);
            top += content.pitch;
        }
    }

    fn draw_rules(
        &self,
        visible: &[usize],
        piece: &dyn Fn(usize, usize) -> (usize, usize),
        tops: &[Length],
        x: Length,
        items: &mut Vec<Item>,
    ) {
        let n = visible.len();
        let w = self.rule;
        // Horizontal edges: above row k, at column c, where the pieces differ.
        for (k, &y) in tops.iter().enumerate() {
            let mut run: Option<usize> = None;
            for c in 0..=self.cols {
                let edge = c < self.cols && (k == 0 || k == n || piece(k - 1, c) != piece(k, c));
                match (edge, run) {
                    (true, None) => run = Some(c),
                    (false, Some(s)) => {
                        items.push(Item::Rule(Rule {
                            x1: x + self.edges[s],
                            y1: y,
                            x2: x + self.edges[c],
                            y2: y,
                            width: w,
                        }));
                        run = None;
                    }
                    _ => {}
                }
            }
        }
        // Vertical edges: left of column c, at row k, where the pieces differ.
        for c in 0..=self.cols {
            let mut run: Option<usize> = None;
            for k in 0..=n {
                let edge = k < n && (c == 0 || c == self.cols || piece(k, c - 1) != piece(k, c));
                match (edge, run) {
                    (true, None) => run = Some(k),
                    (false, Some(s)) => {
                        let xx = x + self.edges[c];
                        items.push(Item::Rule(Rule {
                            x1: xx,
                            y1: tops[s],
                            x2: xx,
                            y2: tops[k],
                            width: w,
                        }));
                        run = None;
                    }
                    _ => {}
                }
            }
        }
    }
}

fn scaled(g: &Glyph, k: f64) -> Glyph {
    Glyph {
        size: g.size * k,
        advance: g.advance * k,
        natural: g.natural * k,
        ..g.clone()
    }
}

/// Groups a line's glyphs into runs of one face, size and weight, skipping
/// what is not drawn, and pushes them at `x0` on `baseline`, tagged `tag`.
pub fn push_runs(
    glyphs: &[Glyph],
    xs: &[Length],
    x0: Length,
    baseline: Length,
    tag: Tag,
    items: &mut Vec<Item>,
) {
    let mut run: Option<TextRun> = None;
    for (g, x) in glyphs.iter().zip(xs) {
        if g.is_newline() || g.is_hint() || g.gid == 0 {
            continue;
        }
        let placed = PlacedGlyph {
            c: g.c,
            gid: g.gid,
            x: x0 + *x,
            advance: g.natural,
        };
        match &mut run {
            Some(r) if r.face == g.face && r.size == g.size && r.bold == g.bold => {
                r.glyphs.push(placed)
            }
            _ => {
                if let Some(r) = run.take() {
                    items.push(Item::Text(r));
                }
                run = Some(TextRun {
                    face: g.face,
                    size: g.size,
                    bold: g.bold,
                    baseline,
                    glyphs: vec![placed],
                    tag,
                });
            }
        }
    }
    if let Some(r) = run {
        items.push(Item::Text(r));
    }
}
