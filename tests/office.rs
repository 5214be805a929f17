//! Issue #25, the office's view: what a clerk and a county officer meet
//! (dates that mean something, messages that lead with the form, one
//! error per typo, a forced render marked as a draft, help in Chinese,
//! batch lines that name the township, workbooks to fill without
//! instructions).

use crate::common::{goushi, shili};
use nianbao::{Engine, OutputFormat, RenderOptions};
use std::io::Read;

fn zip_text(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect("part")
        .read_to_string(&mut s)
        .expect("read");
    s
}

/// With no SOURCE_DATE_EPOCH, a report with a 成文日期 is dated by it in
/// the PDF, the DOCX and the OFD; one without keeps the fixed date.
#[test]
fn the_document_date_is_the_signing_date() {
    let engine = Engine::new().expect("engine");
    let opts = RenderOptions::default();
    let render = |data, f| engine.render(data, f, opts).expect("renders").bytes;
    let data = shili();
    assert_eq!(data["signature"]["date"], "2022-01-20");
    let pdf = render(&data, OutputFormat::Pdf);
    let doc = lopdf::Document::load_mem(&pdf).expect("pdf");
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .and_then(|r| doc.get_dictionary(r))
        .expect("info");
    let created = info.get(b"CreationDate").expect("CreationDate");
    let created = String::from_utf8_lossy(created.as_str().expect("a string")).to_string();
    assert!(created.starts_with("D:20220120"), "{created}");
    let docx = render(&data, OutputFormat::Docx);
    let core = zip_text(&docx, "docProps/core.xml");
    assert!(core.contains("2022-01-20T00:00:00Z"), "{core}");
    let ofd = render(&data, OutputFormat::Ofd);
    let main = zip_text(&ofd, "OFD.xml");
    assert!(main.contains("2022-01-20"), "{main}");
    // Twice, the same bytes.
    assert!(render(&data, OutputFormat::Pdf) == pdf);
    // No 成文日期: the fixed date, as before.
    let docx = render(&goushi(), OutputFormat::Docx);
    let core = zip_text(&docx, "docProps/core.xml");
    assert!(core.contains("1970-01-01T00:00:00Z"), "{core}");
    // SOURCE_DATE_EPOCH still wins.
    let given = RenderOptions {
        created: Some(1_700_000_000),
        ..opts
    };
    let docx = engine
        .render(&data, OutputFormat::Docx, given)
        .expect("renders")
        .bytes;
    assert!(zip_text(&docx, "docProps/core.xml").contains("2023-11-14"));
}
