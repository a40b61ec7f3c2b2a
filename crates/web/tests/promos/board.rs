//! Promos: created with their defaults, members added, milestones in order, a contract that
//! closes its application, the board (1 sur 3, the burn-up, the members at risk on a fixed
//! clock) and the season's results.

use axum::http::StatusCode;
use tremplin_domain::application::ApplicationStatus;

use crate::Has;
use crate::support::{TestApp, backends};
use crate::{counselor, new_promo, new_record};

#[tokio::test]
async fn a_promo_of_three_with_one_contract_signed_shows_1_sur_3_and_its_results() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf, me) = counselor(&app).await;
        let form = app.get_as("/gestion/promos/nouvelle", &cookie).await.body;
        assert!(
            form.contains("value=\"2026-06-01\"") && form.contains("value=\"2026-09-30\""),
            "season by default: {form}"
        );
        // Refused in French, nothing stored.
        let r = app
            .post_form(
                "/gestion/promos",
                &cookie,
                &[("csrf", &csrf), ("nom", "P"), ("fin", "2026-13-45")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        for m in [
            "Donnez un nom",
            "n'est pas une date",
            "au moins un·e conseiller·e",
        ] {
            assert!(r.body.has(m), "{m}: {}", r.body);
        }
        assert!(app.state.store.promos().await.unwrap().is_empty());
        let promo = new_promo(&app, &cookie, &csrf, me, &[("nom", "Promo été 2026")]).await;
        let p = app.state.store.promo(promo).await.unwrap().unwrap();
        assert_eq!(p.goal_date.to_string(), "2026-09-30");
        let again = app
            .post_form(
                "/gestion/promos",
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("conseillers", &me.to_string()),
                    ("nom", "promo été 2026"),
                ],
            )
            .await;
        assert!(again.body.contains("porte déjà ce nom"), "{}", again.body);

        let promo_s = promo.to_string();
        let mut ids = Vec::new();
        for (first, email) in [
            ("Inès", "ines@example.org"),
            ("Théo", "theo@example.org"),
            ("Nour", "nour@example.org"),
        ] {
            let r = new_record(
                &app,
                &cookie,
                &csrf,
                first,
                email,
                &[("promo", &promo_s), ("conseiller", &me.to_string())],
            )
            .await;
            assert_eq!(
                r.headers.get("location").unwrap(),
                &format!("/gestion/promos/{promo}"),
                "{}",
                r.body
            );
            ids.push(
                app.state
                    .store
                    .young_people(None)
                    .await
                    .unwrap()
                    .iter()
                    .find(|y| y.first_name == first)
                    .unwrap()
                    .id,
            );
        }
        let board = app
            .get_as(&format!("/gestion/promos/{promo}"), &cookie)
            .await
            .body;
        assert!(board.contains("0 sur 3"), "{board}");

        // Inès signs, from her Tremplin application to offer 1: the loop closes.
        let application = app
            .state
            .store
            .create_application(
                1,
                &crate::application_input("ines@example.org"),
                None,
                "f",
                "e",
                None,
                crate::support::now(),
            )
            .await
            .unwrap();
        let member = format!("/gestion/promos/{promo}/membres/{}/etapes", ids[0]);
        let r = app
            .post_form(
                &member,
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("etape", "contrat_signe"),
                    ("entreprise", "Boulangerie Fictive"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body.contains("date de signature") && r.body.contains("Indiquez le CFA"),
            "{}",
            r.body
        );
        assert!(
            app.state
                .store
                .promo_milestones(promo)
                .await
                .unwrap()
                .is_empty(),
            "{backend}: nothing stored"
        );
        let r = app
            .post_form(
                &member,
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("etape", "contrat_signe"),
                    ("date", "2026-08-28"),
                    ("entreprise", "Boulangerie Fictive"),
                    ("cfa", "CFA de test"),
                    ("candidature", &application.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let a = app
            .state
            .store
            .application(application)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            a.status,
            ApplicationStatus::ContratSigne,
            "{backend}: the application says so"
        );
        let board = app
            .get_as(&format!("/gestion/promos/{promo}"), &cookie)
            .await
            .body;
        assert!(board.contains("1 sur 3"), "{board}");
        assert!(board.contains("<polyline") && board.contains("Les chiffres, semaine par semaine"));
        assert!(
            board.contains("<td data-label=\"Contrats signés\">1</td>"),
            "the table under the chart"
        );

        let results = app
            .get_as("/gestion/promos/resultats?saison=2026", &cookie)
            .await
            .body;
        assert!(
            results.contains("Promo été 2026") && results.contains("33 %"),
            "{results}"
        );
        let csv = app
            .get_as("/gestion/promos/resultats.csv?saison=2026", &cookie)
            .await
            .body;
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "saison;niveau;nom;membres;contrats_signes;taux");
        assert_eq!(lines[1], "2026;promo;Promo été 2026;3;1;33 %");
        assert!(
            lines[2].starts_with("2026;conseiller;") && lines[2].ends_with(";3;1;33 %"),
            "{}",
            lines[2]
        );
        let r = app
            .get_as("/gestion/promos/resultats?saison=abc", &cookie)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.has("n'est pas une saison"));
    }
}

