//! Resolving, with the fonts, what every writer must place alike.
//!
//! In: a document tree as the markup built it, the font book and the role
//! chains. Out: the same tree with the title's printed lines decided (a
//! long line broken as [`super::title`] breaks it) and the signature's
//! insets measured. The PDF lays out these lines, the DOCX writes them
//! with `w:br` between them and the HTML with `<br>`, so the three break
//! the title at the same places; the DOCX sets its signature's right
//! indents from the same insets the PDF draws at.

use super::shape::{shape, width};
use super::title::balanced;
use crate::diag::Diagnostic;
use crate::doc::{Block, Document, Page, ParaStyle, Resolved, SignatureInsets, Span};
use crate::fonts::{Chains, FontBook};

/// Resolves the title lines and signature insets of `doc`.
pub fn resolve(
    mut doc: Document,
    book: &FontBook,
    chains: &Chains,
) -> Result<Resolved, Diagnostic> {
    let page = doc.page.clone();
    for block in &mut doc.blocks {
        match block {
            Block::Title { lines, .. } => {
                let mut out = Vec::with_capacity(lines.len());
                for line in lines.iter() {
                    out.extend(title_lines(line, &page, book, chains)?);
                }
                *lines = out;
            }
            Block::Signature {
                unit,
                date,
                style,
                insets,
            } => *insets = signature_insets(unit, date, style, &page, book, chains)?,
            _ => {}
        }
    }
    Ok(Resolved::new(doc))
}

/// One given title line → its printed lines, each a list of runs.
fn title_lines(
    line: &[Span],
    page: &Page,
    book: &FontBook,
    chains: &Chains,
) -> Result<Vec<Vec<Span>>, Diagnostic> {
    let glyphs = shape(line, book, chains, None)?;
    let ranges = balanced(&glyphs, page.text_width);
    if ranges.len() <= 1 {
        return Ok(vec![line.to_vec()]);
    }
    // One glyph per character, in run order: a glyph range is a
    // character range across the runs.
    Ok(ranges.into_iter().map(|r| slice_runs(line, r)).collect())
}

/// The characters `range` of the runs, as runs, without break hints at
/// the line's ends.
fn slice_runs(spans: &[Span], range: std::ops::Range<usize>) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = 0;
    for span in spans {
        let n = span.text.chars().count();
        let (from, to) = (range.start.max(at), range.end.min(at + n));
        if from < to {
            let text: String = span.text.chars().skip(from - at).take(to - from).collect();
            out.push(Span {
                text,
                ..span.clone()
            });
        }
        at += n;
    }
    if let Some(first) = out.first_mut() {
        first.text = first.text.trim_start_matches('\u{200B}').to_string();
    }
    if let Some(last) = out.last_mut() {
        last.text = last.text.trim_end_matches('\u{200B}').to_string();
    }
    out.retain(|s| !s.text.is_empty());
    out
}

/// 署名 centred over 成文日期, the date 右空四字 (GB/T 9704 7.3.5); the
/// unit never closer than two characters to the edge.
fn signature_insets(
    unit: &[Span],
    date: &[Span],
    style: &ParaStyle,
    page: &Page,
    book: &FontBook,
    chains: &Chains,
) -> Result<SignatureInsets, Diagnostic> {
    let k = page.grid_factor(style.text.size);
    let uw = width(&shape(unit, book, chains, k)?);
    let dw = width(&shape(date, book, chains, k)?);
    let ch = page.grid_pitch();
    let date_inset = ch * 4.0;
    Ok(SignatureInsets {
        unit: (date_inset + (dw - uw) / 2.0).max(ch * 2.0),
        date: date_inset,
    })
}
