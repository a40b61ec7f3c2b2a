//! The 88 divisions of the NAF (two digits), to choose a sector by its name.

static EMBEDDED: &str = include_str!("../data/naf_divisions.tsv");

/// (code, label) of every NAF division, by code: "10", "Industries alimentaires".
pub fn naf_divisions() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED.lines().skip(1).filter_map(|l| l.split_once('\t'))
}

/// The label of the division of a NAF code ("10.71C" → "Industries alimentaires").
pub fn naf_division(code: &str) -> Option<&'static str> {
    let division = code.get(..2)?;
    naf_divisions()
        .find(|(c, _)| *c == division)
        .map(|(_, label)| label)
}

#[cfg(test)]
mod tests {
    #[test]
    fn divisions_are_read_from_the_embedded_file() {
        assert_eq!(super::naf_divisions().count(), 88);
        assert_eq!(
            super::naf_division("10.71C"),
            Some("Industries alimentaires")
        );
        assert_eq!(super::naf_division("45"), super::naf_division("45.20A"));
        assert_eq!(super::naf_division("00.00Z"), None);
        assert_eq!(super::naf_division("É"), None);
    }
}