#[tokio::test]
async fn milestones_keep_their_order_and_the_board_lists_who_is_at_risk_on_a_fixed_day() {
    // The clock says 26 November 2026: a winter promo from 1 November to 31 March.
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf, me) = counselor(&app).await;
    let promo = new_promo(
        &app,
        &cookie,
        &csrf,
        me,
        &[
            ("nom", "Promo d'hiver"),
            ("debut", "2026-11-01"),
            ("fin", "2027-03-31"),
            ("objectif", "2027-03-31"),
        ],
    )
    .await;
    let promo_s = promo.to_string();
    let mut ids = Vec::new();
    for first in ["Alix", "Basile", "Chloé", "Dana"] {
        let r = new_record(
            &app,
            &cookie,
            &csrf,
            first,
            &format!("{}@example.org", first.to_lowercase()),
            &[("promo", &promo_s)],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        ids.push(
            app.state
                .store
                .young_people(None)
                .await
                .unwrap()
                .iter()
                .find(|y| y.first_name == first)
                .unwrap()
                .id,
        );
    }
    let step = |who: i64| format!("/gestion/promos/{promo}/membres/{who}/etapes");
    // An interview needs an application first.
    let r = app
        .post_form(
            &step(ids[1]),
            &cookie,
            &[("csrf", &csrf), ("etape", "entretien")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Un entretien suit une candidature"));
    let r = app
        .post_form(
            &step(ids[1]),
            &cookie,
            &[
                ("csrf", &csrf),
                ("etape", "cv_pret"),
                ("date", "2026-12-25"),
            ],
        )
        .await;
    assert!(r.body.contains("dans le futur"), "{}", r.body);
    for (who, fields) in [
        (
            ids[1],
            vec![("etape", "premiere_candidature"), ("date", "2026-11-05")],
        ),
        (
            ids[2],
            vec![("etape", "premiere_candidature"), ("date", "2026-11-20")],
        ),
        (
            ids[3],
            vec![("etape", "premiere_candidature"), ("date", "2026-11-03")],
        ),
        (ids[3], vec![("etape", "entretien"), ("date", "2026-11-10")]),
        (
            ids[3],
            vec![
                ("etape", "contrat_signe"),
                ("date", "2026-11-20"),
                ("entreprise", "Ferme Fictive"),
                ("cfa", "CFA agricole"),
            ],
        ),
    ] {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields);
        let r = app.post_form(&step(who), &cookie, &all).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // The contract cannot be dated before the interview.
    let r = app
        .post_form(
            &step(ids[3]),
            &cookie,
            &[
                ("csrf", &csrf),
                ("etape", "contrat_signe"),
                ("date", "2026-11-04"),
                ("entreprise", "F"),
                ("cfa", "C"),
            ],
        )
        .await;
    assert!(
        r.body.has("daté d'avant l'étape « Entretien »"),
        "{}",
        r.body
    );

    let board = app
        .get_as(&format!("/gestion/promos/{promo}"), &cookie)
        .await
        .body;
    assert!(board.contains("1 sur 4"), "{board}");
    let risk = board
        .split("Jeunes à risque")
        .nth(1)
        .unwrap()
        .split("<h2>")
        .next()
        .unwrap();
    assert!(
        risk.contains("Alix Fictif")
            && risk.contains("Aucune candidature")
            && risk.contains("Finir le CV"),
        "{risk}"
    );
    assert!(
        risk.contains("Basile Fictif") && risk.contains("Aucun entretien"),
        "21 days without an interview: {risk}"
    );
    assert!(
        !risk.contains("Chloé") && !risk.contains("Dana"),
        "6 days only, and under contract: {risk}"
    );
    // 1 in 25 days, 150 days in the season: 6 at this pace, at most the 4 members.
    assert!(board.contains("Au rythme actuel : 4 contrats"), "{board}");

    // Taken out of the promo, with their milestones in it.
    let r = app
        .post_form(
            &format!("/gestion/promos/{promo}/membres/{}/retirer", ids[3]),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.get_as(&format!("/gestion/promos/{promo}"), &cookie)
            .await
            .body
            .contains("0 sur 3")
    );
    assert_eq!(
        app.get_as(
            &format!("/gestion/promos/{promo}/membres/{}", ids[3]),
            &cookie
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_as(&format!("/gestion/promos/{promo}/membres/x"), &cookie)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
