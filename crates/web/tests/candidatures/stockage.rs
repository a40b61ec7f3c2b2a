//! CVs in the media storage that instances share: uploaded through one instance, downloaded
//! (ranges included) and mailed through the other, erased everywhere; CVs stored by older
//! versions under their old path still read and erased.

use crate::common::{fields, form, input, multipart};
use crate::support::{Reply, TestApp, backends, s3_media, send_to};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tremplin_mail::{MailConfig, Mailer};
use tremplin_web::AppState;
use tremplin_web::services::media::{Media, MediaKey};

const PDF: &[u8] = b"%PDF-1.4\n% le CV de Lea, assez long pour en demander un morceau\n%%EOF\n";

async fn get(state: &AppState, uri: &str, cookie: &str, range: Option<&str>, head: bool) -> Reply {
    let mut request = Request::builder()
        .method(if head { "HEAD" } else { "GET" })
        .uri(uri)
        .header(header::COOKIE, cookie);
    if let Some(r) = range {
        request = request.header(header::RANGE, r);
    }
    send_to(state, request.body(Body::empty()).unwrap()).await
}

/// Léa applies through `a` with her CV; returns the key it is stored under.
async fn apply_with_cv(a: &TestApp) -> MediaKey {
    let (cookie, csrf) = form(a, 1).await;
    let body = multipart(&fields(&csrf), Some(("mon cv.pdf", PDF)));
    let request = Request::post("/offres/1/postuler")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, body.0)
        .body(Body::from(body.1))
        .unwrap();
    let r = a.raw(request).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stored = a.state.store.applications(10).await.unwrap()[0]
        .cv_path
        .clone()
        .unwrap();
    MediaKey::parse(stored.strip_prefix("media:").expect(&stored)).unwrap()
}

