//! What an archive and a reader of the file's data need beyond the pages:
//! the XMP metadata, PDF/A's identification and output intent, and the
//! report's JSON as an attached file.
//!
//! In: the `lopdf` document the writer built, the document's metadata,
//! its creation time, the PDF/A part asked for (if any) and the report's
//! JSON. Out: the same document with
//! - an XMP packet in the catalogue (ISO 16684-1) repeating the info
//!   dictionary (title, author, creator tool, producer, dates: PDF/A
//!   requires the two to agree), with `pdfaid:part`/`conformance` for a
//!   PDF/A file (ISO 19005-1 6.7.11);
//! - for PDF/A, an sRGB output intent (`GTS_PDFA1`) whose profile is the
//!   committed `icc/sRGB.icc` (ICC v2, as PDF/A-1 requires; licence
//!   beside it), so the page's RGB rules and default grey text are
//!   colour-defined (ISO 19005-1 6.2.2);
//! - the report's JSON as an embedded file with `AFRelationship /Data`
//!   and MIME type `application/json`, named in the catalogue's
//!   `EmbeddedFiles` and `AF` (ISO 19005-3 6.8): in PDF/A-3b, and in a
//!   plain PDF, which carries its figures too; PDF/A-1 and -2 forbid such
//!   an attachment, so theirs go without.

use crate::doc::Meta;
use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};

/// A PDF/A conformance level nianbao writes (ISO 19005, level B: the
/// visual appearance preserved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PdfStandard {
    /// PDF/A-1b (ISO 19005-1, on PDF 1.4): what most archives ask for.
    A1b,
    /// PDF/A-2b (ISO 19005-2, on PDF 1.7).
    A2b,
    /// PDF/A-3b (ISO 19005-3): PDF/A-2b that may carry the report's JSON.
    A3b,
}

impl PdfStandard {
    /// Every level, in order.
    pub const ALL: [PdfStandard; 3] = [PdfStandard::A1b, PdfStandard::A2b, PdfStandard::A3b];

    /// The name on the command line and in the API: `a-1b`, `a-2b`, `a-3b`
    /// (as Typst's `--pdf-standard` spells them).
    pub fn name(self) -> &'static str {
        match self {
            PdfStandard::A1b => "a-1b",
            PdfStandard::A2b => "a-2b",
            PdfStandard::A3b => "a-3b",
        }
    }

    /// The level a name names.
    pub fn from_name(name: &str) -> Option<PdfStandard> {
        PdfStandard::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The part of ISO 19005 (`pdfaid:part`).
    fn part(self) -> u8 {
        match self {
            PdfStandard::A1b => 1,
            PdfStandard::A2b => 2,
            PdfStandard::A3b => 3,
        }
    }
}

impl std::fmt::Display for PdfStandard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The PDF version a file declares: 1.4 for PDF/A-1 (its base), else 1.7
/// (tagged PDF, PDF/A-2 and -3).
pub fn version(standard: Option<PdfStandard>) -> &'static str {
    match standard {
        Some(PdfStandard::A1b) => "1.4",
        _ => "1.7",
    }
}

/// Whether the report's JSON goes into the file: everywhere but PDF/A-1
/// and -2, which forbid attachments that are not themselves PDF/A.
pub fn carries_data(standard: Option<PdfStandard>) -> bool {
    !matches!(standard, Some(PdfStandard::A1b | PdfStandard::A2b))
}

/// The attached file's name (ASCII, so every reader's file list shows it).
pub const DATA_NAME: &str = "report.json";

/// Adds the XMP packet (and, for PDF/A, the output intent).
pub fn metadata(
    doc: &mut lopdf::Document,
    meta: &Meta,
    created: i64,
    standard: Option<PdfStandard>,
) -> std::io::Result<()> {
    let xmp = xmp(meta, created, standard)?;
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Metadata".to_vec()));
    dict.set("Subtype", Object::Name(b"XML".to_vec()));
    // Left unfiltered so that any tool finds it (ISO 19005-1 6.7.3 note).
    let mut stream = Stream::new(dict, xmp);
    stream.allows_compression = false;
    let id = doc.add_object(stream);
    let intent = standard.map(|_| output_intent(doc));
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Metadata", Object::Reference(id));
        if let Some(intent) = intent {
            catalog.set(
                "OutputIntents",
                Object::Array(vec![Object::Reference(intent)]),
            );
        }
    }
    Ok(())
}

