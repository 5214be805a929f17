//! The OFD writer: laid-out pages → an OFD package (GB/T 33190-2016,
//! 《电子文件存储与交换格式 版式文档》), the fixed-layout format of
//! China's electronic government documents and archives.
//!
//! In: the same [`Laid`] pages the PDF writer draws, the font book and a
//! creation time. Out: the package's bytes, a zip of
//!
//! ```text
//! OFD.xml                      entry: DocInfo, and where the document is
//! Doc_0/Document.xml           CommonData (MaxUnitID, PageArea), pages, outline
//! Doc_0/PublicRes.xml          the fonts, each with its FontFile
//! Doc_0/Pages/Page_N/Content.xml   one per page (see [`page`])
//! Doc_0/Res/font_N.otf         each face, subset with its cmap (see [`font`])
//! ```
//!
//! Text is text: a `TextObject` per run, its characters in a `TextCode`
//! with the layout's `X`, `Y` and `DeltaX`, so it selects and searches as
//! in the PDF. Rules are stroked `PathObject`s. Unit IDs are numbered
//! through the document in writing order (fonts, then each page, its
//! layer and its objects). Nothing random or time-dependent goes in
//! unasked: the `DocID` derives from the content, the date from
//! `SOURCE_DATE_EPOCH` or a fixed value, and the zip's entries carry a
//! fixed timestamp, so identical input gives identical bytes.

mod font;
mod package;
mod page;

use crate::diag::Diagnostic;
use crate::fonts::{FaceIdx, FontBook};
use crate::layout::Laid;
use std::collections::{BTreeMap, BTreeSet};

/// The OFD namespace (GB/T 33190-2016, 7.1).
pub const NS: &str = "http://www.ofdspec.org/2016";

/// Options that change the bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfdOptions {
    /// Creation date, seconds since 1970 (as `SOURCE_DATE_EPOCH`); `None`
    /// writes 1970-01-01, a fixed value.
    pub created: Option<i64>,
}

/// Writes the OFD package.
pub fn write(laid: &Laid, book: &FontBook, opts: OfdOptions) -> Result<Vec<u8>, Diagnostic> {
    let mut ids = Ids(0);
    let fonts = fonts_used(laid, book, &mut ids)?;
    let failed = |e: &dyn std::fmt::Display| {
        let e = std::io::Error::other(e.to_string());
        crate::diag::cannot_each(("写出", "write"), ("OFD", "the OFD"), &e)
    };
    let paper = page::physical_box(laid);
    let mut pages = Vec::with_capacity(laid.pages.len());
    for p in &laid.pages {
        let id = ids.take();
        let xml = page::content(&p.items, &paper, &fonts, &mut ids).map_err(|e| failed(&e))?;
        pages.push((id, xml));
    }
    // The report's JSON, the document's attachment (`Attachs/report.json`).
    let data = laid.meta.data.as_ref().map(|json| &*json.0);
    let parts = package::Parts {
        laid,
        fonts: &fonts,
        pages,
        data,
        max_id: ids.0,
        created: opts.created.unwrap_or(0),
    };
    package::pack(parts).map_err(|e| failed(&e))
}

/// Unit IDs (`ST_ID`), numbered from 1 through the whole document.
#[derive(Debug)]
pub struct Ids(u32);

impl Ids {
    /// The next ID.
    pub fn take(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

/// A face as the package embeds it.
#[derive(Debug)]
pub struct UsedFont {
    /// Its unit ID, which `TextObject`s name.
    pub id: u32,
    /// Its PostScript name (`FontName`).
    pub name: String,
    /// Its family (`FamilyName`).
    pub family: String,
    /// The subset font file.
    pub subset: std::sync::Arc<font::Subset>,
    /// Each drawn character's own glyph in the face (what its `cmap`
    /// gives): a glyph placed for a character that is not its own is
    /// named by a `CGTransform`.
    pub own: BTreeMap<char, u16>,
}

/// The faces the pages use, in order of first use, each subset to the
/// glyphs drawn and each drawn character's own glyph.
fn fonts_used(
    laid: &Laid,
    book: &FontBook,
    ids: &mut Ids,
) -> Result<BTreeMap<FaceIdx, UsedFont>, Diagnostic> {
    let mut out = BTreeMap::new();
    for (idx, drawn) in laid.faces_used() {
        let mut gids: BTreeSet<u16> = drawn.iter().map(|&(g, _)| g).collect();
        let mut own = BTreeMap::new();
        for &(_, c) in &drawn {
            if own.contains_key(&c) {
                continue;
            }
            if let Some((_, gid, _)) = book.glyph(&[idx], c)? {
                own.insert(c, gid);
                gids.insert(gid);
            }
        }
        let face = book.face(idx)?;
        let subset = font::subset_face(&face, &gids)?;
        out.insert(
            idx,
            UsedFont {
                id: ids.take(),
                name: book.name(idx).to_string(),
                family: book.family(idx).to_string(),
                subset,
                own,
            },
        );
    }
    Ok(out)
}
