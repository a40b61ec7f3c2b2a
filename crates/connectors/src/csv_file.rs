//! Bringing a CSV file of offers in: each good line stored (upsert on source + external id),
//! each bad line reported with its number and a French reason, nothing of it stored.

use std::io::Read;

use chrono::{DateTime, Utc};
use tremplin_domain::import::{FileError, LineError, parse_csv};
use tremplin_domain::{Invalid, OfferStatus, SourceKind};
use tremplin_storage::{Store, StoreError, UpsertOutcome};

use tremplin_referentiels::Referentiels;

#[derive(Debug, Default)]
pub struct ImportReport {
    pub read: usize,
    pub created: Vec<i64>,
    pub updated: Vec<i64>,
    pub unchanged: usize,
    pub rejected: Vec<LineError>,
}

impl ImportReport {
    /// The report as printed by the command line, in French.
    pub fn summary(&self, dry_run: bool) -> String {
        let mut out = if dry_run {
            format!(
                "Vérification seule, rien n'a été enregistré.\n{} ligne(s) lue(s) : {} valide(s), {} refusée(s).\n",
                self.read,
                self.read - self.rejected.len(),
                self.rejected.len()
            )
        } else {
            format!(
                "{} ligne(s) lue(s) : {} créée(s), {} modifiée(s), {} inchangée(s), {} refusée(s).\n",
                self.read,
                self.created.len(),
                self.updated.len(),
                self.unchanged,
                self.rejected.len()
            )
        };
        for e in &self.rejected {
            out.push_str(&format!("  {e}\n"));
        }
        out
    }
}

/// Reads and stores a CSV file, its offers recorded as coming from `kind`. `dry_run` checks
/// everything and stores nothing.
pub async fn import_csv(
    store: &Store,
    refs: &Referentiels,
    reader: impl Read,
    source_name: &str,
    kind: SourceKind,
    status: OfferStatus,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    let parsed = parse_csv(
        reader,
        source_name,
        &|code| refs.commune_centre(code),
        now.date_naive(),
    )?;
    let mut report = ImportReport {
        read: parsed.offers.len() + parsed.errors.len(),
        rejected: parsed.errors,
        ..Default::default()
    };
    let known_cfas: Vec<String> = store
        .training_centres()
        .await?
        .into_iter()
        .map(|c| c.name.to_lowercase())
        .collect();
    for (line, mut offer) in parsed.offers {
        offer.source.kind = kind;
        if let Some(cfa) = &offer.cfa {
            if !known_cfas.contains(&cfa.trim().to_lowercase()) {
                report.rejected.push(LineError {
                    line,
                    errors: vec![Invalid::new(
                        "cfa",
                        format!("Aucun centre de formation ne s'appelle « {} ».", cfa.trim()),
                    )],
                });
                continue;
            }
        }
        if dry_run {
            continue;
        }
        match store.upsert_offer(&offer, status, now).await {
            Ok((id, UpsertOutcome::Created)) => report.created.push(id),
            Ok((id, UpsertOutcome::Updated)) => report.updated.push(id),
            Ok((_, UpsertOutcome::Unchanged)) => report.unchanged += 1,
            Err(StoreError::Invalid(e)) => report.rejected.push(LineError {
                line,
                errors: vec![e],
            }),
            Err(e) => return Err(e.into()),
        }
    }
    report.rejected.sort_by_key(|e| e.line);
    Ok(report)
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    File(#[from] FileError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
