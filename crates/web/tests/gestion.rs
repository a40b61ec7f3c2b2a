//! The back office: signing in, who may do what, CSRF, throttling, and a counselor's week.

mod support;

use axum::http::{StatusCode, header};
use support::{TestApp, backends, offer};
use tremplin_domain::OfferStatus;
use tremplin_storage::Role;

#[tokio::test]
async fn signing_in_and_out() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (email, password) = app.user(Role::Conseiller, None).await;
        let (cookie, token) = app.login_form().await;

        for (who, pw) in [
            (email.as_str(), "mauvais mot de passe"),
            ("personne@ml-test.example", "peu importe"),
        ] {
            let r = app
                .post_form(
                    "/connexion",
                    &cookie,
                    &[("email", who), ("password", pw), ("csrf", &token)],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            assert!(
                r.body.contains("E-mail ou mot de passe incorrect."),
                "the same message whether the account exists or not"
            );
        }

        let r = app
            .post_form(
                "/connexion",
                &cookie,
                &[
                    ("email", &email.to_uppercase()),
                    ("password", &password),
                    ("csrf", &token),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/gestion");
        let set: Vec<String> = r
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let session = set
            .iter()
            .find(|c| c.starts_with("tremplin_session="))
            .unwrap();
        assert!(
            session.contains("HttpOnly") && session.contains("SameSite=Lax"),
            "{session}"
        );
        assert!(
            session.contains("Secure"),
            "the test site is https: {session}"
        );
        let cookie = session.split(';').next().unwrap().to_owned();
        assert_eq!(
            app.get_as("/gestion", &cookie).await.status,
            StatusCode::OK,
            "{backend}"
        );

        let page = app.get_as("/gestion", &cookie).await.body;
        let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
        let csrf = &page[at..at + 64];
        assert_eq!(
            app.post_form("/deconnexion", &cookie, &[("csrf", "faux")])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post_form("/deconnexion", &cookie, &[("csrf", csrf)])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            app.get_as("/gestion", &cookie).await.status,
            StatusCode::SEE_OTHER,
            "the session is gone"
        );

        let log = app.state.store.audit_log(10).await.unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "déconnexion",
                "connexion",
                "connexion refusée",
                "connexion refusée"
            ]
        );
    }
}

