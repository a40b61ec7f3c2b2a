//! The counselor's week: calls, offers, the edition.

use crate::support::*;
use fantoccini::Locator;
use serde_json::json;
use std::time::Duration;
use std::time::Instant;

#[tokio::test]
async fn a_counselors_week_sign_in_record_a_call_create_the_offer_publish_the_edition() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&["--no-demo"], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        c.goto(&format!("{base}/gestion")).await?;
        // Not signed in: the login page, which returns to where we were going.
        sign_in(&c, "conseil@ml.example").await?;
        assert_eq!(c.wait().for_element(Locator::Css("main h1")).await?.text().await?, "Cette semaine");

        // A company of the network, then the call that brings an offer.
        c.goto(&format!("{base}/gestion/entreprises/nouvelle")).await?;
        for (id, value) in [
            ("siret", "12345678000014"),
            ("name", "Toitures du Perche (fictive)"),
            ("naf", "43.91A"),
            ("commune_code", "61293"),
            ("contact_name", "Paul Martin"),
            ("contact_phone", "02 61 91 22 33"),
        ] {
            c.find(Locator::Id(id)).await?.send_keys(value).await?;
        }
        navigate(&c, Locator::Css("form.offer-form button[type=submit]")).await?;
        c.wait().for_element(Locator::Id("appel")).await?;
        c.find(Locator::Css("input[name=outcome][value=offre_recueillie]")).await?.click().await?;
        c.find(Locator::Id("notes")).await?.send_keys("Cherche un apprenti couvreur pour janvier").await?;
        assert_eq!(accessibility_violations(&c).await, Vec::<String>::new(), "company page");
        navigate(&c, Locator::Css("form.call-form button[type=submit]")).await?;

        // The offer form arrives with the company filled in.
        let company = c.wait().for_element(Locator::Id("company_name")).await?;
        assert_eq!(company.prop("value").await?.as_deref(), Some("Toitures du Perche (fictive)"));
        for (id, value) in [
            ("title", "Couvreur·se zingueur·se"),
            ("description", "Pose et réparation de toitures en ardoise et en zinc, avec un compagnon expérimenté."),
            ("rome_code", "F1619"),
            ("target_diploma_level", "3"),
        ] {
            c.find(Locator::Id(id)).await?.send_keys(value).await?;
        }
        assert_eq!(accessibility_violations(&c).await, Vec::<String>::new(), "offer form");
        navigate(&c, Locator::Css("form.offer-form button[type=submit]")).await?;
        let status = c.wait().for_element(Locator::Css("main .company")).await?.text().await?;
        // Without a territory (--no-demo) there is no Thursday to name.
        assert!(status.contains("validée : sera publiée"), "{status}");
        assert!(c.find(Locator::Css("main .notice")).await?.text().await?.contains("Offre enregistrée"));

        c.goto(&format!("{base}/gestion/edition")).await?;
        assert!(c.find(Locator::Css("main")).await?.text().await?.contains("Nouvelles offres (1)"));
        navigate(&c, Locator::Css("form[action='/gestion/edition/publier'] button")).await?;
        let h1 = c.wait().for_element(Locator::Css("main h1")).await?.text().await?;
        assert_eq!(h1, "Édition n° 1");

        // In the public catalogue within seconds.
        let start = Instant::now();
        loop {
            c.goto(&format!("{base}/offres?q=couvreur")).await?;
            if c.find(Locator::Css("main")).await?.text().await?.contains("Couvreur·se zingueur·se") {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(5), "not in the catalogue");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

#[tokio::test]
async fn a_counselor_creates_an_offer_naming_the_metier_and_the_commune() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/gestion/offres/nouvelle")).await?;
        sign_in(&c, "conseil@ml.example").await?;
        c.wait().for_element(Locator::Id("rome_code")).await?;
        // The form reads top to bottom at every width, its button last.
        for (w, hgt) in [DESKTOP, PHONE] {
            c.set_window_size(w, hgt).await?;
            let tops = c
                .execute(
                    "return [...document.querySelectorAll('form.offer-form > .field, form.offer-form > .check, form.offer-form > button')]
                        .map(e => e.getBoundingClientRect().top)",
                    vec![],
                )
                .await?;
            let tops: Vec<f64> = tops.as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
            assert!(tops.len() > 10, "{tops:?}");
            assert!(tops.windows(2).all(|p| p[1] > p[0]), "at {w} px, fields out of order: {tops:?}");
        }
        for (id, value) in [
            ("title", "Boulanger·ère en alternance"),
            ("description", "Fabrication du pain et des viennoiseries au fournil, avec le maître boulanger."),
            ("company_name", "Fournil du Perche (fictif)"),
            ("target_diploma_level", "3"),
            ("contact_phone", "02 33 00 00 00"),
        ] {
            c.find(Locator::Id(id)).await?.send_keys(value).await?;
        }
        c.find(Locator::Id("rome_code")).await?.send_keys("boulang").await?;
        let offered = suggestions(&c, "metiers-suggestions").await?;
        assert!(offered.iter().any(|o| o.starts_with("Boulanger / Boulangère (D1102)")), "{offered:?}");
        c.find(Locator::Id("rome_code")).await?.send_keys("er").await?;
        c.find(Locator::Id("commune_code")).await?.send_keys("Mortagne").await?;
        let offered = suggestions(&c, "communes-suggestions").await?;
        assert!(offered.first().is_some_and(|o| o.contains("Orne (61)")), "{offered:?}");
        assert_eq!(small_fields(&c).await?, json!([]), "touch-friendly fields");
        assert_eq!(accessibility_violations(&c).await, Vec::<String>::new(), "offer form");
        assert_eq!(sticking_out(&c).await?, json!([]), "the offer form fits a 390 px phone");
        navigate(&c, Locator::Css("form.offer-form button[type=submit]")).await?;

        // "boulanger" is understood; "Mortagne" asks which one.
        let legend = c.wait().for_element(Locator::Css("fieldset.name-choices legend")).await?;
        assert_eq!(legend.text().await?, "Quelle commune ?");
        assert_eq!(
            c.find(Locator::Id("rome_code")).await?.prop("value").await?.as_deref(),
            Some("boulanger"),
            "what was typed stays"
        );
        assert_eq!(accessibility_violations(&c).await, Vec::<String>::new(), "commune choice");
        assert_eq!(sticking_out(&c).await?, json!([]), "the choice fits a 390 px phone");
        c.find(Locator::Css("input[name=commune_choisie][value='Mortagne-au-Perche (61400)']"))
            .await?
            .click()
            .await?;
        navigate(&c, Locator::Css("form.offer-form button[type=submit]")).await?;
        let main = c.wait().for_element(Locator::Css("main .company")).await?;
        let page = c.find(Locator::Css("main")).await?.text().await?;
        assert!(page.contains("Boulanger·ère en alternance"), "{page}");
        assert!(page.contains("Mortagne-au-Perche"), "{page}");
        drop(main);
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

#[tokio::test]
async fn a_counselor_works_through_the_week_on_a_phone_confirms_by_call_and_keeps_a_leaving_offer()
{
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    // The demo's week: next Thursday (today + 7 on a Thursday), as the page names it.
    let today = tremplin_web::shell::dates::paris_today(chrono::Utc::now());
    let ahead =
        (3 - i64::from(chrono::Datelike::weekday(&today).num_days_from_monday())).rem_euclid(7);
    let thursday = today + chrono::Duration::days(if ahead == 0 { 7 } else { ahead });
    let thursday_label = tremplin_web::shell::dates::french_day(thursday);
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/gestion/semaine")).await?;
        sign_in(&c, "conseil@ml.example").await?;
        assert_eq!(c.wait().for_element(Locator::Css("main h1")).await?.text().await?, "Ma semaine");
        let week = c.find(Locator::Css("main")).await?.text().await?;
        assert!(week.contains("En retard (1)"), "the demo's overdue call: {week}");
        fits_the_phone(&c, "Ma semaine").await?;
        assert_eq!(small_fields(&c).await?, json!([]), "the filter's fields");
        c.execute("document.querySelector('main a.tel').closest('tr').scrollIntoView()", vec![])
            .await?;
        screenshot(&c, "semaine-telephone").await;

        // Whom to call is on the list; confirming opens the call record, prefilled.
        let first = c.find(Locator::Css("a[href^='/gestion/semaine/confirmer/']")).await?;
        assert!(c.find(Locator::Css("main a.tel[href^='tel:+33']")).await.is_ok(), "a phone to tap");
        click_and_load(&c, first).await?;
        c.wait().for_element(Locator::Id("notes")).await?;
        let checked = c.find(Locator::Css("input[name=outcome]:checked")).await?;
        assert_eq!(checked.attr("value").await?.as_deref(), Some("offre_confirmee"));
        let note = c.find(Locator::Id("notes")).await?.prop("value").await?.unwrap_or_default();
        assert!(note.contains("confirmée au téléphone avec"), "{note}");
        let company = c.find(Locator::Css("main .company")).await?.text().await?;
        let company = company.split(" · ").next().unwrap_or_default().to_owned();
        fits_the_phone(&c, "the call record").await?;
        assert_eq!(small_fields(&c).await?, json!([]), "the call record's fields");
        c.execute(
            "document.getElementById('next_call_on').value = arguments[0]",
            vec![json!(thursday.to_string())],
        )
        .await?;
        navigate(&c, Locator::Css("form.call-form button[type=submit]")).await?;
        let message = c.wait().for_element(Locator::Id("message")).await?.text().await?;
        assert!(message.contains("est confirmée"), "{message}");
        // Thursday's call-back is under Thursday, from now on.
        let under_thursday: String = c
            .execute(
                "const h = [...document.querySelectorAll('main h3')].find(h => h.textContent.startsWith(arguments[0]));
                 return h ? h.nextElementSibling.textContent : '';",
                vec![json!(thursday_label)],
            )
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(under_thursday.contains(&company), "{company} under {thursday_label}: {under_thursday}");
        fits_the_phone(&c, "Ma semaine after a confirmation").await?;

        // "Annuler" takes it back, on the page itself.
        navigate(&c, Locator::Css("form[action='/gestion/semaine/annuler'] button")).await?;
        let message = c.wait().for_element(Locator::Id("message")).await?.text().await?;
        assert!(message.contains("Confirmation annulée"), "{message}");

        // The edition: an offer leaving because its start date passed, kept by extending it.
        c.goto(&format!("{base}/gestion/edition")).await?;
        let page = c.find(Locator::Css("main")).await?.text().await?;
        assert!(page.contains("date de début dépassée"), "{page}");
        assert!(page.contains("pas reconfirmée depuis le"), "{page}");
        fits_the_phone(&c, "the edition's preview").await?;
        c.execute(
            "document.querySelector(\"form[action$='/prolonger']\").closest('tr').scrollIntoView()",
            vec![],
        )
        .await?;
        screenshot(&c, "edition-telephone").await;
        navigate(&c, Locator::Css("form[action$='/prolonger'] button")).await?;
        let message = c.wait().for_element(Locator::Id("message")).await?.text().await?;
        assert!(message.contains("est prolongée") && message.contains("publiée"), "{message}");
        navigate(&c, Locator::Css("form[action$='/confirmer'] button")).await?;
        let message = c.wait().for_element(Locator::Id("message")).await?.text().await?;
        assert!(message.contains("reste au catalogue"), "{message}");
        fits_the_phone(&c, "the edition's preview after keeping offers").await?;

        // The company page: its offers and its calls, as cards.
        c.goto(&format!("{base}/gestion/entreprises")).await?;
        fits_the_phone(&c, "the network").await?;
        navigate(&c, Locator::Css("main td a[href^='/gestion/entreprises/']")).await?;
        let page = c.wait().for_element(Locator::Css("main")).await?.text().await?;
        assert!(page.contains("Offres ouvertes") && page.contains("Offres passées"), "{page}");
        fits_the_phone(&c, "a company").await?;
        c.execute("document.querySelector('main h2').scrollIntoView()", vec![]).await?;
        screenshot(&c, "entreprise-telephone").await;
        c.goto(&format!("{base}/gestion")).await?;
        fits_the_phone(&c, "the dashboard").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}
