//! Offers in the back office: the list, creating one (from a call or from scratch), its page,
//! its life cycle, editing it. Partners see and edit their organisation's offers only.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tremplin_domain::ClosingReason;
use tremplin_domain::import::parse_record;
use tremplin_domain::lifecycle::{Action, Actor, available};
use tremplin_domain::{Invalid, Offer, OfferStatus, SourceKind};
use tremplin_storage::{OfferChange, OfferMeta};

use crate::services::secrets;
use crate::shell::Id;
use crate::shell::Layout;
use crate::shell::auth::Staff;
use crate::shell::{Nav, OfferLine, line};
use crate::{AppState, WebError};

mod edit;
mod names;
mod revision;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/offres", get(offers).post(create_offer))
        .route("/gestion/offres/nouvelle", get(new_offer))
        .route("/gestion/offres/{id}", get(offer))
        .route("/gestion/offres/{id}/action", post(offer_action))
        .route(
            "/gestion/offres/{id}/modifier",
            get(edit::edit_offer).post(edit::save_offer),
        )
        .route(
            "/gestion/offres/{id}/modification/accepter",
            post(revision::accept),
        )
        .route(
            "/gestion/offres/{id}/modification/refuser",
            post(revision::refuse),
        )
}

#[derive(Template)]
#[template(path = "features/offres_gestion/templates/offers.html")]
struct OffersPage {
    layout: Layout,
    nav: Nav,
    status: String,
    offers: Vec<OfferLine>,
    /// Only the offers with a partner's change waiting.
    pending_only: bool,
    /// How many offers have one.
    pending: usize,
    /// « Offres plus récentes » / « Offres plus anciennes »: the same list, the page before
    /// and after.
    newer: Option<String>,
    older: Option<String>,
}

/// Lines of the offers list per page: the 500 of one page were most of its cost.
const PER_PAGE: usize = 100;
/// Pages past this one are not offered (50 000 offers back): the filters narrow instead.
const MAX_PAGE: u32 = 500;

#[derive(Deserialize)]
struct OffersQuery {
    statut: Option<String>,
    /// `en-attente`: the offers whose partner's change waits for a counselor.
    modifications: Option<String>,
    /// From 1 (the newest).
    page: Option<String>,
}

async fn offers(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<OffersQuery>,
) -> Result<Html<String>, WebError> {
    let status = match q.statut.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            OfferStatus::from_db(s)
                .ok_or_else(|| WebError::BadRequest(format!("Statut inconnu « {s} ».")))?,
        ),
    };
    let org = (!staff.is_conseiller()).then_some(staff.user.organisation_id.unwrap_or(-1));
    let waiting: std::collections::HashSet<i64> = state
        .store
        .pending_revisions(org, 500)
        .await?
        .into_iter()
        .map(|p| p.offer_id)
        .collect();
    let pending_only = q.modifications.as_deref() == Some("en-attente");
    let page = match q.page.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => 1,
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=MAX_PAGE).contains(p))
            .ok_or_else(|| {
                WebError::BadRequest(format!(
                    "Page « {} » inconnue : indiquez un numéro de page entre 1 et {MAX_PAGE}.",
                    p.chars().take(20).collect::<String>()
                ))
            })?,
    };
    let mut more = false;
    let list = if pending_only {
        let ids: Vec<i64> = waiting.iter().copied().collect();
        let mut offers = state.store.get_offers(&ids).await?;
        offers.retain(|o| status.is_none_or(|s| o.status == s));
        offers.sort_by_key(|o| std::cmp::Reverse((o.updated_at, o.id)));
        offers
    } else {
        let mut list = state
            .store
            .offers_for_management_from(
                status,
                org,
                PER_PAGE as i64 + 1,
                i64::from(page - 1) * PER_PAGE as i64,
            )
            .await?;
        more = list.len() > PER_PAGE;
        list.truncate(PER_PAGE);
        list
    };
    let link = |page: u32| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(s) = status {
            pairs.push(("statut", s.as_str().to_owned()));
        }
        pairs.push(("page", page.to_string()));
        format!(
            "/gestion/offres?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let newer = (!pending_only && page > 1).then(|| link(page - 1));
    let older = (more && page < MAX_PAGE).then(|| link(page + 1));
    let page = OffersPage {
        layout: Layout::new(&state, "/gestion/offres"),
        nav: Nav::new(&staff),
        status: status.map_or("", |s| s.as_str()).to_owned(),
        offers: list
            .iter()
            .map(|o| OfferLine {
                pending: waiting.contains(&o.id),
                ..line(&state, o)
            })
            .collect(),
        pending_only,
        pending: waiting.len(),
        newer,
        older,
    };
    Ok(Html(page.render()?))
}

