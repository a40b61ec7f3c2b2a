//! The files of a pépite, in the back office: the video (recognised by its content, within the
//! territory's limits), the poster, the captions (a WebVTT file, or typed cue by cue), and
//! the counselors' preview. Every file goes through the media storage.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use tremplin_domain::Invalid;
use tremplin_domain::pepite::webvtt::{parse_timestamp, stamp};
use tremplin_domain::pepite::{Captions, Cue, recognise_from, too_heavy};
use tremplin_storage::{MediaSlot, Pepite};

use super::gestion::{counselor_pepite, detail_page};
pub(super) use crate::services::media::mime_of;
use crate::services::media::{self, Caching, MediaKey, image_kind};
use crate::services::uploads::{self, FileField};
use crate::services::{pepites, secrets};
use crate::shell::auth::Staff;
use crate::shell::{Layout, Nav};
use crate::{AppState, WebError};

/// A fresh key for a file of pépite `id`: its random part makes a guessed address useless.
pub(super) fn new_key(id: i64, what: &str, ext: &str) -> MediaKey {
    let token = &secrets::random_token()[..24];
    MediaKey::parse(&format!("pepites/{id}/{what}-{token}.{ext}")).expect("a valid key")
}

/// The largest captions file read (a three-minute video's captions are a few KB).
const MAX_CAPTIONS_BYTES: u64 = 1_000_000;
/// The largest poster image.
const MAX_POSTER_BYTES: u64 = 5_000_000;

fn io(e: std::io::Error) -> WebError {
    WebError::Internal(format!("fichier reçu illisible : {e}"))
}

async fn refused(
    state: &AppState,
    staff: &Staff,
    id: i64,
    message: String,
) -> Result<Response, WebError> {
    let p = state.store.pepite(id).await?.ok_or(WebError::NotFound)?;
    Ok((
        StatusCode::BAD_REQUEST,
        Html(detail_page(state, staff, p, Some(message)).await?),
    )
        .into_response())
}

