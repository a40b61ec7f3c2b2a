//! The JSON API v1: shapes, filters and every kind of bad parameter.

mod support;

use axum::http::StatusCode;
use support::{TestApp, backends};

#[tokio::test]
async fn search_answers_the_documented_shape() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let r = app
            .get("/api/v1/offers?q=boulanger&near=61293&radius_km=50")
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers.get("content-type").unwrap(), "application/json");
        let j = r.json();
        assert_eq!(
            (
                j["total"].as_u64(),
                j["page"].as_u64(),
                j["per_page"].as_u64()
            ),
            (Some(1), Some(1), Some(20))
        );
        let o = &j["offers"][0];
        assert_eq!(o["title"], "Boulanger/Boulangère");
        assert_eq!(o["rome_codes"], serde_json::json!(["D1102"]));
        assert_eq!(o["company"]["name"], "Entreprise Fictive");
        assert_eq!(o["location"]["commune_code"], "61214");
        assert_eq!(o["location"]["commune_name"], "L'Aigle");
        assert_eq!(o["location"]["postcode"], "61300");
        assert_eq!(o["location"]["approximate"], false);
        assert!(
            (o["distance_km"].as_f64().unwrap() - 27.6).abs() < 0.2,
            "{o}"
        );
        assert_eq!(o["contract_type"], "apprentissage");
        assert_eq!(o["target_diploma_level"], 3);
        assert_eq!(o["start_date"], serde_json::Value::Null);
        assert_eq!(o["new_this_week"], true);
        assert_eq!(o["source"]["kind"], "appel");
        assert_eq!(o["source"]["external_id"], "b1");
        assert_eq!(o["url"], "https://tremplin.example/offres/1", "{backend}");
        // Without `near`, no distance.
        let j = app.get("/api/v1/offers?q=boulanger").await.json();
        assert!(j["offers"][0].get("distance_km").is_none());
    }
}

#[tokio::test]
async fn filters_and_sorts() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let titles = |uri: String| {
            let app = &app;
            async move {
                let j = app.get(&uri).await.json();
                j["offers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o["title"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            titles("/api/v1/offers?rome=I1603".into()).await,
            ["Mécanicien(ne) agricole"]
        );
        assert_eq!(
            titles("/api/v1/offers?level=4,5".into()).await,
            ["Mécanicien(ne) agricole"]
        );
        assert_eq!(
            titles("/api/v1/offers?new=true".into()).await,
            ["Boulanger/Boulangère"]
        );
        assert_eq!(
            titles("/api/v1/offers?sort=date".into()).await,
            [
                "Boulanger/Boulangère",
                "Aide-soignant·e",
                "Mécanicien(ne) agricole"
            ]
        );
        let by_distance =
            titles("/api/v1/offers?near=61214&radius_km=100&sort=distance".into()).await;
        assert_eq!(by_distance[0], "Boulanger/Boulangère", "{backend}");
        assert_eq!(
            titles("/api/v1/offers?near=61214&radius_km=0".into()).await,
            ["Boulanger/Boulangère"]
        );
        assert!(
            titles("/api/v1/offers?contract=professionnalisation".into())
                .await
                .is_empty()
        );
        assert!(titles("/api/v1/offers?rqth=true".into()).await.is_empty());
        let j = app
            .get("/api/v1/offers?sort=date&per_page=2&page=2")
            .await
            .json();
        assert_eq!(
            (j["total"].as_u64(), j["offers"].as_array().unwrap().len()),
            (Some(3), 1)
        );
    }
}

