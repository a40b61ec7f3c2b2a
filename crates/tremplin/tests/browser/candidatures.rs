//! Applying, and the follow-up of an application.

use crate::support::*;
use fantoccini::Locator;
use serde_json::json;
use std::time::Duration;
use std::time::Instant;

/// Quoted-printable decoding, enough to read links in the outbox's messages.
/// Clicks what leads to another page and waits until the browser has replaced the page, so
/// that what is looked for next is on the new one (not a stale element of the old).
#[tokio::test]
async fn a_young_person_applies_with_only_a_phone_and_keeps_the_follow_up_link() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let base = h.base.clone();
    let sms_dir = h.data.path().join("data/sms");
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/offres/1/postuler")).await?;
        apply_with_only_a_phone(&c, "61293").await?;

        // The short link, to copy or select; the QR code, drawn; the page fits the phone.
        let link = c
            .find(Locator::Id("lien-suivi"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        let code = link
            .strip_prefix(&format!("{base}/c/"))
            .unwrap_or_else(|| panic!("{link}"))
            .to_owned();
        assert_eq!(code.len(), 12, "{link}");
        let qr_width = c
            .execute(
                "const i = document.querySelector('.qr img'); return i.complete ? i.naturalWidth : 0;",
                vec![],
            )
            .await?;
        assert!(qr_width.as_u64().unwrap_or(0) >= 100, "QR code drawn: {qr_width}");
        let width = c
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await?;
        assert!(width.as_u64().unwrap_or(999) <= u64::from(PHONE.0), "{width} px wide");
        assert_eq!(sticking_out(&c).await?, json!([]), "fits a 390 px phone");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "confirmation"
        );
        screenshot(&c, "candidature-envoyee-telephone").await;

        // The same link by SMS, written into the data folder's SMS outbox by the worker.
        let start = Instant::now();
        let sms = loop {
            let found = std::fs::read_dir(&sms_dir).ok().and_then(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .find(|m| m.contains(&link))
            });
            if let Some(m) = found {
                break m;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "no SMS");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert!(sms.starts_with("To: +33612345678\n"), "{sms}");

        // The link opens the follow-up page; withdrawing asks first, and "no" keeps it.
        c.goto(&link).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("main h1"))
            .await?
            .text()
            .await?;
        assert!(h1.starts_with("Votre candidature : "), "{h1}");
        assert_eq!(sticking_out(&c).await?, json!([]), "follow-up page fits");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "follow-up page"
        );
        navigate(&c, Locator::XPath("//main//button[contains(., 'Retirer et effacer')]")).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("main h1"))
            .await?
            .text()
            .await?;
        assert_eq!(h1, "Retirer et effacer votre candidature ?");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "withdrawal confirmation"
        );
        navigate(&c, Locator::LinkText("Non, garder ma candidature")).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("main h1"))
            .await?
            .text()
            .await?;
        assert!(h1.starts_with("Votre candidature : "), "still there: {h1}");

        // An error page keeps the site's header and its search, on a phone too.
        c.goto(&format!("{base}/offres/999999")).await?;
        c.wait().for_element(Locator::Css("header.top .territory")).await?;
        c.find(Locator::Css("main form[role=search] input[name=q]"))
            .await?;
        assert_eq!(sticking_out(&c).await?, json!([]), "error page fits");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "error page"
        );
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

#[tokio::test]
async fn apply_with_a_cv_from_a_phone_the_employer_answers_the_counselor_sees_it() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let cv = h.data.path().join("mon-cv.pdf");
    std::fs::write(&cv, b"%PDF-1.4\n% CV de test\n").unwrap();
    let outbox = h.data.path().join("data/outbox");
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/offres/1")).await?;
        navigate(&c, Locator::LinkText("Postuler avec Tremplin")).await?;
        c.wait().for_element(Locator::Id("prenom")).await?;
        assert_eq!(
            small_fields(&c).await?,
            serde_json::json!([]),
            "every field of the form is a touch-friendly box"
        );
        for (id, value) in [
            ("prenom", "Léa"),
            ("nom", "Martin"),
            ("email", "lea.martin@exemple.fr"),
            ("commune", "61293"),
            (
                "message",
                "Je recherche un apprentissage, disponible dès janvier.",
            ),
        ] {
            c.find(Locator::Id(id)).await?.send_keys(value).await?;
        }
        // A date field takes the digits in the browser's locale order; set it directly.
        c.execute(
            "document.getElementById('date_naissance').value = '2008-05-20';",
            vec![],
        )
        .await?;
        c.find(Locator::Css("input[name=mobilite][value=permis]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Id("cv"))
            .await?
            .send_keys(cv.to_str().unwrap())
            .await?;
        c.find(Locator::Css("input[name=consentement]"))
            .await?
            .click()
            .await?;
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "apply form"
        );
        navigate(&c, Locator::Css("form.apply-form button[type=submit]")).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("main h1"))
            .await?
            .text()
            .await?;
        assert_eq!(h1, "Votre candidature est partie");

        // The employer's email, written by the outbox into the data folder.
        let start = Instant::now();
        let employer = loop {
            let found = std::fs::read_dir(&outbox).ok().and_then(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .map(|m| unquote(&m))
                    .find(|m| m.contains("/reponse/"))
            });
            if let Some(m) = found {
                break m;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no mail to the employer"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert!(
            employer.contains("Content-Type: application/pdf"),
            "the CV travels with it"
        );
        let at = employer.find("/reponse/").unwrap();
        let link = employer[at..].split_whitespace().next().unwrap().to_owned();
        c.goto(&format!("{base}{link}")).await?;
        navigate(&c, Locator::Css("main form button")).await?;
        c.wait().for_element(Locator::Css("main .notice")).await?;

        c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        c.goto(&format!("{base}/connexion?suite=/gestion/candidatures"))
            .await?;
        assert_eq!(
            small_fields(&c).await?,
            serde_json::json!([]),
            "sign-in fields"
        );
        sign_in(&c, "conseil@ml.example").await?;
        let table = c
            .wait()
            .for_element(Locator::Css("main table"))
            .await?
            .text()
            .await?;
        assert!(
            table.contains("Léa Martin") && table.contains("L'employeur vous propose un entretien"),
            "{table}"
        );
        assert!(
            table.contains("Télécharger"),
            "the CV is there for the counselor"
        );

        // The demo's partner offer has a change waiting: listed, compared field by field.
        c.goto(&format!("{base}/gestion/offres?modifications=en-attente"))
            .await?;
        navigate(
            &c,
            Locator::XPath("//main//a[contains(., 'relayée par France Travail')]"),
        )
        .await?;
        let main = c
            .wait()
            .for_element(Locator::Css("main"))
            .await?
            .text()
            .await?;
        assert!(main.contains("début avancé"), "{main}");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "offer with a pending change"
        );
        c.set_window_size(PHONE.0, PHONE.1).await?;
        assert_eq!(
            sticking_out(&c).await?,
            serde_json::json!([]),
            "fits a 390 px phone"
        );
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}
