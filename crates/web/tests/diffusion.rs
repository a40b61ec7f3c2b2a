//! Reach: offer pages opened through a channel's link are counted per week (no cookie, no
//! address), an application keeps the channel it came through, and the dashboard shows both.

mod support;

use axum::http::{StatusCode, header};
use support::{TestApp, backends};
use tremplin_storage::Role;

#[tokio::test]
async fn shared_links_are_counted_and_the_dashboard_shows_them() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        for uri in [
            "/offres/1?via=whatsapp",
            "/offres/1?via=WhatsApp",
            "/offres/2?via=whatsapp",
            "/offres/1?via=facebook",
            // Counted for nothing: a made-up channel, no channel.
            "/offres/1?via=pirate",
            "/offres/1",
        ] {
            let r = app.get(uri).await;
            assert_eq!(r.status, StatusCode::OK, "{backend} {uri}");
            assert!(
                r.headers.get(header::SET_COOKIE).is_none(),
                "{uri}: no cookie"
            );
        }
        let monday = chrono::NaiveDate::from_ymd_opt(2020, 1, 6).unwrap();
        let views = app.state.store.views_by_channel(monday).await.unwrap();
        assert_eq!(
            views,
            vec![("facebook".to_owned(), 1), ("whatsapp".to_owned(), 3)],
            "{backend}"
        );

        // Through Facebook's link to the form: the application keeps its channel.
        let page = app.get("/offres/1?via=facebook").await.body;
        assert!(
            page.contains("href=\"/offres/1/postuler?via=facebook\""),
            "{page}"
        );
        let (cookie, csrf) = {
            let r = app.get("/offres/1/postuler?via=facebook").await;
            assert!(
                r.body.contains("name=\"via\" value=\"facebook\""),
                "{}",
                r.body
            );
            let cookie = r.headers[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_owned();
            let at =
                r.body.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
            (cookie, r.body[at..].split('"').next().unwrap().to_owned())
        };
        let r = app
            .post_form(
                "/offres/1/postuler",
                &cookie,
                &[
                    ("csrf", csrf.as_str()),
                    ("via", "facebook"),
                    ("prenom", "Léa"),
                    ("nom", "Martin"),
                    ("email", "lea.martin@exemple.fr"),
                    ("telephone", "06 12 34 56 78"),
                    ("date_naissance", "2009-03-15"),
                    ("commune", "61293"),
                    ("mobilite", "deux_roues"),
                    (
                        "message",
                        "Je recherche un apprentissage en boulangerie, disponible dès janvier.",
                    ),
                    ("consentement", "oui"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        let since = support::now() - chrono::Duration::days(30);
        assert_eq!(
            app.state
                .store
                .applications_by_channel(since)
                .await
                .unwrap(),
            vec![("facebook".to_owned(), 1)],
            "{backend}"
        );

        let (counselor, _) = app.session(Role::Conseiller, None).await;
        let dashboard = app.get_as("/gestion", &counselor).await.body;
        let at = dashboard
            .find("<h2 id=\"diffusion\">")
            .expect("a Diffusion section");
        let section = &dashboard[at..];
        assert!(
            section.contains("<th scope=\"row\">WhatsApp</th><td data-label=\"Offres ouvertes\">3</td><td data-label=\"Candidatures\">0</td>")
                && section.contains("<th scope=\"row\">Facebook</th><td data-label=\"Offres ouvertes\">2</td><td data-label=\"Candidatures\">1</td>"),
            "{backend}: {section}"
        );
    }
}