/// A field of the offer form as the shared parser reads it: the external id is ours, and
/// checkboxes (absent or "on") become "non"/"oui".
fn offer_form_field<'a>(
    form: &'a HashMap<String, String>,
    external_id: &'a str,
    name: &str,
) -> &'a str {
    match name {
        "external_id" => external_id,
        "rqth" | "driving_licence" => {
            if form.get(name).is_some_and(|v| !v.is_empty()) {
                "oui"
            } else {
                "non"
            }
        }
        _ => form.get(name).map_or("", |v| v.trim()),
    }
}

/// The fields of the offer form: the CSV import's column names.
pub const FORM_FIELDS: [&str; 20] = [
    "title",
    "description",
    "rome_code",
    "company_name",
    "siret",
    "commune_code",
    "address",
    "cfa",
    "contract_type",
    "target_diploma_level",
    "diploma_label",
    "start_date",
    "duration_months",
    "positions",
    "rqth",
    "driving_licence",
    "contact_email",
    "contact_phone",
    "apply_url",
    "source_url",
];

#[derive(Template)]
#[template(path = "features/offres_gestion/templates/offer_form.html")]
struct OfferFormPage {
    layout: Layout,
    nav: Nav,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    /// Where the form posts: creation, or the offer's edit address.
    action: String,
    heading: String,
    /// Said above the form (a partner editing their change that waits for validation).
    notice: Option<String>,
    /// When the métier or the commune typed is ambiguous: what to pick from.
    rome_choices: Vec<crate::services::typed::Choice>,
    commune_choices: Vec<crate::services::typed::Choice>,
    /// The training centres an offer may name (an offer collected by phone shows its CFA).
    centres: Vec<String>,
}

/// The names of the training centres, for the form's choice.
async fn centre_names(state: &AppState) -> Result<Vec<String>, WebError> {
    let mut names: Vec<String> = state
        .store
        .training_centres()
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    names.sort();
    Ok(names)
}

impl OfferFormPage {
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    fn checked(&self, name: &str) -> bool {
        matches!(self.value(name), "oui" | "on" | "1")
    }
}

#[derive(Deserialize)]
struct NewOfferQuery {
    entreprise: Option<String>,
}

async fn new_offer(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<NewOfferQuery>,
) -> Result<Html<String>, WebError> {
    let mut values = HashMap::new();
    values.insert("contract_type".to_owned(), "apprentissage".to_owned());
    values.insert("positions".to_owned(), "1".to_owned());
    // From a call: the company filled in.
    if let Some(id) = q
        .entreprise
        .as_deref()
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|_| staff.is_conseiller())
    {
        if let Some(c) = state.store.company(id).await? {
            values.insert("company_name".to_owned(), c.summary.name.clone());
            values.insert(
                "siret".to_owned(),
                c.summary
                    .siret
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            );
            values.insert(
                "commune_code".to_owned(),
                c.summary.commune_code.clone().unwrap_or_default(),
            );
            if let Some(k) = c.contacts.first() {
                values.insert(
                    "contact_phone".to_owned(),
                    k.phone.clone().unwrap_or_default(),
                );
                values.insert(
                    "contact_email".to_owned(),
                    k.email.clone().unwrap_or_default(),
                );
            }
        }
    }
    names::show_names(&state, &mut values);
    let page = OfferFormPage {
        action: "/gestion/offres".into(),
        heading: "Nouvelle offre".into(),
        layout: Layout::new(&state, "/gestion/offres/nouvelle"),
        nav: Nav::new(&staff),
        values,
        errors: Vec::new(),
        notice: None,
        rome_choices: Vec::new(),
        commune_choices: Vec::new(),
        centres: centre_names(&state).await?,
    };
    Ok(Html(page.render()?))
}

