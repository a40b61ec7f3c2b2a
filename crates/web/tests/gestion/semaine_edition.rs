//! The rest of the counselor's week: the edition's leaving offers and their buttons, one
//! "new this week" count for the home page and the dashboard, tables as cards on a phone, and
//! the offer page's way back to its search.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use tremplin_domain::lifecycle::{Action, Actor};
use tremplin_domain::network::CallOutcome;
use tremplin_domain::{OfferStatus, StartDate};
use tremplin_storage::Role;

use super::semaine::{company, due_offer, location};
use crate::support::{TestApp, backends, now, offer};

#[tokio::test]
async fn the_edition_preview_says_why_offers_leave_and_its_buttons_keep_them() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        company(
            &app,
            &cookie,
            &csrf,
            "12345678000014",
            "Ehpad des Tilleuls",
            "87.10A",
            "61293",
        )
        .await;
        let unconfirmed = due_offer(&app, "12345678000014", "Aide-soignant·e").await;
        let mut late = offer("late", "Aide-soignant·e", "61214");
        late.company_name = "Clinique du Bocage".into();
        late.start = StartDate::On(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        let late = app.publish(late, 60).await;
        let mut filled = offer("filled", "Aide-soignant·e", "61214");
        filled.company_name = "Maison de retraite".into();
        let filled = app.publish(filled, 3).await;
        app.state
            .store
            .apply_offer_action(filled, Action::Pourvoir, Actor::Conseiller, None, now())
            .await
            .unwrap();
        // The deadlines run: 4 weeks without confirmation, a start date past by more than 30 days.
        app.state
            .store
            .apply_deadlines(
                now() - Duration::weeks(4),
                now().date_naive() - Duration::days(30),
                now(),
            )
            .await
            .unwrap();

        let page = app.get_as("/gestion/edition", &cookie).await.body;
        assert!(
            page.contains("Offres qui quittent le catalogue (3)"),
            "{backend}: {page}"
        );
        for (what, why) in [
            ("Ehpad des Tilleuls", "pas reconfirmée depuis le 27/10/2026"),
            (
                "Clinique du Bocage",
                "date de début dépassée (le 01/10/2026)",
            ),
            ("Maison de retraite", "pourvue"),
        ] {
            assert!(
                page.contains(what) && page.contains(why),
                "{what} / {why}: {page}"
            );
        }
        assert!(
            page.contains("Mortagne-au-Perche") && page.contains("L&#39;Aigle"),
            "{page}"
        );
        let confirm = format!("/gestion/edition/offres/{unconfirmed}/confirmer");
        let extend = format!("/gestion/edition/offres/{late}/prolonger");
        assert!(page.contains(&confirm) && page.contains(&extend), "{page}");
        assert!(
            !page.contains(&format!("/gestion/edition/offres/{filled}/")),
            "nothing to keep a filled offer"
        );

        // Without the form's token nothing happens.
        let r = app.post_form(&confirm, &cookie, &[("csrf", "faux")]).await;
        assert_ne!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.state
                .store
                .get_offer(unconfirmed)
                .await
                .unwrap()
                .unwrap()
                .status,
            OfferStatus::AReverifier
        );
        let r = app.post_form(&confirm, &cookie, &[("csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let o = app
            .state
            .store
            .get_offer(unconfirmed)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (o.status, o.verified_at),
            (OfferStatus::Publiee, Some(now()))
        );
        let calls = app
            .state
            .store
            .company(o.company_id)
            .await
            .unwrap()
            .unwrap()
            .calls;
        assert_eq!(calls[0].outcome, CallOutcome::OffreConfirmee);

        // A start date in the past is refused; a new one brings the offer back.
        let r = app
            .post_form(
                &extend,
                &cookie,
                &[("csrf", &csrf), ("debut", "2026-11-01")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body.contains("à partir d&#39;aujourd&#39;hui"),
            "{}",
            r.body
        );
        assert_eq!(
            app.state
                .store
                .get_offer(late)
                .await
                .unwrap()
                .unwrap()
                .status,
            OfferStatus::Expiree
        );
        let r = app
            .post_form(
                &extend,
                &cookie,
                &[("csrf", &csrf), ("debut", "2026-12-15")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let o = app.state.store.get_offer(late).await.unwrap().unwrap();
        assert_eq!(o.status, OfferStatus::Publiee);
        assert_eq!(
            o.fields.start,
            StartDate::On(NaiveDate::from_ymd_opt(2026, 12, 15).unwrap())
        );

        let page = app
            .get_as(location(&r).split('#').next().unwrap(), &cookie)
            .await
            .body;
        assert!(page.contains("est prolongée"), "{page}");
        assert!(
            page.contains("Offres qui quittent le catalogue (1)"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn home_and_dashboard_count_the_same_new_offers_and_the_home_claims_nothing_untrue() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        // Last Friday (6 days ago, before this Monday): still this week's edition.
        app.publish(offer("fri", "Offre de vendredi", "61214"), 6)
            .await;
        // Published two days ago, then withdrawn: no longer in the catalogue.
        let gone = app
            .publish(offer("gone", "Offre retirée", "61214"), 2)
            .await;
        app.state
            .store
            .apply_offer_action(gone, Action::Retirer, Actor::Conseiller, None, now())
            .await
            .unwrap();
        app.sync().await;
        let home = app.get("/").await.body;
        assert!(
            home.contains("Nouveau cette semaine <span class=\"count\">(2)</span>"),
            "{backend}: {home}"
        );
        assert!(!home.contains("vérifiées par les conseillers"), "{home}");
        let (cookie, _) = app.session(Role::Conseiller, None).await;
        let dashboard = app.get_as("/gestion", &cookie).await.body;
        assert!(
            dashboard.contains("<strong>2</strong> nouvelles offres cette semaine"),
            "{dashboard}"
        );
    }
}

#[tokio::test]
async fn back_office_tables_become_cards_on_a_phone_and_the_offer_goes_back_to_its_search() {
    let app = TestApp::with_catalogue("sqlite").await;
    let css = app.get("/assets/style.css").await.body;
    assert!(
        css.contains("td[data-label]::before") && css.contains("content: attr(data-label)"),
        "{css}"
    );
    let (cookie, _) = app.session(Role::Conseiller, None).await;
    for page in ["/gestion/offres", "/gestion/semaine", "/gestion/edition"] {
        let body = app.get_as(page, &cookie).await.body;
        for row in body.split("<td").skip(1) {
            assert!(
                row.starts_with(" data-label=\""),
                "{page}: a cell without its column's name: <td{}",
                &row[..row.len().min(80)]
            );
        }
        assert!(
            !body.contains("style=\""),
            "no inline style: the CSP forbids it"
        );
    }

    // The young person's search, carried to the offer and back.
    let results = app
        .get("/offres?q=boulanger&commune=L%27Aigle%20%2861300%29&rayon=20")
        .await
        .body;
    let link = results
        .split("href=\"")
        .map(|s| s.split('"').next().unwrap())
        .find(|h| h.starts_with("/offres/") && h.contains("retour="))
        .unwrap_or_else(|| panic!("no offer link carrying the search: {results}"))
        .replace("&#38;", "&");
    let offer = app.get(&link).await.body;
    let back = offer
        .split("<p class=\"back\"><a href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&#38;", "&");
    assert!(
        back.starts_with("/offres?") && back.contains("q=boulanger") && back.contains("rayon=20"),
        "{back} from {link}"
    );
    assert!(offer.contains("← Retour à la recherche"), "{offer}");
    // Anything else in `retour` is not followed: never a link to another site.
    let id = link.split('?').next().unwrap();
    for evil in [
        "https%3A%2F%2Fevil.example",
        "%2F%2Fevil.example",
        "q%3D%26rayon%3D9999",
    ] {
        let page = app.get(&format!("{id}?retour={evil}")).await.body;
        assert!(!page.contains("evil.example"), "{page}");
        let back = page
            .split("<p class=\"back\"><a href=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap();
        assert!(back.starts_with("/offres"), "{back}");
    }
}
