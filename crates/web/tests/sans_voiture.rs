//! Search results « atteignable sans voiture » and sorted by the weekly trip, on the page and
//! in the API: a small GTFS feed built here (coaches between Mortagne-au-Perche, L'Aigle and
//! Sées), offers around Mortagne, and the trips computed by hand.

mod support;

use axum::http::StatusCode;
use serde_json::Value;
use support::{TestApp, backends, now, offer};
use tremplin_domain::CodeInsee;
use tremplin_transport::gtfs::write_zip;
use tremplin_web::services::transport;

/// Line 30 Mortagne ⇄ L'Aigle on weekdays (there 6:42 → 7:31, back 17:50 → 18:40), and line
/// 40 Mortagne → Sées on weekday mornings with no coach back: Sées is reached on Monday but
/// nobody gets home on Friday. Stops ~150 m from each commune's centre.
fn feed() -> Vec<u8> {
    let files: [(&str, &str); 5] = [
        (
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon\n\
             MORT,Mortagne - Place,48.5212,0.5485\n\
             AIGL,L'Aigle - Halle,48.7632,0.6287\n\
             SEES,Sées - Cathédrale,48.6050,0.1736\n",
        ),
        (
            "routes.txt",
            "route_id,route_short_name,route_long_name,route_type\n\
             L30,30,Mortagne - L'Aigle,3\nL40,40,Mortagne - Sées,3\n",
        ),
        (
            "trips.txt",
            "route_id,service_id,trip_id\nL30,SEMAINE,ALLER\nL30,SEMAINE,RETOUR\nL40,SEMAINE,SEES\n",
        ),
        (
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n\
             ALLER,06:42:00,06:42:00,MORT,1\n\
             ALLER,07:31:00,07:31:00,AIGL,2\n\
             RETOUR,17:50:00,17:50:00,AIGL,1\n\
             RETOUR,18:40:00,18:40:00,MORT,2\n\
             SEES,06:00:00,06:00:00,MORT,1\n\
             SEES,06:50:00,06:50:00,SEES,2\n",
        ),
        (
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
             SEMAINE,1,1,1,1,1,0,0,20260901,20270704\n",
        ),
    ];
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
    write_zip(&files)
}

async fn centre(app: &TestApp, name: &str, commune: &str) {
    app.state
        .store
        .save_training_centre(
            name,
            &CodeInsee::parse(commune).unwrap(),
            "CAP Boulanger",
            None,
        )
        .await
        .unwrap();
}

async fn publish(app: &TestApp, title: &str, commune: &str, cfa: Option<&str>) -> i64 {
    let mut input = offer(title, title, commune);
    input.cfa = cfa.map(str::to_owned);
    app.publish(input, 1).await
}

fn ids(v: &Value) -> Vec<i64> {
    v["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect()
}

/// The titles of the results, in the page's order.
fn order<'a>(body: &str, titles: &[&'a str]) -> Vec<&'a str> {
    let mut found: Vec<(usize, &str)> = titles
        .iter()
        .filter_map(|t| body.find(&format!(">{t}</a>")).map(|i| (i, *t)))
        .collect();
    found.sort();
    found.into_iter().map(|(_, t)| t).collect()
}

const SEARCH: &str = "/offres?commune=Mortagne-au-Perche&rayon=50";
const API: &str = "/api/v1/offers?near=61293&radius_km=50";

