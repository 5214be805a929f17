//! Putting property elements in the order the WordprocessingML schema
//! requires.
//!
//! In: a part's XML as docx-rs wrote it. Out: the same XML with the
//! children of `w:rPr`, `w:pPr`, `w:tcPr`, `w:sectPr` and `w:style` in
//! schema order (ECMA-376 Part 1, §17.3.2.28 CT_RPr, §17.3.1.26 CT_PPr,
//! §17.4.70 CT_TcPr, §17.6.17 CT_SectPr, §17.7.4.17 CT_Style). docx-rs
//! writes some of them out of order (e.g. `w:sz` before `w:rFonts`,
//! `w:footerReference` last in `w:sectPr`); LibreOffice reads that, but
//! Word validates sequences, so the order is fixed here rather than
//! hoped for. Elements not listed keep their place after the listed ones.

/// Schema order of the children of each property element.
const ORDERS: &[(&str, &[&str])] = &[
    (
        "w:rPr",
        &[
            "w:rStyle",
            "w:rFonts",
            "w:b",
            "w:bCs",
            "w:i",
            "w:iCs",
            "w:caps",
            "w:smallCaps",
            "w:strike",
            "w:dstrike",
            "w:outline",
            "w:shadow",
            "w:emboss",
            "w:imprint",
            "w:noProof",
            "w:snapToGrid",
            "w:vanish",
            "w:webHidden",
            "w:color",
            "w:spacing",
            "w:w",
            "w:kern",
            "w:position",
            "w:sz",
            "w:szCs",
            "w:highlight",
            "w:u",
            "w:effect",
            "w:bdr",
            "w:shd",
            "w:fitText",
            "w:vertAlign",
            "w:rtl",
            "w:cs",
            "w:em",
            "w:lang",
            "w:eastAsianLayout",
            "w:specVanish",
            "w:oMath",
        ],
    ),
    (
        "w:pPr",
        &[
            "w:pStyle",
            "w:keepNext",
            "w:keepLines",
            "w:pageBreakBefore",
            "w:framePr",
            "w:widowControl",
            "w:numPr",
            "w:suppressLineNumbers",
            "w:pBdr",
            "w:shd",
            "w:tabs",
            "w:suppressAutoHyphens",
            "w:kinsoku",
            "w:wordWrap",
            "w:overflowPunct",
            "w:topLinePunct",
            "w:autoSpaceDE",
            "w:autoSpaceDN",
            "w:bidi",
            "w:adjustRightInd",
            "w:snapToGrid",
            "w:spacing",
            "w:ind",
            "w:contextualSpacing",
            "w:mirrorIndents",
            "w:suppressOverlap",
            "w:jc",
            "w:textDirection",
            "w:textAlignment",
            "w:textboxTightWrap",
            "w:outlineLvl",
            "w:divId",
            "w:cnfStyle",
            "w:rPr",
            "w:sectPr",
            "w:pPrChange",
        ],
    ),
    (
        "w:tcPr",
        &[
            "w:cnfStyle",
            "w:tcW",
            "w:gridSpan",
            "w:hMerge",
            "w:vMerge",
            "w:tcBorders",
            "w:shd",
            "w:noWrap",
            "w:tcMar",
            "w:textDirection",
            "w:tcFitText",
            "w:vAlign",
            "w:hideMark",
        ],
    ),
    (
        "w:sectPr",
        &[
            "w:headerReference",
            "w:footerReference",
            "w:footnotePr",
            "w:endnotePr",
            "w:type",
            "w:pgSz",
            "w:pgMar",
            "w:paperSrc",
            "w:pgBorders",
            "w:lnNumType",
            "w:pgNumType",
            "w:cols",
            "w:formProt",
            "w:vAlign",
            "w:noEndnote",
            "w:titlePg",
            "w:textDirection",
            "w:bidi",
            "w:rtlGutter",
            "w:docGrid",
            "w:printerSettings",
        ],
    ),
    (
        "w:style",
        &[
            "w:name",
            "w:aliases",
            "w:basedOn",
            "w:next",
            "w:link",
            "w:autoRedefine",
            "w:hidden",
            "w:uiPriority",
            "w:semiHidden",
            "w:unhideWhenUsed",
            "w:qFormat",
            "w:locked",
            "w:personal",
            "w:personalCompose",
            "w:personalReply",
            "w:rsid",
            "w:pPr",
            "w:rPr",
            "w:tblPr",
            "w:trPr",
            "w:tcPr",
            "w:tblStylePr",
        ],
    ),
];

