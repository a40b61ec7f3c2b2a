//! Adding a film to a trade: an uploaded video (recognised by its content, within the
//! territory's limits, as the pépites' videos) or a link to a hosted video, always with its
//! captions (a WebVTT file checked as the pépites' are), and a poster if there is one. Every
//! field is checked before anything is stored: a refused film leaves no file and no row.

use std::collections::HashMap;

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tremplin_domain::pepite::{Captions, recognise};
use tremplin_domain::{HttpUrl, check_text};
use tremplin_storage::NewTradeFilm;

use super::gestion::edit_page;
use super::trade;
use crate::services::media::{MediaKey, image_kind};
use crate::services::{pepites, secrets};
use crate::shell::auth::Staff;
use crate::{AppState, WebError};

/// The file fields of the form.
const FILES: [&str; 3] = ["video", "sous_titres", "affiche"];

/// A multipart form: its text fields and the bytes of its file fields (empty ones left out).
async fn read(
    state: &AppState,
    request: Request,
) -> Result<(HashMap<String, String>, HashMap<String, Vec<u8>>), WebError> {
    let bad =
        || WebError::BadRequest("Le formulaire est mal formé ou le fichier trop lourd.".into());
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|_| bad())?;
    let mut values = HashMap::new();
    let mut files = HashMap::new();
    while let Some(field) = form.next_field().await.map_err(|_| bad())? {
        let name = field.name().unwrap_or_default().to_owned();
        if FILES.contains(&name.as_str()) {
            let b = field.bytes().await.map_err(|_| bad())?;
            if !b.is_empty() {
                files.insert(name, b.to_vec());
            }
        } else {
            values.insert(name, field.text().await.map_err(|_| bad())?);
        }
    }
    Ok((values, files))
}

/// A fresh key for a file of a trade's film: its random part makes a guessed address useless.
fn new_key(rome: &str, what: &str, ext: &str) -> MediaKey {
    let token = &secrets::random_token()[..24];
    MediaKey::parse(&format!(
        "metiers/{}/{what}-{token}.{ext}",
        rome.to_ascii_lowercase()
    ))
    .expect("a valid key")
}

/// What the form asks to store, checked; or the first problem, in French.
struct Checked {
    title: String,
    company: String,
    video: Option<(Vec<u8>, &'static str, &'static str, u64)>,
    hosted: Option<HttpUrl>,
    captions: Captions,
    poster: Option<(Vec<u8>, &'static str)>,
    published: bool,
}

async fn check(
    state: &AppState,
    values: &HashMap<String, String>,
    mut files: HashMap<String, Vec<u8>>,
) -> Result<Result<Checked, String>, WebError> {
    let get = |k: &str| values.get(k).map_or("", |v| v.trim()).to_owned();
    let (title, company, link) = (get("titre"), get("entreprise"), get("lien"));
    for (field, label, value) in [
        ("titre", "titre", &title),
        ("entreprise", "entreprise", &company),
        ("lien", "lien", &link),
    ] {
        if let Err(e) = check_text(field, label, value, false) {
            return Ok(Err(e.message));
        }
    }
    if !(3..=120).contains(&title.chars().count()) {
        return Ok(Err(
            "Donnez un titre au film (de 3 à 120 caractères).".into()
        ));
    }
    if company.chars().count() > 120 {
        return Ok(Err(
            "Le nom de l'entreprise tient en 120 caractères au plus.".into(),
        ));
    }
    let video_bytes = files.remove("video");
    let (video, hosted, video_ms) = match (video_bytes, link.is_empty()) {
        (Some(_), false) => {
            return Ok(Err(
                "Envoyez la vidéo ou donnez le lien d'une vidéo en ligne, pas les deux.".into(),
            ));
        }
        (None, true) => {
            return Ok(Err(
                "Choisissez le fichier de la vidéo, ou donnez le lien d'une vidéo en ligne.".into(),
            ));
        }
        (Some(bytes), true) => match recognise(&bytes, pepites::limits(state).await?) {
            Ok(info) => {
                let ms = info.duration_ms;
                (
                    Some((bytes, info.kind.extension(), info.kind.mime(), ms)),
                    None,
                    ms,
                )
            }
            Err(e) => return Ok(Err(e.message)),
        },
        (None, false) => match HttpUrl::parse(&link) {
            Ok(url) => (None, Some(url), u64::MAX),
            Err(e) => return Ok(Err(e.message)),
        },
    };
    // Captions are required (RGAA 4.1–4.4): no film without them, uploaded or hosted.
    let Some(vtt) = files.remove("sous_titres") else {
        return Ok(Err(
            "Les sous-titres sont obligatoires : joignez le fichier WebVTT (.vtt) du film.".into(),
        ));
    };
    let Ok(vtt) = String::from_utf8(vtt) else {
        return Ok(Err(
            "Ce fichier n'est pas un texte WebVTT (encodage UTF-8 attendu).".into(),
        ));
    };
    let captions = match Captions::parse(&vtt, video_ms) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e.message)),
    };
    let poster = match files.remove("affiche") {
        None => None,
        Some(bytes) => match image_kind(&bytes).filter(|_| bytes.len() <= 5_000_000) {
            Some((ext, _)) => Some((bytes, ext)),
            None => {
                return Ok(Err(
                    "L'affiche doit être une image JPEG, PNG ou WebP de 5 Mo au plus.".into(),
                ));
            }
        },
    };
    Ok(Ok(Checked {
        title,
        company,
        video,
        hosted,
        captions,
        poster,
        published: get("publier") == "oui",
    }))
}

