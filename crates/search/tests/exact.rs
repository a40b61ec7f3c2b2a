//! The search near a point finds exactly what a scan of every offer finds: the same offers
//! within the radius, in the same order, the same count, for random offers and queries.
//!
//! The scan decides the radius, the filters and the order itself; only "which offers match the
//! words, with what score" comes from the index, asked without a point (the path that reads no
//! cell).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use tremplin_domain::ContractType;
use tremplin_domain::geo::haversine_km;
use tremplin_search::{OfferDoc, SearchIndex, SearchQuery, Sort};

const CENTRE: (f64, f64) = (48.76935, 0.58802);
const WORDS: [&str; 6] = [
    "boulanger",
    "vendeur",
    "mecanicien",
    "soignant",
    "cuisinier",
    "coiffeur",
];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

#[derive(Debug, Clone)]
struct Offer {
    lat: f64,
    lon: f64,
    words: Vec<usize>,
    level: u8,
    contract: bool,
    rqth: bool,
    start: Option<i64>,
    published: i64,
}

fn offer() -> impl Strategy<Value = Offer> {
    // Half the offers share one of a few positions (communes), so that distances tie.
    let place = prop_oneof![
        (0usize..4).prop_map(|i| {
            let p = [(0.0, 0.0), (0.05, -0.1), (-0.2, 0.15), (0.31, 0.4)][i];
            (CENTRE.0 + p.0, CENTRE.1 + p.1)
        }),
        (-0.7f64..0.7, -1.0f64..1.0).prop_map(|(a, o)| (CENTRE.0 + a, CENTRE.1 + o)),
    ];
    (
        place,
        proptest::collection::vec(0usize..WORDS.len(), 1..3),
        3u8..8,
        any::<bool>(),
        proptest::bool::weighted(0.2),
        proptest::option::of(-10i64..60),
        0i64..12,
    )
        .prop_map(
            |((lat, lon), words, level, contract, rqth, start, published)| Offer {
                lat,
                lon,
                words,
                level,
                contract,
                rqth,
                start,
                published,
            },
        )
}

fn published(days: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap() + Duration::days(days)
}

fn document(id: i64, o: &Offer) -> OfferDoc {
    let title: Vec<&str> = o.words.iter().map(|&w| WORDS[w]).collect();
    OfferDoc {
        id,
        title: title.join(" "),
        description: String::new(),
        rome_codes: vec![],
        rome_labels: vec![],
        company: format!("Entreprise {id}"),
        commune: "Quelque part".into(),
        lat: o.lat,
        lon: o.lon,
        level: Some(o.level),
        contract: if o.contract {
            ContractType::Professionnalisation
        } else {
            ContractType::Apprentissage
        },
        rqth: o.rqth,
        start: o.start.map(|d| today() + Duration::days(d)),
        published_at: Some(published(o.published)),
    }
}

#[derive(Debug, Clone)]
struct Ask {
    word: Option<usize>,
    centre: (f64, f64),
    radius: f64,
    sort: Sort,
    levels: Vec<u8>,
    contract: Option<bool>,
    rqth: bool,
    start_to: Option<i64>,
    since: Option<i64>,
    offset: usize,
    limit: usize,
}

fn ask() -> impl Strategy<Value = Ask> {
    (
        proptest::option::of(0usize..WORDS.len()),
        (-0.3f64..0.3, -0.4f64..0.4),
        prop_oneof![Just(0.0), Just(5.0), Just(30.0), 0.0f64..90.0],
        prop_oneof![
            Just(Sort::Distance),
            Just(Sort::Relevance),
            Just(Sort::Date)
        ],
        proptest::collection::vec(3u8..8, 0..3),
        proptest::option::of(any::<bool>()),
        proptest::bool::weighted(0.2),
        proptest::option::of(0i64..40),
        proptest::option::of(0i64..12),
        prop_oneof![Just(0usize), 0usize..30],
        prop_oneof![Just(0usize), Just(1), Just(20), 1usize..60],
    )
        .prop_map(
            |(
                word,
                (a, o),
                radius,
                sort,
                levels,
                contract,
                rqth,
                start_to,
                since,
                offset,
                limit,
            )| {
                Ask {
                    word,
                    centre: (CENTRE.0 + a, CENTRE.1 + o),
                    radius,
                    sort,
                    levels,
                    contract,
                    rqth,
                    start_to,
                    since,
                    offset,
                    limit,
                }
            },
        )
}

