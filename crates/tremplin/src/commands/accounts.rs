use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, bail};
use tremplin_storage::{OrganisationKind, Role};

use crate::config::Config;

pub async fn add_organisation(config: Config, name: &str, kind: &str) -> anyhow::Result<ExitCode> {
    let kind = match kind {
        "mission-locale" => OrganisationKind::MissionLocale,
        "partenaire" => OrganisationKind::Partenaire,
        "cfa" => OrganisationKind::Cfa,
        other => {
            bail!("type d'organisation « {other} » inconnu : mission-locale, partenaire ou cfa")
        }
    };
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        bail!("le nom de l'organisation doit faire de 1 à 200 caractères");
    }
    let store = crate::app::open_store(&config).await?;
    if store.organisation_id(name).await?.is_some() {
        bail!("l'organisation « {name} » existe déjà");
    }
    store
        .add_organisation(name, kind, chrono::Utc::now())
        .await?;
    println!("Organisation « {name} » ajoutée.");
    Ok(ExitCode::SUCCESS)
}

pub async fn add_user(
    config: Config,
    email: &str,
    role: &str,
    organisation: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let email = tremplin_domain::Email::parse(email).map_err(|e| anyhow::anyhow!(e.message))?;
    let role = Role::parse(role)
        .with_context(|| format!("rôle « {role} » inconnu : admin, conseiller ou partenaire"))?;
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("lecture du mot de passe sur l'entrée standard")?;
    let password = password.trim_end_matches(['\n', '\r']);
    if password.chars().count() < 12 {
        bail!("le mot de passe doit faire au moins 12 caractères");
    }
    let store = crate::app::open_store(&config).await?;
    let organisation_id = match organisation {
        Some(name) => Some(
            store
                .organisation_id(name)
                .await?
                .with_context(|| format!("aucune organisation ne s'appelle « {name} »"))?,
        ),
        None if role == Role::Partenaire => {
            bail!("un compte partenaire doit appartenir à une organisation (--organisation)")
        }
        None => None,
    };
    let hash = tremplin_web::services::secrets::hash_password(password)
        .map_err(|e| anyhow::anyhow!(e.message()))?;
    let now = chrono::Utc::now();
    match store
        .add_user(email.as_str(), &hash, role, organisation_id, now)
        .await?
    {
        Some(id) => {
            store
                .audit(
                    now,
                    None,
                    "compte créé",
                    &format!("{} ({})", email, role.as_str()),
                    Some("ligne de commande"),
                )
                .await?;
            println!("Compte {email} créé ({}), n° {id}.", role.label());
            Ok(ExitCode::SUCCESS)
        }
        None => bail!("un compte existe déjà pour {email}"),
    }
}

pub async fn create_token(
    config: Config,
    organisation: &str,
    label: &str,
) -> anyhow::Result<ExitCode> {
    let store = crate::app::open_store(&config).await?;
    let org = store
        .organisation_id(organisation)
        .await?
        .with_context(|| format!("aucune organisation ne s'appelle « {organisation} »"))?;
    let token = tremplin_web::services::secrets::random_token();
    let now = chrono::Utc::now();
    store
        .create_api_token(
            org,
            &tremplin_web::services::secrets::token_hash(&token),
            label,
            now,
        )
        .await?;
    store
        .audit(
            now,
            None,
            "jeton créé",
            &format!("{organisation} ({label})"),
            Some("ligne de commande"),
        )
        .await?;
    // Only the token on stdout, so that scripts can capture it.
    println!("{token}");
    eprintln!("Jeton créé pour « {organisation} ». Gardez-le : il ne sera plus affiché.");
    Ok(ExitCode::SUCCESS)
}
