//! The record of a young person: the form, its checks, the applications linked, applying on
//! their behalf from it, the CSV for i-milo.

use axum::http::{StatusCode, header};

use crate::Has;
use crate::support::{TestApp, backends};
use crate::{counselor, new_record, redirected_id};

#[tokio::test]
async fn a_record_is_created_from_names_and_refused_in_french_when_incomplete() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf, me) = counselor(&app).await;
        let form = app.get_as("/gestion/jeunes/nouveau", &cookie).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(
            form.body.contains("peut lire ces notes sur simple demande"),
            "the reminder"
        );
        let me_s = me.to_string();
        let forged = new_record(&app, &cookie, "0000", "Inès", "ines@example.org", &[]).await;
        assert_eq!(
            forged.status,
            StatusCode::FORBIDDEN,
            "a form without its CSRF token"
        );
        assert!(app.state.store.young_people(None).await.unwrap().is_empty());
        let r = new_record(
            &app,
            &cookie,
            &csrf,
            "Inès",
            "ines@example.org",
            &[("conseiller", &me_s), ("permis", "oui")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let id = redirected_id(&r);
        let y = app.state.store.young_person(id).await.unwrap().unwrap();
        assert_eq!(
            (
                y.commune_code.as_str(),
                y.rome_codes.as_str(),
                y.licence,
                y.counselor_id
            ),
            ("61214", "D1102", true, Some(me))
        );
        let page = app
            .get_as(&format!("/gestion/jeunes/{id}"), &cookie)
            .await
            .body;
        assert!(
            page.contains("Inès Fictif") && page.has("L'Aigle") && page.contains("Boulanger"),
            "{page}"
        );

        // A minor without a guardian, an unknown commune, a bad e-mail: nothing stored, French.
        let r = new_record(
            &app,
            &cookie,
            &csrf,
            "Théo",
            "pas-un-email",
            &[
                ("date_naissance", "2011-01-01"),
                ("commune", "Zzzyx"),
                ("conseiller", "99999"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        for message in [
            "représentant légal",
            "Nous ne trouvons pas la commune",
            "conseiller·e dans la liste",
        ] {
            assert!(r.body.has(message), "{message}: {}", r.body);
        }
        assert!(r.body.contains("value=\"Théo\""), "what was typed stays");
        assert_eq!(
            app.state.store.young_people(None).await.unwrap().len(),
            1,
            "{backend}"
        );
        // With the guardian, the minor's record goes in.
        let r = new_record(
            &app,
            &cookie,
            &csrf,
            "Théo",
            "theo@example.org",
            &[
                ("date_naissance", "2011-01-01"),
                ("tuteur_nom", "Parent Fictif"),
                ("tuteur_telephone", "0233000000"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // Edited: the form comes back with names, and the change is kept.
        let edit = app
            .get_as(&format!("/gestion/jeunes/{id}/modifier"), &cookie)
            .await
            .body;
        assert!(
            edit.contains("Boulanger / Boulangère (D1102)") || edit.contains("(D1102)"),
            "{edit}"
        );
        let r = app
            .post_form(
                &format!("/gestion/jeunes/{id}"),
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("prenom", "Inès"),
                    ("nom", "Fictif"),
                    ("date_naissance", "2005-04-02"),
                    ("telephone", "06 11 22 33 44"),
                    ("commune", "61214"),
                    ("statut", "en_contrat"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            app.state
                .store
                .young_person(id)
                .await
                .unwrap()
                .unwrap()
                .status,
            "en_contrat"
        );
        assert_eq!(
            app.get_as("/gestion/jeunes/99999", &cookie).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get_as("/gestion/jeunes/abc", &cookie).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn applications_show_on_the_record_and_applying_from_it_attaches_them() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf, _) = counselor(&app).await;
    let id =
        redirected_id(&new_record(&app, &cookie, &csrf, "Léa", "lea.martin@exemple.fr", &[]).await);
    // Léa applied on her own with the same e-mail (any case); another one with another address.
    let mut input = crate::application_input("LEA.MARTIN@exemple.fr");
    let same = app
        .state
        .store
        .create_application(1, &input, None, "f1", "e1", None, crate::support::now())
        .await
        .unwrap();
    input.email = Some(tremplin_domain::Email::parse("autre@exemple.fr").unwrap());
    let other = app
        .state
        .store
        .create_application(2, &input, None, "f2", "e2", None, crate::support::now())
        .await
        .unwrap();
    let page = app
        .get_as(&format!("/gestion/jeunes/{id}"), &cookie)
        .await
        .body;
    assert!(
        page.contains(&format!("<td data-label=\"N°\">{same}</td>")),
        "{page}"
    );
    assert!(!page.contains(&format!("<td data-label=\"N°\">{other}</td>")));
    // Attached by its number.
    let r = app
        .post_form(
            &format!("/gestion/jeunes/{id}/candidatures"),
            &cookie,
            &[("csrf", &csrf), ("candidature", "n°?")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.has("Aucune candidature n'a ce numéro"));
    let r = app
        .post_form(
            &format!("/gestion/jeunes/{id}/candidatures"),
            &cookie,
            &[("csrf", &csrf), ("candidature", &other.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app
        .get_as(&format!("/gestion/jeunes/{id}"), &cookie)
        .await
        .body;
    assert!(
        page.contains(&format!("<td data-label=\"N°\">{other}</td>")),
        "{page}"
    );

    // « Postuler pour ce·tte jeune »: the form comes prefilled, and what is sent is attached.
    let form = app
        .get_as(
            &format!("/gestion/candidatures/nouvelle?jeune={id}"),
            &cookie,
        )
        .await
        .body;
    assert!(
        form.contains("value=\"Léa\"")
            && form.contains("value=\"61214\"")
            && form.contains("value=\"2005-04-02\""),
        "{form}"
    );
    assert!(form.contains(&format!("name=\"jeune\" value=\"{id}\"")));
    assert_eq!(
        app.get_as("/gestion/candidatures/nouvelle?jeune=99999", &cookie)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let id_s = id.to_string();
    let r = app
        .post_form(
            "/gestion/candidatures/nouvelle",
            &cookie,
            &[
                ("csrf", &csrf),
                ("jeune", &id_s),
                ("prenom", "Léa"),
                ("nom", "Fictif"),
                ("telephone", "06 99 88 77 66"),
                ("commune", "61214"),
                ("date_naissance", "2005-04-02"),
                ("mobilite", "aucune"),
                ("offres", "3"),
                ("consentement", "oui"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let linked = app
        .state
        .store
        .applications_of_young_person(id)
        .await
        .unwrap();
    assert_eq!(
        linked.iter().map(|a| a.offer_id).collect::<Vec<_>>(),
        [1, 2, 3],
        "sent with another phone, attached all the same"
    );
}

#[tokio::test]
async fn the_csv_for_i_milo_has_its_documented_columns() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf, _) = counselor(&app).await;
    new_record(
        &app,
        &cookie,
        &csrf,
        "Inès",
        "ines@example.org",
        &[("notes", "Une note privée ; à ne pas exporter")],
    )
    .await;
    let r = app.get_as("/gestion/jeunes/export.csv", &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).unwrap(),
        "text/csv; charset=utf-8"
    );
    let lines: Vec<&str> = r.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "nom;prenom;date_naissance;email;telephone;representant_legal;representant_email;representant_telephone;commune_insee;commune;metiers_rome;permis_b;vehicule;conseiller;statut;tremplin_id"
    );
    assert!(
        lines[1].starts_with(
            "Fictif;Inès;02/04/2005;ines@example.org;;;;;61214;L'Aigle;D1102;non;non;;En suivi;"
        ),
        "{}",
        lines[1]
    );
    assert!(!r.body.contains("note privée"));
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/jeunes-csv.md"
    ))
    .unwrap();
    for column in lines[0].split(';') {
        assert!(doc.contains(&format!("`{column}`")), "{column} documented");
    }
}
