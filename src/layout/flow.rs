//! The flow: blocks onto pages (the *finalize* step).
//!
//! In: the document's blocks. Out: [`Laid`] pages. Implements the page
//! rules of GB/T 9704 and of good book typesetting:
//! - body lines on the document grid (28 characters, 28.95 pt pitch);
//! - the title centred, a long line broken into balanced lines, at a
//!   `<wbr/>` hint when there is one (7.3.1);
//! - no single line of a paragraph alone at the foot or top of a page
//!   (orphans and widows);
//! - a heading never alone at the foot of a page: kept with the first
//!   lines of the paragraph after it, the opening rows of the table after
//!   it (header, caption rows and first data row), the signature, or the
//!   next heading and what that one keeps with;
//! - table rows never split; header rows repeated on every page; a
//!   caption row (第二十条第（一）项, column headings) never ends a page;
//! - 署名 centred over 成文日期, the date 右空四字 (7.3.5); a 署名 too long
//!   for the line broken by the paragraph breaker (禁则 and all) into
//!   lines flush right at 右空二字, the date below it, all inside the 版心;
//! - page numbers "— N —" 7 mm below the 版心, odd right, even left (7.5).

mod furniture;

use super::linebreak::{place, Line, LineAlign};
use super::shape::{shape, width, Glyph};
use super::table::{push_runs, Measured};
use super::tags::{Kind, Structure, Tag};
use super::totalfit::break_lines;
use super::{Laid, LaidPage};
use crate::diag::Diagnostic;
use crate::doc::{plain, Align, Block, Document, Page, ParaStyle, SignatureInsets, Span, Table};
use crate::fonts::{Chains, FontBook};
use crate::units::Length;
use std::collections::BTreeMap;

/// Where the baseline sits in a line: the em box centred in the pitch,
/// with the ideographic baseline 0.12 em above the box's bottom (the
/// usual CJK font design: ascent 0.88, descent 0.12).
fn baseline_in(pitch: Length, size: Length) -> Length {
    pitch / 2.0 + size * 0.38
}

/// The most pages a document may have.
pub const MAX_PAGES: usize = 5_000;

#[derive(Debug)]
pub struct Flow<'a> {
    doc: &'a Document,
    book: &'a FontBook,
    chains: &'a Chains,
    page: &'a Page,
    pages: Vec<LaidPage>,
    cur: LaidPage,
    /// Distance from the top of the text block.
    y: Length,
    outline: Vec<(String, usize)>,
    /// A table measured ahead (to keep a heading with it), by block index,
    /// so that it is measured once.
    measured: Option<(usize, Measured)>,
    /// Paragraphs and headings broken into lines ahead (to keep a heading
    /// with them), by block index, so that each is broken once.
    ahead: BTreeMap<usize, Para>,
    /// The logical structure so far, and the tag of the text being placed.
    structure: Structure,
    tag: Tag,
    /// A draft's mark, read first (on the first page; an artifact on the
    /// others), so that a screen reader says what a sighted reader sees.
    draft_tag: Tag,
}

/// A paragraph's lines, ready to place.
#[derive(Debug)]
struct Para {
    glyphs: Vec<Glyph>,
    lines: Vec<Line>,
    style: ParaStyle,
}

