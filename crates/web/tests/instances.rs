//! Two instances on one database: what one writes, the other finds within two seconds; a
//! session opened on one works on the other; the Thursday edition is published once.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use support::{TestApp, backends, offer};
use tower::ServiceExt;
use tremplin_domain::OfferStatus;
use tremplin_storage::Role;

async fn get(state: &tremplin_web::AppState, uri: &str, cookie: &str) -> (StatusCode, String) {
    let request = Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let response = tremplin_web::router(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn two_instances_stay_in_step() {
    for backend in backends() {
        let a = TestApp::with_catalogue(backend).await;
        let b = a.second_instance().await;
        let (stop, rx) = tokio::sync::watch::channel(false);
        let follower = tokio::spawn(tremplin_web::services::indexer::follow(b.clone(), rx));

        // Written through A, searchable on B within two seconds.
        a.store(
            offer("deux", "Charpentier·ère bois", "61214"),
            OfferStatus::Publiee,
        )
        .await;
        let started = std::time::Instant::now();
        while !get(&b, "/offres?q=charpentier", "")
            .await
            .1
            .contains("Charpentier·ère bois")
        {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(2),
                "{backend}: not on B after 2 s"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }

        // A session opened on A works on B.
        let (cookie, _) = a.session(Role::Conseiller, None).await;
        let (status, body) = get(&b, "/gestion", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
        assert!(body.contains("Cette semaine"));

        // Both run the scheduled work: one edition for the slot.
        let (ea, eb) = tokio::join!(
            tremplin_web::services::editions::tick(&a.state),
            tremplin_web::services::editions::tick(&b)
        );
        let published = [ea.unwrap(), eb.unwrap()].into_iter().flatten().count();
        assert_eq!(published, 1, "{backend}: exactly one instance publishes");
        assert_eq!(a.state.store.editions(10).await.unwrap().len(), 1);

        stop.send(true).unwrap();
        follower.await.unwrap();
    }
}
