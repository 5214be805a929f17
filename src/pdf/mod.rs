//! The PDF writer: laid-out pages → PDF bytes, with printpdf.
//!
//! In: [`Laid`] pages, the font book, the document's metadata and a
//! creation time. Out: the PDF. printpdf builds the document (pages,
//! content streams, metadata); the fonts are embedded here (`font`,
//! [`cff`]): every face used once, subset to the glyphs used, with widths
//! from `hmtx`. printpdf's own font path decodes every glyph outline and
//! searches the cmap per character, which was most of a report's time.
//! Text is written in reading order (`content`), one `TJ` per run with explicit
//! offsets where justification moved a glyph, so it extracts as it reads;
//! level-1 headings become the outline; `save` spells the finished
//! objects out as bytes. Nothing random goes in: font
//! tags, object order and the file ID derive from the content, so
//! identical input gives identical bytes.

mod archive;
pub mod cff;
mod content;
mod deflate;
mod font;
mod save;
mod tags;

use crate::diag::{Code, Diagnostic};
use crate::fonts::{Face, FaceIdx, FontBook};
use crate::layout::Laid;
use lopdf::{Dictionary, Object, StringFormat};
use printpdf::{FontId, Mm, PdfDocument, PdfPage, PdfSaveOptions};
use std::collections::BTreeMap;
use std::sync::Arc;

pub use archive::PdfStandard;

/// Options that change the bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct PdfOptions {
    /// Creation and modification time, seconds since 1970 (as
    /// `SOURCE_DATE_EPOCH`); `None` writes 1970-01-01, a fixed value.
    pub created: Option<i64>,
    /// The PDF/A level to conform to; `None` writes a plain (tagged) PDF.
    /// The report's JSON ([`crate::doc::Meta::data`]) is attached where
    /// the level allows: a plain PDF and PDF/A-3b (see `archive`).
    pub standard: Option<PdfStandard>,
}

/// Writes the PDF.
pub fn write(laid: &Laid, book: &FontBook, opts: PdfOptions) -> Result<Vec<u8>, Diagnostic> {
    let mut lo = document(laid, book, opts)?;
    let mut out = Vec::with_capacity(size_hint(&lo));
    save::save(&mut lo, &mut out);
    Ok(out)
}

/// The whole document as lopdf's objects, ready to be spelled out.
fn document(laid: &Laid, book: &FontBook, opts: PdfOptions) -> Result<lopdf::Document, Diagnostic> {
    let meta = &laid.meta;
    let mut doc = PdfDocument::new(&meta.title);
    doc.metadata.info.author = meta.author.clone();
    doc.metadata.info.creator = "nianbao".into();
    doc.metadata.info.producer = archive::producer();
    let when =
        printpdf::OffsetDateTime::from_unix_timestamp(opts.created.unwrap_or(0)).map_err(|e| {
            Diagnostic::input(
                Code::Output,
                crate::diag::tr(
                    format!("SOURCE_DATE_EPOCH 不可用：{e}"),
                    format!("SOURCE_DATE_EPOCH: {e}"),
                ),
            )
        })?;
    doc.metadata.info.creation_date = when;
    doc.metadata.info.modification_date = when;
    doc.metadata.info.metadata_date = when;

    let fonts = fonts_used(laid, book)?;
    let mut marks = Vec::with_capacity(laid.pages.len());
    let pages = laid
        .pages
        .iter()
        .map(|p| {
            let (ops, owners) = content::page(p.items.as_slice(), laid, &fonts);
            marks.push(owners);
            PdfPage::new(
                Mm(laid.width.to_mm() as f32),
                Mm(laid.height.to_mm() as f32),
                ops,
            )
        })
        .collect();
    doc.with_pages(pages);

    let save = PdfSaveOptions {
        optimize: true,
        // printpdf is given no fonts: `add_fonts` embeds them.
        subset_fonts: false,
        // Lets through the one operator given as `Op::Unknown`, the `TJ`
        // (see `content::run`); nothing else given is unknown.
        secure: false,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&save, &mut warnings);
    lo.version = archive::version(opts.standard).into();
    add_fonts(&mut lo, fonts, opts.standard == Some(PdfStandard::A1b));
    add_outline(&mut lo, &laid.outline);
    tags::add(&mut lo, &laid.structure, &marks, "zh-CN");
    true_metadata(&mut lo);
    let cannot =
        |e: &std::io::Error| crate::diag::cannot_each(("写出", "write"), ("PDF", "the PDF"), e);
    archive::metadata(&mut lo, meta, opts.created.unwrap_or(0), opts.standard)
        .map_err(|e| cannot(&e))?;
    if let (Some(json), true) = (&meta.data, archive::carries_data(opts.standard)) {
        let date = info_date(&lo);
        archive::attach(&mut lo, &json.0, &date);
    }
    // The file identifier (ISO 32000-1 14.4): differs with the level too.
    let level = opts.standard.map_or("pdf", |s| s.name());
    let id = laid.identity(opts.created.unwrap_or(0), level).to_vec();
    lo.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );
    compress(&mut lo);
    Ok(lo)
}

