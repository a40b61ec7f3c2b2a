//! The counselors' pipeline and applying on behalf of a young person.

use crate::common::{fields, input};
use crate::support::{TestApp, backends};
use axum::http::StatusCode;
use tremplin_domain::application::ApplicationStatus;

#[tokio::test]
async fn a_week_without_an_answer_puts_the_application_on_the_counselors_list() {
    let app = TestApp::with_catalogue("sqlite").await;
    let input = input();
    let eight_days_ago = crate::support::now() - chrono::Duration::days(8);
    app.state
        .store
        .create_application(1, &input, None, "f", "e", None, eight_days_ago)
        .await
        .unwrap();
    let (counselor, _) = app.session(tremplin_storage::Role::Conseiller, None).await;
    let week = app.get_as("/gestion/semaine", &counselor).await.body;
    assert!(
        week.contains("Relances : candidatures sans réponse depuis 7 jours (1)")
            && week.contains("Léa Martin"),
        "{week}"
    );
    let follow_page = app
        .state
        .store
        .application_by_follow_link("f")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(follow_page.status, ApplicationStatus::Envoyee);
}

#[tokio::test]
async fn a_counselor_applies_for_a_young_person_to_several_offers_at_once() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (counselor, csrf) = app.session(tremplin_storage::Role::Conseiller, None).await;
        let form = app
            .get_as("/gestion/candidatures/nouvelle", &counselor)
            .await
            .body;
        assert!(
            form.contains("Boulanger/Boulangère") && form.contains("Aide-soignant·e"),
            "{form}"
        );
        let mut f = fields(&csrf);
        let r = app
            .post_form("/gestion/candidatures/nouvelle", &counselor, &f)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("Cochez au moins une offre."));
        f.push(("offres", "1"));
        f.push(("offres", "2"));
        let r = app
            .post_form("/gestion/candidatures/nouvelle", &counselor, &f)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            r.body.matches("envoyée – suivi").count(),
            2,
            "{backend}: {}",
            r.body
        );
        let offers: Vec<i64> = app
            .state
            .store
            .applications(10)
            .await
            .unwrap()
            .iter()
            .map(|a| a.offer_id)
            .collect();
        assert_eq!(offers, [2, 1]);
        let (partner, pcsrf) = app
            .session(tremplin_storage::Role::Partenaire, Some("P"))
            .await;
        assert_eq!(
            app.post_form(
                "/gestion/candidatures/nouvelle",
                &partner,
                &[("csrf", &pcsrf)]
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
    }
}
