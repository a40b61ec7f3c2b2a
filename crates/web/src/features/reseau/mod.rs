//! The company network ("recensement"): companies, their call log, and the week's worklist.
//! Counselors and administrators only.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tremplin_domain::network::{CallInput, CallOutcome};
use tremplin_domain::{CodeInsee, Invalid, OfferStatus, Siret};
use tremplin_storage::{
    CompanyContact, CompanyDetail, CompanyFilter, CompanyRecord, CompanySummary,
};

mod filters;
mod week;

use filters::{CommuneChoice, Sector};

use crate::shell::Id;
use crate::shell::Layout;
use crate::shell::auth::Staff;
use crate::shell::{Nav, OfferLine, line};
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/entreprises", get(list).post(create))
        .route("/gestion/entreprises/nouvelle", get(new))
        .route("/gestion/entreprises/{id}", get(detail))
        .route("/gestion/entreprises/{id}/appels", post(record_call))
        .route("/gestion/semaine", get(week::week))
        .route(
            "/gestion/semaine/confirmer/{id}",
            get(week::confirm_form).post(week::confirm),
        )
        .route("/gestion/semaine/annuler", post(week::undo))
}

pub struct CompanyLine {
    pub id: i64,
    pub name: String,
    pub naf: String,
    pub commune: String,
    pub last_call: String,
    pub next_call: String,
    pub open_offers: i64,
}

fn company_line(state: &AppState, c: &CompanySummary) -> CompanyLine {
    CompanyLine {
        id: c.id,
        name: c.name.clone(),
        naf: c.naf.clone().unwrap_or_default(),
        commune: c
            .commune_code
            .as_deref()
            .and_then(|k| state.refs.communes.get(k))
            .map_or_else(String::new, |k| k.name.clone()),
        last_call: match c.last_call_at {
            Some(at) => format!(
                "{} ({})",
                crate::shell::dates::paris_day(at),
                c.last_outcome_label()
            ),
            None => "jamais appelée".into(),
        },
        next_call: c
            .next_call_on
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        open_offers: c.open_offers,
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    nom: Option<String>,
    secteur: Option<String>,
    commune: Option<String>,
    jamais: Option<String>,
    offres: Option<String>,
    /// Not called since this date (AAAA-MM-JJ).
    depuis: Option<String>,
}

#[derive(Template)]
#[template(path = "features/reseau/templates/companies.html")]
struct ListPage {
    layout: Layout,
    nav: Nav,
    nom: String,
    secteur: String,
    commune: String,
    depuis: String,
    jamais: bool,
    offres: bool,
    companies: Vec<CompanyLine>,
    sectors: Vec<Sector>,
    commune_choices: Vec<(String, String)>,
    communes: Vec<String>,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let (commune, commune_choices) = match filters::commune_filter(&state, q.commune.as_deref())? {
        CommuneChoice::Any => (None, Vec::new()),
        CommuneChoice::One(code) => (Some(code), Vec::new()),
        CommuneChoice::Several(list) => (None, list),
    };
    let filter = CompanyFilter {
        name: non_empty(&q.nom),
        naf: filters::sector_filter(q.secteur.as_deref())?,
        commune,
        never_called: q.jamais.is_some(),
        with_open_offers: q.offres.is_some(),
        not_called_since: match non_empty(&q.depuis) {
            Some(d) => Some(
                chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| {
                        WebError::BadRequest(format!("« {d} » n'est pas une date (AAAA-MM-JJ)."))
                    })?
                    .and_hms_opt(0, 0, 0)
                    .expect("midnight")
                    .and_utc(),
            ),
            None => None,
        },
        limit: None,
    };
    let companies = if commune_choices.is_empty() {
        state.store.companies(&filter).await?
    } else {
        Vec::new()
    };
    let page = ListPage {
        layout: Layout::new(&state, "/gestion/entreprises"),
        nav: Nav::new(&staff),
        nom: q.nom.unwrap_or_default(),
        secteur: filter.naf.clone().unwrap_or_default(),
        sectors: filters::sectors(&state).await?,
        commune_choices,
        communes: filters::territory_communes(&state),
        commune: q.commune.unwrap_or_default(),
        depuis: q.depuis.unwrap_or_default(),
        jamais: filter.never_called,
        offres: filter.with_open_offers,
        companies: companies.iter().map(|c| company_line(&state, c)).collect(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default, Clone)]
struct CompanyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    siret: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    naf: String,
    #[serde(default)]
    commune_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_role: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    notes: String,
}