pub(super) async fn add(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    request: Request,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let (values, files) = read(&state, request).await?;
    staff.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    let (rome, _) = trade(&state, &code)?;
    let film = match check(&state, &values, files).await? {
        Ok(f) => f,
        Err(message) => {
            let mut kept = values.clone();
            kept.remove("csrf");
            return Ok((
                StatusCode::BAD_REQUEST,
                Html(edit_page(&state, &staff, &code, Some(message), kept).await?),
            )
                .into_response());
        }
    };
    let r = rome.as_str();
    let mut stored: Vec<MediaKey> = Vec::new();
    let mut files: Vec<(MediaKey, Vec<u8>)> = Vec::new();
    let video = film.video.map(|(bytes, ext, mime, ms)| {
        let key = new_key(r, "video", ext);
        files.push((key.clone(), bytes));
        (key.as_str().to_owned(), mime.to_owned(), ms as i64)
    });
    let captions_key = new_key(r, "sous-titres", "vtt");
    files.push((captions_key.clone(), film.captions.to_webvtt().into_bytes()));
    let poster_key = film.poster.map(|(bytes, ext)| {
        let key = new_key(r, "affiche", ext);
        files.push((key.clone(), bytes));
        key.as_str().to_owned()
    });
    for (key, bytes) in files {
        if let Err(e) = state.media.put(&key, &bytes).await {
            for k in &stored {
                let _ = state.media.delete(k).await;
            }
            return Err(WebError::Internal(format!("fichier non écrit : {e}")));
        }
        stored.push(key);
    }
    let new = NewTradeFilm {
        rome: r.to_owned(),
        title: film.title,
        company: film.company,
        video,
        hosted_url: film.hosted.map(|u| u.as_str().to_owned()),
        captions_key: captions_key.as_str().to_owned(),
        poster_key,
        published: film.published,
    };
    let id = match state.store.create_trade_film(&new, state.clock.now()).await {
        Ok(id) => id,
        Err(e) => {
            for k in &stored {
                let _ = state.media.delete(k).await;
            }
            return Err(e.into());
        }
    };
    staff
        .log(&state, "metier.film", &format!("film {id} du métier {r}"))
        .await?;
    Ok(Redirect::to(&format!("/gestion/metiers/{r}")).into_response())
}
