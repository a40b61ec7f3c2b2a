//! The back office under `/gestion`: sign-in, the week at a glance, offers and their life
//! cycle, the Thursday edition, the audit log. Every handler takes [`Staff`], so none can be
//! reached without a session, and checks the role it needs on the server.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tremplin_domain::import::parse_record;
use tremplin_domain::lifecycle::{Action, Actor, available};
use tremplin_domain::network::CallOutcome;
use tremplin_domain::{Invalid, Offer, OfferStatus, SourceKind};
use tremplin_storage::{ApiToken, AuditEntry, EditionPreview, OfferChange, OfferMeta, Role, User};

use crate::auth::{self, Staff};
use crate::charts::Chart;
use crate::pages::Layout;
use crate::{AppState, WebError, editions};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/connexion", get(login_page).post(login))
        .route("/deconnexion", post(logout))
        .route("/gestion", get(dashboard))
        .route("/gestion/offres", get(offers).post(create_offer))
        .route("/gestion/offres/nouvelle", get(new_offer))
        .route("/gestion/offres/{id}", get(offer))
        .route("/gestion/offres/{id}/action", post(offer_action))
        .route(
            "/gestion/offres/{id}/modifier",
            get(edit_offer).post(save_offer),
        )
        .route("/gestion/edition", get(edition_preview))
        .route("/gestion/edition/publier", post(publish_edition))
        .route("/gestion/utilisateurs", get(users).post(invite))
        .route("/gestion/utilisateurs/{id}", post(update_user))
        .route("/gestion/territoire", get(territory).post(save_territory))
        .route("/gestion/journal", get(journal))
        .route("/gestion/jetons", get(tokens).post(create_token))
        .route("/gestion/jetons/{id}/revoquer", post(revoke_token))
}

/// The back office's frame: who is signed in, their CSRF token for the logout form.
pub struct Nav {
    pub email: String,
    pub role: &'static str,
    pub organisation: Option<String>,
    pub csrf: String,
    pub conseiller: bool,
    pub admin: bool,
}

impl Nav {
    pub fn new(s: &Staff) -> Self {
        Self {
            email: s.user.email.clone(),
            role: s.user.role.label(),
            organisation: s.user.organisation_name.clone(),
            csrf: s.csrf.clone(),
            conseiller: s.is_conseiller(),
            admin: s.user.role == Role::Admin,
        }
    }
}

// ---- Sign in and out ----

#[derive(Template)]
#[template(path = "gestion/login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    email: String,
    suite: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
struct LoginQuery {
    suite: Option<String>,
    /// Shown after setting a password.
    ok: Option<String>,
}

/// Only a back-office path is a valid place to return to after signing in.
fn safe_return(suite: Option<&str>) -> String {
    suite
        .filter(|s| s.starts_with("/gestion") && !s.contains("//") && !s.contains('\\'))
        .unwrap_or("/gestion")
        .to_owned()
}

