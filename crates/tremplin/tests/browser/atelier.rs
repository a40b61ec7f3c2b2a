//! « Ma vie d'apprenti·e » in workshop mode: a counselor opens a session and projects it, a
//! young person joins with the code on a phone, picks an offer, builds a budget and shares
//! it; the projector shows the result, without a name.

use crate::support::*;
use fantoccini::{Client, Locator};

async fn counselor_signs_in(c: &Client, base: &str) -> Result<(), fantoccini::error::CmdError> {
    c.goto(&format!("{base}/connexion")).await?;
    sign_in(c, "conseil@ml.example").await
}

#[tokio::test]
async fn a_workshop_from_the_projector_to_the_phones_and_back() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let counselor = h.browser().await;
    let young = browser(h.driver_port, &h.data.path().join("profil-jeune")).await;
    let run = async {
        // The counselor opens a session and projects its page.
        counselor.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        counselor_signs_in(&counselor, &h.base).await?;
        counselor
            .goto(&format!("{}/gestion/ateliers", h.base))
            .await?;
        fits_the_phone(&counselor, "workshop sessions").await?;
        counselor
            .find(Locator::Id("titre"))
            .await?
            .send_keys("Atelier du mardi")
            .await?;
        navigate(
            &counselor,
            Locator::Css("form[action='/gestion/ateliers'] button"),
        )
        .await?;
        assert!(
            counselor
                .current_url()
                .await?
                .path()
                .starts_with("/gestion/ateliers/")
        );
        let code = counselor
            .find(Locator::Css(".join .code"))
            .await?
            .text()
            .await?;
        assert_eq!(code.len(), 5, "{code}");
        let empty = counselor.find(Locator::Css("main")).await?.text().await?;
        assert!(
            empty.contains("Personne n'a encore partagé son budget"),
            "{empty}"
        );
        fits_the_phone(&counselor, "projector, empty").await?;

        // A young person joins on a phone with the code, typed in lower case.
        young.set_window_size(PHONE.0, PHONE.1).await?;
        young.goto(&format!("{}/atelier", h.base)).await?;
        fits_the_phone(&young, "join").await?;
        screenshot(&young, "atelier-rejoindre-telephone").await;
        young
            .find(Locator::Id("code"))
            .await?
            .send_keys(&code.to_lowercase())
            .await?;
        navigate(&young, Locator::Css("form[action='/atelier'] button")).await?;
        let joined = young.find(Locator::Css("main")).await?.text().await?;
        assert!(joined.contains("Atelier du mardi"), "{joined}");
        fits_the_phone(&young, "joined: pick an offer").await?;
        // Picks an offer (the second of the list) and says where they live.
        let option = young
            .find(Locator::Css("#offre option:nth-child(2)"))
            .await?;
        let picked = option.text().await?;
        option.click().await?;
        let title = picked.split(" – ").next().unwrap_or_default().to_owned();
        young
            .find(Locator::Id("commune"))
            .await?
            .send_keys("Mortagne-au-Perche")
            .await?;
        navigate(
            &young,
            Locator::Css("form[action='/ma-vie-d-apprenti/budget'] button"),
        )
        .await?;
        // The budget asks for the birth date (and a start when the offer has none).
        young
            .execute(
                "document.getElementById('naissance').value = '2008-03-14';
                 const d = document.getElementById('debut'); if (!d.value) d.value = '2026-09-01';",
                vec![],
            )
            .await?;
        navigate(
            &young,
            Locator::Css("form[action='/ma-vie-d-apprenti/budget'] button[type=submit]"),
        )
        .await?;
        let result = young
            .wait()
            .for_element(Locator::Id("resultat"))
            .await?
            .text()
            .await?;
        assert!(result.starts_with("Mon budget de"), "{result}");
        fits_the_phone(&young, "budget in a workshop").await?;
        screenshot(&young, "atelier-budget-telephone").await;
        navigate(&young, Locator::Css("form.share-budget button")).await?;
        let thanks = young
            .find(Locator::Css("p.notice[role=status]"))
            .await?
            .text()
            .await?;
        assert!(
            thanks.contains("Tes chiffres sont sur l'écran du groupe"),
            "{thanks}"
        );
        fits_the_phone(&young, "shared").await?;

        // The projector shows the offer and the amounts, and no name.
        counselor.refresh().await?;
        let rows = counselor
            .find_all(Locator::Css("table.compare tbody tr"))
            .await?;
        assert_eq!(rows.len(), 1);
        let row = rows[0].text().await?;
        assert!(row.contains(&title), "{row} / {title}");
        assert!(row.matches('€').count() >= 3, "{row}");
        let heading = counselor
            .find(Locator::Css("main h2"))
            .await?
            .text()
            .await?;
        assert_eq!(heading, "Les budgets du groupe (1)");
        fits_the_phone(&counselor, "projector with a result").await?;
        screenshot(&counselor, "atelier-ecran").await;
        // The projector fits a phone too (a counselor checking from theirs).
        counselor.set_window_size(PHONE.0, PHONE.1).await?;
        counselor.refresh().await?;
        fits_the_phone(&counselor, "projector on a phone").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    };
    let outcome = run.await;
    if outcome.is_err() {
        screenshot(&young, "echec-atelier-jeune").await;
        screenshot(&counselor, "echec-atelier-ecran").await;
    }
    young.close().await.unwrap();
    counselor.close().await.unwrap();
    outcome.unwrap();
}

/// The results « atteignables sans voiture » and sorted by the weekly trip, from Mortagne, in
/// the demo territory (its fictitious coach lines are imported at start).
#[tokio::test]
async fn the_results_without_a_car_on_a_phone() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let c = h.browser().await;
    let run = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{}/offres?commune=Mortagne-au-Perche", h.base))
            .await?;
        // The box, ticked without any script: the form is a plain GET.
        c.find(Locator::Css("input[name=sans_voiture]"))
            .await?
            .click()
            .await?;
        navigate(&c, Locator::Css("form.search button[type=submit]")).await?;
        let url = c.current_url().await?;
        assert!(url.as_str().contains("sans_voiture=1"), "{url}");
        let heading = c.find(Locator::Css("main h1")).await?.text().await?;
        assert!(
            heading.contains("atteignable") && heading.contains("sans voiture"),
            "{heading}"
        );
        let cards = c.find_all(Locator::Css(".card")).await?;
        assert!(!cards.is_empty(), "the demo has offers reached by coach");
        let first = cards[0].text().await?;
        assert!(first.contains("Atteignable sans voiture"), "{first}");
        assert!(first.contains("km de trajet par semaine"), "{first}");
        fits_the_phone(&c, "results without a car").await?;
        screenshot(&c, "resultats-sans-voiture-telephone").await;

        c.goto(&format!(
            "{}/offres?commune=Mortagne-au-Perche&sans_voiture=1&tri=trajet",
            h.base
        ))
        .await?;
        fits_the_phone(&c, "results without a car, least road first").await?;
        // A missing commune is asked for, in French.
        c.goto(&format!("{}/offres?sans_voiture=1", h.base)).await?;
        let alert = c.find(Locator::Css(".alert")).await?.text().await?;
        assert!(alert.contains("indiquez votre commune"), "{alert}");
        fits_the_phone(&c, "results without a car, no commune").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    };
    let outcome = run.await;
    if outcome.is_err() {
        screenshot(&c, "echec-sans-voiture").await;
    }
    c.close().await.unwrap();
    outcome.unwrap();
}