#[tokio::test]
async fn login_needs_its_csrf_token() {
    let app = TestApp::new("sqlite").await;
    let (email, password) = app.user(Role::Admin, None).await;
    let (cookie, _) = app.login_form().await;
    let r = app
        .post_form(
            "/connexion",
            &cookie,
            &[
                ("email", &email),
                ("password", &password),
                ("csrf", "autre"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            "/connexion",
            "",
            &[("email", &email), ("password", &password), ("csrf", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Le formulaire a expiré"));
}

#[tokio::test]
async fn repeated_failures_slow_down_that_account_from_that_address() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (email, password) = app.user(Role::Conseiller, None).await;
        let (cookie, token) = app.login_form().await;
        for _ in 0..3 {
            let r = app
                .post_form(
                    "/connexion",
                    &cookie,
                    &[("email", &email), ("password", "non"), ("csrf", &token)],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        // Even the right password waits now, without saying whether it was right.
        let r = app
            .post_form(
                "/connexion",
                &cookie,
                &[("email", &email), ("password", &password), ("csrf", &token)],
            )
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{backend}");
        assert_eq!(r.headers.get(header::RETRY_AFTER).unwrap(), "1");
        assert!(r.body.contains("patientez 1 seconde avant de réessayer"));
        // Another account from the same address is still fine (under the per-address limit).
        let (other, other_pw) = app.user(Role::Admin, None).await;
        app.login(&other, &other_pw).await;
    }
}

/// Every back-office route, for every role and for anonymous visitors.
#[tokio::test]
async fn authorization_matrix() {
    let app = TestApp::with_catalogue("sqlite").await;
    let partner_org = "Partenaire A";
    let (partner, _) = app.session(Role::Partenaire, Some(partner_org)).await;
    let (counselor, _) = app.session(Role::Conseiller, None).await;
    let (admin, _) = app.session(Role::Admin, None).await;
    // Offer 1 belongs to nobody (counselor's); a partner offer for the partner's scope.
    let org = app.state.store.organisation_id(partner_org).await.unwrap();
    let meta = tremplin_storage::OfferMeta {
        organisation_id: org,
        user_id: None,
        validated: false,
    };
    let own = app
        .state
        .store
        .upsert_offer_as(
            &offer("own", "Offre du partenaire", "61214"),
            OfferStatus::AValider,
            &meta,
            support::now(),
        )
        .await
        .unwrap()
        .0;

    const ANON: u16 = 303;
    // (route, anonymous, partner, counselor, admin)
    let matrix: Vec<(String, [u16; 4])> = vec![
        ("/gestion".into(), [ANON, 200, 200, 200]),
        ("/gestion/offres".into(), [ANON, 200, 200, 200]),
        (
            "/gestion/offres?statut=publiee".into(),
            [ANON, 200, 200, 200],
        ),
        ("/gestion/offres/nouvelle".into(), [ANON, 200, 200, 200]),
        ("/gestion/offres/1".into(), [ANON, 404, 200, 200]),
        (format!("/gestion/offres/{own}"), [ANON, 200, 200, 200]),
        ("/gestion/edition".into(), [ANON, 403, 200, 200]),
        ("/gestion/semaine".into(), [ANON, 403, 200, 200]),
        ("/gestion/entreprises".into(), [ANON, 403, 200, 200]),
        (
            "/gestion/entreprises/nouvelle".into(),
            [ANON, 403, 200, 200],
        ),
        ("/gestion/entreprises/1".into(), [ANON, 403, 200, 200]),
        ("/gestion/utilisateurs".into(), [ANON, 403, 403, 200]),
        ("/gestion/journal".into(), [ANON, 403, 403, 200]),
        ("/gestion/jetons".into(), [ANON, 403, 403, 200]),
        ("/gestion/territoire".into(), [ANON, 403, 403, 200]),
        ("/gestion/candidatures".into(), [ANON, 403, 200, 200]),
        ("/gestion/personnes".into(), [ANON, 403, 403, 200]),
        (
            "/gestion/candidatures/nouvelle".into(),
            [ANON, 403, 200, 200],
        ),
        ("/gestion/candidatures/1/cv".into(), [ANON, 403, 404, 404]),
        ("/gestion/offres/1/modifier".into(), [ANON, 404, 200, 200]),
        (
            format!("/gestion/offres/{own}/modifier"),
            [ANON, 200, 200, 200],
        ),
    ];
    for (route, expected) in &matrix {
        let got = [
            app.get(route).await.status.as_u16(),
            app.get_as(route, &partner).await.status.as_u16(),
            app.get_as(route, &counselor).await.status.as_u16(),
            app.get_as(route, &admin).await.status.as_u16(),
        ];
        assert_eq!(
            &got, expected,
            "{route}: anonyme, partenaire, conseiller, admin"
        );
    }
    let r = app.get("/gestion/offres").await;
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        "/connexion?suite=%2Fgestion%2Foffres"
    );

    // State-changing routes: anonymous visitors are sent to sign in, wrong roles refused.
    for route in [
        "/gestion/offres",
        "/gestion/offres/1/action",
        "/gestion/edition/publier",
        "/deconnexion",
        "/gestion/entreprises",
        "/gestion/entreprises/1/appels",
        "/gestion/jetons",
        "/gestion/jetons/1/revoquer",
        "/gestion/utilisateurs",
        "/gestion/utilisateurs/1",
        "/gestion/territoire",
        "/gestion/offres/1/modifier",
        "/gestion/candidatures/1",
        "/gestion/candidatures/nouvelle",
        "/gestion/personnes/export",
        "/gestion/personnes/effacer",
    ] {
        assert_eq!(
            app.post_form(route, "", &[("csrf", "x")]).await.status,
            StatusCode::SEE_OTHER,
            "{route}"
        );
    }
    let (partner_cookie, partner_csrf) = app.session(Role::Partenaire, Some(partner_org)).await;
    let (counselor_cookie, counselor_csrf) = app.session(Role::Conseiller, None).await;
    for (route, cookie, csrf) in [
        ("/gestion/entreprises", &partner_cookie, &partner_csrf),
        (
            "/gestion/entreprises/1/appels",
            &partner_cookie,
            &partner_csrf,
        ),
        ("/gestion/jetons", &partner_cookie, &partner_csrf),
        ("/gestion/jetons", &counselor_cookie, &counselor_csrf),
        (
            "/gestion/jetons/1/revoquer",
            &counselor_cookie,
            &counselor_csrf,
        ),
        ("/gestion/utilisateurs", &counselor_cookie, &counselor_csrf),
        (
            "/gestion/utilisateurs/1",
            &counselor_cookie,
            &counselor_csrf,
        ),
        ("/gestion/territoire", &counselor_cookie, &counselor_csrf),
        ("/gestion/territoire", &partner_cookie, &partner_csrf),
        ("/gestion/utilisateurs", &partner_cookie, &partner_csrf),
        ("/gestion/utilisateurs/1", &partner_cookie, &partner_csrf),
        ("/gestion/jetons/1/revoquer", &partner_cookie, &partner_csrf),
    ] {
        let fields = [
            ("csrf", csrf.as_str()),
            ("outcome", "refus"),
            ("siret", "12345678000014"),
            ("organisation", "1"),
            ("label", "x"),
        ];
        assert_eq!(
            app.post_form(route, cookie, &fields).await.status,
            StatusCode::FORBIDDEN,
            "{route}"
        );
    }
    let r = app
        .post_form(
            "/gestion/edition/publier",
            &partner_cookie,
            &[("csrf", &partner_csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            "/gestion/offres/1/action",
            &partner_cookie,
            &[("csrf", &partner_csrf), ("action", "retirer")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "another organisation's offer"
    );
    let r = app
        .post_form(
            &format!("/gestion/offres/{own}/action"),
            &partner_cookie,
            &[("csrf", &partner_csrf), ("action", "publier")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "partners cannot publish");
    assert!(r.body.contains("partenaire ne peut pas publier"));
    assert_eq!(
        app.state
            .store
            .get_offer(own)
            .await
            .unwrap()
            .unwrap()
            .status,
        OfferStatus::AValider
    );
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_change_nothing() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let r = app
        .post_form(
            "/gestion/offres/1/action",
            &cookie,
            &[("csrf", "0".repeat(64).as_str()), ("action", "retirer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.state.store.get_offer(1).await.unwrap().unwrap().status,
        OfferStatus::Publiee
    );
    let r = app
        .post_form(
            "/gestion/offres/1/action",
            &cookie,
            &[("action", "retirer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            "/gestion/offres/1/action",
            &cookie,
            &[("csrf", &csrf), ("action", "retirer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.state.store.get_offer(1).await.unwrap().unwrap().status,
        OfferStatus::Retiree
    );
}

#[tokio::test]
async fn a_counselors_week_from_the_form_to_the_thursday_edition() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let good = [
            ("csrf", csrf.as_str()),
            ("title", "Couvreur·se zingueur·se"),
            (
                "description",
                "Pose et réparation de toitures en ardoise et en zinc, avec un compagnon expérimenté.",
            ),
            ("rome_code", "F1610"),
            ("company_name", "Toitures du Perche (fictive)"),
            ("commune_code", "61293"),
            ("contract_type", "apprentissage"),
            ("target_diploma_level", "3"),
            ("contact_phone", "02 61 91 22 33"),
            ("rqth", "oui"),
        ];
        // A bad field: a clear message, nothing stored.
        let mut bad = good.to_vec();
        bad[5] = ("commune_code", "99999");
        let r = app.post_form("/gestion/offres", &cookie, &bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body
                .contains("Aucune commune n&#39;a le code INSEE 99999.")
                || r.body.contains("Aucune commune n'a le code INSEE 99999."),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("value=\"Couvreur·se zingueur·se\""),
            "what was typed is kept"
        );
        assert_eq!(
            app.state.store.current_revision().await.unwrap(),
            0,
            "{backend}: nothing stored"
        );

        let r = app.post_form("/gestion/offres", &cookie, &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let location = r
            .headers
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
        let stored = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(stored.status, OfferStatus::AValider);
        assert!(
            stored.validated_at.is_some(),
            "a counselor's offer is ready for Thursday"
        );
        assert!(stored.fields.rqth);
        let page = app.get_as(&location, &cookie).await.body;
        assert!(
            page.contains("Offre créée") && page.contains("(validée pour jeudi)"),
            "{page}"
        );

        // Not public before the edition.
        app.sync().await;
        assert!(
            !app.get("/offres?q=couvreur")
                .await
                .body
                .contains("Couvreur·se")
        );
        let preview = app.get_as("/gestion/edition", &cookie).await.body;
        assert!(
            preview.contains("Nouvelles offres (1)") && preview.contains("Couvreur·se zingueur·se"),
            "{preview}"
        );

        let r = app
            .post_form("/gestion/edition/publier", &cookie, &[("csrf", &csrf)])
            .await;
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/editions/1");
        app.sync().await;
        assert!(
            app.get("/offres?q=couvreur")
                .await
                .body
                .contains("Couvreur·se zingueur·se"),
            "{backend}"
        );
        let archive = app.get("/editions/1").await;
        assert!(
            archive.body.contains("Nouvelles offres (1)")
                && archive.body.contains(&format!("/offres/{id}"))
        );
        assert!(app.get("/editions").await.body.contains("Édition n° 1"));
        assert_eq!(app.get("/editions/2").await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn partners_propose_counselors_validate() {
    let app = TestApp::new("sqlite").await;
    let (partner, partner_csrf) = app
        .session(Role::Partenaire, Some("France Travail L'Aigle"))
        .await;
    let r = app
        .post_form(
            "/gestion/offres",
            &partner,
            &[
                ("csrf", partner_csrf.as_str()),
                ("title", "Vendeur·se en boulangerie"),
                (
                    "description",
                    "Accueil et conseil des clients, mise en place de la vitrine, encaissement.",
                ),
                ("rome_code", "D1106"),
                ("company_name", "Boulangerie fictive"),
                ("commune_code", "61214"),
                ("contract_type", "apprentissage"),
                ("contact_email", "recrutement@boulangerie.example"),
                ("publier", "maintenant"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let o = app.state.store.get_offer(id).await.unwrap().unwrap();
    assert_eq!(
        (o.status, o.validated_at),
        (OfferStatus::AValider, None),
        "a partner cannot publish, even by asking"
    );
    assert!(
        app.state
            .store
            .edition_preview()
            .await
            .unwrap()
            .entries
            .is_empty(),
        "not validated: not in the next edition"
    );

    let (counselor, csrf) = app.session(Role::Conseiller, None).await;
    app.post_form(
        &format!("/gestion/offres/{id}/action"),
        &counselor,
        &[("csrf", &csrf), ("action", "valider")],
    )
    .await;
    assert_eq!(
        app.state
            .store
            .edition_preview()
            .await
            .unwrap()
            .of_kind(&tremplin_storage::EntryKind::New)
            .len(),
        1
    );
}

#[tokio::test]
async fn the_server_publishes_the_due_edition_itself_once_even_after_downtime() {
    for backend in backends() {
        // The clock says Thursday 26 November 2026, 11:00 in Paris: 09:00's edition is due.
        let app = TestApp::new(backend).await;
        app.store(offer("v", "Offre validée", "61214"), OfferStatus::AValider)
            .await;
        let first = tremplin_web::services::editions::tick(&app.state)
            .await
            .unwrap()
            .expect("due edition published");
        assert_eq!(first.number, 1);
        assert_eq!(first.slot, "2026-11-26T09:00:00+01:00");
        assert_eq!(first.entries.len(), 1);
        // Another round, or another instance: nothing more.
        assert!(
            tremplin_web::services::editions::tick(&app.state)
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        assert_eq!(app.state.store.editions(10).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn phoning_the_network_a_call_then_an_offer_in_under_a_minute() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let company = [
            ("csrf", csrf.as_str()),
            ("siret", "123 456 780 00014"),
            ("name", "Charpentes du Perche (fictive)"),
            ("naf", "43.91a"),
            ("commune_code", "61293"),
            ("contact_name", "Paul Martin"),
            ("contact_phone", "02 61 91 44 55"),
        ];
        let mut bad = company.to_vec();
        bad[1] = ("siret", "12345678000015");
        let r = app.post_form("/gestion/entreprises", &cookie, &bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body.contains("la clé de contrôle ne correspond pas"),
            "{}",
            r.body
        );

        let r = app
            .post_form("/gestion/entreprises", &cookie, &company)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = r
            .headers
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let r = app
            .post_form("/gestion/entreprises", &cookie, &company)
            .await;
        assert!(
            r.body
                .contains("déjà ce SIRET : Charpentes du Perche (fictive)"),
            "duplicates are refused by SIRET"
        );

        // A call to return needs a date; nothing is stored without it.
        let calls = format!("{page}/appels");
        let r = app
            .post_form(
                &calls,
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("outcome", "rappeler"),
                    ("notes", "Absent"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("Indiquez quand rappeler."));
        let r = app
            .post_form(
                &calls,
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("outcome", "rappeler"),
                    ("next_call_on", "2026-11-26"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let week = app.get_as("/gestion/semaine", &cookie).await.body;
        assert!(
            week.contains("Appels à passer (1)") && week.contains("Charpentes du Perche"),
            "{backend}: {week}"
        );

        // The offer collected on the phone: the form arrives with the company filled in.
        let r = app
            .post_form(
                &calls,
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("outcome", "offre_recueillie"),
                    ("notes", "Un apprenti charpentier"),
                ],
            )
            .await;
        let next = r
            .headers
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            next.starts_with("/gestion/offres/nouvelle?entreprise="),
            "{next}"
        );
        let form = app.get_as(&next, &cookie).await.body;
        assert!(
            form.contains("value=\"Charpentes du Perche (fictive)\"")
                && form.contains("value=\"12345678000014\"")
                && form.contains("value=\"61293\""),
            "{form}"
        );
        let detail = app.get_as(&page, &cookie).await.body;
        assert!(detail.contains("Offre recueillie") && detail.contains("Un apprenti charpentier"));
        assert!(
            !app.get_as("/gestion/semaine", &cookie)
                .await
                .body
                .contains("Appels à passer (1)"),
            "the last call no longer asks to call back"
        );
    }
}

#[tokio::test]
async fn confirming_an_offer_by_phone_renews_it_and_logs_the_call() {
    let app = TestApp::new("sqlite").await;
    let mut o = offer("old", "Offre ancienne", "61214");
    o.siret = Some(tremplin_domain::Siret::parse("12345678000014").unwrap());
    let id = app.store(o, OfferStatus::Publiee).await;
    // Published and last verified 30 days before the test clock: due for confirmation.
    app.state
        .store
        .set_published_at(id, support::now() - chrono::Duration::days(30))
        .await
        .unwrap();
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let week = app.get_as("/gestion/semaine", &cookie).await.body;
    assert!(
        week.contains("Offres à confirmer avant jeudi (1)"),
        "{week}"
    );
    let r = app
        .post_form(
            &format!("/gestion/offres/{id}/action"),
            &cookie,
            &[("csrf", &csrf), ("action", "confirmer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.state.store.get_offer(id).await.unwrap().unwrap();
    assert_eq!(stored.verified_at, Some(support::now()));
    let company = app
        .state
        .store
        .company(stored.company_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        company.calls[0].outcome,
        tremplin_domain::network::CallOutcome::OffreConfirmee
    );
    assert!(
        app.get_as("/gestion/semaine", &cookie)
            .await
            .body
            .contains("Offres à confirmer avant jeudi (0)")
    );
}

#[tokio::test]
async fn admins_issue_and_revoke_api_tokens() {
    let app = TestApp::new("sqlite").await;
    let org = app
        .state
        .store
        .add_organisation(
            "France Travail",
            tremplin_storage::OrganisationKind::Partenaire,
            support::now(),
        )
        .await
        .unwrap();
    let (admin, csrf) = app.session(Role::Admin, None).await;
    let r = app
        .post_form(
            "/gestion/jetons",
            &admin,
            &[
                ("csrf", &csrf),
                ("organisation", &org.to_string()),
                ("label", "import nocturne"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let start = r.body.find("<code class=\"token\">").unwrap() + "<code class=\"token\">".len();
    let token = r.body[start..start + 64].to_owned();
    assert!(
        !app.get_as("/gestion/jetons", &admin)
            .await
            .body
            .contains(&token),
        "shown once only"
    );
    assert_eq!(
        app.json("DELETE", "/api/v1/offers/1", Some(&token), "")
            .await
            .status,
        StatusCode::NOT_FOUND,
        "the token works"
    );
    let listed = app.state.store.api_tokens().await.unwrap();
    assert!(listed[0].last_used_at.is_some());
    app.post_form(
        &format!("/gestion/jetons/{}/revoquer", listed[0].id),
        &admin,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(
        app.json("DELETE", "/api/v1/offers/1", Some(&token), "")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let log: Vec<String> = app
        .state
        .store
        .audit_log(5)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(log[..2], ["jeton révoqué", "jeton créé"]);
}

#[tokio::test]
async fn the_dashboard_draws_the_weeks_in_svg_with_the_figures_as_text() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let r = app
            .post_form(
                "/gestion/entreprises",
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("siret", "12345678000014"),
                    ("name", "Garage fictif"),
                    ("commune_code", "61214"),
                ],
            )
            .await;
        let company = r
            .headers
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        app.post_form(
            &format!("{company}/appels"),
            &cookie,
            &[("csrf", &csrf), ("outcome", "pas_de_besoin")],
        )
        .await;
        let page = app.get_as("/gestion", &cookie).await.body;
        assert!(
            page.contains("<strong>1</strong> nouvelles offres depuis lundi"),
            "{backend}: {page}"
        );
        assert!(page.contains("<strong>1</strong> appels depuis lundi"));
        assert!(
            page.contains("<strong>3</strong> publiées")
                && page.contains("<strong>1</strong> à valider"),
            "{page}"
        );
        assert_eq!(page.matches("<svg role=\"img\"").count(), 2);
        assert!(page.contains("Offres publiées par semaine, selon leur origine (3 en six mois)"));
        assert!(page.contains("Appels par semaine, selon leur issue (1 en six mois)"));
        assert!(
            page.contains("<title>Semaine du 23/11 : 1 Pas de besoin</title>"),
            "{page}"
        );
        assert!(
            page.contains("<th scope=\"row\">23/11</th>"),
            "the table alternative"
        );
        assert!(
            !page.contains("style=\""),
            "no inline style: the CSP forbids it"
        );
        // Partners see their counts, not the Mission Locale's charts.
        let (partner, _) = app.session(Role::Partenaire, Some("P")).await;
        assert!(
            !app.get_as("/gestion", &partner)
                .await
                .body
                .contains("<svg role=\"img\"")
        );
    }
}

#[tokio::test]
async fn editing_an_offer_keeps_who_changed_what() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let form = app.get_as("/gestion/offres/1/modifier", &cookie).await.body;
        assert!(
            form.contains("value=\"Boulanger/Boulangère\"") && form.contains("value=\"61214\""),
            "{form}"
        );
        let mut fields: Vec<(&str, String)> = vec![
            ("title", "Boulanger·ère de tradition".into()),
            (
                "description",
                "Pétrissage, façonnage et cuisson du pain au levain, au fournil dès 5 h.".into(),
            ),
            ("rome_code", "D1102".into()),
            ("company_name", "Entreprise Fictive".into()),
            ("commune_code", "61214".into()),
            ("contract_type", "apprentissage".into()),
            ("target_diploma_level", "3".into()),
            ("diploma_label", "CAP Boulanger".into()),
            ("duration_months", "24".into()),
            ("contact_email", "contact@entreprise.example".into()),
            ("csrf", csrf.clone()),
        ];
        let mut bad = fields.clone();
        bad[4].1 = "000".into();
        let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app
            .post_form("/gestion/offres/1/modifier", &cookie, &pairs)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            app.state
                .store
                .get_offer(1)
                .await
                .unwrap()
                .unwrap()
                .fields
                .title,
            "Boulanger/Boulangère"
        );

        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app
            .post_form("/gestion/offres/1/modifier", &cookie, &pairs)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = app.get_as("/gestion/offres/1", &cookie).await.body;
        assert!(
            page.contains("Modifiée : description, intitulé"),
            "{backend}: {page}"
        );
        assert!(
            page.contains("intitulé : « Boulanger/Boulangère » → « Boulanger·ère de tradition »")
        );
        assert!(page.contains("conseiller"), "who");
        app.sync().await;
        assert!(
            app.get("/offres/1")
                .await
                .body
                .contains("Boulanger·ère de tradition"),
            "the catalogue follows"
        );

        let (partner, partner_csrf) = app.session(Role::Partenaire, Some("P")).await;
        fields.last_mut().unwrap().1 = partner_csrf;
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            app.post_form("/gestion/offres/1/modifier", &partner, &pairs)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        app.state
            .store
            .set_offer_status(1, OfferStatus::Retiree, support::now())
            .await
            .unwrap();
        assert_eq!(
            app.get_as("/gestion/offres/1/modifier", &cookie)
                .await
                .status,
            StatusCode::BAD_REQUEST
        );
    }
}

#[tokio::test]
async fn admins_change_roles_and_territory_settings_and_it_is_logged() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (admin, csrf) = app.session(Role::Admin, None).await;
        let (email, password) = app.user(Role::Conseiller, None).await;
        let victim_session = app.login(&email, &password).await;
        let users = app.state.store.users().await.unwrap();
        let victim = users.iter().find(|u| u.email == email).unwrap().id;
        let me = users.iter().find(|u| u.role == Role::Admin).unwrap().id;

        let r = app
            .post_form(
                &format!("/gestion/utilisateurs/{me}"),
                &admin,
                &[("csrf", &csrf), ("role", "conseiller"), ("active", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "no self-demotion");
        let r = app
            .post_form(
                &format!("/gestion/utilisateurs/{victim}"),
                &admin,
                &[("csrf", &csrf), ("role", "partenaire")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "a partner needs an organisation"
        );
        let r = app
            .post_form(
                &format!("/gestion/utilisateurs/{victim}"),
                &admin,
                &[("csrf", &csrf), ("role", "admin")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let u = app
            .state
            .store
            .users()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.id == victim)
            .unwrap();
        assert_eq!((u.role, u.active), (Role::Admin, false), "{backend}");
        assert_eq!(
            app.get_as("/gestion", &victim_session).await.status,
            StatusCode::SEE_OTHER,
            "deactivated: signed out"
        );
        let (cookie, token) = app.login_form().await;
        let r = app
            .post_form(
                "/connexion",
                &cookie,
                &[("email", &email), ("password", &password), ("csrf", &token)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "and cannot sign in");
        let log = app.state.store.audit_log(20).await.unwrap();
        assert!(
            log.iter().any(|e| e.action == "rôle modifié"
                && e.detail == format!("{email} : conseiller → admin, désactivé")),
            "{log:?}"
        );
        let page = app.get_as("/gestion/utilisateurs", &admin).await.body;
        assert!(page.contains(&format!("{email} (désactivé)")));

        let r = app
            .post_form(
                "/gestion/territoire",
                &admin,
                &[
                    ("csrf", &csrf),
                    ("weekday", "2"),
                    ("time", "25:00"),
                    ("reverify_weeks", "4"),
                    ("start_tolerance_days", "30"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = app
            .post_form(
                "/gestion/territoire",
                &admin,
                &[
                    ("csrf", &csrf),
                    ("weekday", "2"),
                    ("time", "14:30"),
                    ("reverify_weeks", "6"),
                    ("start_tolerance_days", "15"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let t = app.state.store.territory().await.unwrap().unwrap();
        assert_eq!(
            (
                t.publication_weekday,
                t.publication_time.format("%H:%M").to_string(),
                t.reverify_weeks,
                t.start_tolerance_days
            ),
            (2, "14:30".to_owned(), 6, 15)
        );
        assert!(
            app.get_as("/gestion", &admin)
                .await
                .body
                .contains("Prochaine édition : mardi 1 décembre à 14:30"),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn companies_not_called_since_a_date() {
    let app = TestApp::new("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    for (siret, name) in [("12345678000014", "Appelée"), ("73282932000074", "Oubliée")] {
        app.post_form(
            "/gestion/entreprises",
            &cookie,
            &[
                ("csrf", &csrf),
                ("siret", siret),
                ("name", name),
                ("commune_code", "61214"),
            ],
        )
        .await;
    }
    let id = app
        .state
        .store
        .companies(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Appelée")
        .unwrap()
        .id;
    app.post_form(
        &format!("/gestion/entreprises/{id}/appels"),
        &cookie,
        &[("csrf", &csrf), ("outcome", "pas_de_besoin")],
    )
    .await;
    let page = app
        .get_as("/gestion/entreprises?depuis=2026-11-01", &cookie)
        .await
        .body;
    assert!(
        page.contains("Oubliée") && !page.contains(">Appelée<"),
        "{page}"
    );
    assert_eq!(
        app.get_as("/gestion/entreprises?depuis=hier", &cookie)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn an_offer_seen_on_a_social_network_waits_for_verification() {
    let app = TestApp::new("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let r = app
        .post_form(
            "/gestion/offres",
            &cookie,
            &[
                ("csrf", csrf.as_str()),
                ("title", "Serveur·se en salle"),
                ("description", "Annonce vue sur la page d'un restaurant : service du midi, contrat en alternance."),
                ("rome_code", "G1803"),
                ("company_name", "Restaurant fictif"),
                ("commune_code", "61214"),
                ("contract_type", "apprentissage"),
                ("contact_phone", "02 61 91 55 66"),
                ("source_url", "https://reseau-social.example/restaurant/posts/42"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let o = app.state.store.get_offer(id).await.unwrap().unwrap();
    assert_eq!(o.fields.source.kind, tremplin_domain::SourceKind::Veille);
    assert_eq!(
        (o.status, o.validated_at),
        (OfferStatus::AValider, None),
        "not in Thursday's edition until verified"
    );
}
