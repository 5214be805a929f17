//! Finishing and packing the DOCX parts.
//!
//! In: the parts docx-rs built, the metadata, each table's header-row
//! count and the options. Out: the DOCX zip. docx-rs cannot mark header
//! rows (`w:tblHeader`), numbers paragraphs from a per-thread counter (so
//! the Nth document of a process would differ from the first), leaves
//! the title out of the core properties and stores the zip uncompressed;
//! this pass adds the header-row flags, renumbers `w14:paraId` from 1 in
//! each document, fills the core properties, and writes every part
//! deflated with a fixed timestamp, so identical input gives identical
//! bytes.

use super::DocxOptions;
use crate::doc::Meta;
use crate::template::escape_xml;
use docx_rs::XMLDocx;
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Packs the parts into the final zip.
pub fn pack(
    parts: XMLDocx,
    meta: &Meta,
    header_rows: &[usize],
    opts: DocxOptions,
) -> Result<Vec<u8>, String> {
    let mut stored = Cursor::new(Vec::new());
    parts.pack(&mut stored).map_err(|e| e.to_string())?;
    let mut input = ZipArchive::new(Cursor::new(stored.into_inner())).map_err(|e| e.to_string())?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut para_id = 0u32;
    for i in 0..input.len() {
        let mut file = input.by_index(i).map_err(|e| e.to_string())?;
        let name = file.name().to_string();
        if file.is_dir() {
            continue;
        }
        let mut bytes = Vec::with_capacity(file.size() as usize);
        file.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        if name.starts_with("word/") && name.ends_with(".xml") {
            let mut xml = String::from_utf8(bytes).map_err(|e| e.to_string())?;
            xml = renumber_para_ids(&xml, &mut para_id);
            if name == "word/document.xml" {
                xml = mark_header_rows(&xml, header_rows);
            }
            if name.starts_with("word/footer") {
                xml = style_field_runs(&xml);
            }
            if name == "word/styles.xml" {
                xml = chinese_aliases(&xml);
            }
            // No automatic space between Chinese and Latin letters or digits
            // (Word and LibreOffice add a quarter em by default): the text
            // reads as the PDF does.
            xml = xml.replace(
                "<w:pPr>",
                r#"<w:pPr><w:autoSpaceDE w:val="0" /><w:autoSpaceDN w:val="0" />"#,
            );
            bytes = super::order::normalize(&xml).into_bytes();
        } else if name == "docProps/core.xml" {
            bytes = core_properties(&String::from_utf8_lossy(&bytes), meta, opts).into_bytes();
        }
        out.start_file(name, options).map_err(|e| e.to_string())?;
        out.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    Ok(out.finish().map_err(|e| e.to_string())?.into_inner())
}

/// Replaces every `w14:paraId="…"` with a number counted from 1 across
/// the document's parts.
fn renumber_para_ids(xml: &str, next: &mut u32) -> String {
    const KEY: &str = "w14:paraId=\"";
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(i) = rest.find(KEY) {
        let after = &rest[i + KEY.len()..];
        let end = after.find('"').unwrap_or(0);
        *next += 1;
        out.push_str(&rest[..i + KEY.len()]);
        out.push_str(&format!("{:08X}", *next));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Gives the PAGE field's run (docx-rs writes it bare) the look of the
/// footer's other runs, so the number is 4号宋体 like its dashes.
fn style_field_runs(xml: &str) -> String {
    let Some(start) = xml.find("<w:r><w:rPr>") else {
        return xml.to_string();
    };
    let props_start = start + "<w:r>".len();
    let Some(len) = xml[props_start..].find("</w:rPr>") else {
        return xml.to_string();
    };
    let props = &xml[props_start..props_start + len + "</w:rPr>".len()];
    xml.replace(
        "<w:r><w:rPr /><w:fldChar",
        &format!("<w:r>{props}<w:fldChar"),
    )
}

/// Adds `<w:tblHeader/>` to the first `header_rows[t]` rows of table `t`,
/// so that Word repeats them at the top of every page the table runs on.
fn mark_header_rows(xml: &str, header_rows: &[usize]) -> String {
    let mut out = String::with_capacity(xml.len() + 64);
    let mut rest = xml;
    for &rows in header_rows {
        let Some(start) = rest.find("<w:tbl>") else {
            break;
        };
        let end = rest[start..]
            .find("</w:tbl>")
            .map_or(rest.len(), |e| start + e);
        out.push_str(&rest[..start]);
        let mut table = &rest[start..end];
        let mut marked = 0;
        while marked < rows {
            let Some(tr) = table.find("<w:trPr>") else {
                break;
            };
            out.push_str(&table[..tr + "<w:trPr>".len()]);
            out.push_str("<w:tblHeader />");
            table = &table[tr + "<w:trPr>".len()..];
            marked += 1;
        }
        out.push_str(table);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Gives the built-in styles their Chinese names as aliases (`w:aliases`,
/// ECMA-376 §17.7.4.1): Word keeps recognising them by their built-in
/// names, and the styles pane of an English Word shows 标题 1 beside
/// heading 1.
fn chinese_aliases(xml: &str) -> String {
    let mut out = xml.to_string();
    for (name, alias) in [
        ("Normal", "正文"),
        ("Title", "标题"),
        ("heading 1", "标题 1"),
        ("heading 2", "标题 2"),
        ("heading 3", "标题 3"),
        ("heading 4", "标题 4"),
    ] {
        let tag = format!("<w:name w:val=\"{name}\" />");
        out = out.replace(&tag, &format!("{tag}<w:aliases w:val=\"{alias}\" />"));
    }
    out
}

/// The core properties: title, author, and the creation date.
fn core_properties(xml: &str, meta: &Meta, opts: DocxOptions) -> String {
    let date = crate::clock::iso8601(opts.created.unwrap_or(0));
    let mut xml = xml
        .replace(
            "<dc:creator>unknown</dc:creator>",
            &format!(
                "<dc:title>{}</dc:title><dc:creator>{}</dc:creator>",
                escape_xml(&meta.title),
                escape_xml(&meta.author)
            ),
        )
        .replace(
            "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
            "<cp:lastModifiedBy>nianbao</cp:lastModifiedBy>",
        );
    xml = xml.replace("1970-01-01T00:00:00Z", &date);
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn para_ids_are_renumbered_in_order() {
        let mut n = 0;
        let out = renumber_para_ids(
            r#"<w:p w14:paraId="0000002A"></w:p><w:p w14:paraId="0000002B">"#,
            &mut n,
        );
        assert_eq!(
            out,
            r#"<w:p w14:paraId="00000001"></w:p><w:p w14:paraId="00000002">"#
        );
    }

    #[test]
    fn header_rows_are_marked_per_table() {
        let xml = "<w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr></w:trPr></w:tr></w:tbl><w:tbl><w:tr><w:trPr></w:trPr></w:tr></w:tbl>";
        let out = mark_header_rows(xml, &[1, 0]);
        assert_eq!(out.matches("<w:tblHeader />").count(), 1);
        assert!(out.starts_with("<w:tbl><w:tr><w:trPr><w:tblHeader /><w:cantSplit />"));
    }
}
