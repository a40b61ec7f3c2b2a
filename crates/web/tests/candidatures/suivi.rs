//! The young person's follow-up link: withdrawing erases.

use crate::common::{fields, form};
use crate::support::TestApp;
use axum::http::StatusCode;

#[tokio::test]
async fn withdraw_and_erase_from_the_follow_up_link() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf) = form(&app, 1).await;
    let r = app
        .post_form("/offres/1/postuler", &cookie, &fields(&csrf))
        .await;
    let start = r
        .body
        .find("https://tremplin.example/candidature/")
        .unwrap()
        + "https://tremplin.example".len();
    let follow = r.body[start..].split('"').next().unwrap().to_owned();
    let (waiting, _) = app.state.store.mail_counts().await.unwrap();
    let r = app.post_form(&follow, "", &[]).await;
    assert!(r.body.contains("Votre candidature est retirée"));
    assert_eq!(
        app.get(&follow).await.status,
        StatusCode::NOT_FOUND,
        "erased"
    );
    assert!(app.state.store.applications(10).await.unwrap().is_empty());
    // The message carrying it to the employer, not sent yet, goes with it.
    assert_eq!(
        app.state.store.mail_counts().await.unwrap().0,
        waiting - 1,
        "the application's message is erased too"
    );
}