/// The XMP packet: the info dictionary's entries in their XMP properties
/// (ISO 19005-1 6.7.3 table 1), and the PDF/A identification.
fn xmp(meta: &Meta, created: i64, standard: Option<PdfStandard>) -> std::io::Result<Vec<u8>> {
    let when = crate::clock::iso8601(created);
    let mut x = crate::xml::Xml::fragment();
    x.pi("xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"")?;
    x.open("x:xmpmeta", &[("xmlns:x", "adobe:ns:meta/")])?;
    x.open(
        "rdf:RDF",
        &[("xmlns:rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")],
    )?;
    let about = [
        ("rdf:about", ""),
        ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ("xmlns:xmp", "http://ns.adobe.com/xap/1.0/"),
        ("xmlns:pdf", "http://ns.adobe.com/pdf/1.3/"),
        ("xmlns:pdfaid", "http://www.aiim.org/pdfa/ns/id/"),
    ];
    x.open("rdf:Description", &about)?;
    x.text("dc:format", &[], "application/pdf")?;
    if !meta.title.is_empty() {
        x.open("dc:title", &[])?;
        x.open("rdf:Alt", &[])?;
        x.text("rdf:li", &[("xml:lang", "x-default")], &meta.title)?;
        x.close("rdf:Alt")?;
        x.close("dc:title")?;
    }
    if !meta.author.is_empty() {
        x.open("dc:creator", &[])?;
        x.open("rdf:Seq", &[])?;
        x.text("rdf:li", &[], &meta.author)?;
        x.close("rdf:Seq")?;
        x.close("dc:creator")?;
    }
    x.open("dc:language", &[])?;
    x.open("rdf:Bag", &[])?;
    x.text("rdf:li", &[], "zh-CN")?;
    x.close("rdf:Bag")?;
    x.close("dc:language")?;
    x.text("xmp:CreatorTool", &[], "nianbao")?;
    x.text("xmp:CreateDate", &[], &when)?;
    x.text("xmp:ModifyDate", &[], &when)?;
    x.text("xmp:MetadataDate", &[], &when)?;
    x.text("pdf:Producer", &[], &producer())?;
    if let Some(s) = standard {
        x.text("pdfaid:part", &[], &s.part().to_string())?;
        x.text("pdfaid:conformance", &[], "B")?;
    }
    x.close("rdf:Description")?;
    x.close("rdf:RDF")?;
    x.close("x:xmpmeta")?;
    x.pi("xpacket end=\"w\"")?;
    Ok(x.finish())
}

/// The producer, as the info dictionary and the XMP both say it.
pub fn producer() -> String {
    format!("nianbao {}", env!("CARGO_PKG_VERSION"))
}

/// The sRGB profile every PDF/A file's output intent embeds.
const SRGB: &[u8] = include_bytes!("../../icc/sRGB.icc");

/// The output intent: sRGB, with its ICC profile (deflated).
fn output_intent(doc: &mut lopdf::Document) -> ObjectId {
    let mut icc = Dictionary::new();
    icc.set("N", Object::Integer(3));
    icc.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let mut stream = Stream::new(icc, super::deflate::zlib(SRGB));
    stream.allows_compression = false;
    let profile = doc.add_object(stream);
    let mut d = Dictionary::new();
    d.set("Type", Object::Name(b"OutputIntent".to_vec()));
    d.set("S", Object::Name(b"GTS_PDFA1".to_vec()));
    d.set("OutputConditionIdentifier", Object::string_literal("sRGB"));
    d.set(
        "RegistryName",
        Object::string_literal("http://www.color.org"),
    );
    d.set("Info", Object::string_literal("sRGB IEC61966-2.1"));
    d.set("DestOutputProfile", Object::Reference(profile));
    doc.add_object(d)
}

/// Attaches the report's JSON: an embedded file stream (deflated, with its
/// size and date), its file specification with `AFRelationship /Data`,
/// listed in the catalogue's `Names/EmbeddedFiles` (what readers show)
/// and `AF` (what PDF/A-3 and PDF 2.0 look for).
pub fn attach(doc: &mut lopdf::Document, json: &[u8], info_date: &Object) {
    let mut params = Dictionary::new();
    params.set("Size", Object::Integer(json.len() as i64));
    params.set("ModDate", info_date.clone());
    let mut file = Dictionary::new();
    file.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
    file.set("Subtype", Object::Name(b"application/json".to_vec()));
    file.set("Params", Object::Dictionary(params));
    file.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let mut stream = Stream::new(file, super::deflate::zlib(json));
    stream.allows_compression = false;
    let file_id = doc.add_object(stream);

    let mut ef = Dictionary::new();
    ef.set("F", Object::Reference(file_id));
    ef.set("UF", Object::Reference(file_id));
    let mut spec = Dictionary::new();
    spec.set("Type", Object::Name(b"Filespec".to_vec()));
    spec.set("F", Object::string_literal(DATA_NAME));
    spec.set("UF", Object::string_literal(DATA_NAME));
    spec.set("AFRelationship", Object::Name(b"Data".to_vec()));
    spec.set(
        "Desc",
        Object::String(
            super::utf16be("本报告的数据（nianbao 数据约定）"),
            StringFormat::Hexadecimal,
        ),
    );
    spec.set("EF", Object::Dictionary(ef));
    let spec_id = doc.add_object(spec);

    let mut tree = Dictionary::new();
    tree.set(
        "Names",
        Object::Array(vec![
            Object::string_literal(DATA_NAME),
            Object::Reference(spec_id),
        ]),
    );
    let mut names = Dictionary::new();
    names.set("EmbeddedFiles", Object::Dictionary(tree));
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Names", Object::Dictionary(names));
        catalog.set("AF", Object::Array(vec![Object::Reference(spec_id)]));
    }
}