async fn login_page(
    State(state): State<AppState>,
    Query(q): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let csrf = auth::random_token();
    let page = LoginPage {
        layout: Layout::new(&state, "/connexion"),
        csrf: csrf.clone(),
        email: String::new(),
        suite: safe_return(q.suite.as_deref()),
        error: None,
        notice: q
            .ok
            .as_deref()
            .map(|_| "Mot de passe enregistré : vous pouvez vous connecter.".to_owned()),
    };
    Ok((
        [(
            header::SET_COOKIE,
            auth::set_cookie(&state, auth::LOGIN_CSRF_COOKIE, &csrf, 3600),
        )],
        Html(page.render()?),
    )
        .into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    suite: String,
}

const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
const MAX_FAILURES_PER_IP: i64 = 20;
const THROTTLE_WINDOW: i64 = 15 * 60;

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth::ClientIp(ip): auth::ClientIp,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = auth::check_public_csrf(&headers, &form.csrf)?;
    let now = state.clock.now();
    let email = form.email.trim().to_lowercase();
    let (email_key, ip_key) = (format!("email:{email}"), format!("ip:{ip}"));
    let since = now.timestamp() - THROTTLE_WINDOW;
    if state.store.login_failures(&email_key, since).await? >= MAX_FAILURES_PER_ACCOUNT
        || state.store.login_failures(&ip_key, since).await? >= MAX_FAILURES_PER_IP
    {
        state
            .store
            .audit(
                now,
                None,
                "connexion bloquée",
                "trop de tentatives",
                Some(&ip),
            )
            .await?;
        return Err(WebError::TooManyAttempts);
    }
    let found = state.store.user_for_login(&email).await?;
    let hash = found
        .as_ref()
        .map_or_else(|| auth::dummy_hash().to_owned(), |(_, h)| h.clone());
    let password = form.password.clone();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let Some((user, _)) = found.filter(|_| ok) else {
        state
            .store
            .record_login_failure(&[email_key, ip_key], now.timestamp())
            .await?;
        state
            .store
            .audit(now, None, "connexion refusée", &email, Some(&ip))
            .await?;
        let page = LoginPage {
            layout: Layout::new(&state, "/connexion"),
            csrf: expected,
            email: form.email.chars().take(200).collect(),
            suite: safe_return(Some(&form.suite)),
            error: Some("E-mail ou mot de passe incorrect.".into()),
            notice: None,
        };
        return Ok((StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response());
    };
    state.store.clear_login_failures(&email_key).await?;
    let token = auth::random_token();
    let expires = now.timestamp() + auth::SESSION_SECONDS;
    state
        .store
        .create_session(
            &auth::token_hash(&token),
            user.id,
            &auth::random_token(),
            now.timestamp(),
            expires,
        )
        .await?;
    state
        .store
        .audit(now, Some(user.id), "connexion", "réussie", Some(&ip))
        .await?;
    Ok((
        // Two cookies: `[(SET_COOKIE, …); 2]` would keep only the last one.
        axum::response::AppendHeaders([
            (
                header::SET_COOKIE,
                auth::set_cookie(&state, auth::SESSION_COOKIE, &token, auth::SESSION_SECONDS),
            ),
            (
                header::SET_COOKIE,
                auth::set_cookie(&state, auth::LOGIN_CSRF_COOKIE, "", 0),
            ),
        ]),
        Redirect::to(&safe_return(Some(&form.suite))),
    )
        .into_response())
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    if let Some(token) = auth::cookie(&headers, auth::SESSION_COOKIE) {
        state
            .store
            .delete_session(&auth::token_hash(&token))
            .await?;
    }
    staff.log(&state, "déconnexion", "").await?;
    Ok((
        [(
            header::SET_COOKIE,
            auth::set_cookie(&state, auth::SESSION_COOKIE, "", 0),
        )],
        Redirect::to("/"),
    )
        .into_response())
}

// ---- The week at a glance ----

#[derive(Template)]
#[template(path = "gestion/dashboard.html")]
struct Dashboard {
    layout: Layout,
    nav: Nav,
    counts: Vec<(&'static str, &'static str, i64)>,
    new_this_week: usize,
    calls_this_week: usize,
    next_edition: String,
    /// New, modified, withdrawn at the next edition.
    preview: (i64, i64, i64),
    charts: Vec<Chart>,
}

async fn dashboard(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    let org = (!staff.is_conseiller()).then_some(staff.user.organisation_id.unwrap_or(-1));
    let mut counts = Vec::new();
    for (status, label) in [
        (OfferStatus::AValider, "à valider"),
        (OfferStatus::Publiee, "publiées"),
        (OfferStatus::AReverifier, "à revérifier"),
        (OfferStatus::Brouillon, "brouillons"),
    ] {
        let n = state.store.count_offers(status, org).await?;
        counts.push((status.as_str(), label, n));
    }
    let now = state.clock.now();
    let (mut preview, mut charts, mut new_this_week, mut calls_this_week) =
        ((0, 0, 0), Vec::new(), 0, 0);
    if staff.is_conseiller() {
        preview = state.store.edition_preview_counts().await?;
        let (starts, bounds) = crate::charts::week_bounds(now, 26);
        let publications = state.store.publications_per_period(&bounds).await?;
        let calls = state.store.calls_per_period(&bounds).await?;
        // "This week": since Monday.
        let this_week = |counts: &[tremplin_storage::PeriodCount]| {
            counts
                .iter()
                .filter(|c| c.period == starts.len() - 1)
                .map(|c| c.count as usize)
                .sum()
        };
        new_this_week = this_week(&publications);
        calls_this_week = this_week(&calls);
        let sources: Vec<(&str, &'static str)> = [
            SourceKind::Appel,
            SourceKind::Veille,
            SourceKind::Partenaire,
            SourceKind::Import,
        ]
        .iter()
        .map(|k| (k.as_str(), k.short_label()))
        .collect();
        charts.push(Chart::weekly(
            "publications",
            "Offres publiées par semaine, selon leur origine",
            &starts,
            &sources,
            &publications,
        ));
        let outcomes: Vec<(&str, &'static str)> = CallOutcome::ALL
            .iter()
            .map(|o| (o.as_str(), o.label()))
            .collect();
        charts.push(Chart::weekly(
            "appels",
            "Appels par semaine, selon leur issue",
            &starts,
            &outcomes,
            &calls,
        ));
    }
    let page = Dashboard {
        layout: Layout::new(&state, "/gestion"),
        nav: Nav::new(&staff),
        counts,
        new_this_week,
        calls_this_week,
        next_edition: editions::next_slot_label(&state),
        preview,
        charts,
    };
    Ok(Html(page.render()?))
}

// ---- Offers ----

/// An offer line in the back office.
pub struct OfferLine {
    pub id: i64,
    pub title: String,
    pub company: String,
    pub commune: String,
    pub status: &'static str,
    pub validated: bool,
    pub updated: String,
}

pub fn line(state: &AppState, o: &Offer) -> OfferLine {
    OfferLine {
        id: o.id,
        title: o.fields.title.clone(),
        company: o.fields.company_name.clone(),
        commune: state
            .refs
            .communes
            .get(o.fields.commune.as_str())
            .map_or_else(|| o.fields.commune.to_string(), |c| c.name.clone()),
        status: o.status.label(),
        validated: o.validated_at.is_some(),
        updated: o.updated_at.format("%d/%m/%Y").to_string(),
    }
}

#[derive(Template)]
#[template(path = "gestion/offers.html")]
struct OffersPage {
    layout: Layout,
    nav: Nav,
    status: String,
    offers: Vec<OfferLine>,
}

#[derive(Deserialize)]
struct OffersQuery {
    statut: Option<String>,
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
    let list = state.store.offers_for_management(status, org, 500).await?;
    let page = OffersPage {
        layout: Layout::new(&state, "/gestion/offres"),
        nav: Nav::new(&staff),
        status: status.map_or("", |s| s.as_str()).to_owned(),
        offers: list.iter().map(|o| line(&state, o)).collect(),
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
pub const FORM_FIELDS: [&str; 18] = [
    "title",
    "description",
    "rome_code",
    "company_name",
    "siret",
    "commune_code",
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
#[template(path = "gestion/offer_form.html")]
struct OfferFormPage {
    layout: Layout,
    nav: Nav,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    /// Where the form posts: creation, or the offer's edit address.
    action: String,
    heading: String,
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
                c.summary.siret.clone().unwrap_or_default(),
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
    let page = OfferFormPage {
        action: "/gestion/offres".into(),
        heading: "Nouvelle offre".into(),
        layout: Layout::new(&state, "/gestion/offres/nouvelle"),
        nav: Nav::new(&staff),
        values,
        errors: Vec::new(),
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
    let external_id = format!("g{}", &auth::random_token()[..16]);
    let get = |name: &str| offer_form_field(&form, &external_id, name);
    let mut parsed = parse_record(&get, "gestion", &|c| state.refs.communes.exists(c));
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
        Err(errors) => Err(errors),
    };
    match result {
        Ok(id) => {
            staff
                .log(&state, "offre créée", &format!("offre {id}"))
                .await?;
            Ok(Redirect::to(&format!("/gestion/offres/{id}")).into_response())
        }
        Err(errors) => {
            let values = FORM_FIELDS
                .iter()
                .map(|f| (f.to_string(), form.get(*f).cloned().unwrap_or_default()))
                .collect();
            let page = OfferFormPage {
                action: "/gestion/offres".into(),
                heading: "Nouvelle offre".into(),
                layout: Layout::new(&state, "/gestion/offres/nouvelle"),
                nav: Nav::new(&staff),
                values,
                errors,
            };
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "gestion/offer.html")]
struct OfferPage {
    layout: Layout,
    nav: Nav,
    o: OfferLine,
    public: bool,
    actions: Vec<(&'static str, &'static str)>,
    history: Vec<OfferChange>,
}

/// The offer, if this member of staff may see it: counselors see all, partners their own.
async fn visible_offer(state: &AppState, staff: &Staff, id: &str) -> Result<Offer, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
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
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let offer = visible_offer(&state, &staff, &id).await?;
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
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
struct ActionForm {
    #[serde(default)]
    csrf: String,
    action: String,
}

async fn offer_action(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let offer = visible_offer(&state, &staff, &id).await?;
    let action = Action::parse(&form.action)
        .ok_or_else(|| WebError::BadRequest(format!("Action inconnue « {} ».", form.action)))?;
    let now = state.clock.now();
    state
        .store
        .apply_offer_action(offer.id, action, actor(&staff), Some(staff.user.id), now)
        .await?;
    match action {
        Action::Pourvoir => {
            crate::candidatures::notify_offer_closed(&state, &offer, "le poste a été pourvu")
                .await?;
        }
        Action::Retirer => {
            crate::candidatures::notify_offer_closed(&state, &offer, "l'offre a été retirée")
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

// ---- The edition ----

#[derive(Template)]
#[template(path = "gestion/edition.html")]
struct EditionPage {
    layout: Layout,
    nav: Nav,
    next_edition: String,
    preview: EditionPreview,
}

async fn edition_preview(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let page = EditionPage {
        layout: Layout::new(&state, "/gestion/edition"),
        nav: Nav::new(&staff),
        next_edition: editions::next_slot_label(&state),
        preview: state.store.edition_preview().await?,
    };
    Ok(Html(page.render()?))
}

async fn publish_edition(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&form.csrf)?;
    let edition = editions::publish_manual(&state, Some(staff.user.id)).await?;
    staff
        .log(&state, "édition publiée", &format!("n° {}", edition.number))
        .await?;
    Ok(Redirect::to(&format!("/editions/{}", edition.number)).into_response())
}

// ---- Administration ----

#[derive(Template)]
#[template(path = "gestion/users.html")]
struct UsersPage {
    layout: Layout,
    nav: Nav,
    users: Vec<User>,
    organisations: Vec<(i64, String, String)>,
    notice: Option<String>,
    error: Option<String>,
}

async fn users_page(
    state: &AppState,
    staff: &Staff,
    notice: Option<String>,
    error: Option<String>,
) -> Result<String, WebError> {
    let page = UsersPage {
        layout: Layout::new(state, "/gestion/utilisateurs"),
        nav: Nav::new(staff),
        users: state.store.users().await?,
        organisations: state.store.organisations().await?,
        notice,
        error,
    };
    Ok(page.render()?)
}

async fn users(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    Ok(Html(users_page(&state, &staff, None, None).await?))
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
}

async fn invite(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<InviteForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf)?;
    let refuse = |m: String| async {
        Ok::<_, WebError>(
            (
                StatusCode::BAD_REQUEST,
                Html(users_page(&state, &staff, None, Some(m)).await?),
            )
                .into_response(),
        )
    };
    let email = match tremplin_domain::Email::parse(&form.email) {
        Ok(e) => e,
        Err(e) => return refuse(e.message).await,
    };
    let Some(role) = Role::parse(&form.role) else {
        return refuse("Choisissez un rôle.".into()).await;
    };
    let organisation = form.organisation.parse::<i64>().ok();
    if role == Role::Partenaire && organisation.is_none() {
        return refuse("Un compte partenaire doit appartenir à une organisation.".into()).await;
    }
    if state.store.user_for_login(email.as_str()).await?.is_some() {
        return refuse(format!("Un compte existe déjà pour {email}.")).await;
    }
    crate::comptes::send_invitation(&state, &staff, email.as_str(), role, organisation).await?;
    let notice = format!("Invitation envoyée à {email} : le lien est valable 3 jours.");
    Ok(Html(users_page(&state, &staff, Some(notice), None).await?).into_response())
}

#[derive(Template)]
#[template(path = "gestion/journal.html")]
struct JournalPage {
    layout: Layout,
    nav: Nav,
    entries: Vec<AuditEntry>,
}

async fn journal(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    let page = JournalPage {
        layout: Layout::new(&state, "/gestion/journal"),
        nav: Nav::new(&staff),
        entries: state.store.audit_log(200).await?,
    };
    Ok(Html(page.render()?))
}

// ---- Partners' API tokens ----

#[derive(Template)]
#[template(path = "gestion/tokens.html")]
struct TokensPage {
    layout: Layout,
    nav: Nav,
    tokens: Vec<ApiToken>,
    organisations: Vec<(i64, String, String)>,
    /// The token just created, shown this once.
    created: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    staff: &Staff,
    created: Option<String>,
) -> Result<String, WebError> {
    let page = TokensPage {
        layout: Layout::new(state, "/gestion/jetons"),
        nav: Nav::new(staff),
        tokens: state.store.api_tokens().await?,
        organisations: state.store.organisations().await?,
        created,
    };
    Ok(page.render()?)
}

async fn tokens(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    Ok(Html(tokens_page(&state, &staff, None).await?))
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    label: String,
}

async fn create_token(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf)?;
    let org: i64 = form
        .organisation
        .parse()
        .map_err(|_| WebError::BadRequest("Choisissez une organisation.".into()))?;
    let orgs = state.store.organisations().await?;
    let Some((_, name, _)) = orgs.iter().find(|(id, _, _)| *id == org) else {
        return Err(WebError::BadRequest(
            "Cette organisation n'existe pas.".into(),
        ));
    };
    let label = form.label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(WebError::BadRequest(
            "Donnez au jeton un libellé de 1 à 100 caractères.".into(),
        ));
    }
    let token = auth::random_token();
    let now = state.clock.now();
    state
        .store
        .create_api_token(org, &auth::token_hash(&token), label, now)
        .await?;
    staff
        .log(&state, "jeton créé", &format!("{name} ({label})"))
        .await?;
    Ok(Html(tokens_page(&state, &staff, Some(token)).await?).into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let now = state.clock.now();
    if state.store.revoke_api_token(id, now).await? {
        staff
            .log(&state, "jeton révoqué", &format!("jeton {id}"))
            .await?;
    }
    Ok(Redirect::to("/gestion/jetons").into_response())
}

// ---- Editing an offer ----

/// The offer's fields as the form shows them (the CSV column names).
fn form_values(o: &Offer) -> HashMap<String, String> {
    let f = &o.fields;
    let yes_no = |b: bool| if b { "oui" } else { "" }.to_owned();
    let opt = |v: Option<String>| v.unwrap_or_default();
    HashMap::from([
        ("title".to_owned(), f.title.clone()),
        ("description".to_owned(), f.description.clone()),
        (
            "rome_code".to_owned(),
            f.rome_codes
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join("|"),
        ),
        ("company_name".to_owned(), f.company_name.clone()),
        (
            "siret".to_owned(),
            opt(f.siret.as_ref().map(ToString::to_string)),
        ),
        ("commune_code".to_owned(), f.commune.to_string()),
        (
            "contract_type".to_owned(),
            f.contract_type.as_str().to_owned(),
        ),
        (
            "target_diploma_level".to_owned(),
            opt(f.level.map(|l| l.get().to_string())),
        ),
        ("diploma_label".to_owned(), opt(f.diploma_label.clone())),
        (
            "start_date".to_owned(),
            opt(f.start.date().map(|d| d.to_string())),
        ),
        (
            "duration_months".to_owned(),
            opt(f.duration_months.map(|d| d.to_string())),
        ),
        ("positions".to_owned(), f.positions.to_string()),
        ("rqth".to_owned(), yes_no(f.rqth)),
        ("driving_licence".to_owned(), yes_no(f.driving_licence)),
        (
            "contact_email".to_owned(),
            opt(f.contact.email.as_ref().map(ToString::to_string)),
        ),
        (
            "contact_phone".to_owned(),
            opt(f.contact.phone.as_ref().map(|p| p.display())),
        ),
        (
            "apply_url".to_owned(),
            opt(f.contact.apply_url.as_ref().map(ToString::to_string)),
        ),
        (
            "source_url".to_owned(),
            opt(f.source.url.as_ref().map(ToString::to_string)),
        ),
    ])
}

fn editable(o: &Offer) -> Result<(), WebError> {
    if matches!(
        o.status,
        OfferStatus::Pourvue | OfferStatus::Expiree | OfferStatus::Retiree
    ) {
        Err(WebError::BadRequest(
            "Cette offre est close : créez-en une nouvelle.".into(),
        ))
    } else {
        Ok(())
    }
}

async fn edit_offer(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let offer = visible_offer(&state, &staff, &id).await?;
    editable(&offer)?;
    let page = OfferFormPage {
        action: format!("/gestion/offres/{}/modifier", offer.id),
        heading: format!("Modifier « {} »", offer.fields.title),
        layout: Layout::new(&state, &format!("/gestion/offres/{}/modifier", offer.id)),
        nav: Nav::new(&staff),
        values: form_values(&offer),
        errors: Vec::new(),
    };
    Ok(Html(page.render()?))
}

async fn save_offer(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    let offer = visible_offer(&state, &staff, &id).await?;
    editable(&offer)?;
    let external_id = offer
        .fields
        .source
        .external_id
        .clone()
        .unwrap_or_else(|| offer.id.to_string());
    let get = |name: &str| offer_form_field(&form, &external_id, name);
    let parsed = parse_record(&get, &offer.fields.source.name, &|c| {
        state.refs.communes.exists(c)
    })
    .map(|mut input| {
        input.source.kind = offer.fields.source.kind;
        input.cfa = offer.fields.cfa.clone();
        input.address = offer.fields.address.clone();
        // The source's point stays with its commune; another commune means its centre.
        if input.commune == offer.fields.commune {
            input.location = offer.fields.location;
        }
        input
    });
    let now = state.clock.now();
    let errors = match parsed {
        Ok(input) => match state
            .store
            .update_offer(offer.id, &input, Some(staff.user.id), now)
            .await
        {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/gestion/offres/{}", offer.id)).into_response());
            }
            Err(tremplin_storage::StoreError::Invalid(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let values = FORM_FIELDS
        .iter()
        .map(|f| (f.to_string(), form.get(*f).cloned().unwrap_or_default()))
        .collect();
    let page = OfferFormPage {
        action: format!("/gestion/offres/{}/modifier", offer.id),
        heading: format!("Modifier « {} »", offer.fields.title),
        layout: Layout::new(&state, &format!("/gestion/offres/{}/modifier", offer.id)),
        nav: Nav::new(&staff),
        values,
        errors,
    };
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

// ---- Accounts and territory settings ----

#[derive(Deserialize)]
struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    active: String,
}

async fn update_user(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<UserForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let before = state
        .store
        .users()
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or(WebError::NotFound)?;
    let role = Role::parse(&form.role)
        .ok_or_else(|| WebError::BadRequest("Choisissez un rôle.".into()))?;
    let organisation = form.organisation.parse::<i64>().ok();
    let active = !form.active.is_empty();
    let problem = if role == Role::Partenaire && organisation.is_none() {
        Some("Un compte partenaire doit appartenir à une organisation.")
    } else if id == staff.user.id && (role != Role::Admin || !active) {
        Some(
            "Vous ne pouvez pas retirer vos propres droits d'administration : demandez-le à un autre administrateur.",
        )
    } else {
        None
    };
    if let Some(m) = problem {
        return Ok((
            StatusCode::BAD_REQUEST,
            Html(users_page(&state, &staff, None, Some(m.to_owned())).await?),
        )
            .into_response());
    }
    state
        .store
        .update_user(id, role, organisation, active)
        .await?;
    let detail = format!(
        "{} : {} → {}{}",
        before.email,
        before.role.as_str(),
        role.as_str(),
        if before.active && !active {
            ", désactivé"
        } else if !before.active && active {
            ", réactivé"
        } else {
            ""
        }
    );
    staff.log(&state, "rôle modifié", &detail).await?;
    Ok(Redirect::to("/gestion/utilisateurs").into_response())
}

#[derive(Template)]
#[template(path = "gestion/territory.html")]
struct TerritoryPage {
    layout: Layout,
    nav: Nav,
    t: tremplin_storage::Territory,
    days: [(i64, &'static str); 7],
    error: Option<String>,
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

async fn territory(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    let t = state
        .territory()
        .ok_or_else(|| WebError::BadRequest("Aucun territoire n'est configuré.".into()))?;
    Ok(Html(
        TerritoryPage {
            layout: Layout::new(&state, "/gestion/territoire"),
            nav: Nav::new(&staff),
            t,
            days: DAYS,
            error: None,
        }
        .render()?,
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
    let (Some(weekday), Some(time), Some(weeks), Some(tolerance)) =
        (weekday, time, weeks, tolerance)
    else {
        let error = Some("Vérifiez les réglages : un jour de la semaine, une heure HH:MM, de 1 à 52 semaines et de 0 à 365 jours.".to_owned());
        let page = TerritoryPage {
            layout: Layout::new(&state, "/gestion/territoire"),
            nav: Nav::new(&staff),
            t,
            days: DAYS,
            error,
        };
        return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
    };
    let time = time.format("%H:%M").to_string();
    state
        .store
        .update_territory_settings(t.id, weekday, &time, weeks, tolerance)
        .await?;
    state.refresh_territory().await?;
    let detail = format!(
        "publication le jour {weekday} à {time}, confirmation toutes les {weeks} semaines, expiration {tolerance} jours après le début"
    );
    staff.log(&state, "réglages du territoire", &detail).await?;
    Ok(Redirect::to("/gestion/territoire").into_response())
}
