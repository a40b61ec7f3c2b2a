//! Applying online without an account, and a reply from every employer: the form, the email to
//! the employer with two one-click answers, the young person's private follow-up page.
//!
//! Links in emails open a page with one button rather than acting on the GET itself: mail
//! scanners open links, and must not answer in the employer's place.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Form, FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Duration;
use tremplin_domain::application::{ApplicationInput, ApplicationStatus, Mobility, age};
use tremplin_domain::{Invalid, Offer};
use tremplin_storage::{Attachment, StoreError};

use crate::auth::{self, ClientIp};
use crate::pages::Layout;
use crate::{AppState, WebError};

/// How long the employer's answer links work.
const EMPLOYER_LINK_DAYS: i64 = 60;

/// Applications from one address in an hour, whoever sends them.
const MAX_PER_IP_HOUR: i64 = 30;

pub fn router() -> Router<AppState> {
    Router::new()
        // A CV of 5 MB and the form around it; beyond, a French message rather than a bare 413.
        .route(
            "/offres/{id}/postuler",
            get(form)
                .post(apply)
                .layer(DefaultBodyLimit::max(MAX_CV_BYTES + 256 * 1024)),
        )
        .route("/candidature/{token}", get(follow).post(withdraw))
        .route("/gestion/candidatures", get(pipeline))
        .route("/gestion/candidatures/{id}/cv", get(download_cv))
        .route(
            "/gestion/candidatures/{id}",
            axum::routing::post(set_status),
        )
        .route(
            "/gestion/candidatures/nouvelle",
            get(on_behalf_form).post(on_behalf),
        )
        .route("/gestion/personnes", get(person))
        .route(
            "/gestion/personnes/export",
            axum::routing::post(export_person),
        )
        .route(
            "/gestion/personnes/effacer",
            axum::routing::post(erase_person),
        )
        .route("/reponse/{token}/{choice}", get(answer_page).post(answer))
}

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    layout: Layout,
    offer_id: i64,
    title: String,
    company: String,
    commune: String,
    csrf: String,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    mobilities: Vec<(&'static str, &'static str)>,
}

impl ApplyPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
}

async fn public_offer(state: &AppState, id: &str) -> Result<Offer, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    state
        .store
        .get_offer(id)
        .await?
        .filter(|o| o.status.is_public())
        .ok_or(WebError::NotFound)
}

fn page(
    state: &AppState,
    o: &Offer,
    csrf: String,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
) -> ApplyPage {
    ApplyPage {
        layout: Layout::new(state, &format!("/offres/{}/postuler", o.id)),
        offer_id: o.id,
        title: o.fields.title.clone(),
        company: o.fields.company_name.clone(),
        commune: state
            .refs
            .communes
            .get(o.fields.commune.as_str())
            .map_or_else(String::new, |c| c.name.clone()),
        csrf,
        values,
        errors,
        mobilities: Mobility::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
    }
}

async fn form(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, WebError> {
    let offer = public_offer(&state, &id).await?;
    let csrf = auth::random_token();
    let body = page(&state, &offer, csrf.clone(), HashMap::new(), Vec::new()).render()?;
    Ok((
        [(
            header::SET_COOKIE,
            auth::set_cookie(&state, auth::LOGIN_CSRF_COOKIE, &csrf, 3600),
        )],
        Html(body),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "apply_done.html")]
struct DonePage {
    layout: Layout,
    title: String,
    follow: String,
    by_mail: bool,
}

#[derive(Template)]
#[template(path = "mail/employer.txt")]
struct EmployerMail<'a> {
    name: String,
    title: &'a str,
    territory: String,
    commune: String,
    age: i32,
    minor: bool,
    mobility: &'a str,
    email: Option<&'a str>,
    phone: Option<String>,
    message: &'a str,
    yes: String,
    no: String,
}

#[derive(Template)]
#[template(path = "mail/employer.html")]
struct EmployerMailHtml<'a> {
    m: &'a EmployerMail<'a>,
}

