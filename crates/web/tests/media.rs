//! The media storage's contract, the same for a local folder and an S3-compatible bucket (a
//! local moto server): put, get, streamed ranges, files larger than one part, delete; and
//! `respond`'s answers to range and conditional requests, byte for byte.

mod support;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use futures_util::TryStreamExt;
use tremplin_web::services::media::{Caching, Media, MediaKey, respond};

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

async fn read(media: &Media, key: &MediaKey, range: Option<std::ops::Range<u64>>) -> Vec<u8> {
    let stream = media.open(key, range).await.unwrap().expect("a file");
    let chunks: Vec<bytes::Bytes> = stream.try_collect().await.unwrap();
    chunks.concat()
}

async fn contract(media: &Media, label: &str) {
    let key = MediaKey::parse("essais/a.bin").unwrap();
    assert_eq!(media.get(&key).await.unwrap(), None, "{label}");
    assert_eq!(media.head(&key).await.unwrap(), None, "{label}");
    assert!(media.open(&key, None).await.unwrap().is_none(), "{label}");

    let small = pattern(256_000);
    media.put(&key, &small).await.unwrap();
    assert_eq!(
        media.get(&key).await.unwrap().as_deref(),
        Some(&small[..]),
        "{label}"
    );
    assert_eq!(media.size(&key).await.unwrap(), Some(256_000), "{label}");
    assert!(
        media.head(&key).await.unwrap().unwrap().etag.is_some(),
        "{label}"
    );
    assert_eq!(
        read(media, &key, Some(10..20)).await,
        &small[10..20],
        "{label}"
    );
    assert_eq!(read(media, &key, None).await, small, "{label}");
    media.put(&key, b"remplace").await.unwrap();
    assert_eq!(
        media.get(&key).await.unwrap().as_deref(),
        Some(&b"remplace"[..]),
        "{label}"
    );

    // From a spooled upload larger than one part (8 MiB): sent in parts to a bucket.
    let big = pattern(9 * 1024 * 1024 + 3);
    let spool = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(spool.path(), &big).unwrap();
    let video = MediaKey::parse("essais/video.mp4").unwrap();
    media.put_file(&video, spool.path()).await.unwrap();
    assert!(
        spool.path().exists(),
        "{label}: the caller's file is left alone"
    );
    assert_eq!(
        media.size(&video).await.unwrap(),
        Some(big.len() as u64),
        "{label}"
    );
    let edge = 8 * 1024 * 1024;
    assert_eq!(
        read(media, &video, Some(edge - 5..edge + 5)).await,
        &big[edge as usize - 5..edge as usize + 5],
        "{label}: across the parts"
    );
    assert_eq!(read(media, &video, None).await, big, "{label}");

    media.delete(&key).await.unwrap();
    media.delete(&key).await.unwrap();
    media.delete(&video).await.unwrap();
    assert_eq!(media.get(&key).await.unwrap(), None, "{label}");
    assert_eq!(media.head(&video).await.unwrap(), None, "{label}");
}

