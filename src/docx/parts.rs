//! The document-wide parts: `styles.xml`, `settings.xml`,
//! `fontTable.xml` and `docProps/core.xml`.
//!
//! In: the tree (its styles and metadata) and the stylesheet's font roles.
//! Out: each part's XML, children in schema order (ECMA-376 Part 1:
//! §17.7.4.18 CT_Styles, §17.7.4.17 CT_Style, §17.15.1.78 CT_Settings,
//! §17.8.3.10 CT_Font; Part 2 §11 for the core properties).

use super::body::{body_size, half_points, PPr, WordStyle, Writer};
use super::xml::{Res, Val, Xml, W_NS};
use super::DocxOptions;
use crate::doc::{Block, Document, Meta, ParaStyle, Role, StyleName};
use crate::style::FontRole;
use crate::text::{NO_LINE_END, NO_LINE_START};
use std::collections::{BTreeMap, BTreeSet};

type Part = Result<Vec<u8>, std::io::Error>;

/// `styles.xml`: the defaults (no automatic space between Chinese and
/// Latin or digits: a 公文 prints "2020年", not "2020 年"), the built-in
/// paragraph styles the document uses, and the default character and
/// table styles Word expects.
pub fn styles(doc: &Document, w: &Writer) -> Part {
    let mut x = Xml::new()?;
    x.open("w:styles", &[("xmlns:w", W_NS)])?;
    x.open("w:docDefaults", &[])?;
    x.open("w:rPrDefault", &[])?;
    x.open("w:rPr", &[])?;
    w.run_fonts(&mut x, Role::Fangsong)?;
    let hp = half_points(body_size(doc));
    x.val("w:sz", &hp)?;
    x.val("w:szCs", &hp)?;
    x.empty(
        "w:lang",
        &[
            ("w:val", "en-US"),
            ("w:eastAsia", "zh-CN"),
            ("w:bidi", "ar-SA"),
        ],
    )?;
    x.close("w:rPr")?;
    x.close("w:rPrDefault")?;
    x.open("w:pPrDefault", &[])?;
    x.open("w:pPr", &[])?;
    no_auto_space(&mut x)?;
    x.close("w:pPr")?;
    x.close("w:pPrDefault")?;
    x.close("w:docDefaults")?;
    for (id, style, outline) in built_in_styles(doc) {
        paragraph_style(&mut x, w, id, &style, outline)?;
    }
    x.open(
        "w:style",
        &[
            ("w:type", "character"),
            ("w:default", "1"),
            ("w:styleId", "DefaultParagraphFont"),
        ],
    )?;
    x.val("w:name", "Default Paragraph Font")?;
    x.val("w:uiPriority", "1")?;
    x.empty("w:semiHidden", &[])?;
    x.empty("w:unhideWhenUsed", &[])?;
    x.close("w:style")?;
    x.open(
        "w:style",
        &[
            ("w:type", "table"),
            ("w:default", "1"),
            ("w:styleId", "TableNormal"),
        ],
    )?;
    x.val("w:name", "Normal Table")?;
    x.val("w:uiPriority", "99")?;
    x.empty("w:semiHidden", &[])?;
    x.empty("w:unhideWhenUsed", &[])?;
    x.open("w:tblPr", &[])?;
    x.empty("w:tblInd", &[("w:w", "0"), ("w:type", "dxa")])?;
    x.close("w:tblPr")?;
    x.close("w:style")?;
    x.close("w:styles")?;
    Ok(x.finish())
}

/// `w:autoSpaceDE` and `w:autoSpaceDN` off (they come together in CT_PPr).
fn no_auto_space(x: &mut Xml) -> Res {
    x.val("w:autoSpaceDE", "0")?;
    x.val("w:autoSpaceDN", "0")
}

