//! Every upload (a pépite's video, poster or captions, a CV) arrives through [`receive`]: a
//! multipart form read as it comes in. Its text fields are small and capped; its one file field
//! is written chunk by chunk to a temporary file, counted, and stopped as soon as it passes its
//! cap (the file is removed at once, nothing is kept). Memory stays at a few chunks whatever
//! the file's size; what reads the file afterwards (recognition, ffmpeg, the media storage)
//! reads it from disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{AppState, WebError};

/// A text field longer than this is not one of our forms'.
const MAX_TEXT_BYTES: usize = 64 * 1024;
/// All the text fields of a form together.
const MAX_TEXTS_BYTES: usize = 1024 * 1024;

/// Where uploads are spooled: a hidden folder of the local media folder (a data folder, on a
/// disk: `/tmp` is often in memory). A dot never starts a media key, so no key reaches it.
pub fn spool_dir(state: &AppState) -> PathBuf {
    state.config.uploads_dir.join(".envois")
}

/// An uploaded file, complete, in a temporary file removed when this is dropped.
#[derive(Debug)]
pub struct Spooled {
    path: tempfile::TempPath,
    pub size: u64,
}

impl Spooled {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its first `n` bytes (fewer when the file is shorter).
    pub async fn head(&self, n: usize) -> std::io::Result<Vec<u8>> {
        let file = tokio::fs::File::open(self.path()).await?;
        let mut out = Vec::with_capacity(n);
        file.take(n as u64).read_to_end(&mut out).await?;
        Ok(out)
    }

    /// The whole file: only for small ones, whose cap is small (a CV, captions).
    pub async fn bytes(&self) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.path()).await
    }
}

/// What came in the file field.
#[derive(Debug)]
pub enum FileField {
    /// No file chosen (or an empty one).
    Absent,
    Kept(Spooled),
    /// Over its cap: reading stopped there, and nothing was kept.
    TooLarge,
}

/// A multipart form: its text fields, and its file field.
#[derive(Debug)]
pub struct Received {
    pub values: HashMap<String, String>,
    pub file: FileField,
}

impl Received {
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
}

fn malformed() -> WebError {
    WebError::BadRequest(
        "Le formulaire est mal formé ou incomplet (l'envoi a peut-être été coupé) : envoyez-le de nouveau.".into(),
    )
}

fn spool_failed(e: std::io::Error) -> WebError {
    WebError::Internal(format!("fichier reçu non écrit : {e}"))
}

/// Reads the multipart form of `request`, spooling its field `file` to a temporary file of at
/// most `cap` bytes. A body cut short or malformed is refused in French (nothing kept); a file
/// over `cap`, or over the route's body limit, gives [`FileField::TooLarge`] with the text
/// fields read (the CSRF token comes first), so the caller says so in its own words.
pub async fn receive(
    state: &AppState,
    request: Request,
    file: &str,
    cap: u64,
) -> Result<Received, WebError> {
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|_| malformed())?;
    let mut values = HashMap::new();
    let mut texts = 0usize;
    let mut kept = FileField::Absent;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if too_large(&e) && !matches!(kept, FileField::Kept(_)) => {
                kept = FileField::TooLarge;
                break;
            }
            Err(_) if matches!(kept, FileField::TooLarge) => break,
            Err(_) => return Err(malformed()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == file && matches!(kept, FileField::Absent) {
            match spool(state, &mut field, cap).await? {
                Spool::Done(s) if s.size == 0 => {}
                Spool::Done(s) => kept = FileField::Kept(s),
                Spool::Over => kept = FileField::TooLarge,
                Spool::Cut => return Err(malformed()),
            }
            if matches!(kept, FileField::TooLarge) && !drain(&mut field).await {
                break;
            }
        } else if name == file {
            // A second file in the same field: read past, never kept.
            if !drain(&mut field).await {
                break;
            }
        } else {
            let mut text = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(c)) => {
                        text.extend_from_slice(&c);
                        texts += c.len();
                        if text.len() > MAX_TEXT_BYTES || texts > MAX_TEXTS_BYTES {
                            return Err(malformed());
                        }
                    }
                    Ok(None) => break,
                    Err(_) if matches!(kept, FileField::TooLarge) => {
                        return Ok(Received { values, file: kept });
                    }
                    Err(_) => return Err(malformed()),
                }
            }
            values.insert(name, String::from_utf8_lossy(&text).into_owned());
        }
    }
    Ok(Received { values, file: kept })
}

/// The body went past the route's limit.
fn too_large(e: &axum::extract::multipart::MultipartError) -> bool {
    e.status() == StatusCode::PAYLOAD_TOO_LARGE
}

enum Spool {
    Done(Spooled),
    /// Past the cap (or the route's limit): the temporary file is already removed.
    Over,
    /// The body ended in the middle of the file, or was not multipart.
    Cut,
}

async fn spool(
    state: &AppState,
    field: &mut axum::extract::multipart::Field<'_>,
    cap: u64,
) -> Result<Spool, WebError> {
    let dir = spool_dir(state);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(spool_failed)?;
    let (file, path) = tempfile::Builder::new()
        .prefix("envoi-")
        .tempfile_in(&dir)
        .map_err(spool_failed)?
        .into_parts();
    let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, tokio::fs::File::from_std(file));
    let mut size = 0u64;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                size += chunk.len() as u64;
                if size > cap {
                    // Stopped here: `path` is removed as it drops.
                    return Ok(Spool::Over);
                }
                out.write_all(&chunk).await.map_err(spool_failed)?;
            }
            Ok(None) => break,
            Err(e) if too_large(&e) => return Ok(Spool::Over),
            Err(_) => return Ok(Spool::Cut),
        }
    }
    out.flush().await.map_err(spool_failed)?;
    drop(out);
    Ok(Spool::Done(Spooled { path, size }))
}

/// Reads the rest of a field without keeping it, so that the browser, which is still sending,
/// receives the French answer rather than a connection cut under it. Whether the body is still
/// readable. What is read is bounded by the route's body limit.
async fn drain(field: &mut axum::extract::multipart::Field<'_>) -> bool {
    loop {
        match field.chunk().await {
            Ok(Some(_)) => {}
            Ok(None) => return true,
            Err(_) => return false,
        }
    }
}
