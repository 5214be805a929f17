//! The OFD's embedded fonts: a face and the glyphs a report drew with it
//! → a standalone OpenType (or TrueType) font file holding just those
//! glyphs, with a `cmap`.
//!
//! In: a [`Face`], the glyphs placed with it (glyph id → the character it
//! stands for) and each character's own glyph in the face. Out: a
//! [`Subset`]: the font file's bytes and every kept glyph's new id.
//!
//! GB/T 33190-2016 (11.1) has a reader find a `TextCode` character's
//! glyph through the embedded font's character map, unless a
//! `CGTransform` names the glyph. So, unlike the PDF's subset (where
//! `subsetter` drops `cmap`, since the PDF's codes are glyph ids), this
//! subset keeps a `cmap` of every kept glyph's characters, and it keeps
//! each drawn character's own glyph even where the page draws another
//! (a vertical cell's `、` drawn as `︑`): the file then covers every
//! character its text names, and the writer marks the other glyph with a
//! `CGTransform`. allsorts writes the file (the subsetter Prince uses),
//! CFF and TrueType outlines alike, with `head`, `hhea`, `hmtx`, `maxp`,
//! `name`, `OS/2` and `post` (and a TrueType face's `cvt `, `fpgm` and
//! `prep`): a font a reader can load on its own.

use crate::diag::Diagnostic;
use crate::fonts::Face;
use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// A face cut down to the glyphs a report uses.
#[derive(Debug)]
pub struct Subset {
    /// The font file.
    pub file: Vec<u8>,
    /// Old glyph id → the glyph's id in [`Subset::file`].
    pub ids: BTreeMap<u16, u16>,
    /// `true` when the file's outlines are CFF (an `.otf`), else TrueType.
    pub cff: bool,
    /// The file as the package stores it (deflated, in a zip of its own
    /// to copy the entry from), made the first time it is packed.
    pub packed: OnceLock<Vec<u8>>,
}

/// A face's subsets by the glyphs they keep. As for the PDF's (see
/// `pdf::font`), the reports of a batch draw most faces with the same
/// glyphs (headings, labels, page numbers): each subset is made, and
/// deflated, once. A batch of 300 reports to OFD spent 15 % of its time
/// in allsorts' subsetting and 45 % deflating the same font files again.
/// Bounded: when full it is emptied.
#[derive(Debug, Default)]
struct Kept(Mutex<HashMap<BTreeSet<u16>, Arc<Subset>>>);

/// The most subsets kept per face.
const KEPT: usize = 64;

/// Subsets `face` to the glyphs `gids` (the `.notdef` glyph is always
/// kept, as the first), reusing one made before for the same glyphs.
pub fn subset_face(face: &Face, gids: &BTreeSet<u16>) -> Result<Arc<Subset>, Diagnostic> {
    let kept = face.derived(Kept::default);
    if let Some(hit) = kept.0.lock().ok().and_then(|m| m.get(gids).cloned()) {
        return Ok(hit);
    }
    let made = Arc::new(cut(face, gids)?);
    if let Ok(mut m) = kept.0.lock() {
        if m.len() >= KEPT {
            m.clear();
        }
        m.insert(gids.clone(), made.clone());
    }
    Ok(made)
}

fn cut(face: &Face, gids: &BTreeSet<u16>) -> Result<Subset, Diagnostic> {
    let failed = |e: &dyn std::fmt::Debug| face.cannot_subset(&format!("{e:?}"));
    let order: Vec<u16> = std::iter::once(0)
        .chain(gids.iter().copied().filter(|&g| g != 0))
        .collect();
    let data = ReadScope::new(face.data())
        .read::<FontData<'_>>()
        .map_err(|e| failed(&e))?;
    let provider = data
        .table_provider(face.index as usize)
        .map_err(|e| failed(&e))?;
    // The tables of a standalone font, and a TrueType face's hinting
    // programs, which its glyphs' instructions call.
    let profile =
        SubsetProfile::parse_custom("cvt,fpgm,prep".to_string()).map_err(|e| failed(&e))?;
    let file = subset(&provider, &order, &profile, CmapTarget::Unicode).map_err(|e| failed(&e))?;
    let ids = order
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, new as u16))
        .collect();
    Ok(Subset {
        file,
        ids,
        cff: face.metrics.cff,
        packed: OnceLock::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{FontBook, FontOptions};

    /// The subset is a font fontdb's parser (ttf-parser) reads on its own:
    /// each kept character maps to its glyph's new id, and the new ids
    /// follow the old order after `.notdef`.
    #[test]
    fn the_subset_maps_its_characters() {
        let book = FontBook::new(&FontOptions {
            dirs: Vec::new(),
            system: false,
        })
        .expect("the bundled fonts");
        let idx = book.find("FandolFang-Regular").expect("bundled");
        let face = book.face(idx).expect("parses");
        let glyph = |c: char| book.glyph(&[idx], c).ok().flatten().expect("covered").1;
        let wanted = "政府信息公开，。2023";
        let mut gids = BTreeSet::new();
        for c in wanted.chars() {
            gids.insert(glyph(c));
        }
        let s = subset_face(&face, &gids).expect("subsets");
        assert!(s.cff);
        let parsed = ttf_parser::Face::parse(&s.file, 0).expect("a font ttf-parser reads");
        assert_eq!(usize::from(parsed.number_of_glyphs()), gids.len() + 1);
        for c in wanted.chars() {
            let new = parsed.glyph_index(c).map(|g| g.0);
            assert_eq!(new, s.ids.get(&glyph(c)).copied(), "{c}");
        }
        assert!(parsed.glyph_index('字').is_none());
    }
}