/// Builds the index in several batches (several segments, some offers replaced or removed),
/// and returns the offers it holds by id.
fn build(offers: &[Offer], removed: &[usize]) -> (SearchIndex, HashMap<i64, Offer>) {
    let index = SearchIndex::in_ram().unwrap();
    let docs: Vec<OfferDoc> = offers
        .iter()
        .enumerate()
        .map(|(i, o)| document(i as i64 + 1, o))
        .collect();
    // Half the cases in one segment (a cut-off by cell too early is not hidden by merging
    // several segments' lists), half in several.
    let batch = if offers.len() % 2 == 0 {
        docs.len()
    } else {
        docs.len().div_ceil(3).max(1)
    };
    for (n, chunk) in docs.chunks(batch).enumerate() {
        index.apply(chunk, &[], n as i64 + 1).unwrap();
    }
    // Re-index the first tenth (deletes then adds) and remove some others.
    let gone: Vec<i64> = removed
        .iter()
        .filter(|&&r| r < docs.len())
        .map(|&r| r as i64 + 1)
        .collect();
    let again: Vec<OfferDoc> = docs
        .iter()
        .take(docs.len() / 10)
        .filter(|d| !gone.contains(&d.id))
        .cloned()
        .collect();
    index.apply(&again, &gone, 10).unwrap();
    let held = offers
        .iter()
        .enumerate()
        .map(|(i, o)| (i as i64 + 1, o.clone()))
        .filter(|(id, _)| !gone.contains(id))
        .collect();
    (index, held)
}

fn query(a: &Ask) -> SearchQuery {
    SearchQuery {
        text: a.word.map(|w| WORDS[w].to_owned()).unwrap_or_default(),
        near: Some((a.centre.0, a.centre.1, a.radius)),
        levels: a.levels.clone(),
        contract: a.contract.map(|p| {
            if p {
                ContractType::Professionnalisation
            } else {
                ContractType::Apprentissage
            }
        }),
        rqth_only: a.rqth,
        start_to: a.start_to.map(|d| today() + Duration::days(d)),
        today: Some(today()),
        published_since: a.since.map(published),
        sort: a.sort,
        offset: a.offset,
        limit: a.limit,
        ..SearchQuery::default()
    }
}

