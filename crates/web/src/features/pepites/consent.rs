//! Consents: asked by e-mail (a private link) or on a printed form the counselor records as
//! received; the private link lets each person give consent, then withdraw it at any time
//! without an account, which takes the portrait off at once.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use tremplin_domain::pepite::consent::{Signer, latest_end};
use tremplin_domain::{Email, check_text};
use tremplin_storage::{Pepite, StoredConsent};

use super::gestion::{counselor_pepite, detail_page};
use crate::services::{pepites, secrets};
use crate::shell::Layout;
use crate::shell::auth::{self, Staff};
use crate::{AppState, WebError};

#[derive(serde::Deserialize)]
pub(super) struct AskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    signataire: String,
    #[serde(default)]
    nom: String,
    #[serde(default)]
    lien: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    mode: String,
}

fn link(state: &AppState, token: &str) -> String {
    format!("{}/pepites/consentement/{token}", state.config.public_url)
}

async fn refused(
    state: &AppState,
    staff: &Staff,
    p: Pepite,
    message: String,
) -> Result<Response, WebError> {
    Ok((
        StatusCode::BAD_REQUEST,
        Html(detail_page(state, staff, p, Some(message)).await?),
    )
        .into_response())
}

pub(super) async fn ask(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<AskForm>,
) -> Result<Response, WebError> {
    let p = counselor_pepite(&state, &staff, id).await?;
    staff.check_csrf(&f.csrf)?;
    if p.is_over() {
        return refused(
            &state,
            &staff,
            p,
            "Ce portrait est terminé : il ne peut plus changer.".into(),
        )
        .await;
    }
    let today = state.clock.now().date_naive();
    let minor = pepites::is_minor(&p, today);
    let signer = match Signer::parse(&f.signataire) {
        Ok(Signer::YoungPerson) => Signer::YoungPerson,
        Ok(Signer::Holder(n)) if minor && i64::from(n) <= p.holders => Signer::Holder(n),
        _ => {
            return refused(
                &state,
                &staff,
                p,
                "Choisissez qui consent dans la liste.".into(),
            )
            .await;
        }
    };
    let (name, relation) = (f.nom.trim(), f.lien.trim());
    for (label, value, max) in [
        ("nom", name, 80),
        ("lien avec le ou la jeune", relation, 40),
    ] {
        if let Err(e) = check_text("consent", label, value, false) {
            return refused(&state, &staff, p, e.message).await;
        }
        if value.is_empty() || value.chars().count() > max {
            return refused(
                &state,
                &staff,
                p,
                format!("Indiquez le {label} ({max} caractères au plus)."),
            )
            .await;
        }
    }
    let email = match f.email.trim() {
        "" => None,
        raw => match Email::parse(raw) {
            Ok(e) => Some(e.as_str().to_owned()),
            Err(e) => return refused(&state, &staff, p, e.message).await,
        },
    };
    let paper = f.mode == "papier";
    if !paper && email.is_none() {
        return refused(&state, &staff, p, "Pour envoyer le lien de consentement, indiquez son e-mail (ou imprimez le formulaire).".into()).await;
    }
    let token = secrets::random_token();
    let now = state.clock.now();
    let channel = if paper { "papier" } else { "en_ligne" };
    state
        .store
        .ask_pepite_consent(
            id,
            signer.as_str(),
            name,
            relation,
            email.as_deref(),
            channel,
            &secrets::token_hash(&token),
            now,
        )
        .await?;
    staff
        .log(
            &state,
            "pepite.consentement_demande",
            &format!("pépite {id}, {}", signer.as_str()),
        )
        .await?;
    if paper {
        let form = tremplin_print::pdf::consent::ConsentForm {
            territory: state
                .territory()
                .map_or_else(|| "Mission Locale".to_owned(), |t| t.name),
            young_name: p.display_name.clone(),
            signer: signer.label().to_owned(),
            name: name.to_owned(),
            link: relation.to_owned(),
            latest_end: crate::shell::dates::french_day(latest_end(today)),
            withdraw_url: link(&state, &token),
        };
        let pdf = tremplin_print::pdf::consent::pdf(&form)
            .map_err(|e| WebError::Internal(e.to_string()))?;
        return Ok((
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"consentement-pepite-{id}.pdf\""),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            pdf,
        )
            .into_response());
    }
    let text = format!(
        "Bonjour {name},\n\nLa {} vous demande votre accord pour publier le portrait vidéo de {} dans « Nos pépites », montré aux employeurs du territoire.\n\nPour lire ce qui est demandé et répondre (deux choix séparés : le portrait sur Tremplin, et le relais sur les réseaux sociaux et dans la presse) :\n{}\n\nSans réponse, rien n'est publié.\n",
        state
            .territory()
            .map_or_else(|| "Mission Locale".to_owned(), |t| t.name),
        p.display_name,
        link(&state, &token)
    );
    state
        .store
        .enqueue_mail(
            email.as_deref().unwrap_or_default(),
            "Votre accord pour un portrait « Nos pépites »",
            &text,
            None,
            now,
        )
        .await?;
    Ok(Redirect::to(&format!("/gestion/pepites/{id}")).into_response())
}

