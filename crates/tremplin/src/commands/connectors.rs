//! `tremplin import france-travail` and `tremplin import labonnealternance`: one run, with a
//! progress bar on a terminal, the report printed as the back office stores it.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use tremplin_connectors::{ConnectorError, Progress, Source, Trigger};

use crate::cli::{ImportFranceTravail, ImportLba};
use crate::config::Config;

pub async fn france_travail(
    mut config: Config,
    args: ImportFranceTravail,
) -> anyhow::Result<ExitCode> {
    let Some(s) = config.connectors.france_travail.as_mut() else {
        eprintln!(
            "Identifiants France Travail absents : définissez FRANCE_TRAVAIL_CLIENT_ID et FRANCE_TRAVAIL_CLIENT_SECRET (ou france_travail_client_id et france_travail_client_secret dans le fichier de configuration)."
        );
        return Ok(ExitCode::from(2));
    };
    if !args.departement.is_empty() {
        s.departements = args.departement;
    }
    if let Some(base) = args.api_base {
        s.api_base = base;
    }
    if let Some(url) = args.token_url {
        s.token_url = url;
    }
    run(config, Source::FranceTravail).await
}

pub async fn lba(mut config: Config, args: ImportLba) -> anyhow::Result<ExitCode> {
    let Some(s) = config.connectors.labonnealternance.as_mut() else {
        eprintln!(
            "Jeton La bonne alternance absent : définissez LBA_API_TOKEN (ou lba_api_token dans le fichier de configuration)."
        );
        return Ok(ExitCode::from(2));
    };
    if let Some(base) = args.api_base {
        s.api_base = base;
    }
    run(config, Source::LaBonneAlternance).await
}

/// Writes the database only, as `import csv` does: servers index the offers from the feed.
async fn run(config: Config, source: Source) -> anyhow::Result<ExitCode> {
    let state = crate::app::open(&config).await?;
    let fetcher = match tremplin_connectors::launch::fetcher(&state.connector_area(), source) {
        Ok(f) => f,
        Err(why) => {
            eprintln!("{why}");
            return Ok(ExitCode::from(2));
        }
    };
    let progress = if std::io::stderr().is_terminal() {
        Progress::new(bar)
    } else {
        Progress::silent()
    };
    let result = tremplin_connectors::run(
        &state.store,
        &state.refs.communes,
        &fetcher,
        Trigger::CommandLine,
        &progress,
    )
    .await;
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
    let report = match result {
        Ok(report) => report,
        Err(ConnectorError::Busy) => {
            eprintln!(
                "Un import {} est déjà en cours : réessayez quand il sera fini.",
                source.label()
            );
            return Ok(ExitCode::from(3));
        }
        Err(e) => return Err(e.into()),
    };
    print!("{}", report.summary());
    Ok(if report.error.is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// "Téléchargement [##########··········] 1 200 / 2 400"
fn bar(stage: &str, done: usize, total: usize) {
    const WIDTH: usize = 30;
    let filled = if total == 0 {
        0
    } else {
        (done.min(total) * WIDTH) / total
    };
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\r{stage:<15} [{}{}] {done} / {total}   ",
        "#".repeat(filled),
        "·".repeat(WIDTH - filled)
    );
    let _ = err.flush();
}
