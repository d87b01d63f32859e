//! "Did you mean ...?" for misspelt keys, op names and preset names.

/// The candidate closest to `word`, if one is close enough to be a likely typo
/// (a few edits away, or one is a prefix of the other).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    let limit = (w.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .filter_map(|c| {
            let lc = c.to_lowercase();
            let d = strsim::damerau_levenshtein(&w, &lc);
            let prefix = w.len() >= 3 && (lc.starts_with(&w) || w.starts_with(&lc));
            (d <= limit || prefix).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `; did you mean `x`?` or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_misses_only() {
        let keys = ["op", "channel", "df", "time", "idxs", "kind", "tau"];
        assert_eq!(closest("tme", keys), Some("time"));
        assert_eq!(closest("idx", keys), Some("idxs"));
        assert_eq!(closest("Kind", keys), Some("kind"));
        assert_eq!(closest("chanel", keys), Some("channel"));
        assert_eq!(closest("frequency_offset", keys), None);
        assert_eq!(
            closest("snap_len", ["snap_len_to_quantum", "name"]),
            Some("snap_len_to_quantum")
        );
    }
}