/// A face a report uses: its subset tag, glyphs and subset.
pub(crate) struct UsedFace {
    tag: FontId,
    face: Arc<Face>,
    used: font::Used,
    subset: font::Subset,
}

/// The faces the pages use, each subset, tagged in order of first use
/// (the six letters that prefix a subset font's name).
fn fonts_used(laid: &Laid, book: &FontBook) -> Result<BTreeMap<FaceIdx, UsedFace>, Diagnostic> {
    let mut out = BTreeMap::new();
    for (n, (idx, drawn)) in laid.faces_used().into_iter().enumerate() {
        let tag: String = [
            b'N',
            b'B',
            b'A' + (n / 676 % 26) as u8,
            b'A' + (n / 26 % 26) as u8,
            b'A' + (n % 26) as u8,
            b'F',
        ]
        .iter()
        .map(|b| *b as char)
        .collect();
        let face = book.face(idx)?;
        // A glyph drawn for several characters maps back to the first.
        let mut used = font::Used::new();
        for (gid, c) in drawn {
            used.entry(gid).or_insert(c);
        }
        let subset = font::subset(&face, &used)?;
        out.insert(
            idx,
            UsedFace {
                tag: FontId(tag),
                face,
                used,
                subset,
            },
        );
    }
    Ok(out)
}

/// Adds the fonts' objects and makes one `/Font` dictionary of them
/// every page's resources point to. printpdf wrote an empty one, since it
/// was given no fonts: the new one takes its object number, so that the
/// numbers run without a gap and the cross-reference table is the one
/// subsection ISO 32000-1 7.5.4 asks of a file never updated.
fn add_fonts(doc: &mut lopdf::Document, fonts: BTreeMap<FaceIdx, UsedFace>, cid_set: bool) {
    let mut dict = Dictionary::new();
    for f in fonts.into_values() {
        let id = font::add(doc, &f.tag.0, &f.face, &f.used, f.subset, cid_set);
        dict.set(f.tag.0, Object::Reference(id));
    }
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    let dict_id = match pages.first().and_then(|&p| empty_font_dictionary(doc, p)) {
        Some(id) => {
            doc.objects.insert(id, Object::Dictionary(dict));
            id
        }
        None => doc.add_object(dict),
    };
    let mut replaced = Vec::new();
    for page in pages {
        let resources = match doc.get_dictionary(page).and_then(|p| p.get(b"Resources")) {
            Ok(Object::Reference(id)) => *id,
            _ => page, // inline resources, or none: set them on the page
        };
        let Ok(d) = doc.get_dictionary_mut(resources) else {
            continue;
        };
        let d = if resources == page {
            if !d.has(b"Resources") {
                d.set("Resources", Dictionary::new());
            }
            match d.get_mut(b"Resources") {
                Ok(Object::Dictionary(inline)) => inline,
                _ => continue,
            }
        } else {
            d
        };
        if let Ok(Object::Reference(old)) = d.get(b"Font") {
            replaced.push(*old);
        }
        d.set("Font", Object::Reference(dict_id));
    }
    for old in replaced {
        let empty = matches!(doc.objects.get(&old), Some(Object::Dictionary(d)) if d.is_empty());
        if empty && old != dict_id {
            doc.objects.remove(&old);
        }
    }
}

/// The empty `/Font` dictionary printpdf points `page`'s resources to,
/// if it did.
fn empty_font_dictionary(doc: &lopdf::Document, page: lopdf::ObjectId) -> Option<lopdf::ObjectId> {
    let resources = match doc.get_dictionary(page).ok()?.get(b"Resources").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    let Object::Reference(id) = resources.get(b"Font").ok()? else {
        return None;
    };
    matches!(doc.objects.get(id), Some(Object::Dictionary(d)) if d.is_empty()).then_some(*id)
}