/// The styles the document uses that have Word built-in ids: (id, the
/// tree's style, outline level).
fn built_in_styles(doc: &Document) -> Vec<(WordStyle, ParaStyle, Option<u8>)> {
    let mut out: Vec<(WordStyle, ParaStyle, Option<u8>)> = Vec::new();
    let mut add = |id: WordStyle, s: &ParaStyle, level: Option<u8>| {
        if !out.iter().any(|(i, _, _)| *i == id) {
            out.push((id, s.clone(), level));
        }
    };
    for b in &doc.blocks {
        match b {
            Block::Title { style, .. } => add(WordStyle::Title, style, None),
            Block::Heading {
                style,
                level,
                outline: true,
                ..
            } => add(
                WordStyle::heading(*level),
                style,
                Some(level.saturating_sub(1)),
            ),
            Block::Paragraph { style, .. } if style.name == StyleName::BODY => {
                add(WordStyle::Normal, style, None)
            }
            _ => {}
        }
    }
    // Every paragraph names Normal or a style based on it.
    if !out.iter().any(|(i, _, _)| *i == WordStyle::Normal) {
        if let Some(s) = doc.blocks.iter().find_map(|b| match b {
            Block::Paragraph { style, .. } | Block::Heading { style, .. } => Some(style),
            _ => None,
        }) {
            out.push((WordStyle::Normal, s.clone(), None));
        }
    }
    out.sort_by_key(|(id, _, _)| *id != WordStyle::Normal);
    out
}

/// A built-in style carrying the stylesheet's look; Word shows it under
/// its Chinese alias (正文, 标题, 标题 1) beside its built-in name.
fn paragraph_style(
    x: &mut Xml,
    w: &Writer,
    style: WordStyle,
    s: &ParaStyle,
    outline: Option<u8>,
) -> Res {
    let (name, alias) = style.names();
    let normal = style == WordStyle::Normal;
    let mut attrs = vec![("w:type", "paragraph"), ("w:styleId", style.id())];
    if normal {
        attrs.insert(1, ("w:default", "1"));
    }
    x.open("w:style", &attrs)?;
    x.val("w:name", &name)?;
    x.val("w:aliases", &alias)?;
    if !normal {
        x.val("w:basedOn", WordStyle::Normal.id())?;
        x.val("w:next", WordStyle::Normal.id())?;
    }
    x.empty("w:qFormat", &[])?;
    // The style's paragraph look, as a paragraph of it would carry.
    let mut ppr = PPr::of(s);
    ppr.keep_next = outline.is_some();
    ppr.widow_control = normal;
    ppr.outline = outline;
    ppr.write(x)?;
    w.rpr(x, &s.text)?;
    x.close("w:style")
}

/// `settings.xml`: odd and even footers, the 禁则 lists (the same as the
/// PDF's line breaker), no punctuation squeezed inside a line, and the
/// compatibility mode of Word 2013 and later.
pub fn settings(even_and_odd: bool) -> Part {
    let mut x = Xml::new()?;
    x.open("w:settings", &[("xmlns:w", W_NS)])?;
    x.empty("w:zoom", &[("w:percent", "100")])?;
    x.val("w:defaultTabStop", "420")?;
    if even_and_odd {
        x.empty("w:evenAndOddHeaders", &[])?;
    }
    x.val("w:characterSpacingControl", "doNotCompress")?;
    x.empty(
        "w:noLineBreaksAfter",
        &[("w:lang", "zh-CN"), ("w:val", NO_LINE_END)],
    )?;
    x.empty(
        "w:noLineBreaksBefore",
        &[("w:lang", "zh-CN"), ("w:val", NO_LINE_START)],
    )?;
    x.open("w:compat", &[])?;
    x.empty(
        "w:compatSetting",
        &[
            ("w:name", "compatibilityMode"),
            ("w:uri", "http://schemas.microsoft.com/office/word"),
            ("w:val", "15"),
        ],
    )?;
    x.close("w:compat")?;
    x.empty(
        "w:themeFontLang",
        &[("w:val", "en-US"), ("w:eastAsia", "zh-CN")],
    )?;
    x.empty(
        "w:clrSchemeMapping",
        &[
            ("w:bg1", "light1"),
            ("w:t1", "dark1"),
            ("w:bg2", "light2"),
            ("w:t2", "dark2"),
            ("w:accent1", "accent1"),
            ("w:accent2", "accent2"),
            ("w:accent3", "accent3"),
            ("w:accent4", "accent4"),
            ("w:accent5", "accent5"),
            ("w:accent6", "accent6"),
            ("w:hyperlink", "hyperlink"),
            ("w:followedHyperlink", "followedHyperlink"),
        ],
    )?;
    x.val("w:decimalSymbol", ".")?;
    x.val("w:listSeparator", ",")?;
    x.close("w:settings")?;
    Ok(x.finish())
}

