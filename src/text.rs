//! Text helpers every stage shares: a leaf module (it uses nothing else of
//! the crate), so the markup, the layout and every writer read one rule.
//!
//! In: characters and strings. Out: their class (wide or not, a
//! combining mark or not, the 禁则 sets of GB/T 15834 and clreq), their
//! NFC form and their XML escape; a byte offset's line and column; a
//! library's message with its first letter lowered.

/// Whether a character is East Asian Wide or Fullwidth (UAX #11), by the
/// blocks that hold them: the CJK ideographs, kana, Hangul, CJK symbols and
/// punctuation, and the fullwidth forms.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE10..=0xFE19
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// Whether a character is a combining mark (General_Category M: Mn, Mc,
/// Me; UAX #14 class CM): it belongs to the character before it, so no
/// line may break before it (UAX #14 LB9) and no justification gap may
/// open before it.
pub fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// Text in Unicode Normalization Form C: a base character and its marks
/// composed where Unicode has a precomposed character (`e` + U+0301 →
/// `é`), so that every writer carries one form of it and a font draws the
/// designed glyph rather than a mark stacked by position.
pub fn nfc(s: &str) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => s.to_string(),
        _ => s.nfc().collect(),
    }
}

/// Defines a list of marks once, as both the string the DOCX's 禁则 and
/// the tests read and the `match` line breaking asks for every glyph: a
/// `str::contains` with a non-ASCII `char` (a substring search set up at
/// every call) was 3 % of a batch's instructions (callgrind, 30 reports),
/// a `chars()` scan more.
macro_rules! marks {
    ($(#[$doc:meta])* $list:ident, $is:ident: $($c:literal)*) => {
        $(#[$doc])*
        pub const $list: &str = concat!($($c),*);

        #[doc = concat!("Whether `c` is in [`", stringify!($list), "`].")]
        pub fn $is(c: char) -> bool {
            matches!(c, $($c)|*)
        }
    };
}

marks! {
    /// Marks that may not start a line (clreq 行首禁则; GB/T 15834 4.1–4.2):
    /// pause and stop marks, closing brackets and quotes, and the percent
    /// sign; in their full-width and half-width forms (a half-width `.` or
    /// `,` typed in Chinese text, or ending a URL's part, is still a stop or
    /// a comma to the reader at a line's start: Word's own zh-CN list has
    /// them too).
    NO_LINE_START, no_line_start:
    '，' '。' '、' '；' '：' '？' '！' '）' '》' '〉' '」' '』' '】' '〕' '〗' '〙'
    '〛' '”' '’' '…' '‥' '％' '%' '．' '｝' '］' '〞' '.' ',' ';' ':' '!' '?'
    ')' ']' '}'
}

marks! {
    /// Marks that may not end a line (clreq 行尾禁则): opening brackets and
    /// quotes, full-width and half-width.
    NO_LINE_END, no_line_end:
    '（' '《' '〈' '「' '『' '【' '〔' '〖' '〘' '〚' '“' '‘' '｛' '［' '〝' '(' '[' '{'
}

marks! {
    /// Full-width marks whose glyph sits in one half of the em box, so that
    /// the other half may be removed at the end of a line (clreq 3.1.7).
    COMPRESSIBLE_AT_END, compressible_at_end:
    '，' '。' '、' '；' '：' '？' '！' '）' '》' '〉' '」' '』' '】' '〕' '”' '’'
}

/// Escapes text for XML and HTML content and attribute values.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The vertical presentation form of a punctuation mark (Unicode's CJK
/// Compatibility Forms and Vertical Forms, U+FE10–FE19 and U+FE30–FE44;
/// UTR #50), set in a vertical cell in place of the horizontal mark: the
/// pause and stop marks sit at the upper right of their square, brackets
/// and book-title marks turn a quarter.
pub fn vertical_form(c: char) -> Option<char> {
    Some(match c {
        '，' => '\u{FE10}',
        '、' => '\u{FE11}',
        '。' => '\u{FE12}',
        '：' => '\u{FE13}',
        '；' => '\u{FE14}',
        '！' => '\u{FE15}',
        '？' => '\u{FE16}',
        '〖' => '\u{FE17}',
        '〗' => '\u{FE18}',
        '…' => '\u{FE19}',
        '—' => '\u{FE31}',
        '（' => '\u{FE35}',
        '）' => '\u{FE36}',
        '｛' => '\u{FE37}',
        '｝' => '\u{FE38}',
        '〔' => '\u{FE39}',
        '〕' => '\u{FE3A}',
        '【' => '\u{FE3B}',
        '】' => '\u{FE3C}',
        '《' => '\u{FE3D}',
        '》' => '\u{FE3E}',
        '〈' => '\u{FE3F}',
        '〉' => '\u{FE40}',
        '「' | '“' => '\u{FE41}',
        '」' | '”' => '\u{FE42}',
        '『' | '‘' => '\u{FE43}',
        '』' | '’' => '\u{FE44}',
        _ => return None,
    })
}
/// 1-based line and column (in characters, as editors count them) of a
/// byte offset: where a message points in a data file, a stylesheet or a
/// template.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
/// `s` with its first letter in lower case: a library's message
/// ("Unexpected end…") set after a colon in ours.
pub fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
