//! Uploads streamed to disk: a pépite's video is spooled chunk by chunk, recognised from the
//! file (its index may come last), stored from the file (in a folder, or in parts to a bucket)
//! and served back byte for byte; one over the territory's limit is stopped in French with
//! nothing left in the media folder nor the spool; a body cut short is refused; no 500.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{Reply, TestApp, backends};
use tremplin_storage::Role;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../domain/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// `tiny.mp4` with its `moov` box moved after the `mdat`, as most cameras write it.
fn moov_at_the_end() -> Vec<u8> {
    let mp4 = fixture("tiny.mp4");
    let mut boxes = Vec::new();
    let mut at = 0;
    while at < mp4.len() {
        let size = u32::from_be_bytes(mp4[at..at + 4].try_into().unwrap()) as usize;
        boxes.push(mp4[at..at + size].to_vec());
        at += size;
    }
    let (moov, rest): (Vec<_>, Vec<_>) = boxes.into_iter().partition(|b| &b[4..8] == b"moov");
    rest.into_iter().chain(moov).flatten().collect()
}

const BOUNDARY: &str = "XtremplinX";

fn head(fields: &[(&str, &str)], file: (&str, &str)) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n", file.0, file.1)
            .as_bytes(),
    );
    body
}

fn tail() -> Vec<u8> {
    format!("\r\n--{BOUNDARY}--\r\n").into_bytes()
}

fn post(uri: &str, cookie: &str, body: Body) -> Request<Body> {
    Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .unwrap()
}

/// A file field of `len` bytes sent in chunks of 64 KB as a stream (never built whole here):
/// `start`, then zeros.
fn streamed(csrf: &str, field: &str, start: Vec<u8>, len: usize) -> Body {
    let mut parts = vec![
        head(&[("csrf", csrf)], (field, "portrait.mp4")),
        start.clone(),
    ];
    let mut left = len - start.len();
    while left > 0 {
        let n = left.min(64 * 1024);
        parts.push(vec![0u8; n]);
        left -= n;
    }
    parts.push(tail());
    let chunks = futures_util::stream::iter(
        parts
            .into_iter()
            .map(|p| Ok::<_, std::io::Error>(bytes::Bytes::from(p))),
    );
    Body::from_stream(chunks)
}

fn whole(csrf: &str, field: &str, file: &[u8]) -> Body {
    let mut body = head(&[("csrf", csrf)], (field, "portrait.mp4"));
    body.extend(file);
    body.extend(tail());
    Body::from(body)
}

