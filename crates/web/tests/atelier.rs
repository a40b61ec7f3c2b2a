//! Workshop mode on a fixed clock (26 November 2026, 11:00 in Paris): a counselor opens a
//! session, a young person joins with its code from a phone (no account), builds a budget and
//! shares it; the projector shows the anonymous figures; the session ends at midnight, Paris
//! time, and goes with its results.

mod support;

use axum::http::{StatusCode, header};
use chrono::{TimeZone, Utc};
use support::{Reply, TestApp, backends};
use tremplin_storage::Role;

fn csrf_of(r: &Reply) -> (String, String) {
    let set = r
        .headers
        .get(header::SET_COOKIE)
        .expect("the page sets the form's cookie")
        .to_str()
        .unwrap();
    let cookie = set.split(';').next().unwrap().to_owned();
    let token = cookie.split_once('=').unwrap().1.to_owned();
    (cookie, token)
}

#[tokio::test]
async fn a_session_is_joined_by_code_shows_the_shared_budgets_and_ends_at_midnight() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        assert_eq!(
            app.get("/gestion/ateliers").await.status,
            StatusCode::SEE_OTHER
        );
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let r = app
            .post_form(
                "/gestion/ateliers",
                &cookie,
                &[("csrf", &csrf), ("titre", "Atelier du jeudi")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let projector = r.headers[header::LOCATION].to_str().unwrap().to_owned();
        let now = support::now();
        let w = app.state.store.open_workshops(now).await.unwrap().remove(0);
        assert_eq!(w.code.len(), 5);
        // Midnight in Paris (UTC+1 in November).
        assert_eq!(
            w.expires_at,
            Utc.with_ymd_and_hms(2026, 11, 26, 23, 0, 0).unwrap()
        );
        let page = app.get_as(&projector, &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains(&w.code)
                && page.body.contains("data-refresh=\"15\"")
                && !page.body.contains("http-equiv")
        );
        assert!(
            page.body.contains("Personne n&#39;a encore partagé")
                || page.body.contains("Personne n'a encore partagé")
        );

        // A young person types the code in lower case, picks an offer, builds the budget.
        let join = app
            .get(&format!("/atelier?code={}", w.code.to_lowercase()))
            .await;
        assert_eq!(join.status, StatusCode::OK, "{}", join.body);
        assert!(
            join.body.contains("Atelier du jeudi") && join.body.contains("Boulanger/Boulangère")
        );
        let query = format!(
            "atelier={}&offre=1&commune=Mortagne-au-Perche&naissance=2009-05-10&debut=2026-09-01&duree_mois=24&contrat=apprentissage&secteur=prive&alimentation=150",
            w.code
        );
        let budget = app.get(&format!("/ma-vie-d-apprenti/budget?{query}")).await;
        assert_eq!(budget.status, StatusCode::OK, "{}", budget.body);
        assert!(budget.body.contains("Partager mes chiffres avec le groupe"));
        let (public_cookie, token) = csrf_of(&budget);
        // Without the cookie's token, nothing is shared.
        let refused = app
            .post_form(
                &format!("/atelier/{}/partager", w.code),
                &public_cookie,
                &[("csrf", "faux"), ("budget", &query)],
            )
            .await;
        assert_ne!(refused.status, StatusCode::SEE_OTHER);
        let shared = app
            .post_form(
                &format!("/atelier/{}/partager", w.code),
                &public_cookie,
                &[("csrf", &token), ("budget", &query)],
            )
            .await;
        assert_eq!(shared.status, StatusCode::SEE_OTHER, "{}", shared.body);
        let results = app.state.store.workshop_results(w.id).await.unwrap();
        assert_eq!(results.len(), 1);
        // 27 % of 1 867,02 € = 504,10 € net, computed again from the query.
        assert!(
            (results[0].net - 504.10).abs() < 0.005,
            "{}",
            results[0].net
        );
        assert_eq!(results[0].offer_title, "Boulanger/Boulangère");
        let page = app.get_as(&projector, &cookie).await.body;
        assert!(page.contains("504,10\u{a0}€") && page.contains("Boulanger/Boulangère"));
        assert!(!page.contains("2009-05-10"), "no birth date kept");

        // A wrong code is said in French; at midnight the session is over and deleted.
        let wrong = app.get("/atelier?code=ZZZZZ").await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
        assert!(
            wrong.body.contains("Aucune séance ouverte n&#39;a le code")
                || wrong.body.contains("Aucune séance ouverte n'a le code")
        );
        let midnight = w.expires_at;
        assert!(
            app.state
                .store
                .workshop_by_code(&w.code, midnight)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            app.state
                .store
                .delete_expired_workshops(midnight)
                .await
                .unwrap(),
            1
        );
        assert!(
            app.state
                .store
                .workshop_results(w.id)
                .await
                .unwrap()
                .is_empty()
        );
    }
}