#[derive(Template)]
#[template(path = "features/reseau/templates/company_form.html")]
struct FormPage {
    layout: Layout,
    nav: Nav,
    f: CompanyForm,
    errors: Vec<Invalid>,
}

async fn new(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let page = FormPage {
        layout: Layout::new(&state, "/gestion/entreprises/nouvelle"),
        nav: Nav::new(&staff),
        f: CompanyForm::default(),
        errors: vec![],
    };
    Ok(Html(page.render()?))
}

fn parse_company(state: &AppState, f: &CompanyForm) -> Result<CompanyRecord, Vec<Invalid>> {
    let mut errors = Vec::new();
    let siret = Siret::parse(&f.siret).map_err(|e| errors.push(e)).ok();
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(Invalid::new(
            "name",
            "Indiquez le nom de l'entreprise (200 caractères au plus).",
        ));
    }
    let naf = f.naf.trim().to_uppercase();
    // By characters: slicing "12.1É" by bytes cut the É in two and panicked.
    let c: Vec<char> = naf.chars().collect();
    let naf_ok = naf.is_empty()
        || (c.len() == 6
            && c[2] == '.'
            && c[..2].iter().all(char::is_ascii_digit)
            && c[3..5].iter().all(char::is_ascii_digit)
            && c[5].is_ascii_uppercase());
    if !naf_ok {
        errors.push(Invalid::new(
            "naf",
            format!("« {naf} » n'est pas un code NAF (par exemple 10.71C)."),
        ));
    }
    let commune = CodeInsee::parse(&f.commune_code)
        .and_then(|c| {
            if state.refs.communes.exists(&c) {
                Ok(c)
            } else {
                Err(Invalid::new(
                    "commune",
                    format!("Aucune commune n'a le code INSEE {c}."),
                ))
            }
        })
        .map_err(|e| errors.push(e))
        .ok();
    errors.extend(tremplin_domain::network::check_company_texts(
        &[
            ("name", "nom", f.name.as_str()),
            ("address", "adresse", f.address.as_str()),
            ("contact_name", "contact", f.contact_name.as_str()),
            (
                "contact_role",
                "fonction du contact",
                f.contact_role.as_str(),
            ),
            ("tags", "étiquettes", f.tags.as_str()),
        ],
        &f.notes,
    ));
    let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let phone = opt(&f.contact_phone).and_then(|p| {
        tremplin_domain::Telephone::parse(&p)
            .map_err(|e| errors.push(e))
            .ok()
    });
    let email = opt(&f.contact_email).and_then(|p| {
        tremplin_domain::Email::parse(&p)
            .map_err(|e| errors.push(e))
            .ok()
    });
    match (siret, commune) {
        (Some(siret), Some(commune)) if errors.is_empty() => Ok(CompanyRecord {
            siret,
            name: name.to_owned(),
            naf: opt(&naf),
            commune,
            address: opt(&f.address),
            contacts: opt(&f.contact_name)
                .map(|name| CompanyContact {
                    name,
                    role: opt(&f.contact_role),
                    phone: phone.map(|p| p.display()),
                    email: email.map(|e| e.to_string()),
                })
                .into_iter()
                .collect(),
        }),
        _ => Err(errors),
    }
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<CompanyForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    let now = state.clock.now();
    let result = match parse_company(&state, &f) {
        Ok(record) => match state
            .store
            .add_company(&record, f.tags.trim(), f.notes.trim(), now)
            .await
        {
            Ok(id) => Ok(id),
            Err(tremplin_storage::StoreError::Invalid(e)) => Err(vec![e]),
            Err(e) => return Err(e.into()),
        },
        Err(errors) => Err(errors),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/gestion/entreprises/{id}")).into_response()),
        Err(errors) => {
            let page = FormPage {
                layout: Layout::new(&state, "/gestion/entreprises/nouvelle"),
                nav: Nav::new(&staff),
                f,
                errors,
            };
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "features/reseau/templates/company.html")]
struct DetailPage {
    layout: Layout,
    nav: Nav,
    c: CompanyDetail,
    commune: String,
    outcomes: Vec<(&'static str, &'static str)>,
    errors: Vec<Invalid>,
    /// After a call was recorded (the redirect says so): the page confirms it.
    recorded: bool,
    open_offers: Vec<OfferLine>,
    past_offers: Vec<OfferLine>,
}

