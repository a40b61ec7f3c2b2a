//! Opting in and out: the application form, the follow-up page, a minor's guardian, bad input.

use axum::http::{StatusCode, header};
use tremplin_storage::Role;

use crate::support::{TestApp, backends, outbox, text};
use crate::*;

#[tokio::test]
async fn opting_in_on_the_form_suggests_a_pair_and_the_mise_en_relation_writes_through_the_counselor()
 {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let form_page = app.get("/offres/1/postuler").await.body;
        assert!(form_page.contains("tes coordonnées ne sont jamais données directement"));
        let r = apply(
            &app,
            "Lucas",
            "lucas@exemple.fr",
            "0611111111",
            "61214",
            "2004-05-09",
            OPT_IN,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        // Nobody to pair with yet; an application without the box ticked changes nothing.
        apply(
            &app,
            "Zoé",
            "zoe@exemple.fr",
            "0633333333",
            "61342",
            "2003-02-02",
            &[],
        )
        .await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let page = app.get_as("/gestion/covoiturage", &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Aucune paire"), "{backend}");
        let r = apply(
            &app,
            "Manon",
            "manon@exemple.fr",
            "0622222222",
            "61342",
            "2005-01-23",
            OPT_IN,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        let page = app.get_as("/gestion/covoiturage", &cookie).await;
        let b = &page.body;
        for shown in [
            "Lucas F.",
            "Manon F.",
            "Aigle",
            "Rai",
            "entreprise à L",
            "4 km",
        ] {
            assert!(b.contains(shown), "{backend}: {shown} missing in {b}");
        }
        assert!(!b.contains("Zoé"), "{backend}: not opted in");
        for contact in [
            "lucas@exemple.fr",
            "manon@exemple.fr",
            "0611111111",
            "0622222222",
        ] {
            assert!(!b.contains(contact), "{backend}: {contact} shown");
        }
        let seen = outbox(&app, dir.path()).await;
        let (a, bb) = first_pair(b);
        let r = app
            .post_form(
                "/gestion/covoiturage/mises-en-relation",
                &cookie,
                &[("csrf", &csrf), ("a", &a), ("b", &bb)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let mails: Vec<String> = outbox(&app, dir.path())
            .await
            .into_iter()
            .filter(|m| !seen.contains(m))
            .collect();
        assert_eq!(mails.len(), 2, "{backend}: one mail each side");
        let counselor = app
            .state
            .store
            .users()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.role == Role::Conseiller)
            .unwrap()
            .email;
        for mail in &mails {
            let t = text(mail);
            let (me, other, other_name) = if t.contains("To: lucas@exemple.fr") {
                ("lucas", "manon", "Manon")
            } else {
                assert!(t.contains("To: manon@exemple.fr"), "{backend}: {t}");
                ("manon", "lucas", "Lucas")
            };
            assert!(
                t.contains(&counselor),
                "{backend}: the counselor's address: {t}"
            );
            assert!(
                !t.contains(&format!("{other}@exemple.fr")),
                "{backend} {me}: {t}"
            );
            assert!(
                !t.contains("0611111111") && !t.contains("0622222222"),
                "{t}"
            );
            assert!(!t.contains(other_name), "{backend}: the other's name: {t}");
            assert!(t.contains("va au même endroit"), "{t}");
        }
        // Suggested once: the pair is gone, and a second click changes nothing.
        let page = app.get_as("/gestion/covoiturage", &cookie).await;
        assert!(page.body.contains("Aucune paire"), "{backend}");
        let r = app
            .post_form(
                "/gestion/covoiturage/mises-en-relation",
                &cookie,
                &[("csrf", &csrf), ("a", &a), ("b", &bb)],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(r.body.contains("plus proposée"));
        assert_eq!(
            outbox(&app, dir.path()).await.len(),
            seen.len() + 2,
            "{backend}"
        );
    }
}

#[tokio::test]
async fn the_follow_up_page_withdraws_and_opts_in_again_and_retirer_sets_a_pair_aside() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let r = apply(
            &app,
            "Lucas",
            "lucas@exemple.fr",
            "0611111111",
            "61214",
            "2004-05-09",
            OPT_IN,
        )
        .await;
        let follow = follow_link(&r.body);
        apply(
            &app,
            "Manon",
            "manon@exemple.fr",
            "0622222222",
            "61342",
            "2005-01-23",
            OPT_IN,
        )
        .await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        assert!(
            app.get_as("/gestion/covoiturage", &cookie)
                .await
                .body
                .contains("Manon F.")
        );
        let page = app.get(&follow).await;
        assert!(
            page.body.contains("Tu es inscrit·e au covoiturage"),
            "{backend}: {}",
            page.body
        );
        let r = app
            .post_form(
                &format!("{follow}/covoiturage"),
                "",
                &[("action", "retirer")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}");
        let page = app.get(&follow).await;
        assert!(
            page.body.contains("Tu n'es pas inscrit·e au covoiturage"),
            "{backend}"
        );
        // Withdrawn people vanish from the suggestions; the application stays.
        assert!(
            app.get_as("/gestion/covoiturage", &cookie)
                .await
                .body
                .contains("Aucune paire")
        );
        assert_eq!(app.get(&follow).await.status, StatusCode::OK);
        let r = app
            .post_form(
                &format!("{follow}/covoiturage"),
                "",
                &[("action", "inscrire")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}");
        assert!(
            app.get(&follow)
                .await
                .body
                .contains("Tu es inscrit·e au covoiturage")
        );
        let page = app.get_as("/gestion/covoiturage", &cookie).await;
        assert!(page.body.contains("Lucas F."), "{backend}: back");
        // « Retirer »: the suggestion is set aside, nobody is written to.
        let (waiting, _) = app.state.store.mail_counts().await.unwrap();
        let (a, b) = first_pair(&page.body);
        let r = app
            .post_form(
                "/gestion/covoiturage/retirer",
                &cookie,
                &[("csrf", &csrf), ("a", &a), ("b", &b)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}");
        assert!(
            app.get_as("/gestion/covoiturage", &cookie)
                .await
                .body
                .contains("Aucune paire")
        );
        assert_eq!(app.state.store.mail_counts().await.unwrap().0, waiting);
        // Withdrawing the application erases its opt-ins with it.
        app.post_form(&follow, "", &[("confirmer", "oui")]).await;
        assert_eq!(
            app.state.store.active_carpool_optins().await.unwrap().len(),
            1
        );
    }
}

#[tokio::test]
async fn a_minor_needs_the_guardian_agreement_refused_in_french_and_nothing_stored() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let dir = tempfile::tempdir().unwrap();
        for extra in [
            vec![("covoiturage", "oui")],
            vec![
                ("covoiturage", "oui"),
                ("covoiturage_parent_email", "parent@exemple.fr"),
            ],
            vec![("covoiturage", "oui"), ("covoiturage_accord_parent", "oui")],
            vec![
                ("covoiturage", "oui"),
                ("covoiturage_parent_email", "pas un e-mail"),
                ("covoiturage_accord_parent", "oui"),
            ],
        ] {
            let r = apply(
                &app,
                "Léa",
                "lea@exemple.fr",
                "0644444444",
                "61342",
                "2009-03-15",
                &extra,
            )
            .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {extra:?}");
            assert!(
                r.body.contains("Votre candidature n'est pas partie"),
                "{backend}"
            );
            assert!(!r.body.contains("Internal"), "{backend}");
            assert!(
                app.state.store.applications(10).await.unwrap().is_empty(),
                "{backend}"
            );
            assert!(
                app.state
                    .store
                    .active_carpool_optins()
                    .await
                    .unwrap()
                    .is_empty()
            );
        }
        let r = apply(
            &app,
            "Léa",
            "lea@exemple.fr",
            "0644444444",
            "61342",
            "2009-03-15",
            &[("covoiturage", "oui")],
        )
        .await;
        assert!(r.body.contains("moins de 18 ans"), "{backend}: {}", r.body);
        let r = apply(
            &app,
            "Léa",
            "lea@exemple.fr",
            "0644444444",
            "61342",
            "2009-03-15",
            &[
                ("covoiturage", "oui"),
                ("covoiturage_parent_email", "Parent.Lea@exemple.fr"),
                ("covoiturage_accord_parent", "oui"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        let follow = follow_link(&r.body);
        let stored = app.state.store.active_carpool_optins().await.unwrap();
        assert_eq!(stored.len(), 1);
        assert!(stored[0].minor && stored[0].guardian_agreed_at.is_some());
        assert_eq!(
            stored[0].guardian_email.as_deref(),
            Some("parent.lea@exemple.fr")
        );
        // Re-opting in from the follow-up page asks the guardian again.
        app.post_form(
            &format!("{follow}/covoiturage"),
            "",
            &[("action", "retirer")],
        )
        .await;
        let r = app
            .post_form(
                &format!("{follow}/covoiturage"),
                "",
                &[("action", "inscrire")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(r.body.contains("moins de 18 ans"));
        assert!(
            app.state
                .store
                .active_carpool_optins()
                .await
                .unwrap()
                .is_empty()
        );
        let r = app
            .post_form(
                &format!("{follow}/covoiturage"),
                "",
                &[
                    ("action", "inscrire"),
                    ("covoiturage_parent_email", "parent.lea@exemple.fr"),
                    ("covoiturage_accord_parent", "oui"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}");
        // Put in touch with an adult: the minor's mail goes to the guardian.
        apply(
            &app,
            "Lucas",
            "lucas@exemple.fr",
            "0611111111",
            "61214",
            "2004-05-09",
            OPT_IN,
        )
        .await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let page = app.get_as("/gestion/covoiturage", &cookie).await;
        assert!(page.body.contains("(mineur·e)"), "{backend}");
        let seen = outbox(&app, dir.path()).await;
        let (a, b) = first_pair(&page.body);
        app.post_form(
            "/gestion/covoiturage/mises-en-relation",
            &cookie,
            &[("csrf", &csrf), ("a", &a), ("b", &b)],
        )
        .await;
        let mails: Vec<String> = outbox(&app, dir.path())
            .await
            .into_iter()
            .filter(|m| !seen.contains(m))
            .map(|m| text(&m))
            .collect();
        assert_eq!(mails.len(), 2);
        assert!(
            mails
                .iter()
                .any(|m| m.contains("To: parent.lea@exemple.fr") && m.contains("Votre enfant"))
        );
        assert!(
            !mails.iter().any(|m| m.contains("To: lea@exemple.fr")),
            "{backend}"
        );
        assert!(
            !mails
                .iter()
                .any(|m| m.contains("Léa") && m.contains("To: lucas@")),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn bad_input_gets_a_french_message_never_a_500() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        for (a, b) in [
            ("", ""),
            ("abc", "1"),
            ("1", "1"),
            ("99999999999999999999", "2"),
            ("7", "8"),
        ] {
            for route in [
                "/gestion/covoiturage/mises-en-relation",
                "/gestion/covoiturage/retirer",
            ] {
                let r = app
                    .post_form(route, &cookie, &[("csrf", &csrf), ("a", a), ("b", b)])
                    .await;
                assert_eq!(
                    r.status,
                    StatusCode::BAD_REQUEST,
                    "{backend} {route} {a} {b}"
                );
                assert!(r.body.contains("paire"), "{backend}: {}", r.body);
            }
        }
        let r = apply(
            &app,
            "Lucas",
            "lucas@exemple.fr",
            "0611111111",
            "61214",
            "2004-05-09",
            OPT_IN,
        )
        .await;
        let follow = follow_link(&r.body);
        for body in [
            "action=%FF%FE",
            "action=inscrire&covoiturage_parent_email=%00",
            "====",
            "",
        ] {
            let r = app
                .raw(
                    axum::http::Request::post(format!("{follow}/covoiturage"))
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(axum::body::Body::from(body))
                        .unwrap(),
                )
                .await;
            assert!(r.status.as_u16() < 500, "{backend}: {body} → {}", r.status);
        }
        assert!(
            app.post_form("/c/inconnu/covoiturage", "", &[("action", "retirer")])
                .await
                .status
                .is_client_error()
        );
        // A counselor's form on a record: bad CFA, no destination, bad dates, a minor without
        // the guardian.
        let young = record(&app, "2009-03-15").await;
        let cfa = cfa(&app).await;
        let route = format!("/gestion/jeunes/{young}/covoiturage");
        for fields in [
            vec![
                ("cfa", "abc"),
                ("debut", "2026-09-01"),
                ("fin", "2028-08-31"),
            ],
            vec![
                ("cfa", "999"),
                ("debut", "2026-09-01"),
                ("fin", "2028-08-31"),
            ],
            vec![("debut", "2026-09-01"), ("fin", "2028-08-31")],
            vec![
                ("entreprise", "Zzzyxville"),
                ("debut", "2026-09-01"),
                ("fin", "2028-08-31"),
            ],
            vec![
                ("cfa", cfa.as_str()),
                ("debut", "hier"),
                ("fin", "2028-08-31"),
            ],
            vec![
                ("cfa", cfa.as_str()),
                ("debut", "2028-09-01"),
                ("fin", "2026-08-31"),
            ],
            vec![
                ("cfa", cfa.as_str()),
                ("debut", "2026-09-01"),
                ("fin", "2028-08-31"),
            ],
            vec![
                ("cfa", cfa.as_str()),
                ("debut", "2026-09-01"),
                ("fin", "2028-08-31"),
                ("parent_email", "p@exemple.fr"),
            ],
        ] {
            let mut all = vec![("csrf", csrf.as_str()), ("action", "inscrire")];
            all.extend(fields.iter().copied());
            let r = app.post_form(&route, &cookie, &all).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {fields:?}");
            assert!(
                r.body.contains("covoiturage-erreur"),
                "{backend}: {fields:?}"
            );
        }
        assert_eq!(
            app.state.store.active_carpool_optins().await.unwrap().len(),
            1
        );
        let r = app
            .post_form(
                &route,
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("action", "inscrire"),
                    ("cfa", &cfa),
                    ("debut", "2026-09-01"),
                    ("fin", "2028-08-31"),
                    ("parent_email", "parent@exemple.fr"),
                    ("accord_parent", "oui"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let page = app
            .get_as(&format!("/gestion/jeunes/{young}"), &cookie)
            .await;
        assert!(
            page.body.contains("accord du parent enregistré"),
            "{backend}"
        );
        app.post_form(&route, &cookie, &[("csrf", &csrf), ("action", "retirer")])
            .await;
        let page = app
            .get_as(&format!("/gestion/jeunes/{young}"), &cookie)
            .await;
        assert!(
            page.body.contains("Pas inscrit·e au covoiturage"),
            "{backend}"
        );
    }
}
