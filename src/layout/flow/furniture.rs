//! The page's furniture, drawn once the flow has filled the pages: the
//! page numbers and a forced render's draft mark.
//!
//! In: the flow's pages. Out: the same pages with "— N —" on each and,
//! for a draft, the mark in the 天头. Page numbers are artifacts of the
//! tagged PDF (not content a reader reads out); the draft mark is read
//! once, first, from the first page.

use super::super::linebreak::{place, Line, LineAlign};
use super::super::shape::{shape, width};
use super::super::table::push_runs;
use super::super::tags::Tag;
use super::super::Item;
use super::Flow;
use crate::diag::Diagnostic;
use crate::doc::Span;
use crate::units::Length;

impl Flow<'_> {
    /// "— N —" (GB/T 9704 7.5): 7 mm below the text block, odd pages at the
    /// right and even pages at the left, each inset one character.
    pub(super) fn page_numbers(&mut self) -> Result<(), Diagnostic> {
        let Some(pn) = self.page.page_number.clone() else {
            return Ok(());
        };
        let text_bottom = self.page.margin_top + self.page.text_height;
        // The dash sits about 0.3 em above the baseline: put it 7 mm down.
        let baseline = text_bottom + pn.below_text + pn.text.size * 0.3;
        let (left, right) = (
            self.page.margin_left,
            self.page.margin_left + self.page.text_width,
        );
        for (i, page) in self.pages.iter_mut().enumerate() {
            let n = i + 1;
            let text = pn.format.replace("{n}", &n.to_string());
            let span = Span {
                text,
                style: pn.text.clone(),
                class: None,
            };
            let glyphs = shape(std::slice::from_ref(&span), self.book, self.chains, None)?;
            let w = width(&glyphs);
            let x = match (pn.outside, n % 2 == 1) {
                (false, _) => left + (self.page.text_width - w) / 2.0,
                (true, true) => right - pn.inset - w,
                (true, false) => left + pn.inset,
            };
            let xs = place(&glyphs, &Line::whole(&glyphs), w, LineAlign::Left);
            let mut items: Vec<Item> = Vec::new();
            push_runs(&glyphs, &xs, x, baseline, Tag::Artifact, &mut items);
            page.items.extend(items);
        }
        Ok(())
    }

    /// A forced render's mark ([`crate::doc::DRAFT`]), centred in the 天头
    /// of every page, 10 mm above the text block, in the page number's
    /// face at 3号: on every page, so no page of it passes for a filed one.
    pub(super) fn draft_marks(&mut self) -> Result<(), Diagnostic> {
        if !self.doc.meta.draft {
            return Ok(());
        }
        let Some(pn) = self.page.page_number.clone() else {
            return Ok(());
        };
        let mut style = pn.text.clone();
        style.size = Length::pt(16.0);
        style.bold = true;
        let span = Span {
            text: crate::doc::DRAFT.to_string(),
            style,
            class: None,
        };
        let glyphs = shape(std::slice::from_ref(&span), self.book, self.chains, None)?;
        let w = width(&glyphs);
        let x = self.page.margin_left + (self.page.text_width - w) / 2.0;
        let baseline = self.page.margin_top - Length::mm(10.0);
        let xs = place(&glyphs, &Line::whole(&glyphs), w, LineAlign::Left);
        for (i, page) in self.pages.iter_mut().enumerate() {
            let tag = if i == 0 {
                self.draft_tag
            } else {
                Tag::Artifact
            };
            let mut items: Vec<Item> = Vec::new();
            push_runs(&glyphs, &xs, x, baseline, tag, &mut items);
            page.items.extend(items);
        }
        Ok(())
    }
}
