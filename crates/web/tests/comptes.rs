//! Accounts by email: invitations and forgotten passwords, through the persistent outbox.

mod support;

use axum::http::{StatusCode, header};
use support::{TestApp, backends};
use tremplin_storage::Role;

fn link(eml: &str, path: &str) -> String {
    // Quoted-printable may cut long lines with "=\r\n".
    let flat = eml.replace("=\r\n", "").replace("=3D", "=");
    let start = flat
        .find(&format!("https://tremplin.example{path}"))
        .expect("link in the mail")
        + "https://tremplin.example".len();
    flat[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_admin_invites_a_counselor_who_sets_a_password() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let outbox = tempfile::tempdir().unwrap();
        let (admin, csrf) = app.session(Role::Admin, None).await;
        let r = app
            .post_form(
                "/gestion/utilisateurs",
                &admin,
                &[
                    ("csrf", &csrf),
                    ("email", "Nouvelle@ML-test.example"),
                    ("role", "conseiller"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body
                .contains("Invitation envoyée à Nouvelle@ml-test.example"),
            "{}",
            r.body
        );
        for (email, role, needle) in [
            ("admin0@ml-test.example", "conseiller", "existe déjà"),
            (
                "p@ft.example",
                "partenaire",
                "appartenir à une organisation",
            ),
            ("pas-un-email", "conseiller", "adresse e-mail valide"),
        ] {
            let r = app
                .post_form(
                    "/gestion/utilisateurs",
                    &admin,
                    &[("csrf", &csrf), ("email", email), ("role", role)],
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{email}");
            assert!(r.body.contains(needle), "{email}: {}", r.body);
        }

        let mails = support::outbox(&app, outbox.path()).await;
        assert_eq!(
            mails.len(),
            1,
            "{backend}: one invitation, the refused ones sent nothing"
        );
        assert!(mails[0].contains("To: Nouvelle@ml-test.example"));
        let path = link(&mails[0], "/invitation/");
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Nouvelle@ml-test.example"));

        let r = app
            .post_form(
                &path,
                "",
                &[
                    ("password", "un mot de passe solide"),
                    ("confirmation", "un autre"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("pas identiques"));
        let r = app
            .post_form(
                &path,
                "",
                &[
                    ("password", "un mot de passe solide"),
                    ("confirmation", "un mot de passe solide"),
                ],
            )
            .await;
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/connexion?ok=1");
        let cookie = app
            .login("nouvelle@ml-test.example", "un mot de passe solide")
            .await;
        assert!(
            app.get_as("/gestion/semaine", &cookie).await.status == StatusCode::OK,
            "a counselor now"
        );
        assert_eq!(
            app.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "the link works once"
        );
    }
}

#[tokio::test]
async fn a_forgotten_password_by_a_link_that_expires_and_ends_other_sessions() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let outbox = tempfile::tempdir().unwrap();
        let (email, password) = app.user(Role::Conseiller, None).await;
        let old_session = app.login(&email, &password).await;

        let form = app.get("/mot-de-passe-oublie").await;
        let cookie = form
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let csrf = cookie.split_once('=').unwrap().1.to_owned();
        let same = "Si un compte existe pour cette adresse, nous venons d&#39;y envoyer un lien valable une heure.";
        for who in ["inconnu@ml-test.example", email.as_str()] {
            let r = app
                .post_form(
                    "/mot-de-passe-oublie",
                    &cookie,
                    &[("csrf", &csrf), ("email", who)],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(
                r.body.contains(same) || r.body.contains(&same.replace("&#39;", "'")),
                "the same answer either way: {}",
                r.body
            );
        }
        let mails = support::outbox(&app, outbox.path()).await;
        assert_eq!(
            mails.len(),
            1,
            "{backend}: only the real account gets a mail"
        );
        let path = link(&mails[0], "/reinitialisation/");
        let r = app
            .post_form(
                &path,
                "",
                &[("password", "court"), ("confirmation", "court")],
            )
            .await;
        assert!(r.body.contains("au moins 12 caractères"));
        let r = app
            .post_form(
                &path,
                "",
                &[
                    ("password", "une nouvelle phrase secrète"),
                    ("confirmation", "une nouvelle phrase secrète"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.get_as("/gestion", &old_session).await.status,
            StatusCode::SEE_OTHER,
            "old sessions end"
        );
        app.login(&email, "une nouvelle phrase secrète").await;
        assert_eq!(
            app.post_form(
                &path,
                "",
                &[
                    ("password", "encore une autre phrase"),
                    ("confirmation", "encore une autre phrase")
                ]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );

        // Three requests an hour per address, then a pause.
        for _ in 0..2 {
            app.post_form(
                "/mot-de-passe-oublie",
                &cookie,
                &[("csrf", &csrf), ("email", &email)],
            )
            .await;
        }
        let r = app
            .post_form(
                "/mot-de-passe-oublie",
                &cookie,
                &[("csrf", &csrf), ("email", &email)],
            )
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            app.post_form("/mot-de-passe-oublie", "", &[("email", &email)])
                .await
                .status,
            StatusCode::FORBIDDEN,
            "CSRF"
        );
    }
}
