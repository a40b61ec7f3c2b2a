//! Launching runs: whether a source can run with the configuration and the territory, starting a
//! run in the background, and the nightly schedule. Takes the store, the referentials and the
//! territory's area as plain arguments, so the server, the back office and the command line
//! launch runs the same way.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use tremplin_referentiels::Referentiels;
use tremplin_storage::{Store, StoreError};

use crate::run::{Fetcher, Progress, Trigger};
use crate::{ConnectorError, Source, france_travail, labonnealternance};

/// What a run needs to know besides the store: the configured sources and the territory.
pub struct Area {
    pub settings: ConnectorSettings,
    pub refs: Arc<Referentiels>,
    /// The territory's départements (France Travail's default) and EPCIs (La bonne
    /// alternance's search points); empty without a territory.
    pub departements: Vec<String>,
    pub epcis: Vec<String>,
}

/// Credentials and addresses of the partners' APIs; a source without them is not run.
#[derive(Debug, Clone, Default)]
pub struct ConnectorSettings {
    /// `departements` empty: the territory's.
    pub france_travail: Option<france_travail::Settings>,
    pub labonnealternance: Option<labonnealternance::Settings>,
}

/// What a run of `source` needs from the configuration and the territory.
pub enum Ready {
    FranceTravail(france_travail::Settings),
    LaBonneAlternance(labonnealternance::Settings, Vec<(f64, f64)>),
}

/// Whether `source` can run, and with what, or why not; no client is built (the imports page
/// asks this on every view).
pub fn ready(area: &Area, source: Source) -> Result<Ready, String> {
    let settings = &area.settings;
    let missing = |what: &str| format!("{} : {what} absent de la configuration.", source.label());
    match source {
        Source::FranceTravail => {
            let mut s = settings.france_travail.clone().ok_or_else(|| {
                missing("FRANCE_TRAVAIL_CLIENT_ID / FRANCE_TRAVAIL_CLIENT_SECRET")
            })?;
            if s.departements.is_empty() {
                s.departements = area.departements.clone();
            }
            if s.departements.is_empty() {
                return Err("Aucun département : définissez le territoire.".into());
            }
            Ok(Ready::FranceTravail(s))
        }
        Source::LaBonneAlternance => {
            let s = settings
                .labonnealternance
                .clone()
                .ok_or_else(|| missing("LBA_API_TOKEN"))?;
            let points = labonnealternance::search_points(area.refs.communes.in_epcis(&area.epcis));
            if points.is_empty() {
                return Err("Aucune commune : définissez le territoire.".into());
            }
            Ok(Ready::LaBonneAlternance(s, points))
        }
    }
}

/// The connector of `source`, ready to run, or why it cannot.
pub fn fetcher(area: &Area, source: Source) -> Result<Fetcher, String> {
    match ready(area, source)? {
        Ready::FranceTravail(s) => france_travail::Client::with_defaults(s)
            .map(Fetcher::FranceTravail)
            .map_err(|e| e.to_string()),
        Ready::LaBonneAlternance(s, points) => labonnealternance::Client::with_defaults(s)
            .map(|client| Fetcher::LaBonneAlternance { client, points })
            .map_err(|e| e.to_string()),
    }
}

/// Runs `source` now, in the background (on the caller's tokio runtime). Refused when not configured or already running.
pub fn start(store: &Store, area: &Area, source: Source, trigger: Trigger) -> Result<(), String> {
    let fetcher = fetcher(area, source)?;
    let (store, refs) = (store.clone(), area.refs.clone());
    tokio::spawn(async move {
        match crate::run(
            &store,
            &refs.communes,
            &fetcher,
            trigger,
            &Progress::silent(),
        )
        .await
        {
            Ok(report) => tracing::info!(source = source.name(), "{}", report.summary()),
            Err(ConnectorError::Busy) => {
                tracing::info!(source = source.name(), "import déjà en cours ailleurs")
            }
            Err(e) => tracing::warn!(source = source.name(), cause = %e, "import impossible"),
        }
    });
    Ok(())
}

/// The instant today (Paris time) at which a schedule's run is due.
fn due_at(now: DateTime<Utc>, hour: u8) -> Option<DateTime<Utc>> {
    let today = now.with_timezone(&Paris).date_naive();
    let at = today.and_hms_opt(u32::from(hour.min(23)), 0, 0)?;
    // The night clocks go forward, 2:00 does not exist in Paris: run at 3:00.
    Paris
        .from_local_datetime(&at)
        .earliest()
        .or_else(|| {
            Paris
                .from_local_datetime(&(at + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// Starts the configured sources whose nightly run is due and not yet started (by any
/// instance) since its hour. Called by the server's scheduler.
pub async fn scheduled(store: &Store, area: &Area, now: DateTime<Utc>) -> Result<(), StoreError> {
    for source in Source::ALL {
        let configured = match source {
            Source::FranceTravail => area.settings.france_travail.is_some(),
            Source::LaBonneAlternance => area.settings.labonnealternance.is_some(),
        };
        if !configured {
            continue;
        }
        let schedule = store.import_schedule(source.name()).await?;
        let Some(due) = due_at(now, schedule.hour) else {
            continue;
        };
        if !schedule.enabled || now < due {
            continue;
        }
        let last = store.last_import_start(source.name()).await?;
        if last.is_some_and(|l| l >= due) {
            continue;
        }
        if let Err(why) = start(store, area, source, Trigger::Schedule(due)) {
            tracing::warn!(source = source.name(), "import planifié impossible : {why}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nightly_hour_is_paris_time() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        assert_eq!(
            due_at(now, 3),
            Some(Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap())
        );
        // 29 March 2026: 2:00 does not exist in Paris.
        let spring = Utc.with_ymd_and_hms(2026, 3, 29, 12, 0, 0).unwrap();
        assert_eq!(
            due_at(spring, 2),
            Some(Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap())
        );
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(
            due_at(summer, 3),
            Some(Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap())
        );
    }
}
