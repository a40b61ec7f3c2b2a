//! Scheduling or changing an activity: the form, checked by the domain, the commune typed by
//! its name, the companies chosen from the network and the CFA from the training centres.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono_tz::Europe::Paris;
use tremplin_domain::Invalid;
use tremplin_domain::activity::{ActivityInput, ActivityKind, Agreement};
use tremplin_storage::Activity;

use crate::services::typed;
use crate::shell::auth::Staff;
use crate::shell::{Id, Layout, Nav};
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "features/activites/templates/form.html")]
pub(super) struct FormPage {
    layout: Layout,
    nav: Nav,
    /// None for a new activity.
    id: Option<i64>,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    kinds: Vec<(&'static str, &'static str)>,
    agreements: Vec<(&'static str, &'static str)>,
    companies: Vec<(i64, String)>,
    chosen: Vec<i64>,
    centres: Vec<(i64, String)>,
    /// The promos to choose from: (id, name).
    promos: Vec<(i64, String)>,
    commune_choices: Vec<typed::Choice>,
}

impl FormPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }

    fn err(&self, k: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == k)
            .map(|e| e.message.as_str())
    }

    fn is_chosen(&self, id: &i64) -> bool {
        self.chosen.contains(id)
    }

    fn centre_chosen(&self, id: &i64) -> bool {
        self.v("cfa") == id.to_string()
    }

    fn promo_chosen(&self, id: &i64) -> bool {
        self.v("promo") == id.to_string()
    }
}

async fn page(
    state: &AppState,
    staff: &Staff,
    id: Option<i64>,
    values: HashMap<String, String>,
    chosen: Vec<i64>,
    errors: Vec<Invalid>,
) -> Result<FormPage, WebError> {
    let path = match id {
        Some(id) => format!("/gestion/activites/{id}/modifier"),
        None => "/gestion/activites/nouvelle".into(),
    };
    Ok(FormPage {
        layout: Layout::new(state, &path),
        nav: Nav::new(staff),
        id,
        values,
        errors,
        kinds: ActivityKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        agreements: Agreement::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        companies: state.store.company_choices().await?,
        chosen,
        centres: state
            .store
            .training_centres()
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect(),
        promos: state
            .store
            .promos()
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect(),
        commune_choices: Vec::new(),
    })
}

#[derive(serde::Deserialize, Default)]
pub(super) struct NewQuery {
    #[serde(default)]
    promo: String,
}

/// The form; from a promo's page (`?promo=`), that promo chosen and the activity reserved.
pub(super) async fn new(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Query(q): axum::extract::Query<NewQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let mut values = HashMap::from([
        ("places".to_owned(), "15".to_owned()),
        ("public".to_owned(), "oui".to_owned()),
        ("public_vise".to_owned(), "Jeunes de 16 à 25 ans".to_owned()),
    ]);
    if let Ok(p) = q.promo.parse::<i64>()
        && let Some(promo) = state.store.promo(p).await?
    {
        values.insert("promo".into(), p.to_string());
        values.remove("public");
        values.insert(
            "public_vise".into(),
            format!("Membres de la {}", promo.name),
        );
    }
    Ok(Html(
        page(&state, &staff, None, values, Vec::new(), Vec::new())
            .await?
            .render()?,
    ))
}

/// The form's values of a stored activity, Paris time.
fn values_of(state: &AppState, a: &Activity) -> HashMap<String, String> {
    let s = a.starts_at.with_timezone(&Paris);
    let e = a.ends_at.with_timezone(&Paris);
    let mut v = HashMap::from([
        ("type".to_owned(), a.kind.as_str().to_owned()),
        ("titre".to_owned(), a.title.clone()),
        ("description".to_owned(), a.description.clone()),
        ("adresse".to_owned(), a.address.clone()),
        (
            "lien_visio".to_owned(),
            a.video_url.clone().unwrap_or_default(),
        ),
        ("date".to_owned(), s.format("%Y-%m-%d").to_string()),
        ("heure_debut".to_owned(), s.format("%H:%M").to_string()),
        ("heure_fin".to_owned(), e.format("%H:%M").to_string()),
        ("places".to_owned(), a.capacity.to_string()),
        ("anime_par".to_owned(), a.leader.clone()),
        (
            "email_organisateur".to_owned(),
            a.organiser_email.clone().unwrap_or_default(),
        ),
        ("public_vise".to_owned(), a.audience.clone()),
        ("tuteur".to_owned(), a.tutor.clone().unwrap_or_default()),
        (
            "convention".to_owned(),
            a.agreement.clone().unwrap_or_default(),
        ),
        (
            "cfa".to_owned(),
            a.training_centre_id
                .map(|i| i.to_string())
                .unwrap_or_default(),
        ),
        (
            "promo".to_owned(),
            a.promo_id.map(|i| i.to_string()).unwrap_or_default(),
        ),
    ]);
    if s.date_naive() != e.date_naive() {
        v.insert("date_fin".into(), e.format("%Y-%m-%d").to_string());
    }
    if let Some(c) = &a.commune_code {
        v.insert("commune".into(), typed::commune_key(state, c));
    }
    if a.is_public {
        v.insert("public".into(), "oui".into());
    }
    if a.guardian_required {
        v.insert("tuteur_legal".into(), "oui".into());
    }
    v
}

