//! French text analysis: what makes "Aide-soignant·e", "aide soignante" and "AIDE-SOIGNANTS"
//! the same words.
//!
//! The chain: split on anything not a letter or digit, lowercase, drop French stop words, fold
//! accents, drop the fragments of inclusive writing ("·e", "(se)", "(ne)", "/rice"), bring
//! feminine forms to the masculine ("boulangère" → "boulanger", "soignante" → "soignant"),
//! then stem (French Snowball). Folding comes before stemming: stemming accented words first
//! misses pairs such as "pâtissière"/"patissiere". The `fr_fold` chain stops before stemming;
//! it serves typo tolerance, which behaves badly on stems.

use std::collections::HashMap;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
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
        .filter(FrenchStemmer)
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

/// The French Snowball stemmer (the one of tantivy's `Stemmer`, same output) with a memory of
/// the words it has stemmed: a catalogue repeats a few thousand words millions of times, and
/// stemming one from scratch costs more than the rest of its indexing. The memory belongs to
/// one analyzer (tantivy gives each indexing segment its own) and is emptied when full.
#[derive(Clone)]
pub struct FrenchStemmer;

/// Words remembered by one analyzer before its memory is emptied.
const REMEMBERED: usize = 50_000;

impl TokenFilter for FrenchStemmer {
    type Tokenizer<T: Tokenizer> = FrenchStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FrenchStemmerFilter<T> {
        FrenchStemmerFilter {
            inner: tokenizer,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::French),
            stems: HashMap::new(),
        }
    }
}

#[derive(Clone)]
pub struct FrenchStemmerFilter<T> {
    inner: T,
    stemmer: frostem::Stemmer,
    stems: HashMap<Box<str>, Box<str>>,
}

impl<T: Tokenizer> Tokenizer for FrenchStemmerFilter<T> {
    type TokenStream<'a> = FrenchStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FrenchStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
            stems: &mut self.stems,
        }
    }
}

pub struct FrenchStemmerStream<'a, T> {
    tail: T,
    stemmer: &'a frostem::Stemmer,
    stems: &'a mut HashMap<Box<str>, Box<str>>,
}

impl<T: TokenStream> TokenStream for FrenchStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let text = &mut self.tail.token_mut().text;
        if let Some(stem) = self.stems.get(text.as_str()) {
            text.clear();
            text.push_str(stem);
            return true;
        }
        let stem: Box<str> = self.stemmer.stem(text).into();
        if self.stems.len() >= REMEMBERED {
            self.stems.clear();
        }
        self.stems.insert(text.as_str().into(), stem.clone());
        text.clear();
        text.push_str(&stem);
        true
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

    /// The remembering stemmer gives tantivy's own stemmer's words, the first time a word is
    /// seen, the next times, and after its memory was emptied.
    #[test]
    fn remembered_stems_are_the_snowball_stems() {
        let snowball = || {
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(40))
                .filter(LowerCaser)
                .filter(StopWordFilter::new(Language::French).expect("French stop words"))
                .filter(AsciiFoldingFilter)
                .filter(InclusiveForms)
                .filter(tantivy::tokenizer::Stemmer::new(Language::French))
                .build()
        };
        let text = "Boulangère pâtissière, vendeur·euse en boulangerie ; maintenance des \
                    installations, mécanicien(ne) agricole, aide-soignant·e, coiffeuses, \
                    comptabilité gestionnaire administrative commerciales";
        let mut remembering = stemmed();
        let expected = tokens(&mut snowball(), text);
        assert!(expected.len() >= 12, "{expected:?}");
        for _ in 0..3 {
            assert_eq!(tokens(&mut remembering, text), expected);
        }
        // Past its memory: more distinct words than it keeps, then the same text again.
        let many: String = (0..REMEMBERED + 10).map(|i| format!("mot{i}s ")).collect();
        assert_eq!(
            tokens(&mut remembering, &many),
            tokens(&mut snowball(), &many)
        );
        assert_eq!(tokens(&mut remembering, text), expected);
    }

    #[test]
    fn folded_chain_keeps_whole_words() {
        assert_eq!(
            tokens(&mut folded(), "Mécanicien(ne) d'entretien"),
            ["mecanicien", "entretien"]
        );
    }
}
