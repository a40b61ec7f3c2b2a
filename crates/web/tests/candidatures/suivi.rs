//! The young person's follow-up link: withdrawing erases.

use crate::common::{fields, form};
use crate::support::TestApp;
use axum::http::StatusCode;

/// The follow-up link's path on a confirmation page (`/c/…`).
pub(crate) fn follow_link(body: &str) -> String {
    let start =
        body.find("https://tremplin.example/c/").unwrap() + "https://tremplin.example".len();
    body[start..].split(['"', '<']).next().unwrap().to_owned()
}

#[tokio::test]
async fn withdraw_and_erase_from_the_follow_up_link() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf) = form(&app, 1).await;
    let r = app
        .post_form("/offres/1/postuler", &cookie, &fields(&csrf))
        .await;
    let follow = follow_link(&r.body);
    let (waiting, _) = app.state.store.mail_counts().await.unwrap();
    // The follow-up page's button asks first: nothing is erased yet.
    let r = app.post_form(&follow, "", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("Retirer et effacer votre candidature ?"),
        "{}",
        r.body
    );
    assert!(r.body.contains(r#"name="confirmer" value="oui""#));
    assert!(r.body.contains("Non, garder ma candidature"));
    assert_eq!(app.state.store.applications(10).await.unwrap().len(), 1);
    assert_eq!(app.get(&follow).await.status, StatusCode::OK);
    let r = app.post_form(&follow, "", &[("confirmer", "oui")]).await;
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

#[tokio::test]
async fn when_the_offer_is_filled_the_follow_up_page_and_the_mail_say_the_same_honest_thing() {
    for backend in crate::support::backends() {
        let app = TestApp::with_catalogue(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let (cookie, csrf) = form(&app, 1).await;
        let r = app
            .post_form("/offres/1/postuler", &cookie, &fields(&csrf))
            .await;
        let follow = follow_link(&r.body);
        crate::common::outbox(&app, dir.path()).await;
        let (counselor, ccsrf) = app.session(tremplin_storage::Role::Conseiller, None).await;
        app.post_form(
            "/gestion/offres/1/action",
            &counselor,
            &[("csrf", &ccsrf), ("action", "pourvue")],
        )
        .await;
        let page = app.get(&follow).await.body;
        assert!(
            page.contains("L&#39;offre n&#39;est plus disponible : le poste a été pourvu"),
            "{backend}: {page}"
        );
        let sentence = tremplin_domain::NOT_A_REFUSAL;
        assert!(page.contains(&sentence.replace('\'', "&#39;")), "{page}");
        assert!(!page.contains("Profil non retenu"), "{backend}: {page}");
        let mails = crate::common::outbox(&app, dir.path()).await;
        let told = mails
            .iter()
            .map(|m| crate::common::text(m))
            .find(|m| m.contains("n'est plus disponible"))
            .unwrap();
        assert!(told.contains(sentence), "{told}");
    }
}

#[tokio::test]
async fn the_follow_up_page_leads_back_to_the_offer_to_similar_ones_and_to_the_mission_locale() {
    let app = TestApp::with_catalogue("sqlite").await;
    // Another baker's offer near L'Aigle: the similar one.
    let other = app
        .publish(
            crate::support::offer("b9", "Boulanger en production", "61214"),
            2,
        )
        .await;
    app.sync().await;
    let (cookie, csrf) = form(&app, 1).await;
    let r = app
        .post_form("/offres/1/postuler", &cookie, &fields(&csrf))
        .await;
    let page = app.get(&follow_link(&r.body)).await.body;
    assert!(page.contains(r#"href="/offres/1""#), "{page}");
    assert!(
        page.contains(&format!(r#"href="/offres/{other}""#)),
        "{page}"
    );
    assert!(page.contains("/offres?metier=D1102"), "{page}");
    // The territory's phone and hours (from its settings).
    assert!(
        page.contains(r#"<a href="tel:+33233240000">02 33 24 00 00</a>"#),
        "{page}"
    );
    assert!(page.contains("du lundi au vendredi, 9 h"), "{page}");
    // Dates in words (the clock stands on Thursday 26 November 2026).
    assert!(page.contains("envoyée le jeudi 26 novembre"), "{page}");
}