/// What Word needs to know of a font it may not have: the stock Windows
/// face to use instead, its PANOSE class and character set, as Word itself
/// writes them for these fonts (charset 86 = GB2312_CHARSET).
struct KnownFont {
    name: &'static str,
    alt: Option<&'static str>,
    panose: &'static str,
    charset: &'static str,
    family: &'static str,
    pitch: &'static str,
}

const KNOWN_FONTS: &[KnownFont] = &[
    KnownFont {
        name: "仿宋_GB2312",
        alt: Some("仿宋"),
        panose: "02010609030101010101",
        charset: "86",
        family: "modern",
        pitch: "fixed",
    },
    KnownFont {
        name: "楷体_GB2312",
        alt: Some("楷体"),
        panose: "02010609030101010101",
        charset: "86",
        family: "modern",
        pitch: "fixed",
    },
    KnownFont {
        name: "方正小标宋简体",
        alt: Some("宋体"),
        panose: "02000000000000000000",
        charset: "86",
        family: "auto",
        pitch: "variable",
    },
    KnownFont {
        name: "仿宋",
        alt: Some("FangSong"),
        panose: "02010609060101010101",
        charset: "86",
        family: "modern",
        pitch: "fixed",
    },
    KnownFont {
        name: "楷体",
        alt: Some("KaiTi"),
        panose: "02010609060101010101",
        charset: "86",
        family: "modern",
        pitch: "fixed",
    },
    KnownFont {
        name: "黑体",
        alt: Some("SimHei"),
        panose: "02010609060101010101",
        charset: "86",
        family: "modern",
        pitch: "fixed",
    },
    KnownFont {
        name: "宋体",
        alt: Some("SimSun"),
        panose: "02010600030101010101",
        charset: "86",
        family: "auto",
        pitch: "variable",
    },
    KnownFont {
        name: "Times New Roman",
        alt: None,
        panose: "02020603050405020304",
        charset: "00",
        family: "roman",
        pitch: "variable",
    },
];

/// `fontTable.xml`: every font the document names, the office fonts with
/// the stock face Word substitutes on a machine without them
/// (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体).
pub fn font_table(fonts: &BTreeMap<Role, FontRole>) -> Part {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for role in fonts.values() {
        names.insert(&role.docx);
        names.insert(&role.latin);
    }
    let mut x = Xml::new()?;
    x.open("w:fonts", &[("xmlns:w", W_NS)])?;
    for name in names {
        x.open("w:font", &[("w:name", name)])?;
        match KNOWN_FONTS.iter().find(|k| k.name == name) {
            Some(k) => {
                if let Some(alt) = k.alt {
                    x.val("w:altName", alt)?;
                }
                x.val("w:panose1", k.panose)?;
                x.val("w:charset", k.charset)?;
                x.val("w:family", k.family)?;
                x.val("w:pitch", k.pitch)?;
            }
            None => {
                // A font nianbao knows nothing of: a Chinese name is taken
                // to be a GB2312 face, anything else a Western one.
                let chinese = name.chars().any(crate::text::is_wide);
                if chinese {
                    x.val("w:altName", "宋体")?;
                }
                x.val("w:charset", if chinese { "86" } else { "00" })?;
                x.val("w:family", "auto")?;
                x.val("w:pitch", "default")?;
            }
        }
        x.close("w:font")?;
    }
    x.close("w:fonts")?;
    Ok(x.finish())
}

/// `docProps/core.xml`: title, author, and the creation date.
pub fn core(meta: &Meta, opts: DocxOptions) -> Part {
    let date = crate::clock::iso8601(opts.created.unwrap_or(0));
    let mut x = Xml::new()?;
    x.open(
        "cp:coreProperties",
        &[
            (
                "xmlns:cp",
                "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            ),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:dcterms", "http://purl.org/dc/terms/"),
            ("xmlns:dcmitype", "http://purl.org/dc/dcmitype/"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    )?;
    x.text("dc:title", &[], &meta.title)?;
    x.text("dc:creator", &[], &meta.author)?;
    x.text("cp:lastModifiedBy", &[], "nianbao")?;
    x.text("cp:revision", &[], "1")?;
    x.text("dcterms:created", &[("xsi:type", "dcterms:W3CDTF")], &date)?;
    x.text("dcterms:modified", &[("xsi:type", "dcterms:W3CDTF")], &date)?;
    x.close("cp:coreProperties")?;
    Ok(x.finish())
}