#[tokio::test]
async fn sans_voiture_keeps_the_offers_the_coaches_reach_and_back() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        centre(&app, "CFA de L'Aigle", "61214").await;
        centre(&app, "CFA de Bellême", "61038").await;
        let aigle = publish(&app, "Boulanger chez Martin", "61214", None).await;
        let both = publish(
            &app,
            "Pâtissier chez Leroy",
            "61214",
            Some("CFA de L'Aigle"),
        )
        .await;
        let _far_cfa = publish(&app, "Vendeur chez Petit", "61214", Some("CFA de Bellême")).await;
        let _no_stop = publish(&app, "Boucher chez Durand", "61491", None).await;
        let _no_return = publish(&app, "Traiteur chez Moreau", "61464", None).await;
        let titles = [
            "Boulanger chez Martin",
            "Pâtissier chez Leroy",
            "Vendeur chez Petit",
            "Boucher chez Durand",
            "Traiteur chez Moreau",
        ];
        app.sync().await;

        // No feed: said plainly, nothing hidden.
        let r = app.get(&format!("{SEARCH}&sans_voiture=1")).await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        assert!(
            r.body
                .contains("Les horaires des cars et des trains ne sont pas connus de Tremplin"),
            "{backend}: {}",
            r.body
        );
        assert!(
            r.body.contains("5 offres autour de Mortagne-au-Perche"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("tag-no-car"));
        let api = app.get(&format!("{API}&no_car=true")).await;
        assert_eq!(api.status, StatusCode::OK);
        let j = api.json();
        assert_eq!(j["total"], 5, "{j}");
        assert_eq!(j["no_car"]["applied"], false);
        assert!(
            j["no_car"]["message"]
                .as_str()
                .unwrap()
                .contains("ne sont pas connus"),
            "{j}"
        );

        transport::import(&app.state.store, "perche.zip", feed(), now())
            .await
            .unwrap();
        transport::refresh(&app.state).await.unwrap();

        // L'Aigle is reached on Monday and left on Friday, its CFA too; Bellême's CFA has no
        // coach, Tourouvre no stop, Sées no coach back on Friday.
        let r = app.get(&format!("{SEARCH}&sans_voiture=1")).await;
        assert_eq!(r.status, StatusCode::OK);
        let b = &r.body;
        assert!(
            b.contains("2 offres atteignables sans voiture autour de Mortagne-au-Perche"),
            "{backend}: {b}"
        );
        assert_eq!(
            order(b, &titles),
            ["Boulanger chez Martin", "Pâtissier chez Leroy"],
            "{backend}"
        );
        assert_eq!(b.matches("Atteignable sans voiture</li>").count(), 2);
        assert!(!b.contains("ne sont pas connus"));
        // The box stays ticked, and "voir plus" or the alert keep the filter.
        assert!(
            b.contains("name=\"sans_voiture\" value=\"1\" checked"),
            "{b}"
        );
        assert!(
            b.contains("<input type=\"hidden\" name=\"sans_voiture\" value=\"1\">"),
            "the alert keeps it: {b}"
        );

        // Without the filter, all five.
        let all = app.get(SEARCH).await;
        assert_eq!(order(&all.body, &titles).len(), 5, "{}", all.body);

        // The API says the same.
        let j = app.get(&format!("{API}&no_car=true")).await.json();
        assert_eq!(j["total"], 2, "{backend}: {j}");
        let mut got = ids(&j);
        got.sort();
        assert_eq!(got, [aigle, both]);
        assert_eq!(j["no_car"]["applied"], true);
        assert_eq!(j["no_car"]["message"], Value::Null);
        assert_eq!(j["examined"]["capped"], false);
        assert_eq!(j["examined"]["max"], 1000);
        let j = app
            .get(&format!("{API}&no_car=1&per_page=1&page=2"))
            .await
            .json();
        assert_eq!((j["total"].as_i64(), ids(&j).len()), (Some(2), 1), "{j}");
        assert_eq!(app.get(API).await.json()["total"], 5);
    }
}

/// Mortagne-au-Perche's centre (48.52018, 0.54734), great circle (R = 6 371.0088 km), road
/// factor 1.3 from the rules table, 2 × each way:
/// - Bellême (48.37329, 0.57005): 16.419 km → 2 × 1.3 × 16.419 = 42.69 km
/// - L'Aigle (48.76220, 0.62750): 27.548 km → 71.63 km
/// - Tourouvre au Perche (48.59030, 0.65140): 10.929 km, CFA at Alençon (48.43476, 0.09311):
///   34.79 km → 2 × 1.3 × (10.929 + 34.790) = 118.91 km
///
/// Nearest first: Tourouvre, Bellême, L'Aigle; least road first: Bellême, L'Aigle, Tourouvre.
#[tokio::test]
async fn tri_trajet_orders_by_the_weekly_trip_computed_by_hand() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        centre(&app, "CFA d'Alençon", "61001").await;
        let tourouvre = publish(&app, "Tourouvre", "61491", Some("CFA d'Alençon")).await;
        let aigle = publish(&app, "Aigle", "61214", None).await;
        let belleme = publish(&app, "Bellême", "61038", None).await;
        app.sync().await;
        let titles = ["Tourouvre", "Aigle", "Bellême"];

        let near = app.get(SEARCH).await;
        assert_eq!(
            order(&near.body, &titles),
            ["Tourouvre", "Bellême", "Aigle"],
            "{backend}"
        );
        // Each result tells its trip, with or without the sort.
        assert!(
            near.body.contains("≈ 119 km de trajet par semaine"),
            "{}",
            near.body
        );
        assert!(
            near.body
                .contains("2 × 14 km jusqu&#39;à l&#39;entreprise + 2 × 45 km jusqu&#39;au CFA"),
            "{}",
            near.body
        );

        let r = app.get(&format!("{SEARCH}&tri=trajet")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            order(&r.body, &titles),
            ["Bellême", "Aigle", "Tourouvre"],
            "{backend}: {}",
            r.body
        );
        for label in [
            "≈ 43 km de trajet par semaine",
            "≈ 72 km de trajet par semaine",
            "≈ 119 km de trajet par semaine",
        ] {
            assert!(r.body.contains(label), "{label}: {}", r.body);
        }
        assert!(
            r.body.contains("<option value=\"trajet\" selected>"),
            "{}",
            r.body
        );
        // A page of two, then "voir plus" keeps the sort.
        let two = app.get(&format!("{SEARCH}&tri=trajet&par_page=2")).await;
        assert_eq!(order(&two.body, &titles), ["Bellême", "Aigle"]);
        assert!(two.body.contains("tri=trajet&#38;page=2"), "{}", two.body);

        let j = app.get(&format!("{API}&sort=weekly_trip")).await.json();
        assert_eq!(ids(&j), [belleme, aigle, tourouvre], "{backend}: {j}");
        let km: Vec<f64> = j["offers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["weekly_trip_km"].as_f64().unwrap())
            .collect();
        assert_eq!(km, [42.7, 71.6, 118.9]);
        assert!(j.get("no_car").is_none());
        let j = app
            .get(&format!("{API}&sort=weekly_trip&per_page=2&page=2"))
            .await
            .json();
        assert_eq!((j["total"].as_i64(), ids(&j)), (Some(3), vec![tourouvre]));
        // Nearest first by default in the API with `sort=distance`.
        let j = app.get(&format!("{API}&sort=distance")).await.json();
        assert_eq!(ids(&j), [tourouvre, belleme, aigle]);
    }
}

