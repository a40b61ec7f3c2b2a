//! A person's data on request: what Tremplin holds about them, exported or erased. Admins.

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::shell::ApplicationLine;
use crate::shell::Layout;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/personnes", get(person))
        .route(
            "/gestion/personnes/export",
            axum::routing::post(export_person),
        )
        .route(
            "/gestion/personnes/effacer",
            axum::routing::post(erase_person),
        )
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
#[template(path = "features/personnes/templates/person.html")]
struct PersonPage {
    layout: Layout,
    nav: crate::shell::Nav,
    email: String,
    telephone: String,
    searched: bool,
    applications: Vec<ApplicationLine>,
    /// The address's alerts: (search, state): only admins, handling a request, see them.
    alerts: Vec<(String, &'static str)>,
    /// The counselors' records of this person (or of whom they are the guardian): (id, name).
    records: Vec<(i64, String)>,
    /// The registrations to events: (registered on, event and status).
    registrations: Vec<(String, String)>,
    /// The car-pool opt-ins, one line each.
    carpool: Vec<String>,
}

fn alert_state(a: &tremplin_storage::Alert) -> &'static str {
    if a.confirmed_unix.is_some() {
        "active"
    } else {
        "en attente de confirmation"
    }
}

async fn person(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
    axum::extract::Query(q): axum::extract::Query<PersonQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    let searched = !q.email.trim().is_empty() || !q.telephone.trim().is_empty();
    let mut applications = Vec::new();
    let mut alerts = Vec::new();
    let mut records = Vec::new();
    let mut registrations = Vec::new();
    let mut carpool = Vec::new();
    if searched {
        let (email, phone) = q.keys()?;
        for o in state
            .store
            .carpool_optins_of_person(email.as_deref(), phone.as_deref())
            .await?
        {
            carpool.push(format!(
                "{} – {} {} – {}{}",
                crate::shell::dates::paris_day(o.created_at),
                o.first_name,
                o.last_name,
                crate::services::covoiturage::destination_label(&state, &o).await?,
                if o.withdrawn_at.is_some() {
                    " – retirée"
                } else {
                    ""
                }
            ));
        }
        records = state
            .store
            .young_people_of_person(email.as_deref(), phone.as_deref())
            .await?
            .into_iter()
            .map(|y| (y.id, y.name()))
            .collect();
        for r in crate::services::promo_activities::registrations_of_person(
            &state,
            email.as_deref(),
            phone.as_deref(),
        )
        .await?
        {
            registrations.push((
                crate::shell::dates::paris_day(r.created_at),
                format!(
                    "événement n° {} – {} {} – {}",
                    r.activity_id,
                    r.first_name,
                    r.last_name,
                    r.status.label()
                ),
            ));
        }
        if let Some(e) = &email {
            alerts = state
                .store
                .alerts_of_email(e)
                .await?
                .iter()
                .map(|a| (a.label.clone(), alert_state(a)))
                .collect();
        }
        for a in state
            .store
            .applications_of_person(email.as_deref(), phone.as_deref())
            .await?
        {
            applications.push(ApplicationLine {
                id: a.id,
                sent: crate::shell::dates::paris_day(a.created_at),
                name: format!("{} {}", a.first_name, a.last_name),
                offer_id: a.offer_id,
                offer: String::new(),
                status: a.status.label(),
                has_cv: a.cv_path.is_some(),
            });
        }
    }
    let page = PersonPage {
        layout: Layout::new(&state, "/gestion/personnes"),
        nav: crate::shell::Nav::new(&staff),
        email: q.email,
        telephone: q.telephone,
        searched,
        applications,
        alerts,
        records,
        registrations,
        carpool,
    };
    Ok(Html(page.render()?))
}

