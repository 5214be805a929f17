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

/// Reorders the property elements of a part, in one pass over its tags:
/// the children of a listed element are gathered (each with its subtree,
/// already put in order) and written out sorted when it closes; anything
/// outside such an element is copied straight through.
pub fn normalize(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < xml.len() {
        let lt = xml[i..].find('<').map_or(xml.len(), |p| i + p);
        if lt > i {
            emit(&mut stack, &mut out, xml[i..lt].to_string());
            i = lt;
            continue;
        }
        let Some(gt) = xml[i..].find('>').map(|p| i + p + 1) else {
            emit(&mut stack, &mut out, xml[i..].to_string());
            break;
        };
        let tag = &xml[i..gt];
        i = gt;
        if tag.starts_with("</") {
            match stack.pop() {
                Some(Frame::Pass) | None => out.push_str(tag),
                Some(Frame::Inner(mut s)) => {
                    s.push_str(tag);
                    emit(&mut stack, &mut out, s);
                }
                Some(Frame::Reorder { head, order, kids }) => {
                    let s = sorted(head, order, kids, tag);
                    emit(&mut stack, &mut out, s);
                }
            }
        } else if tag.ends_with("/>") || tag.starts_with("<?") || tag.starts_with("<!") {
            emit(&mut stack, &mut out, tag.to_string());
        } else {
            let name = element_name(tag);
            let frame = match ORDERS.iter().find(|(n, _)| *n == name) {
                Some((_, order)) => Frame::Reorder {
                    head: tag,
                    order,
                    kids: Vec::new(),
                },
                None if matches!(stack.last(), Some(Frame::Reorder { .. } | Frame::Inner(_))) => {
                    Frame::Inner(tag.to_string())
                }
                None => {
                    out.push_str(tag);
                    Frame::Pass
                }
            };
            stack.push(frame);
        }
    }
    // Unclosed elements (not in docx-rs output): keep what they held.
    while let Some(frame) = stack.pop() {
        let s = match frame {
            Frame::Pass => continue,
            Frame::Inner(s) => s,
            Frame::Reorder { head, order, kids } => sorted(head, order, kids, ""),
        };
        emit(&mut stack, &mut out, s);
    }
    out
}

/// An open element during [`normalize`].
enum Frame<'a> {
    /// Outside any listed element: copied straight to the output.
    Pass,
    /// A listed element: its start tag, its order and its children so far.
    Reorder {
        head: &'a str,
        order: &'static [&'static str],
        kids: Vec<String>,
    },
    /// An element inside a listed one: its text so far.
    Inner(String),
}

/// Adds a finished piece (a child with its subtree, or text) to the open
/// element, or to the output when none gathers it.
fn emit(stack: &mut [Frame], out: &mut String, piece: String) {
    match stack.last_mut() {
        Some(Frame::Reorder { kids, .. }) => kids.push(piece),
        Some(Frame::Inner(s)) => s.push_str(&piece),
        Some(Frame::Pass) | None => out.push_str(&piece),
    }
}

/// A listed element with its children in schema order; children not in
/// the order keep their relative place after the listed ones.
fn sorted(head: &str, order: &[&str], mut kids: Vec<String>, close: &str) -> String {
    let rank = |k: &String| {
        let name = if k.starts_with('<') {
            element_name(k)
        } else {
            ""
        };
        order.iter().position(|o| *o == name).unwrap_or(order.len())
    };
    kids.sort_by_key(rank);
    let mut s = String::with_capacity(
        head.len() + close.len() + kids.iter().map(String::len).sum::<usize>(),
    );
    s.push_str(head);
    for k in &kids {
        s.push_str(k);
    }
    s.push_str(close);
    s
}

/// The name in a start or empty tag: `<w:sz w:val="2" />` → `w:sz`.
fn element_name(tag: &str) -> &str {
    tag.trim_start_matches('<')
        .split([' ', '/', '>'])
        .next()
        .unwrap_or("")
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