#[derive(serde::Deserialize)]
pub(super) struct ReceivedForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    signe_le: String,
    #[serde(default)]
    jusqu_au: String,
    #[serde(default)]
    tremplin: String,
    #[serde(default)]
    reseaux: String,
}

/// Checks a consent's dates: signed on or before today, lasting six months at most.
fn dates(given: &str, until: &str, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), String> {
    let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let given = parse(given)
        .filter(|d| *d <= today)
        .ok_or("Indiquez la date de signature (aujourd'hui ou avant).")?;
    let until = match until.trim() {
        "" => latest_end(given),
        raw => parse(raw).ok_or("La date de fin s'écrit jj/mm/aaaa.")?,
    };
    if until > latest_end(given) || until < given {
        return Err(format!(
            "Un consentement vaut six mois au plus : jusqu'au {} au plus tard.",
            crate::shell::dates::french_day(latest_end(given))
        ));
    }
    Ok((given, until))
}

/// The signed paper form came back: recorded, and confirmed by e-mail with a private link.
pub(super) async fn received(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, cid)): Path<(i64, i64)>,
    Form(f): Form<ReceivedForm>,
) -> Result<Response, WebError> {
    let p = counselor_pepite(&state, &staff, id).await?;
    staff.check_csrf(&f.csrf)?;
    let consents = state.store.pepite_consents(id).await?;
    let c = consents
        .into_iter()
        .find(|c| c.id == cid)
        .ok_or(WebError::NotFound)?;
    let today = state.clock.now().date_naive();
    let (given, until) = match dates(&f.signe_le, &f.jusqu_au, today) {
        Ok(d) => d,
        Err(m) => return refused(&state, &staff, p, m).await,
    };
    let (tremplin, social) = (f.tremplin == "oui", f.reseaux == "oui");
    if !tremplin && !social {
        return refused(&state, &staff, p, "Cochez ce que la personne a accepté sur le formulaire (au moins une case), sinon ne l'enregistrez pas.".into()).await;
    }
    let now = state.clock.now();
    if !state
        .store
        .give_pepite_consent(cid, given, tremplin, social, until, "papier", now)
        .await?
    {
        return refused(
            &state,
            &staff,
            p,
            "Ce consentement est déjà enregistré ou retiré.".into(),
        )
        .await;
    }
    staff
        .log(
            &state,
            "pepite.consentement_recu",
            &format!("pépite {id}, {}", c.signer),
        )
        .await?;
    if let Some(email) = &c.email {
        let token = secrets::random_token();
        state
            .store
            .set_pepite_consent_token(cid, &secrets::token_hash(&token))
            .await?;
        confirm(&state, &p, &c, email, &token, until).await?;
    }
    Ok(Redirect::to(&format!("/gestion/pepites/{id}")).into_response())
}