#[tokio::test]
async fn bad_parameters_answer_400_in_french_and_change_nothing() {
    let app = TestApp::with_catalogue("sqlite").await;
    for (query, needle) in [
        ("radius_km=201", "entre 0 et 200"),
        ("radius_km=-1", "entre 0 et 200"),
        ("radius_km=trente", "entre 0 et 200"),
        ("near=ABCDE", "code commune INSEE"),
        ("near=99999", "Aucune commune n'a le code INSEE 99999"),
        ("rome=Z1234", "code ROME"),
        ("rome=A9999", "n'existe pas"),
        ("level=2", "entre 3 (CAP) et 7"),
        ("level=CAP", "3 (CAP)"),
        ("contract=CDI", "type de contrat"),
        ("rqth=peut-etre", "true ou false"),
        ("sort=distance", "commune de départ"),
        ("sort=prix", "relevance, distance, date ou weekly_trip"),
        ("page=0", "entre 1 et 500"),
        ("per_page=101", "entre 1 et 100"),
        ("start_from=2027-13-01", "AAAA-MM-JJ"),
        (
            "start_from=2027-06-01&start_to=2027-01-01",
            "après la date maximale",
        ),
    ] {
        let r = app.get(&format!("/api/v1/offers?{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        let msg = r.json()["error"].as_str().unwrap().to_owned();
        assert!(msg.contains(needle), "{query}: {msg}");
    }
    let long = "a".repeat(201);
    assert_eq!(
        app.get(&format!("/api/v1/offers?q={long}")).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(app.state.store.current_revision().await.unwrap() > 0, true);
}

#[tokio::test]
async fn one_offer_and_unknown_ids() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let j = app.get("/api/v1/offers/2").await.json();
        assert_eq!(j["title"], "Aide-soignant·e");
        assert!(j["description"].as_str().unwrap().contains("tuteur"));
        assert_eq!(j["contact"]["email"], "contact@entreprise.example");
        assert_eq!(j["duration_months"], 24);
        for id in ["4", "999", "abc", "1.5"] {
            let r = app.get(&format!("/api/v1/offers/{id}")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend} {id}");
            assert!(r.json()["error"].as_str().unwrap().contains("n'existe pas"));
        }
    }
}

#[tokio::test]
async fn communes_and_metiers_lookups() {
    let app = TestApp::new("sqlite").await;
    let j = app.get("/api/v1/communes?q=mortagne").await.json();
    assert_eq!(
        j[0]["code"], "61293",
        "the territory's communes come first: {j}"
    );
    assert_eq!(j[0]["postcodes"], serde_json::json!(["61400"]));
    assert_eq!(j[0]["approximate"], false);
    let j = app.get("/api/v1/communes?q=61300").await.json();
    assert!(j.as_array().unwrap().iter().any(|c| c["name"] == "L'Aigle"));
    let j = app.get("/api/v1/metiers?q=boulang").await.json();
    assert!(
        j.as_array().unwrap().iter().any(|m| m["code"] == "D1102"),
        "{j}"
    );
    for uri in [
        "/api/v1/communes",
        "/api/v1/communes?q=",
        "/api/v1/metiers?q=%20",
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(r.json()["error"].as_str().unwrap().contains("obligatoire"));
    }
}

#[tokio::test]
async fn the_openapi_document_describes_what_the_api_does() {
    let app = TestApp::new("sqlite").await;
    let doc = app.get("/api/v1/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/offers",
        "/api/v1/offers/{id}",
        "/api/v1/communes",
        "/api/v1/metiers",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} undocumented");
    }
    let params: Vec<&str> = doc["paths"]["/api/v1/offers"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["name"]
                .as_str()
                .unwrap_or_else(|| p["$ref"].as_str().unwrap())
        })
        .collect();
    for name in [
        "q",
        "near",
        "radius_km",
        "rome",
        "level",
        "contract",
        "rqth",
        "new",
        "start_from",
        "start_to",
        "sort",
        "page",
        "per_page",
    ] {
        assert!(
            params.iter().any(|p| p.ends_with(name)),
            "parameter {name} undocumented: {params:?}"
        );
    }
    // The partners' write API, behind a bearer token.
    for (path, method) in [
        ("/api/v1/offers", "post"),
        ("/api/v1/offers/{id}", "put"),
        ("/api/v1/offers/{id}", "delete"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} undocumented");
        assert!(
            op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("jeton").is_some())),
            "{method} {path} does not declare the jeton security: {}",
            op["security"]
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["jeton"]["scheme"],
        "bearer"
    );
}

mod no_input_breaks_the_server {
    use super::support::TestApp;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn any_query_string_gets_a_clear_answer(
            key in prop::sample::select(vec!["q", "near", "radius_km", "rome", "level", "sort", "page", "commune", "rayon", "niveau", "tri", "debut_min", "per_page", "new"]),
            value in "\\PC{0,30}",
            page in prop::bool::ANY,
        ) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let app = TestApp::new("sqlite").await;
                app.sync().await;
                let encoded: String = serde_urlencoded::to_string([(key, value.as_str())]).unwrap();
                let path = if page { "/offres" } else { "/api/v1/offers" };
                let r = app.get(&format!("{path}?{encoded}")).await;
                prop_assert!(r.status == 200 || r.status == 400, "{path}?{encoded} -> {}", r.status);
                Ok(())
            })?;
        }
    }
}
