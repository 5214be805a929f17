//! The HTML writer: document tree → one standalone page.
//!
//! In: a [`Resolved`] document (with the report's JSON, [`Meta::data`]) and the
//! stylesheet's font roles. Out: an HTML5 page with a `<style>` block naming
//! the 公文 fonts (the office names first, then the open ones), tables
//! with real `rowspan`/`colspan` and `<thead>`, each figure's cell with
//! its `data-pointer` into the JSON, and the JSON itself in a
//! `<script type="application/json" id="nianbao-data">` (data, never run;
//! no script that runs): every text is escaped, so data cannot inject
//! markup. This is what government sites publish, and what those who
//! compare reports can read back as data.

use crate::doc::*;
use crate::style::FontRole;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Writes the page.
pub fn write(doc: &Resolved, fonts: &BTreeMap<Role, FontRole>) -> String {
    let mut styles: BTreeMap<StyleName, ParaStyle> = BTreeMap::new();
    let mut runs: BTreeMap<String, TextStyle> = BTreeMap::new();
    collect_styles(doc, &mut styles, &mut runs);
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(&doc.meta.title));
    if !doc.meta.author.is_empty() {
        let _ = writeln!(
            out,
            "<meta name=\"author\" content=\"{}\">",
            esc(&doc.meta.author)
        );
    }
    out.push_str("<style>\n");
    css(&mut out, doc, &styles, fonts);
    for (name, t) in &runs {
        let _ = writeln!(
            out,
            ".{} {{ font-family: {}; font-size: {:.2}pt; font-weight: {}; }}",
            class(name),
            font_list(t.role, fonts),
            t.size.to_pt(),
            if t.bold { "bold" } else { "normal" }
        );
    }
    out.push_str("</style>\n</head>\n<body>\n");
    if doc.meta.draft {
        // A forced render: a banner that prints with the page too.
        let _ = writeln!(
            out,
            "<div class=\"draft\" role=\"alert\" style=\"border:2px solid #c00;color:#c00;font-weight:bold;text-align:center;padding:0.5em;margin:0 0 1em\">{}</div>",
            esc(crate::doc::DRAFT)
        );
    }
    out.push_str("<main>\n");
    for block in &doc.blocks {
        write_block(&mut out, block);
    }
    out.push_str("</main>\n");
    if let Some(data) = &doc.meta.data {
        // The report's JSON, for whoever reads the page as data: written
        // by `crate::embed`, whose strings cannot close the element.
        out.push_str("<script type=\"application/json\" id=\"nianbao-data\">\n");
        out.push_str(&String::from_utf8_lossy(&data.0));
        out.push_str("\n</script>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The paragraph styles and the named run styles the document uses.
fn collect_styles(
    doc: &Document,
    out: &mut BTreeMap<StyleName, ParaStyle>,
    runs: &mut BTreeMap<String, TextStyle>,
) {
    let mut add = |s: &ParaStyle, spans: &mut dyn Iterator<Item = &Span>| {
        out.entry(s.name.clone()).or_insert_with(|| s.clone());
        for span in spans {
            if let Some(c) = &span.class {
                runs.entry(c.clone()).or_insert_with(|| span.style.clone());
            }
        }
    };
    for b in &doc.blocks {
        match b {
            Block::Title { style, lines } => add(style, &mut lines.iter().flatten()),
            Block::Heading { style, spans, .. } | Block::Paragraph { style, spans } => {
                add(style, &mut spans.iter())
            }
            Block::Signature {
                style, unit, date, ..
            } => add(style, &mut unit.iter().chain(date)),
            Block::Table(t) => t
                .grid
                .cells()
                .for_each(|(_, _, c)| add(&c.style, &mut c.spans.iter())),
            Block::PageBreak => {}
        }
    }
}

fn class(name: &str) -> String {
    format!("s-{name}")
}

/// A role's `font-family` list: its Latin face, the name Word gets, then
/// the role's `html` families, which end in a generic family of the
/// role's own kind (黑体 falls back to `sans-serif`, 楷体 to a Kai face),
/// so that without the office fonts a heading still looks like one; a role
/// without them lists its PDF faces, then `serif`.
fn font_list(role: Role, fonts: &BTreeMap<Role, FontRole>) -> String {
    let mut names: Vec<String> = Vec::new();
    if let Some(r) = fonts.get(&role) {
        names.push(r.latin.clone());
        names.push(r.docx.clone());
        if r.html.is_empty() {
            names.extend(r.pdf.iter().cloned());
            names.push("serif".into());
        } else {
            names.extend(r.html.iter().cloned());
        }
    } else {
        names.push("serif".into());
    }
    let mut seen = std::collections::BTreeSet::new();
    names.retain(|n| !n.is_empty() && seen.insert(n.clone()));
    let generic = |n: &str| matches!(n, "serif" | "sans-serif" | "monospace" | "cursive");
    names
        .iter()
        .map(|n| if generic(n) { n.clone() } else { quoted(n) })
        .collect::<Vec<_>>()
        .join(", ")
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace(['"', '\\', '<', '>'], ""))
}

fn css(
    out: &mut String,
    doc: &Document,
    styles: &BTreeMap<StyleName, ParaStyle>,
    fonts: &BTreeMap<Role, FontRole>,
) {
    let p = &doc.page;
    let _ = writeln!(
        out,
        "body {{ margin: 0; background: #fff; color: #000; }}\nmain {{ width: {:.1}mm; margin: {:.1}mm auto; }}",
        p.text_width.to_mm(),
        p.margin_top.to_mm()
    );
    out.push_str("p, h1, h2, div { margin: 0; }\n");
    out.push_str("table { border-collapse: collapse; margin: 0 auto; table-layout: fixed; }\n");
    out.push_str("td, th { border: 0.5pt solid #000; vertical-align: middle; }\n");
    out.push_str(
        "td.vertical, th.vertical { writing-mode: vertical-rl; text-orientation: upright; }\n",
    );
    out.push_str(".pagebreak { break-after: page; }\n.signature { text-align: right; }\n");
    for (name, s) in styles {
        let align = match s.align {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
            Align::Justify => "justify",
        };
        let _ = writeln!(
            out,
            ".{} {{ font-family: {}; font-size: {:.2}pt; font-weight: {}; line-height: {:.2}pt; text-align: {align}; text-indent: {:.2}pt; margin-top: {:.2}pt; margin-bottom: {:.2}pt; }}",
            class(name.as_str()),
            font_list(s.text.role, fonts),
            s.text.size.to_pt(),
            if s.text.bold { "bold" } else { "normal" },
            s.line_pitch.to_pt(),
            s.first_line_indent.to_pt(),
            s.space_before.to_pt(),
            s.space_after.to_pt(),
        );
    }
    // Run-in spans carry only their font, not the paragraph's layout.
    let _ = writeln!(out, "span {{ text-indent: 0; }}");
    if let Some(t) = doc.blocks.iter().find_map(|b| {
        if let Block::Table(t) = b {
            Some(t)
        } else {
            None
        }
    }) {
        let _ = writeln!(
            out,
            "td, th {{ padding: {:.2}pt {:.2}pt; height: {:.2}pt; }}",
            t.pad_y.to_pt(),
            t.pad_x.to_pt(),
            t.min_row_height.to_pt()
        );
    }
}

fn spans(out: &mut String, spans: &[Span]) {
    for s in spans {
        let text = esc(&s.text)
            .replace('\n', "<br>")
            .replace('\u{200B}', "<wbr>");
        match &s.class {
            Some(c) => {
                let _ = write!(out, "<span class=\"{}\">{text}</span>", class(c));
            }
            None => out.push_str(&text),
        }
    }
}

fn write_block(out: &mut String, block: &Block) {
    match block {
        Block::Title { lines, style } => {
            let _ = write!(out, "<h1 class=\"{}\">", class(style.name.as_str()));
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    out.push_str("<br>");
                }
                spans(out, line);
            }
            out.push_str("</h1>\n");
        }
        Block::Heading {
            spans: s,
            style,
            outline,
            ..
        } => {
            let tag = if *outline { "h2" } else { "p" };
            let _ = write!(out, "<{tag} class=\"{}\">", class(style.name.as_str()));
            spans(out, s);
            let _ = writeln!(out, "</{tag}>");
        }
        Block::Paragraph { spans: s, style } => {
            let _ = write!(out, "<p class=\"{}\">", class(style.name.as_str()));
            spans(out, s);
            out.push_str("</p>\n");
        }
        Block::Signature {
            unit, date, style, ..
        } => {
            let _ = write!(
                out,
                "<div class=\"signature {}\"><p>",
                class(style.name.as_str())
            );
            spans(out, unit);
            out.push_str("</p><p>");
            spans(out, date);
            out.push_str("</p></div>\n");
        }
        Block::PageBreak => out.push_str("<div class=\"pagebreak\"></div>\n"),
        Block::Table(t) => table(out, t),
    }
}

