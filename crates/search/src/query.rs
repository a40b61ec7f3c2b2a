//! From what a young person asks to a tantivy query and a collector.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use tantivy::Term;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tremplin_domain::ContractType;

use crate::collector::{Filters, OfferCollector};
use crate::index::{contract_code, days};
use crate::ranges::{CellRuns, CellsQuery};
use crate::{Result, SearchIndex, analysis, geo};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first; nearest first among equals. Without text, as by date.
    #[default]
    Relevance,
    /// Nearest first (needs a point).
    Distance,
    /// Most recently published first.
    Date,
}

#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    /// (lat, lon, radius in km): only offers within the radius, inclusive.
    pub near: Option<(f64, f64, f64)>,
    pub rome_codes: Vec<String>,
    pub levels: Vec<u8>,
    pub contract: Option<ContractType>,
    /// Only offers open to applicants with a recognised disability (RQTH).
    pub rqth_only: bool,
    /// Start-date window; "as soon as possible" counts as starting at `today`.
    pub start_from: Option<NaiveDate>,
    pub start_to: Option<NaiveDate>,
    pub today: Option<NaiveDate>,
    /// Only offers published at or after this instant ("nouveau cette semaine").
    pub published_since: Option<DateTime<Utc>>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub score: f32,
    pub distance_km: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// How many quadtree cells cover a search circle at most: more cells fit the circle closer
/// (fewer exact distances on its edge) but cost binary searches in every segment.
const CELL_BUDGET: usize = 96;

/// Field weights: the title counts most.
const WEIGHTS: [(&str, f32); 5] = [
    ("title", 4.0),
    ("rome", 2.5),
    ("company", 2.0),
    ("commune", 1.5),
    ("description", 1.0),
];

impl SearchIndex {
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        let searcher = self.searcher();
        let cells = q.near.map(|(lat, lon, radius)| {
            Arc::new(CellRuns::new(geo::covering(lat, lon, radius, CELL_BUDGET)))
        });
        let (query, has_text) = self.build_query(q, &searcher, cells.clone());
        let collector = OfferCollector {
            sort: match q.sort {
                Sort::Relevance if !has_text => {
                    if q.near.is_some() {
                        Sort::Distance
                    } else {
                        Sort::Date
                    }
                }
                s => s,
            },
            filters: Filters {
                near: q.near,
                start_from: q.start_from.map(days),
                start_to: q.start_to.map(days),
                today: days(q.today.unwrap_or_else(|| Utc::now().date_naive())),
                published_since: q.published_since.map(|t| t.timestamp()),
                levels: q
                    .levels
                    .iter()
                    .fold(0u16, |mask, l| mask | (1 << l.min(&15))),
                contract: q.contract.map(contract_code),
            },
            top: q.offset + q.limit,
            cells,
        };
        let (total, mut hits) = searcher.search(&*query, &collector)?;
        let hits = hits.drain(..).skip(q.offset).collect();
        Ok(SearchResults { total, hits })
    }

    fn build_query(
        &self,
        q: &SearchQuery,
        searcher: &tantivy::Searcher,
        cells: Option<Arc<CellRuns>>,
    ) -> (Box<dyn Query>, bool) {
        let f = &self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();

        let mut folded_analyzer = self.analyzer(analysis::FOLDED);
        let mut stem_analyzer = self.analyzer(analysis::STEMMED);
        let words = analysis::tokens(&mut folded_analyzer, &q.text);
        let has_text = !words.is_empty();
        for word in words {
            let stem = analysis::tokens(&mut stem_analyzer, &word)
                .pop()
                .unwrap_or_else(|| word.clone());
            let mut any: Vec<(Occur, Box<dyn Query>)> = WEIGHTS
                .iter()
                .map(|(name, w)| {
                    let field = self.field(name);
                    let tq = TermQuery::new(
                        Term::from_field_text(field, &stem),
                        IndexRecordOption::WithFreqs,
                    );
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(tq), *w)) as Box<dyn Query>,
                    )
                })
                .collect();
            let len = word.chars().count();
            // Typo tolerance only for a word the catalogue does not know as typed: a correctly
            // spelled word needs no costly fuzzy expansion.
            let known = searcher
                .doc_freq(&Term::from_field_text(f.fuzzy, &word))
                .is_ok_and(|n| n > 0);
            if len >= 5 && !known {
                let distance = if len >= 8 { 2 } else { 1 };
                let fuzzy =
                    FuzzyTermQuery::new(Term::from_field_text(f.fuzzy, &word), distance, true);
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(fuzzy), 0.8)),
                ));
            }
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }

        let filter = |q: Box<dyn Query>| {
            (
                Occur::Must,
                Box::new(BoostQuery::new(q, 0.0)) as Box<dyn Query>,
            )
        };
        let any_of = |terms: Vec<Term>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                terms
                    .into_iter()
                    .map(|t| {
                        (
                            Occur::Should,
                            Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                        )
                    })
                    .collect(),
            ))
        };
        if let Some(runs) = cells {
            // Scores nothing: the relevance of a match is its text's alone.
            must.push((Occur::Must, Box::new(CellsQuery { runs })));
        }
        if !q.rome_codes.is_empty() {
            must.push(filter(any_of(
                q.rome_codes
                    .iter()
                    .map(|c| Term::from_field_text(f.rome_code, c))
                    .collect(),
            )));
        }
        if q.rqth_only {
            must.push(filter(any_of(vec![Term::from_field_u64(f.rqth, 1)])));
        }
        if must.is_empty() {
            (Box::new(AllQuery), false)
        } else {
            (Box::new(BooleanQuery::new(must)), has_text)
        }
    }

    fn field(&self, name: &str) -> Field {
        let f = &self.fields;
        match name {
            "title" => f.title,
            "rome" => f.rome,
            "company" => f.company,
            "commune" => f.commune,
            _ => f.description,
        }
    }
}