pub(super) async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let a = state.store.activity(id).await?.ok_or(WebError::NotFound)?;
    let chosen = state
        .store
        .activity_companies(id)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let values = values_of(&state, &a);
    Ok(Html(
        page(&state, &staff, Some(id), values, chosen, Vec::new())
            .await?
            .render()?,
    ))
}

/// The form as sent: single values, and the companies chosen (a repeated field).
struct Sent {
    values: HashMap<String, String>,
    companies: Vec<String>,
}

fn sent(pairs: Vec<(String, String)>) -> Sent {
    let mut values = HashMap::new();
    let mut companies = Vec::new();
    for (k, v) in pairs {
        if k == "entreprises" {
            companies.push(v);
        } else {
            values.insert(k, v.chars().take(5000).collect());
        }
    }
    Sent { values, companies }
}

/// Checks the form against the domain, the network and the promos; the input with its promo,
/// or the page with why not.
async fn check(
    state: &AppState,
    staff: &Staff,
    id: Option<i64>,
    s: Sent,
) -> Result<Result<(ActivityInput, Option<i64>), FormPage>, WebError> {
    let mut errors = Vec::new();
    let promo = match s.values.get("promo").map_or("", |v| v.trim()) {
        "" => None,
        p => match p.parse::<i64>() {
            Ok(pid) if state.store.promo(pid).await?.is_some() => Some(pid),
            _ => {
                errors.push(Invalid::new(
                    "promo",
                    "Cette promo n'existe pas (ou plus) : choisissez-en une dans la liste, ou aucune.",
                ));
                None
            }
        },
    };
    let known = state.store.company_choices().await?;
    let mut company_ids = Vec::new();
    for c in &s.companies {
        match c
            .parse::<i64>()
            .ok()
            .filter(|id| known.iter().any(|(k, _)| k == id))
        {
            Some(id) => company_ids.push(id),
            None => errors.push(Invalid::new(
                "entreprises",
                "Une des entreprises choisies n'est plus dans le réseau : rechargez la page.",
            )),
        }
    }
    let centre = match s.values.get("cfa").map_or("", |v| v.trim()) {
        "" => None,
        c => match c.parse::<i64>() {
            Ok(cid) if state.store.training_centre(cid).await?.is_some() => Some(cid),
            _ => {
                errors.push(Invalid::new(
                    "cfa",
                    "Ce centre de formation est inconnu : rechargez la page.",
                ));
                None
            }
        },
    };
    let picked = s.values.get("commune_choisie").map_or("", |v| v.trim());
    let typed_commune = s.values.get("commune").map_or("", |v| v.trim());
    let virtual_ = s
        .values
        .get("type")
        .is_some_and(|t| t == ActivityKind::AtelierVirtuel.as_str());
    let commune = if typed_commune.is_empty() && picked.is_empty() && virtual_ {
        Ok(String::new())
    } else {
        typed::commune(
            state,
            if picked.is_empty() {
                typed_commune
            } else {
                picked
            },
            "la commune où elle a lieu",
        )
    };
    let get = |k: &str| match (k, &commune) {
        ("commune", Ok(code)) => code.clone(),
        ("commune", Err(_)) => String::new(),
        _ => s.values.get(k).cloned().unwrap_or_default(),
    };
    let parsed = ActivityInput::parse(&get, company_ids.clone(), centre, &|c| {
        state.refs.communes.exists(c)
    });
    match (parsed, commune) {
        (Ok(input), Ok(_)) if errors.is_empty() => Ok(Ok((input, promo))),
        (parsed, commune) => {
            errors.extend(parsed.err().unwrap_or_default());
            let mut choices = Vec::new();
            if let Err(unclear) = commune {
                errors.retain(|e| e.field != "commune");
                errors.push(Invalid::new("commune", unclear.message));
                choices = unclear.choices;
            }
            let mut values = s.values;
            values.remove("csrf");
            if let Some(p) = values
                .remove("commune_choisie")
                .filter(|p| !p.trim().is_empty())
            {
                values.insert("commune".into(), p);
            }
            let mut p = page(state, staff, id, values, company_ids, errors).await?;
            p.commune_choices = choices;
            Ok(Err(p))
        }
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let s = sent(pairs);
    staff.check_csrf(s.values.get("csrf").map_or("", String::as_str))?;
    match check(&state, &staff, None, s).await? {
        Ok((input, promo)) => {
            let id = state
                .store
                .create_activity(&input, promo, state.clock.now())
                .await?;
            staff
                .log(&state, "activité créée", &format!("activité n° {id}"))
                .await?;
            Ok(Redirect::to(&format!("/gestion/activites/{id}")).into_response())
        }
        Err(p) => Ok((StatusCode::BAD_REQUEST, Html(p.render()?)).into_response()),
    }
}

pub(super) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let s = sent(pairs);
    staff.check_csrf(s.values.get("csrf").map_or("", String::as_str))?;
    state.store.activity(id).await?.ok_or(WebError::NotFound)?;
    match check(&state, &staff, Some(id), s).await? {
        Ok((input, promo)) => {
            state
                .store
                .update_activity(id, &input, promo, state.clock.now())
                .await?;
            staff
                .log(&state, "activité modifiée", &format!("activité n° {id}"))
                .await?;
            Ok(Redirect::to(&format!("/gestion/activites/{id}")).into_response())
        }
        Err(p) => Ok((StatusCode::BAD_REQUEST, Html(p.render()?)).into_response()),
    }
}
