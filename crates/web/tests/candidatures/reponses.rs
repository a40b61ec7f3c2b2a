//! The employer's answer links.

use crate::common::input;
use crate::support::TestApp;
use axum::http::StatusCode;
use tremplin_domain::application::ApplicationStatus;

#[tokio::test]
async fn the_employers_links_expire() {
    let app = TestApp::with_catalogue("sqlite").await;
    let input = input();
    let token = "jeton-employeur-de-test";
    let hash = tremplin_web::services::secrets::token_hash(token);
    app.state
        .store
        .create_application(
            1,
            &input,
            None,
            "f",
            &hash,
            None,
            crate::support::now() - chrono::Duration::days(61),
        )
        .await
        .unwrap();
    let r = app.get(&format!("/reponse/{token}/entretien")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Ce lien de réponse a expiré"));
    assert_eq!(
        app.post_form(&format!("/reponse/{token}/entretien"), "", &[])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.state.store.applications(1).await.unwrap()[0].status,
        ApplicationStatus::Envoyee,
        "nothing changed"
    );
}