#[derive(Template)]
#[template(path = "mail/confirmation.txt")]
struct ConfirmationMail<'a> {
    first_name: &'a str,
    title: &'a str,
    company: &'a str,
    follow: &'a str,
}

#[derive(Template)]
#[template(path = "mail/confirmation.html")]
struct ConfirmationMailHtml<'a> {
    m: &'a ConfirmationMail<'a>,
}

async fn apply(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    request: Request,
) -> Result<Response, WebError> {
    let offer = public_offer(&state, &id).await?;
    let (values, upload) = read_form(&state, &headers, request).await?;
    let csrf = auth::check_public_csrf(&headers, values.get("csrf").map_or("", String::as_str))?;
    let now = state.clock.now();
    let ip_key = format!("candidature-ip:{ip}");
    if state
        .store
        .login_failures(&ip_key, now.timestamp() - 3600)
        .await?
        >= MAX_PER_IP_HOUR
    {
        return Err(WebError::BadRequest(
            "Beaucoup de candidatures sont parties de cette connexion en une heure. Réessayez plus tard, ou passez à la Mission Locale.".into(),
        ));
    }
    state
        .store
        .record_login_failure(&[ip_key], now.timestamp())
        .await?;
    let follow_token = auth::random_token();
    let follow = format!("{}/candidature/{follow_token}", state.config.public_url);
    // A robot filled the hidden field: it gets the usual answer, and nothing is stored.
    if values.get("site_web").is_some_and(|v| !v.trim().is_empty()) {
        let done = DonePage {
            layout: Layout::new(&state, "/offres"),
            title: offer.fields.title.clone(),
            follow,
            by_mail: false,
        };
        return Ok(Html(done.render()?).into_response());
    }
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let input =
        match ApplicationInput::parse(&get, now.date_naive(), &|c| state.refs.communes.exists(c)) {
            Ok(input) => input,
            Err(errors) => {
                let keep = values
                    .iter()
                    .filter(|(k, _)| k.as_str() != "csrf")
                    .map(|(k, v)| (k.clone(), v.chars().take(2000).collect()))
                    .collect();
                return Ok((
                    StatusCode::BAD_REQUEST,
                    Html(page(&state, &offer, csrf, keep, errors).render()?),
                )
                    .into_response());
            }
        };
    let cv = match upload {
        None => None,
        Some(bytes) => match cv_kind(&bytes) {
            Some((ext, mime)) => Some(save_cv(&state, &bytes, ext, mime, &input).await?),
            None => {
                let keep = values
                    .iter()
                    .filter(|(k, _)| k.as_str() != "csrf")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let e = Invalid::new(
                    "cv",
                    "Le CV doit être un fichier PDF, Word (.docx) ou OpenDocument (.odt). Vous pouvez aussi postuler sans CV.",
                );
                return Ok((
                    StatusCode::BAD_REQUEST,
                    Html(page(&state, &offer, csrf, keep, vec![e]).render()?),
                )
                    .into_response());
            }
        },
    };
    let follow = match deliver(&state, &offer, &input, cv.as_ref(), now).await? {
        Ok(follow) => follow,
        Err(e) => {
            if let Some(cv) = &cv {
                let _ = tokio::fs::remove_file(&cv.path).await;
            }
            let keep = values
                .iter()
                .filter(|(k, _)| k.as_str() != "csrf")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            return Ok((
                StatusCode::TOO_MANY_REQUESTS,
                Html(page(&state, &offer, csrf, keep, vec![e]).render()?),
            )
                .into_response());
        }
    };
    let done = DonePage {
        layout: Layout::new(&state, "/offres"),
        title: offer.fields.title.clone(),
        follow,
        by_mail: input.email.is_some(),
    };
    Ok(Html(done.render()?).into_response())
}

