//! White space in the markup's text.
//!
//! In: the raw runs of one paragraph or cell, as the markup gave them. Out:
//! the same runs with white space collapsed as HTML does (CSS Text 3 §4.1):
//! runs of spaces, tabs and newlines become one space and are trimmed at
//! the ends, except that a run containing a line break between two East
//! Asian wide characters disappears (CSS Text 3 §4.1.3, segment break
//! transformation), so a template may wrap long Chinese lines freely.
//! Every run comes out in Unicode NFC ([`crate::text::nfc`]): this is the
//! one place all text of the document tree passes, so the PDF, the OFD,
//! the DOCX and the HTML carry the same composed characters (`café`, not
//! `cafe` + U+0301), and a mark with no precomposed form stays after its
//! base for the line breaker to keep them together.

use crate::doc::Span;
use crate::text::{is_wide, nfc};

/// Collapses white space across runs; `\n` in a run is a forced break
/// (from `<br/>`) and is kept. Empty runs are dropped.
pub fn collapse(spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    let mut prev: Option<char> = None;
    // Pending white space: whether any, and whether it held a line break.
    let mut pending: Option<bool> = None;
    for span in spans {
        let mut text = String::with_capacity(span.text.len());
        for c in span.text.chars() {
            if c == '\u{2028}' {
                // A forced break, written by `<br/>`.
                text.push('\n');
                prev = None;
                pending = None;
            } else if c == '\u{200B}' {
                // A break hint: kept, and it swallows white space around it.
                text.push(c);
                pending = None;
            } else if c.is_whitespace() {
                let newline = matches!(c, '\n' | '\r');
                pending = Some(pending.unwrap_or(false) || newline);
            } else {
                if let (Some(newline), Some(p)) = (pending, prev) {
                    if !(newline && is_wide(p) && is_wide(c)) {
                        text.push(' ');
                    }
                }
                pending = None;
                text.push(c);
                prev = Some(c);
            }
        }
        if !text.is_empty() {
            out.push(Span {
                text: nfc(&text),
                ..span
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::TextStyle;
    use crate::units::Length;

    fn span(t: &str) -> Span {
        Span {
            text: t.into(),
            style: TextStyle {
                role: crate::doc::Role::Fangsong,
                size: Length::pt(16.0),
                bold: false,
            },
            class: None,
        }
    }

    fn text(spans: Vec<Span>) -> String {
        collapse(spans).iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn collapses_and_trims() {
        assert_eq!(text(vec![span("  a   b \n c  ")]), "a b c");
    }

    #[test]
    fn line_breaks_between_chinese_vanish() {
        assert_eq!(text(vec![span("总体\n    情况")]), "总体情况");
        assert_eq!(
            text(vec![span("本报告为 nianbao 的示例")]),
            "本报告为 nianbao 的示例"
        );
        assert_eq!(text(vec![span("情况\nABC")]), "情况 ABC");
    }

    #[test]
    fn white_space_across_runs_collapses_once() {
        let out = collapse(vec![span("（一）主动公开。 "), span("  我镇")]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].text, "（一）主动公开。");
        assert_eq!(out[1].text, " 我镇");
    }

    #[test]
    fn forced_breaks_are_kept() {
        assert_eq!(text(vec![span("商业 \u{2028} 企业")]), "商业\n企业");
    }
}
