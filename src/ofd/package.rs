//! The package's own parts and its zip (GB/T 33190-2016, 7.4 "文件结构",
//! 7.5 "文档", 7.9 "资源").
//!
//! In: the laid pages (their size, metadata and outline), the embedded
//! fonts, each page's written content and its unit ID, the last unit ID
//! used, the report's JSON and the creation date. Out: the OFD's bytes.
//! Elements are written in the schema's order (`CT_DocInfo`,
//! `CommonData`, `Pages`, `Outlines`, `Attachments`); the zip is
//! deflated, `OFD.xml` first, every entry with the same fixed timestamp.
//! The JSON is the document's one attachment (GB/T 33190-2016,
//! "附件"): `Attachs/Attachments.xml` lists it, `Attachs/report.json`
//! holds it, so a reader of the archived OFD gets the figures back as
//! data (as GB/T 42133's 电子文件 packages carry their data beside the
//! page).

use super::{UsedFont, NS};
use crate::fonts::FaceIdx;
use crate::layout::Laid;
use crate::xml::{Res, Xml};
use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Everything the package holds besides the pages' layout.
#[derive(Debug)]
pub struct Parts<'a> {
    /// The pages, for their size, the metadata and the outline.
    pub laid: &'a Laid,
    /// The embedded fonts.
    pub fonts: &'a BTreeMap<FaceIdx, UsedFont>,
    /// Each page's unit ID and `Content.xml`.
    pub pages: Vec<(u32, Vec<u8>)>,
    /// The report's JSON, if it is carried.
    pub data: Option<&'a [u8]>,
    /// The greatest unit ID used (`MaxUnitID`).
    pub max_id: u32,
    /// The creation date, seconds since 1970.
    pub created: i64,
}

/// Where the document's root is, from the package's root.
const DOC: &str = "Doc_0";

/// The attachments' folder, from the document's root.
const ATTACHS: &str = "Attachs";

/// The attached report's file name.
const DATA: &str = "report.json";

/// A file the package holds: bytes to deflate, or a font deflated before.
enum Entry<'a> {
    Bytes(Vec<u8>),
    Font(&'a UsedFont),
}

/// The zip.
pub fn pack(parts: Parts<'_>) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut files: Vec<(String, Entry<'_>)> = vec![
        ("OFD.xml".into(), Entry::Bytes(entry(&parts)?)),
        (
            format!("{DOC}/Document.xml"),
            Entry::Bytes(document(&parts)?),
        ),
        (
            format!("{DOC}/PublicRes.xml"),
            Entry::Bytes(public_res(parts.fonts)?),
        ),
    ];
    let fonts = by_id(parts.fonts);
    for (n, (_, xml)) in parts.pages.into_iter().enumerate() {
        files.push((
            format!("{DOC}/Pages/Page_{n}/Content.xml"),
            Entry::Bytes(xml),
        ));
    }
    for f in fonts {
        files.push((format!("{DOC}/Res/{}", font_file(f)), Entry::Font(f)));
    }
    if let Some(json) = parts.data {
        let list = attachments(json.len(), parts.created)?;
        files.push((
            format!("{DOC}/{ATTACHS}/Attachments.xml"),
            Entry::Bytes(list),
        ));
        files.push((
            format!("{DOC}/{ATTACHS}/{DATA}"),
            Entry::Bytes(json.to_vec()),
        ));
    }
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, file) in files {
        match file {
            Entry::Bytes(bytes) => {
                out.start_file(name.as_str(), options())?;
                out.write_all(&bytes)?;
            }
            Entry::Font(f) => {
                let packed = match f.subset.packed.get() {
                    Some(p) => p,
                    None => {
                        let made = packed_font(&f.subset.file)?;
                        f.subset.packed.get_or_init(|| made)
                    }
                };
                let mut one = ZipArchive::new(Cursor::new(packed.as_slice()))?;
                out.raw_copy_file_rename(one.by_index_raw(0)?, name.as_str())?;
            }
        }
    }
    Ok(out.finish()?.into_inner())
}

/// Every entry's options: deflated at the fastest level, with the same
/// fixed timestamp. Measured on the 2-core reference VM, `nianbao batch
/// -f ofd` of 300 reports, `-j 1`, median of 7 alternating runs: 0.587 s
/// at level 1 against 0.707 s at zip's default 6, for a 2021 sample of
/// 306.5 KB against 301.1 KB (the fonts, packed once at their own level,
/// are most of it).
fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
}