/// Everything Tremplin holds about a person, as JSON (the right of access).
async fn export_person(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
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
        // The texts sent to the person (the follow-up link by SMS).
        let sms: Vec<serde_json::Value> = state
            .store
            .sms_of_application(a.id)
            .await?
            .into_iter()
            .map(|m| {
                serde_json::json!({
                    "numero": m.to_phone, "texte": m.body, "cree_le": m.created_at.to_rfc3339(),
                    "envoye_le": m.sent_at.map(|t| t.to_rfc3339()),
                })
            })
            .collect();
        out.push(serde_json::json!({
            "candidature": a.id, "offre": a.offer_id, "prenom": a.first_name, "nom": a.last_name,
            "email": a.email, "telephone": a.phone, "commune": a.commune_code, "date_naissance": a.birth_date.to_string(),
            "mobilite": a.mobility, "message": a.message, "etat": a.status.as_str(), "raison": a.answer_reason,
            "cv": a.cv_name, "envoyee_le": a.created_at.to_rfc3339(), "etapes": steps, "sms": sms,
        }));
    }
    let mut alerts = Vec::new();
    if let Some(e) = &email {
        for a in state.store.alerts_of_email(e).await? {
            let sent: Vec<serde_json::Value> = state
                .store
                .alert_deliveries(a.id)
                .await?
                .into_iter()
                .map(|(edition, offers, mailed)| serde_json::json!({ "edition": edition, "offres": offers, "envoye": mailed }))
                .collect();
            let at = |t: i64| chrono::DateTime::from_timestamp(t, 0).map(|d| d.to_rfc3339());
            alerts.push(serde_json::json!({
                "email": a.email, "recherche": a.label, "parametres": a.search, "etat": alert_state(&a),
                "demandee_le": at(a.created_unix), "confirmee_le": a.confirmed_unix.and_then(at),
                "derniere_activite": at(a.active_unix), "avis_effacement": a.notice_unix.and_then(at),
                "envois": sent,
            }));
        }
    }
    let records = young_people_json(&state, email.as_deref(), phone.as_deref()).await?;
    let registrations: Vec<serde_json::Value> =
        crate::services::promo_activities::registrations_of_person(
            &state,
            email.as_deref(),
            phone.as_deref(),
        )
        .await?
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "inscription": r.id, "evenement": r.activity_id, "prenom": r.first_name, "nom": r.last_name,
                "email": r.email, "telephone": r.phone, "commune": r.commune_code, "mineur": r.minor,
                "responsable_nom": r.guardian_name, "responsable_telephone": r.guardian_phone,
                "etat": r.status.as_str(), "presence": r.attendance, "inscrit_le": r.created_at.to_rfc3339(),
                "fiche_jeune": r.young_person_id,
            })
        })
        .collect();
    let pepites =
        crate::services::pepites::export_person(&state, email.as_deref(), phone.as_deref()).await?;
    let covoiturage =
        crate::services::covoiturage::export_person(&state, email.as_deref(), phone.as_deref())
            .await?;
    let detail = with_registrations(
        with_records(counted(out.len(), alerts.len() as u64), records.len()),
        registrations.len() as u64,
    );
    staff.log(&state, "données exportées", &detail).await?;
    let body = serde_json::to_string_pretty(
        &serde_json::json!({ "candidatures": out, "alertes": alerts, "fiches_jeune": records, "inscriptions": registrations, "pepites": pepites, "covoiturage": covoiturage }),
    )
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

