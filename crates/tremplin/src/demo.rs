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

const TERRITORY: &str = include_str!("../demo/territoire.toml");
const CFAS: &str = include_str!("../demo/cfa.csv");
const COMPANIES: &str = include_str!("../demo/entreprises.csv");
const OFFERS: &str = include_str!("../demo/offres.csv");

#[derive(Deserialize)]
struct TerritoryFile {
    name: String,
    short_name: String,
    epcis: Vec<String>,
    publication_weekday: String,
    publication_time: String,
    contact_email: Option<String>,
    address: Option<String>,
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
    tracing::info!(
        offres = report.created.len() + 1,
        "territoire de démonstration chargé"
    );
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
