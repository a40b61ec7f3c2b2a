//! The Atom feeds, read back with a feed parser: the editions, a search's offers, and the
//! pages that announce them.

mod support;

use axum::http::{StatusCode, header};
use chrono::Datelike;
use feed_rs::model::{Feed, FeedType};
use support::{TestApp, backends, now, offer};
use tremplin_domain::OfferStatus;

const BASE: &str = "https://tremplin.example";

fn parse(body: &str) -> Feed {
    feed_rs::parser::parse(body.as_bytes()).unwrap_or_else(|e| panic!("not a feed ({e}): {body}"))
}

fn text(t: &Option<feed_rs::model::Text>) -> String {
    t.as_ref().map(|t| t.content.clone()).unwrap_or_default()
}

#[tokio::test]
async fn each_edition_is_an_entry_with_its_new_offers() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let empty = parse(&app.get("/editions.atom").await.body);
        assert_eq!(empty.feed_type, FeedType::Atom);
        assert!(empty.entries.is_empty(), "{backend}: no edition yet");
        assert!(
            empty.updated.is_some_and(|u| u.year() >= 2026),
            "a real updated"
        );

        let first = app
            .state
            .store
            .publish_edition("2026-11-26T09:00:00+01:00", now(), None)
            .await
            .unwrap()
            .unwrap();
        // Something new for the second edition, a week later: validated, it goes out with it.
        app.store(
            offer("b9", "Vendeur/Vendeuse en boulangerie", "61214"),
            OfferStatus::AValider,
        )
        .await;
        app.state
            .store
            .publish_edition(
                "2026-12-03T09:00:00+01:00",
                now() + chrono::Duration::days(7),
                None,
            )
            .await
            .unwrap()
            .unwrap();

        let r = app.get("/editions.atom").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/atom+xml"),
            "{backend}"
        );
        let feed = parse(&r.body);
        assert_eq!(feed.id, format!("{BASE}/editions.atom"));
        assert_eq!(feed.entries.len(), 2, "{backend}");
        let (newest, oldest) = (&feed.entries[0], &feed.entries[1]);
        assert_eq!(newest.id, format!("{BASE}/editions/2"), "newest first");
        assert_eq!(oldest.id, format!("{BASE}/editions/{}", first.number));
        assert!(newest.updated > oldest.updated, "{backend}");
        assert!(text(&newest.title).starts_with("Édition n° 2 du"));
        assert_eq!(text(&newest.summary), "1 nouvelle offre d'apprentissage.");
        let content = newest
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap_or_default();
        assert!(
            content.contains("Vendeur/Vendeuse en boulangerie")
                && content.contains(&format!("{BASE}/offres/")),
            "{content}"
        );
        assert_eq!(
            newest.links[0].href,
            format!("{BASE}/editions/2"),
            "the entry links to the edition's page"
        );
        // Ids are stable: the same feed read again says the same.
        let again = parse(&app.get("/editions.atom").await.body);
        let ids = |f: &Feed| f.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&again), ids(&feed));
    }
}

#[tokio::test]
async fn a_search_as_a_feed_newest_first_with_the_pages_parameters() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let all = parse(&app.get("/offres.atom").await.body);
        assert_eq!(all.feed_type, FeedType::Atom);
        // Published 1, 10 and 20 days ago: newest first; the offer awaiting validation is not there.
        let titles: Vec<String> = all.entries.iter().map(|e| text(&e.title)).collect();
        assert_eq!(titles.len(), 3, "{backend}: {titles:?}");
        assert!(titles[0].starts_with("Boulanger/Boulangère – Entreprise Fictive (L'Aigle)"));
        assert!(titles[2].starts_with("Mécanicien(ne) agricole"));
        for e in &all.entries {
            assert!(e.id.starts_with(&format!("{BASE}/offres/")), "{}", e.id);
            assert!(e.updated.is_some_and(|u| u.year() >= 2026));
            assert!(e.published.is_some());
            let summary = text(&e.summary);
            assert!(
                summary.contains("Entreprise Fictive") && summary.contains("apprentissage"),
                "{summary}"
            );
            assert_eq!(e.links[0].href, e.id, "the entry links to the offer's page");
        }

        // The search page's own parameters: near Mortagne-au-Perche, a trade.
        let near = parse(
            &app.get("/offres.atom?q=aide-soignant&commune=Mortagne-au-Perche&rayon=10")
                .await
                .body,
        );
        let titles: Vec<String> = near.entries.iter().map(|e| text(&e.title)).collect();
        assert_eq!(titles.len(), 1, "{backend}: {titles:?}");
        assert!(titles[0].starts_with("Aide-soignant·e"));
        assert!(
            text(&near.title).contains("Mortagne-au-Perche"),
            "{}",
            text(&near.title)
        );
        assert!(
            text(&near.entries[0].summary).contains("km"),
            "distance from the commune"
        );

        // A search the page would refuse is refused here too, in French.
        let bad = app.get("/offres.atom?commune=zzzzzz").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{backend}");
    }
}

#[tokio::test]
async fn at_most_fifty_offers() {
    let app = TestApp::new("sqlite").await;
    for i in 0..55 {
        app.publish(
            offer(&format!("n{i}"), &format!("Offre n° {i}"), "61214"),
            i % 30,
        )
        .await;
    }
    app.sync().await;
    let feed = parse(&app.get("/offres.atom").await.body);
    assert_eq!(feed.entries.len(), 50);
}

#[tokio::test]
async fn home_results_and_editions_announce_their_feed() {
    let app = TestApp::with_catalogue("sqlite").await;
    for (page, feed) in [
        ("/", "/editions.atom"),
        ("/editions", "/editions.atom"),
        ("/offres?q=boulanger", "/offres.atom?q=boulanger"),
    ] {
        let body = app.get(page).await.body;
        assert!(
            body.contains(&format!(
                "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{}\" href=\"{feed}",
                if feed == "/editions.atom" {
                    "Les éditions du jeudi"
                } else {
                    "Les offres de cette recherche"
                }
            )),
            "{page}"
        );
    }
    // An offer's page has nothing to announce.
    assert!(
        !app.get("/offres/1")
            .await
            .body
            .contains("application/atom+xml")
    );
}
