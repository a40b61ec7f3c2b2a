//! Promos and public events.

use crate::support::*;
use fantoccini::Locator;
use serde_json::json;
use std::time::Duration;
use std::time::Instant;

#[tokio::test]
async fn a_counselor_creates_a_promo_adds_three_young_people_and_records_a_contract_on_a_phone() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/gestion/promos")).await?;
        sign_in(&c, "conseil@ml.example").await?;
        // The demo's past summer promo is there at the first start, with its results.
        let list = c
            .wait()
            .for_element(Locator::Css("main"))
            .await?
            .text()
            .await?;
        assert!(
            list.contains("Promo d'été 2026 – Perche") && list.contains("5 sur 8"),
            "{list}"
        );
        fits_the_phone(&c, "the promos").await?;
        c.goto(&format!("{base}/gestion/promos/resultats")).await?;
        let results = c.find(Locator::Css("main")).await?.text().await?;
        assert!(results.contains("62 %"), "5 of 8: {results}");
        fits_the_phone(&c, "the season's results").await?;
        // Its board lists the summer's activities with their attendance.
        c.goto(&format!("{base}/gestion/promos")).await?;
        navigate(&c, Locator::LinkText("Promo d'été 2026 – Perche")).await?;
        let board = c.find(Locator::Css("main")).await?.text().await?;
        for activity in [
            "Atelier CV et lettre de motivation",
            "Visite du 3IFA à Alençon",
            "Atelier « Ma vie d'apprenti·e »",
        ] {
            assert!(board.contains(activity), "{activity}: {board}");
        }
        fits_the_phone(&c, "the demo promo's board").await?;

        c.goto(&format!("{base}/gestion/promos/nouvelle")).await?;
        c.wait()
            .for_element(Locator::Id("nom"))
            .await?
            .send_keys("Promo du navigateur")
            .await?;
        fits_the_phone(&c, "a new promo").await?;
        assert_eq!(small_fields(&c).await?, json!([]), "the promo's fields");
        navigate(
            &c,
            Locator::Css("form[action='/gestion/promos'] button[type=submit]"),
        )
        .await?;
        assert_eq!(
            c.wait()
                .for_element(Locator::Css("main h1"))
                .await?
                .text()
                .await?,
            "Promo du navigateur"
        );
        for first in ["Inès", "Théo", "Nour"] {
            navigate(
                &c,
                Locator::Css("a[href^='/gestion/jeunes/nouveau?promo=']"),
            )
            .await?;
            c.wait()
                .for_element(Locator::Id("prenom"))
                .await?
                .send_keys(first)
                .await?;
            c.find(Locator::Id("nom"))
                .await?
                .send_keys("Navigateur")
                .await?;
            c.execute(
                "document.getElementById('date_naissance').value = '2005-04-02'",
                vec![],
            )
            .await?;
            c.find(Locator::Id("telephone"))
                .await?
                .send_keys("06 12 34 56 78")
                .await?;
            c.find(Locator::Id("commune"))
                .await?
                .send_keys("L'Aigle")
                .await?;
            if first == "Inès" {
                fits_the_phone(&c, "a young person's record").await?;
                assert_eq!(small_fields(&c).await?, json!([]), "the record's fields");
            }
            navigate(
                &c,
                Locator::Css("form[action='/gestion/jeunes'] button[type=submit]"),
            )
            .await?;
            c.wait().for_element(Locator::Css("#signes")).await?;
        }
        let board = c.find(Locator::Css("main")).await?.text().await?;
        assert!(board.contains("0 sur 3"), "{board}");
        // Inès signs: her member page, the step chosen in the list.
        let ines = c
            .find(Locator::XPath("//main//td//a[contains(., 'Inès')]"))
            .await?;
        click_and_load(&c, ines).await?;
        c.wait().for_element(Locator::Id("etape")).await?;
        fits_the_phone(&c, "a member's milestones").await?;
        assert_eq!(small_fields(&c).await?, json!([]), "the milestone's fields");
        c.find(Locator::Css("#etape option[value=contrat_signe]"))
            .await?
            .click()
            .await?;
        let today = tremplin_web::shell::dates::paris_today(chrono::Utc::now());
        c.execute(
            "document.getElementById('date').value = arguments[0]",
            vec![json!(today.to_string())],
        )
        .await?;
        c.find(Locator::Id("entreprise"))
            .await?
            .send_keys("Boulangerie du Four Fictif")
            .await?;
        c.find(Locator::Id("cfa"))
            .await?
            .send_keys("3IFA – campus d'Alençon")
            .await?;
        navigate(&c, Locator::Css("main form.offer-form button[type=submit]")).await?;
        let steps = c
            .wait()
            .for_element(Locator::Css("main ul.steps"))
            .await?
            .text()
            .await?;
        assert!(steps.contains("Contrat signé le"), "{steps}");
        navigate(&c, Locator::Css("main a[href^='/gestion/promos/']")).await?;
        let signed = c
            .wait()
            .for_element(Locator::Css("#signes"))
            .await?
            .text()
            .await?;
        assert!(signed.contains("1 sur 3"), "{signed}");
        fits_the_phone(&c, "the promo's board").await?;
        c.execute("document.getElementById('signes').scrollIntoView()", vec![])
            .await?;
        screenshot(&c, "promo-telephone").await;
        c.goto(&format!("{base}/gestion/jeunes")).await?;
        fits_the_phone(&c, "the young people").await?;
        navigate(&c, Locator::Css("main td a[href^='/gestion/jeunes/']")).await?;
        c.wait().for_element(Locator::Css("main h1")).await?;
        fits_the_phone(&c, "a record").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

