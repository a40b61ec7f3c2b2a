//! What a young person types, and what they must find.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use tremplin_domain::ContractType;
use tremplin_domain::geo::haversine_km;
use tremplin_search::{OfferDoc, SearchIndex, SearchQuery, Sort};

const LAIGLE: (f64, f64) = (48.76935, 0.58802);
const MORTAGNE: (f64, f64) = (48.52018, 0.54734);
const ALENCON: (f64, f64) = (48.43476, 0.09311);

fn doc(id: i64, title: &str, description: &str, at: (f64, f64)) -> OfferDoc {
    OfferDoc {
        id,
        title: title.into(),
        description: description.into(),
        rome_codes: vec![],
        rome_labels: vec![],
        company: format!("Entreprise {id}"),
        commune: "Quelque part".into(),
        lat: at.0,
        lon: at.1,
        level: Some(3),
        contract: ContractType::Apprentissage,
        rqth: false,
        start: None,
        published_at: Some(
            Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap() + Duration::days(id),
        ),
    }
}

fn catalogue() -> SearchIndex {
    let index = SearchIndex::in_ram().unwrap();
    let mut docs = vec![
        doc(
            1,
            "Boulanger/Boulangère",
            "Pétrissage et cuisson du pain au fournil.",
            LAIGLE,
        ),
        doc(
            2,
            "Aide-soignant·e",
            "Soins d'hygiène et de confort auprès des patients de l'hôpital.",
            MORTAGNE,
        ),
        doc(
            3,
            "Vendeur(se) en boulangerie",
            "Accueil des clients, mise en rayon des viennoiseries.",
            ALENCON,
        ),
        doc(
            4,
            "Mécanicien(ne) agricole",
            "Entretien et réparation des tracteurs et moissonneuses.",
            MORTAGNE,
        ),
        doc(
            5,
            "Agent·e de maintenance des bâtiments",
            "Petits travaux de plomberie, d'électricité et de peinture.",
            LAIGLE,
        ),
        doc(
            6,
            "Pâtissière",
            "Entremets, tartes et viennoiseries, le week-end aussi.",
            LAIGLE,
        ),
        doc(
            7,
            "Ouvrier agricole en élevage laitier",
            "Traite, alimentation du troupeau, entretien des bâtiments et du matériel.",
            ALENCON,
        ),
        doc(
            8,
            "Employé(e) polyvalent(e) de restauration",
            "Service en salle et plonge. Une expérience en maintenance serait un plus.",
            MORTAGNE,
        ),
    ];
    docs[3].rome_labels = vec!["Mécanicien / Mécanicienne de matériels agricoles".into()];
    docs[3].rome_codes = vec!["I1603".into()];
    docs[3].level = Some(4);
    docs[1].rqth = true;
    docs[1].contract = ContractType::Professionnalisation;
    docs[6].company = "Ferme des Boulangers Réunis".into();
    docs[0].start = NaiveDate::from_ymd_opt(2027, 9, 1);
    index.rebuild(docs, 42).unwrap();
    index
}

