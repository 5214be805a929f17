//! The report's JSON as the documents carry it: attached to the PDF and
//! the OFD, inside the HTML's `<script type="application/json"
//! id="nianbao-data">`.
//!
//! In: the report (the typed report as given, in the data contract's
//! order, so that a workbook and the JSON it was made from carry the same
//! bytes; or, for a template over any JSON, the data as given). Out: its
//! bytes, compact (the same bytes on every run; a report's arrays of
//! figures, one per line pretty-printed, tripled its size, and so the
//! time to pack it into every PDF of a batch),
//! with `<`, `>` and `&` inside strings written as `\u003c`, `\u003e` and
//! `\u0026`, and U+2028/U+2029 as `\u2028`/`\u2029`. That is the same JSON
//! to any parser, and it can never close the HTML's script element
//! (`</script>` inside a string) nor be read as markup by an old browser
//! (HTML Living Standard 4.12.1.3, "restrictions for contents of script
//! elements"). The escaping is done by serde_json's formatter as it
//! writes each string, never by searching the written text.

use serde_json::ser::Formatter;
use std::io::{self, Write};

/// The data's bytes, as every document embeds them.
pub fn json<T: serde::Serialize + ?Sized>(data: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(4 * 1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Safe);
    data.serialize(&mut ser)?;
    Ok(out)
}

/// serde_json's compact formatter, with the string escaping above.
struct Safe;

impl Formatter for Safe {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        let mut from = 0;
        for (i, c) in s.char_indices() {
            if matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') {
                w.write_all(&s.as_bytes()[from..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                from = i + c.len_utf8();
            }
        }
        w.write_all(&s.as_bytes()[from..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn strings_cannot_close_a_script_and_parse_back_the_same() {
        let v = serde_json::json!({"unit": "</script><b>甲&乙\u{2028}", "n": [1, 2]});
        let bytes = json(&v).expect("serialises");
        let text = String::from_utf8(bytes.clone()).expect("UTF-8");
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert!(text.contains("\\u003c/script\\u003e") && text.contains("\\u2028"));
        assert_eq!(serde_json::from_slice::<Value>(&bytes).expect("parses"), v);
        assert!(text.contains("\"n\":[1,2]"), "compact: {text}");
    }
}
