//! Searching from a phone and finding one's commune.

use crate::support::*;
use fantoccini::Locator;
use serde_json::json;

#[tokio::test]
async fn a_young_person_searches_from_a_phone_and_opens_an_offer() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&base).await?;
        assert!(
            c.find(Locator::Css("h1"))
                .await?
                .text()
                .await?
                .contains("apprentissage")
        );
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "home"
        );
        screenshot(&c, "accueil-telephone").await;

        c.find(Locator::Id("q"))
            .await?
            .send_keys("boulanger")
            .await?;
        c.find(Locator::Id("commune"))
            .await?
            .send_keys("Mortagne-au-Perche")
            .await?;
        navigate(&c, Locator::Css("form.search button[type=submit]")).await?;
        let heading = c
            .wait()
            .for_element(Locator::Css("h1.results-title"))
            .await?
            .text()
            .await?;
        assert!(c.current_url().await?.as_str().starts_with(&format!(
            "{base}/offres?q=boulanger&commune=Mortagne-au-Perche"
        )));
        assert!(
            heading.ends_with("autour de Mortagne-au-Perche"),
            "{heading}"
        );
        let first = c.find(Locator::Css(".card h3 a")).await?;
        let title = first.text().await?;
        assert!(title.to_lowercase().contains("boulang"), "{title}");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "results"
        );
        screenshot(&c, "resultats-telephone").await;

        click_and_load(&c, first).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("article.offer h1"))
            .await?
            .text()
            .await?;
        assert_eq!(h1, title);
        let url = c.current_url().await?;
        assert!(url.as_str().contains("commune=Mortagne-au-Perche"), "{url}");
        let apply = c.find(Locator::Css("#postuler")).await?.text().await?;
        assert_eq!(apply, "Comment postuler");
        assert!(
            c.find(Locator::Css(".company .distance"))
                .await?
                .text()
                .await?
                .contains("de Mortagne-au-Perche")
        );
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "offer"
        );
        assert_eq!(
            sticking_out(&c).await?,
            serde_json::json!([]),
            "the offer fits a 390 px phone"
        );
        screenshot(&c, "offre-telephone").await;

        // The same pages at desktop width, for the README.
        let offer_url = c.current_url().await?;
        c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        c.goto(&base).await?;
        screenshot(&c, "accueil-bureau").await;
        c.goto(&format!("{base}/offres?q=boulanger&commune=61293&rayon=30"))
            .await?;
        screenshot(&c, "resultats-bureau").await;
        c.goto(offer_url.as_str()).await?;
        screenshot(&c, "offre-bureau").await;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

#[tokio::test]
async fn a_young_person_types_mortagne_and_picks_mortagne_au_perche() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&base).await?;
        c.find(Locator::Id("commune"))
            .await?
            .send_keys("Mortagne")
            .await?;
        // With JavaScript, suggestions name the département, the territory first.
        let offered = suggestions(&c, "communes-suggestions").await?;
        assert!(
            offered
                .first()
                .is_some_and(|o| o == "Mortagne-au-Perche (61400) | Orne (61)"),
            "{offered:?}"
        );
        assert!(
            offered.iter().any(|o| o.ends_with("Vosges (88)")),
            "{offered:?}"
        );
        // Sent as typed: a choice, never a silent jump to Mortagne (88).
        navigate(&c, Locator::Css("form.search button[type=submit]")).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("h1.results-title"))
            .await?
            .text()
            .await?;
        assert_eq!(h1, "Quelle est votre commune ?");
        let first = c.find(Locator::Css(".choices li")).await?.text().await?;
        assert!(
            first.starts_with("Mortagne-au-Perche (61400) Orne (61)"),
            "{first}"
        );
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "commune choice"
        );
        assert_eq!(
            sticking_out(&c).await?,
            json!([]),
            "the choice fits a 390 px phone"
        );
        screenshot(&c, "choix-commune-telephone").await;

        navigate(&c, Locator::LinkText("Mortagne-au-Perche (61400)")).await?;
        let heading = c
            .wait()
            .for_element(Locator::Css("h1.results-title"))
            .await?
            .text()
            .await?;
        assert!(
            heading.ends_with("autour de Mortagne-au-Perche"),
            "{heading}"
        );
        assert!(
            c.find(Locator::Css(".card h3 a")).await.is_ok(),
            "results are shown"
        );
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "results"
        );
        assert_eq!(
            sticking_out(&c).await?,
            json!([]),
            "results fit a 390 px phone"
        );

        // From there, the same young person applies with only a phone number, names the
        // commune as they say it, and keeps the follow-up link.
        navigate(&c, Locator::Css(".card h3 a")).await?;
        navigate(&c, Locator::LinkText("Postuler avec Tremplin")).await?;
        apply_with_only_a_phone(&c, "Mortagne-au-Perche").await?;
        let link = c
            .find(Locator::Id("lien-suivi"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        assert!(link.contains("/c/"), "the short link to keep: {link}");
        assert_eq!(
            sticking_out(&c).await?,
            json!([]),
            "the confirmation fits a 390 px phone"
        );
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}
