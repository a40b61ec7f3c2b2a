//! The territory's settings: name, EPCIs, publication day and time, deadlines, retention, and
//! the sites allowed to frame the widget, and how young people reach the Mission Locale (phone,
//! opening hours).

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::shell::Layout;
use crate::shell::Nav;
use crate::shell::auth::Staff;
use crate::{AppState, WebError};

mod origins;
mod videos;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/territoire", get(territory).post(save_territory))
        .route("/gestion/territoire/widget", post(save_origins))
        .route("/gestion/territoire/pepites", post(save_video_limits))
}

#[derive(Template)]
#[template(path = "features/territoire/templates/territory.html")]
struct TerritoryPage {
    layout: Layout,
    nav: Nav,
    t: tremplin_storage::Territory,
    days: [(i64, &'static str); 7],
    error: Option<String>,
    /// The sites allowed to frame the widget (none: any site), as shown in the form.
    origins: String,
    origins_error: Option<String>,
    /// The limits for one pépite video, as shown in the form (megabytes, minutes).
    video_mb: String,
    video_minutes: String,
    video_error: Option<String>,
}

/// What an admin typed in one of the page's forms, and why it was refused.
#[derive(Default)]
struct Refused {
    general: Option<String>,
    origins: Option<(String, String)>,
    videos: Option<(String, String, String)>,
}

const DAYS: [(i64, &str); 7] = [
    (1, "lundi"),
    (2, "mardi"),
    (3, "mercredi"),
    (4, "jeudi"),
    (5, "vendredi"),
    (6, "samedi"),
    (7, "dimanche"),
];

/// The page, with what the admin typed and why it was refused when it was.
async fn page(
    state: &AppState,
    staff: &Staff,
    refused: Refused,
) -> Result<TerritoryPage, WebError> {
    let t = state
        .territory()
        .ok_or_else(|| WebError::BadRequest("Aucun territoire n'est configuré.".into()))?;
    let (origins, origins_error) = match refused.origins {
        Some((typed, why)) => (typed, Some(why)),
        None => (state.store.widget_origins().await?.join("\n"), None),
    };
    let (video_mb, video_minutes, video_error) = match refused.videos {
        Some((mb, minutes, why)) => (mb, minutes, Some(why)),
        None => {
            let (mb, seconds) = state.store.pepite_video_limits().await?;
            (mb.to_string(), videos::minutes(seconds), None)
        }
    };
    let error = refused.general;
    Ok(TerritoryPage {
        layout: Layout::new(state, "/gestion/territoire"),
        nav: Nav::new(staff),
        t,
        days: DAYS,
        error,
        origins,
        origins_error,
        video_mb,
        video_minutes,
        video_error,
    })
}

async fn territory(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    Ok(Html(
        page(&state, &staff, Refused::default()).await?.render()?,
    ))
}

#[derive(Deserialize)]
struct TerritoryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    weekday: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    reverify_weeks: String,
    #[serde(default)]
    start_tolerance_days: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    opening_hours: String,
}

async fn save_territory(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<TerritoryForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&f.csrf)?;
    let t = state
        .territory()
        .ok_or_else(|| WebError::BadRequest("Aucun territoire n'est configuré.".into()))?;
    let weekday = f
        .weekday
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=7).contains(d));
    let time = chrono::NaiveTime::parse_from_str(f.time.trim(), "%H:%M").ok();
    let weeks = f
        .reverify_weeks
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|w| (1..=52).contains(w));
    let tolerance = f
        .start_tolerance_days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (0..=365).contains(d));
    // How young people reach the Mission Locale: shown on their follow-up page.
    let phone = match f.phone.trim() {
        "" => Ok(None),
        p => tremplin_domain::Telephone::parse(p).map(|p| Some(p.display())),
    };
    let hours = f.opening_hours.trim();
    let hours = if hours.chars().count() > 200 {
        Err(tremplin_domain::Invalid::new(
            "opening_hours",
            "Les horaires tiennent en 200 caractères au plus.",
        ))
    } else {
        tremplin_domain::check_text("opening_hours", "horaires", hours, false)
            .map(|()| Some(hours.to_owned()).filter(|h| !h.is_empty()))
    };
    let (Some(weekday), Some(time), Some(weeks), Some(tolerance), Ok(phone), Ok(hours)) =
        (weekday, time, weeks, tolerance, phone, hours)
    else {
        let error = Some("Vérifiez les réglages : un jour de la semaine, une heure HH:MM, de 1 à 52 semaines, de 0 à 365 jours, un numéro de téléphone français (10 chiffres) et des horaires d'une ligne de 200 caractères au plus.".to_owned());
        let page = page(
            &state,
            &staff,
            Refused {
                general: error,
                ..Refused::default()
            },
        )
        .await?;
        return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
    };
    state
        .store
        .update_territory_settings(t.id, weekday, time, weeks, tolerance)
        .await?;
    state
        .store
        .update_territory_contact(t.id, phone.as_deref(), hours.as_deref())
        .await?;
    state.refresh_territory().await?;
    let detail = format!(
        "publication le jour {weekday} à {}, confirmation toutes les {weeks} semaines, expiration {tolerance} jours après le début, téléphone {}, horaires {}",
        time.format("%H:%M"),
        phone.as_deref().unwrap_or("aucun"),
        hours.as_deref().unwrap_or("aucun")
    );
    staff.log(&state, "réglages du territoire", &detail).await?;
    Ok(Redirect::to("/gestion/territoire").into_response())
}

#[derive(Deserialize)]
struct OriginsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    origines: String,
}

async fn save_origins(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<OriginsForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&f.csrf)?;
    let list = match origins::parse(&f.origines) {
        Ok(list) => list,
        Err(message) => {
            let typed = f.origines.chars().take(20_000).collect();
            let page = page(
                &state,
                &staff,
                Refused {
                    origins: Some((typed, message)),
                    ..Refused::default()
                },
            )
            .await?;
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    state.store.set_widget_origins(&list).await?;
    let detail = if list.is_empty() {
        "tous les sites".to_owned()
    } else {
        list.join(", ")
    };
    staff
        .log(&state, "sites autorisés à afficher le widget", &detail)
        .await?;
    Ok(Redirect::to("/gestion/territoire#widget").into_response())
}

#[derive(Deserialize)]
struct VideoLimitsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    mo: String,
    #[serde(default)]
    minutes: String,
}

/// The limits for one pépite video: admins only; the next upload reads them.
async fn save_video_limits(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<VideoLimitsForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&f.csrf)?;
    let (mb, seconds) = match videos::parse(&f.mo, &f.minutes) {
        Ok(limits) => limits,
        Err(message) => {
            let typed = |v: &str| v.chars().take(20).collect::<String>();
            let page = page(
                &state,
                &staff,
                Refused {
                    videos: Some((typed(&f.mo), typed(&f.minutes), message)),
                    ..Refused::default()
                },
            )
            .await?;
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    state.store.set_pepite_video_limits(mb, seconds).await?;
    staff
        .log(
            &state,
            "limites des vidéos des pépites",
            &format!("{mb} Mo, {} min", videos::minutes(seconds)),
        )
        .await?;
    Ok(Redirect::to("/gestion/territoire#videos").into_response())
}