fn ids(index: &SearchIndex, q: SearchQuery) -> Vec<i64> {
    index
        .search(&SearchQuery { limit: 20, ..q })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn text(index: &SearchIndex, t: &str) -> Vec<i64> {
    ids(
        index,
        SearchQuery {
            text: t.into(),
            ..Default::default()
        },
    )
}

#[test]
fn accents_and_case_do_not_matter() {
    let index = catalogue();
    assert_eq!(text(&index, "PATISSIERE"), [6]);
    assert_eq!(text(&index, "mecanicien"), [4]);
    assert_eq!(text(&index, "élevage LAITIER"), [7]);
}

#[test]
fn inclusive_forms_match_both_genders() {
    let index = catalogue();
    assert_eq!(text(&index, "aide-soignante"), [2]);
    assert_eq!(text(&index, "aide soignant"), [2]);
    assert_eq!(text(&index, "boulangère")[0], 1);
    assert_eq!(text(&index, "boulanger")[0], 1);
    assert!(text(&index, "vendeuse").contains(&3));
    assert!(text(&index, "vendeur").contains(&3));
    assert!(text(&index, "mécanicienne").contains(&4));
    assert!(text(&index, "agente de maintenance").contains(&5));
    assert!(text(&index, "employee").contains(&8));
}

#[test]
fn french_stemming_matches_plurals_and_derived_forms() {
    let index = catalogue();
    let found = text(&index, "maintenances");
    assert!(found.contains(&5) && found.contains(&8), "{found:?}");
    assert!(text(&index, "tracteur").contains(&4));
    assert!(text(&index, "viennoiserie").contains(&3));
}

#[test]
fn typos_on_longer_words_are_forgiven() {
    let index = catalogue();
    assert_eq!(text(&index, "mecanicein"), [4]);
    assert_eq!(text(&index, "boulanjer")[0], 1);
    // Short words must match exactly: "pain" is not "main".
    assert!(text(&index, "main").is_empty());
}

#[test]
fn the_title_weighs_more_than_the_description() {
    let index = catalogue();
    // "maintenance" is in 5's title and in 8's description.
    assert_eq!(text(&index, "maintenance"), [5, 8]);
    // "boulanger" in 1's title beats 7's company name and 3's title's "boulangerie" stem.
    assert_eq!(text(&index, "boulanger")[0], 1);
}

#[test]
fn every_word_must_match_somewhere() {
    let index = catalogue();
    assert_eq!(text(&index, "maintenance plomberie"), [5]);
    assert!(text(&index, "boulanger tracteur").is_empty());
}

#[test]
fn radius_is_exact_and_inclusive() {
    let index = catalogue();
    let d = haversine_km(LAIGLE.0, LAIGLE.1, MORTAGNE.0, MORTAGNE.1);
    let near = |r: f64| {
        ids(
            &index,
            SearchQuery {
                near: Some((LAIGLE.0, LAIGLE.1, r)),
                ..Default::default()
            },
        )
    };
    let at_boundary = near(d);
    assert!(
        at_boundary.contains(&2) && at_boundary.contains(&4),
        "{at_boundary:?}"
    );
    let just_inside = near(d - 0.001);
    assert!(!just_inside.contains(&2), "{just_inside:?}");
    assert_eq!(just_inside.len(), 3);
    // Alençon is further than Mortagne from L'Aigle; a 200 km radius takes everyone.
    assert_eq!(near(200.0).len(), 8);
}

#[test]
fn distances_are_reported_and_sort_nearest_first() {
    let index = catalogue();
    let r = index
        .search(&SearchQuery {
            near: Some((LAIGLE.0, LAIGLE.1, 100.0)),
            sort: Sort::Distance,
            limit: 20,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total, 8);
    let dists: Vec<f64> = r.hits.iter().map(|h| h.distance_km.unwrap()).collect();
    assert!(dists.windows(2).all(|w| w[0] <= w[1]), "{dists:?}");
    assert_eq!(dists[0], 0.0);
    // Ties at equal distance: most recent first.
    assert_eq!(
        r.hits.iter().take(3).map(|h| h.id).collect::<Vec<_>>(),
        [6, 5, 1]
    );
}

#[test]
fn date_sort_and_new_this_week() {
    let index = catalogue();
    assert_eq!(
        ids(
            &index,
            SearchQuery {
                sort: Sort::Date,
                ..Default::default()
            }
        ),
        [8, 7, 6, 5, 4, 3, 2, 1]
    );
    let since = Utc.with_ymd_and_hms(2026, 11, 7, 9, 0, 0).unwrap();
    assert_eq!(
        ids(
            &index,
            SearchQuery {
                published_since: Some(since),
                ..Default::default()
            }
        ),
        [8, 7, 6]
    );
}

#[test]
fn filters_combine() {
    let index = catalogue();
    assert_eq!(
        ids(
            &index,
            SearchQuery {
                rome_codes: vec!["I1603".into()],
                ..Default::default()
            }
        ),
        [4]
    );
    assert_eq!(
        ids(
            &index,
            SearchQuery {
                levels: vec![4, 5],
                ..Default::default()
            }
        ),
        [4]
    );
    assert_eq!(
        ids(
            &index,
            SearchQuery {
                rqth_only: true,
                ..Default::default()
            }
        ),
        [2]
    );
    assert_eq!(
        ids(
            &index,
            SearchQuery {
                contract: Some(ContractType::Professionnalisation),
                ..Default::default()
            }
        ),
        [2]
    );
    let q = SearchQuery {
        text: "agricole".into(),
        near: Some((MORTAGNE.0, MORTAGNE.1, 5.0)),
        ..Default::default()
    };
    assert_eq!(ids(&index, q), [4]);
}

#[test]
fn start_window_counts_asap_as_today() {
    let index = catalogue();
    let today = NaiveDate::from_ymd_opt(2026, 11, 26);
    let window = |from, to| {
        ids(
            &index,
            SearchQuery {
                start_from: from,
                start_to: to,
                today,
                ..Default::default()
            },
        )
    };
    // Only offer 1 starts on 2027-09-01; the others start as soon as possible.
    assert_eq!(
        window(
            NaiveDate::from_ymd_opt(2027, 8, 1),
            NaiveDate::from_ymd_opt(2027, 9, 30)
        ),
        [1]
    );
    assert_eq!(window(None, NaiveDate::from_ymd_opt(2027, 1, 1)).len(), 7);
}

#[test]
fn pagination_and_totals() {
    let index = catalogue();
    let page = |offset| {
        index
            .search(&SearchQuery {
                sort: Sort::Date,
                offset,
                limit: 3,
                ..Default::default()
            })
            .unwrap()
    };
    assert_eq!(page(0).total, 8);
    assert_eq!(
        page(0).hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        [8, 7, 6]
    );
    assert_eq!(
        page(3).hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        [5, 4, 3]
    );
    assert_eq!(page(6).hits.len(), 2);
}

#[test]
fn updates_and_removals_follow_the_feed_and_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.indexed_revision(), 0);
        index
            .apply(
                &[
                    doc(1, "Boulanger", "Du pain chaque matin au fournil.", LAIGLE),
                    doc(2, "Couvreur", "Toits et charpentes de la région.", LAIGLE),
                ],
                &[],
                5,
            )
            .unwrap();
        index
            .apply(
                &[doc(
                    1,
                    "Pâtissier",
                    "Des gâteaux chaque matin au fournil.",
                    LAIGLE,
                )],
                &[2],
                7,
            )
            .unwrap();
        assert_eq!(text(&index, "boulanger"), Vec::<i64>::new());
        assert_eq!(text(&index, "patissier"), [1]);
        assert!(text(&index, "couvreur").is_empty());
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.indexed_revision(), 7);
    assert_eq!(index.num_docs(), 1);
}

