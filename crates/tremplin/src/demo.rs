//! The demo territory: the Mission Locale de L'Aigle-Mortagne, its real training centres, and
//! fictional companies and offers (see `demo/README.md`). Loaded on a fresh database unless
//! `--no-demo` is given.

use anyhow::{Context, bail};
use chrono::{Duration, Utc};
use serde::Deserialize;
use tremplin_connectors::csv_file::import_csv;
use tremplin_domain::{CodeInsee, OfferSource, OfferStatus, Siret, SourceKind};
use tremplin_storage::{CompanyContact, CompanyRecord, OfferMeta, OrganisationKind, Territory};
use tremplin_web::AppState;

mod promo;
mod promo_activities;

const TERRITORY: &str = include_str!("../demo/territoire.toml");
const CFAS: &str = include_str!("../demo/cfa.csv");
const COMPANIES: &str = include_str!("../demo/entreprises.csv");
const OFFERS: &str = include_str!("../demo/offres.csv");
/// Fictional coach lines of the territory, written by `scripts/demo/gtfs.py`.
const GTFS: [(&str, &str); 7] = [
    ("agency.txt", include_str!("../demo/gtfs/agency.txt")),
    ("stops.txt", include_str!("../demo/gtfs/stops.txt")),
    ("routes.txt", include_str!("../demo/gtfs/routes.txt")),
    ("trips.txt", include_str!("../demo/gtfs/trips.txt")),
    (
        "stop_times.txt",
        include_str!("../demo/gtfs/stop_times.txt"),
    ),
    ("calendar.txt", include_str!("../demo/gtfs/calendar.txt")),
    (
        "calendar_dates.txt",
        include_str!("../demo/gtfs/calendar_dates.txt"),
    ),
];

#[derive(Deserialize)]
struct TerritoryFile {
    name: String,
    short_name: String,
    epcis: Vec<String>,
    publication_weekday: String,
    publication_time: String,
    contact_email: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    opening_hours: Option<String>,
}

