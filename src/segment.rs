//! Word boundaries of Chinese text, for breaking a title between words
//! (GB/T 9704-2012 7.3.1: 回行时，要做到词意完整).
//!
//! In: a string. Out: the character indices where a new word begins.
//! Words come from jieba-rs with its dictionary, loaded once per process
//! and only when a title has to break somewhere no template hint says
//! (it takes about a quarter of a second). A run of single characters the
//! dictionary does not know (缑|氏|镇) is most likely one name, so it is
//! kept as one word; a number is never parted from its measure word
//! (`2023年`, `二〇二三年`).

use std::sync::OnceLock;

fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    JIEBA.get_or_init(jieba_rs::Jieba::new)
}

/// Whether a character is part of a number: digits, full-width digits and
/// the Chinese numerals of a year (二〇二三).
pub fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || "〇零一二三四五六七八九十百千".contains(c)
}

/// Administrative divisions: a single one after a name is part of it.
const SUFFIXES: &str = "省市区县镇乡村旗盟州";

/// Measure words that stay with the number before them.
const MEASURES: &str = "年月日度号期届次件条个项";

/// The character indices (0 < i < len) where a word begins.
pub fn word_starts(text: &str) -> Vec<usize> {
    let chars: Vec<char> = text.chars().collect();
    let mut starts = Vec::new();
    let mut at = 0;
    // Boundaries after single unknown characters are dropped: a run of
    // them reads as one name.
    let mut prev_single = false;
    for token in jieba().cut(text, false) {
        let n = token.chars().count();
        let single = n == 1 && token.chars().all(crate::text::is_wide);
        // An administrative suffix (镇, 旗, 县…) belongs to the name before
        // it: 札萨克镇, not 札萨克|镇.
        let suffix = single && token.chars().all(|c| SUFFIXES.contains(c));
        if at > 0 && !(single && prev_single) && !suffix {
            starts.push(at);
        }
        prev_single = single;
        at += n;
    }
    starts.retain(|&i| i > 0 && i < chars.len() && !inside_number(&chars, i));
    starts
}

/// Whether a break before `chars[i]` would part a number from itself or
/// from its measure word.
pub fn inside_number(chars: &[char], i: usize) -> bool {
    let (a, b) = (chars[i - 1], chars[i]);
    let ascii_run = a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric();
    let numeral_run = is_numeral(a) && is_numeral(b) && (is_year_digit(a) || is_year_digit(b));
    let measure = is_numeral(a) && MEASURES.contains(b);
    // 年度: the measure word keeps its own second character.
    let nian_du = a == '年' && b == '度';
    ascii_run || numeral_run || measure || nian_du
}

fn is_year_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || "〇零一二三四五六七八九".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut cuts = vec![0];
        cuts.extend(word_starts(text));
        cuts.push(chars.len());
        cuts.windows(2)
            .map(|w| chars[w[0]..w[1]].iter().collect())
            .collect()
    }

    #[test]
    fn names_and_years_stay_whole() {
        let w = words("缑氏镇人民政府2020年政府信息公开工作年度报告");
        assert!(w.contains(&"缑氏镇".to_string()), "{w:?}");
        assert!(w.iter().any(|x| x.contains("2020年")), "{w:?}");
        assert!(w.contains(&"政府".to_string()), "{w:?}");
        let w = words("伊金霍洛旗人民政府二〇二三年政府信息公开工作年度报告");
        assert!(w.iter().any(|x| x.contains("二〇二三年")), "{w:?}");
    }
}