#[tokio::test]
async fn a_young_person_registers_for_an_event_from_a_phone_and_a_counselor_marks_attendance() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let outbox = h.data.path().join("data/outbox");
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/evenements?commune=Mortagne-au-Perche"))
            .await?;
        assert_eq!(
            c.find(Locator::Css("main h1")).await?.text().await?,
            "Événements pour les jeunes"
        );
        let list = c.find(Locator::Css("main")).await?.text().await?;
        for demo in [
            "Rallye entreprises de L'Aigle",
            "Portes ouvertes du 3IFA à Alençon",
            "Rencontre entre jeunes à Mortagne-au-Perche",
        ] {
            assert!(list.contains(demo), "{demo}: {list}");
        }
        fits_the_phone(&c, "les événements").await?;
        navigate(
            &c,
            Locator::LinkText("Rencontre entre jeunes à Mortagne-au-Perche"),
        )
        .await?;
        let event_url = c.current_url().await?.to_string();
        let id: i64 = event_url.rsplit('/').next().unwrap().parse().unwrap();
        fits_the_phone(&c, "un événement").await?;
        for (field, value) in [
            ("prenom", "Sarah"),
            ("nom", "Essai"),
            ("email", "sarah.essai@exemple.fr"),
            ("commune", "Mortagne-au-Perche"),
        ] {
            c.find(Locator::Id(field)).await?.send_keys(value).await?;
        }
        c.find(Locator::Id("consentement")).await?.click().await?;
        navigate(&c, Locator::Css("form.apply-form button[type=submit]")).await?;
        assert_eq!(
            c.find(Locator::Css("main h1")).await?.text().await?,
            "Vous êtes inscrit·e !"
        );
        fits_the_phone(&c, "inscription confirmée").await?;

        // The confirmation, written by the outbox into the data folder, carries the .ics.
        let start = Instant::now();
        let mail = loop {
            let found = std::fs::read_dir(&outbox).ok().and_then(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .find(|m| m.contains("sarah.essai@exemple.fr") && m.contains("text/calendar"))
            });
            if let Some(m) = found {
                break m;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no confirmation mail"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let ics = calendar_part(&mail).expect("the .ics part");
        assert!(
            ics.contains("BEGIN:VCALENDAR")
                && ics.contains(&format!("UID:evenement-{id}@127.0.0.1")),
            "{ics}"
        );
        assert!(
            unquote(&mail).contains("/evenements/annuler/"),
            "the cancellation link"
        );

        // A counselor marks attendance on the phone.
        c.goto(&format!("{base}/gestion/activites/{id}")).await?;
        sign_in(&c, "conseil@ml.example").await?;
        assert_eq!(
            c.wait()
                .for_element(Locator::Css("main h1"))
                .await?
                .text()
                .await?,
            "Rencontre entre jeunes à Mortagne-au-Perche"
        );
        fits_the_phone(&c, "l'émargement").await?;
        let sheet = c
            .find(Locator::Css("form.attendance"))
            .await?
            .text()
            .await?;
        assert!(sheet.contains("Sarah Essai"), "{sheet}");
        for radio in c
            .find_all(Locator::Css("form.attendance input[value=present]"))
            .await?
        {
            radio.click().await?;
        }
        navigate(&c, Locator::Css("form.attendance button[type=submit]")).await?;
        let page = c.find(Locator::Css("main")).await?.text().await?;
        assert!(page.contains("Présences enregistrées"), "{page}");
        let checked = c
            .find_all(Locator::Css("form.attendance input[value=present]:checked"))
            .await?;
        assert_eq!(checked.len(), 3, "the demo's two registrants and Sarah");
        fits_the_phone(&c, "l'émargement enregistré").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}
