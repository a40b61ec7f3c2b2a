//! « Ma vie d'apprenti·e » : the trips on the offer page (from the young person's commune to
//! the company and to a training centre, with a car time from the rules table), the budget
//! page (prefilled from an offer and from the simulator, two scenarios, the aids), bad input
//! in French with a 400 and nothing stored. Expected distances are computed from the embedded
//! communes with the rules file's road factor (1,3) and speed (60 km/h).

mod support;

use axum::http::StatusCode;
use support::{TestApp, backends};
use tremplin_domain::CodeInsee;
use tremplin_domain::budget::{TravelRules, road_leg};
use tremplin_domain::geo::haversine_km;
use tremplin_storage::Role;

const MORTAGNE: &str = "61293";
const LAIGLE: &str = "61214";
const ALENCON: &str = "61001";

/// The catalogue, and a centre in Alençon preparing the bakers' CAP of offer 1 (which names
/// no centre).
async fn app(backend: &str) -> TestApp {
    let app = TestApp::with_catalogue(backend).await;
    app.state
        .store
        .save_training_centre(
            "3IFA – campus d'Alençon",
            &CodeInsee::parse(ALENCON).unwrap(),
            "CAP Boulanger|BP Boulanger",
            None,
        )
        .await
        .unwrap();
    app
}

fn crow(a: &str, b: &str, app: &TestApp) -> f64 {
    let c = &app.state.refs.communes;
    let (a, b) = (c.get(a).unwrap(), c.get(b).unwrap());
    haversine_km(a.lat, a.lon, b.lat, b.lon)
}

/// A page's text with askama's escapes read back (' and &).
fn unescape(body: &str) -> String {
    body.replace("&#39;", "'")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

fn rules() -> TravelRules {
    TravelRules {
        cost_per_km: 0.606,
        road_factor: 1.3,
        speed_kmh: 60.0,
    }
}

#[tokio::test]
async fn from_mortagne_the_offer_shows_the_company_and_the_centre_with_a_car_time() {
    for backend in backends() {
        let app = app(backend).await;
        let r = app.get("/offres/1?commune=Mortagne-au-Perche").await;
        assert_eq!(r.status, StatusCode::OK, "{backend}");
        let b = &unescape(&r.body);
        let to_company = road_leg(crow(MORTAGNE, LAIGLE, &app), &rules());
        let line = format!(
            "De Mortagne-au-Perche à l'entreprise (L'Aigle) : <strong>{} km à vol d'oiseau</strong>, {}, <strong>{} en voiture</strong>.",
            to_company.crow_km.round(),
            to_company.road_label(),
            to_company.time_label()
        );
        assert!(b.contains(&line), "{backend}: {line} not in {b}");
        // About 28 km as the crow flies: ≈ 36 km by road, ≈ 35 min.
        assert!(b.contains("≈ 36 km par la route") && b.contains("≈ 35 min en voiture"));
        // No centre on the offer: the one preparing its diploma, from the company and from home.
        let cfa_home = road_leg(crow(MORTAGNE, ALENCON, &app), &rules());
        assert!(
            b.contains("Un centre qui prépare ce diplôme, 3IFA – campus d'Alençon (Alençon)"),
            "{b}"
        );
        assert!(b.contains(&format!("{} en voiture", cfa_home.time_label())));
        assert!(b.contains("Permis B : pas demandé par l'employeur"));
        // The simulator and the budget carry the offer and the commune.
        assert!(
            b.contains("&offre=1&commune=Mortagne-au-Perche%20%2861400%29"),
            "{b}"
        );
        assert!(b.contains(
            "/ma-vie-d-apprenti/budget?offre=1&commune=Mortagne-au-Perche%20%2861400%29"
        ));
        // Without a commune, a small form asks for it; an unknown one is said, nothing breaks.
        let plain = app.get("/offres/1").await.body;
        assert!(plain.contains("Tu habites où ?") && plain.contains("name=\"commune\""));
        let unknown = app.get("/offres/1?commune=Nullepartville").await;
        assert_eq!(unknown.status, StatusCode::OK);
        assert!(
            unknown
                .body
                .contains("Nous ne trouvons pas la commune « Nullepartville »")
        );
    }
}

#[tokio::test]
async fn search_results_carry_the_commune_to_the_offer() {
    let app = app("sqlite").await;
    let r = app.get("/offres?commune=Mortagne-au-Perche").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("commune=Mortagne-au-Perche+%2861400%29"),
        "{}",
        r.body
    );
    // An offer's own centre is the one shown.
    let mut input = support::offer("c1", "Coiffeur/Coiffeuse", MORTAGNE);
    input.cfa = Some("3IFA – campus d'Alençon".into());
    let id = app.publish(input, 1).await;
    let b = app
        .get(&format!("/offres/{id}?commune={LAIGLE}"))
        .await
        .body;
    assert!(b.contains("Le centre de formation, 3IFA"), "{b}");
}

const CONTRACT: &str =
    "naissance=2009-05-10&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive";

