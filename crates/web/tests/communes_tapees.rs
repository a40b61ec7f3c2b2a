//! The search page understands a commune typed the way people type it (issue 11): a prefix
//! gives a choice, never a silent jump; "Mortagne 61", "St Langis", "Ste Gauburge", an old
//! name, "Laigle" land on the right commune; a choice keeps the other criteria and names the
//! département.

mod support;

use axum::http::StatusCode;
use support::{TestApp, backends};

fn unescape(s: &str) -> String {
    s.replace("&#39;", "'")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
}

#[tokio::test]
async fn a_prefix_gives_a_choice_with_the_territory_first_and_the_departement() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let r = app
            .get("/offres?q=boulanger&commune=Mortagne&rayon=20")
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        let body = unescape(&r.body);
        assert!(
            body.contains("<h1 class=\"results-title\">Quelle est votre commune ?</h1>"),
            "{body}"
        );
        assert!(body.contains("Plusieurs communes correspondent à « Mortagne »"));
        let first = body
            .find("Mortagne-au-Perche (61400)</a> <span class=\"place\">Orne (61)")
            .expect(&body);
        let vosges = body
            .find("Mortagne (88")
            .expect("Mortagne (88) is offered too");
        assert!(first < vosges, "{backend}: the territory first");
        assert!(body.contains("Vosges (88)"));
        // The choice keeps the search and the distance.
        assert!(
            body.contains(
                "href=\"/offres?q=boulanger&rayon=20&commune=Mortagne-au-Perche+%2861400%29\""
            ),
            "{body}"
        );
        let r = app
            .get("/offres?q=boulanger&rayon=20&commune=Mortagne-au-Perche+%2861400%29")
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            unescape(&r.body).contains("autour de Mortagne-au-Perche"),
            "{}",
            r.body
        );
    }
}

#[tokio::test]
async fn the_issues_examples_land_on_the_right_commune() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        for (typed, name) in [
            ("Mortagne%2061", "Mortagne-au-Perche"),
            ("St%20Langis", "Saint-Langis-lès-Mortagne"),
            ("Ste%20Gauburge", "Sainte-Gauburge-Sainte-Colombe"),
            ("Le%20Merlerault", "Merlerault-le-Pin"),
            ("La%20Fert%C3%A9-Fr%C3%AAnel", "La Ferté-en-Ouche"),
            ("la%20ferte%20frenel", "La Ferté-en-Ouche"),
            ("Laigle", "L'Aigle"),
            ("mortagne%20au%20perhce", "Mortagne-au-Perche"),
        ] {
            let r = app.get(&format!("/offres?commune={typed}&rayon=30")).await;
            assert_eq!(r.status, StatusCode::OK, "{backend} {typed}: {}", r.body);
            let body = unescape(&r.body);
            assert!(
                body.contains(&format!("autour de {name}")),
                "{backend} {typed}: {body}"
            );
        }
        // L'Aigle's postcode serves nine communes: a choice, L'Aigle first.
        let r = app.get("/offres?commune=61300").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let body = unescape(&r.body);
        let laigle = body.find(">L'Aigle (61300)</a>").expect(&body);
        assert!(laigle < body.find(">Crulai (61300)</a>").unwrap());
        // An old name is enough alone ("Le Sap" is now Sap-en-Auge); shared with other
        // communes' names, it gives a choice that says so, the territory first.
        let r = app.get("/offres?commune=Le%20Sap").await;
        assert!(
            unescape(&r.body).contains("autour de Sap-en-Auge"),
            "{backend}"
        );
        let r = app.get("/offres?commune=Le%20Theil").await;
        let body = unescape(&r.body);
        let here = body
            .find("Val-au-Perche (61130)</a> <span class=\"place\">Orne (61) · ancienne commune Le Theil")
            .expect(&body);
        assert!(here < body.find(">Le Theil (03240)</a>").unwrap(), "{body}");
    }
}

#[tokio::test]
async fn the_autocomplete_names_the_departement() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let r = app.get("/api/v1/communes?q=mortagne").await;
        assert_eq!(r.status, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v[0]["name"], "Mortagne-au-Perche", "{backend}: {v}");
        assert_eq!(v[0]["place"], "Orne (61)");
        assert!(
            v.as_array()
                .unwrap()
                .iter()
                .any(|c| c["place"] == "Vosges (88)"),
            "{v}"
        );
        let r = app.get("/api/v1/communes?q=la%20ferte%20frenel").await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v[0]["name"], "La Ferté-en-Ouche", "{v}");
        assert_eq!(v[0]["known_as"], "La Ferté-Frênel");
    }
}