fn table(out: &mut String, t: &Table) {
    // The border attributes keep the grid visible where a site's editor
    // strips the style sheet.
    // A fixed layout honours the columns only when the table's own width
    // is given: their sum, the grid the PDF draws.
    let total: f64 = t.columns.iter().map(|w| w.to_mm()).sum();
    let _ = write!(
        out,
        "<table border=\"1\" cellspacing=\"0\" style=\"width: {total:.2}mm\">\n<colgroup>"
    );
    for w in &t.columns {
        let _ = write!(out, "<col style=\"width: {:.2}mm\">", w.to_mm());
    }
    out.push_str("</colgroup>\n");
    for r in 0..t.grid.rows {
        if r == 0 && t.header_rows > 0 {
            out.push_str("<thead>\n");
        }
        if r == t.header_rows {
            if r > 0 {
                out.push_str("</thead>\n");
            }
            out.push_str("<tbody>\n");
        }
        out.push_str("<tr>");
        for c in 0..t.grid.cols {
            let Some(cell) = t.grid.cell(r, c) else {
                continue;
            };
            // A header cell is a <th> with what it heads, as the tagged
            // PDF's TH: a screen reader announces the headers with a figure.
            let tag = match cell.heads() {
                Some(Scope::Column) => "th scope=\"col\"",
                Some(Scope::Row) => "th scope=\"row\"",
                None => "td",
            };
            let _ = write!(out, "<{tag}");
            if cell.rowspan > 1 {
                let _ = write!(out, " rowspan=\"{}\"", cell.rowspan);
            }
            if cell.colspan > 1 {
                let _ = write!(out, " colspan=\"{}\"", cell.colspan);
            }
            let mut classes = vec![class(cell.style.name.as_str())];
            classes.extend(cell.class.iter().cloned());
            if cell.vertical {
                classes.push("vertical".into());
            }
            let _ = write!(out, " class=\"{}\"", esc(&classes.join(" ")));
            if let Some(p) = &cell.pointer {
                let _ = write!(out, " data-pointer=\"{}\"", esc(p));
            }
            let valign = match cell.valign {
                VAlign::Top => "top",
                VAlign::Middle => "middle",
                VAlign::Bottom => "bottom",
            };
            let align = match cell.style.align {
                Align::Left => "left",
                Align::Center => "center",
                Align::Right => "right",
                Align::Justify => "justify",
            };
            let _ = write!(
                out,
                " style=\"vertical-align: {valign}; text-align: {align}\">"
            );
            spans(out, &cell.spans);
            out.push_str(if cell.heads().is_some() {
                "</th>"
            } else {
                "</td>"
            });
        }
        out.push_str("</tr>\n");
    }
    let close = if t.header_rows >= t.grid.rows {
        "</thead>"
    } else {
        "</tbody>"
    };
    let _ = writeln!(out, "{close}\n</table>");
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    crate::text::escape_xml(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_falls_back_to_its_own_kind_of_face() {
        let sheet = crate::style::parse(
            include_str!("../templates/annual-report/style.toml"),
            "style.toml",
        )
        .expect("the built-in stylesheet");
        let last = |role: Role| {
            let list = font_list(role, &sheet.fonts);
            list.rsplit(", ").next().unwrap_or("").to_string()
        };
        assert_eq!(last(Role::Hei), "sans-serif", "黑体 headings");
        assert_eq!(last(Role::Fangsong), "serif", "仿宋 body");
        let kai = font_list(Role::Kai, &sheet.fonts);
        let kai_face = kai.find("Kaiti SC").expect("a Kai face");
        assert!(kai_face < kai.find("serif").expect("serif last"), "{kai}");
        // No serif CJK face stands before a sans heading's fallback.
        assert!(!font_list(Role::Hei, &sheet.fonts).contains("Serif"));
    }
}
