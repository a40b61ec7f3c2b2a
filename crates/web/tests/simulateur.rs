//! The pay simulator: its page (from an offer, prefilled; the worked example; bad input in
//! French with a 400 and nothing stored), its JSON, and the rules table an admin completes
//! (a new SMIC dated in the future used from that month, a confirmation in the journal).
//! Figures computed by hand from the rules file: the SMIC of June 2026 (1 867,02 €, « à
//! vérifier ») is in force for a contract starting in September 2026.

mod support;

use axum::http::StatusCode;
use serde_json::json;
use support::{TestApp, backends};
use tremplin_storage::Role;

const EXAMPLE: &str =
    "naissance=2009-05-10&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive";

#[tokio::test]
async fn the_page_computes_a_17_year_old_from_september_2026_27_then_43_then_51_percent() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let r = app
            .get(&format!("/ma-vie-d-apprenti/salaire?{EXAMPLE}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        let b = &r.body;
        // 27 % × 1 867,02 = 504,10; 43 % = 802,82; 51 % = 952,18, 948,26 net (21,01 % of the
        // part above 933,51).
        for text in [
            "504,10\u{a0}€",
            "802,82\u{a0}€",
            "952,18\u{a0}€",
            "948,26\u{a0}€",
            "1re année",
            "2e année",
        ] {
            assert!(b.contains(text), "{backend}: {text} missing");
        }
        assert!(b.contains("En juin 2027, tu as eu 18 ans le 10 mai 2027 : ton salaire passe de 27\u{a0}% du SMIC à 43\u{a0}% du SMIC"), "{b}");
        assert!(
            b.contains("<details class=\"detail\">")
                && b.contains("<summary>Détail mois par mois</summary>")
        );
        assert_eq!(b.matches("<tr><td>").count(), 24, "one row a month");
        assert!(b.contains("à vérifier"), "the June 2026 SMIC is flagged");
        // The printable version opens the detail.
        let p = app
            .get(&format!("/ma-vie-d-apprenti/salaire?{EXAMPLE}&imprimer=1"))
            .await;
        assert!(p.body.contains("<details class=\"detail\" open>"));
        // Age instead of a birth date: the birthday is taken on the start (the least favourable).
        let a = app.get("/ma-vie-d-apprenti/salaire?age=17&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive").await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains("En octobre 2027, tu as eu 18 ans le 1er septembre 2027 : ton salaire passe de 39\u{a0}% du SMIC à 51\u{a0}% du SMIC"), "{}", a.body);
    }
}

#[tokio::test]
async fn bad_input_gets_a_french_message_a_400_and_nothing_is_stored() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let rules = app.state.store.pay_rules().await.unwrap().len();
        let journal = app.state.store.audit_log(100).await.unwrap().len();
        for (query, words) in [
            (
                "naissance=2009-05-10&debut=2026-09-01&duree_mois=40&contrat=apprentissage&secteur=prive",
                "6 à 36 mois",
            ),
            (
                "naissance=10/05/2009&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive",
                "AAAA-MM-JJ",
            ),
            (
                "naissance=2005-05-10&debut=2024-01-01&duree_mois=24&contrat=apprentissage&secteur=prive",
                "1er novembre 2024",
            ),
            (
                "naissance=2009-05-10&debut=2026-09-01&duree_mois=24&contrat=cdi&secteur=prive",
                "type de contrat",
            ),
            (
                "naissance=2005-05-10&debut=2026-09-01&duree_mois=24&contrat=professionnalisation&secteur=prive",
                "niveau",
            ),
            (
                "naissance=2009-05-10&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive&minimum_conventionnel=beaucoup",
                "minimum conventionnel",
            ),
            (
                "age=3&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive",
                "âge",
            ),
            ("naissance=2009-05-10&naissance=2009-05-11", "mal formés"),
        ] {
            let r = app
                .get(&format!("/ma-vie-d-apprenti/salaire?{query}"))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend} {query}");
            assert!(
                r.body.contains("role=\"alert\"") && r.body.contains(words),
                "{query}: {words} not in the page"
            );
            assert!(r.body.contains("Calculer mon salaire"), "the form stays");
        }
        assert_eq!(app.state.store.pay_rules().await.unwrap().len(), rules);
        assert_eq!(app.state.store.audit_log(100).await.unwrap().len(), journal);
    }
}

