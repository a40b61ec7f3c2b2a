//! Offers in the back office: created, validated, edited with their history, seen on a social
//! network.

use crate::support::{TestApp, backends};
use axum::http::{StatusCode, header};
use tremplin_domain::OfferStatus;
use tremplin_storage::Role;

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
            r.body.contains("Nous ne trouvons pas la commune « 99999 »"),
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
        // The page the form leads to says it was saved, once, and the status in plain words.
        let saved = r.headers[header::SET_COOKIE].to_str().unwrap();
        assert!(
            saved.starts_with(&format!("offre_enregistree={id};")),
            "{saved}"
        );
        let with_flash = format!("{cookie}; offre_enregistree={id}");
        let r = app.get_as(&location, &with_flash).await;
        assert!(r.body.contains("<p>Offre enregistrée.</p>"), "{}", r.body);
        assert!(
            r.headers[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
        let page = app.get_as(&location, &cookie).await.body;
        assert!(!page.contains("Offre enregistrée."));
        assert!(
            page.contains("Offre créée")
                && page.contains("validée : sera publiée jeudi 3 décembre"),
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
async fn editing_an_offer_keeps_who_changed_what() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let form = app.get_as("/gestion/offres/1/modifier", &cookie).await.body;
        assert!(
            form.contains("value=\"Boulanger/Boulangère\"")
                && form.contains("value=\"L&#39;Aigle (61300)\""),
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
            .set_offer_status(1, OfferStatus::Retiree, crate::support::now())
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

/// A partner edits an offer not validated yet while a counselor reads it: the counselor's
/// "Valider" applies to the version read, so it is refused and the new one must be read first.
#[tokio::test]
async fn a_counselor_validates_the_version_read_not_a_newer_one() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (partner, partner_csrf) = app.session(Role::Partenaire, Some("Partenaire A")).await;
        let fields =
            |title: &'static str| {
                vec![
                ("csrf", partner_csrf.clone()),
                ("title", title.to_owned()),
                (
                    "description",
                    "Accueil et conseil des clients, mise en place de la vitrine, encaissement."
                        .to_owned(),
                ),
                ("rome_code", "D1106".to_owned()),
                ("company_name", "Boulangerie fictive".to_owned()),
                ("commune_code", "61214".to_owned()),
                ("contract_type", "apprentissage".to_owned()),
                ("contact_email", "recrutement@boulangerie.example".to_owned()),
            ]
            };
        let form = fields("Vendeur·se en boulangerie");
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post_form("/gestion/offres", &partner, &pairs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let path = r.headers[header::LOCATION].to_str().unwrap().to_owned();

        let (counselor, csrf) = app.session(Role::Conseiller, None).await;
        let page = app.get_as(&path, &counselor).await.body;
        let at =
            page.find("name=\"version\" value=\"").unwrap() + "name=\"version\" value=\"".len();
        let read = page[at..].split('"').next().unwrap().to_owned();

        // Meanwhile the partner changes it (not validated yet: applied at once).
        let form = fields("Vendeur·se — lien de candidature changé");
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app
            .post_form(&format!("{path}/modifier"), &partner, &pairs)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);

        let action = format!("{path}/action");
        let r = app
            .post_form(
                &action,
                &counselor,
                &[("csrf", &csrf), ("action", "valider"), ("version", &read)],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            r.body.contains("Cette offre a changé depuis que vous l"),
            "{}",
            r.body
        );
        let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
        let o = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(o.validated_at, None, "{backend}: nothing validated");

        // Read again, then validated.
        let page = app.get_as(&path, &counselor).await.body;
        let at =
            page.find("name=\"version\" value=\"").unwrap() + "name=\"version\" value=\"".len();
        let read = page[at..].split('"').next().unwrap().to_owned();
        let r = app
            .post_form(
                &action,
                &counselor,
                &[("csrf", &csrf), ("action", "valider"), ("version", &read)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let o = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert!(o.validated_at.is_some(), "{backend}");
    }
}

/// The list shows the newest hundred offers a page, with links to the others, the filter kept;
/// a page that is not one is refused in French.
#[tokio::test]
async fn the_offers_list_comes_in_pages_of_a_hundred() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, _) = app.session(Role::Conseiller, None).await;
        let template = app
            .store(
                crate::support::offer("p0", "Boulanger/Boulangère", "61214"),
                OfferStatus::Publiee,
            )
            .await;
        tremplin_storage::testing::copy_offer(&app.state.store, template, 149, "p")
            .await
            .unwrap();
        let ids = |body: &str| -> Vec<String> {
            body.split("<td data-label=\"Offre\"><a href=\"/gestion/offres/")
                .skip(1)
                .map(|s| s.split('"').next().unwrap().to_owned())
                .collect()
        };
        let first = app.get_as("/gestion/offres", &cookie).await;
        assert_eq!(first.status, StatusCode::OK, "{backend}");
        assert_eq!(ids(&first.body).len(), 100, "{backend}");
        assert!(first.body.contains("href=\"/gestion/offres?page=2\""));
        assert!(!first.body.contains("Offres plus récentes"));
        let second = app.get_as("/gestion/offres?page=2", &cookie).await;
        let (a, b) = (ids(&first.body), ids(&second.body));
        assert_eq!(b.len(), 50, "{backend}");
        assert!(
            b.iter().all(|id| !a.contains(id)),
            "{backend}: no offer twice"
        );
        assert!(second.body.contains("href=\"/gestion/offres?page=1\""));
        assert!(!second.body.contains("Offres plus anciennes"));
        let filtered = app.get_as("/gestion/offres?statut=publiee", &cookie).await;
        assert!(
            filtered
                .body
                .replace("&#38;", "&")
                .contains("href=\"/gestion/offres?statut=publiee&page=2\""),
            "{backend}: the filter stays"
        );
        for bad in ["abc", "0", "501"] {
            let r = app
                .get_as(&format!("/gestion/offres?page={bad}"), &cookie)
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend} {bad}");
            assert!(r.body.contains("inconnue"), "{backend} {bad}: {}", r.body);
        }
    }
}
