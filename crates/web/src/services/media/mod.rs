//! Media files (CVs, videos, posters, captions, generated images): one storage layer that every
//! instance shares. Callers name a file by a [`MediaKey`] and never see where it lives: a local
//! folder (the default, which several instances on one machine or one network share may use),
//! or an S3-compatible bucket (`s3://bucket/prefix`). Files go in from a temporary file and come
//! out as a stream, so a video is never held whole in memory; [`respond`] answers HTTP range
//! requests (206, 416), as phones need to seek in a video.

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

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

/// What is known of a stored file without reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaMeta {
    pub size: u64,
    pub last_modified: Option<DateTime<Utc>>,
    /// A validator, quoted as HTTP wants it (`"…"`).
    pub etag: Option<String>,
}

/// A file's bytes as they arrive.
pub type ByteStream = BoxStream<'static, io::Result<Bytes>>;

/// A value that never prints (the S3 secret key).
#[derive(Clone)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("«masqué»")
    }
}

/// An S3-compatible bucket, from `s3://bucket/prefix` and its settings.
#[derive(Clone, Debug, Default)]
pub struct S3Settings {
    pub bucket: String,
    /// Keys are stored under this folder of the bucket (no leading or trailing `/`).
    pub prefix: String,
    /// Another provider than AWS, or a local server: `https://s3.fr-par.scw.cloud`.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
}

impl S3Settings {
    /// Reads `s3://bucket/prefix`; `None` when the URL is not of that form.
    pub fn from_url(url: &str) -> Option<Self> {
        let rest = url.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = !bucket.is_empty()
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b));
        let prefix = prefix.trim_matches('/');
        let prefix_ok = prefix.is_empty() || MediaKey::parse(prefix).is_some();
        (bucket_ok && prefix_ok).then(|| Self {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            ..Self::default()
        })
    }
}

/// Where media live.
#[derive(Clone)]
pub struct Media {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Local(PathBuf),
    Bucket {
        store: Arc<dyn ObjectStore>,
        prefix: String,
        label: String,
    },
}

impl fmt::Debug for Media {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Parts sent to a bucket at once; a file smaller than this goes in one request.
const PART_BYTES: usize = 8 * 1024 * 1024;
/// Bytes read from a local file at a time, while streaming it out.
const READ_BYTES: usize = 64 * 1024;

fn not_found(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound
}

fn from_store(e: object_store::Error) -> io::Error {
    match e {
        object_store::Error::NotFound { .. } => {
            io::Error::new(io::ErrorKind::NotFound, e.to_string())
        }
        other => io::Error::other(other.to_string()),
    }
}

impl Media {
    /// Files under a local folder (which several instances may share).
    pub fn local(root: impl Into<PathBuf>) -> Self {
        Self {
            backend: Backend::Local(root.into()),
        }
    }

    /// Files in an S3-compatible bucket. Fails, in French, on settings the client refuses.
    pub fn s3(settings: &S3Settings) -> Result<Self, String> {
        // reqwest is built without a default TLS provider (aws-lc builds C): ring is ours.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder =
            object_store::aws::AmazonS3Builder::from_env().with_bucket_name(&settings.bucket);
        if let Some(region) = &settings.region {
            builder = builder.with_region(region);
        }
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(id) = &settings.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(&secret.0);
        }
        let store = builder
            .build()
            .map_err(|e| format!("stockage S3 « s3://{} » refusé : {e}", settings.bucket))?;
        let label = match settings.prefix.as_str() {
            "" => format!("s3://{}", settings.bucket),
            p => format!("s3://{}/{p}", settings.bucket),
        };
        Ok(Self {
            backend: Backend::Bucket {
                store: Arc::new(store),
                prefix: settings.prefix.clone(),
                label,
            },
        })
    }

