use std::collections::BTreeMap;

use crate::fold;

static EMBEDDED: &str = include_str!("../data/rome.tsv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metier {
    pub code: String,
    pub label: String,
}

/// The ROME 4.0 métiers, by code.
pub struct Rome {
    by_code: BTreeMap<String, Metier>,
    folded: Vec<(String, String)>,
}

impl Rome {
    pub fn embedded() -> Self {
        let by_code: BTreeMap<_, _> = EMBEDDED
            .lines()
            .skip(1)
            .filter_map(|l| {
                let (code, label) = l.split_once('\t')?;
                Some((
                    code.to_owned(),
                    Metier {
                        code: code.to_owned(),
                        label: label.to_owned(),
                    },
                ))
            })
            .collect();
        let folded = by_code
            .values()
            .map(|m| (m.code.clone(), fold(&m.label)))
            .collect();
        Self { by_code, folded }
    }

    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    pub fn get(&self, code: &str) -> Option<&Metier> {
        self.by_code.get(code)
    }

    /// Every métier, by code.
    pub fn all(&self) -> impl Iterator<Item = &Metier> {
        self.by_code.values()
    }

    pub fn label(&self, code: &str) -> Option<&str> {
        self.get(code).map(|m| m.label.as_str())
    }

    /// By code prefix ("D11") or by words of the label, in any order ("boulang").
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Metier> {
        let q = query.trim();
        if q.is_empty() {
            return Vec::new();
        }
        let upper = q.to_ascii_uppercase();
        if upper.len() <= 5
            && upper.as_bytes()[0].is_ascii_alphabetic()
            && upper[1..].bytes().all(|b| b.is_ascii_digit())
            && upper.len() > 1
        {
            return self
                .by_code
                .range(upper.clone()..)
                .take_while(|(c, _)| c.starts_with(&upper))
                .map(|(_, m)| m)
                .take(limit)
                .collect();
        }
        let words: Vec<String> = fold(q).split(' ').map(str::to_owned).collect();
        self.folded
            .iter()
            .filter(|(_, f)| {
                words
                    .iter()
                    .all(|w| f.split(' ').any(|fw| fw.starts_with(w.as_str())))
            })
            .filter_map(|(code, _)| self.by_code.get(code))
            .take(limit)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rome_4_referential_is_complete() {
        let rome = Rome::embedded();
        assert_eq!(rome.len(), 1584);
        assert!(
            rome.label("D1102")
                .unwrap()
                .to_lowercase()
                .contains("boulang")
        );
    }

    #[test]
    fn search_by_code_prefix_and_words() {
        let rome = Rome::embedded();
        assert!(
            rome.search("d110", 20)
                .iter()
                .all(|m| m.code.starts_with("D110"))
        );
        assert!(
            rome.search("boulanger", 5)
                .iter()
                .any(|m| m.code == "D1102")
        );
        assert!(
            rome.search("soignant aide", 5)
                .iter()
                .any(|m| m.code == "J1501")
        );
        assert!(rome.search("", 5).is_empty());
    }
}
