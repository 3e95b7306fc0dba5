//! How the sessions list's `q` is matched, shared by the authority's store and the
//! console's cache so that both find the same rows: text of three characters or more goes
//! through a trigram index as a phrase; shorter text is a `LIKE` per column.

/// Text this long or longer is looked up in the trigram index.
pub fn indexed(text: &str) -> bool {
    text.chars().count() >= 3
}

/// `"text"` as an FTS5 phrase: a substring, for the trigram tokenizer.
pub fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// `%text%` for `LIKE ... ESCAPE '\'`, with the text's own wildcards escaped.
pub fn like_pattern(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_escape_what_would_match_more() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
        assert_eq!(fts_phrase("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert!(indexed("ber") && !indexed("be") && indexed("ÅÖÄ"));
    }
}