#[tokio::test]
async fn without_a_commune_or_with_a_bad_value_the_search_says_why() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        app.sync().await;
        for (uri, says) in [
            (
                "/offres?sans_voiture=1",
                "Pour voir les offres atteignables sans voiture, indiquez votre commune",
            ),
            (
                "/offres?q=boulanger&tri=trajet",
                "Pour trier par trajet de la semaine, indiquez votre commune",
            ),
            (
                "/offres?commune=Mortagne-au-Perche&sans_voiture=peut-etre",
                "le paramètre sans_voiture vaut true ou false",
            ),
            (
                "/offres?commune=Mortagne-au-Perche&tri=route",
                "choisissez pertinence, distance, date ou trajet",
            ),
        ] {
            let r = app.get(uri).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend} {uri}");
            assert!(r.body.contains(says), "{uri}: {}", r.body);
        }
        // What was ticked stays ticked beside the question.
        let r = app.get("/offres?sans_voiture=1&tri=trajet").await;
        assert!(r.body.contains("name=\"sans_voiture\" value=\"1\" checked"));
        assert!(r.body.contains("<option value=\"trajet\" selected>"));

        for (uri, says) in [
            (
                "/api/v1/offers?no_car=true",
                "Pour voir les offres atteignables sans voiture, donnez near",
            ),
            (
                "/api/v1/offers?sort=weekly_trip",
                "Pour trier par trajet de la semaine, donnez near",
            ),
            (
                "/api/v1/offers?near=61293&no_car=maybe",
                "le paramètre no_car vaut true ou false",
            ),
            (
                "/api/v1/offers?near=61293&sort=trip",
                "relevance, distance, date ou weekly_trip",
            ),
        ] {
            let r = app.get(uri).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend} {uri}");
            let e = r.json()["error"].as_str().unwrap().to_owned();
            assert!(e.contains(says), "{uri}: {e}");
        }
    }
}

#[tokio::test]
async fn the_form_and_the_openapi_document_offer_both() {
    let app = TestApp::new("sqlite").await;
    app.sync().await;
    let home = app.get("/offres").await;
    assert!(
        home.body.contains("name=\"sans_voiture\" value=\"1\">"),
        "{}",
        home.body
    );
    assert!(home.body.contains("<option value=\"trajet\">"));
    let doc = app.get("/api/v1/openapi.json").await.json();
    let op = &doc["paths"]["/api/v1/offers"]["get"];
    let params = op["parameters"].as_array().unwrap();
    assert!(params.iter().any(|p| p["name"] == "no_car"));
    let sort = params.iter().find(|p| p["name"] == "sort").unwrap();
    assert!(
        sort["schema"]["enum"]
            .as_array()
            .unwrap()
            .contains(&Value::from("weekly_trip"))
    );
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["OfferSummary"]["properties"]["weekly_trip_km"].is_object());
    assert!(schemas["OfferList"]["properties"]["no_car"].is_object());
    assert!(schemas["OfferList"]["properties"]["examined"].is_object());
}
