//! The application form takes a commune the way the search does (issue 11): a name or a
//! postcode, never an INSEE code; an ambiguous one re-shows the form with a choice.

use crate::common::{fields, form, outbox, text};
use crate::support::{TestApp, backends};
use axum::http::StatusCode;

fn with(csrf: &str, commune: &str) -> Vec<(String, String)> {
    fields(csrf)
        .into_iter()
        .map(|(k, v)| {
            (
                k.to_owned(),
                if k == "commune" { commune } else { v }.to_owned(),
            )
        })
        .collect()
}

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn employer_mail(mails: &[String]) -> String {
    text(
        mails
            .iter()
            .find(|m| m.contains("To: contact@entreprise.example"))
            .expect("a mail to the employer"),
    )
}

#[tokio::test]
async fn a_commune_typed_by_name_reaches_the_employer() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let r = app.get("/offres/1/postuler").await;
        assert!(r.body.contains("Votre commune <span class=\"req\">(obligatoire)</span> <span class=\"hint\">(nom ou code postal)</span>"));
        assert!(!r.body.contains("Code INSEE"), "{backend}");
        assert!(r.body.contains("data-suggest=\"communes\""));
        let (cookie, csrf) = form(&app, 1).await;
        let f = with(&csrf, "Mortagne-au-Perche");
        let r = app
            .post_form("/offres/1/postuler", &cookie, &pairs(&f))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        let employer = employer_mail(&outbox(&app, dir.path()).await);
        assert!(
            employer.contains("Mortagne-au-Perche (61400)"),
            "{employer}"
        );
    }
}

#[tokio::test]
async fn a_postcode_is_never_read_as_an_insee_code_and_a_shared_one_gives_a_choice() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let (cookie, csrf) = form(&app, 1).await;
        // 61400 is Mortagne's postcode (shared) and Saint-Gervais-du-Perron's INSEE code.
        let f = with(&csrf, "61400");
        let r = app
            .post_form("/offres/1/postuler", &cookie, &pairs(&f))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        let body = r.body.replace("&#39;", "'");
        assert!(
            body.contains("Plusieurs communes correspondent à « 61400 »"),
            "{body}"
        );
        assert!(body.contains("<legend>Quelle est votre commune ?</legend>"));
        assert!(
            body.contains("name=\"commune_choisie\" value=\"Mortagne-au-Perche (61400)\""),
            "{body}"
        );
        assert!(body.contains("Orne (61)"));
        assert!(
            !body.contains("Saint-Gervais-du-Perron"),
            "not a commune of 61400"
        );
        // Everything typed stays.
        assert!(body.contains("value=\"Léa\"") && body.contains("value=\"61400\""));
        assert!(body.contains("disponible dès janvier"));
        assert_eq!(
            app.state.store.mail_counts().await.unwrap(),
            (0, 0),
            "nothing sent"
        );

        // The choice made, the application leaves and names the right commune.
        let mut f = f;
        f.push((
            "commune_choisie".into(),
            "Mortagne-au-Perche (61400)".into(),
        ));
        let r = app
            .post_form("/offres/1/postuler", &cookie, &pairs(&f))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let employer = employer_mail(&outbox(&app, dir.path()).await);
        assert!(
            employer.contains("Mortagne-au-Perche (61400)"),
            "{employer}"
        );
        assert!(!employer.contains("Saint-Gervais-du-Perron"));
    }
}

#[tokio::test]
async fn an_unknown_or_missing_commune_is_explained() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf) = form(&app, 1).await;
    let f = with(&csrf, "Zzzzville");
    let r = app
        .post_form("/offres/1/postuler", &cookie, &pairs(&f))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body
            .contains("Nous ne trouvons pas la commune « Zzzzville »"),
        "{}",
        r.body
    );
    let f = with(&csrf, "");
    let r = app
        .post_form("/offres/1/postuler", &cookie, &pairs(&f))
        .await;
    assert!(
        r.body
            .contains("Indiquez votre commune : son nom ou son code postal.")
    );
    assert_eq!(app.state.store.mail_counts().await.unwrap(), (0, 0));
}
