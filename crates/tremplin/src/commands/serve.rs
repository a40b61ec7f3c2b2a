use std::process::ExitCode;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::Config;

pub async fn run(config: Config) -> anyhow::Result<ExitCode> {
    let state = crate::app::open_with_index(&config, |dir| {
        format!(
            "Un autre processus Tremplin (un serveur en marche, ou `tremplin reindex`) utilise déjà l'index du dossier de données {} : arrêtez-le, ou donnez à ce serveur son propre dossier de données (--data-dir).",
            dir.display()
        )
    })
    .await?;
    if !config.no_demo && state.territory().is_none() {
        crate::demo::load(&state)
            .await
            .context("chargement du territoire de démonstration")?;
        state.refresh_territory().await?;
    }
    let listener = TcpListener::bind(&config.bind)
        .await
        .with_context(|| format!("écoute sur {}", config.bind))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mailer = std::sync::Arc::new(tremplin_mail::Mailer::new(&config.mail, &config.mail_from)?);
    let sms = match &config.sms {
        Some(c) => Some(std::sync::Arc::from(tremplin_mail::sms::sender(c)?)),
        None => None,
    };
    let workers = tremplin_web::jobs::start(&state, mailer, sms, stop_rx);
    tracing::info!("Tremplin est servi sur http://{}", listener.local_addr()?);
    let store = state.store.clone();
    tremplin_web::serve(listener, state, async {
        shutdown_signal().await;
        tracing::info!("arrêt demandé");
    })
    .await?;
    let _ = stop_tx.send(true);
    workers.join().await;
    // Refreshes SQLite's planner statistics before the pool closes.
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
