//! A métier page on a phone: from an aide-soignant offer of the demo, the young person follows
//! the link to the trade's page, finds its film with French captions loaded and its
//! transcript, the table of pay per age, and the page fits the phone with no serious
//! accessibility violation.

use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::support::*;

#[tokio::test]
async fn from_an_offer_to_its_trade_page_with_a_captioned_film() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!(
            "{base}/offres?metier=J1501&commune=Mortagne-au-Perche"
        ))
        .await?;
        navigate(&c, Locator::Css("main .cards a[href^='/offres/']")).await?;
        let link = c
            .find(Locator::Css("main a[href^='/metiers/J1501']"))
            .await?;
        click_and_load(&c, link).await?;
        let url = c.current_url().await?;
        assert!(url.path().ends_with("/metiers/J1501"), "{url}");
        assert!(
            url.query().unwrap_or_default().contains("commune="),
            "the commune follows: {url}"
        );
        let h1 = c.find(Locator::Css("main h1")).await?.text().await?;
        assert!(h1.contains("Aide-soignant"), "{h1}");

        // The film: a French captions track, loaded, shown; the transcript under it.
        let start = Instant::now();
        let state = loop {
            let s = c
                .execute(
                    "const v = document.querySelector('video.film-video');
                     const t = v.querySelector('track'); const tt = v.textTracks[0];
                     return { kind: t.kind, lang: t.srclang, ready: t.readyState,
                              mode: tt && tt.mode, cues: tt && tt.cues ? tt.cues.length : 0,
                              width: v.getBoundingClientRect().width };",
                    vec![],
                )
                .await?;
            if s["ready"] == 2 && s["cues"].as_u64().unwrap_or(0) > 0 {
                break s;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "captions: {s}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(state["kind"], "captions", "{state}");
        assert_eq!(state["lang"], "fr", "{state}");
        assert_eq!(state["mode"], "showing", "{state}");
        assert!(
            state["width"].as_f64().unwrap_or(999.0) <= f64::from(PHONE.0),
            "{state}"
        );
        let transcript = c.find(Locator::Css(".transcript")).await?.text().await?;
        assert!(transcript.contains("résidents"), "{transcript}");
        let pay = c
            .find(Locator::Css("table.pay-by-age"))
            .await?
            .text()
            .await?;
        assert!(pay.contains("16 ou 17 ans") && pay.contains("€"), "{pay}");
        let centres = c
            .find(Locator::Css("#formations + ul"))
            .await?
            .text()
            .await?;
        assert!(centres.contains("IFAS"), "{centres}");
        let events = c
            .find(Locator::Css("#evenements + ul"))
            .await?
            .text()
            .await?;
        assert!(events.contains("Job dating"), "{events}");
        fits_the_phone(&c, "a métier page").await?;
        screenshot(&c, "metier-telephone").await;
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.unwrap();
}