async fn create(app: &TestApp, cookie: &str, csrf: &str) -> i64 {
    let r = app
        .post_form(
            "/gestion/pepites/nouvelle",
            cookie,
            &[
                ("csrf", csrf),
                ("prenom", "Léa"),
                ("naissance", "2000-03-01"),
                ("titulaires", "2"),
                ("zone", "epci:200068468"),
                ("metier_1", "D1102"),
                ("disponible", "2027-01-04"),
                ("rayon", "20"),
                ("atout_1", "Ponctuelle"),
                ("atout_2", "Souriante"),
                ("atout_3", "Curieuse"),
                ("texte", "J'aime faire du pain depuis toute petite."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers[header::LOCATION].to_str().unwrap();
    to.rsplit('/').next().unwrap().parse().unwrap()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn refused_with(r: &Reply, words: &str) {
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "« {words} »: {}",
        r.body
            .split("<main")
            .nth(1)
            .unwrap_or(&r.body)
            .chars()
            .take(400)
            .collect::<String>()
    );
    let body = r.body.replace("&#39;", "'");
    assert!(body.contains(words), "« {words} » not in {body}");
}

/// Uploads two videos (the fixture, then the same with its index last) and reads them back.
async fn round_trip(app: &TestApp, label: &str, cookie: &str, csrf: &str) {
    let (cookie, csrf) = (cookie.to_owned(), csrf.to_owned());
    let id = create(app, &cookie, &csrf).await;
    let video = format!("/gestion/pepites/{id}/video");
    for bytes in [fixture("tiny.mp4"), moov_at_the_end(), fixture("tiny.webm")] {
        let r = app
            .raw(post(&video, &cookie, whole(&csrf, "video", &bytes)))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        let p = app.state.store.pepite(id).await.unwrap().unwrap();
        assert!(
            (1900..=2100).contains(&p.video_ms.unwrap()),
            "{label}: {:?}",
            p.video_ms
        );
        let back = app
            .get_as(&format!("/gestion/pepites/{id}/apercu/video"), &cookie)
            .await;
        assert_eq!(back.status, StatusCode::OK, "{label}");
        assert!(back.bytes == bytes, "{label}: served back byte for byte");
    }
}

#[tokio::test]
async fn videos_stream_in_and_come_back_byte_for_byte() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        round_trip(&app, backend, &cookie, &csrf).await;
    }
}

#[tokio::test]
async fn videos_stream_into_a_bucket_and_come_back_byte_for_byte() {
    for backend in backends() {
        let Some((media, _)) = support::s3_media() else {
            return;
        };
        let app = TestApp::with_media(backend, media).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        round_trip(&app, &format!("{backend} + s3"), &cookie, &csrf).await;
        // Larger than one part (8 MiB): sent to the bucket in parts, from the spooled file.
        let id = create(&app, &cookie, &csrf).await;
        let mut big = moov_at_the_end();
        let moov_at = big.len() - 1779;
        let moov = big.split_off(moov_at);
        // The `mdat` grows to 9 MB of padding (a player would not play it; recognition reads
        // only the boxes' headers and the index).
        let mdat_at = big.len() - 3661;
        let pad = 9_000_000u32;
        big[mdat_at..mdat_at + 4].copy_from_slice(&(3661 + pad).to_be_bytes());
        big.extend(vec![0u8; pad as usize]);
        big.extend(moov);
        let r = app
            .raw(post(
                &format!("/gestion/pepites/{id}/video"),
                &cookie,
                whole(&csrf, "video", &big),
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let back = app
            .get_as(&format!("/gestion/pepites/{id}/apercu/video"), &cookie)
            .await;
        assert!(back.bytes == big, "{backend}: 9 MB back byte for byte");
    }
}

#[tokio::test]
async fn a_video_over_the_territorys_limit_is_stopped_in_french_and_nothing_is_kept() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let id = create(&app, &cookie, &csrf).await;
        app.state
            .store
            .set_pepite_video_limits(1, 180)
            .await
            .unwrap();
        // 3 MB that start as an MP4: refused for its size, before its end is read.
        let r = app
            .raw(post(
                &format!("/gestion/pepites/{id}/video"),
                &cookie,
                streamed(
                    &csrf,
                    "video",
                    fixture("tiny.mp4")[..64].to_vec(),
                    3_000_000,
                ),
            ))
            .await;
        refused_with(
            &r,
            "Cette vidéo pèse plus de 1 Mo, le maximum sur ce territoire",
        );
        assert!(
            walk(app.uploads.path()).is_empty(),
            "{backend}: nothing in the media folder nor the spool: {:?}",
            walk(app.uploads.path())
        );
        let p = app.state.store.pepite(id).await.unwrap().unwrap();
        assert!(p.video_key.is_none(), "{backend}");
        // Just under the limit, a real video passes.
        let r = app
            .raw(post(
                &format!("/gestion/pepites/{id}/video"),
                &cookie,
                whole(&csrf, "video", &fixture("tiny.mp4")),
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        // A limit set above what the route reads is held at the most a territory may set.
        app.state
            .store
            .set_pepite_video_limits(100_000, 180)
            .await
            .unwrap();
        let limits = tremplin_web::services::pepites::limits(&app.state)
            .await
            .unwrap();
        assert_eq!(limits.max_bytes, 400_000_000);
    }
}

#[tokio::test]
async fn an_upload_cut_short_or_malformed_is_refused_in_french_without_a_500() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let id = create(&app, &cookie, &csrf).await;
        let video = format!("/gestion/pepites/{id}/video");
        // The file itself cut in half: its boxes run past its end.
        let r = app
            .raw(post(
                &video,
                &cookie,
                whole(&csrf, "video", &fixture("truncated.mp4")),
            ))
            .await;
        refused_with(&r, "incomplète");
        // The body cut in the middle of the file (the connection dropped): no closing boundary.
        let mut cut = head(&[("csrf", &csrf)], ("video", "portrait.mp4"));
        cut.extend(&fixture("tiny.mp4")[..3000]);
        let r = app.raw(post(&video, &cookie, Body::from(cut))).await;
        refused_with(&r, "mal formé ou incomplet");
        // Not multipart at all, a text field of 2 MB, an empty file: French, never a 500.
        let r = app
            .raw(
                Request::post(&video)
                    .header(header::COOKIE, &cookie)
                    .header(header::CONTENT_TYPE, "multipart/form-data")
                    .body(Body::from("rien"))
                    .unwrap(),
            )
            .await;
        refused_with(&r, "mal formé");
        let long = "x".repeat(2_000_000);
        let mut body = head(&[("csrf", &csrf), ("note", &long)], ("video", "v.mp4"));
        body.extend(tail());
        let r = app.raw(post(&video, &cookie, Body::from(body))).await;
        refused_with(&r, "mal formé");
        let r = app
            .raw(post(&video, &cookie, whole(&csrf, "video", b"")))
            .await;
        refused_with(&r, "Choisissez le fichier de la vidéo");
        assert!(
            walk(app.uploads.path()).is_empty(),
            "{backend}: {:?}",
            walk(app.uploads.path())
        );
        assert!(
            app.state
                .store
                .pepite(id)
                .await
                .unwrap()
                .unwrap()
                .video_key
                .is_none()
        );
    }
}
