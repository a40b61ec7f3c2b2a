//! One activity in the back office: what it is, who registered, and the attendance sheet a
//! counselor fills on a phone during the activity (one choice per registrant, one button),
//! printable as a PDF for the funders.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tremplin_domain::activity::{Attendance, RegistrationStatus};
use tremplin_print::Palette;
use tremplin_print::pdf::attendance::{self, Row};
use tremplin_storage::{Activity, Registration};

use crate::services::events;
use crate::shell::auth::Staff;
use crate::shell::dates::paris;
use crate::shell::{Id, Layout, Nav};
use crate::{AppState, WebError};

pub(super) struct Registrant {
    id: i64,
    name: String,
    contact: String,
    commune: String,
    minor: bool,
    guardian: String,
    status: &'static str,
    seated: bool,
    attendance: &'static str,
}

fn registrant(state: &AppState, r: &Registration) -> Registrant {
    Registrant {
        id: r.id,
        name: format!("{} {}", r.first_name, r.last_name),
        contact: [r.email.clone(), r.phone.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
        commune: state
            .refs
            .communes
            .get(&r.commune_code)
            .map_or_else(|| r.commune_code.clone(), |c| c.name.clone()),
        minor: r.minor,
        guardian: match (&r.guardian_name, &r.guardian_phone) {
            (Some(n), Some(p)) => format!("{n} · {p}"),
            (Some(n), None) => n.clone(),
            _ => String::new(),
        },
        status: r.status.label(),
        seated: r.status == RegistrationStatus::Inscrit,
        attendance: r.attendance().map_or("", |a| a.as_str()),
    }
}

#[derive(Template)]
#[template(path = "features/activites/templates/sheet.html")]
struct SheetPage {
    layout: Layout,
    nav: Nav,
    id: i64,
    title: String,
    kind: &'static str,
    when: String,
    place: String,
    address: String,
    video: Option<String>,
    leader: String,
    audience: String,
    public: bool,
    cancelled: bool,
    guardian_required: bool,
    partners: Vec<String>,
    immersion: Option<(String, &'static str)>,
    seats: String,
    registrants: Vec<Registrant>,
    choices: Vec<(&'static str, &'static str)>,
    saved: bool,
    promo: Option<super::members::PromoPart>,
    /// After registering members: what it gave.
    tally: Option<String>,
}

async fn partners(state: &AppState, a: &Activity) -> Result<Vec<String>, WebError> {
    let mut out: Vec<String> = state
        .store
        .activity_companies(a.id)
        .await?
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    if let Some(id) = a.training_centre_id {
        if let Some(c) = state.store.training_centre(id).await? {
            out.push(c.name);
        }
    }
    Ok(out)
}

#[derive(serde::Deserialize, Default)]
pub(super) struct Saved {
    #[serde(default)]
    enregistre: Option<String>,
    inscrits: Option<u32>,
    attente: Option<u32>,
    deja: Option<u32>,
}

impl Saved {
    /// « 3 membre(s) inscrit(s), 1 sur la liste d'attente, 2 déjà inscrit(s) ».
    fn tally(&self) -> Option<String> {
        let (s, w, d) = (
            self.inscrits?,
            self.attente.unwrap_or(0),
            self.deja.unwrap_or(0),
        );
        let mut out = format!("{s} membre(s) inscrit(s)");
        if w > 0 {
            out.push_str(&format!(", {w} sur la liste d'attente (complet)"));
        }
        if d > 0 {
            out.push_str(&format!(", {d} déjà inscrit(s)"));
        }
        out.push('.');
        Some(out)
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let a = state.store.activity(id).await?.ok_or(WebError::NotFound)?;
    let registrations = state.store.registrations(id).await?;
    let registrants = registrations
        .iter()
        .map(|r| registrant(&state, r))
        .collect();
    let promo = super::members::part(&state, &a, &registrations).await?;
    let page = SheetPage {
        layout: Layout::new(&state, &format!("/gestion/activites/{id}")),
        nav: Nav::new(&staff),
        id,
        title: a.title.clone(),
        kind: a.kind.label(),
        when: events::when(&a),
        place: events::place(&state, &a),
        address: a.address.clone(),
        video: a.video_url.clone(),
        leader: a.leader.clone(),
        audience: a.audience.clone(),
        public: a.is_public,
        cancelled: a.cancelled,
        guardian_required: a.guardian_required,
        partners: partners(&state, &a).await?,
        immersion: a.tutor.clone().map(|t| {
            let agreement = a
                .agreement
                .as_deref()
                .and_then(tremplin_domain::activity::Agreement::parse)
                .map_or("", |x| x.label());
            (t, agreement)
        }),
        seats: format!(
            "{} place(s) prise(s) sur {} · {} en attente",
            a.seated, a.capacity, a.waiting
        ),
        registrants,
        choices: Attendance::ALL
            .iter()
            .map(|x| (x.as_str(), x.label()))
            .collect(),
        saved: q.enregistre.is_some(),
        tally: q.tally(),
        promo,
    };
    Ok(Html(page.render()?))
}

/// The sheet as sent: `p-{registration}` = present, absent or excuse for each one marked.
pub(super) async fn mark(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    staff.check_csrf(csrf)?;
    state.store.activity(id).await?.ok_or(WebError::NotFound)?;
    let mut marks = Vec::new();
    for (k, v) in &pairs {
        let Some(reg) = k.strip_prefix("p-") else {
            continue;
        };
        let (Ok(reg), Some(att)) = (reg.parse::<i64>(), Attendance::parse(v)) else {
            return Err(WebError::BadRequest(
                "La feuille d'émargement est mal remplie : rechargez la page.".into(),
            ));
        };
        marks.push((reg, att));
    }
    let now = state.clock.now();
    let mut marked = 0;
    for (reg, att) in marks {
        if state
            .store
            .set_attendance(id, reg, att, Some(staff.user.id), now)
            .await?
        {
            marked += 1;
        }
    }
    staff
        .log(
            &state,
            "émargement",
            &format!("activité n° {id}, {marked} présence(s) notée(s)"),
        )
        .await?;
    Ok(Redirect::to(&format!("/gestion/activites/{id}?enregistre=1#emargement")).into_response())
}

/// The attendance sheet as an A4 PDF: seated registrants and what was marked.
pub(super) async fn pdf(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let a = state.store.activity(id).await?.ok_or(WebError::NotFound)?;
    let seated: Vec<Registration> = state
        .store
        .registrations(id)
        .await?
        .into_iter()
        .filter(|r| r.status == RegistrationStatus::Inscrit)
        .collect();
    let count = |x: Attendance| seated.iter().filter(|r| r.attendance() == Some(x)).count();
    let totals = format!(
        "{} inscrit·e(s) · {} présent·e(s) · {} excusé·e(s) · {} absent·e(s)",
        seated.len(),
        count(Attendance::Present),
        count(Attendance::Excuse),
        count(Attendance::Absent)
    );
    let mut facts = vec![
        ("Type".to_owned(), a.kind.label().to_owned()),
        ("Date".to_owned(), events::when(&a)),
        (
            "Lieu".to_owned(),
            if a.address.is_empty() {
                events::place(&state, &a)
            } else {
                format!("{}, {}", a.address, events::place(&state, &a))
            },
        ),
        ("Animé par".to_owned(), a.leader.clone()),
        ("Pour qui".to_owned(), a.audience.clone()),
    ];
    let with = partners(&state, &a).await?;
    if !with.is_empty() {
        facts.push(("Avec".to_owned(), with.join(", ")));
    }
    let sheet = attendance::Sheet {
        title: a.title.clone(),
        facts,
        rows: seated
            .iter()
            .map(|r| Row {
                name: format!("{} {}", r.first_name, r.last_name),
                commune: state
                    .refs
                    .communes
                    .get(&r.commune_code)
                    .map_or_else(|| r.commune_code.clone(), |c| c.name.clone()),
                attendance: r.attendance().map_or("non noté", |x| x.label()).to_owned(),
            })
            .collect(),
        totals,
        territory: state
            .territory()
            .map_or_else(|| "Mission Locale".into(), |t| t.name),
        made: format!("Feuille établie le {}", paris(state.clock.now())),
        palette: Palette::default(),
    };
    let bytes = tokio::task::spawn_blocking(move || attendance::pdf(&sheet))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    staff
        .log(
            &state,
            "feuille d'émargement imprimée",
            &format!("activité n° {id}"),
        )
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"emargement-{id}.pdf\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
