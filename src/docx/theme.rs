//! `word/theme/theme1.xml`: the theme Word writes into every document.
//!
//! In: the stylesheet's font roles. Out: a DrawingML theme (ECMA-376 Part
//! 1 §20.1.6.9 CT_OfficeStyleSheet) with Office's colour scheme, a font
//! scheme whose Simplified Chinese faces are the stylesheet's heading
//! (黑) and body (仿宋) fonts, and the minimal format scheme (three styles
//! in each list, as the schema requires). nianbao's own runs name their
//! fonts directly; the theme is there because Word and openxml-audit
//! expect one, and it makes text added by the clerk look like the rest.

use super::xml::Xml;
use crate::doc::Role;
use crate::style::FontRole;
use std::collections::BTreeMap;

const A_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";

/// Office's colour scheme: (element, system colour or sRGB value).
const COLOURS: &[(&str, &str)] = &[
    ("a:dk1", "sys:windowText:000000"),
    ("a:lt1", "sys:window:FFFFFF"),
    ("a:dk2", "44546A"),
    ("a:lt2", "E7E6E6"),
    ("a:accent1", "4472C4"),
    ("a:accent2", "ED7D31"),
    ("a:accent3", "A5A5A5"),
    ("a:accent4", "FFC000"),
    ("a:accent5", "5B9BD5"),
    ("a:accent6", "70AD47"),
    ("a:hlink", "0563C1"),
    ("a:folHlink", "954F72"),
];

/// The theme part.
pub fn theme(fonts: &BTreeMap<Role, FontRole>) -> Result<Vec<u8>, std::io::Error> {
    let face = |role: Role, or: &str| fonts.get(&role).map_or(or.to_string(), |r| r.docx.clone());
    let latin = fonts
        .get(&Role::Fangsong)
        .map_or("Times New Roman".to_string(), |r| r.latin.clone());
    let mut x = Xml::new()?;
    x.open("a:theme", &[("xmlns:a", A_NS), ("name", "Office Theme")])?;
    x.open("a:themeElements", &[])?;
    x.open("a:clrScheme", &[("name", "Office")])?;
    for (name, value) in COLOURS {
        x.open(name, &[])?;
        match value.strip_prefix("sys:").and_then(|v| v.split_once(':')) {
            Some((sys, last)) => x.empty("a:sysClr", &[("val", sys), ("lastClr", last)])?,
            None => x.empty("a:srgbClr", &[("val", value)])?,
        }
        x.close(name)?;
    }
    x.close("a:clrScheme")?;
    x.open("a:fontScheme", &[("name", "Office")])?;
    for (name, hans) in [
        ("a:majorFont", face(Role::Hei, "黑体")),
        ("a:minorFont", face(Role::Fangsong, "宋体")),
    ] {
        x.open(name, &[])?;
        x.empty("a:latin", &[("typeface", &latin)])?;
        x.empty("a:ea", &[("typeface", "")])?;
        x.empty("a:cs", &[("typeface", "")])?;
        x.empty("a:font", &[("script", "Hans"), ("typeface", &hans)])?;
        x.close(name)?;
    }
    x.close("a:fontScheme")?;
    x.open("a:fmtScheme", &[("name", "Office")])?;
    // In the schema's order: fills, lines, effects, background fills;
    // three of each.
    x.open("a:fillStyleLst", &[])?;
    for _ in 0..3 {
        solid_fill(&mut x)?;
    }
    x.close("a:fillStyleLst")?;
    x.open("a:lnStyleLst", &[])?;
    for w in ["6350", "12700", "19050"] {
        x.open("a:ln", &[("w", w)])?;
        solid_fill(&mut x)?;
        x.close("a:ln")?;
    }
    x.close("a:lnStyleLst")?;
    x.open("a:effectStyleLst", &[])?;
    for _ in 0..3 {
        x.open("a:effectStyle", &[])?;
        x.empty("a:effectLst", &[])?;
        x.close("a:effectStyle")?;
    }
    x.close("a:effectStyleLst")?;
    x.open("a:bgFillStyleLst", &[])?;
    for _ in 0..3 {
        solid_fill(&mut x)?;
    }
    x.close("a:bgFillStyleLst")?;
    x.close("a:fmtScheme")?;
    x.close("a:themeElements")?;
    x.empty("a:objectDefaults", &[])?;
    x.empty("a:extraClrSchemeLst", &[])?;
    x.close("a:theme")?;
    Ok(x.finish())
}

fn solid_fill(x: &mut Xml) -> super::xml::Res {
    x.open("a:solidFill", &[])?;
    x.empty("a:schemeClr", &[("val", "phClr")])?;
    x.close("a:solidFill")
}
