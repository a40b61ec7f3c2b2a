//! The counselor's week: whom to call, confirming with a call record (and undoing it), the
//! call-backs of the coming days, the never-called filter by name, the company page in Paris
//! time. The edition's leaving offers and the rest of the week: `semaine_edition.rs`.

use axum::http::{StatusCode, header};
use chrono::{Duration, NaiveDate};
use tremplin_domain::lifecycle::{Action, Actor};
use tremplin_domain::network::{CallInput, CallOutcome};
use tremplin_domain::{OfferStatus, Siret};
use tremplin_storage::Role;

use crate::support::{TestApp, backends, now, offer};

pub(super) fn location(r: &crate::support::Reply) -> String {
    r.headers
        .get(header::LOCATION)
        .unwrap_or_else(|| panic!("no redirect: {} {}", r.status, r.body))
        .to_str()
        .unwrap()
        .to_owned()
}

/// A company of the network with a named contact; returns its page.
pub(super) async fn company(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    siret: &str,
    name: &str,
    naf: &str,
    commune: &str,
) -> String {
    let r = app
        .post_form(
            "/gestion/entreprises",
            cookie,
            &[
                ("csrf", csrf),
                ("siret", siret),
                ("name", name),
                ("naf", naf),
                ("commune_code", commune),
                ("contact_name", "Paul Martin"),
                ("contact_role", "gérant"),
                ("contact_phone", "02 61 91 44 55"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    location(&r)
}

/// An offer of that company, published and last confirmed 30 days ago: due for a call.
pub(super) async fn due_offer(app: &TestApp, siret: &str, title: &str) -> i64 {
    let mut o = offer(title, title, "61293");
    o.siret = Some(Siret::parse(siret).unwrap());
    let id = app.store(o, OfferStatus::Publiee).await;
    app.state
        .store
        .set_published_at(id, now() - Duration::days(30))
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn ma_semaine_says_whom_to_call_and_a_confirmation_is_a_call_record_that_can_be_undone() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        company(
            &app,
            &cookie,
            &csrf,
            "12345678000014",
            "Charpentes du Perche",
            "43.91A",
            "61293",
        )
        .await;
        let id = due_offer(&app, "12345678000014", "Apprenti charpentier").await;
        let before = app.state.store.get_offer(id).await.unwrap().unwrap();

        let week = app.get_as("/gestion/semaine", &cookie).await.body;
        assert!(
            week.contains("Paul Martin (gérant)") && week.contains("href=\"tel:+33261914455\""),
            "{backend}: whom to call, with a tel: link: {week}"
        );
        let form_link = format!("/gestion/semaine/confirmer/{id}");
        assert!(week.contains(&form_link), "{week}");

        // The call record opens prefilled: outcome "confirmée", a note naming the contact.
        let form = app.get_as(&form_link, &cookie).await.body;
        assert!(
            form.contains("value=\"offre_confirmee\" checked")
                && form.contains("Offre « Apprenti charpentier » confirmée au téléphone avec Paul Martin (gérant)"),
            "{form}"
        );
        // A bad date changes nothing and says why, the form kept.
        let r = app
            .post_form(
                &form_link,
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("outcome", "offre_confirmee"),
                    ("notes", "Vu"),
                    ("next_call_on", "demain"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            app.state.store.get_offer(id).await.unwrap().unwrap(),
            before
        );

        let r = app
            .post_form(
                &form_link,
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("outcome", "offre_confirmee"),
                    ("notes", "Toujours d'actualité, rappeler jeudi"),
                    ("next_call_on", "2026-12-03"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let back = location(&r);
        assert!(
            back.starts_with(&format!("/gestion/semaine?confirmee={id}&appel=")),
            "{back}"
        );
        let stored = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(
            (stored.status, stored.verified_at),
            (OfferStatus::Publiee, Some(now()))
        );
        let calls = app
            .state
            .store
            .company(stored.company_id)
            .await
            .unwrap()
            .unwrap()
            .calls;
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].outcome, CallOutcome::OffreConfirmee);
        assert_eq!(calls[0].notes, "Toujours d'actualité, rappeler jeudi");

        // Back on the week: the message, its "Annuler", and Thursday's call-back under Thursday.
        let week = app
            .get_as(back.split('#').next().unwrap(), &cookie)
            .await
            .body;
        assert!(
            week.contains("« Apprenti charpentier » est confirmée"),
            "{week}"
        );
        assert!(
            week.contains("action=\"/gestion/semaine/annuler\""),
            "{week}"
        );
        assert!(
            week.contains("jeudi 3 décembre (1)") && week.contains("Charpentes du Perche"),
            "{week}"
        );
        assert!(
            week.contains("Offres à confirmer avant jeudi (0)"),
            "{week}"
        );

        let call = back
            .split("appel=")
            .nth(1)
            .unwrap()
            .split('#')
            .next()
            .unwrap()
            .to_owned();
        let r = app
            .post_form(
                "/gestion/semaine/annuler",
                &cookie,
                &[("csrf", "faux"), ("appel", &call)],
            )
            .await;
        assert_ne!(
            r.status,
            StatusCode::SEE_OTHER,
            "no undo without the form's token"
        );
        let r = app
            .post_form(
                "/gestion/semaine/annuler",
                &cookie,
                &[("csrf", &csrf), ("appel", &call)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let undone = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(
            (undone.status, undone.verified_at),
            (before.status, before.verified_at)
        );
        assert!(
            undone.revision > stored.revision,
            "the index sees the change"
        );
        assert!(
            app.state
                .store
                .company(stored.company_id)
                .await
                .unwrap()
                .unwrap()
                .calls
                .is_empty()
        );
        let week = app
            .get_as(location(&r).split('#').next().unwrap(), &cookie)
            .await
            .body;
        assert!(
            week.contains("Confirmation annulée")
                && week.contains("Offres à confirmer avant jeudi (1)"),
            "{week}"
        );
        // Twice: nothing left to undo, said plainly.
        let r = app
            .post_form(
                "/gestion/semaine/annuler",
                &cookie,
                &[("csrf", &csrf), ("appel", &call)],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body.contains("pas (ou plus) de confirmation à annuler"),
            "{}",
            r.body
        );
    }
}

#[tokio::test]
async fn an_undo_is_refused_once_the_offer_moved_on() {
    let app = TestApp::new("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    company(
        &app,
        &cookie,
        &csrf,
        "12345678000014",
        "Charpentes",
        "43.91A",
        "61293",
    )
    .await;
    let id = due_offer(&app, "12345678000014", "Charpentier").await;
    let r = app
        .post_form(
            &format!("/gestion/semaine/confirmer/{id}"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("outcome", "offre_confirmee"),
                ("notes", "ok"),
            ],
        )
        .await;
    let call = location(&r)
        .split("appel=")
        .nth(1)
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .to_owned();
    app.state
        .store
        .apply_offer_action(id, Action::Pourvoir, Actor::Conseiller, None, now())
        .await
        .unwrap();
    let r = app
        .post_form(
            "/gestion/semaine/annuler",
            &cookie,
            &[("csrf", &csrf), ("appel", &call)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("L&#39;offre a changé depuis"), "{}", r.body);
    assert_eq!(
        app.state.store.get_offer(id).await.unwrap().unwrap().status,
        OfferStatus::Pourvue
    );
}

#[tokio::test]
async fn the_calls_of_the_coming_week_are_grouped_by_day_overdue_first() {
    let app = TestApp::new("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    // Today is Thursday 26 November 2026 (Paris).
    for (siret, name, on) in [
        ("12345678000014", "Entreprise en retard", "2026-11-20"),
        ("73282932000074", "Entreprise de ce jour", "2026-11-26"),
        ("55208131766522", "Entreprise du lundi", "2026-11-30"),
        ("44306184100047", "Entreprise du jeudi", "2026-12-03"),
        ("41400000000011", "Entreprise de plus tard", "2026-12-20"),
    ] {
        let page = company(&app, &cookie, &csrf, siret, name, "10.71C", "61214").await;
        let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
        let call = CallInput {
            outcome: CallOutcome::Rappeler,
            notes: String::new(),
            next_call_on: Some(day(on)),
        };
        app.state
            .store
            .record_call(id, &call, None, now() - Duration::days(10))
            .await
            .unwrap();
    }
    let week = app.get_as("/gestion/semaine", &cookie).await.body;
    let at = |s: &str| {
        week.find(s)
            .unwrap_or_else(|| panic!("« {s} » missing: {week}"))
    };
    assert!(week.contains("Appels à passer cette semaine (4)"), "{week}");
    assert!(at("En retard (1)") < at("Entreprise en retard"));
    assert!(at("Entreprise en retard") < at("Aujourd&#39;hui, jeudi 26 novembre (1)"));
    assert!(at("Aujourd&#39;hui, jeudi 26 novembre (1)") < at("Entreprise de ce jour"));
    assert!(at("Entreprise de ce jour") < at("lundi 30 novembre (1)"));
    assert!(at("lundi 30 novembre (1)") < at("Entreprise du lundi"));
    assert!(at("Entreprise du lundi") < at("jeudi 3 décembre (1)"));
    assert!(at("jeudi 3 décembre (1)") < at("Entreprise du jeudi"));
    assert!(
        !week.contains("Entreprise de plus tard"),
        "beyond the week: {week}"
    );
}

#[tokio::test]
async fn the_never_called_filter_takes_a_sector_and_a_commune_by_name() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        company(
            &app,
            &cookie,
            &csrf,
            "12345678000014",
            "Boulangerie du Perche",
            "10.71C",
            "61293",
        )
        .await;
        company(
            &app,
            &cookie,
            &csrf,
            "73282932000074",
            "Garage de L'Aigle",
            "45.20A",
            "61214",
        )
        .await;
        let week = app.get_as("/gestion/semaine", &cookie).await.body;
        assert!(
            week.contains("<option value=\"10\">10 – Industries alimentaires</option>")
                && week.contains("45 – Commerce et réparation d&#39;automobiles et de motocycles")
                && !week.contains("Code INSEE"),
            "{backend}: {week}"
        );
        let page = |q: &str| {
            let q = q.to_owned();
            let app = &app;
            let cookie = cookie.clone();
            async move { app.get_as(&format!("/gestion/semaine?{q}"), &cookie).await }
        };
        let r = page("secteur=10").await.body;
        assert!(
            r.contains("Boulangerie du Perche") && !r.contains("Garage de L&#39;Aigle"),
            "{r}"
        );
        let r = page("commune=l%27aigle").await.body;
        assert!(
            !r.contains("Boulangerie du Perche") && r.contains("Garage de L&#39;Aigle"),
            "{r}"
        );
        let r = page("secteur=10&commune=Mortagne-au-Perche").await.body;
        assert!(r.contains("Boulangerie du Perche"), "{r}");
        let r = page("secteur=45&commune=Mortagne-au-Perche").await.body;
        assert!(
            !r.contains("Boulangerie du Perche") && !r.contains("Garage de L&#39;Aigle"),
            "{r}"
        );
        // A name several communes carry: a choice, never a guess.
        let r = page("commune=Beaulieu").await.body;
        assert!(
            r.contains("Plusieurs communes s'appellent « Beaulieu »")
                && r.contains("commune=Beaulieu%20%28"),
            "{r}"
        );
        let r = page("commune=Zzyzxville").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(
            r.body
                .contains("Aucune commune ne correspond à « Zzyzxville »"),
            "{}",
            r.body
        );
        let r = page("secteur=00").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body.contains("n&#39;est pas un secteur de la liste"),
            "{}",
            r.body
        );
        // The company list takes the same filters.
        let r = app
            .get_as(
                "/gestion/entreprises?secteur=45&commune=L%27Aigle%20%2861300%29",
                &cookie,
            )
            .await
            .body;
        assert!(
            r.contains("Garage de L&#39;Aigle") && !r.contains("Boulangerie du Perche"),
            "{r}"
        );
    }
}

#[tokio::test]
async fn the_company_page_lists_its_offers_and_confirms_a_recorded_call_in_paris_time() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let page = company(
            &app,
            &cookie,
            &csrf,
            "12345678000014",
            "Charpentes",
            "43.91A",
            "61293",
        )
        .await;
        let open = due_offer(&app, "12345678000014", "Charpentier ouvert").await;
        let filled = due_offer(&app, "12345678000014", "Couvreur pourvu").await;
        app.state
            .store
            .apply_offer_action(filled, Action::Pourvoir, Actor::Conseiller, None, now())
            .await
            .unwrap();
        let r = app
            .post_form(
                &format!("{page}/appels"),
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("outcome", "pas_de_besoin"),
                    ("notes", "Rien ce mois-ci"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let after = location(&r);
        assert!(after.starts_with(&format!("{page}?")), "{after}");
        let body = app
            .get_as(after.split('#').next().unwrap(), &cookie)
            .await
            .body;
        assert!(body.contains("Appel enregistré"), "{backend}: {body}");
        assert!(
            !app.get_as(&page, &cookie)
                .await
                .body
                .contains("Appel enregistré"),
            "only right after"
        );
        let open_at = body.find("Offres ouvertes (1)").expect("open offers");
        let past_at = body.find("Offres passées (1)").expect("past offers");
        let a = body.find(&format!("/gestion/offres/{open}\"")).unwrap();
        let b = body.find(&format!("/gestion/offres/{filled}\"")).unwrap();
        assert!(open_at < a && a < past_at && past_at < b, "{body}");
        // 10:00 UTC on 26 November is 11:00 in Paris.
        assert!(
            body.contains("26/11/2026 11:00") && !body.contains("26/11/2026 10:00"),
            "{body}"
        );
        let history = app
            .get_as(&format!("/gestion/offres/{filled}"), &cookie)
            .await
            .body;
        assert!(history.contains("26/11/2026 11:00"), "{history}");
    }
}
