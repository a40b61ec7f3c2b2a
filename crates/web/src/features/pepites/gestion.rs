//! The counselors' pages: the list of pépites and employers' requests, the portrait form, a
//! pépite's page (status, files, consents, requests, history) and its actions.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tremplin_domain::Invalid;
use tremplin_domain::pepite::consent::Scope;
use tremplin_domain::pepite::{Portrait, PortraitInput};
use tremplin_storage::{MeetingRequest, Pepite, StoredConsent};

use super::{Shown, area_choices, area_of};
use crate::services::{pepites, relays};
use crate::shell::auth::Staff;
use crate::shell::{Id, Layout, Nav};
use crate::{AppState, WebError};

pub(super) fn status_label(status: &str) -> &'static str {
    match status {
        "brouillon" => "En préparation",
        "publiee" => "Publiée",
        "terminee" => "Terminée",
        _ => "Retirée",
    }
}

pub(super) fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "rencontre" => "Rencontre",
        "immersion" => "Immersion",
        "contrat" => "Contrat signé",
        _ => "Sans suite",
    }
}

struct Line {
    id: i64,
    name: String,
    status: &'static str,
    missing: usize,
    views: i64,
    requests: usize,
    featured: bool,
}

struct RequestLine {
    id: i64,
    pepite_id: i64,
    pepite: String,
    sent: String,
    company: String,
    contact: String,
    message: String,
    outcome: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "features/pepites/templates/gestion_list.html")]
struct ListPage {
    layout: Layout,
    nav: Nav,
    pepites: Vec<Line>,
    requests: Vec<RequestLine>,
}

fn request_line(r: &MeetingRequest, name: &str) -> RequestLine {
    RequestLine {
        id: r.id,
        pepite_id: r.pepite_id,
        pepite: name.to_owned(),
        sent: crate::shell::dates::paris_day(r.created_at),
        company: match &r.siret {
            Some(s) => format!("{} (SIRET {s}, {})", r.company_name, r.commune_code),
            None => format!("{} ({})", r.company_name, r.commune_code),
        },
        contact: [
            Some(r.contact_name.clone()),
            r.phone.clone(),
            r.email.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · "),
        message: r.message.clone(),
        outcome: r.outcome.as_deref().map(outcome_label),
    }
}

pub(super) async fn list(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let today = state.clock.now().date_naive();
    let all = state.store.pepites().await?;
    let requests = state.store.meeting_requests(None).await?;
    let week = this_week(&state);
    let mut lines = Vec::new();
    for p in &all {
        let consents = state.store.pepite_consents(p.id).await?;
        lines.push(Line {
            id: p.id,
            name: p.display_name.clone(),
            status: status_label(&p.status),
            missing: if p.is_over() {
                0
            } else {
                pepites::missing(p, &consents, Scope::Tremplin, today).len()
            },
            views: p.views,
            requests: requests.iter().filter(|r| r.pepite_id == p.id).count(),
            featured: p.featured_week.as_deref() == Some(week.as_str()),
        });
    }
    let name = |id: i64| {
        all.iter()
            .find(|p| p.id == id)
            .map_or("", |p| p.display_name.as_str())
    };
    let requests = requests
        .iter()
        .map(|r| request_line(r, name(r.pepite_id)))
        .collect();
    Ok(Html(
        ListPage {
            layout: Layout::new(&state, "/gestion/pepites"),
            nav: Nav::new(&staff),
            pepites: lines,
            requests,
        }
        .render()?,
    ))
}

/// The ISO week of the next Thursday edition (`2026-W49`): after Thursday's publication,
/// next week's.
pub(super) fn this_week(state: &AppState) -> String {
    crate::services::pepite_picks::next_edition_week(state)
}

#[derive(Template)]
#[template(path = "features/pepites/templates/gestion_form.html")]
struct FormPage {
    layout: Layout,
    nav: Nav,
    action: String,
    title: String,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    areas: Vec<(String, String)>,
}

impl FormPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
    fn checked(&self, k: &str) -> bool {
        self.values.get(k).is_some_and(|v| v == "oui")
    }
}

fn form_page(
    state: &AppState,
    staff: &Staff,
    action: String,
    title: &str,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
) -> FormPage {
    FormPage {
        layout: Layout::new(state, &action),
        nav: Nav::new(staff),
        action,
        title: title.to_owned(),
        values,
        errors,
        areas: area_choices(state),
    }
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let values = HashMap::from([("titulaires".to_owned(), "2".to_owned())]);
    Ok(Html(
        form_page(
            &state,
            &staff,
            "/gestion/pepites/nouvelle".into(),
            "Nouvelle pépite",
            values,
            Vec::new(),
        )
        .render()?,
    ))
}