#[derive(Template)]
#[template(path = "suivi.html")]
struct FollowPage {
    layout: Layout,
    title: String,
    company: String,
    sent: String,
    status: &'static str,
    reason: Option<String>,
    waiting_long: bool,
    steps: Vec<(String, &'static str)>,
}

async fn follow(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    let a = state
        .store
        .application_by_follow_link(&auth::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    let offer = state
        .store
        .get_offer(a.offer_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let now = state.clock.now();
    let steps = state
        .store
        .application_events(a.id)
        .await?
        .into_iter()
        .map(|(at, s)| {
            (
                at.format("%d/%m/%Y").to_string(),
                ApplicationStatus::from_db(&s).map_or("?", |x| x.label()),
            )
        })
        .collect();
    let status = a.status();
    let page = FollowPage {
        layout: Layout::new(&state, "/candidature"),
        title: offer.fields.title.clone(),
        company: offer.fields.company_name.clone(),
        sent: a.created_at.format("%d/%m/%Y").to_string(),
        status: status.label(),
        reason: a.answer_reason.clone(),
        waiting_long: matches!(status, ApplicationStatus::Envoyee | ApplicationStatus::Vue)
            && now - a.created_at >= Duration::days(7),
        steps,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "reponse.html")]
struct AnswerPage {
    layout: Layout,
    name: String,
    title: String,
    choice: String,
    answered: Option<&'static str>,
}

fn choice(s: &str) -> Result<ApplicationStatus, WebError> {
    match s {
        "entretien" => Ok(ApplicationStatus::Entretien),
        "non_retenu" => Ok(ApplicationStatus::NonRetenue),
        _ => Err(WebError::NotFound),
    }
}

async fn answer_page(
    State(state): State<AppState>,
    Path((token, c)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    choice(&c)?;
    let a = state
        .store
        .application_by_employer_link(&auth::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    if state.clock.now() - a.created_at > Duration::days(EMPLOYER_LINK_DAYS) {
        return Err(WebError::BadRequest(
            "Ce lien de réponse a expiré. Pour répondre à cette candidature, contactez la Mission Locale.".into(),
        ));
    }
    if a.status() == ApplicationStatus::Envoyee {
        state
            .store
            .set_application_status(a.id, ApplicationStatus::Vue, None, state.clock.now())
            .await?;
    }
    let offer = state
        .store
        .get_offer(a.offer_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let answered = matches!(
        a.status(),
        ApplicationStatus::Entretien | ApplicationStatus::NonRetenue
    )
    .then(|| a.status().label());
    let page = AnswerPage {
        layout: Layout::new(&state, "/reponse"),
        name: format!("{} {}", a.first_name, a.last_name),
        title: offer.fields.title,
        choice: c,
        answered,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "mail/answer.txt")]
struct AnswerMail<'a> {
    first_name: &'a str,
    title: &'a str,
    status: &'a str,
    reason: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "mail/answer.html")]
struct AnswerMailHtml<'a> {
    m: &'a AnswerMail<'a>,
}

#[derive(serde::Deserialize)]
struct AnswerForm {
    #[serde(default)]
    raison: String,
}

async fn answer(
    State(state): State<AppState>,
    Path((token, c)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let status = choice(&c)?;
    let a = state
        .store
        .application_by_employer_link(&auth::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    if state.clock.now() - a.created_at > Duration::days(EMPLOYER_LINK_DAYS) {
        return Err(WebError::BadRequest(
            "Ce lien de réponse a expiré. Pour répondre à cette candidature, contactez la Mission Locale.".into(),
        ));
    }
    if matches!(
        a.status(),
        ApplicationStatus::Entretien
            | ApplicationStatus::NonRetenue
            | ApplicationStatus::Retiree
            | ApplicationStatus::ContratSigne
    ) {
        // Answered already: the first answer stands.
        return Ok(Redirect::to(&format!("/reponse/{token}/{c}")).into_response());
    }
    let reason: String = f.raison.trim().chars().take(500).collect();
    let reason = (status == ApplicationStatus::NonRetenue && !reason.is_empty()).then_some(reason);
    let now = state.clock.now();
    state
        .store
        .set_application_status(a.id, status, reason.as_deref(), now)
        .await?;
    if let Some(email) = &a.email {
        let offer = state
            .store
            .get_offer(a.offer_id)
            .await?
            .ok_or(WebError::NotFound)?;
        let mail = AnswerMail {
            first_name: &a.first_name,
            title: &offer.fields.title,
            status: status.label(),
            reason: reason.as_deref(),
        };
        let text = mail.render()?;
        let html = AnswerMailHtml { m: &mail }.render()?;
        state
            .store
            .enqueue_mail(
                email,
                "L'employeur a répondu à votre candidature",
                &text,
                Some(&html),
                now,
            )
            .await?;
    }
    Ok(Redirect::to(&format!("/reponse/{token}/{c}")).into_response())
}

/// The largest CV accepted.
pub const MAX_CV_BYTES: usize = 5 * 1024 * 1024;

/// The form's fields and the CV's bytes, from a multipart body (with a file) or a plain one.
async fn read_form(
    state: &AppState,
    headers: &HeaderMap,
    request: Request,
) -> Result<(HashMap<String, String>, Option<Bytes>), WebError> {
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let Form(values) = Form::<HashMap<String, String>>::from_request(request, state)
            .await
            .map_err(|_| WebError::BadRequest("Le formulaire est mal formé.".into()))?;
        return Ok((values, None));
    }
    let too_big = || {
        WebError::BadRequest(
            "Le CV dépasse 5 Mo : envoyez un fichier plus léger, ou postulez sans CV.".into(),
        )
    };
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|_| WebError::BadRequest("Le formulaire est mal formé.".into()))?;
    let mut values = HashMap::new();
    let mut cv = None;
    while let Some(field) = form.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "cv" {
            let bytes = field.bytes().await.map_err(|_| too_big())?;
            if bytes.len() > MAX_CV_BYTES {
                return Err(too_big());
            }
            if !bytes.is_empty() {
                cv = Some(bytes);
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|_| WebError::BadRequest("Le formulaire est mal formé.".into()))?;
            values.insert(name, text);
        }
    }
    Ok((values, cv))
}

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
async fn save_cv(
    state: &AppState,
    bytes: &[u8],
    ext: &str,
    mime: &str,
    who: &ApplicationInput,
) -> Result<Attachment, WebError> {
    let dir = state.config.uploads_dir.join("cv");
    let path = dir.join(format!("{}.{ext}", auth::random_token()));
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

// ---- The counselors' view ----

pub struct ApplicationLine {
    pub id: i64,
    pub sent: String,
    pub name: String,
    pub offer_id: i64,
    pub offer: String,
    pub status: &'static str,
    pub has_cv: bool,
}

#[derive(Template)]
#[template(path = "gestion/applications.html")]
struct PipelinePage {
    layout: Layout,
    nav: crate::gestion::Nav,
    applications: Vec<ApplicationLine>,
}

async fn pipeline(
    State(state): State<AppState>,
    staff: crate::auth::Staff,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let list = state.store.applications(200).await?;
    let ids: Vec<i64> = list.iter().map(|a| a.offer_id).collect();
    let offers = state.store.get_offers(&ids).await?;
    let applications = list
        .iter()
        .map(|a| ApplicationLine {
            id: a.id,
            sent: a.created_at.format("%d/%m/%Y").to_string(),
            name: format!("{} {}", a.first_name, a.last_name),
            offer_id: a.offer_id,
            offer: offers
                .iter()
                .find(|o| o.id == a.offer_id)
                .map_or_else(String::new, |o| o.fields.title.clone()),
            status: a.status().label(),
            has_cv: a.cv_path.is_some(),
        })
        .collect();
    let page = PipelinePage {
        layout: Layout::new(&state, "/gestion/candidatures"),
        nav: crate::gestion::Nav::new(&staff),
        applications,
    };
    Ok(Html(page.render()?))
}

/// The CV, to counselors only, always as a download (never displayed by the browser).
async fn download_cv(
    State(state): State<AppState>,
    staff: crate::auth::Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let a = state
        .store
        .application(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let (Some(path), Some(name), Some(kind)) = (&a.cv_path, &a.cv_name, &a.cv_type) else {
        return Err(WebError::NotFound);
    };
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|_| WebError::NotFound)?;
    staff
        .log(&state, "CV consulté", &format!("candidature {id}"))
        .await?;
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, kind.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

// ---- Withdrawing, closing, following up ----

#[derive(Template)]
#[template(path = "withdrawn.html")]
struct WithdrawnPage {
    layout: Layout,
}

/// The young person withdraws their application from the follow-up link: it is erased, with
/// its CV.
async fn withdraw(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    let a = state
        .store
        .application_by_follow_link(&auth::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    if let Some(path) = state.store.delete_application(a.id).await? {
        if let Err(e) = tokio::fs::remove_file(&path).await {
            tracing::warn!(candidature = a.id, cause = %e, "CV déjà absent");
        }
    }
    Ok(Html(
        WithdrawnPage {
            layout: Layout::new(&state, "/candidature"),
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "mail/closed.txt")]
struct ClosedMail<'a> {
    first_name: &'a str,
    title: &'a str,
    why: &'a str,
}

#[derive(Template)]
#[template(path = "mail/closed.html")]
struct ClosedMailHtml<'a> {
    m: &'a ClosedMail<'a>,
}

/// An offer was filled, withdrawn or expired: every applicant still waiting is told.
pub async fn notify_offer_closed(
    state: &AppState,
    offer: &Offer,
    why: &str,
) -> Result<usize, WebError> {
    let now = state.clock.now();
    let mut told = 0;
    for a in state.store.pending_applications(offer.id).await? {
        state
            .store
            .set_application_status(a.id, ApplicationStatus::NonRetenue, Some(why), now)
            .await?;
        if let Some(email) = &a.email {
            let mail = ClosedMail {
                first_name: &a.first_name,
                title: &offer.fields.title,
                why,
            };
            let text = mail.render()?;
            let html = ClosedMailHtml { m: &mail }.render()?;
            state
                .store
                .enqueue_mail(
                    email,
                    "L'offre à laquelle vous avez postulé n'est plus disponible",
                    &text,
                    Some(&html),
                    now,
                )
                .await?;
            told += 1;
        }
    }
    Ok(told)
}

#[derive(serde::Deserialize)]
struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    statut: String,
}

/// Counselors move an application along: interview, kept, not kept, contract signed.
async fn set_status(
    State(state): State<AppState>,
    staff: crate::auth::Staff,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    state
        .store
        .application(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let status = match f.statut.as_str() {
        "entretien" => ApplicationStatus::Entretien,
        "retenue" => ApplicationStatus::Retenue,
        "non_retenue" => ApplicationStatus::NonRetenue,
        "contrat_signe" => ApplicationStatus::ContratSigne,
        other => return Err(WebError::BadRequest(format!("Étape inconnue « {other} »."))),
    };
    state
        .store
        .set_application_status(id, status, None, state.clock.now())
        .await?;
    Ok(Redirect::to("/gestion/candidatures").into_response())
}

// ---- Personal data: retention, export, erasure ----

/// Erases applications (and CVs) whose last activity is older than the territory's retention.
pub async fn forget_old(state: &AppState) -> Result<usize, WebError> {
    let Some(t) = state.territory() else {
        return Ok(0);
    };
    let before = state.clock.now() - Duration::days(30 * t.retention_months.max(1));
    let old = state.store.applications_to_forget(before).await?;
    for (id, _) in &old {
        if let Some(path) = state.store.delete_application(*id).await? {
            let _ = tokio::fs::remove_file(&path).await;
        }
    }
    if !old.is_empty() {
        tracing::info!(
            candidatures = old.len(),
            "candidatures effacées au terme de leur conservation"
        );
    }
    Ok(old.len())
}

#[derive(serde::Deserialize, Default)]
struct PersonQuery {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    telephone: String,
}

impl PersonQuery {
    /// The person's identifiers as stored.
    fn keys(&self) -> Result<(Option<String>, Option<String>), WebError> {
        let email = Some(self.email.trim())
            .filter(|e| !e.is_empty())
            .map(str::to_lowercase);
        let phone = match self.telephone.trim() {
            "" => None,
            t => Some(
                tremplin_domain::Telephone::parse(t)
                    .map_err(|e| WebError::BadRequest(e.message))?
                    .as_str()
                    .to_owned(),
            ),
        };
        if email.is_none() && phone.is_none() {
            return Err(WebError::BadRequest(
                "Indiquez l'e-mail ou le téléphone de la personne.".into(),
            ));
        }
        Ok((email, phone))
    }
}

#[derive(Template)]
#[template(path = "gestion/person.html")]
struct PersonPage {
    layout: Layout,
    nav: crate::gestion::Nav,
    email: String,
    telephone: String,
    searched: bool,
    applications: Vec<ApplicationLine>,
}

async fn person(
    State(state): State<AppState>,
    staff: crate::auth::Staff,
    axum::extract::Query(q): axum::extract::Query<PersonQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    let searched = !q.email.trim().is_empty() || !q.telephone.trim().is_empty();
    let mut applications = Vec::new();
    if searched {
        let (email, phone) = q.keys()?;
        for a in state
            .store
            .applications_of_person(email.as_deref(), phone.as_deref())
            .await?
        {
            applications.push(ApplicationLine {
                id: a.id,
                sent: a.created_at.format("%d/%m/%Y").to_string(),
                name: format!("{} {}", a.first_name, a.last_name),
                offer_id: a.offer_id,
                offer: String::new(),
                status: a.status().label(),
                has_cv: a.cv_path.is_some(),
            });
        }
    }
    let page = PersonPage {
        layout: Layout::new(&state, "/gestion/personnes"),
        nav: crate::gestion::Nav::new(&staff),
        email: q.email,
        telephone: q.telephone,
        searched,
        applications,
    };
    Ok(Html(page.render()?))
}

/// Everything Tremplin holds about a person, as JSON (the right of access).
async fn export_person(
    State(state): State<AppState>,
    staff: crate::auth::Staff,
    Form(q): Form<PersonQuery>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&q.csrf)?;
    let (email, phone) = q.keys()?;
    let mut out = Vec::new();
    for a in state
        .store
        .applications_of_person(email.as_deref(), phone.as_deref())
        .await?
    {
        let steps: Vec<serde_json::Value> = state
            .store
            .application_events(a.id)
            .await?
            .into_iter()
            .map(|(at, s)| serde_json::json!({ "date": at.to_rfc3339(), "etape": s }))
            .collect();
        out.push(serde_json::json!({
            "candidature": a.id, "offre": a.offer_id, "prenom": a.first_name, "nom": a.last_name,
            "email": a.email, "telephone": a.phone, "commune": a.commune_code, "date_naissance": a.birth_date.to_string(),
            "mobilite": a.mobility, "message": a.message, "etat": a.status, "raison": a.answer_reason,
            "cv": a.cv_name, "envoyee_le": a.created_at.to_rfc3339(), "etapes": steps,
        }));
    }
    let detail = format!("{} candidature(s)", out.len());
    staff.log(&state, "données exportées", &detail).await?;
    let body = serde_json::to_string_pretty(&serde_json::json!({ "candidatures": out }))
        .unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"donnees-tremplin.json\"".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// Erases everything about a person (the right to erasure).
async fn erase_person(
    State(state): State<AppState>,
    staff: crate::auth::Staff,
    Form(q): Form<PersonQuery>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&q.csrf)?;
    let (email, phone) = q.keys()?;
    let found = state
        .store
        .applications_of_person(email.as_deref(), phone.as_deref())
        .await?;
    for a in &found {
        if let Some(path) = state.store.delete_application(a.id).await? {
            let _ = tokio::fs::remove_file(&path).await;
        }
    }
    // The log says how many, not whose: no personal data in it.
    let detail = format!("{} candidature(s)", found.len());
    staff.log(&state, "données effacées", &detail).await?;
    Ok(Redirect::to("/gestion/personnes").into_response())
}

/// Stores an application and sends it: to the employer (or the Mission Locale for an offer
/// taken by phone), the Mission Locale when there is no CV, the young person's confirmation.
/// Returns the private follow-up link, or the limit the person is over.
async fn deliver(
    state: &AppState,
    offer: &Offer,
    input: &ApplicationInput,
    cv: Option<&Attachment>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Result<String, Invalid>, WebError> {
    let employer_token = auth::random_token();
    let follow_token = auth::random_token();
    let follow = format!("{}/candidature/{follow_token}", state.config.public_url);
    let id = match state
        .store
        .create_application(
            offer.id,
            input,
            cv,
            &auth::token_hash(&follow_token),
            &auth::token_hash(&employer_token),
            now,
        )
        .await
    {
        Ok(id) => id,
        Err(StoreError::Invalid(e)) => return Ok(Err(e)),
        Err(e) => return Err(e.into()),
    };
    // To the offer's contact; an offer taken by phone goes to the Mission Locale, which calls.
    let territory = state.territory();
    let recipient = offer
        .fields
        .contact
        .email
        .as_ref()
        .map(|e| e.to_string())
        .or_else(|| territory.as_ref().and_then(|t| t.contact_email.clone()));
    let years = age(input.birth_date, now.date_naive());
    let base = format!("{}/reponse/{employer_token}", state.config.public_url);
    let mail = EmployerMail {
        name: format!("{} {}", input.first_name, input.last_name),
        title: &offer.fields.title,
        territory: territory
            .as_ref()
            .map_or_else(|| "Mission Locale".to_owned(), |t| t.name.clone()),
        commune: state
            .refs
            .communes
            .get(input.commune.as_str())
            .map_or_else(|| input.commune.to_string(), |c| c.label()),
        age: years,
        minor: years < 18,
        mobility: input.mobility.label(),
        email: input.email.as_ref().map(|e| e.as_str()),
        phone: input.phone.as_ref().map(|p| p.display()),
        message: &input.message,
        yes: format!("{base}/entretien"),
        no: format!("{base}/non_retenu"),
    };
    if let Some(to) = recipient {
        let subject = format!(
            "Candidature de {} {} : {}",
            input.first_name, input.last_name, offer.fields.title
        );
        state
            .store
            .enqueue_mail_with(
                &to,
                &subject,
                &mail.render()?,
                Some(&EmployerMailHtml { m: &mail }.render()?),
                cv,
                now,
            )
            .await?;
    } else {
        tracing::warn!(
            candidature = id,
            "ni contact ni e-mail de la Mission Locale : candidature à transmettre par téléphone"
        );
    }
    if cv.is_none() {
        // Without a CV, the counselors complete the application with the young person.
        if let Some(ml) = territory.as_ref().and_then(|t| t.contact_email.clone()) {
            let text = format!(
                "Candidature sans CV de {} {} pour l'offre « {} » (candidature n° {id}).\nÀ compléter avec le ou la jeune : {}/gestion/candidatures",
                input.first_name, input.last_name, offer.fields.title, state.config.public_url
            );
            state
                .store
                .enqueue_mail(&ml, "Candidature sans CV à compléter", &text, None, now)
                .await?;
        }
    }
    if let Some(email) = &input.email {
        let mail = ConfirmationMail {
            first_name: &input.first_name,
            title: &offer.fields.title,
            company: &offer.fields.company_name,
            follow: &follow,
        };
        let text = mail.render()?;
        let html = ConfirmationMailHtml { m: &mail }.render()?;
        state
            .store
            .enqueue_mail(
                email.as_str(),
                "Votre candidature est partie",
                &text,
                Some(&html),
                now,
            )
            .await?;
    }
    Ok(Ok(follow))
}

// ---- Counselors apply on behalf of a young person (prescription) ----

#[derive(Template)]
#[template(path = "gestion/on_behalf.html")]
struct OnBehalfPage {
    layout: Layout,
    nav: crate::gestion::Nav,
    offers: Vec<(i64, String, String, bool)>,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    sent: Vec<(String, Result<String, String>)>,
    mobilities: Vec<(&'static str, &'static str)>,
}

impl OnBehalfPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
}

async fn public_offers(
    state: &AppState,
    chosen: &[i64],
) -> Result<Vec<(i64, String, String, bool)>, WebError> {
    let list = state
        .store
        .offers_for_management(Some(tremplin_domain::OfferStatus::Publiee), None, 300)
        .await?;
    Ok(list
        .iter()
        .map(|o| {
            let commune = state
                .refs
                .communes
                .get(o.fields.commune.as_str())
                .map_or_else(String::new, |c| c.name.clone());
            (
                o.id,
                o.fields.title.clone(),
                format!("{} · {commune}", o.fields.company_name),
                chosen.contains(&o.id),
            )
        })
        .collect())
}

async fn on_behalf_form(
    State(state): State<AppState>,
    staff: crate::auth::Staff,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let page = OnBehalfPage {
        layout: Layout::new(&state, "/gestion/candidatures/nouvelle"),
        nav: crate::gestion::Nav::new(&staff),
        offers: public_offers(&state, &[]).await?,
        values: HashMap::new(),
        errors: Vec::new(),
        sent: Vec::new(),
        mobilities: Mobility::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
    };
    Ok(Html(page.render()?))
}

async fn on_behalf(
    State(state): State<AppState>,
    staff: crate::auth::Staff,
    body: Bytes,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| WebError::BadRequest("Le formulaire est mal formé.".into()))?;
    let values: HashMap<String, String> = pairs
        .iter()
        .filter(|(k, _)| k != "offres")
        .cloned()
        .collect();
    staff.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    let chosen: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "offres")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let now = state.clock.now();
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let mut errors = Vec::new();
    if chosen.is_empty() {
        errors.push(Invalid::new("offres", "Cochez au moins une offre."));
    }
    let input = ApplicationInput::parse(&get, now.date_naive(), &|c| state.refs.communes.exists(c))
        .map_err(|e| errors.extend(e))
        .ok();
    let mut sent = Vec::new();
    if let (Some(input), true) = (&input, errors.is_empty()) {
        for id in &chosen {
            let Some(offer) = state
                .store
                .get_offer(*id)
                .await?
                .filter(|o| o.status.is_public())
            else {
                continue;
            };
            let outcome = deliver(&state, &offer, input, None, now)
                .await?
                .map_err(|e| e.message);
            sent.push((offer.fields.title.clone(), outcome));
        }
        let detail = format!(
            "{} candidature(s) envoyée(s) pour un·e jeune",
            sent.iter().filter(|s| s.1.is_ok()).count()
        );
        staff.log(&state, "candidature prescrite", &detail).await?;
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = OnBehalfPage {
        layout: Layout::new(&state, "/gestion/candidatures/nouvelle"),
        nav: crate::gestion::Nav::new(&staff),
        offers: public_offers(&state, &chosen).await?,
        values: values.into_iter().filter(|(k, _)| k != "csrf").collect(),
        errors,
        sent,
        mobilities: Mobility::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
    };
    Ok((status, Html(page.render()?)).into_response())
}
