//! Ma vie d'apprenti·e: the pay, the budget and the trips.

use crate::support::*;
use fantoccini::Locator;
use serde_json::json;

#[tokio::test]
async fn a_young_person_opens_the_pay_simulator_from_an_offer_on_a_phone() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_admin) else {
        return;
    };
    let c = h.browser().await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    c.goto(&format!("{}/offres", h.base)).await.unwrap();
    navigate(&c, Locator::Css(".card h3 a")).await.unwrap();
    navigate(
        &c,
        Locator::Css("a[href^='/ma-vie-d-apprenti/salaire?contrat=']"),
    )
    .await
    .unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("duree_mois=")
    );
    assert_eq!(
        accessibility_violations(&c).await,
        Vec::<String>::new(),
        "simulator form"
    );
    // The birth date (and a start date when the offer starts « dès que possible »).
    c.execute(
        "document.getElementById('naissance').value = '2009-05-10';
         const d = document.getElementById('debut'); if (!d.value) d.value = '2026-09-01';",
        vec![],
    )
    .await
    .unwrap();
    navigate(
        &c,
        Locator::Css("form[action='/ma-vie-d-apprenti/salaire'] button"),
    )
    .await
    .unwrap();
    let heading = c.wait().for_element(Locator::Id("resultat")).await.unwrap();
    assert_eq!(heading.text().await.unwrap(), "Ton salaire");
    let net = c
        .find(Locator::Css(".years dd strong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(net.contains('€'), "{net}");
    c.find(Locator::Css("details.detail summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        c.find(Locator::Css("table.months tbody tr"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    assert_eq!(
        sticking_out(&c).await.unwrap(),
        json!([]),
        "simulator at 390 px"
    );
    assert_eq!(
        accessibility_violations(&c).await,
        Vec::<String>::new(),
        "simulator result"
    );
    screenshot(&c, "simulateur-telephone").await;

    // The rules table, for an admin, on a phone too.
    c.goto(&format!("{}/connexion", h.base)).await.unwrap();
    sign_in(&c, "admin@ml.example").await.unwrap();
    c.goto(&format!("{}/gestion/regles", h.base)).await.unwrap();
    assert!(
        c.find(Locator::Css("main h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("Règles")
    );
    assert_eq!(
        sticking_out(&c).await.unwrap(),
        json!([]),
        "rules at 390 px"
    );
    assert_eq!(
        accessibility_violations(&c).await,
        Vec::<String>::new(),
        "rules page"
    );
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_young_person_in_mortagne_sees_the_trips_of_an_offer_then_the_pay_and_the_budget() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let c = h.browser().await;
    let run = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!(
            "{}/offres?q=boulanger&commune=Mortagne-au-Perche",
            h.base
        ))
        .await?;
        navigate(&c, Locator::Css(".card h3 a")).await?;
        // The search's commune came with the link: the trips from Mortagne.
        let company = c.find(Locator::Css(".trip-company")).await?.text().await?;
        assert!(
            company.starts_with("De Mortagne-au-Perche à l'entreprise")
                && company.contains("km à vol d'oiseau")
                && company.contains("en voiture"),
            "{company}"
        );
        let cfa = c.find(Locator::Css(".trip-cfa")).await?.text().await?;
        assert!(
            cfa.contains("depuis l'entreprise") && cfa.contains("depuis Mortagne-au-Perche"),
            "{cfa}"
        );
        fits_the_phone(&c, "offer with its trips").await?;
        navigate(
            &c,
            Locator::Css("a[href^='/ma-vie-d-apprenti/salaire?contrat=']"),
        )
        .await?;
        c.execute(
            "document.getElementById('naissance').value = '2009-05-10';
             const d = document.getElementById('debut'); if (!d.value) d.value = '2027-09-01';",
            vec![],
        )
        .await?;
        navigate(
            &c,
            Locator::Css("form[action='/ma-vie-d-apprenti/salaire'] button"),
        )
        .await?;
        let net = c
            .find(Locator::Css(".years dd strong"))
            .await?
            .text()
            .await?;
        assert!(net.contains('€'), "{net}");
        navigate(&c, Locator::Css("a[href^='/ma-vie-d-apprenti/budget?']")).await?;
        let heading = c.find(Locator::Id("resultat")).await?.text().await?;
        assert!(heading.starts_with("Mon budget de"), "{heading}");
        let month_net = c.find(Locator::Css(".net")).await?.text().await?;
        assert!(month_net.contains('€'), "{month_net}");
        assert_eq!(c.find_all(Locator::Css(".scenario")).await?.len(), 2);
        let left = c
            .find(Locator::Css(".scenario .left"))
            .await?
            .text()
            .await?;
        assert!(left.starts_with("Il te reste"), "{left}");
        let trips = c.find(Locator::Css(".result p.hint")).await?.text().await?;
        assert!(trips.starts_with("De chez toi à l'entreprise"), "{trips}");
        fits_the_phone(&c, "budget").await?;
        screenshot(&c, "budget-telephone").await;
        Ok::<_, fantoccini::error::CmdError>(())
    };
    let outcome = run.await;
    c.close().await.unwrap();
    outcome.unwrap();
}