/// A font file deflated, as the one entry of a zip of its own, for the
/// packages to copy it from as it is (`raw_copy_file_rename`): a font
/// subset the reports share is deflated once.
///
/// Font programs barely repeat: level 3 packs them as small as the
/// default level 6 (+0.1 %) in less time (100 reports, one thread:
/// 2.77 s against 3.15 s). zlib-rs's level 1 uses static codes only,
/// which leaves them 17 % larger.
fn packed_font(file: &[u8]) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut one = ZipWriter::new(Cursor::new(Vec::new()));
    one.start_file("font", options().compression_level(Some(3)))?;
    one.write_all(file)?;
    Ok(one.finish()?.into_inner())
}

/// The fonts in the order of their unit IDs (the order of first use).
fn by_id(fonts: &BTreeMap<FaceIdx, UsedFont>) -> Vec<&UsedFont> {
    let mut sorted: Vec<&UsedFont> = fonts.values().collect();
    sorted.sort_by_key(|f| f.id);
    sorted
}

/// A font's file name within the resources' folder.
fn font_file(f: &UsedFont) -> String {
    format!("font_{}.{}", f.id, if f.subset.cff { "otf" } else { "ttf" })
}

/// `OFD.xml`: the document's metadata (7.4, 表 4 "文档元数据") and its
/// root. `DocID` is the 32 hexadecimal digits the standard asks for,
/// taken from the file's identity ([`Laid::identity`]: the pages, the
/// date, the attached data) rather than a random UUID.
fn entry(parts: &Parts<'_>) -> std::io::Result<Vec<u8>> {
    let meta = &parts.laid.meta;
    let id: String = parts
        .laid
        .identity(parts.created, "ofd")
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let date = crate::clock::date(parts.created);
    let mut x = Xml::new()?;
    x.open(
        "ofd:OFD",
        &[("xmlns:ofd", NS), ("Version", "1.0"), ("DocType", "OFD")],
    )?;
    x.open("ofd:DocBody", &[])?;
    x.open("ofd:DocInfo", &[])?;
    x.text("ofd:DocID", &[], &id)?;
    if !meta.title.is_empty() {
        x.text("ofd:Title", &[], &meta.title)?;
    }
    if !meta.author.is_empty() {
        x.text("ofd:Author", &[], &meta.author)?;
    }
    x.text("ofd:CreationDate", &[], &date)?;
    x.text("ofd:Creator", &[], "nianbao")?;
    x.text("ofd:CreatorVersion", &[], env!("CARGO_PKG_VERSION"))?;
    x.close("ofd:DocInfo")?;
    x.text("ofd:DocRoot", &[], &format!("{DOC}/Document.xml"))?;
    x.close("ofd:DocBody")?;
    x.close("ofd:OFD")?;
    Ok(x.finish())
}

/// `Document.xml` (7.5): the common data, the page list and the outline.
fn document(parts: &Parts<'_>) -> std::io::Result<Vec<u8>> {
    let laid = parts.laid;
    let mut x = Xml::new()?;
    x.open("ofd:Document", &[("xmlns:ofd", NS)])?;
    x.open("ofd:CommonData", &[])?;
    x.text("ofd:MaxUnitID", &[], &parts.max_id.to_string())?;
    x.open("ofd:PageArea", &[])?;
    x.text("ofd:PhysicalBox", &[], &super::page::physical_box(laid))?;
    x.close("ofd:PageArea")?;
    x.text("ofd:PublicRes", &[], "PublicRes.xml")?;
    x.close("ofd:CommonData")?;
    x.open("ofd:Pages", &[])?;
    for (n, (id, _)) in parts.pages.iter().enumerate() {
        let (id, loc) = (id.to_string(), format!("Pages/Page_{n}/Content.xml"));
        x.empty("ofd:Page", &[("ID", &id), ("BaseLoc", &loc)])?;
    }
    x.close("ofd:Pages")?;
    outline(&mut x, parts)?;
    if parts.data.is_some() {
        x.text(
            "ofd:Attachments",
            &[],
            &format!("{ATTACHS}/Attachments.xml"),
        )?;
    }
    x.close("ofd:Document")?;
    Ok(x.finish())
}