pub async fn load(state: &AppState) -> anyhow::Result<()> {
    let now = Utc::now();
    let store = &state.store;
    let t: TerritoryFile = toml::from_str(TERRITORY).context("demo/territoire.toml")?;
    let weekday = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ]
    .iter()
    .position(|d| *d == t.publication_weekday)
    .context("jour de publication")? as i64
        + 1;
    store
        .save_territory(&Territory {
            id: 0,
            name: t.name.clone(),
            short_name: t.short_name,
            publication_weekday: weekday,
            publication_time: chrono::NaiveTime::parse_from_str(&t.publication_time, "%H:%M")
                .context("heure de publication")?,
            contact_email: t.contact_email,
            address: t.address,
            phone: t.phone,
            opening_hours: t.opening_hours,
            epcis: t.epcis,
            reverify_weeks: 4,
            start_tolerance_days: 30,
            retention_months: 12,
        })
        .await?;
    store
        .add_organisation(&t.name, OrganisationKind::MissionLocale, now)
        .await?;
    let france_travail = store
        .add_organisation(
            "France Travail – agence de L'Aigle (démo)",
            OrganisationKind::Partenaire,
            now,
        )
        .await?;
    store
        .add_organisation(
            "Service économique de la communauté de communes (démo)",
            OrganisationKind::Partenaire,
            now,
        )
        .await?;

    let mut cfas = csv::Reader::from_reader(CFAS.as_bytes());
    for row in cfas.records() {
        let row = row?;
        let commune = CodeInsee::parse(&row[1])?;
        let website = Some(&row[3]).filter(|w| !w.is_empty());
        store
            .save_training_centre(&row[0], &commune, &row[2], website)
            .await?;
        store
            .add_organisation(&row[0], OrganisationKind::Cfa, now)
            .await?;
    }

    let mut companies = csv::Reader::from_reader(COMPANIES.as_bytes());
    for row in companies.records() {
        let row = row?;
        let optional = |i: usize| Some(row[i].to_owned()).filter(|v| !v.is_empty());
        store
            .save_company(
                &CompanyRecord {
                    siret: Siret::parse(&row[0])?,
                    name: row[1].to_owned(),
                    naf: optional(2),
                    commune: CodeInsee::parse(&row[3])?,
                    address: optional(4),
                    contacts: vec![CompanyContact {
                        name: row[5].to_owned(),
                        role: optional(6),
                        phone: optional(7),
                        email: optional(8),
                    }],
                },
                now,
            )
            .await?;
    }

    let report = import_csv(
        store,
        &state.refs,
        OFFERS.as_bytes(),
        "demo",
        SourceKind::Appel,
        OfferStatus::Publiee,
        false,
        now,
    )
    .await?;
    if !report.rejected.is_empty() {
        bail!(
            "offres de démonstration refusées :\n{}",
            report.summary(false)
        );
    }
    // Spread publication over the last weeks, so that some are "nouveau cette semaine".
    for (i, id) in report.created.iter().enumerate() {
        let days = (i as i64 * 3) % 40;
        store
            .set_published_at(
                *id,
                now - Duration::days(days) - Duration::hours(i as i64 % 9),
            )
            .await?;
    }
    partner_change(state, france_travail, report.created[0]).await?;
    // Last Thursday's edition, under its own slot (the scheduler will not publish it again):
    // its new offers, its social kit and its printed catalogue are there at the first start.
    let time = chrono::NaiveTime::parse_from_str(&t.publication_time, "%H:%M")?;
    let due = tremplin_web::services::editions::due_slot(now, weekday, time);
    store
        .publish_edition(&tremplin_web::services::editions::slot_key(due), now, None)
        .await?;
    reach(state, &report.created, now).await?;
    demo_alert(state, now).await?;
    phoning(state, &report.created).await?;
    promo::load(state, &report.created, now).await?;
    crate::demo_events::load(state, now).await?;
    crate::demo_pepites::load(state).await?;
    crate::demo_covoiturage::load(state).await?;
    crate::demo_metiers::load(state).await?;
    coach_lines(state, now).await?;
    tracing::info!(
        offres = report.created.len() + 1,
        "territoire de démonstration chargé"
    );
    Ok(())
}

/// The fictional coach lines, imported like any feed: an offer opened from a search around
/// Mortagne-au-Perche shows Monday's coach to work and Friday's back.
async fn coach_lines(state: &AppState, now: chrono::DateTime<Utc>) -> anyhow::Result<()> {
    use tremplin_web::services::transport;
    let files: Vec<(&str, &[u8])> = GTFS.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
    let zip = tremplin_transport::gtfs::write_zip(&files);
    transport::import(&state.store, "demo-cars-du-perche.zip", zip, now)
        .await
        .map_err(|e| anyhow::anyhow!("lignes de car de démonstration : {e}"))?;
    transport::refresh(state).await?;
    Ok(())
}

/// A young person's confirmed alert on bakery offers around L'Aigle: the dashboard counts it,
/// and each edition's new matches go to the mail folder.
async fn demo_alert(state: &AppState, now: chrono::DateTime<Utc>) -> anyhow::Result<()> {
    use tremplin_web::services::{alerts, catalogue};
    let q = catalogue::CatalogueQuery::parse(
        "q=boulanger&commune=61214&rayon=30",
        catalogue::ParamStyle::Page,
        state,
    )
    .map_err(|p| anyhow::anyhow!("alerte de démonstration : {}", p.message))?;
    state
        .store
        .add_confirmed_alert(
            "lea.demo@exemple.invalid",
            &alerts::normalised(&q),
            &alerts::describe(state, &q),
            now,
        )
        .await?;
    Ok(())
}