/// The counselors' records of a person with their promos' milestones and the notes: the notes
/// are the person's to read on request.
async fn young_people_json(
    state: &AppState,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<Vec<serde_json::Value>, WebError> {
    let mut out = Vec::new();
    for y in state.store.young_people_of_person(email, phone).await? {
        let promos = state.store.promos_of_young_person(y.id).await?;
        let steps: Vec<serde_json::Value> = state
            .store
            .milestones_of_young_person(y.id)
            .await?
            .into_iter()
            .map(|m| {
                serde_json::json!({
                    "promo": promos.iter().find(|p| p.id == m.promo_id).map(|p| p.name.clone()),
                    "etape": m.kind.as_str(), "date": m.on_day.to_string(), "entreprise": m.company, "cfa": m.cfa,
                    "offre": m.offer_id, "candidature": m.application_id, "notee_le": m.recorded_at.to_rfc3339(),
                })
            })
            .collect();
        out.push(serde_json::json!({
            "fiche": y.id, "prenom": y.first_name, "nom": y.last_name, "date_naissance": y.birth_date.to_string(),
            "email": y.email, "telephone": y.phone, "representant_legal": y.guardian_name,
            "representant_email": y.guardian_email, "representant_telephone": y.guardian_phone,
            "commune": y.commune_code, "metiers": y.rome_codes, "permis": y.licence, "vehicule": y.vehicle,
            "conseiller": y.counselor_email, "statut": y.status, "notes": y.notes,
            "creee_le": y.created_at.to_rfc3339(), "modifiee_le": y.updated_at.to_rfc3339(),
            "promos": promos.iter().map(|p| p.name.clone()).collect::<Vec<_>>(), "etapes": steps,
        }));
    }
    Ok(out)
}

/// What the log says of a request: how many, never whose.
fn counted(applications: usize, alerts: u64) -> String {
    if alerts == 0 {
        format!("{applications} candidature(s)")
    } else {
        format!("{applications} candidature(s), {alerts} alerte(s)")
    }
}

/// The same, with the counselors' records when there are some.
fn with_records(detail: String, records: usize) -> String {
    if records == 0 {
        detail
    } else {
        format!("{detail}, {records} fiche(s) jeune")
    }
}

/// The log's count with the registrations to events, when there are some.
fn with_registrations(detail: String, registrations: u64) -> String {
    if registrations == 0 {
        detail
    } else {
        format!("{detail}, {registrations} inscription(s) à des événements")
    }
}

/// Erases everything about a person (the right to erasure).
async fn erase_person(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
    Form(q): Form<PersonQuery>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&q.csrf)?;
    let (email, phone) = q.keys()?;
    // First, while their applications and records still say whose they are: the car-pool
    // opt-ins (also those agreed to as a guardian) and the pairs they are in.
    let carpool =
        crate::services::covoiturage::erase_person(&state, email.as_deref(), phone.as_deref())
            .await?;
    let found = state
        .store
        .applications_of_person(email.as_deref(), phone.as_deref())
        .await?;
    for a in &found {
        if let Some(path) = state.store.delete_application(a.id).await? {
            crate::services::uploads::delete_cv(&state.media, &path).await;
        }
    }
    let alerts = match &email {
        Some(e) => state.store.delete_alerts_of_email(e).await?,
        None => 0,
    };
    // Counted before: erasing a record erases the registrations a counselor made for it.
    let registrations = crate::services::promo_activities::registrations_of_person(
        &state,
        email.as_deref(),
        phone.as_deref(),
    )
    .await?
    .len() as u64;
    let records = state
        .store
        .young_people_of_person(email.as_deref(), phone.as_deref())
        .await?;
    for y in &records {
        state.store.delete_young_person(y.id).await?;
    }
    state
        .store
        .delete_registrations_of_person(email.as_deref(), phone.as_deref())
        .await?;
    let pepites =
        crate::services::pepites::erase_person(&state, email.as_deref(), phone.as_deref()).await?;
    // The copies of the mails to the person, or naming them once sent.
    if let Some(e) = &email {
        state.store.forget_mail_of_person(e).await?;
    }
    // The log says how many, not whose: no personal data in it.
    let mut detail = with_registrations(
        with_records(counted(found.len(), alerts), records.len()),
        registrations,
    );
    if pepites > 0 {
        detail = format!("{detail}, {pepites} fiche(s) pépites");
    }
    if carpool > 0 {
        detail = format!("{detail}, {carpool} inscription(s) au covoiturage");
    }
    staff.log(&state, "données effacées", &detail).await?;
    Ok(Redirect::to("/gestion/personnes").into_response())
}
