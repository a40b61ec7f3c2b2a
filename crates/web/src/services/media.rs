//! Media files (CVs, videos, posters, captions, generated images): one storage layer that every
//! instance shares. Callers name a file by a [`MediaKey`] and never see where it lives.
//!
//! Today: a local folder (`uploads_dir`). The S3-compatible backend, streaming and HTTP range
//! requests come next (issue #13); the functions below are the seam they will keep.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::path::PathBuf;

/// The name of a stored file: lowercase letters, digits, `-`, `_`, `.` in `/`-separated
/// segments, none empty nor `.`/`..` (so a key can never leave the storage root).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MediaKey(String);

impl MediaKey {
    pub fn parse(raw: &str) -> Option<Self> {
        let ok_segment = |s: &str| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        };
        (raw.len() <= 200 && raw.split('/').all(ok_segment)).then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where media live.
#[derive(Clone, Debug)]
pub struct Media {
    root: PathBuf,
}

impl Media {
    /// Files under a local folder (which several instances may share).
    pub fn local(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, key: &MediaKey) -> PathBuf {
        self.root.join(key.as_str())
    }

    /// Stores `bytes` under `key`, replacing what was there. Written to a temporary name then
    /// renamed, so a reader never sees half a file.
    pub async fn put(&self, key: &MediaKey, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(key);
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let tmp = path.with_extension(format!("part-{}", crate::services::secrets::random_token()));
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await
    }

    /// The whole file, or `None` when there is none.
    pub async fn get(&self, key: &MediaKey) -> std::io::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.path(key)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes the file; a file already gone is not an error.
    pub async fn delete(&self, key: &MediaKey) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path(key)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// How long a browser may keep a served file.
#[derive(Clone, Copy, Debug)]
pub enum Caching {
    /// Personal or unpublished: never kept (`no-store`).
    Private,
    /// Public and immutable under its key (a new version gets a new key).
    Public,
}

/// Answers a request for a stored file: 200 with its body, or 404 in French when it is gone.
/// (Range requests, 206 and 416, come with the streaming backend.)
pub async fn respond(
    media: &Media,
    key: &MediaKey,
    mime: &str,
    _request: &HeaderMap,
    caching: Caching,
) -> Response {
    match media.get(key).await {
        Ok(Some(bytes)) => {
            let cache = match caching {
                Caching::Private => "private, no-store",
                Caching::Public => "public, max-age=31536000, immutable",
            };
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(mime)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            response
        }
        Ok(None) => (StatusCode::NOT_FOUND, "Ce fichier n'existe plus.").into_response(),
        Err(e) => {
            tracing::error!(cause = %e, "fichier illisible");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Ce fichier ne peut pas être lu pour le moment. Réessayez plus tard.",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_inside_the_root() {
        assert!(MediaKey::parse("cv/ab12.pdf").is_some());
        assert!(MediaKey::parse("pepites/3/video.mp4").is_some());
        for bad in [
            "",
            "/etc/passwd",
            "cv/../x",
            "cv//x",
            "CV/x",
            "cv/x y",
            "./x",
            "cv/",
        ] {
            assert!(MediaKey::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn put_get_delete() {
        let dir = tempfile::tempdir().unwrap();
        let media = Media::local(dir.path());
        let key = MediaKey::parse("a/b.txt").unwrap();
        assert_eq!(media.get(&key).await.unwrap(), None);
        media.put(&key, b"bonjour").await.unwrap();
        assert_eq!(
            media.get(&key).await.unwrap().as_deref(),
            Some(&b"bonjour"[..])
        );
        media.delete(&key).await.unwrap();
        media.delete(&key).await.unwrap();
        assert_eq!(media.get(&key).await.unwrap(), None);
    }
}
