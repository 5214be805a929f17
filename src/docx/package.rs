//! Packing the parts into the DOCX zip (Open Packaging Conventions).
//!
//! In: the parts' XML. Out: the DOCX bytes. The content types, the two
//! relationship parts and `docProps/app.xml` are docx-rs's own builders,
//! which write them valid; every part is deflated with a fixed timestamp,
//! `[Content_Types].xml` first, so identical input gives identical bytes.

use super::body::FOOTER_IDS;
use docx_rs::{AppProps, BuildXML, ContentTypes, Rels};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// The parts nianbao writes itself.
#[derive(Debug)]
pub struct Parts {
    pub document: Vec<u8>,
    pub styles: Vec<u8>,
    pub settings: Vec<u8>,
    pub font_table: Vec<u8>,
    pub theme: Vec<u8>,
    pub core: Vec<u8>,
    /// The odd- and even-page footers.
    pub footers: Option<(Vec<u8>, Vec<u8>)>,
    /// The draft header of a forced render.
    pub header: Option<Vec<u8>>,
}

const WML: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The deflate level of every part: the fastest. Measured on the 2-core
/// reference VM, `nianbao batch -f docx` of 300 reports, `-j 1`, median
/// of 7 alternating runs: level 1 0.348 s, 2 0.400 s, 3 0.413 s, and
/// zip's default 6 0.453 s, most of which was `document.xml`'s deflate;
/// the 2021 sample's file is 20.2, 16.7, 15.8 and 13.7 KB. A few KB more
/// a report, for a batch a quarter faster.
const LEVEL: i64 = 1;

/// The zip.
pub fn pack(parts: Parts) -> zip::result::ZipResult<Vec<u8>> {
    let mut types = ContentTypes::new()
        .add_content(
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml",
        )
        .add_content(
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        )
        .add_content("/word/document.xml", format!("{WML}.document.main+xml"))
        .add_content("/word/styles.xml", format!("{WML}.styles+xml"))
        .add_content("/word/settings.xml", format!("{WML}.settings+xml"))
        .add_content("/word/fontTable.xml", format!("{WML}.fontTable+xml"))
        .add_content(
            "/word/theme/theme1.xml",
            "application/vnd.openxmlformats-officedocument.theme+xml",
        );
    let mut doc_rels = Rels::new()
        .add_rel(format!("{REL}/styles"), "styles.xml")
        .add_rel(format!("{REL}/settings"), "settings.xml")
        .add_rel(format!("{REL}/fontTable"), "fontTable.xml")
        .add_rel(format!("{REL}/theme"), "theme/theme1.xml");
    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(12);
    if let Some(bytes) = parts.header {
        let name = "header1.xml";
        types = types.add_content(format!("/word/{name}"), format!("{WML}.header+xml"));
        doc_rels.rels.push((
            format!("{REL}/header"),
            super::body::DRAFT_HEADER_ID.to_string(),
            name.to_string(),
        ));
        files.push((format!("word/{name}"), bytes));
    }
    if let Some((odd, even)) = parts.footers {
        for (id, name, bytes) in [
            (FOOTER_IDS.0, "footer1.xml", odd),
            (FOOTER_IDS.1, "footer2.xml", even),
        ] {
            types = types.add_content(format!("/word/{name}"), format!("{WML}.footer+xml"));
            doc_rels
                .rels
                .push((format!("{REL}/footer"), id.to_string(), name.to_string()));
            files.push((format!("word/{name}"), bytes));
        }
    }
    let package_rels = Rels::new()
        .add_rel(
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml",
        )
        .add_rel(format!("{REL}/extended-properties"), "docProps/app.xml")
        .add_rel(format!("{REL}/officeDocument"), "word/document.xml");
    let mut all: Vec<(String, Vec<u8>)> = [
        ("[Content_Types].xml", types.build()),
        ("_rels/.rels", package_rels.build()),
        ("docProps/core.xml", parts.core),
        ("docProps/app.xml", AppProps::new().build()),
        ("word/document.xml", parts.document),
        ("word/_rels/document.xml.rels", doc_rels.build()),
        ("word/styles.xml", parts.styles),
        ("word/settings.xml", parts.settings),
        ("word/fontTable.xml", parts.font_table),
        ("word/theme/theme1.xml", parts.theme),
    ]
    .into_iter()
    .map(|(n, b)| (n.to_string(), b))
    .collect();
    all.extend(files);
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(LEVEL))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in all {
        out.start_file(name.as_str(), options)?;
        out.write_all(&bytes)?;
    }
    Ok(out.finish()?.into_inner())
}