async fn create_offer(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    let now = state.clock.now();
    let external_id = format!("g{}", &secrets::random_token()[..16]);
    let named = names::read(&state, &form);
    let get = |name: &str| offer_form_field(&named.coded, &external_id, name);
    let mut parsed = parse_record(
        &get,
        "gestion",
        &|c| state.refs.commune_centre(c),
        now.date_naive(),
    );
    if let Ok(input) = &mut parsed {
        input.source.kind = if input.source.url.is_some() {
            SourceKind::Veille
        } else if staff.is_conseiller() {
            SourceKind::Appel
        } else {
            SourceKind::Partenaire
        };
    }
    let publish_now =
        staff.is_conseiller() && form.get("publier").is_some_and(|v| v == "maintenant");
    let result = match parsed {
        Ok(_) if !named.errors.is_empty() => Err(named.errors.clone()),
        Ok(input) => {
            let meta = OfferMeta {
                organisation_id: if staff.is_conseiller() {
                    None
                } else {
                    staff.user.organisation_id
                },
                user_id: Some(staff.user.id),
                // An offer seen on a social network waits for a call that verifies it.
                validated: staff.is_conseiller() && input.source.url.is_none(),
            };
            let status = if publish_now {
                OfferStatus::Publiee
            } else {
                OfferStatus::AValider
            };
            match state
                .store
                .upsert_offer_as(&input, status, &meta, now)
                .await
            {
                Ok((id, _)) => Ok(id),
                Err(tremplin_storage::StoreError::Invalid(e)) => Err(vec![e]),
                Err(e) => return Err(e.into()),
            }
        }
        Err(errors) => Err(named.merge(errors)),
    };
    match result {
        Ok(id) => {
            staff
                .log(&state, "offre créée", &format!("offre {id}"))
                .await?;
            Ok(saved_redirect(id))
        }
        Err(errors) => {
            let values = FORM_FIELDS
                .iter()
                .map(|f| {
                    (
                        f.to_string(),
                        named.shown.get(*f).cloned().unwrap_or_default(),
                    )
                })
                .collect();
            let page = OfferFormPage {
                action: "/gestion/offres".into(),
                heading: "Nouvelle offre".into(),
                layout: Layout::new(&state, "/gestion/offres/nouvelle"),
                nav: Nav::new(&staff),
                values,
                errors,
                notice: None,
                rome_choices: named.rome_choices,
                commune_choices: named.commune_choices,
                centres: centre_names(&state).await?,
            };
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "features/offres_gestion/templates/offer.html")]
struct OfferPage {
    layout: Layout,
    nav: Nav,
    o: OfferLine,
    public: bool,
    actions: Vec<(&'static str, &'static str)>,
    history: Vec<OfferChange>,
    /// The version shown: validating or publishing applies to it, not to one read by nobody.
    version: i64,
    /// A partner's change waiting for a counselor.
    review: Option<revision::ReviewView>,
    /// The status in plain words: "validée : sera publiée jeudi 3 décembre".
    status_line: String,
    /// "Offre enregistrée", just after the form was saved.
    saved: bool,
}

/// A one-use cookie that says, on the page the form leads to, that the offer was saved:
/// works without JavaScript and leaves the page's address as it is.
const SAVED_COOKIE: &str = "offre_enregistree";

/// The redirection after a save, with its one-use message.
fn saved_redirect(id: i64) -> Response {
    (
        [(
            axum::http::header::SET_COOKIE,
            format!(
                "{SAVED_COOKIE}={id}; Path=/gestion/offres; Max-Age=120; HttpOnly; SameSite=Lax"
            ),
        )],
        Redirect::to(&format!("/gestion/offres/{id}")),
    )
        .into_response()
}

/// The status as a person reads it, with the Thursday a validated offer waits for.
fn status_line(state: &AppState, offer: &Offer) -> String {
    let next = crate::services::editions::next_slot(state)
        .map(|at| crate::shell::dates::french_day(crate::shell::dates::paris_today(at)));
    match (offer.status, offer.validated_at.is_some(), next) {
        (OfferStatus::AValider, true, Some(day)) => format!("validée : sera publiée {day}"),
        (OfferStatus::AValider, true, None) => {
            "validée : sera publiée à la prochaine édition".into()
        }
        (OfferStatus::AValider, false, Some(day)) => {
            format!("à valider : un conseiller la relit avant l'édition du {day}")
        }
        (OfferStatus::AValider, false, None) => "à valider : un conseiller la relit".into(),
        (OfferStatus::Publiee, _, _) => "publiée : dans le catalogue".into(),
        (OfferStatus::AReverifier, _, Some(day)) => {
            format!("à revérifier : quitte le catalogue {day} sans confirmation")
        }
        (status, _, _) => status.label().to_owned(),
    }
}

/// The offer, if this member of staff may see it: counselors see all, partners their own.
async fn visible_offer(state: &AppState, staff: &Staff, id: i64) -> Result<Offer, WebError> {
    let offer = state.store.get_offer(id).await?.ok_or(WebError::NotFound)?;
    if !staff.is_conseiller()
        && (offer.organisation_id.is_none() || offer.organisation_id != staff.user.organisation_id)
    {
        return Err(WebError::NotFound);
    }
    Ok(offer)
}

fn actor(staff: &Staff) -> Actor {
    if staff.is_conseiller() {
        Actor::Conseiller
    } else {
        Actor::Partenaire
    }
}

fn action_code(a: Action) -> &'static str {
    match a {
        Action::Soumettre => "soumettre",
        Action::Valider => "valider",
        Action::PublierMaintenant => "publier",
        Action::Confirmer => "confirmer",
        Action::Pourvoir => "pourvue",
        _ => "retirer",
    }
}

