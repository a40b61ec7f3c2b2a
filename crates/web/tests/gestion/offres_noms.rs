//! The offer form names the métier and the commune (issue 11): "boulanger" and "Mortagne" are
//! understood, with a choice step without JavaScript when they are ambiguous.

use crate::support::{TestApp, backends};
use axum::http::{StatusCode, header};
use tremplin_storage::Role;

fn offer<'a>(csrf: &'a str, metier: &'a str, commune: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", "Boulanger·ère en alternance"),
        (
            "description",
            "Fabrication du pain et des viennoiseries, au fournil avec le maître boulanger.",
        ),
        ("rome_code", metier),
        ("company_name", "Fournil du Perche (fictif)"),
        ("commune_code", commune),
        ("contract_type", "apprentissage"),
        ("target_diploma_level", "3"),
        ("contact_phone", "02 33 00 00 00"),
    ]
}

fn unescape(s: &str) -> String {
    s.replace("&#39;", "'").replace("&#38;", "&")
}

#[tokio::test]
async fn a_counselor_names_the_metier_and_the_commune() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let form = app.get_as("/gestion/offres/nouvelle", &cookie).await;
        assert!(
            form.body.contains("<label for=\"rome_code\">Métier"),
            "{}",
            form.body
        );
        assert!(form.body.contains("data-suggest=\"metiers\""));
        assert!(
            form.body
                .contains("<label for=\"commune_code\">Commune du poste")
        );
        assert!(!form.body.contains("Code INSEE"));

        // "boulanger" and "Mortagne": the métier is understood, the commune needs a choice.
        let r = app
            .post_form(
                "/gestion/offres",
                &cookie,
                &offer(&csrf, "boulanger", "Mortagne"),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        let body = unescape(&r.body);
        assert!(
            body.contains("Plusieurs communes correspondent à « Mortagne »"),
            "{body}"
        );
        assert!(!body.contains("Plusieurs métiers"), "{body}");
        assert!(body.contains("<legend>Quelle commune ?</legend>"));
        let mortagne = body
            .find("name=\"commune_choisie\" value=\"Mortagne-au-Perche (61400)\"")
            .expect(&body);
        assert!(
            mortagne < body.find("Vosges (88)").unwrap(),
            "the territory first"
        );
        assert!(
            body.contains("value=\"Boulanger·ère en alternance\""),
            "what was typed is kept"
        );
        assert_eq!(
            app.state.store.current_revision().await.unwrap(),
            0,
            "nothing stored"
        );

        // The commune picked: saved with the right codes.
        let mut f = offer(&csrf, "boulanger", "Mortagne");
        f.push(("commune_choisie", "Mortagne-au-Perche (61400)"));
        let r = app.post_form("/gestion/offres", &cookie, &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id: i64 = r.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let o = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(o.fields.commune.as_str(), "61293");
        assert_eq!(o.fields.rome_codes[0].as_str(), "D1102");

        // Editing shows names, not codes, and saving them again keeps the codes.
        let edit = app
            .get_as(&format!("/gestion/offres/{id}/modifier"), &cookie)
            .await;
        let body = unescape(&edit.body);
        assert!(
            body.contains("value=\"Boulanger / Boulangère (D1102)\""),
            "{body}"
        );
        assert!(body.contains("value=\"Mortagne-au-Perche (61400)\""));
    }
}

#[tokio::test]
async fn an_ambiguous_metier_gives_a_choice_and_an_unknown_one_a_message() {
    let app = TestApp::new("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let r = app
        .post_form(
            "/gestion/offres",
            &cookie,
            &offer(&csrf, "boulang", "L'Aigle"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let body = unescape(&r.body);
    assert!(
        body.contains("Plusieurs métiers correspondent à « boulang »"),
        "{body}"
    );
    assert!(body.contains("name=\"metier_choisi\" value=\"D1102\""));
    assert!(body.contains("name=\"metier_choisi\" value=\"D1108\""));
    assert!(
        !body.contains("Plusieurs communes"),
        "L'Aigle is understood"
    );
    let mut f = offer(&csrf, "boulang", "L'Aigle");
    f.push(("metier_choisi", "D1108"));
    let r = app.post_form("/gestion/offres", &cookie, &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let r = app
        .post_form(
            "/gestion/offres",
            &cookie,
            &offer(&csrf, "astronaute lunaire", "Laigle"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(unescape(&r.body).contains("Aucun métier ne correspond à « astronaute lunaire »"));
    // The codes still work, as imports write them.
    let r = app
        .post_form("/gestion/offres", &cookie, &offer(&csrf, "D1102", "61214"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn an_offer_collected_by_phone_names_its_workplace_and_its_training_centre() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let cfa = tremplin_domain::CodeInsee::parse("61001").unwrap();
        app.state
            .store
            .save_training_centre("3IFA Alençon", &cfa, "CAP Boulanger", None)
            .await
            .unwrap();
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let before = app.state.store.current_revision().await.unwrap();
        let form = app.get_as("/gestion/offres/nouvelle", &cookie).await.body;
        assert!(
            form.contains("<label for=\"address\">Adresse du lieu de travail"),
            "{form}"
        );
        assert!(
            form.contains("<option value=\"3IFA Alençon\">3IFA Alençon</option>"),
            "{form}"
        );

        // A centre that does not exist: refused in French, nothing stored.
        let mut f = offer(&csrf, "D1102", "61293");
        f.push(("cfa", "CFA imaginaire"));
        let r = app.post_form("/gestion/offres", &cookie, &f).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
        assert!(
            unescape(&r.body).contains("Aucun centre de formation ne s'appelle « CFA imaginaire »"),
            "{}",
            r.body
        );
        assert_eq!(app.state.store.current_revision().await.unwrap(), before);

        let mut f = offer(&csrf, "D1102", "61293");
        f.push(("cfa", "3IFA Alençon"));
        f.push(("address", "12 rue du Fournil"));
        let r = app.post_form("/gestion/offres", &cookie, &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id: i64 = r.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let o = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(o.fields.cfa.as_deref(), Some("3IFA Alençon"));
        assert_eq!(o.fields.address.as_deref(), Some("12 rue du Fournil"));

        // The edit form shows both, and saving it again keeps them.
        let edit = app
            .get_as(&format!("/gestion/offres/{id}/modifier"), &cookie)
            .await
            .body;
        assert!(
            edit.contains("<option value=\"3IFA Alençon\" selected>"),
            "{edit}"
        );
        assert!(edit.contains("value=\"12 rue du Fournil\""));
        let mut f = offer(&csrf, "D1102", "61293");
        f.push(("cfa", "3IFA Alençon"));
        f.push(("address", "14 rue du Fournil"));
        let r = app
            .post_form(&format!("/gestion/offres/{id}/modifier"), &cookie, &f)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let o = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(o.fields.cfa.as_deref(), Some("3IFA Alençon"));
        assert_eq!(o.fields.address.as_deref(), Some("14 rue du Fournil"));
    }
}