/// The counselor's week: calls to return (one overdue, one today, one on Thursday), offers not
/// confirmed for four weeks (« à revérifier »), and one whose start date passed: the edition's
/// preview offers to confirm the first and extend the last.
async fn phoning(state: &AppState, offers: &[i64]) -> anyhow::Result<()> {
    use tremplin_domain::network::{CallInput, CallOutcome};
    // Last Thursday's edition is out already (as on a server that has been running): what
    // leaves now shows in the preview of the next one.
    state.refresh_territory().await?;
    tremplin_web::services::editions::tick(state).await?;
    let now = Utc::now();
    let today = tremplin_web::shell::dates::paris_today(now);
    let store = &state.store;
    let companies = store.companies(&Default::default()).await?;
    let thursday = today
        + Duration::days(
            (3 - i64::from(chrono::Datelike::weekday(&today).num_days_from_monday())).rem_euclid(7),
        );
    let calls = [
        (
            CallOutcome::Rappeler,
            "Le gérant était en livraison : rappeler.",
            today - Duration::days(2),
        ),
        (CallOutcome::Injoignable, "Messagerie pleine.", today),
        (
            CallOutcome::Rappeler,
            "Rappeler jeudi : décision sur un 2e apprenti.",
            thursday,
        ),
        (
            CallOutcome::Rappeler,
            "Rappeler en fin de semaine prochaine.",
            today + Duration::days(5),
        ),
    ];
    for (company, (outcome, notes, on)) in companies.iter().skip(3).zip(calls) {
        let call = CallInput {
            outcome,
            notes: notes.into(),
            next_call_on: Some(on),
        };
        store
            .record_call(company.id, &call, None, now - Duration::days(9))
            .await?;
    }
    // An offer whose contract should have started six weeks ago: it expires at once.
    if let Some(id) = offers.get(5) {
        let offer = store
            .get_offer(*id)
            .await?
            .context("offre de démonstration")?;
        let mut input = offer.fields.clone();
        input.start = tremplin_domain::StartDate::On(today - Duration::days(42));
        store.update_offer(*id, &input, None, now).await?;
    }
    store
        .apply_deadlines(now - Duration::weeks(4), today - Duration::days(30), now)
        .await?;
    Ok(())
}

/// A partner's offer, published, with a change of its own waiting for a counselor: what the
/// back office's « modifications en attente » look like.
async fn partner_change(state: &AppState, partner: i64, model: i64) -> anyhow::Result<()> {
    let now = Utc::now();
    let store = &state.store;
    let model = store
        .get_offer(model)
        .await?
        .context("offre de démonstration")?;
    let mut input = model.fields.clone();
    input.title = format!("{} (offre relayée par France Travail)", input.title);
    input.source = OfferSource {
        kind: SourceKind::Partenaire,
        // As the partners' API names its offers.
        name: format!("organisation-{partner}"),
        external_id: Some("FT-DEMO-1".into()),
        url: None,
    };
    let meta = OfferMeta {
        organisation_id: Some(partner),
        user_id: None,
        validated: true,
    };
    let (id, _) = store
        .upsert_offer_as(&input, OfferStatus::Publiee, &meta, now)
        .await?;
    let offer = store.get_offer(id).await?.context("offre du partenaire")?;
    let mut changed = input.clone();
    changed.title = format!("{} — début avancé", model.fields.title);
    changed.positions = input.positions + 1;
    tremplin_web::services::revisions::submit(state, &offer, &changed, None).await?;
    Ok(())
}

/// A partner's widget and some weeks of visits through shared links, so that the dashboard's
/// « Diffusion » has something to show.
async fn reach(state: &AppState, offers: &[i64], now: chrono::DateTime<Utc>) -> anyhow::Result<()> {
    let store = &state.store;
    store
        .add_widget("ent-lycee-demo", "ENT d'un lycée du Perche (démo)")
        .await?;
    let monday = tremplin_web::shell::dates::monday_of(now);
    let channels = [
        "facebook",
        "whatsapp",
        "ent-lycee-demo",
        "instagram",
        "affiche",
        "widget",
    ];
    for week in 0..6i64 {
        for (i, id) in offers.iter().take(12).enumerate() {
            let channel = channels[(i + week as usize) % channels.len()];
            // A few views each, more on recent weeks: deterministic, nothing random.
            for _ in 0..((i as i64 + week) % 4 + 1) {
                store
                    .count_view(*id, channel, monday - Duration::weeks(5 - week))
                    .await?;
            }
        }
    }
    Ok(())
}