#[tokio::test]
async fn every_offer_and_the_home_page_link_to_the_simulator_prefilled() {
    let app = TestApp::with_catalogue("sqlite").await;
    let home = app.get("/").await.body;
    assert!(home.contains("href=\"/ma-vie-d-apprenti/salaire\""));
    let offer = app.get("/offres/1").await.body;
    let link = "/ma-vie-d-apprenti/salaire?contrat=apprentissage&amp;duree_mois=24";
    assert!(offer.contains(link), "{offer}");
    // Opened from the offer: the form prefilled, nothing computed yet, no error.
    let r = app.get("/ma-vie-d-apprenti/salaire?contrat=professionnalisation&debut=2027-01-04&duree_mois=12").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("value=\"professionnalisation\" checked"));
    assert!(
        r.body
            .contains("id=\"debut\" name=\"debut\" type=\"date\" value=\"2027-01-04\"")
    );
    assert!(r.body.contains("value=\"12\""));
    assert!(!r.body.contains("role=\"alert\"") && !r.body.contains("Ton salaire</h2>"));
}

#[tokio::test]
async fn the_json_answers_month_by_month_with_the_rules_used_and_their_sources() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let r = app
            .get(&format!("/api/v1/simulations/salaire?{EXAMPLE}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        let j = r.json();
        let mois = j["mois"].as_array().unwrap();
        assert_eq!(mois.len(), 24);
        let pick = |m: &serde_json::Value| json!({"mois": m["mois"], "annee_contrat": m["annee_contrat"], "age": m["age"], "taux_smic": m["taux_smic"], "brut": m["brut"], "net": m["net"]});
        assert_eq!(
            pick(&mois[0]),
            json!({"mois": "2026-09", "annee_contrat": 1, "age": 17, "taux_smic": 0.27, "brut": 504.10, "net": 504.10})
        );
        assert_eq!(
            pick(&mois[9]),
            json!({"mois": "2027-06", "annee_contrat": 1, "age": 18, "taux_smic": 0.43, "brut": 802.82, "net": 802.82})
        );
        assert_eq!(
            pick(&mois[12]),
            json!({"mois": "2027-09", "annee_contrat": 2, "age": 18, "taux_smic": 0.51, "brut": 952.18, "net": 948.26})
        );
        let annees = j["annees"].as_array().unwrap();
        assert_eq!(annees.len(), 2);
        assert_eq!(annees[0]["brut_total"], json!(6945.36)); // 9 × 504,10 + 3 × 802,82
        let smic = j["regles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["categorie"] == "smic")
            .unwrap()
            .clone();
        assert_eq!(smic["valid_from"], "2026-06-01");
        assert_eq!(smic["valeur"], "1867.02");
        assert_eq!(smic["a_verifier"], true);
        assert!(smic["source"].as_str().unwrap().starts_with("https://"));
        assert!(
            j["explications"][1]["texte"]
                .as_str()
                .unwrap()
                .contains("18 ans")
        );
    }
}

#[tokio::test]
async fn bad_json_parameters_get_a_400_with_a_french_error() {
    let app = TestApp::new("sqlite").await;
    for (query, words) in [
        ("", "date de début"),
        (
            "debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive",
            "date de naissance",
        ),
        (
            "age=17&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive",
            "date de naissance",
        ),
        (
            "naissance=2009-05-10&debut=2026-09-01&duree_mois=5&contrat=apprentissage&secteur=prive",
            "6 à 36",
        ),
        (
            "naissance=2009-05-10&debut=2026-09-01&duree_mois=douze&contrat=apprentissage&secteur=prive",
            "nombre de mois",
        ),
        (
            "naissance=2009-05-10&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=mixte",
            "secteur",
        ),
        (
            "naissance=2009-05-10&debut=2026-09-01&duree_mois=24&contrat=apprentissage",
            "secteur",
        ),
        (
            "naissance=2009-05-10&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive&niveau=9",
            "niveau",
        ),
        (
            "naissance=2009-05-10&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive&minimum_conventionnel=-5",
            "minimum conventionnel",
        ),
        (
            "naissance=2009-05-10&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive&secteur=public",
            "mal formés",
        ),
        (
            "naissance=2027-05-10&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive",
            "âge",
        ),
    ] {
        let r = app
            .get(&format!("/api/v1/simulations/salaire?{query}"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {}", r.body);
        let e = r.json()["error"].as_str().unwrap().to_owned();
        assert!(e.contains(words), "{query}: « {e} » lacks {words}");
    }
}

#[tokio::test]
async fn an_admin_adds_a_future_smic_used_from_its_month_and_confirms_a_flagged_row_in_the_journal()
{
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Admin, None).await;
        let page = app.get_as("/gestion/regles", &cookie).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        assert!(page.body.contains("14 règles à vérifier"), "{}", page.body);
        assert!(
            page.body.contains("href=\"/gestion/regles\""),
            "linked from the nav"
        );

        let add = |date: &'static str, value: &'static str| {
            let (app, cookie, csrf) = (&app, cookie.clone(), csrf.clone());
            async move {
                app.post_form(
                    "/gestion/regles",
                    &cookie,
                    &[
                        ("csrf", csrf.as_str()),
                        ("regle", "smic/mensuel"),
                        ("valid_from", date),
                        ("valeur", value),
                        ("source", "https://www.legifrance.gouv.fr/smic-2027"),
                        ("conditions", "Revalorisation au 1er janvier 2027"),
                    ],
                )
                .await
            }
        };
        // The rules are read before the new row (and kept a few seconds): the row must show
        // at once all the same.
        let before = app
            .get(&format!("/api/v1/simulations/salaire?{EXAMPLE}"))
            .await
            .json();
        assert_eq!(before["mois"][4]["mois"], "2027-01");
        assert_eq!(before["mois"][4]["brut"], json!(504.10));
        let r = add("2027-01-01", "1900,00").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // The same date again: rows are never overwritten.
        let again = add("2027-01-01", "1950").await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.body.contains("jamais remplacées"));
        let bad = add("2027-02-01", "mille").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("pas un nombre positif"), "{}", bad.body);

        let j = app
            .get(&format!("/api/v1/simulations/salaire?{EXAMPLE}"))
            .await
            .json();
        // December 2026 still on 1 867,02; from January 2027, 27 % × 1 900 = 513,00.
        assert_eq!(j["mois"][3]["mois"], "2026-12");
        assert_eq!(j["mois"][3]["brut"], json!(504.10));
        assert_eq!(j["mois"][4]["mois"], "2027-01");
        assert_eq!(j["mois"][4]["brut"], json!(513.00));
        assert!(
            j["regles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["valid_from"] == "2027-01-01" && r["a_verifier"] == false)
        );
        assert!(j["explications"].as_array().unwrap().iter().any(|e| {
            e["texte"]
                .as_str()
                .unwrap()
                .contains("le SMIC passe de 1\u{a0}867,02\u{a0}€ à 1\u{a0}900,00\u{a0}€")
        }));

        // Confirm the SMIC of June 2026: the simulation no longer flags it.
        let june = app
            .state
            .store
            .pay_rules()
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.rule.key == "mensuel" && r.rule.valid_from.to_string() == "2026-06-01")
            .unwrap();
        let c = app
            .post_form(
                &format!("/gestion/regles/{}/confirmer", june.id),
                &cookie,
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(c.status, StatusCode::SEE_OTHER, "{}", c.body);
        let twice = app
            .post_form(
                &format!("/gestion/regles/{}/confirmer", june.id),
                &cookie,
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        let j = app.get("/api/v1/simulations/salaire?naissance=2009-05-10&debut=2026-07-01&duree_mois=6&contrat=apprentissage&secteur=prive").await.json();
        let used = j["regles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["valid_from"] == "2026-06-01")
            .unwrap()
            .clone();
        assert_eq!(used["a_verifier"], false);
        let page = app.get_as("/gestion/regles", &cookie).await.body;
        assert!(page.contains("13 règles à vérifier"));
        assert!(page.contains("confirmée le") && page.contains("ajoutée le"));
        let actions: Vec<String> = app
            .state
            .store
            .audit_log(50)
            .await
            .unwrap()
            .into_iter()
            .map(|e| format!("{} | {}", e.action, e.detail))
            .collect();
        assert!(
            actions.iter().any(|a| a.starts_with(
                "règle de salaire ajoutée | smic/mensuel à partir du 2027-01-01 : 1900.00"
            )),
            "{actions:?}"
        );
        assert!(
            actions
                .iter()
                .any(|a| a.starts_with("règle de salaire confirmée | smic/mensuel au 2026-06-01")),
            "{actions:?}"
        );
        // A bad token changes nothing.
        let forged = app
            .post_form(
                "/gestion/regles",
                &cookie,
                &[
                    ("csrf", "x"),
                    ("regle", "smic/mensuel"),
                    ("valid_from", "2028-01-01"),
                    ("valeur", "2000"),
                    ("source", "https://x.example/a"),
                ],
            )
            .await;
        assert_ne!(forged.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn only_admins_see_or_change_the_rules() {
    let app = TestApp::new("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    assert_eq!(
        app.get_as("/gestion/regles", &cookie).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post_form(
            "/gestion/regles",
            &cookie,
            &[
                ("csrf", &csrf),
                ("regle", "smic/mensuel"),
                ("valid_from", "2027-01-01"),
                ("valeur", "1"),
                ("source", "https://x.example/a"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.post_form("/gestion/regles/1/confirmer", &cookie, &[("csrf", &csrf)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_ne!(app.get("/gestion/regles").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_openapi_document_describes_the_simulation() {
    let app = TestApp::new("sqlite").await;
    let doc = app.get("/api/v1/openapi.json").await.json();
    let op = &doc["paths"]["/api/v1/simulations/salaire"]["get"];
    assert!(op.is_object());
    let names: Vec<&str> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "naissance",
            "debut",
            "duree_mois",
            "contrat",
            "secteur",
            "niveau",
            "minimum_conventionnel"
        ]
    );
    assert!(op["responses"]["400"].is_object());
    assert!(doc["components"]["schemas"]["SimulationSalaire"]["properties"]["mois"].is_object());
}

mod no_input_breaks_the_simulator {
    use super::support::TestApp;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        /// Any value for any parameter, on the page and the JSON: 200 or 400, never a 500.
        #[test]
        fn any_parameter_gets_a_clear_answer(
            key in prop::sample::select(vec!["naissance", "age", "debut", "duree_mois", "contrat", "secteur", "niveau", "minimum_conventionnel", "imprimer"]),
            value in prop_oneof!["\\PC{0,20}", "[0-9]{1,9}", "(19|20|99)[0-9]{2}-[01][0-9]-[0-3][0-9]"],
            page in prop::bool::ANY,
        ) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let app = TestApp::new("sqlite").await;
                let mut fields = vec![
                    ("naissance", "2009-05-10"), ("debut", "2026-09-01"), ("duree_mois", "24"),
                    ("contrat", "apprentissage"), ("secteur", "prive"),
                ];
                fields.retain(|(k, _)| *k != key);
                fields.push((key, value.as_str()));
                let encoded = serde_urlencoded::to_string(&fields).unwrap();
                let path = if page { "/ma-vie-d-apprenti/salaire" } else { "/api/v1/simulations/salaire" };
                let r = app.get(&format!("{path}?{encoded}")).await;
                prop_assert!(r.status == 200 || r.status == 400, "{path}?{encoded} -> {}: {}", r.status, r.body);
                if r.status == 400 && !page {
                    prop_assert!(r.json()["error"].is_string());
                }
                Ok(())
            })?;
        }
    }
}