    /// Where the files are, for the logs (never a secret).
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Local(root) => format!("dossier {}", root.display()),
            Backend::Bucket { label, .. } => label.clone(),
        }
    }

    fn path(root: &Path, key: &MediaKey) -> PathBuf {
        root.join(key.as_str())
    }

    fn object(prefix: &str, key: &MediaKey) -> object_store::path::Path {
        match prefix {
            "" => object_store::path::Path::from(key.as_str()),
            p => object_store::path::Path::from(format!("{p}/{}", key.as_str())),
        }
    }

    /// A temporary name beside `path`, renamed over it once complete.
    fn temporary(path: &Path) -> PathBuf {
        path.with_extension(format!("part-{}", crate::services::secrets::random_token()))
    }

    /// Stores `bytes` under `key`, replacing what was there. A reader never sees half a file.
    pub async fn put(&self, key: &MediaKey, bytes: &[u8]) -> io::Result<()> {
        match &self.backend {
            Backend::Local(root) => {
                let path = Self::path(root, key);
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                let tmp = Self::temporary(&path);
                if let Err(e) = tokio::fs::write(&tmp, bytes).await {
                    let _ = tokio::fs::remove_file(&tmp).await;
                    return Err(e);
                }
                tokio::fs::rename(&tmp, &path).await
            }
            Backend::Bucket { store, prefix, .. } => {
                let payload = PutPayload::from(Bytes::copy_from_slice(bytes));
                store
                    .put(&Self::object(prefix, key), payload)
                    .await
                    .map_err(from_store)?;
                Ok(())
            }
        }
    }

    /// Stores the file at `source` (an upload spooled to a temporary file) under `key`,
    /// without reading it whole into memory: copied then renamed in a folder, sent in parts of
    /// 8 MiB to a bucket. `source` is left in place for the caller to remove.
    pub async fn put_file(&self, key: &MediaKey, source: &Path) -> io::Result<()> {
        match &self.backend {
            Backend::Local(root) => {
                let path = Self::path(root, key);
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                let tmp = Self::temporary(&path);
                if let Err(e) = tokio::fs::copy(source, &tmp).await {
                    let _ = tokio::fs::remove_file(&tmp).await;
                    return Err(e);
                }
                tokio::fs::rename(&tmp, &path).await
            }
            Backend::Bucket { store, prefix, .. } => {
                let location = Self::object(prefix, key);
                let size = tokio::fs::metadata(source).await?.len();
                if size <= PART_BYTES as u64 {
                    let bytes = tokio::fs::read(source).await?;
                    store
                        .put(&location, PutPayload::from(bytes))
                        .await
                        .map_err(from_store)?;
                    return Ok(());
                }
                let upload = store.put_multipart(&location).await.map_err(from_store)?;
                let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
                let mut file = tokio::fs::File::open(source).await?;
                let mut buffer = vec![0u8; 1024 * 1024];
                loop {
                    let n = match file.read(&mut buffer).await {
                        Ok(n) => n,
                        Err(e) => {
                            let _ = writer.abort().await;
                            return Err(e);
                        }
                    };
                    if n == 0 {
                        break;
                    }
                    // At most two parts in flight: memory stays at a few parts, whatever the size.
                    if let Err(e) = writer.wait_for_capacity(2).await {
                        let _ = writer.abort().await;
                        return Err(from_store(e));
                    }
                    writer.write(&buffer[..n]);
                }
                writer.finish().await.map_err(from_store)?;
                Ok(())
            }
        }
    }

    /// The whole file, or `None` when there is none. For small files (a CV to attach to an
    /// e-mail); serve large ones with [`respond`] or [`Media::open`].
    pub async fn get(&self, key: &MediaKey) -> io::Result<Option<Vec<u8>>> {
        let read = match &self.backend {
            Backend::Local(root) => tokio::fs::read(Self::path(root, key)).await,
            Backend::Bucket { store, prefix, .. } => {
                match store.get(&Self::object(prefix, key)).await {
                    Ok(result) => result.bytes().await.map(|b| b.to_vec()).map_err(from_store),
                    Err(e) => Err(from_store(e)),
                }
            }
        };
        match read {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Size, date and validator of the file, or `None` when there is none.
    pub async fn head(&self, key: &MediaKey) -> io::Result<Option<MediaMeta>> {
        let meta = match &self.backend {
            Backend::Local(root) => tokio::fs::metadata(Self::path(root, key))
                .await
                .map(|m| local_meta(&m)),
            Backend::Bucket { store, prefix, .. } => store
                .head(&Self::object(prefix, key))
                .await
                .map(|m| MediaMeta {
                    size: m.size,
                    last_modified: Some(m.last_modified),
                    etag: m.e_tag.map(|t| {
                        if t.starts_with('"') {
                            t
                        } else {
                            format!("\"{t}\"")
                        }
                    }),
                })
                .map_err(from_store),
        };
        match meta {
            Ok(m) => Ok(Some(m)),
            Err(e) if not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The size of the file, or `None` when there is none.
    pub async fn size(&self, key: &MediaKey) -> io::Result<Option<u64>> {
        Ok(self.head(key).await?.map(|m| m.size))
    }

    /// The bytes of `range` (the whole file when `None`) as a stream, or `None` when there is
    /// no file. A range must lie inside the file ([`respond`] checks it against the size).
    pub async fn open(
        &self,
        key: &MediaKey,
        range: Option<Range<u64>>,
    ) -> io::Result<Option<ByteStream>> {
        let opened: io::Result<ByteStream> = match &self.backend {
            Backend::Local(root) => {
                async {
                    let mut file = tokio::fs::File::open(Self::path(root, key)).await?;
                    let reader: Box<dyn tokio::io::AsyncRead + Send + Unpin> = match range {
                        Some(r) => {
                            file.seek(io::SeekFrom::Start(r.start)).await?;
                            Box::new(file.take(r.end.saturating_sub(r.start)))
                        }
                        None => Box::new(file),
                    };
                    Ok(tokio_util::io::ReaderStream::with_capacity(reader, READ_BYTES).boxed())
                }
                .await
            }
            Backend::Bucket { store, prefix, .. } => {
                let options = GetOptions {
                    range: range.map(GetRange::Bounded),
                    ..GetOptions::default()
                };
                match store.get_opts(&Self::object(prefix, key), options).await {
                    Ok(result) => Ok(result.into_stream().map_err(from_store).boxed()),
                    Err(e) => Err(from_store(e)),
                }
            }
        };
        match opened {
            Ok(stream) => Ok(Some(stream)),
            Err(e) if not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes the file; a file already gone is not an error.
    pub async fn delete(&self, key: &MediaKey) -> io::Result<()> {
        let removed = match &self.backend {
            Backend::Local(root) => tokio::fs::remove_file(Self::path(root, key)).await,
            Backend::Bucket { store, prefix, .. } => store
                .delete(&Self::object(prefix, key))
                .await
                .map_err(from_store),
        };
        match removed {
            Err(e) if !not_found(&e) => Err(e),
            _ => Ok(()),
        }
    }
}

fn local_meta(m: &std::fs::Metadata) -> MediaMeta {
    let modified = m.modified().ok().map(DateTime::<Utc>::from);
    let stamp = modified.map_or(0, |t| t.timestamp_nanos_opt().unwrap_or(0));
    MediaMeta {
        size: m.len(),
        last_modified: modified,
        etag: Some(format!("\"{:x}-{:x}\"", m.len(), stamp)),
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

/// What a `Range` header asks of a file of `size` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Wanted {
    /// No range, or one we may ignore (several ranges, bad syntax): the whole file.
    Whole,
    /// Bytes `start..end` (end exclusive).
    Part(Range<u64>),
    /// A well-formed range outside the file: 416.
    Unsatisfiable,
}

/// Reads `bytes=a-b`, `bytes=a-` and `bytes=-n` (RFC 9110, 14.1.2). Several ranges are served
/// whole, which the RFC allows.
pub fn wanted(header: Option<&str>, size: u64) -> Wanted {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    match (first.trim(), last.trim()) {
        ("", suffix) => match number(suffix) {
            None => Wanted::Whole,
            Some(0) => Wanted::Unsatisfiable,
            Some(_) if size == 0 => Wanted::Unsatisfiable,
            Some(n) => Wanted::Part(size.saturating_sub(n)..size),
        },
        (start, "") => match number(start) {
            None => Wanted::Whole,
            Some(s) if s >= size => Wanted::Unsatisfiable,
            Some(s) => Wanted::Part(s..size),
        },
        (start, end) => match (number(start), number(end)) {
            (Some(s), Some(e)) if s <= e => {
                if s >= size {
                    Wanted::Unsatisfiable
                } else {
                    Wanted::Part(s..e.saturating_add(1).min(size))
                }
            }
            _ => Wanted::Whole,
        },
    }
}

/// An HTTP date (`Tue, 01 Dec 2026 10:00:00 GMT`).
fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn unreadable(e: &io::Error) -> Response {
    tracing::error!(cause = %e, "fichier illisible");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "Ce fichier ne peut pas être lu pour le moment. Réessayez plus tard.",
    )
        .into_response()
}

fn gone() -> Response {
    (StatusCode::NOT_FOUND, "Ce fichier n'existe plus.").into_response()
}

/// Answers a request for a stored file, streamed: 200 with the whole file, 206 with the range
/// asked (`Range: bytes=…`), 416 for a range outside it, 304 when the browser's copy is
/// current (`If-None-Match`), 404 in French when it is gone. `Accept-Ranges`, `ETag` and
/// `Last-Modified` on every answer; HEAD gets the same headers (axum drops the body).
pub async fn respond(
    media: &Media,
    key: &MediaKey,
    mime: &str,
    request: &HeaderMap,
    caching: Caching,
) -> Response {
    let meta = match media.head(key).await {
        Ok(Some(meta)) => meta,
        Ok(None) => return gone(),
        Err(e) => return unreadable(&e),
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match caching {
            Caching::Private => "private, no-store",
            Caching::Public => "public, max-age=31536000, immutable",
        }),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(tag) = meta
        .etag
        .as_deref()
        .and_then(|t| HeaderValue::from_str(t).ok())
    {
        headers.insert(header::ETAG, tag);
    }
    let modified = meta.last_modified.map(http_date);
    if let Some(date) = modified
        .as_deref()
        .and_then(|d| HeaderValue::from_str(d).ok())
    {
        headers.insert(header::LAST_MODIFIED, date);
    }
    let text = |name: header::HeaderName| request.get(name).and_then(|v| v.to_str().ok());
    let matches_tag = |list: &str| {
        meta.etag.as_deref().is_some_and(|tag| {
            list.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.trim_start_matches("W/") == tag)
        })
    };
    if text(header::IF_NONE_MATCH).is_some_and(matches_tag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    // `If-Range`: the range only applies to the version the browser already holds part of.
    let range_applies = match text(header::IF_RANGE) {
        None => true,
        Some(v) if v.starts_with('"') || v.starts_with("W/") => matches_tag(v),
        Some(v) => modified.as_deref() == Some(v.trim()),
    };
    let asked = if range_applies {
        text(header::RANGE)
    } else {
        None
    };
    let (status, range) = match wanted(asked, meta.size) {
        Wanted::Whole => (StatusCode::OK, None),
        Wanted::Part(r) => (StatusCode::PARTIAL_CONTENT, Some(r)),
        Wanted::Unsatisfiable => {
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{}", meta.size)) {
                headers.insert(header::CONTENT_RANGE, v);
            }
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                headers,
                "Cette partie du fichier n'existe pas.",
            )
                .into_response();
        }
    };
    let length = range.as_ref().map_or(meta.size, |r| r.end - r.start);
    if let Some(r) = &range
        && let Ok(v) =
            HeaderValue::from_str(&format!("bytes {}-{}/{}", r.start, r.end - 1, meta.size))
    {
        headers.insert(header::CONTENT_RANGE, v);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    let stream = match media.open(key, range).await {
        Ok(Some(stream)) => stream,
        Ok(None) => return gone(),
        Err(e) => return unreadable(&e),
    };
    (status, headers, Body::from_stream(stream)).into_response()
}

/// An image the browsers show, by its first bytes: (extension, type).
pub fn image_kind(b: &[u8]) -> Option<(&'static str, &'static str)> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("jpg", "image/jpeg"))
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("png", "image/png"))
    } else if b.len() > 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some(("webp", "image/webp"))
    } else {
        None
    }
}

/// The media type of a stored key, from the extension Tremplin gave it.
pub fn mime_of(key: &str) -> &'static str {
    match key.rsplit('.').next() {
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        Some("jpg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("vtt") => "text/vtt; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests;
