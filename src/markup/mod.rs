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
mod table;
pub mod text;

use crate::diag::{Code, Diagnostic};
use crate::doc::*;
use crate::style::Stylesheet;
use crate::units::Length;
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
                    crate::text::lowercase_first(&e.to_string())
                ),
                crate::text::lowercase_first(&e.to_string()),
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
}
