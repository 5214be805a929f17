//! The words of a shape diagnostic: what a value was found to be, what
//! was expected, and the key a typo most likely meant.
//!
//! In: a JSON value, or a word and the keys it could have been. Out: the
//! text, in both languages (`expected 6 or 7 counts, found an array of
//! 2`), or the likely key (`unti` → `unit`), by edit distance with
//! transpositions (strsim's, the one clap's own suggestions use).

use crate::diag::{tr, Text};
use serde_json::Value;

/// "expected WANT, found WHAT", in both languages.
pub(super) fn expected(want: Text, v: &Value) -> Text {
    let what = found(v);
    tr(
        format!("这里应是{}，实际是{}", want.zh, what.zh),
        format!("expected {}, found {}", want.en, what.en),
    )
}

/// What a value is, for "found …": its type and a short rendering.
fn found(v: &Value) -> Text {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => tr(format!("布尔值 {b}"), format!("the boolean {b}")),
        Value::Number(n) => n.to_string().into(),
        Value::String(s) => {
            let short: String = s.chars().take(20).collect();
            let ell = if s.chars().count() > 20 { "…" } else { "" };
            tr(
                format!("文字 \"{short}{ell}\""),
                format!("the string \"{short}{ell}\""),
            )
        }
        Value::Array(a) => tr(
            format!("{} 项的数组", a.len()),
            format!("an array of {}", a.len()),
        ),
        Value::Object(_) => tr("一个对象", "an object"),
    }
}

/// The candidate closest to `word` by edit distance, if close enough to be
/// a plausible typo (at most a third of the word, and at least 1 edit).
pub(crate) fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The edit distance over characters (a Chinese character is one), an
/// adjacent transposition counting as one edit (`unti` → `unit`).
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("aplications", "applications"), 1);
        assert_eq!(edit_distance("规章", "规章"), 0);
        assert_eq!(edit_distance("规范性文件", "行政规范性文件"), 2);
    }

    #[test]
    fn did_you_mean_rejects_far_words() {
        assert_eq!(
            did_you_mean("aplications", &["applications", "unit"]),
            Some("applications")
        );
        assert_eq!(did_you_mean("zzz", &["applications", "unit"]), None);
    }
}