#[derive(Deserialize, Default)]
struct DetailQuery {
    /// `enregistre`: a call was just recorded.
    appel: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Query(q): Query<DetailQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let recorded = q.appel.as_deref() == Some("enregistre");
    render_detail(&state, &staff, id, Vec::new(), recorded)
        .await
        .map(Html)
}

/// How many of a company's offers its page lists.
const COMPANY_OFFERS: i64 = 100;

async fn render_detail(
    state: &AppState,
    staff: &Staff,
    id: i64,
    errors: Vec<Invalid>,
    recorded: bool,
) -> Result<String, WebError> {
    let c = state.store.company(id).await?.ok_or(WebError::NotFound)?;
    let (open, past): (Vec<_>, Vec<_>) = state
        .store
        .company_offers(id, COMPANY_OFFERS)
        .await?
        .into_iter()
        .partition(|o| {
            !matches!(
                o.status,
                OfferStatus::Pourvue | OfferStatus::Expiree | OfferStatus::Retiree
            )
        });
    let commune = c
        .summary
        .commune_code
        .as_deref()
        .and_then(|k| state.refs.communes.get(k))
        .map_or_else(String::new, |k| k.label());
    let outcomes = CallOutcome::ALL
        .iter()
        .filter(|o| **o != CallOutcome::OffreConfirmee)
        .map(|o| (o.as_str(), o.label()))
        .collect();
    let page = DetailPage {
        layout: Layout::new(state, &format!("/gestion/entreprises/{id}")),
        nav: Nav::new(staff),
        c,
        commune,
        outcomes,
        errors,
        recorded,
        open_offers: open.iter().map(|o| line(state, o)).collect(),
        past_offers: past.iter().map(|o| line(state, o)).collect(),
    };
    Ok(page.render()?)
}

#[derive(Deserialize)]
struct CallForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    next_call_on: String,
}

async fn record_call(
    State(state): State<AppState>,
    staff: Staff,
    Id(company_id): Id,
    Form(f): Form<CallForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    let now = state.clock.now();
    let today = crate::shell::dates::paris_today(now);
    match CallInput::parse(&f.outcome, &f.notes, &f.next_call_on, today) {
        Ok(call) => {
            state
                .store
                .record_call(company_id, &call, Some(staff.user.id), now)
                .await?;
            // An offer was collected: straight to the offer form, the company filled in.
            let next = if call.outcome == CallOutcome::OffreRecueillie {
                format!("/gestion/offres/nouvelle?entreprise={company_id}")
            } else {
                format!("/gestion/entreprises/{company_id}?appel=enregistre#message")
            };
            Ok(Redirect::to(&next).into_response())
        }
        Err(errors) => Ok((
            StatusCode::BAD_REQUEST,
            Html(render_detail(&state, &staff, company_id, errors, false).await?),
        )
            .into_response()),
    }
}
