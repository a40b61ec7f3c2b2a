//! The partners' API: bearer tokens, scope, idempotent creation, validation in French.

mod support;

use axum::http::{StatusCode, header};
use support::{TestApp, backends};
use tremplin_domain::OfferStatus;

fn body(external_id: &str, positions: u32) -> String {
    serde_json::json!({
        "external_id": external_id,
        "title": "Agent·e de maintenance des bâtiments",
        "description": "Petits travaux de plomberie, d'électricité et de peinture dans les écoles de la commune.",
        "rome_code": "I1203",
        "company_name": "Commune fictive",
        "commune_code": "61214",
        "contract_type": "apprentissage",
        "target_diploma_level": 3,
        "positions": positions,
        "rqth": true,
        "contact_email": "rh@commune.example"
    })
    .to_string()
}

#[tokio::test]
async fn tokens_are_required_and_checked() {
    let app = TestApp::new("sqlite").await;
    let token = app.partner_token("France Travail").await;
    for (t, needle) in [(None, "manquant"), (Some("faux"), "inconnu ou révoqué")] {
        let r = app.json("POST", "/api/v1/offers", t, &body("a", 1)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers.get(header::WWW_AUTHENTICATE).unwrap(), "Bearer");
        assert!(r.json()["error"].as_str().unwrap().contains(needle));
    }
    assert_eq!(
        app.json("POST", "/api/v1/offers", Some(&token), &body("a", 1))
            .await
            .status,
        StatusCode::CREATED
    );
    let id = app.state.store.api_tokens().await.unwrap()[0].id;
    app.state
        .store
        .revoke_api_token(id, support::now())
        .await
        .unwrap();
    assert_eq!(
        app.json("POST", "/api/v1/offers", Some(&token), &body("b", 1))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn create_is_idempotent_on_the_external_id_and_waits_for_validation() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let token = app.partner_token("France Travail").await;
        let r = app
            .json("POST", "/api/v1/offers", Some(&token), &body("ft-1", 1))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let j = r.json();
        assert_eq!(j["status"], "a_valider");
        let id = j["id"].as_i64().unwrap();

        let again = app
            .json("POST", "/api/v1/offers", Some(&token), &body("ft-1", 1))
            .await;
        assert_eq!(
            (again.status, again.json()["id"].as_i64()),
            (StatusCode::OK, Some(id)),
            "{backend}"
        );
        let changed = app
            .json("POST", "/api/v1/offers", Some(&token), &body("ft-1", 2))
            .await;
        assert_eq!(changed.json()["id"].as_i64(), Some(id));
        let stored = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(
            (
                stored.fields.positions,
                stored.fields.rqth,
                stored.validated_at
            ),
            (2, true, None)
        );
        assert_eq!(
            stored.fields.source.kind,
            tremplin_domain::SourceKind::Partenaire
        );
        // Not in the public catalogue before a counselor validates it and the edition runs.
        assert_eq!(
            app.get(&format!("/api/v1/offers/{id}")).await.status,
            StatusCode::NOT_FOUND
        );

        // Another organisation with the same external id gets its own offer.
        let other = app.partner_token("CC des Pays de L'Aigle").await;
        let r = app
            .json("POST", "/api/v1/offers", Some(&other), &body("ft-1", 1))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert_ne!(r.json()["id"].as_i64(), Some(id));
    }
}

#[tokio::test]
async fn bad_bodies_are_explained_and_store_nothing() {
    let app = TestApp::new("sqlite").await;
    let token = app.partner_token("France Travail").await;
    let mut missing: serde_json::Value = serde_json::from_str(&body("x", 1)).unwrap();
    missing.as_object_mut().unwrap().remove("title");
    let mut unknown = missing.clone();
    unknown["titre"] = "Boulanger".into();
    let mut bad_commune: serde_json::Value = serde_json::from_str(&body("x", 1)).unwrap();
    bad_commune["commune_code"] = "99999".into();
    for (b, needle) in [
        ("pas du json".to_owned(), "pas du JSON valide"),
        ("[1, 2]".to_owned(), "objet JSON"),
        (missing.to_string(), "La colonne « title » est vide."),
        (unknown.to_string(), "Champ inconnu « titre »"),
        (
            bad_commune.to_string(),
            "Aucune commune n'a le code INSEE 99999.",
        ),
    ] {
        let r = app.json("POST", "/api/v1/offers", Some(&token), &b).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}");
        assert!(
            r.json()["error"].as_str().unwrap().contains(needle),
            "{b}: {}",
            r.body
        );
    }
    assert_eq!(
        app.state.store.current_revision().await.unwrap(),
        0,
        "nothing stored"
    );
}

#[tokio::test]
async fn change_and_withdraw_only_ones_own_offers() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let token = app.partner_token("France Travail").await;
        let other = app.partner_token("Autre partenaire").await;
        let id = app
            .json("POST", "/api/v1/offers", Some(&token), &body("ft-9", 1))
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let uri = format!("/api/v1/offers/{id}");

        let r = app
            .json("PUT", &uri, Some(&token), &body("ignored", 3))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let stored = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(stored.fields.positions, 3);
        assert_eq!(
            stored.fields.source.external_id.as_deref(),
            Some("ft-9"),
            "the external id stays"
        );

        assert_eq!(
            app.json("PUT", &uri, Some(&other), &body("x", 1))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{backend}"
        );
        assert_eq!(
            app.json("DELETE", &uri, Some(&other), "").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.json("PUT", "/api/v1/offers/1", Some(&token), &body("x", 1))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "the counselors' offer"
        );
        assert_eq!(
            app.json("DELETE", "/api/v1/offers/99999", Some(&token), "")
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        let r = app.json("DELETE", &uri, Some(&token), "").await;
        assert_eq!(
            (r.status, r.json()["status"].as_str()),
            (StatusCode::OK, Some("retiree"))
        );
        assert_eq!(
            app.json("DELETE", &uri, Some(&token), "").await.status,
            StatusCode::OK,
            "withdrawing twice is fine"
        );
        assert_eq!(
            app.state.store.get_offer(id).await.unwrap().unwrap().status,
            OfferStatus::Retiree
        );
        let r = app.json("PUT", &uri, Some(&token), &body("x", 1)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.json()["error"].as_str().unwrap().contains("close"));
    }
}