/// Reorders the property elements of a part.
pub fn normalize(xml: &str) -> String {
    let mut out = xml.to_string();
    // Innermost first: run properties sit inside paragraph properties and
    // styles, paragraph properties inside styles.
    for (name, order) in ORDERS {
        out = reorder_all(&out, name, order);
    }
    out
}

/// Reorders the children of every `<name>` or `<name …>` element.
fn reorder_all(xml: &str, name: &str, order: &[&str]) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    let open = format!("<{name}");
    let close = format!("</{name}>");
    while let Some(i) = find_start(rest, &open) {
        let Some(tag_end) = rest[i..].find('>').map(|e| i + e + 1) else {
            break;
        };
        if rest[..tag_end].ends_with("/>") {
            out.push_str(&rest[..tag_end]);
            rest = &rest[tag_end..];
            continue;
        }
        let Some(end) = rest[tag_end..].find(&close).map(|e| tag_end + e) else {
            break;
        };
        out.push_str(&rest[..tag_end]);
        let children = split_children(&rest[tag_end..end]);
        let rank = |c: &str| {
            let child = c
                .trim_start_matches('<')
                .split([' ', '/', '>'])
                .next()
                .unwrap_or("");
            order
                .iter()
                .position(|o| *o == child)
                .unwrap_or(order.len())
        };
        let mut sorted = children;
        sorted.sort_by_key(|c| rank(c));
        for c in sorted {
            out.push_str(c);
        }
        out.push_str(&close);
        rest = &rest[end + close.len()..];
    }
    out.push_str(rest);
    out
}

/// The next `<name` followed by `>`, ` ` or `/` (not a longer name).
fn find_start(s: &str, open: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find(open) {
        let at = from + i;
        match s.as_bytes().get(at + open.len()) {
            Some(b'>' | b' ' | b'/') => return Some(at),
            _ => from = at + open.len(),
        }
    }
    None
}

/// The child elements of a container's content, each with its subtree.
fn split_children(content: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 0;
    let bytes = content.as_bytes();
    while i < content.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let start = i;
        let name_end = content[i + 1..]
            .find([' ', '/', '>'])
            .map_or(content.len(), |e| i + 1 + e);
        let name = &content[i + 1..name_end];
        let Some(tag_end) = content[i..].find('>').map(|e| i + e + 1) else {
            break;
        };
        if content[..tag_end].ends_with("/>") {
            out.push(&content[start..tag_end]);
            i = tag_end;
            continue;
        }
        // Find the matching close, counting nested elements of the same name.
        let (open, close) = (format!("<{name}"), format!("</{name}>"));
        let mut depth = 1;
        let mut j = tag_end;
        while depth > 0 {
            let next_close = content[j..].find(&close).map(|e| j + e);
            let next_open = find_start(&content[j..], &open).map(|e| j + e);
            match (next_open, next_close) {
                (Some(o), Some(c)) if o < c => {
                    let t = content[o..].find('>').map_or(content.len(), |e| o + e + 1);
                    if !content[..t].ends_with("/>") {
                        depth += 1;
                    }
                    j = t;
                }
                (_, Some(c)) => {
                    depth -= 1;
                    j = c + close.len();
                }
                _ => {
                    j = content.len();
                    break;
                }
            }
        }
        out.push(&content[start..j]);
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_properties_in_schema_order() {
        let xml = r#"<w:r><w:rPr><w:sz w:val="32" /><w:szCs w:val="32" /><w:rFonts w:eastAsia="仿宋" /><w:b /></w:rPr></w:r>"#;
        assert_eq!(
            normalize(xml),
            r#"<w:r><w:rPr><w:rFonts w:eastAsia="仿宋" /><w:b /><w:sz w:val="32" /><w:szCs w:val="32" /></w:rPr></w:r>"#
        );
    }

    #[test]
    fn nested_properties_move_whole() {
        let xml = r#"<w:pPr><w:rPr><w:sz w:val="2" /></w:rPr><w:jc w:val="both" /><w:spacing w:line="579" /><w:pStyle w:val="Normal" /></w:pPr>"#;
        assert_eq!(
            normalize(xml),
            r#"<w:pPr><w:pStyle w:val="Normal" /><w:spacing w:line="579" /><w:jc w:val="both" /><w:rPr><w:sz w:val="2" /></w:rPr></w:pPr>"#
        );
    }

    #[test]
    fn section_references_come_first() {
        let xml = r#"<w:sectPr><w:pgSz w:w="1" /><w:docGrid w:type="lines" /><w:footerReference w:type="default" r:id="a" /></w:sectPr>"#;
        assert!(normalize(xml).starts_with(r#"<w:sectPr><w:footerReference"#));
    }
}