/// The outline (7.6 "大纲"): each entry goes to its page, fitted, as the
/// PDF's bookmarks do.
fn outline(x: &mut Xml, parts: &Parts<'_>) -> Res {
    let entries: Vec<(&str, u32)> = parts
        .laid
        .outline
        .iter()
        .filter_map(|(title, page)| Some((title.as_str(), parts.pages.get(*page)?.0)))
        .collect();
    if entries.is_empty() {
        return Ok(());
    }
    x.open("ofd:Outlines", &[])?;
    for (title, page) in entries {
        x.open("ofd:OutlineElem", &[("Title", title)])?;
        x.open("ofd:Actions", &[])?;
        x.open("ofd:Action", &[("Event", "CLICK")])?;
        x.open("ofd:Goto", &[])?;
        let page = page.to_string();
        x.empty("ofd:Dest", &[("Type", "Fit"), ("PageID", &page)])?;
        x.close("ofd:Goto")?;
        x.close("ofd:Action")?;
        x.close("ofd:Actions")?;
        x.close("ofd:OutlineElem")?;
    }
    x.close("ofd:Outlines")
}

/// `Attachments.xml` (the standard's 附件, `CT_Attachment`): the report's
/// JSON, its size in kilobytes as the standard counts it, its date the
/// document's. The attachment's `ID` is an `xs:ID` in the schema (a name,
/// not one of the numbered unit IDs `MaxUnitID` counts): `report`.
fn attachments(len: usize, created: i64) -> std::io::Result<Vec<u8>> {
    let mut x = Xml::new()?;
    x.open("ofd:Attachments", &[("xmlns:ofd", NS)])?;
    let (id, size) = ("report".to_string(), format!("{:.3}", len as f64 / 1024.0));
    let date = crate::clock::iso8601(created);
    let attrs = [
        ("ID", id.as_str()),
        ("Name", DATA),
        ("Format", "json"),
        ("CreationDate", date.as_str()),
        ("Size", size.as_str()),
    ];
    x.open("ofd:Attachment", &attrs)?;
    x.text("ofd:FileLoc", &[], DATA)?;
    x.close("ofd:Attachment")?;
    x.close("ofd:Attachments")?;
    Ok(x.finish())
}

/// `PublicRes.xml` (7.9): the fonts, their files in `Res/`.
fn public_res(fonts: &BTreeMap<FaceIdx, UsedFont>) -> std::io::Result<Vec<u8>> {
    let sorted = by_id(fonts);
    let mut x = Xml::new()?;
    x.open("ofd:Res", &[("xmlns:ofd", NS), ("BaseLoc", "Res")])?;
    if !sorted.is_empty() {
        x.open("ofd:Fonts", &[])?;
        for f in sorted {
            let id = f.id.to_string();
            x.open(
                "ofd:Font",
                &[
                    ("ID", id.as_str()),
                    ("FontName", f.name.as_str()),
                    ("FamilyName", f.family.as_str()),
                ],
            )?;
            x.text("ofd:FontFile", &[], &font_file(f))?;
            x.close("ofd:Font")?;
        }
        x.close("ofd:Fonts")?;
    }
    x.close("ofd:Res")?;
    Ok(x.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A font entry copied from its one-entry zip is the entry writing it
    /// afresh would make, header and data: name, time, permissions, flags,
    /// sizes and CRC.
    #[test]
    fn a_copied_font_entry_is_the_entry_written_afresh() {
        let file = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fonts/FandolSong-Bold.otf"
        ))
        .expect("font");
        let file = &file[..200_000];
        let name = "Doc_0/Res/font_6.otf";
        let mut fresh = ZipWriter::new(Cursor::new(Vec::new()));
        fresh
            .start_file(name, options().compression_level(Some(3)))
            .expect("start");
        fresh.write_all(file).expect("write");
        let fresh = fresh.finish().expect("finish").into_inner();

        let packed = packed_font(file).expect("packed");
        let mut one = ZipArchive::new(Cursor::new(packed.as_slice())).expect("one");
        let mut copied = ZipWriter::new(Cursor::new(Vec::new()));
        copied
            .raw_copy_file_rename(one.by_index_raw(0).expect("entry"), name)
            .expect("copy");
        let copied = copied.finish().expect("finish").into_inner();
        assert!(copied == fresh, "the copied entry differs");
    }
}
