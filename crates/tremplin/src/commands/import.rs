use std::process::ExitCode;

use anyhow::Context;
use tremplin_connectors::csv_file::{ImportError, import_csv};
use tremplin_domain::{OfferStatus, SourceKind};

use crate::cli::ImportCsv;
use crate::config::Config;

/// Writes the database only: running servers' indexers follow the change feed, and a stopped
/// one catches up when it starts.
pub async fn run(config: Config, args: ImportCsv) -> anyhow::Result<ExitCode> {
    let state = crate::app::open(&config).await?;
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("ouverture de {}", args.file.display()))?;
    // Without --publish-now, offers wait for validation and the next Thursday edition.
    let status = if args.publish_now {
        OfferStatus::Publiee
    } else {
        OfferStatus::AValider
    };
    let now = chrono::Utc::now();
    match import_csv(
        &state.store,
        &state.refs,
        file,
        &args.source,
        SourceKind::Import,
        status,
        args.dry_run,
        now,
    )
    .await
    {
        Ok(report) => {
            print!("{}", report.summary(args.dry_run));
            if !args.dry_run && !args.publish_now && !report.created.is_empty() {
                println!(
                    "Les nouvelles offres attendent leur validation pour la prochaine édition du jeudi."
                );
            }
            Ok(if report.rejected.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Err(ImportError::File(e)) => {
            eprintln!("Fichier refusé, rien n'a été enregistré : {e}");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
