//! The document markup → the document tree (the pipeline in the crate's
//! header: after `template`, before `layout::resolve`).
//!
//! In: the markup a template produced (an XML subset, parsed with a real
//! XML parser, roxmltree) and the bundle's stylesheet. Out: a
//! [`Document`] whose every style and font role is resolved; what needs
//! the fonts to decide (the title's printed lines, the signature's
//! insets) is left to [`crate::layout::resolve`], which alone makes the
//! [`Resolved`] tree the writers take. Every element and attribute is
//! checked: an unknown one, a style the stylesheet lacks, or a table whose
//! spans do not tile its grid is an error with the markup's line and
//! column. The elements are documented in the README ("Document markup").

mod grid;
pub mod text;

use crate::diag::{Code, Diagnostic};
use crate::doc::*;
use crate::style::Stylesheet;
use crate::units::Length;
use grid::Placed;
use roxmltree::Node;

/// The largest markup accepted, and the most blocks and table rows: bounds
/// that keep a runaway template from exhausting memory.
pub const MAX_MARKUP_BYTES: usize = 64 * 1024 * 1024;

/// The deepest nesting of elements (`<em>` in `<span>` in `<p>` …): our
/// walk of inline runs recurses once a level. Real documents need 5.
pub const MAX_MARKUP_DEPTH: usize = 64;

/// The most cells one table, and one document, may have: a report has a
/// few hundred, and every cell costs its text's layout in memory.
pub const MAX_TABLE_CELLS: usize = 50_000;
/// See [`MAX_TABLE_CELLS`].
pub const MAX_DOCUMENT_CELLS: usize = 100_000;

/// The largest `<col width>` weight; weights are shares, and a sum of
/// huge ones loses the small.
const MAX_COL_WEIGHT: f64 = 1.0e6;

/// Parses markup into a document tree; `name` names the source in errors.
pub fn parse(markup: &str, sheet: &Stylesheet, name: &str) -> Result<Document> {
    if markup.len() > MAX_MARKUP_BYTES {
        return Err(Diagnostic::input(
            Code::Limit,
            format!(
                "{name}: the markup is {} bytes; at most {MAX_MARKUP_BYTES} are accepted",
                markup.len()
            ),
        ));
    }
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(markup, opts).map_err(|e| {
        let pos = e.pos();
        let line = markup
            .lines()
            .nth(pos.row as usize - 1)
            .unwrap_or("")
            .trim();
        let excerpt: String = line.chars().take(80).collect();
        Diagnostic::at_text(
            Code::Markup,
            name,
            pos.row as usize,
            pos.col as usize,
            crate::diag::tr(
                format!(
                    "模板生成的文档标记不是合格的 XML：{}",
                    lowercase(&e.to_string())
                ),
                lowercase(&e.to_string()),
            ),
        )
        .with_hint(crate::diag::tr(
            format!("标记的这一行是：{excerpt}"),
            format!("the markup line reads: {excerpt}"),
        ))
    })?;
    if let Some((node, depth)) = too_deep(&doc) {
        let p = doc.text_pos_at(node.range().start);
        return Err(Diagnostic::at_text(
            Code::Limit,
            name,
            p.row as usize,
            p.col as usize,
            crate::diag::tr(
                format!("标记的元素嵌套深达 {depth} 层，上限 {MAX_MARKUP_DEPTH}"),
                format!("elements nest {depth} deep; the limit is {MAX_MARKUP_DEPTH}"),
            ),
        ));
    }
    let p = Parser {
        sheet,
        name,
        doc: &doc,
        cells: std::cell::Cell::new(0),
    };
    p.document(doc.root_element())
}

/// The first element nested deeper than [`MAX_MARKUP_DEPTH`], found by an
/// iterative walk (a recursive one would overflow on the very input it
/// guards against).
fn too_deep<'a, 'i>(doc: &'a roxmltree::Document<'i>) -> Option<(Node<'a, 'i>, usize)> {
    // Nodes come in document order, a parent before its children: each
    // element's depth is its parent's plus one.
    let mut depth: Vec<u32> = Vec::new();
    for node in doc.descendants() {
        let i = node.id().get_usize();
        if depth.len() <= i {
            depth.resize(i + 1, 0);
        }
        let up = node
            .parent()
            .map_or(0, |p| depth.get(p.id().get_usize()).copied().unwrap_or(0));
        let d = up + u32::from(node.is_element());
        depth[i] = d;
        if d as usize > MAX_MARKUP_DEPTH {
            return Some((node, d as usize));
        }
    }
    None
}