impl<'a> Flow<'a> {
    pub fn new(doc: &'a Document, book: &'a FontBook, chains: &'a Chains) -> Flow<'a> {
        let page = &doc.page;
        Flow {
            doc,
            book,
            chains,
            page,
            pages: Vec::new(),
            cur: LaidPage::default(),
            y: Length::ZERO,
            outline: Vec::new(),
            measured: None,
            ahead: BTreeMap::new(),
            structure: Structure::default(),
            tag: Tag::Artifact,
            draft_tag: Tag::Artifact,
        }
    }

    pub fn run(mut self) -> Result<Laid, Diagnostic> {
        if self.doc.meta.draft {
            self.draft_tag = self.structure.block(Kind::Paragraph);
        }
        let blocks = &self.doc.blocks;
        for (i, block) in blocks.iter().enumerate() {
            self.check_pages()?;
            match block {
                Block::Title { lines, style } => {
                    self.tag = self.structure.block(Kind::Heading(1));
                    self.title(lines, style)?
                }
                Block::Heading {
                    level,
                    spans,
                    style,
                    outline,
                } => {
                    // The title is H1, so 一、 is H2 and so on down.
                    self.tag = self.structure.block(Kind::Heading(level.saturating_add(1)));
                    let para = self.para_at(i, spans, style)?;
                    self.keep_with_next(&para, i)?;
                    if *outline {
                        self.outline.push((plain(spans), self.pages.len()));
                    }
                    self.place_para(&para)?;
                }
                Block::Paragraph { spans, style } => {
                    self.tag = self.structure.block(Kind::Paragraph);
                    let para = self.para_at(i, spans, style)?;
                    self.place_para(&para)?;
                }
                Block::Signature {
                    unit,
                    date,
                    style,
                    insets,
                } => {
                    self.tag = self.structure.block(Kind::Paragraph);
                    self.signature(unit, date, style, *insets)?
                }
                Block::PageBreak => self.new_page(),
                Block::Table(t) => {
                    let m = self.measure(i, t)?;
                    let mut tags = m.tag(&mut self.structure);
                    self.table(&m, &mut tags)?
                }
            }
        }
        self.pages.push(std::mem::take(&mut self.cur));
        self.page_numbers()?;
        self.draft_marks()?;
        Ok(Laid {
            width: self.page.width,
            height: self.page.height,
            pages: self.pages,
            outline: self.outline,
            meta: self.doc.meta.clone(),
            structure: self.structure,
        })
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.cur));
        self.y = Length::ZERO;
    }

    /// Refuses a document that runs past [`MAX_PAGES`], rather than
    /// spending minutes and gigabytes on it.
    fn check_pages(&self) -> Result<(), Diagnostic> {
        if self.pages.len() >= MAX_PAGES {
            return Err(Diagnostic::input(
                crate::diag::Code::Limit,
                crate::diag::tr(
                    format!("文件超过 {MAX_PAGES} 页，这是上限"),
                    format!("the document runs past {MAX_PAGES} pages; that is the limit"),
                ),
            ));
        }
        Ok(())
    }

    fn room(&self) -> Length {
        self.page.text_height - self.y
    }

    /// The grid factor for a style: body-sized text keeps to the grid.
    fn wide_pitch(&self, style: &ParaStyle) -> Option<f64> {
        self.page.grid_factor(style.text.size)
    }

    fn para(&self, spans: &[Span], style: &ParaStyle) -> Result<Para, Diagnostic> {
        let glyphs = shape(spans, self.book, self.chains, self.wide_pitch(style))?;
        let w = self.page.text_width;
        let lines = break_lines(&glyphs, w - style.first_line_indent, w);
        Ok(Para {
            glyphs,
            lines,
            style: style.clone(),
        })
    }

    /// The paragraph or heading of block `i`, broken into lines, or taken
    /// from those prepared ahead.
    fn para_at(&mut self, i: usize, spans: &[Span], style: &ParaStyle) -> Result<Para, Diagnostic> {
        match self.ahead.remove(&i) {
            Some(p) => Ok(p),
            None => self.para(spans, style),
        }
    }

    /// Moves to a new page when the heading `para` (block `i`) and the
    /// start of what follows it ([`Self::lead`]) do not fit below: a
    /// heading alone at a page's foot is a typesetting fault.
    ///
    /// Keeping wins over filling the page. What moves is the heading (a
    /// chain of headings as one) with a paragraph's first lines, a table's
    /// caption, header and first row, or the signature: a few lines with
    /// the built-in template. Only a template whose table opens with rows
    /// taller than half a page could leave a page more than half empty,
    /// and keeping still wins: a heading or caption alone at a page's foot
    /// is a fault every reader of a 公文 sees, a short page before a new
    /// section is not. When heading and lead could not share even an
    /// empty page, the heading stays: moving it would gain nothing.
    fn keep_with_next(&mut self, para: &Para, i: usize) -> Result<(), Diagnostic> {
        let need = self.heading_height(para) + self.lead(i + 1)?;
        let eps = Length::pt(0.01);
        if self.y > Length::ZERO
            && self.y + need > self.page.text_height + eps
            && need <= self.page.text_height + eps
        {
            self.new_page();
        }
        Ok(())
    }

    /// The height a heading takes: its space before, its lines and its
    /// space after.
    fn heading_height(&self, p: &Para) -> Length {
        p.style.space_before + p.style.line_pitch * p.lines.len() as f64 + p.style.space_after
    }

    /// The height the blocks from `next` on must have at the foot of a
    /// page for a heading before them not to be left alone there, as the
    /// flow will place them: a paragraph's first lines (as many as
    /// [`lines_here`] puts at a page's foot: two, or all of a paragraph of
    /// three or fewer, since one would be an orphan and two of three leave
    /// a widow); a heading with what it keeps with in turn (a heading
    /// followed by a heading followed by a table keeps all three); a
    /// table's opening rows ([`Measured::lead`]); the whole signature
    /// (after a section left empty). The blocks prepared here
    /// are kept for when they are placed.
    fn lead(&mut self, next: usize) -> Result<Length, Diagnostic> {
        Ok(match self.doc.blocks.get(next) {
            Some(Block::Paragraph { spans, style }) => {
                let p = self.para_at(next, spans, style)?;
                let n = p.lines.len();
                let first = (1..=n).find(|&fit| lines_here(fit, 0, n) > 0).unwrap_or(n);
                let h = style.space_before + style.line_pitch * first as f64;
                self.ahead.insert(next, p);
                h
            }
            Some(Block::Heading { spans, style, .. }) => {
                let p = self.para_at(next, spans, style)?;
                let h = self.heading_height(&p);
                self.ahead.insert(next, p);
                h + self.lead(next + 1)?
            }
            Some(Block::Signature {
                unit,
                style,
                insets,
                ..
            }) => {
                // Set whole on one page: all of it follows the heading.
                let (_, lines) = self.signature_unit(unit, style, *insets)?;
                style.space_before + style.line_pitch * (lines.len() + 1) as f64
            }
            Some(Block::Table(t)) => {
                let m = self.measure(next, t)?;
                let h = m.lead();
                self.measured = Some((next, m));
                h
            }
            _ => Length::ZERO,
        })
    }

    /// The table of block `i`, measured, or taken from the one measured
    /// ahead.
    fn measure(&mut self, i: usize, t: &Table) -> Result<Measured, Diagnostic> {
        match self.measured.take() {
            Some((j, m)) if j == i => Ok(m),
            _ => {
                let m = Measured::new(t, self.book, self.chains)?;
                m.fits(self.page.text_height)?;
                Ok(m)
            }
        }
    }

    /// Places a paragraph's lines, moving to a new page as they fill, never
    /// leaving one line of it alone at the foot or the top of a page.
    fn place_para(&mut self, p: &Para) -> Result<(), Diagnostic> {
        let pitch = p.style.line_pitch;
        if self.y > Length::ZERO {
            self.y += p.style.space_before;
        }
        let mut next = 0;
        let n = p.lines.len();
        while next < n {
            let fit = ((self.room() + Length::pt(0.01)) / pitch).floor().max(0.0) as usize;
            let mut take = lines_here(fit, next, n);
            if take == 0 {
                if self.y == Length::ZERO {
                    take = 1; // a page too short for a line: place it anyway
                } else {
                    self.new_page();
                    continue;
                }
            }
            for k in next..next + take {
                self.place_line(p, k);
                self.y += pitch;
            }
            next += take;
            if next < n {
                self.new_page();
                self.check_pages()?;
            }
        }
        self.y += p.style.space_after;
        Ok(())
    }

    fn place_line(&mut self, p: &Para, k: usize) {
        let line = &p.lines[k];
        let indent = if k == 0 {
            p.style.first_line_indent
        } else {
            Length::ZERO
        };
        let avail = self.page.text_width - indent;
        let xs = place(&p.glyphs, line, avail, line_align(p.style.align));
        let baseline =
            self.page.margin_top + self.y + baseline_in(p.style.line_pitch, p.style.text.size);
        let x0 = self.page.margin_left + indent;
        push_runs(
            &p.glyphs[line.start..line.end],
            &xs,
            x0,
            baseline,
            self.tag,
            &mut self.cur.items,
        );
    }

    /// The title: each given line centred; a line wider than the measure
    /// broken into balanced lines (GB/T 9704 7.3.1: 回行时要做到词意完整，
    /// 排列对称).
    fn title(&mut self, lines: &[Vec<Span>], style: &ParaStyle) -> Result<(), Diagnostic> {
        let w = self.page.text_width;
        let mut all = Vec::new();
        for spans in lines {
            let glyphs = shape(spans, self.book, self.chains, None)?;
            for range in super::title::balanced(&glyphs, w) {
                all.push(glyphs[range].to_vec());
            }
        }
        if self.y > Length::ZERO {
            self.y += style.space_before;
        }
        for glyphs in all {
            if self.room() < style.line_pitch && self.y > Length::ZERO {
                self.new_page();
            }
            self.put_line(&glyphs, self.page.margin_left, w, LineAlign::Center, style);
        }
        self.y += style.space_after;
        Ok(())
    }

    /// 署名 and 成文日期 (GB/T 9704 7.3.5), each ending where
    /// `layout::resolve` measured it: the date 右空四字, the unit centred
    /// over it. A unit wider than the line left of its inset (a long
    /// office name with its parenthesised second name) is broken as body
    /// text is, with the 禁则, into lines flush right at that inset: it
    /// stays inside the 版心 and every character is printed, as Word
    /// wraps the DOCX's right-aligned paragraph at the same indent.
    fn signature(
        &mut self,
        unit: &[Span],
        date: &[Span],
        style: &ParaStyle,
        insets: SignatureInsets,
    ) -> Result<(), Diagnostic> {
        let pitch = style.line_pitch;
        let k = self.wide_pitch(style);
        let (unit, unit_lines) = self.signature_unit(unit, style, insets)?;
        let date = shape(date, self.book, self.chains, k)?;
        let right = self.page.margin_left + self.page.text_width;
        let unit_avail = (self.page.text_width - insets.unit).max(Length::ZERO);
        let need = style.space_before + pitch * (unit_lines.len() + 1) as f64;
        if self.y + need > self.page.text_height && self.y > Length::ZERO {
            self.new_page();
        }
        if self.y > Length::ZERO {
            self.y += style.space_before;
        }
        for line in &unit_lines {
            let xs = place(&unit, line, unit_avail, LineAlign::Right);
            let x0 = right - insets.unit - unit_avail;
            let baseline = self.page.margin_top + self.y + baseline_in(pitch, style.text.size);
            push_runs(
                &unit[line.start..line.end],
                &xs,
                x0,
                baseline,
                self.tag,
                &mut self.cur.items,
            );
            self.y += pitch;
        }
        let x = right - insets.date - width(&date);
        self.tag = self.structure.block(Kind::Paragraph);
        self.put_line(&date, x, width(&date), LineAlign::Left, style);
        self.y += style.space_after;
        Ok(())
    }

    /// The 署名 shaped and broken into its lines: one, or as many as a
    /// unit wider than the line left of its inset needs.
    fn signature_unit(
        &self,
        unit: &[Span],
        style: &ParaStyle,
        insets: SignatureInsets,
    ) -> Result<(Vec<Glyph>, Vec<Line>), Diagnostic> {
        let unit = shape(unit, self.book, self.chains, self.wide_pitch(style))?;
        let avail = (self.page.text_width - insets.unit).max(Length::ZERO);
        let lines = if width(&unit) > avail + Length::pt(0.01) {
            break_lines(&unit, avail, avail)
        } else {
            vec![Line::whole(&unit)]
        };
        Ok((unit, lines))
    }

    /// Draws one unbroken line at the current position, aligned in `avail`
    /// from `x0`, and moves down a line.
    fn put_line(
        &mut self,
        glyphs: &[Glyph],
        x0: Length,
        avail: Length,
        align: LineAlign,
        style: &ParaStyle,
    ) {
        let xs = place(glyphs, &Line::whole(glyphs), avail, align);
        let baseline =
            self.page.margin_top + self.y + baseline_in(style.line_pitch, style.text.size);
        push_runs(glyphs, &xs, x0, baseline, self.tag, &mut self.cur.items);
        self.y += style.line_pitch;
    }

    /// A table, row by row: rows never split, header rows repeated at the
    /// top of every page the table continues on, and never left alone.
    fn table(&mut self, m: &Measured, tags: &mut [Tag]) -> Result<(), Diagnostic> {
        let x = self.page.margin_left + (self.page.text_width - m.width()).max(Length::ZERO) / 2.0;
        let header: Vec<usize> = (0..m.header_rows.min(m.heights.len())).collect();
        let header_h: Length = header.iter().map(|&r| m.heights[r]).sum();
        let rows = m.heights.len();
        let mut next = header.len();
        if next >= rows {
            self.place_rows(m, &header, x, tags);
            return Ok(());
        }
        while next < rows {
            let first_h = m.heights[next];
            if self.y > Length::ZERO && header_h + first_h > self.room() {
                self.new_page();
            }
            let start = next;
            let mut used = header_h;
            while next < rows
                && (used + m.heights[next] <= self.room() + Length::pt(0.01) || next == start)
            {
                used += m.heights[next];
                next += 1;
            }
            // A row that keeps with the next (a group's heading) does not
            // end a page: it moves over with what follows it. Nor does a
            // page break cut a cell spanning rows where one of its pieces
            // would be too short for its label: the break moves up until
            // both pieces are tall enough, or, when none is, to the row
            // the cell starts in. Each move may undo the other's, so both
            // are applied until the break stays put.
            let mut end = next;
            loop {
                let was = end;
                while end < rows && end > start && m.keep_with_next[end - 1] {
                    end -= 1;
                }
                end = m.break_before(start, end);
                if end == was {
                    break;
                }
            }
            if end == start && next < rows && self.y > Length::ZERO {
                next = start;
                self.new_page();
                continue;
            }
            if end > start {
                next = end;
            }
            let visible: Vec<usize> = header.iter().copied().chain(start..next).collect();
            self.place_rows(m, &visible, x, tags);
            if next < rows {
                self.new_page();
                self.check_pages()?;
            }
        }
        Ok(())
    }

    fn place_rows(&mut self, m: &Measured, visible: &[usize], x: Length, tags: &mut [Tag]) {
        let top = self.page.margin_top + self.y;
        self.cur.items.extend(m.draw(visible, x, top, tags));
        self.y += visible.iter().map(|&r| m.heights[r]).sum();
    }
}

/// How many of a paragraph's `n` lines, from line `next` on, go on a page
/// with room for `fit` lines: as many as fit, but never the paragraph's
/// first line alone at the foot (an orphan) nor its last alone at the
/// top of the next page (a widow). Zero: the page takes none of them.
fn lines_here(fit: usize, next: usize, n: usize) -> usize {
    let left = n - next;
    let mut take = fit.min(left);
    if take < left {
        // Orphan: the paragraph's first line alone at the foot.
        if next == 0 && take == 1 && left > 1 {
            take = 0;
        }
        // Widow: its last line alone at the top of the next page.
        if left - take == 1 && take >= 1 {
            take -= 1;
            if next == 0 && take == 1 {
                take = 0;
            }
        }
    }
    take
}

fn line_align(a: Align) -> LineAlign {
    match a {
        Align::Left => LineAlign::Left,
        Align::Center => LineAlign::Center,
        Align::Right => LineAlign::Right,
        Align::Justify => LineAlign::Justify,
    }
}