async fn offer(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    headers: axum::http::HeaderMap,
) -> Result<Response, WebError> {
    let offer = visible_offer(&state, &staff, id).await?;
    let saved = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim() == format!("{SAVED_COOKIE}={}", offer.id));
    let actions = available(offer.status, offer.validated_at.is_some(), actor(&staff))
        .into_iter()
        .map(|a| (action_code(a), a.label()))
        .collect();
    let page = OfferPage {
        layout: Layout::new(&state, &format!("/gestion/offres/{}", offer.id)),
        nav: Nav::new(&staff),
        o: line(&state, &offer),
        public: offer.status.is_public(),
        actions,
        history: state.store.offer_history(offer.id).await?,
        version: offer.revision,
        review: revision::review_view(&state, &offer).await?,
        status_line: status_line(&state, &offer),
        saved,
    };
    let body = Html(page.render()?);
    Ok(if saved {
        let clear = format!("{SAVED_COOKIE}=; Path=/gestion/offres; Max-Age=0");
        ([(axum::http::header::SET_COOKIE, clear)], body).into_response()
    } else {
        body.into_response()
    })
}

#[derive(Deserialize)]
struct ActionForm {
    #[serde(default)]
    csrf: String,
    action: String,
    /// The version the page showed (absent from older pages still open: no check).
    #[serde(default)]
    version: Option<i64>,
}

async fn offer_action(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let offer = visible_offer(&state, &staff, id).await?;
    let action = Action::parse(&form.action)
        .ok_or_else(|| WebError::BadRequest(format!("Action inconnue « {} ».", form.action)))?;
    let makes_public = matches!(
        action,
        Action::Valider | Action::PublierMaintenant | Action::Confirmer
    );
    if makes_public && form.version.is_some_and(|v| v != offer.revision) {
        return Err(WebError::BadRequest(
            "Cette offre a changé depuis que vous l'avez ouverte : relisez-la avant de la valider ou de la publier.".into(),
        ));
    }
    let now = state.clock.now();
    state
        .store
        .apply_offer_action(offer.id, action, actor(&staff), Some(staff.user.id), now)
        .await?;
    match action {
        Action::Pourvoir => {
            crate::services::notices::notify_offer_closed(&state, &offer, ClosingReason::Filled)
                .await?;
        }
        Action::Retirer => {
            crate::services::notices::notify_offer_closed(&state, &offer, ClosingReason::Withdrawn)
                .await?;
        }
        _ => {}
    }
    if action == Action::Confirmer {
        // Confirmed by phone: the call goes to the company's log.
        let call = tremplin_domain::network::CallInput {
            outcome: tremplin_domain::network::CallOutcome::OffreConfirmee,
            notes: format!("Offre « {} » confirmée", offer.fields.title),
            next_call_on: None,
        };
        state
            .store
            .record_call(offer.company_id, &call, Some(staff.user.id), now)
            .await?;
    }
    if matches!(
        action,
        Action::PublierMaintenant | Action::Retirer | Action::Pourvoir
    ) {
        staff
            .log(&state, action.label(), &format!("offre {}", offer.id))
            .await?;
    }
    Ok(Redirect::to(&format!("/gestion/offres/{}", offer.id)).into_response())
}
