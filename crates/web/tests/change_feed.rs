//! The change feed cannot be skipped. One transaction (an edition, a re-centring) gives every
//! offer it touches the same revision, however many more than the indexer reads at a time:
//! each instance's index still gets all of them, following the feed or rebuilding. A company
//! renamed is found under its new name everywhere.

mod support;

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use support::{TestApp, backends, now, offer};
use tower::ServiceExt;
use tremplin_domain::{CodeInsee, OfferStatus, Siret};
use tremplin_search::SearchQuery;
use tremplin_storage::CompanyRecord;
use tremplin_storage::testing::copy_offer;
use tremplin_web::AppState;
use tremplin_web::services::indexer;

/// How many offers this instance's index finds for `text` (every listed one for "").
fn found(state: &AppState, text: &str) -> usize {
    state
        .index
        .search(&SearchQuery {
            text: text.into(),
            limit: 1,
            ..SearchQuery::default()
        })
        .unwrap()
        .total
}

/// What the JSON API answers `uri` on this instance.
async fn api(state: &AppState, uri: &str) -> serde_json::Value {
    let response = tremplin_web::router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).unwrap()
}

/// The total the JSON API lists on this instance.
async fn api_total(state: &AppState) -> i64 {
    api(state, "/api/v1/offers?per_page=1").await["total"]
        .as_i64()
        .unwrap()
}

