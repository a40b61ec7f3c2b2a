//! Relaying the catalogue: the framed widget and the alerts.

use crate::support::*;
use fantoccini::Locator;
use serde_json::json;
use std::time::Duration;
use std::time::Instant;

#[tokio::test]
async fn a_partner_site_frames_the_widget_searches_in_it_and_opens_an_offer() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_admin) else {
        return;
    };
    let host = format!("http://localhost:{}", partner_site(&h.base));
    let c = h.browser().await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();

    // Framed by a site of another origin: search inside the frame.
    c.goto(&format!("{host}/")).await.unwrap();
    assert!(
        frame_shows(&c, "form[action='/widget']").await,
        "the widget is framed"
    );
    // The sizing script made the frame as tall as its content.
    let height = c
        .execute(
            "return document.getElementById('cadre').getBoundingClientRect().height",
            vec![],
        )
        .await
        .unwrap();
    assert!(height.as_f64().unwrap() > 300.0, "frame height {height}");
    c.find(Locator::Css("#cadre"))
        .await
        .unwrap()
        .enter_frame()
        .await
        .unwrap();
    assert_eq!(
        sticking_out(&c).await.unwrap(),
        json!([]),
        "widget at 390 px"
    );
    assert_eq!(small_fields(&c).await.unwrap(), json!([]));
    let violations = accessibility_violations(&c).await;
    assert!(violations.is_empty(), "widget: {violations:?}");
    c.find(Locator::Id("w-q"))
        .await
        .unwrap()
        .send_keys("boulanger")
        .await
        .unwrap();
    navigate(&c, Locator::Css(".w-form button")).await.unwrap();
    let first = c
        .wait()
        .for_element(Locator::Css(".w-results a"))
        .await
        .unwrap();
    let text = first.text().await.unwrap();
    assert!(text.contains("Boulanger"), "{text}");
    let href = first.attr("href").await.unwrap().unwrap();
    assert!(
        href.starts_with(&h.base) && href.ends_with("?via=widget"),
        "{href}"
    );
    screenshot(&c, "widget-telephone").await;
    // The offer opens in a new tab, on Tremplin itself.
    let before = c.windows().await.unwrap();
    first.click().await.unwrap();
    let start = Instant::now();
    let tab = loop {
        let now = c.windows().await.unwrap();
        if let Some(w) = now.into_iter().find(|w| !before.contains(w)) {
            break w;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no new tab");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    c.switch_to_window(tab).await.unwrap();
    let title = c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    assert!(title.text().await.unwrap().contains("Boulanger"));
    assert!(c.current_url().await.unwrap().as_str().starts_with(&h.base));
    c.close_window().await.unwrap();
    c.switch_to_window(before[0].clone()).await.unwrap();

    // Any other page refuses to be framed.
    c.goto(&format!("{host}/autre")).await.unwrap();
    assert!(
        !frame_shows(&c, "main").await,
        "the search page must not be framed"
    );

    // An admin lists the sites allowed: the partner's origin is not among them, so its frame
    // is refused; listed again, it is shown.
    c.goto(&format!("{}/connexion", h.base)).await.unwrap();
    sign_in(&c, "admin@ml.example").await.unwrap();
    for (list, shown) in [
        ("https://ent.lycee-exemple.fr", false),
        (host.as_str(), true),
    ] {
        c.goto(&format!("{}/gestion/territoire", h.base))
            .await
            .unwrap();
        let field = c.find(Locator::Id("origines")).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(list).await.unwrap();
        navigate(
            &c,
            Locator::Css("form[action='/gestion/territoire/widget'] button"),
        )
        .await
        .unwrap();
        c.goto(&format!("{host}/")).await.unwrap();
        assert_eq!(
            frame_shows(&c, "form[action='/widget']").await,
            shown,
            "list {list}"
        );
    }

    // The builder's preview, at phone width.
    c.goto(&format!("{}/gestion/widget?couleur=vert", h.base))
        .await
        .unwrap();
    assert_eq!(
        sticking_out(&c).await.unwrap(),
        json!([]),
        "builder at 390 px"
    );
    let violations = accessibility_violations(&c).await;
    assert!(violations.is_empty(), "builder: {violations:?}");
    c.set_window_size(DESKTOP.0, DESKTOP.1).await.unwrap();
    c.goto(&format!("{}/gestion/widget?couleur=vert", h.base))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&c, "widget-constructeur").await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_young_person_asks_for_an_alert_from_a_phone_and_confirms_it() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let base = h.base.clone();
    let outbox = h.data.path().join("data/outbox");
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/offres?q=boulanger&commune=61293&rayon=30"))
            .await?;
        c.find(Locator::Css("#alerte-email"))
            .await?
            .send_keys("lea.alerte@exemple.fr")
            .await?;
        navigate(&c, Locator::Css(".alert-form button")).await?;
        let h1 = c.find(Locator::Css("main h1")).await?.text().await?;
        assert_eq!(h1, "Vérifiez votre boîte mail");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "check your mailbox"
        );
        assert_eq!(sticking_out(&c).await?, serde_json::json!([]));

        // The confirmation, written by the outbox into the data folder.
        let start = Instant::now();
        let mail = loop {
            let found = std::fs::read_dir(&outbox).ok().and_then(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .map(|m| unquote(&m))
                    .find(|m| m.contains("/alertes/confirmation/"))
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
        let at = mail.find("/alertes/confirmation/").unwrap();
        let link = mail[at..].split_whitespace().next().unwrap().to_owned();
        c.goto(&format!("{base}{link}")).await?;
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "confirmation page"
        );
        assert_eq!(sticking_out(&c).await?, serde_json::json!([]));
        navigate(&c, Locator::Css("main form button")).await?;
        let h1 = c.find(Locator::Css("main h1")).await?.text().await?;
        assert_eq!(h1, "Alerte activée");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "confirmed"
        );
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}