#[test]
fn the_nearest_few_among_many_and_the_exact_count() {
    let index = SearchIndex::in_ram().unwrap();
    // 500 offers on a line going north from L'Aigle, in shuffled order, 0.01° apart.
    let docs: Vec<OfferDoc> = (0..500)
        .map(|i| {
            let step = (i * 337) % 500;
            doc(
                i64::from(step) + 1,
                "Boulanger",
                "Du pain chaque matin.",
                (LAIGLE.0 + f64::from(step) * 0.01, LAIGLE.1),
            )
        })
        .collect();
    index.rebuild(docs, 1).unwrap();
    let r = index
        .search(&SearchQuery {
            text: "boulanger".into(),
            near: Some((LAIGLE.0, LAIGLE.1, 50.0)),
            sort: Sort::Distance,
            limit: 3,
            ..Default::default()
        })
        .unwrap();
    // 0.01° of latitude is about 1.112 km: 50 km holds steps 0 to 44.
    assert_eq!(r.total, 45);
    assert_eq!(r.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [1, 2, 3]);
    let page2 = index
        .search(&SearchQuery {
            near: Some((LAIGLE.0, LAIGLE.1, 50.0)),
            sort: Sort::Distance,
            offset: 3,
            limit: 3,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        page2.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        [4, 5, 6]
    );
}