/// Leaves in the info dictionary only what is true of the file. printpdf
/// writes an empty `/GTS_PDFXVersion` (so `pdfinfo` reports "PDF subtype:
/// PDF/X" on a file that is not PDF/X, and an archive's checker may refuse
/// it), `/Trapped` as a string where the format wants a name, and empty
/// `/Subject`, `/Keywords` and `/Identifier`: all are removed; so are an
/// empty `/Title` and `/Author` (a template that names none), which the
/// XMP then leaves out too, as PDF/A asks the two to agree.
fn true_metadata(doc: &mut lopdf::Document) {
    let Ok(info) = doc.trailer.get(b"Info").and_then(Object::as_reference) else {
        return;
    };
    let Ok(dict) = doc.get_object_mut(info).and_then(Object::as_dict_mut) else {
        return;
    };
    let empty = |o: &Object| match o {
        Object::String(bytes, _) => bytes.is_empty() || bytes == b"\xFE\xFF",
        _ => false,
    };
    for key in [
        b"GTS_PDFXVersion".as_slice(),
        b"Subject",
        b"Keywords",
        b"Identifier",
        b"Title",
        b"Author",
    ] {
        if dict.get(key).is_ok_and(empty) {
            dict.remove(key);
        }
    }
    if dict
        .get(b"Trapped")
        .is_ok_and(|o| !matches!(o, Object::Name(_)))
    {
        dict.remove(b"Trapped");
    }
}

/// The info dictionary's creation date, as written (the attachment's
/// date repeats it).
fn info_date(doc: &lopdf::Document) -> Object {
    doc.trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .and_then(|id| doc.get_dictionary(id))
        .and_then(|d| d.get(b"CreationDate"))
        .cloned()
        .unwrap_or(Object::Null)
}

/// Deflates every stream not yet filtered (page content, the ToUnicode
/// maps) with zlib's matching; the font programs come already packed, and
/// the XMP stays readable.
fn compress(doc: &mut lopdf::Document) {
    for obj in doc.objects.values_mut() {
        let Object::Stream(stream) = obj else {
            continue;
        };
        if stream.dict.has(b"Filter") || !stream.allows_compression {
            continue;
        }
        let packed = deflate::zlib(&stream.content);
        if packed.len() + 19 < stream.content.len() {
            stream
                .dict
                .set("Filter", Object::Name(b"FlateDecode".to_vec()));
            stream.set_content(packed);
        }
    }
}

/// About the size of the saved file: its streams, and some bytes for
/// every other object and its cross-reference line. Reserved at once, the
/// buffer is not grown (copied, and fresh memory faulted in) eight times
/// on the way to a quarter of a megabyte.
fn size_hint(doc: &lopdf::Document) -> usize {
    let streams: usize = doc
        .objects
        .values()
        .map(|o| match o {
            Object::Stream(s) => s.content.len(),
            _ => 0,
        })
        .sum();
    streams + 96 * doc.objects.len() + 1024
}

/// The outline (bookmarks), in document order, each to its page's top.
fn add_outline(doc: &mut lopdf::Document, outline: &[(String, usize)]) {
    if outline.is_empty() {
        return;
    }
    let pages = doc.get_pages();
    let root_id = doc.new_object_id();
    let ids: Vec<_> = outline.iter().map(|_| doc.new_object_id()).collect();
    for (i, (title, page)) in outline.iter().enumerate() {
        let Some(page_id) = pages.get(&(*page as u32 + 1)).copied() else {
            continue;
        };
        let mut d = Dictionary::new();
        d.set(
            "Title",
            Object::String(utf16be(title), StringFormat::Hexadecimal),
        );
        d.set("Parent", Object::Reference(root_id));
        d.set(
            "Dest",
            Object::Array(vec![
                Object::Reference(page_id),
                Object::Name(b"Fit".to_vec()),
            ]),
        );
        if i > 0 {
            d.set("Prev", Object::Reference(ids[i - 1]));
        }
        if i + 1 < ids.len() {
            d.set("Next", Object::Reference(ids[i + 1]));
        }
        doc.objects.insert(ids[i], Object::Dictionary(d));
    }
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"Outlines".to_vec()));
    root.set("First", Object::Reference(ids[0]));
    root.set("Last", Object::Reference(ids[ids.len() - 1]));
    root.set("Count", Object::Integer(ids.len() as i64));
    doc.objects.insert(root_id, Object::Dictionary(root));
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Outlines", Object::Reference(root_id));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
}

/// Text as a PDF text string: UTF-16BE with a byte-order mark.
pub(crate) fn utf16be(s: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_be_bytes());
    }
    out
}

/// The two samples laid out by the default engine, for the unit tests
/// and measurements of the PDF's parts.
#[cfg(test)]
fn laid_samples(engine: &crate::Engine) -> Vec<(&'static str, Laid)> {
    ["goushi-2020", "shili-2021"]
        .into_iter()
        .map(|sample| {
            let path = format!("{}/samples/{sample}.json", env!("CARGO_MANIFEST_DIR"));
            let data: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).expect("sample"))
                    .expect("JSON");
            let (doc, _) = engine
                .document(&data, crate::RenderOptions::default())
                .expect("document");
            (sample, engine.layout(&doc).expect("laid"))
        })
        .collect()
}