/// What goes into a slot: a few bytes made here, or a file on disk (an upload, an ffmpeg output).
pub(super) enum Content<'a> {
    Bytes(&'a [u8]),
    File(&'a std::path::Path),
}

/// Stores `content` in `slot`, erasing the file it replaces.
pub(super) async fn replace(
    state: &AppState,
    id: i64,
    slot: MediaSlot,
    key: &MediaKey,
    content: Content<'_>,
    video: Option<(&str, i64)>,
) -> Result<(), WebError> {
    match content {
        Content::Bytes(b) => state.media.put(key, b).await,
        Content::File(path) => state.media.put_file(key, path).await,
    }
    .map_err(|e| WebError::Internal(format!("fichier non écrit : {e}")))?;
    let now = state.clock.now();
    match state
        .store
        .set_pepite_media(id, slot, Some(key.as_str()), video, now)
        .await
    {
        Ok(Some(old)) => {
            state.store.queue_media_erasure(&old, now).await?;
            pepites::erase_queued(state).await?;
        }
        Ok(None) => {}
        Err(e) => {
            let _ = state.media.delete(key).await;
            return Err(e.into());
        }
    }
    Ok(())
}

pub(super) async fn video(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, WebError> {
    let p = counselor_pepite(&state, &staff, id).await?;
    let limits = pepites::limits(&state).await?;
    // Streamed to a temporary file, stopped as soon as it passes the territory's limit.
    let form = uploads::receive(&state, request, "video", limits.max_bytes).await?;
    staff.check_csrf(form.value("csrf"))?;
    if p.is_over() {
        return refused(
            &state,
            &staff,
            id,
            "Ce portrait est terminé : il ne peut plus changer.".into(),
        )
        .await;
    }
    let file = match form.file {
        FileField::Kept(file) => file,
        FileField::Absent => {
            return refused(
                &state,
                &staff,
                id,
                "Choisissez le fichier de la vidéo.".into(),
            )
            .await;
        }
        FileField::TooLarge => return refused(&state, &staff, id, too_heavy(limits).message).await,
    };
    // Recognised from the file, seeking from box to box: never read whole.
    let path = file.path().to_owned();
    let recognised = tokio::task::spawn_blocking(move || {
        std::fs::File::open(path).map(|f| recognise_from(f, limits))
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?
    .map_err(io)?;
    let info = match recognised {
        Ok(info) => info,
        Err(e) => return refused(&state, &staff, id, e.message).await,
    };
    let key = new_key(id, "video", info.kind.extension());
    replace(
        &state,
        id,
        MediaSlot::Video,
        &key,
        Content::File(file.path()),
        Some((info.kind.mime(), info.duration_ms as i64)),
    )
    .await?;
    staff
        .log(&state, "pepite.video", &format!("pépite {id}"))
        .await?;
    // Where ffmpeg is installed: a lighter copy and a poster frame, in the background, read
    // from the spooled upload (removed once done).
    if let Some(ffmpeg) = super::derive::ffmpeg() {
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) =
                super::derive::derive(&state, &ffmpeg, id, file.path(), p.poster_key.is_none())
                    .await
            {
                tracing::warn!(cause = %e, "copie légère de la vidéo non faite");
            }
            drop(file);
        });
    }
    Ok(Redirect::to(&format!("/gestion/pepites/{id}")).into_response())
}

pub(super) async fn poster(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, WebError> {
    let p = counselor_pepite(&state, &staff, id).await?;
    let form = uploads::receive(&state, request, "affiche", MAX_POSTER_BYTES).await?;
    staff.check_csrf(form.value("csrf"))?;
    if p.is_over() {
        return refused(
            &state,
            &staff,
            id,
            "Ce portrait est terminé : il ne peut plus changer.".into(),
        )
        .await;
    }
    let wrong = "L'affiche doit être une image JPEG, PNG ou WebP de 5 Mo au plus.";
    let file = match form.file {
        FileField::Kept(file) => file,
        FileField::Absent => {
            return refused(
                &state,
                &staff,
                id,
                "Choisissez l'image de l'affiche.".into(),
            )
            .await;
        }
        FileField::TooLarge => return refused(&state, &staff, id, wrong.into()).await,
    };
    let Some((ext, _)) = image_kind(&file.head(16).await.map_err(io)?) else {
        return refused(&state, &staff, id, wrong.into()).await;
    };
    replace(
        &state,
        id,
        MediaSlot::Poster,
        &new_key(id, "affiche", ext),
        Content::File(file.path()),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/gestion/pepites/{id}")).into_response())
}

/// The key in a slot named in an address.
pub(super) fn slot_key(p: &Pepite, slot: &str) -> Option<String> {
    match slot {
        "video" => p.video_key.clone(),
        "legere" => p.light_key.clone(),
        "affiche" => p.poster_key.clone(),
        "sous-titres" => p.captions_key.clone(),
        _ => None,
    }
}

/// A counselor's preview of any file, published or not (never kept by the browser).
pub(super) async fn preview(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, slot)): Path<(i64, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let p = counselor_pepite(&state, &staff, id).await?;
    let key = slot_key(&p, &slot)
        .and_then(|k| MediaKey::parse(&k))
        .ok_or(WebError::NotFound)?;
    Ok(media::respond(
        &state.media,
        &key,
        mime_of(key.as_str()),
        &headers,
        Caching::Private,
    )
    .await)
}

struct CueRow {
    n: usize,
    start: String,
    end: String,
    text: String,
}

#[derive(Template)]
#[template(path = "features/pepites/templates/captions.html")]
struct CaptionsPage {
    layout: Layout,
    nav: Nav,
    id: i64,
    name: String,
    video: Option<String>,
    rows: Vec<CueRow>,
    errors: Vec<Invalid>,
}

fn rows_of(cues: &[Cue], extra: usize) -> Vec<CueRow> {
    let mut rows: Vec<CueRow> = cues
        .iter()
        .map(|c| CueRow {
            n: 0,
            start: stamp(c.start_ms),
            end: stamp(c.end_ms),
            text: c.text.clone(),
        })
        .collect();
    rows.extend((0..extra).map(|_| CueRow {
        n: 0,
        start: String::new(),
        end: String::new(),
        text: String::new(),
    }));
    rows.iter_mut().enumerate().for_each(|(i, r)| r.n = i + 1);
    rows
}

async fn stored_cues(state: &AppState, p: &Pepite) -> Vec<Cue> {
    let Some(key) = p.captions_key.as_deref().and_then(MediaKey::parse) else {
        return Vec::new();
    };
    match state.media.get(&key).await {
        Ok(Some(b)) => Captions::parse(&String::from_utf8_lossy(&b), u64::MAX)
            .map(|c| c.cues().to_vec())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn captions_page(
    state: &AppState,
    staff: &Staff,
    p: &Pepite,
    rows: Vec<CueRow>,
    errors: Vec<Invalid>,
) -> CaptionsPage {
    CaptionsPage {
        layout: Layout::new(state, &format!("/gestion/pepites/{}/sous-titres", p.id)),
        nav: Nav::new(staff),
        id: p.id,
        name: p.display_name.clone(),
        video: p.video_ms.map(|ms| stamp(ms as u64)),
        rows,
        errors,
    }
}

pub(super) async fn captions_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let p = counselor_pepite(&state, &staff, id).await?;
    let cues = stored_cues(&state, &p).await;
    Ok(Html(
        captions_page(&state, &staff, &p, rows_of(&cues, 3), Vec::new()).render()?,
    ))
}

/// A time typed in the editor: `00:01.500`, `00:00:01.500`, or seconds (`1,5`).
fn typed_time(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    parse_timestamp(raw).or_else(|| {
        let s: f64 = raw.replace(',', ".").parse().ok()?;
        (s.is_finite() && s >= 0.0).then(|| (s * 1000.0).round() as u64)
    })
}

pub(super) async fn captions(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, WebError> {
    let p = counselor_pepite(&state, &staff, id).await?;
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    let (values, file) = if multipart {
        let form = uploads::receive(&state, request, "fichier", MAX_CAPTIONS_BYTES).await?;
        (form.values, Some(form.file))
    } else {
        let axum::Form(v) = axum::Form::<HashMap<String, String>>::from_request(request, &state)
            .await
            .map_err(|_| WebError::BadRequest("Le formulaire est mal formé.".into()))?;
        (v, None)
    };
    staff.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    let again = |rows: Vec<CueRow>, e: Invalid| -> Result<Response, WebError> {
        Ok((
            StatusCode::BAD_REQUEST,
            Html(captions_page(&state, &staff, &p, rows, vec![e]).render()?),
        )
            .into_response())
    };
    let Some(video_ms) = p.video_ms.filter(|_| p.video_key.is_some()) else {
        return again(
            rows_of(&[], 3),
            Invalid::new(
                "captions",
                "Envoyez d'abord la vidéo : les sous-titres se calent sur sa durée.",
            ),
        );
    };
    if p.is_over() {
        return Err(WebError::Conflict(
            "Ce portrait est terminé : il ne peut plus changer.".into(),
        ));
    }
    let parsed = if let Some(file) = file {
        let file = match file {
            FileField::Kept(file) => file,
            FileField::Absent => {
                return again(
                    rows_of(&stored_cues(&state, &p).await, 3),
                    Invalid::new("captions", "Choisissez le fichier de sous-titres (.vtt)."),
                );
            }
            FileField::TooLarge => {
                return again(
                    rows_of(&stored_cues(&state, &p).await, 3),
                    Invalid::new(
                        "captions",
                        "Ce fichier de sous-titres dépasse 1 Mo : ce n'est pas un fichier WebVTT de sous-titres.",
                    ),
                );
            }
        };
        let bytes = file.bytes().await.map_err(io)?;
        let Ok(text) = String::from_utf8(bytes) else {
            return again(
                rows_of(&[], 3),
                Invalid::new(
                    "captions",
                    "Ce fichier n'est pas un texte WebVTT (encodage UTF-8 attendu).",
                ),
            );
        };
        Captions::parse(&text, video_ms as u64)
    } else {
        let mut cues = Vec::new();
        let mut rows = Vec::new();
        let mut bad_time = None;
        for n in 1..=200 {
            let get = |k: &str| {
                values
                    .get(&format!("{k}_{n}"))
                    .map_or("", |v| v.as_str())
                    .to_owned()
            };
            let (start, end, text) = (get("debut"), get("fin"), get("texte"));
            if !values.contains_key(&format!("texte_{n}")) {
                break;
            }
            if start.trim().is_empty() && end.trim().is_empty() && text.trim().is_empty() {
                continue;
            }
            match (typed_time(&start), typed_time(&end)) {
                (Some(s), Some(e)) => cues.push(Cue {
                    start_ms: s,
                    end_ms: e,
                    text: text.clone(),
                }),
                _ => bad_time = bad_time.or(Some(rows.len() + 1)),
            }
            rows.push(CueRow {
                n: 0,
                start,
                end,
                text,
            });
        }
        if let Some(n) = bad_time {
            let mut rows = rows;
            rows.iter_mut().enumerate().for_each(|(i, r)| r.n = i + 1);
            return again(
                rows,
                Invalid::new(
                    "captions",
                    format!(
                        "Sous-titre n° {n} : écrivez le début et la fin comme 00:01.500 ou en secondes (1,5)."
                    ),
                ),
            );
        }
        match Captions::from_cues(cues.clone(), video_ms as u64) {
            Ok(c) => Ok(c),
            Err(e) => {
                rows.iter_mut().enumerate().for_each(|(i, r)| r.n = i + 1);
                return again(rows, e);
            }
        }
    };
    let captions = match parsed {
        Ok(c) => c,
        Err(e) => return again(rows_of(&stored_cues(&state, &p).await, 3), e),
    };
    replace(
        &state,
        id,
        MediaSlot::Captions,
        &new_key(id, "sous-titres", "vtt"),
        Content::Bytes(captions.to_webvtt().as_bytes()),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/gestion/pepites/{id}")).into_response())
}
