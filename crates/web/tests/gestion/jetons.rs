//! The partners' API tokens.

use crate::support::TestApp;
use axum::http::StatusCode;
use tremplin_storage::Role;

#[tokio::test]
async fn admins_issue_and_revoke_api_tokens() {
    let app = TestApp::new("sqlite").await;
    let org = app
        .state
        .store
        .add_organisation(
            "France Travail",
            tremplin_storage::OrganisationKind::Partenaire,
            crate::support::now(),
        )
        .await
        .unwrap();
    let (admin, csrf) = app.session(Role::Admin, None).await;
    let r = app
        .post_form(
            "/gestion/jetons",
            &admin,
            &[
                ("csrf", &csrf),
                ("organisation", &org.to_string()),
                ("label", "import nocturne"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let start = r.body.find("<code class=\"token\">").unwrap() + "<code class=\"token\">".len();
    let token = r.body[start..start + 64].to_owned();
    assert!(
        !app.get_as("/gestion/jetons", &admin)
            .await
            .body
            .contains(&token),
        "shown once only"
    );
    assert_eq!(
        app.json("DELETE", "/api/v1/offers/1", Some(&token), "")
            .await
            .status,
        StatusCode::NOT_FOUND,
        "the token works"
    );
    let listed = app.state.store.api_tokens().await.unwrap();
    assert!(listed[0].last_used_at.is_some());
    app.post_form(
        &format!("/gestion/jetons/{}/revoquer", listed[0].id),
        &admin,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(
        app.json("DELETE", "/api/v1/offers/1", Some(&token), "")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let log: Vec<String> = app
        .state
        .store
        .audit_log(5)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(log[..2], ["jeton révoqué", "jeton créé"]);
}
