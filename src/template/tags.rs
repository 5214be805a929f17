//! The `{{…}}` tags of a Handlebars text, found without parsing it.
//!
//! In: template text (a bundle's file, or a `--name` pattern). Out: each
//! tag in order, with where it starts and what is inside it (without the
//! braces, the whitespace-control `~` and a raw block's third brace), or
//! `None` for a comment, which may hold anything. An unclosed tag runs to
//! the end of the text: handlebars refuses it later with its own message;
//! this scan only has to never fail on it. The one place the crate reads
//! tags by hand: the template limits ([`super::limits`]) and the output
//! name pattern ([`crate::names`]) both read them through here.

/// One tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag<'t> {
    /// The byte offset of its `{{`.
    pub start: usize,
    /// What is inside, trimmed at the start; `None` for a comment.
    pub inner: Option<&'t str>,
}

/// The tags of `text`, in order.
pub fn tags(text: &str) -> Tags<'_> {
    Tags { text, offset: 0 }
}

/// An iterator over the tags of a text.
#[derive(Debug, Clone)]
pub struct Tags<'t> {
    text: &'t str,
    offset: usize,
}

impl<'t> Iterator for Tags<'t> {
    type Item = Tag<'t>;

    fn next(&mut self) -> Option<Tag<'t>> {
        let rest = self.text.get(self.offset..)?;
        let open = rest.find("{{")?;
        let start = self.offset + open;
        let after = &rest[open + 2..];
        let (inner, consumed) = if let Some(c) = after.strip_prefix("!--") {
            let end = c.find("--}}").map_or(c.len(), |e| e + 4);
            (None, 2 + 3 + end)
        } else if after.starts_with('!') {
            let end = after.find("}}").map_or(after.len(), |e| e + 2);
            (None, 2 + end)
        } else {
            let (inner, end) = match after.find("}}") {
                Some(e) => (&after[..e], e + 2),
                None => (after, after.len()),
            };
            (
                Some(inner.trim_start_matches(['{', '~']).trim_start()),
                2 + end,
            )
        };
        self.offset = (start + consumed).min(self.text.len());
        Some(Tag { start, inner })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_comments_and_unclosed() {
        let all: Vec<_> = tags("a{{x}}b{{! c }}d{{!-- {{y}} --}}{{~ #if z}}{{{raw}}}{{8号")
            .map(|t| t.inner)
            .collect();
        assert_eq!(
            all,
            vec![
                Some("x"),
                None,
                None,
                Some("#if z"),
                Some("raw"),
                Some("8号")
            ]
        );
    }

    #[test]
    fn positions() {
        let starts: Vec<_> = tags("ab{{x}}{{y}}").map(|t| t.start).collect();
        assert_eq!(starts, vec![2, 7]);
    }
}
