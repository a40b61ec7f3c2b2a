//! The dashboard.

use crate::support::{TestApp, backends};
use axum::http::header;
use tremplin_storage::Role;

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
            page.contains("<strong>1</strong> nouvelles offres cette semaine"),
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