async fn confirm(
    state: &AppState,
    p: &Pepite,
    c: &StoredConsent,
    email: &str,
    token: &str,
    until: NaiveDate,
) -> Result<(), WebError> {
    let text = format!(
        "Bonjour {},\n\nVotre accord pour le portrait de {} est enregistré, jusqu'à la signature d'un contrat et au plus tard jusqu'au {}.\n\nVous pouvez le retirer à tout moment, sans compte ni justification, par ce lien : le portrait quitte le site aussitôt et ses fichiers sont effacés dans l'heure.\n{}\n\nGardez ce message.\n",
        c.name,
        p.display_name,
        crate::shell::dates::french_day(until),
        link(state, token)
    );
    state
        .store
        .enqueue_mail(
            email,
            "Votre accord « Nos pépites » : confirmation et retrait",
            &text,
            None,
            state.clock.now(),
        )
        .await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "features/pepites/templates/consent.html")]
struct ConsentPage {
    layout: Layout,
    csrf: String,
    token: String,
    name: String,
    young_name: String,
    signer: &'static str,
    given: bool,
    withdrawn: bool,
    over: bool,
    latest_end: String,
    done: Option<&'static str>,
}

async fn find(state: &AppState, token: &str) -> Result<(StoredConsent, Pepite), WebError> {
    let c = state
        .store
        .pepite_consent_by_token(&secrets::token_hash(token))
        .await?
        .ok_or(WebError::NotFound)?;
    let p = state
        .store
        .pepite(c.pepite_id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((c, p))
}

fn consent_page(
    state: &AppState,
    csrf: String,
    token: &str,
    c: &StoredConsent,
    p: &Pepite,
    done: Option<&'static str>,
) -> ConsentPage {
    ConsentPage {
        layout: Layout::new(state, "/pepites"),
        csrf,
        token: token.to_owned(),
        name: c.name.clone(),
        young_name: p.display_name.clone(),
        signer: Signer::parse(&c.signer).map_or("?", |s| s.label()),
        given: c.given_on.is_some(),
        withdrawn: c.withdrawn_on.is_some(),
        over: p.is_over(),
        latest_end: crate::shell::dates::french_day(latest_end(state.clock.now().date_naive())),
        done,
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (c, p) = find(&state, &token).await?;
    let (csrf, cookie) = auth::public_csrf(&state, &headers);
    let body = consent_page(&state, csrf, &token, &c, &p, None).render()?;
    Ok((
        [
            (header::SET_COOKIE, cookie),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Html(body),
    )
        .into_response())
}

#[derive(serde::Deserialize)]
pub(super) struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    tremplin: String,
    #[serde(default)]
    reseaux: String,
}

pub(super) async fn answer(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(f): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let (c, p) = find(&state, &token).await?;
    let csrf = auth::check_public_csrf(&headers, &f.csrf)?;
    let now = state.clock.now();
    let today = now.date_naive();
    let done = match f.action.as_str() {
        "retirer" => {
            state
                .store
                .withdraw_pepite_consent(c.id, today, now)
                .await?;
            pepites::end(
                &state,
                p.id,
                "retiree",
                &format!(
                    "consentement retiré par {}",
                    Signer::parse(&c.signer).map_or("?", |s| s.label())
                ),
            )
            .await?;
            "Votre accord est retiré : le portrait n'est plus sur le site, ses fichiers sont effacés. La conseillère ou le conseiller est prévenu·e."
        }
        "consentir" if c.given_on.is_none() && c.withdrawn_on.is_none() && !p.is_over() => {
            let (tremplin, social) = (f.tremplin == "oui", f.reseaux == "oui");
            if !tremplin && !social {
                let mut page = consent_page(&state, csrf, &token, &c, &p, None);
                page.done = Some(
                    "Cochez au moins un choix pour donner votre accord ; sinon, fermez simplement cette page : rien ne sera publié.",
                );
                return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
            }
            let until = latest_end(today);
            state
                .store
                .give_pepite_consent(c.id, today, tremplin, social, until, "en_ligne", now)
                .await?;
            if let Some(email) = &c.email {
                confirm(&state, &p, &c, email, &token, until).await?;
            }
            "Merci : votre accord est enregistré. Un e-mail de confirmation vous donne le lien pour le retirer à tout moment."
        }
        _ => {
            return Err(WebError::BadRequest(
                "Cette réponse n'est plus possible.".into(),
            ));
        }
    };
    let (c, p) = find(&state, &token).await?;
    Ok(Html(consent_page(&state, csrf, &token, &c, &p, Some(done)).render()?).into_response())
}
