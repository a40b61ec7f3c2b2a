//! Uploaded files: every upload is received by [`spool::receive`] (streamed to a temporary
//! file, capped); CVs are recognised by their content and kept outside any path the site serves.

pub mod spool;

pub use spool::{FileField, Received, Spooled, receive, spool_dir};

use tremplin_domain::application::ApplicationInput;
use tremplin_storage::Attachment;

use crate::services::media::{Caching, Media, MediaKey};
use crate::services::secrets;
use crate::{AppState, WebError};

/// How a CV's place is written in the database (`applications.cv_path`, the outbox's
/// `attachment_path`): `media:cv/….pdf`, a key of the media storage. Anything else is a path
/// written before the media storage existed (`/var/lib/tremplin/uploads/cv/….pdf`).
pub const STORED_PREFIX: &str = "media:";

pub const MAX_CV_BYTES: u64 = 5 * 1024 * 1024;

/// What a CV is, by its first bytes and not by its name: PDF, Word (.docx) or OpenDocument (.odt).
pub fn cv_kind(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        return Some(("pdf", "application/pdf"));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if has(b"mimetypeapplication/vnd.oasis.opendocument.text") {
        Some(("odt", "application/vnd.oasis.opendocument.text"))
    } else if has(b"word/document.xml") {
        Some((
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ))
    } else {
        None
    }
}

/// Keeps the CV in the media storage (shared by every instance), never served as is. The
/// application records it as [`STORED_PREFIX`] + its key.
pub async fn save_cv(
    state: &AppState,
    file: &std::path::Path,
    ext: &str,
    mime: &str,
    who: &ApplicationInput,
) -> Result<Attachment, WebError> {
    let key = MediaKey::parse(&format!("cv/{}.{ext}", secrets::random_token()))
        .ok_or_else(|| WebError::BadRequest("Ce type de fichier n'est pas accepté.".into()))?;
    if let Err(e) = state.media.put_file(&key, file).await {
        tracing::error!(cause = %e, "CV impossible à enregistrer");
        return Err(WebError::BadRequest(
            "Votre CV n'a pas pu être enregistré pour le moment. Réessayez plus tard, ou postulez sans CV : la Mission Locale le complétera avec vous.".into(),
        ));
    }
    let name: String = format!("CV {} {}.{ext}", who.first_name, who.last_name)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(Attachment {
        path: format!("{STORED_PREFIX}{}", key.as_str()),
        name,
        content_type: mime.to_owned(),
    })
}

/// Where a stored CV is.
#[derive(Debug, PartialEq, Eq)]
pub enum StoredFile {
    /// In the media storage.
    Media(MediaKey),
    /// A file written by an older version under its own data folder. It is read there while it
    /// exists; once an administrator has copied `uploads/cv/` into the shared storage, under
    /// `cv/`, it is found there by its name.
    Legacy {
        path: std::path::PathBuf,
        key: Option<MediaKey>,
    },
}

impl StoredFile {
    pub fn parse(stored: &str) -> Self {
        if let Some(key) = stored.strip_prefix(STORED_PREFIX).and_then(MediaKey::parse) {
            return Self::Media(key);
        }
        let path = std::path::PathBuf::from(stored);
        let key = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| MediaKey::parse(&format!("cv/{n}")));
        Self::Legacy { path, key }
    }

    /// The storage that holds the file, and its key there.
    async fn locate(&self, media: &Media) -> Option<(Media, MediaKey)> {
        match self {
            Self::Media(key) => Some((media.clone(), key.clone())),
            Self::Legacy { path, key } => {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(MediaKey::parse);
                if let (Some(dir), Some(name)) = (path.parent(), name)
                    && tokio::fs::try_exists(path).await.unwrap_or(false)
                {
                    return Some((Media::local(dir), name));
                }
                key.clone().map(|k| (media.clone(), k))
            }
        }
    }
}

/// The CV's bytes (5 MB at most), to attach to an e-mail; `None` when it is gone.
pub async fn read_cv(media: &Media, stored: &str) -> std::io::Result<Option<Vec<u8>>> {
    match StoredFile::parse(stored).locate(media).await {
        Some((media, key)) => media.get(&key).await,
        None => Ok(None),
    }
}

/// Serves the CV (ranges included) to a counselor, never cached.
pub async fn respond_cv(
    media: &Media,
    stored: &str,
    mime: &str,
    request: &axum::http::HeaderMap,
) -> axum::response::Response {
    match StoredFile::parse(stored).locate(media).await {
        Some((media, key)) => {
            crate::services::media::respond(&media, &key, mime, request, Caching::Private).await
        }
        None => {
            use axum::response::IntoResponse;
            (
                axum::http::StatusCode::NOT_FOUND,
                "Ce fichier n'existe plus.",
            )
                .into_response()
        }
    }
}

/// Erases the CV wherever it is: the shared storage and, for an old one, its old path.
pub async fn delete_cv(media: &Media, stored: &str) {
    let removed = match StoredFile::parse(stored) {
        StoredFile::Media(key) => media.delete(&key).await,
        StoredFile::Legacy { path, key } => {
            let shared = match &key {
                Some(key) => media.delete(key).await,
                None => Ok(()),
            };
            match tokio::fs::remove_file(&path).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => shared,
            }
        }
    };
    if let Err(e) = removed {
        // The application is gone already; the file's name says nothing about the person.
        tracing::error!(cause = %e, "CV impossible à effacer");
    }
}

#[cfg(test)]
mod tests {
    use super::{StoredFile, cv_kind};
    use crate::services::media::MediaKey;

    #[test]
    fn stored_cvs_old_and_new() {
        assert_eq!(
            StoredFile::parse("media:cv/ab12.pdf"),
            StoredFile::Media(MediaKey::parse("cv/ab12.pdf").unwrap())
        );
        assert_eq!(
            StoredFile::parse("/var/lib/tremplin/uploads/cv/ab12.pdf"),
            StoredFile::Legacy {
                path: "/var/lib/tremplin/uploads/cv/ab12.pdf".into(),
                key: MediaKey::parse("cv/ab12.pdf"),
            }
        );
        // A key that tries to leave the storage is an old path, never a key.
        assert!(matches!(
            StoredFile::parse("media:../etc/passwd"),
            StoredFile::Legacy { .. }
        ));
        assert!(matches!(
            StoredFile::parse("tremplin-data/uploads/cv/ab12.pdf"),
            StoredFile::Legacy { .. }
        ));
    }

    #[test]
    fn cvs_are_recognised_by_their_content() {
        assert_eq!(cv_kind(b"%PDF-1.7 ...").unwrap().0, "pdf");
        assert_eq!(
            cv_kind(b"PK\x03\x04....word/document.xml....").unwrap().0,
            "docx"
        );
        assert_eq!(
            cv_kind(b"PK\x03\x04....mimetypeapplication/vnd.oasis.opendocument.text")
                .unwrap()
                .0,
            "odt"
        );
        assert!(cv_kind(b"PK\x03\x04 a zip of photos").is_none());
        assert!(cv_kind(b"MZ\x90 an executable named cv.pdf").is_none());
        assert!(cv_kind(b"").is_none());
    }
}