/// Two instances on one database, `a` and `b` each with its own uploads folder, their media
/// in `shared` (built twice, as two servers would).
async fn through_two_instances(backend: &str, a_media: Media, b_media: Media, label: &str) {
    let a = TestApp::with_media(backend, a_media)
        .await
        .and_catalogue()
        .await;
    let b_uploads = tempfile::tempdir().unwrap();
    let b = a.instance_with_media(b_uploads.path(), b_media).await;
    let key = apply_with_cv(&a).await;
    assert!(
        !a.uploads.path().join("cv").exists(),
        "{label}: not in the instance's own folder"
    );

    // Downloaded through B, whole, in part, and its headers alone.
    let (counselor, _) = a.session(tremplin_storage::Role::Conseiller, None).await;
    let uri = "/gestion/candidatures/1/cv";
    let r = get(&b, uri, &counselor, None, false).await;
    assert_eq!(r.status, StatusCode::OK, "{label} {backend}: {}", r.body);
    assert_eq!(r.bytes, PDF, "{label}");
    assert_eq!(r.headers[header::ACCEPT_RANGES], "bytes");
    assert!(
        r.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"CV_L")
    );
    let r = get(&b, uri, &counselor, Some("bytes=9-20"), false).await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT, "{label}");
    assert_eq!(r.bytes, &PDF[9..=20]);
    assert_eq!(
        r.headers[header::CONTENT_RANGE],
        format!("bytes 9-20/{}", PDF.len()).as_str()
    );
    let r = get(&b, uri, &counselor, Some("bytes=500-"), false).await;
    assert_eq!(r.status, StatusCode::RANGE_NOT_SATISFIABLE, "{label}");
    assert_eq!(
        r.headers[header::CONTENT_RANGE],
        format!("bytes */{}", PDF.len()).as_str()
    );
    let r = get(&b, uri, &counselor, None, true).await;
    assert_eq!(r.status, StatusCode::OK, "{label}: HEAD");
    assert!(r.bytes.is_empty());
    assert_eq!(
        r.headers[header::CONTENT_LENGTH],
        PDF.len().to_string().as_str()
    );

    // B's outbox worker sends the employer's e-mail with the CV that A received.
    let dir = tempfile::tempdir().unwrap();
    let mailer = Mailer::new(
        &MailConfig::Folder(dir.path().to_owned()),
        "Tremplin <ne-pas-repondre@ml-test.example>",
    )
    .unwrap();
    let sent = tremplin_web::services::outbox::drain(
        &b.store,
        &b.media,
        &mailer,
        &tremplin_web::SystemClock,
    )
    .await
    .unwrap();
    assert!(sent >= 1, "{label}");
    let employer = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .find(|m| m.contains("To: contact@entreprise.example"))
        .unwrap();
    assert!(
        employer.contains("Content-Type: application/pdf"),
        "{label}: {employer}"
    );

    // Erased through B: gone from the storage both read.
    assert!(a.state.media.size(&key).await.unwrap().is_some());
    let (admin, csrf) = a.session(tremplin_storage::Role::Admin, None).await;
    let body =
        serde_urlencoded::to_string([("csrf", csrf.as_str()), ("email", "lea.martin@exemple.fr")])
            .unwrap();
    let request = Request::post("/gestion/personnes/effacer")
        .header(header::COOKIE, &admin)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(send_to(&b, request).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        a.state.media.size(&key).await.unwrap(),
        None,
        "{label}: erased"
    );
    assert_eq!(b.media.get(&key).await.unwrap(), None, "{label}: erased");
    assert_eq!(
        get(&a.state, uri, &counselor, None, false).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn two_instances_share_a_media_folder() {
    for backend in backends() {
        let shared = tempfile::tempdir().unwrap();
        through_two_instances(
            backend,
            Media::local(shared.path()),
            Media::local(shared.path()),
            "folder",
        )
        .await;
    }
}

#[tokio::test]
async fn two_instances_share_a_bucket() {
    for backend in backends() {
        let Some((a, settings)) = s3_media() else {
            return;
        };
        let b = Media::s3(&settings).unwrap();
        through_two_instances(backend, a, b, "s3").await;
    }
}

/// A CV written by an older version: an absolute path under its data folder.
async fn legacy_application(app: &TestApp, path: &std::path::Path) {
    let cv = tremplin_storage::Attachment {
        path: path.to_string_lossy().into_owned(),
        name: "cv.pdf".into(),
        content_type: "application/pdf".into(),
    };
    app.state
        .store
        .create_application(
            1,
            &input(),
            Some(&cv),
            "f",
            "e",
            None,
            crate::support::now(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn cvs_stored_by_older_versions_are_still_served_and_erased() {
    // Read at their old path, ranges included; erased there.
    let old = tempfile::tempdir().unwrap();
    let shared = tempfile::tempdir().unwrap();
    let app = TestApp::with_media("sqlite", Media::local(shared.path()))
        .await
        .and_catalogue()
        .await;
    std::fs::create_dir_all(old.path().join("cv")).unwrap();
    let path = old.path().join("cv/0a1b2c.pdf");
    std::fs::write(&path, PDF).unwrap();
    legacy_application(&app, &path).await;
    let (counselor, _) = app.session(tremplin_storage::Role::Conseiller, None).await;
    let uri = "/gestion/candidatures/1/cv";
    let r = get(&app.state, uri, &counselor, None, false).await;
    assert_eq!((r.status, r.bytes.as_slice()), (StatusCode::OK, PDF));
    let r = get(&app.state, uri, &counselor, Some("bytes=-6"), false).await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes, &PDF[PDF.len() - 6..]);
    tremplin_web::services::uploads::delete_cv(&app.state.media, &path.to_string_lossy()).await;
    assert!(!path.exists(), "erased at its old path");

    // Once an administrator has copied the old folder into the shared storage (under cv/),
    // the other instances find it there by its name.
    let app = TestApp::with_media("sqlite", Media::local(shared.path()))
        .await
        .and_catalogue()
        .await;
    legacy_application(
        &app,
        std::path::Path::new("/ailleurs/uploads/cv/3d4e5f.pdf"),
    )
    .await;
    let copied = MediaKey::parse("cv/3d4e5f.pdf").unwrap();
    app.state.media.put(&copied, PDF).await.unwrap();
    let (counselor, _) = app.session(tremplin_storage::Role::Conseiller, None).await;
    let r = get(&app.state, uri, &counselor, None, false).await;
    assert_eq!((r.status, r.bytes.as_slice()), (StatusCode::OK, PDF));
    tremplin_web::services::uploads::delete_cv(&app.state.media, "/ailleurs/uploads/cv/3d4e5f.pdf")
        .await;
    assert_eq!(app.state.media.size(&copied).await.unwrap(), None);
}
