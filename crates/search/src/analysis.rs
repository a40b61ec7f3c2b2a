//! French text analysis: what makes "Aide-soignant·e", "aide soignante" and "AIDE-SOIGNANTS"
//! the same words.
//!
//! The chain: split on anything not a letter or digit, lowercase, drop French stop words, fold
//! accents, drop the fragments of inclusive writing ("·e", "(se)", "(ne)", "/rice"), bring
//! feminine forms to the masculine ("boulangère" → "boulanger", "soignante" → "soignant"),
//! then stem (French Snowball). Folding comes before stemming: stemming accented words first
//! misses pairs such as "pâtissière"/"patissiere". The `fr_fold` chain stops before stemming;
//! it serves typo tolerance, which behaves badly on stems.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

pub const STEMMED: &str = "fr";
pub const FOLDED: &str = "fr_fold";

pub fn stemmed() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Language::French).expect("French stop words"))
        .filter(AsciiFoldingFilter)
        .filter(InclusiveForms)
        .filter(Stemmer::new(Language::French))
        .build()
}

pub fn folded() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Language::French).expect("French stop words"))
        .filter(AsciiFoldingFilter)
        .filter(InclusiveForms)
        .build()
}

/// The tokens of `text` through `analyzer`.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Suffix fragments that inclusive writing leaves as separate tokens once split on "·", "(",
/// "/" or ".": "vendeur·euse", "conducteur(rice)", "agent·e·s". Single letters go too ("H/F").
const FRAGMENTS: &[&str] = &[
    "es", "se", "ne", "nne", "ere", "eres", "euse", "euses", "rice", "rices", "trice", "ice",
    "ive", "fe", "le", "te", "ie",
];

/// Feminine endings brought to their masculine form, longest first.
const FEMININE: &[(&str, &str)] = &[
    ("iennes", "iens"),
    ("ienne", "ien"),
    ("trices", "teurs"),
    ("trice", "teur"),
    ("euses", "eurs"),
    ("euse", "eur"),
    ("ieres", "iers"),
    ("iere", "ier"),
    ("eres", "ers"),
    ("ere", "er"),
    ("antes", "ants"),
    ("ante", "ant"),
];

fn normalise(word: &mut String) -> bool {
    if word.chars().count() < 2 || FRAGMENTS.contains(&word.as_str()) {
        return false;
    }
    if word.len() >= 6 {
        for (fem, masc) in FEMININE {
            if let Some(stem) = word.strip_suffix(fem) {
                if stem.len() >= 3 {
                    *word = format!("{stem}{masc}");
                }
                break;
            }
        }
    }
    true
}

#[derive(Clone)]
pub struct InclusiveForms;

impl TokenFilter for InclusiveForms {
    type Tokenizer<T: Tokenizer> = InclusiveFormsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> InclusiveFormsFilter<T> {
        InclusiveFormsFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct InclusiveFormsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for InclusiveFormsFilter<T> {
    type TokenStream<'a> = InclusiveFormsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        InclusiveFormsStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct InclusiveFormsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for InclusiveFormsStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if normalise(&mut self.tail.token_mut().text) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        tokens(&mut stemmed(), text)
    }

    #[test]
    fn inclusive_forms_reduce_to_the_same_words() {
        assert_eq!(stems("Aide-soignant·e"), stems("aide soignant"));
        assert_eq!(stems("aide-soignante"), stems("AIDE SOIGNANTS"));
        assert_eq!(
            stems("Boulanger/Boulangère"),
            [stems("boulanger")[0].clone(), stems("boulanger")[0].clone()]
        );
        assert_eq!(stems("Vendeur(se)"), stems("vendeuse"));
        assert_eq!(
            stems("Mécanicien(ne) agricole"),
            stems("mecanicienne agricole")
        );
        assert_eq!(stems("Conducteur·rice"), stems("conductrice"));
        assert_eq!(
            stems("Agent·e de maintenance (H/F)"),
            stems("agents maintenance")
        );
    }

    #[test]
    fn accents_case_and_plurals_fold() {
        assert_eq!(stems("Pâtissière"), stems("patissier"));
        assert_eq!(stems("MAINTENANCES"), stems("maintenance"));
        assert_eq!(stems("employée"), stems("employee"));
        assert_eq!(stems("Sécurité"), stems("securite"));
    }

    #[test]
    fn folded_chain_keeps_whole_words() {
        assert_eq!(
            tokens(&mut folded(), "Mécanicien(ne) d'entretien"),
            ["mecanicien", "entretien"]
        );
    }
}