/// The titles the JSON search lists on this instance for `q`.
async fn api_titles(state: &AppState, q: &str) -> Vec<String> {
    api(state, &format!("/api/v1/offers?q={q}")).await["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap().to_owned())
        .collect()
}

/// One round of the follower on this instance.
async fn follow_once(state: &AppState) {
    indexer::catch_up(state).await.unwrap();
    state.set_index_ready();
}

#[tokio::test]
async fn an_edition_larger_than_a_batch_reaches_every_instance() {
    for backend in backends() {
        let a = TestApp::new(backend).await;
        let b = a.second_instance().await;
        let template = a
            .store(
                offer("e0", "Boulanger/Boulangère", "61214"),
                OfferStatus::AValider,
            )
            .await;
        // 5 000 offers validated for Thursday: 2.5 batches of the follower.
        copy_offer(&a.state.store, template, 4_999, "e")
            .await
            .unwrap();
        a.sync().await;
        follow_once(&b).await;
        assert_eq!(found(&b, ""), 0, "{backend}: not published yet");

        let edition = a
            .state
            .store
            .publish_edition("2026-11-26T09:00:00+01:00", now(), None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(edition.entries.len(), 5_000, "{backend}");
        a.sync().await;
        follow_once(&b).await;
        for (name, state) in [("A", &a.state), ("B", &b)] {
            assert_eq!(
                found(state, ""),
                5_000,
                "{backend}, instance {name}: search"
            );
            assert_eq!(
                api_total(state).await,
                5_000,
                "{backend}, instance {name}: API"
            );
            assert_eq!(
                state.index.indexed_revision(),
                a.state.store.current_revision().await.unwrap(),
                "{backend}, instance {name}: the index ends at the edition's revision"
            );
        }
    }
}

#[tokio::test]
async fn a_rebuild_reads_a_revision_larger_than_its_page() {
    for backend in backends() {
        let a = TestApp::new(backend).await;
        let template = a
            .store(
                offer("r0", "Boulanger/Boulangère", "61214"),
                OfferStatus::Publiee,
            )
            .await;
        // More offers under one revision than a rebuild reads at a time (10 000).
        copy_offer(&a.state.store, template, 10_500, "r")
            .await
            .unwrap();

        let b = a.second_instance().await;
        let indexed = indexer::rebuild(&b.store, &b.index, &b.refs).await.unwrap();
        assert_eq!(indexed, 10_501, "{backend}");
        assert_eq!(found(&b, ""), 10_501, "{backend}");
        assert_eq!(
            b.index.indexed_revision(),
            a.state.store.current_revision().await.unwrap(),
            "{backend}"
        );

        // And the rebuilt index follows on from there.
        a.state
            .store
            .set_offer_status(template, OfferStatus::Retiree, now())
            .await
            .unwrap();
        follow_once(&b).await;
        assert_eq!(found(&b, ""), 10_500, "{backend}");
    }
}

#[tokio::test]
async fn a_renamed_company_is_found_under_its_new_name() {
    for backend in backends() {
        let a = TestApp::new(backend).await;
        let b = a.second_instance().await;
        let siret = Siret::parse("12345678000014").unwrap();
        let mut input = offer("c1", "Carrossier·ère", "61214");
        input.siret = Some(siret.clone());
        input.company_name = "Garage Vauquelin".into();
        a.store(input, OfferStatus::Publiee).await;
        a.sync().await;
        follow_once(&b).await;
        assert_eq!(found(&b, "vauquelin"), 1, "{backend}");

        a.state
            .store
            .save_company(
                &CompanyRecord {
                    siret,
                    name: "Carrosserie Ozanam".into(),
                    naf: None,
                    commune: CodeInsee::parse("61214").unwrap(),
                    address: None,
                    contacts: vec![],
                },
                now(),
            )
            .await
            .unwrap();
        a.sync().await;
        follow_once(&b).await;
        for (name, state) in [("A", &a.state), ("B", &b)] {
            assert_eq!(found(state, "ozanam"), 1, "{backend}, instance {name}");
            assert_eq!(found(state, "vauquelin"), 0, "{backend}, instance {name}");
        }
    }
}

/// A database restored from an older backup: its revisions went back below the index's. The
/// index is rebuilt from it, then follows its changes again.
#[tokio::test]
async fn an_index_ahead_of_a_restored_database_is_rebuilt() {
    for backend in backends() {
        let a = TestApp::with_catalogue(backend).await;
        let ahead = a.state.store.current_revision().await.unwrap() + 1_000;
        // Offers the restored database no longer has, under revisions it never reached.
        a.state.index.apply(&[], &[], ahead).unwrap();
        assert!(
            !indexer::realign(&a.state.store, &a.state.index, &a.state.refs)
                .await
                .is_err()
        );
        assert_eq!(
            a.state.index.indexed_revision(),
            a.state.store.current_revision().await.unwrap(),
            "{backend}: back in step with the database"
        );
        assert_eq!(found(&a.state, ""), 3, "{backend}");
        // And the next change is followed, not skipped.
        a.publish(offer("n1", "Vendeur/Vendeuse en boulangerie", "61214"), 0)
            .await;
        follow_once(&a.state).await;
        assert_eq!(found(&a.state, "vendeur"), 1, "{backend}");
        // In step: nothing to do.
        assert!(
            !indexer::realign(&a.state.store, &a.state.index, &a.state.refs)
                .await
                .unwrap()
        );
    }
}

/// Results read their offers from a copy each instance keeps between requests: an offer
/// changed, then withdrawn, on one instance is listed as it now is on both once their feed
/// round has run.
#[tokio::test]
async fn results_list_an_offer_as_changed_on_any_instance() {
    for backend in backends() {
        let a = TestApp::new(backend).await;
        let b = a.second_instance().await;
        let id = a
            .store(
                offer("k1", "Boulanger/Boulangère", "61214"),
                OfferStatus::Publiee,
            )
            .await;
        let both = || async {
            a.sync().await;
            follow_once(&b).await;
        };
        both().await;
        for state in [&a.state, &b] {
            assert_eq!(
                api_titles(state, "boulanger").await,
                ["Boulanger/Boulangère"],
                "{backend}"
            );
        }
        // The same offer again from its source, with a new title.
        a.store(
            offer("k1", "Boulanger/Boulangère de nuit", "61214"),
            OfferStatus::Publiee,
        )
        .await;
        both().await;
        for state in [&a.state, &b] {
            assert_eq!(
                api_titles(state, "boulanger").await,
                ["Boulanger/Boulangère de nuit"],
                "{backend}: the copy kept follows the feed"
            );
        }
        a.state
            .store
            .set_offer_status(id, OfferStatus::Retiree, now())
            .await
            .unwrap();
        both().await;
        for state in [&a.state, &b] {
            assert!(api_titles(state, "boulanger").await.is_empty(), "{backend}");
        }
    }
}