fn lowercase(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

struct Parser<'a, 'i> {
    sheet: &'a Stylesheet,
    name: &'a str,
    doc: &'a roxmltree::Document<'i>,
    /// Table cells so far, against [`MAX_DOCUMENT_CELLS`].
    cells: std::cell::Cell<usize>,
}

type Result<T> = std::result::Result<T, Diagnostic>;

impl Parser<'_, '_> {
    fn pos(&self, node: Node) -> (usize, usize) {
        let p = self.doc.text_pos_at(node.range().start);
        (p.row as usize, p.col as usize)
    }

    /// A markup error: what the template produced is wrong. The detail
    /// is in the markup's own terms (element and attribute names); the
    /// Chinese says whose mistake it is.
    fn err(&self, node: Node, message: String) -> Diagnostic {
        let (line, col) = self.pos(node);
        let text = crate::diag::tr(format!("模板生成的文档标记有误：{message}"), message);
        Diagnostic::at_text(Code::Markup, self.name, line, col, text)
    }

    /// Refuses attributes other than `allowed`.
    fn attrs(&self, node: Node, allowed: &[&str]) -> Result<()> {
        for a in node.attributes() {
            if !allowed.contains(&a.name()) {
                let tag = node.tag_name().name();
                let list = if allowed.is_empty() {
                    "none".to_string()
                } else {
                    allowed.join(", ")
                };
                return Err(self.err(
                    node,
                    format!("<{tag}> has no attribute `{}` (allowed: {list})", a.name()),
                ));
            }
        }
        Ok(())
    }

    fn style(&self, node: Node, name: &str) -> Result<ParaStyle> {
        self.sheet.style(name).cloned().ok_or_else(|| {
            let names: Vec<&str> = self.sheet.styles.keys().map(String::as_str).collect();
            self.err(
                node,
                format!(
                    "no style `{name}` in the stylesheet (styles: {})",
                    names.join(", ")
                ),
            )
        })
    }

    fn style_attr(&self, node: Node, default: &str) -> Result<ParaStyle> {
        self.style(node, node.attribute("style").unwrap_or(default))
    }

    fn document(&self, root: Node) -> Result<Document> {
        if root.tag_name().name() != "document" {
            return Err(self.err(
                root,
                format!(
                    "the root element is <{}>; expected <document>",
                    root.tag_name().name()
                ),
            ));
        }
        self.attrs(root, &["title", "author"])?;
        let mut blocks = Vec::new();
        for child in root.children() {
            if let Some(b) = self.block(child)? {
                blocks.push(b);
            }
        }
        let title = root
            .attribute("title")
            .map(crate::text::nfc)
            .unwrap_or_else(|| {
                blocks
                    .iter()
                    .find_map(|b| match b {
                        Block::Title { lines, .. } => {
                            Some(lines.iter().map(|l| plain(l)).collect())
                        }
                        _ => None,
                    })
                    .unwrap_or_default()
            });
        let author = crate::text::nfc(root.attribute("author").unwrap_or_default());
        Ok(Document {
            meta: Meta {
                title,
                author,
                draft: false,
                data: None,
            },
            page: self.sheet.page.clone(),
            blocks,
        })
    }

    /// One block element; white-space text between blocks is skipped.
    fn block(&self, node: Node) -> Result<Option<Block>> {
        if node.is_text() {
            let t = node.text().unwrap_or_default();
            if t.trim().is_empty() {
                return Ok(None);
            }
            return Err(self.err(
                node,
                format!(
                    "text outside a paragraph: `{}`",
                    t.trim().chars().take(30).collect::<String>()
                ),
            ));
        }
        if !node.is_element() {
            return Ok(None);
        }
        let block = match node.tag_name().name() {
            "title" => self.title(node)?,
            "heading" => self.heading(node)?,
            "p" => {
                self.attrs(node, &["style", "indent"])?;
                let mut style = self.style_attr(node, StyleName::BODY.as_str())?;
                match node.attribute("indent") {
                    None | Some("yes") => {}
                    Some("no") => style.first_line_indent = Length::ZERO,
                    Some(v) => return Err(self.err(node, format!("indent=\"{v}\": expected yes or no"))),
                }
                let spans = self.inline(node, &style)?;
                Block::Paragraph { spans, style }
            }
            "signature" => self.signature(node)?,
            "pagebreak" => {
                self.attrs(node, &[])?;
                Block::PageBreak
            }
            "table" => Block::Table(self.table(node)?),
            other => return Err(self.err(node, format!("unknown element <{other}> (blocks: title, heading, p, signature, pagebreak, table)"))),
        };
        Ok(Some(block))
    }

    fn title(&self, node: Node) -> Result<Block> {
        self.attrs(node, &["style"])?;
        let style = self.style_attr(node, StyleName::TITLE.as_str())?;
        let elements: Vec<Node> = node.children().filter(Node::is_element).collect();
        let lines = if elements.is_empty() {
            vec![self.inline(node, &style)?]
        } else {
            let mut lines = Vec::new();
            for child in node.children() {
                match child.tag_name().name() {
                    "line" => {
                        self.attrs(child, &[])?;
                        lines.push(self.inline(child, &style)?);
                    }
                    _ if child.is_text() && child.text().unwrap_or_default().trim().is_empty() => {}
                    _ => {
                        return Err(self.err(
                            child,
                            "<title> holds <line> elements or text, not both".into(),
                        ))
                    }
                }
            }
            lines
        };
        Ok(Block::Title { lines, style })
    }

    fn heading(&self, node: Node) -> Result<Block> {
        self.attrs(node, &["level", "style", "outline"])?;
        let level: u8 = node
            .attribute("level")
            .and_then(|l| l.parse().ok())
            .filter(|l| (1..=4).contains(l))
            .ok_or_else(|| self.err(node, "<heading> needs level=\"1\" to \"4\"".into()))?;
        let style = self.style_attr(node, &format!("heading{level}"))?;
        let outline = match node.attribute("outline") {
            None | Some("yes") => true,
            Some("no") => false,
            Some(v) => return Err(self.err(node, format!("outline=\"{v}\": expected yes or no"))),
        };
        let spans = self.inline(node, &style)?;
        Ok(Block::Heading {
            level,
            spans,
            style,
            outline,
        })
    }

    fn signature(&self, node: Node) -> Result<Block> {
        self.attrs(node, &["style"])?;
        let style = self.style_attr(node, StyleName::SIGNATURE.as_str())?;
        let (mut unit, mut date) = (None, None);
        for child in node.children().filter(Node::is_element) {
            self.attrs(child, &[])?;
            match child.tag_name().name() {
                "unit" => unit = Some(self.inline(child, &style)?),
                "date" => date = Some(self.inline(child, &style)?),
                other => {
                    return Err(self.err(
                        child,
                        format!("<signature> holds <unit> and <date>, not <{other}>"),
                    ))
                }
            }
        }
        match (unit, date) {
            (Some(unit), Some(date)) => Ok(Block::Signature {
                unit,
                date,
                style,
                insets: Default::default(),
            }),
            _ => Err(self.err(node, "<signature> needs a <unit> and a <date>".into())),
        }
    }

    /// The runs inside a block: text, `<span style>`, `<em>`, `<br/>`.
    fn inline(&self, node: Node, style: &ParaStyle) -> Result<Vec<Span>> {
        let mut raw = Vec::new();
        self.collect_inline(node, &style.text, None, &mut raw)?;
        Ok(text::collapse(raw))
    }

    fn collect_inline(
        &self,
        node: Node,
        ts: &TextStyle,
        class: Option<&str>,
        out: &mut Vec<Span>,
    ) -> Result<()> {
        for child in node.children() {
            if child.is_text() {
                let text = child.text().unwrap_or_default().to_string();
                out.push(Span {
                    text,
                    style: ts.clone(),
                    class: class.map(str::to_string),
                });
                continue;
            }
            if !child.is_element() {
                continue;
            }
            match child.tag_name().name() {
                "span" => {
                    self.attrs(child, &["style"])?;
                    let name = child
                        .attribute("style")
                        .ok_or_else(|| self.err(child, "<span> needs a style".into()))?;
                    let s = self.style(child, name)?;
                    self.collect_inline(child, &s.text, Some(name), out)?;
                }
                "em" => {
                    self.attrs(child, &[])?;
                    let s = self.sheet.style(StyleName::EMPHASIS.as_str()).map_or_else(
                        || TextStyle {
                            bold: true,
                            ..ts.clone()
                        },
                        |e| TextStyle {
                            size: ts.size,
                            ..e.text.clone()
                        },
                    );
                    self.collect_inline(child, &s, Some(StyleName::EMPHASIS.as_str()), out)?;
                }
                "br" => {
                    self.attrs(child, &[])?;
                    out.push(Span {
                        text: "\u{2028}".into(),
                        style: ts.clone(),
                        class: None,
                    });
                }
                "wbr" => {
                    // A preferred break, zero width (U+200B), kept by the
                    // white-space pass and honoured by the title's breaker.
                    self.attrs(child, &[])?;
                    out.push(Span {
                        text: "\u{200B}".into(),
                        style: ts.clone(),
                        class: None,
                    });
                }
                other => {
                    return Err(self.err(
                        child,
                        format!("unknown element <{other}> in text (inline: span, em, br, wbr)"),
                    ))
                }
            }
        }
        Ok(())
    }

    fn table(&self, node: Node) -> Result<Table> {
        self.attrs(node, &["class"])?;
        let mut widths = Vec::new();
        let mut rows = Vec::new();
        let mut keep_with_next = Vec::new();
        let mut header_rows = 0;
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "col" => {
                    self.attrs(child, &["width"])?;
                    widths.push(self.col_width(child)?);
                }
                "thead" | "tbody" => {
                    self.attrs(child, &[])?;
                    let is_head = child.tag_name().name() == "thead";
                    if is_head && rows.len() > header_rows {
                        return Err(
                            self.err(child, "<thead> must come before the body rows".into())
                        );
                    }
                    for tr in child.children().filter(Node::is_element) {
                        let (row, keep) = self.row(tr)?;
                        self.count_cells(tr, &rows, row.len())?;
                        rows.push(row);
                        keep_with_next.push(keep);
                        if is_head {
                            header_rows += 1;
                        }
                    }
                }
                "tr" => {
                    let (row, keep) = self.row(child)?;
                    self.count_cells(child, &rows, row.len())?;
                    rows.push(row);
                    keep_with_next.push(keep);
                }
                other => {
                    return Err(self.err(
                        child,
                        format!("unknown element <{other}> in <table> (col, thead, tbody, tr)"),
                    ))
                }
            }
        }
        if rows.is_empty() {
            return Err(self.err(node, "a table needs at least one <tr>".into()));
        }
        if widths.is_empty() {
            let cols = rows[0].iter().map(|p| p.cell.colspan).sum::<usize>().max(1);
            widths = vec![ColWidth::Weight(1.0); cols];
        }
        let grid = grid::place(rows, widths.len(), node.range().start).map_err(|e| {
            let p = self.doc.text_pos_at(e.at);
            Diagnostic::at_text(
                Code::TableGrid,
                self.name,
                p.row as usize,
                p.col as usize,
                e.message,
            )
        })?;
        let t = &self.sheet.table;
        Ok(Table {
            columns: resolve_widths(&widths, self.sheet.page.text_width),
            header_rows,
            keep_with_next,
            grid,
            rule: t.rule,
            pad_x: t.pad_x,
            pad_y: t.pad_y,
            min_row_height: t.min_row_height,
        })
    }

    /// Refuses a row that takes its table past [`MAX_TABLE_CELLS`] or the
    /// document past [`MAX_DOCUMENT_CELLS`].
    fn count_cells(&self, tr: Node, rows: &[Vec<Placed>], new: usize) -> Result<()> {
        let in_table = rows.iter().map(Vec::len).sum::<usize>() + new;
        let in_doc = self.cells.get() + new;
        self.cells.set(in_doc);
        if in_table > MAX_TABLE_CELLS || in_doc > MAX_DOCUMENT_CELLS {
            let (zh, en, limit) = if in_table > MAX_TABLE_CELLS {
                ("一张表", "a table", MAX_TABLE_CELLS)
            } else {
                ("一份文件", "a document", MAX_DOCUMENT_CELLS)
            };
            let (line, col) = self.pos(tr);
            return Err(Diagnostic::at_text(
                Code::Limit,
                self.name,
                line,
                col,
                crate::diag::tr(
                    format!("{zh}最多 {limit} 个单元格；这一行超出了"),
                    format!("{en} has at most {limit} cells; this row goes past"),
                ),
            ));
        }
        Ok(())
    }

    fn col_width(&self, node: Node) -> Result<ColWidth> {
        let w = node.attribute("width").unwrap_or("1");
        if let Ok(v) = w.parse::<f64>() {
            if v.is_finite() && v > 0.0 && v <= MAX_COL_WEIGHT {
                return Ok(ColWidth::Weight(v));
            }
        }
        match Length::parse(w) {
            // No column is wider than a sheet of A0.
            Some(l) if l > Length::ZERO && l <= Length::mm(1189.0) => Ok(ColWidth::Abs(l)),
            _ => Err(self.err(
                node,
                format!(
                    "width=\"{w}\": expected a weight from 0 to {MAX_COL_WEIGHT} (e.g. 685) or a length up to 1189mm (e.g. 20mm)"
                ),
            )),
        }
    }

    /// A row's cells, and whether it keeps with the next row.
    fn row(&self, tr: Node) -> Result<(Vec<Placed>, bool)> {
        if tr.tag_name().name() != "tr" {
            return Err(self.err(
                tr,
                format!(
                    "unknown element <{}> where a <tr> belongs",
                    tr.tag_name().name()
                ),
            ));
        }
        self.attrs(tr, &["keep-with-next"])?;
        let keep = match tr.attribute("keep-with-next") {
            None | Some("false") => false,
            Some("true") => true,
            Some(v) => {
                return Err(self.err(
                    tr,
                    format!("keep-with-next=\"{v}\": expected true or false"),
                ))
            }
        };
        let mut cells = Vec::new();
        for td in tr.children().filter(Node::is_element) {
            if td.tag_name().name() != "td" {
                return Err(self.err(
                    td,
                    format!("unknown element <{}> in <tr> (td)", td.tag_name().name()),
                ));
            }
            cells.push(Placed {
                cell: self.cell(td)?,
                at: td.range().start,
            });
        }
        Ok((cells, keep))
    }

    fn cell(&self, td: Node) -> Result<Cell> {
        self.attrs(
            td,
            &[
                "rowspan",
                "colspan",
                "style",
                "align",
                "valign",
                "vertical",
                "class",
                "data-pointer",
            ],
        )?;
        let span = |name: &str| -> Result<usize> {
            match td.attribute(name) {
                None => Ok(1),
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| {
                        self.err(
                            td,
                            format!("{name}=\"{v}\": expected a whole number from 1 to 1000"),
                        )
                    }),
            }
        };
        let mut style = self.style_attr(td, StyleName::TABLE_CELL.as_str())?;
        if let Some(a) = td.attribute("align") {
            style.align = match a {
                "left" => Align::Left,
                "center" => Align::Center,
                "right" => Align::Right,
                "justify" => Align::Justify,
                _ => {
                    return Err(self.err(
                        td,
                        format!("align=\"{a}\": expected left, center, right or justify"),
                    ))
                }
            };
        }
        let valign = match td.attribute("valign").unwrap_or("middle") {
            "top" => VAlign::Top,
            "middle" => VAlign::Middle,
            "bottom" => VAlign::Bottom,
            v => {
                return Err(self.err(
                    td,
                    format!("valign=\"{v}\": expected top, middle or bottom"),
                ))
            }
        };
        let vertical = match td.attribute("vertical") {
            None | Some("false") => false,
            Some("true") => true,
            Some(v) => {
                return Err(self.err(td, format!("vertical=\"{v}\": expected true or false")))
            }
        };
        let spans = self.inline(td, &style)?;
        Ok(Cell {
            rowspan: span("rowspan")?,
            colspan: span("colspan")?,
            spans,
            style,
            valign,
            vertical,
            class: td.attribute("class").map(str::to_string),
            pointer: td
                .attribute("data-pointer")
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        })
    }
}

/// A `<col width>`: a weight (share of what is left) or a length.
#[derive(Debug, Clone, Copy)]
enum ColWidth {
    Weight(f64),
    Abs(Length),
}

/// Column widths fitted to the measure: lengths as given, weights sharing
/// what is left; a table wider than the measure is scaled down to fit.
fn resolve_widths(widths: &[ColWidth], measure: Length) -> Vec<Length> {
    let fixed: Length = widths
        .iter()
        .filter_map(|w| {
            if let ColWidth::Abs(l) = w {
                Some(*l)
            } else {
                None
            }
        })
        .sum();
    let weights: f64 = widths
        .iter()
        .filter_map(|w| {
            if let ColWidth::Weight(v) = w {
                Some(*v)
            } else {
                None
            }
        })
        .sum();
    let left = (measure - fixed).max(Length::ZERO);
    let mut out: Vec<Length> = widths
        .iter()
        .map(|w| match w {
            ColWidth::Abs(l) => *l,
            ColWidth::Weight(v) => left * (v / weights),
        })
        .collect();
    let total: Length = out.iter().copied().sum();
    if total > measure {
        let k = measure / total;
        out.iter_mut().for_each(|w| *w = *w * k);
    }
    out
}