/// The form's portrait, checked (metier words resolved), and the number of holders.
fn parse(
    state: &AppState,
    values: &HashMap<String, String>,
) -> Result<(Portrait, u8), Vec<Invalid>> {
    let get = |k: &str| values.get(k).map_or("", |v| v.trim()).to_owned();
    let mut errors = Vec::new();
    let mut trades = Vec::new();
    for k in ["metier_1", "metier_2", "metier_3"] {
        let typed = get(k);
        if typed.is_empty() {
            continue;
        }
        match crate::services::typed::metier(state, &typed) {
            Ok(code) => trades.push(code),
            Err(u) => errors.push(Invalid::new("trades", u.message)),
        }
    }
    let area = area_of(state, &get("zone"));
    let input = PortraitInput {
        display_name: get("prenom"),
        birth_date: get("naissance"),
        trades,
        available_from: get("disponible"),
        licence: get("permis") == "oui",
        vehicle: get("vehicule") == "oui",
        radius_km: get("rayon"),
        strengths: [get("atout_1"), get("atout_2"), get("atout_3")],
        text: values.get("texte").cloned().unwrap_or_default(),
    };
    let holders = match get("titulaires").as_str() {
        "1" => 1,
        _ => 2,
    };
    let today = state.clock.now().date_naive();
    match (area, errors.is_empty()) {
        (Ok(area), true) => match Portrait::parse(&input, area, today) {
            Ok(p) => {
                let holders = if p.is_minor(today) { holders } else { 0 };
                Ok((p, holders))
            }
            Err(e) => Err(vec![e]),
        },
        (area, _) => {
            if let Err(e) = area {
                errors.push(e);
            }
            Err(errors)
        }
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    match parse(&state, &values) {
        Ok((portrait, holders)) => {
            let id = state
                .store
                .create_pepite(&portrait, holders, Some(staff.user.id), state.clock.now())
                .await?;
            staff
                .log(&state, "pepite.creee", &format!("pépite {id}"))
                .await?;
            Ok(Redirect::to(&format!("/gestion/pepites/{id}")).into_response())
        }
        Err(errors) => {
            let page = form_page(
                &state,
                &staff,
                "/gestion/pepites/nouvelle".into(),
                "Nouvelle pépite",
                values,
                errors,
            );
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

pub(super) async fn counselor_pepite(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<Pepite, WebError> {
    staff.require_conseiller()?;
    state.store.pepite(id).await?.ok_or(WebError::NotFound)
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
) -> Result<Html<String>, WebError> {
    let p = counselor_pepite(&state, &staff, id).await?;
    let trades = p.trade_codes();
    let mut values: HashMap<String, String> = [
        ("prenom", p.display_name.clone()),
        ("naissance", p.birth_date.to_string()),
        ("zone", format!("{}:{}", p.area_kind, p.area_code)),
        ("disponible", p.available_from.to_string()),
        ("permis", if p.licence { "oui" } else { "" }.into()),
        ("vehicule", if p.vehicle { "oui" } else { "" }.into()),
        ("rayon", p.radius_km.to_string()),
        ("atout_1", p.strength_1.clone()),
        ("atout_2", p.strength_2.clone()),
        ("atout_3", p.strength_3.clone()),
        ("texte", p.story.clone()),
        ("titulaires", p.holders.max(1).to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for (i, t) in trades.iter().enumerate() {
        values.insert(format!("metier_{}", i + 1), t.to_string());
    }
    Ok(Html(
        form_page(
            &state,
            &staff,
            format!("/gestion/pepites/{id}/modifier"),
            "Modifier le portrait",
            values,
            Vec::new(),
        )
        .render()?,
    ))
}

pub(super) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let p = counselor_pepite(&state, &staff, id).await?;
    staff.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    if p.is_over() {
        return Err(WebError::Conflict(
            "Ce portrait est terminé : il ne peut plus changer.".into(),
        ));
    }
    match parse(&state, &values) {
        Ok((portrait, holders)) => {
            state
                .store
                .update_pepite(id, &portrait, holders, state.clock.now())
                .await?;
            Ok(Redirect::to(&format!("/gestion/pepites/{id}")).into_response())
        }
        Err(errors) => {
            let page = form_page(
                &state,
                &staff,
                format!("/gestion/pepites/{id}/modifier"),
                "Modifier le portrait",
                values,
                errors,
            );
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

struct ConsentLine {
    id: i64,
    who: String,
    signer: &'static str,
    state: String,
    paper_pending: bool,
}

#[derive(Template)]
#[template(path = "features/pepites/templates/gestion_detail.html")]
struct DetailPage {
    layout: Layout,
    nav: Nav,
    p: Pepite,
    shown: Shown,
    status: &'static str,
    minor: bool,
    missing: Vec<String>,
    missing_social: Vec<String>,
    consents: Vec<ConsentLine>,
    signers: Vec<(&'static str, &'static str)>,
    requests: Vec<RequestLine>,
    history: Vec<(String, String)>,
    featured: bool,
    /// While it may be relayed: the post suggested for Facebook (the kit has every network's).
    post: Option<String>,
    notice: Option<String>,
    today: String,
    until: String,
}

fn consent_line(c: &StoredConsent) -> ConsentLine {
    let signer =
        tremplin_domain::pepite::consent::Signer::parse(&c.signer).map_or("?", |s| s.label());
    let state = match (&c.given_on, &c.withdrawn_on) {
        (_, Some(w)) => format!("retiré le {}", crate::shell::dates::french_day(*w)),
        (Some(g), None) => {
            let mut scopes = Vec::new();
            if c.tremplin {
                scopes.push("portrait sur Tremplin");
            }
            if c.social_and_press {
                scopes.push("réseaux sociaux et presse");
            }
            format!(
                "donné le {} ({}) jusqu'au {}, {}",
                crate::shell::dates::french_day(*g),
                if c.channel == "papier" {
                    "formulaire papier"
                } else {
                    "en ligne"
                },
                c.until
                    .map_or_else(String::new, crate::shell::dates::french_day),
                if scopes.is_empty() {
                    "rien d'accordé".to_owned()
                } else {
                    scopes.join(" ; ")
                }
            )
        }
        (None, None) => {
            if c.channel == "papier" {
                "formulaire papier à recevoir".to_owned()
            } else {
                "lien envoyé, en attente de réponse".to_owned()
            }
        }
    };
    ConsentLine {
        id: c.id,
        who: format!("{} ({})", c.name, c.link),
        signer,
        state,
        paper_pending: c.given_on.is_none() && c.withdrawn_on.is_none(),
    }
}

pub(super) async fn detail_page(
    state: &AppState,
    staff: &Staff,
    p: Pepite,
    notice: Option<String>,
) -> Result<String, WebError> {
    let today = state.clock.now().date_naive();
    let consents = state.store.pepite_consents(p.id).await?;
    let minor = pepites::is_minor(&p, today);
    let messages = |scope| {
        pepites::missing(&p, &consents, scope, today)
            .iter()
            .map(|m| m.message(scope))
            .collect::<Vec<_>>()
    };
    let missing = messages(Scope::Tremplin);
    let missing_social = messages(Scope::SocialAndPress);
    let mut signers = vec![("jeune", "La personne filmée")];
    if minor {
        signers.push((
            "titulaire_1",
            "Première personne titulaire de l'autorité parentale",
        ));
        if p.holders >= 2 {
            signers.push((
                "titulaire_2",
                "Seconde personne titulaire de l'autorité parentale",
            ));
        }
    }
    let requests = state
        .store
        .meeting_requests(Some(p.id))
        .await?
        .iter()
        .map(|r| request_line(r, &p.display_name))
        .collect();
    let history = state
        .store
        .pepite_events(p.id)
        .await?
        .into_iter()
        .map(|(at, kind, note)| {
            (
                crate::shell::dates::paris(at),
                if note.is_empty() {
                    kind
                } else {
                    format!("{kind} – {note}")
                },
            )
        })
        .collect();
    let post = if relays::pepites::relayable(state, &p).await? {
        Some(relays::pepites::post(state, &p).post(&tremplin_print::posts::NETWORKS[0]))
    } else {
        None
    };
    let page = DetailPage {
        post,
        layout: Layout::new(state, &format!("/gestion/pepites/{}", p.id)),
        nav: Nav::new(staff),
        shown: Shown::of(state, &p, today),
        status: status_label(&p.status),
        minor,
        missing,
        missing_social,
        consents: consents.iter().map(consent_line).collect(),
        signers,
        requests,
        history,
        featured: p.featured_week.as_deref() == Some(this_week(state).as_str()),
        notice,
        today: today.to_string(),
        until: tremplin_domain::pepite::consent::latest_end(today).to_string(),
        p,
    };
    Ok(page.render()?)
}

pub(super) async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
) -> Result<Html<String>, WebError> {
    let p = counselor_pepite(&state, &staff, id).await?;
    Ok(Html(detail_page(&state, &staff, p, None).await?))
}