/// (total, ids in order, distances) from a scan of every offer.
fn scan(index: &SearchIndex, held: &HashMap<i64, Offer>, a: &Ask) -> (usize, Vec<(i64, f64)>) {
    // Which offers match the words, and their scores: the index without a point or filter.
    let scores: HashMap<i64, f32> = match a.word {
        Some(w) => index
            .search(&SearchQuery {
                text: WORDS[w].to_owned(),
                sort: Sort::Relevance,
                today: Some(today()),
                limit: held.len() + 1,
                ..SearchQuery::default()
            })
            .unwrap()
            .hits
            .iter()
            .map(|h| (h.id, h.score))
            .collect(),
        None => held.keys().map(|&id| (id, 0.0)).collect(),
    };
    let sort = match a.sort {
        Sort::Relevance if a.word.is_none() => Sort::Distance,
        s => s,
    };
    let mut found: Vec<((f64, f64, i64), (i64, f64))> = held
        .iter()
        .filter_map(|(&id, o)| {
            let score = *scores.get(&id)?;
            let d = haversine_km(a.centre.0, a.centre.1, o.lat, o.lon);
            let start = o.start.unwrap_or(0);
            let keep = d <= a.radius
                && (a.levels.is_empty() || a.levels.contains(&o.level))
                && a.contract.is_none_or(|p| p == o.contract)
                && (!a.rqth || o.rqth)
                && a.start_to.is_none_or(|to| start <= to)
                && a.since.is_none_or(|s| o.published >= s);
            let p = o.published as f64;
            let key = match sort {
                Sort::Relevance => (-f64::from(score), d, id),
                Sort::Distance => (d, -p, id),
                Sort::Date => (-p, d, id),
            };
            keep.then_some((key, (id, d)))
        })
        .collect();
    found.sort_by(|x, y| {
        x.0.0
            .total_cmp(&y.0.0)
            .then(x.0.1.total_cmp(&y.0.1))
            .then(x.0.2.cmp(&y.0.2))
    });
    let total = found.len();
    let page = found
        .into_iter()
        .skip(a.offset)
        .take(a.limit)
        .map(|(_, hit)| hit)
        .collect();
    (total, page)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_search_near_a_point_finds_what_a_scan_finds(
        offers in proptest::collection::vec(offer(), 1..300),
        removed in proptest::collection::vec(0usize..400, 0..20),
        asks in proptest::collection::vec(ask(), 1..12),
    ) {
        let (index, held) = build(&offers, &removed);
        for a in &asks {
            let got = index.search(&query(a)).unwrap();
            let (total, page) = scan(&index, &held, a);
            prop_assert_eq!(got.total, total, "count for {:?}", a);
            let got_ids: Vec<i64> = got.hits.iter().map(|h| h.id).collect();
            let want_ids: Vec<i64> = page.iter().map(|h| h.0).collect();
            prop_assert_eq!(got_ids, want_ids, "order for {:?}", a);
            for (h, (_, d)) in got.hits.iter().zip(&page) {
                prop_assert_eq!(h.distance_km, Some(*d));
            }
        }
    }
}

/// Many offers in one town and a few farther: the nearest twenty are the twenty nearest,
/// whatever the number of offers inside the radius, and the count is all of them.
#[test]
fn the_nearest_twenty_among_thousands_are_exact() {
    let mut offers = Vec::new();
    for i in 0..3000 {
        let f = f64::from(i);
        offers.push(Offer {
            lat: CENTRE.0 + (f * 0.618).sin() * 0.3,
            lon: CENTRE.1 + (f * 1.618).cos() * 0.45,
            words: vec![i as usize % 2],
            level: 3,
            contract: false,
            rqth: false,
            start: None,
            published: i64::from(i % 7),
        });
    }
    // One segment: the cut-off by cell is not hidden by the merge of several segments' lists.
    let index = SearchIndex::in_ram().unwrap();
    let docs = offers
        .iter()
        .enumerate()
        .map(|(i, o)| document(i as i64 + 1, o));
    index.rebuild(docs, 1).unwrap();
    let held: HashMap<i64, Offer> = offers
        .iter()
        .enumerate()
        .map(|(i, o)| (i as i64 + 1, o.clone()))
        .collect();
    for c in 0..30 {
        let f = f64::from(c);
        for (radius, word, limit) in [
            (30.0, Some(0), 20),
            (12.0, None, 1),
            (60.0, Some(1), 70),
            (3.0, None, 5),
            (20.0, None, 20),
        ] {
            let a = Ask {
                word,
                centre: (
                    CENTRE.0 + (f * 2.1).sin() * 0.25,
                    CENTRE.1 + (f * 1.3).cos() * 0.35,
                ),
                radius,
                sort: Sort::Distance,
                levels: vec![],
                contract: None,
                rqth: false,
                start_to: None,
                since: None,
                offset: 0,
                limit,
            };
            let got = index.search(&query(&a)).unwrap();
            let (total, page) = scan(&index, &held, &a);
            assert_eq!(got.total, total, "{a:?}");
            assert_eq!(
                got.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
                page.iter().map(|h| h.0).collect::<Vec<_>>(),
                "{a:?}"
            );
        }
    }
}
