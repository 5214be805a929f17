//! The DOCX writer: document tree → an editable Word document.
//!
//! In: a resolved [`Document`] (the title's lines and the signature's
//! insets measured by `layout::resolve`) and the stylesheet's font roles.
//! Out: the DOCX bytes. Word paginates itself, so this reads the tree, not
//! the laid-out pages: paragraphs keep Word's built-in style ids (Title,
//! Heading1, Normal) with outline levels for the navigation pane, and
//! carry the stylesheet's exact fonts (`w:eastAsia` the office name, Latin
//! in Times New Roman), sizes, exact line spacing and two-character
//! first-line indents; the page is A4 with the PDF's margins and a 22 × 28
//! document grid; tables are real Word tables (`gridSpan`, `vMerge`,
//! repeated header rows, rows that do not split).
//!
//! Which crate writes which part, and why. docx-rs (the user's choice)
//! writes the package parts it gets right: `[Content_Types].xml`, the
//! relationship parts and `docProps/app.xml`. The WordprocessingML parts
//! are written here with quick-xml, each element's children in the order
//! ECMA-376 Part 1 gives them, because every one of them as docx-rs 0.4
//! writes it fails the Open XML SDK validator or lacks what Word needs:
//! - `document.xml`: `w:gridCol` with an undeclared `w:type`, `w:tblLayout`
//!   out of order in `w:tblPr`, `w:rPr`/`w:pPr`/`w:sectPr` children out of
//!   order, no `w:tblHeader`, paragraph ids from a process-wide counter;
//! - `styles.xml`: `w:rPr` inside a style's `w:pPr` and inside
//!   `w:pPrDefault`, and a second `Normal` beside its own;
//! - `settings.xml`: `w:zoom` out of order; no 禁则 lists;
//! - the footers: the PAGE field's run without the footer's look;
//! - `fontTable.xml`: no `w:altName`, charset or panose, so Word on a
//!   machine without the 公文 fonts substitutes at random;
//! - `docProps/core.xml`: no way to set the title;
//! - no theme part at all (`word/theme/theme1.xml`, which Word writes).
//!
//! Identical input gives identical bytes: no counters, no clock but
//! [`DocxOptions::created`], the zip deflated with a fixed timestamp.

mod body;
mod package;
mod parts;
mod table;
mod theme;
mod xml;

use crate::diag::Diagnostic;
use crate::doc::Role;
use crate::doc::{Document, Resolved};
use crate::style::FontRole;
use std::collections::BTreeMap;

/// Options that change the bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocxOptions {
    /// Creation time, seconds since 1970 (`SOURCE_DATE_EPOCH`); `None`
    /// writes 1970-01-01, a fixed value.
    pub created: Option<i64>,
}

/// Writes the document as DOCX.
pub fn write(
    doc: &Resolved,
    fonts: &BTreeMap<Role, FontRole>,
    opts: DocxOptions,
) -> Result<Vec<u8>, Diagnostic> {
    build(doc, fonts, opts).map_err(|e| {
        let e = std::io::Error::other(e.to_string());
        crate::diag::cannot_each(("写出", "write"), ("DOCX", "the DOCX"), &e)
    })
}

fn build(
    doc: &Document,
    fonts: &BTreeMap<Role, FontRole>,
    opts: DocxOptions,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut w = body::Writer::new(fonts, &doc.page);
    w.draft = doc.meta.draft;
    let header = match (&doc.page.page_number, doc.meta.draft) {
        (Some(pn), true) => {
            let mut style = pn.text.clone();
            style.size = crate::units::Length::pt(16.0);
            style.bold = true;
            Some(w.draft_header(style)?)
        }
        _ => None,
    };
    w.draft = header.is_some();
    let footers = match &doc.page.page_number {
        Some(pn) => Some((w.footer(pn, true)?, w.footer(pn, false)?)),
        None => None,
    };
    let parts = package::Parts {
        document: w.document(doc, footers.is_some())?,
        styles: parts::styles(doc, &w)?,
        settings: parts::settings(footers.is_some())?,
        font_table: parts::font_table(fonts)?,
        theme: theme::theme(fonts)?,
        core: parts::core(&doc.meta, opts)?,
        footers,
        header,
    };
    Ok(package::pack(parts)?)
}

/// Twips (1/20 pt), Word's unit for lengths.
fn tw(l: crate::units::Length) -> i64 {
    l.to_twips().round() as i64
}