#[tokio::test]
async fn the_budget_from_an_offer_shows_both_scenarios_what_is_left_and_the_aids() {
    for backend in backends() {
        let app = app(backend).await;
        // Opened from the offer: prefilled, nothing computed yet.
        let r = app
            .get("/ma-vie-d-apprenti/budget?offre=1&commune=Mortagne-au-Perche")
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        assert!(
            r.body.contains("value=\"L&#39;Aigle (61300)\"")
                || r.body.contains("value=\"L'Aigle (61300)\""),
            "{}",
            r.body
        );
        assert!(r.body.contains("value=\"Alençon (61000)\""));
        assert!(r.body.contains("value=\"24\""));
        assert!(!r.body.contains("Il te reste"));
        // With a birth date: 27 % of 1 867,02 € = 504,10 € net in September 2026.
        let r = app
            .get(&format!(
                "/ma-vie-d-apprenti/budget?{CONTRACT}&offre=1&commune=Mortagne-au-Perche&alimentation=150&chambre=200"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        let b = &r.body;
        for text in [
            "Mon budget de septembre 2026",
            "504,10\u{a0}€",
            "Je garde ma chambre chez mes parents et je fais la route",
            "Je loue près du CFA",
            "Trajets vers l&#39;entreprise",
            "Ma chambre près du CFA",
            "Il te reste",
            "Mobili-Jeune",
            "à estimer sur caf.fr",
            "Pas avant 18 ans.",
            "Abonnement de transport scolaire Nomad",
            "à vérifier",
            "≈ 36 km par la route",
            "De chez toi au CFA",
        ] {
            assert!(b.contains(text), "{backend}: {text} missing");
        }
        // The later years, and the way back to the pay's detail.
        assert!(b.contains("2e année"));
        assert!(b.contains("/ma-vie-d-apprenti/salaire?naissance=2009-05-10"));
    }
}

#[tokio::test]
async fn by_coach_at_17_the_centre_costs_the_school_pass_and_a_car_pool_halves_the_car() {
    let app = app("sqlite").await;
    let base = format!(
        "/ma-vie-d-apprenti/budget?{CONTRACT}&commune={MORTAGNE}&entreprise=L%27Aigle&cfa=Alen%C3%A7on"
    );
    let coach = app.get(&format!("{base}&transport=car")).await.body;
    // 140 € a year / 12 = 11,67 € (day pupil), 70 € / 12 = 5,83 € (boarder).
    assert!(
        coach.contains("11,67\u{a0}€") && coach.contains("5,83\u{a0}€"),
        "{coach}"
    );
    // By car: 52/12 × 3/4 × 5 = 16,25 round trips of ≈ 36 km at 0,606 € the km.
    let leg = road_leg(crow(MORTAGNE, LAIGLE, &app), &rules());
    let alone = (16.25 * 2.0 * leg.road_km * 0.606 * 100.0).round() / 100.0;
    let car = app.get(&base).await.body;
    assert!(
        car.contains(&tremplin_domain::pay::euros(alone)),
        "{alone} not in {car}"
    );
    let pooled = app
        .get(&format!("{base}&transport=covoiturage&covoiturage=2"))
        .await
        .body;
    let half = (16.25 * 2.0 * leg.road_km * 0.606 / 2.0 * 100.0).round() / 100.0;
    assert!(
        pooled.contains(&tremplin_domain::pay::euros(half)),
        "{half}"
    );
    assert!(pooled.contains("partagé à 2"));
}

#[tokio::test]
async fn bad_input_gets_a_french_message_a_400_and_nothing_is_stored() {
    let app = app("sqlite").await;
    let rules = app.state.store.pay_rules().await.unwrap().len();
    for (extra, words) in [
        ("&alimentation=beaucoup", "L&#39;alimentation"),
        ("&commune=Nullepartville", "Nous ne trouvons pas la commune"),
        ("&rythme=9", "semaines au CFA sur 4"),
        ("&transport=fusee", "moyen de transport"),
        ("&jours=0", "jours de travail"),
        ("&loyer=99999", "de 0 à 10000"),
        ("&logement=tente", "chez tes parents"),
    ] {
        let r = app
            .get(&format!("/ma-vie-d-apprenti/budget?{CONTRACT}{extra}"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{extra}: {}", r.body);
        assert!(
            r.body.contains("role=\"alert\"") && r.body.contains(words),
            "{extra}: {words} not in {}",
            r.body
        );
        assert!(r.body.contains("Calculer mon budget"), "the form stays");
    }
    let r = app
        .get("/ma-vie-d-apprenti/budget?naissance=1&naissance=2")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // An unknown offer only leaves the form empty.
    let r = app.get("/ma-vie-d-apprenti/budget?offre=999").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.state.store.pay_rules().await.unwrap().len(), rules);
}

#[tokio::test]
async fn the_simulator_leads_to_the_budget_with_the_offer_and_the_commune() {
    let app = app("sqlite").await;
    let r = app
        .get(&format!(
            "/ma-vie-d-apprenti/salaire?{CONTRACT}&offre=1&commune=Mortagne-au-Perche"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("name=\"offre\" value=\"1\""));
    assert!(
        r.body
            .contains("name=\"commune\" value=\"Mortagne-au-Perche\"")
    );
    assert!(
        unescape(&r.body).contains(&format!(
            "href=\"/ma-vie-d-apprenti/budget?{CONTRACT}&offre=1&commune=Mortagne-au-Perche\""
        )),
        "{}",
        r.body
    );
    // The rules page lists the budget's figures, the cost per km « à vérifier ».
    let (cookie, _) = app.session(Role::Admin, None).await;
    let page = app.get_as("/gestion/regles", &cookie).await.body;
    assert!(page.contains("Coût d&#39;un kilomètre") || page.contains("Coût d'un kilomètre"));
    assert!(page.contains("Budget : trajets, logement, aides chiffrées"));
}