#[tokio::test]
async fn a_local_folder_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let media = Media::local(dir.path().join("pas-encore-cree"));
    contract(&media, "folder").await;
    // Nothing left behind: no temporary part files.
    let left: Vec<_> = walk(&dir.path().join("pas-encore-cree"));
    assert!(left.is_empty(), "{left:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test]
async fn an_s3_bucket_keeps_the_contract() {
    let Some((media, settings)) = support::s3_media() else {
        return;
    };
    contract(&media, "s3").await;
    // Under its prefix: another prefix of the same bucket does not see the files.
    let key = MediaKey::parse("essais/b.txt").unwrap();
    media.put(&key, b"bonjour").await.unwrap();
    let mut other = settings.clone();
    other.prefix = "autre".into();
    let other = Media::s3(&other).unwrap();
    assert_eq!(other.get(&key).await.unwrap(), None);
    assert_eq!(
        Media::s3(&settings)
            .unwrap()
            .get(&key)
            .await
            .unwrap()
            .as_deref(),
        Some(&b"bonjour"[..])
    );
    assert!(
        !format!("{media:?}").contains("moto-secret"),
        "no secret printed: {media:?}"
    );
    assert!(
        !format!("{settings:?}").contains("moto-secret"),
        "{settings:?}"
    );
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

async fn ask(
    media: &Media,
    key: &MediaKey,
    request: &[(header::HeaderName, &str)],
    caching: Caching,
) -> Answer {
    let mut headers = HeaderMap::new();
    for (name, value) in request {
        headers.insert(name.clone(), HeaderValue::from_str(value).unwrap());
    }
    let response = respond(media, key, "video/mp4", &headers, caching).await;
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

async fn ranges(media: &Media, label: &str) {
    let body = pattern(100);
    let key = MediaKey::parse("pepites/1/video.mp4").unwrap();
    media.put(&key, &body).await.unwrap();
    let h = |a: &Answer, name: header::HeaderName| {
        a.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };

    let a = ask(media, &key, &[], Caching::Private).await;
    assert_eq!((a.status, &a.body), (StatusCode::OK, &body), "{label}");
    assert_eq!(h(&a, header::ACCEPT_RANGES), "bytes", "{label}");
    assert_eq!(h(&a, header::CONTENT_LENGTH), "100", "{label}");
    assert_eq!(h(&a, header::CONTENT_TYPE), "video/mp4", "{label}");
    assert_eq!(h(&a, header::CACHE_CONTROL), "private, no-store", "{label}");
    assert!(h(&a, header::LAST_MODIFIED).ends_with(" GMT"), "{label}");
    let etag = h(&a, header::ETAG);
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "{label}: {etag}"
    );

    let a = ask(
        media,
        &key,
        &[(header::RANGE, "bytes=10-19")],
        Caching::Public,
    )
    .await;
    assert_eq!(
        (a.status, &a.body[..]),
        (StatusCode::PARTIAL_CONTENT, &body[10..20]),
        "{label}"
    );
    assert_eq!(h(&a, header::CONTENT_RANGE), "bytes 10-19/100", "{label}");
    assert_eq!(h(&a, header::CONTENT_LENGTH), "10", "{label}");
    assert_eq!(
        h(&a, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable",
        "{label}"
    );

    let a = ask(
        media,
        &key,
        &[(header::RANGE, "bytes=95-")],
        Caching::Public,
    )
    .await;
    assert_eq!(
        (a.status, &a.body[..]),
        (StatusCode::PARTIAL_CONTENT, &body[95..]),
        "{label}"
    );
    assert_eq!(h(&a, header::CONTENT_RANGE), "bytes 95-99/100", "{label}");
    let a = ask(media, &key, &[(header::RANGE, "bytes=-3")], Caching::Public).await;
    assert_eq!(
        (a.status, &a.body[..]),
        (StatusCode::PARTIAL_CONTENT, &body[97..]),
        "{label}"
    );
    let a = ask(
        media,
        &key,
        &[(header::RANGE, "bytes=90-1000")],
        Caching::Public,
    )
    .await;
    assert_eq!(h(&a, header::CONTENT_RANGE), "bytes 90-99/100", "{label}");

    for out in ["bytes=100-", "bytes=100-200", "bytes=-0"] {
        let a = ask(media, &key, &[(header::RANGE, out)], Caching::Public).await;
        assert_eq!(a.status, StatusCode::RANGE_NOT_SATISFIABLE, "{label} {out}");
        assert_eq!(h(&a, header::CONTENT_RANGE), "bytes */100", "{label} {out}");
    }
    for whole in ["bytes=5-2", "bytes=0-1,5-6", "lignes=1-2"] {
        let a = ask(media, &key, &[(header::RANGE, whole)], Caching::Public).await;
        assert_eq!(
            (a.status, &a.body),
            (StatusCode::OK, &body),
            "{label} {whole}"
        );
    }

    // The browser's copy is current: 304; a range of another version: the whole file.
    let a = ask(
        media,
        &key,
        &[(header::IF_NONE_MATCH, &etag)],
        Caching::Public,
    )
    .await;
    assert_eq!(
        (a.status, a.body.len()),
        (StatusCode::NOT_MODIFIED, 0),
        "{label}"
    );
    let a = ask(
        media,
        &key,
        &[(header::RANGE, "bytes=0-1"), (header::IF_RANGE, &etag)],
        Caching::Public,
    )
    .await;
    assert_eq!(
        (a.status, &a.body[..]),
        (StatusCode::PARTIAL_CONTENT, &body[..2]),
        "{label}"
    );
    let a = ask(
        media,
        &key,
        &[
            (header::RANGE, "bytes=0-1"),
            (header::IF_RANGE, "\"autre\""),
        ],
        Caching::Public,
    )
    .await;
    assert_eq!((a.status, &a.body), (StatusCode::OK, &body), "{label}");

    media.delete(&key).await.unwrap();
    let a = ask(
        media,
        &key,
        &[(header::RANGE, "bytes=0-1")],
        Caching::Public,
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{label}");
    assert_eq!(
        String::from_utf8_lossy(&a.body),
        "Ce fichier n'existe plus."
    );
}

#[tokio::test]
async fn ranges_from_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    ranges(&Media::local(dir.path()), "folder").await;
}

#[tokio::test]
async fn ranges_from_a_bucket() {
    let Some((media, _)) = support::s3_media() else {
        return;
    };
    ranges(&media, "s3").await;
}

#[tokio::test]
async fn keys_that_try_to_leave_the_storage_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("media");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(dir.path().join("secret.txt"), b"hors du stockage").unwrap();
    for bad in [
        "../secret.txt",
        "a/../../secret.txt",
        "/etc/passwd",
        "..",
        "a/./b",
        "a\\..\\secret.txt",
        "%2e%2e/secret.txt",
        "cv//x.pdf",
        "Cv/x.pdf",
        "cv/x.pdf\0",
        "",
    ] {
        assert!(MediaKey::parse(bad).is_none(), "{bad:?}");
    }
    assert!(MediaKey::parse(&"a".repeat(201)).is_none());
    // The only way in is a key: what a key names is under the root.
    let media = Media::local(&root);
    let key = MediaKey::parse("secret.txt").unwrap();
    assert_eq!(media.get(&key).await.unwrap(), None);
    assert!(tremplin_web::services::media::S3Settings::from_url("s3://seau/../autre").is_none());
}
