//! Uploaded files (CVs): recognised by their content, kept outside any path the site serves.

use tremplin_domain::application::ApplicationInput;
use tremplin_storage::Attachment;

use crate::services::secrets;
use crate::{AppState, WebError};

pub const MAX_CV_BYTES: usize = 5 * 1024 * 1024;

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

/// Keeps the CV under the uploads folder, never served as is.
pub async fn save_cv(
    state: &AppState,
    bytes: &[u8],
    ext: &str,
    mime: &str,
    who: &ApplicationInput,
) -> Result<Attachment, WebError> {
    let dir = state.config.uploads_dir.join("cv");
    let path = dir.join(format!("{}.{ext}", secrets::random_token()));
    let write = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&path, bytes).await
    };
    if let Err(e) = write.await {
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
        path: path.to_string_lossy().into_owned(),
        name,
        content_type: mime.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::cv_kind;

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
