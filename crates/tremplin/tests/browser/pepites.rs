//! « Nos pépites » on a phone: an employer opens the list, a portrait, plays its video with
//! the captions shown (with the mouse, then with the keyboard alone), and asks to meet the
//! young person; the counselor signs in and finds the request in the back office.

use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::error::CmdError;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use crate::support::*;

/// One key pressed and released, sent to whatever has the focus (as a person would).
async fn press(c: &Client, key: char) -> Result<(), CmdError> {
    let keys = KeyActions::new("clavier".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    c.perform_actions(keys).await
}

/// What the page's video says of itself: playing, where it is, its captions' state.
async fn video_state(c: &Client) -> Result<serde_json::Value, CmdError> {
    c.execute(
        "const v = document.querySelector('video.pepite-video');
         const t = v.querySelector('track');
         const tt = v.textTracks[0];
         return { paused: v.paused, time: v.currentTime, error: v.error && v.error.code,
                  ready: v.readyState, kind: t.kind, lang: t.srclang,
                  trackReady: t.readyState, mode: tt && tt.mode,
                  cues: tt && tt.cues ? tt.cues.length : 0,
                  active: tt && tt.activeCues ? [...tt.activeCues].map(c => c.text) : [] };",
        vec![],
    )
    .await
}

/// Waits until `check` holds on the video's state, or fails with the last one seen.
async fn wait_video(
    c: &Client,
    what: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) -> Result<serde_json::Value, CmdError> {
    let start = Instant::now();
    loop {
        let s = video_state(c).await?;
        if check(&s) {
            return Ok(s);
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{what}: {s}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_employer_plays_a_portrait_with_captions_and_asks_to_meet_and_the_counselor_sees_it() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;

        // The list employers read: the demo's two pépites, each with its page.
        c.goto(&format!("{base}/pepites")).await?;
        let h1 = c.find(Locator::Css("main h1")).await?.text().await?;
        assert!(h1.contains("pépites"), "{h1}");
        let robots = c
            .find(Locator::Css("meta[name='robots']"))
            .await?
            .attr("content")
            .await?;
        assert_eq!(robots.as_deref(), Some("noindex"));
        fits_the_phone(&c, "/pepites").await?;
        let link = c.find(Locator::Css("main a[href^='/pepites/']")).await?;
        let href = link.attr("href").await?.unwrap_or_default();
        click_and_load(&c, link).await?;
        assert!(c.current_url().await?.as_str().ends_with(&href), "{href}");
        let name = c.find(Locator::Css("main h1")).await?.text().await?;
        let first_name = name.split(',').next().unwrap_or_default().to_owned();
        assert!(!first_name.is_empty(), "{name}");

        // The captions track is French, loaded and shown; the transcript is under the video.
        let s = wait_video(&c, "captions loaded", |s| {
            s["trackReady"] == 2 && s["cues"].as_u64().unwrap_or(0) > 0
        })
        .await?;
        assert_eq!(s["kind"], "captions", "{s}");
        assert_eq!(s["lang"], "fr", "{s}");
        assert_eq!(s["mode"], "showing", "{s}");
        let transcript = c.find(Locator::Css(".transcript")).await?.text().await?;
        assert!(transcript.contains("Bonjour"), "{transcript}");
        fits_the_phone(&c, "a portrait").await?;
        let width = c
            .execute(
                "return document.querySelector('video.pepite-video').getBoundingClientRect().width",
                vec![],
            )
            .await?;
        assert!(
            width.as_f64().unwrap_or(999.0) <= f64::from(PHONE.0),
            "the video fits the phone: {width}"
        );

        // Played with a click: time goes on, the first caption shows.
        let video = c.find(Locator::Css("video.pepite-video")).await?;
        video.click().await?;
        let s = wait_video(&c, "played with a click", |s| {
            s["time"].as_f64().unwrap_or(0.0) > 0.5
        })
        .await?;
        assert_eq!(s["error"], serde_json::Value::Null, "{s}");
        let s = wait_video(&c, "a caption shows", |s| {
            s["active"].as_array().is_some_and(|a| !a.is_empty())
        })
        .await?;
        assert!(s["active"].to_string().contains(&first_name), "{s}");
        screenshot(&c, "pepite-telephone").await;
        c.execute(
            "const v = document.querySelector('video.pepite-video'); v.pause(); v.currentTime = 0;",
            vec![],
        )
        .await?;

        // With the keyboard alone: Tab from the top of the page reaches the player, and the
        // space bar plays it, then pauses it.
        c.goto(&format!("{base}{href}")).await?;
        let mut reached = false;
        for _ in 0..40 {
            press(&c, Key::Tab.into()).await?;
            let on = c
                .execute(
                    "return document.activeElement && document.activeElement.matches('video.pepite-video')",
                    vec![],
                )
                .await?;
            if on == serde_json::Value::Bool(true) {
                reached = true;
                break;
            }
        }
        assert!(reached, "Tab reaches the video player");
        press(&c, Key::Space.into()).await?;
        let s = wait_video(&c, "played with the space bar", |s| {
            s["paused"] == false && s["time"].as_f64().unwrap_or(0.0) > 0.3
        })
        .await?;
        assert_eq!(s["mode"], "showing", "{s}");
        press(&c, Key::Space.into()).await?;
        let paused = wait_video(&c, "paused with the space bar", |s| s["paused"] == true).await?;
        let at = paused["time"].as_f64().unwrap_or(0.0);
        tokio::time::sleep(Duration::from_millis(600)).await;
        let still = video_state(&c).await?;
        assert_eq!(still["time"].as_f64(), Some(at), "stays paused: {still}");

        // « Je souhaite rencontrer … »: the counselor's answer, never the young person's
        // contact.
        let title = c.find(Locator::Id("rencontrer")).await?.text().await?;
        assert_eq!(title, format!("Je souhaite rencontrer {first_name}"));
        for (id, value) in [
            ("entreprise", "Boulangerie du Perche"),
            ("commune", "Mortagne-au-Perche"),
            ("nom", "Claire Martin"),
            ("telephone", "06 12 34 56 78"),
            ("message", "Nous cherchons une apprentie pour la rentrée, venez nous voir."),
        ] {
            c.find(Locator::Id(id)).await?.send_keys(value).await?;
        }
        assert_eq!(small_fields(&c).await?, serde_json::json!([]), "request fields");
        navigate(&c, Locator::Css("form[action$='/rencontrer#rencontrer'] button")).await?;
        let notice = c.find(Locator::Css(".notice")).await?.text().await?;
        assert!(notice.contains("votre demande est partie"), "{notice}");
        fits_the_phone(&c, "request sent").await?;

        // The counselor signs in and finds it, with the employer's contact.
        c.goto(&format!("{base}/connexion?suite=/gestion/pepites"))
            .await?;
        sign_in(&c, "conseil@ml.example").await?;
        assert!(
            c.current_url().await?.path().ends_with("/gestion/pepites"),
            "{}",
            c.current_url().await?
        );
        let requests = c.find(Locator::Css("#demandes + ul")).await?.text().await?;
        assert!(
            requests.contains("Boulangerie du Perche")
                && requests.contains("0612345678")
                && requests.contains(&first_name),
            "{requests}"
        );
        fits_the_phone(&c, "/gestion/pepites").await?;
        let id = href.trim_start_matches("/pepites/");
        c.goto(&format!("{base}/gestion/pepites/{id}")).await?;
        let detail = c.find(Locator::Css("main")).await?.text().await?;
        assert!(detail.contains("Boulangerie du Perche"), "{detail}");
        fits_the_phone(&c, "a pépite in the back office").await?;
        screenshot(&c, "pepite-gestion-telephone").await;
        for page in ["modifier", "sous-titres"] {
            c.goto(&format!("{base}/gestion/pepites/{id}/{page}")).await?;
            fits_the_phone(&c, page).await?;
        }
        c.goto(&format!("{base}/gestion/pepites/nouvelle")).await?;
        fits_the_phone(&c, "new pépite").await?;
        Ok::<_, CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.unwrap();
}
