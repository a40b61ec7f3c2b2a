//! Configuration in layers: defaults, then the TOML file, then `TREMPLIN_…` variables, then
//! flags (clap gives the last two, flags winning).

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use tremplin_connectors::ConnectorSettings;
use tremplin_connectors::{france_travail, labonnealternance};
use tremplin_mail::sms::{SmsConfig, TWILIO_API_BASE};
use tremplin_mail::{MailConfig, Password, Security};
use tremplin_web::services::media::{S3Settings, Secret as MediaSecret};

use crate::cli::Cli;

/// Holds secrets as read (SMTP password, partners' credentials): deliberately not `Debug`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    bind: Option<String>,
    public_url: Option<String>,
    no_demo: Option<bool>,
    trust_proxy: Option<bool>,
    log: Option<String>,
    mail_from: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_security: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    smtp_ca_file: Option<PathBuf>,
    france_travail_client_id: Option<String>,
    france_travail_client_secret: Option<String>,
    france_travail_api_base: Option<String>,
    france_travail_token_url: Option<String>,
    /// Départements searched; the territory's when absent.
    france_travail_departements: Option<Vec<String>>,
    lba_api_token: Option<String>,
    lba_api_base: Option<String>,
    sms_provider: Option<String>,
    sms_api_base: Option<String>,
    sms_account_sid: Option<String>,
    sms_auth_token: Option<String>,
    sms_from: Option<String>,
    media_dir: Option<PathBuf>,
    media_url: Option<String>,
    media_s3_endpoint: Option<String>,
    media_s3_region: Option<String>,
    media_s3_access_key_id: Option<String>,
    media_s3_secret_access_key: Option<String>,
    walk_max_distance_m: Option<f64>,
    walk_detour_factor: Option<f64>,
    walk_speed_m_s: Option<f64>,
}

pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: Secret,
    pub bind: String,
    pub public_url: String,
    pub no_demo: bool,
    pub trust_proxy: bool,
    pub log: String,
    pub mail: MailConfig,
    pub mail_from: String,
    /// Where texts go; `None`: no SMS at all.
    pub sms: Option<SmsConfig>,
    pub connectors: ConnectorSettings,
    /// The media folder (`<data-dir>/uploads` by default), where files go without a bucket.
    pub media_dir: PathBuf,
    /// An S3-compatible bucket for the media, instead of the folder.
    pub media_s3: Option<S3Settings>,
    /// Walking to and from the stops, for the trips without a car.
    pub walking: tremplin_transport::Settings,
}

/// A value that never prints (a database URL may carry a password).
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("«masqué»")
    }
}

impl Config {
    pub fn load(cli: &Cli) -> anyhow::Result<Self> {
        let g = &cli.global;
        let file = match &g.config {
            Some(path) => read_file(path)?,
            None if Path::new("tremplin.toml").exists() => read_file(Path::new("tremplin.toml"))?,
            None => FileConfig::default(),
        };
        let data_dir = g
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("tremplin-data"));
        std::fs::create_dir_all(&data_dir).with_context(|| {
            format!(
                "impossible de créer le dossier des données {}",
                data_dir.display()
            )
        })?;
        let database_url = g
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("tremplin.db").display()));
        let bind = g
            .bind
            .clone()
            .or(file.bind)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        if bind.parse::<std::net::SocketAddr>().is_err() {
            bail!("adresse d'écoute « {bind} » invalide : écrivez par exemple 127.0.0.1:8080");
        }
        let public_url = g
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{bind}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("adresse publique « {public_url} » invalide : elle doit commencer par https://");
        }
        let mail = match g.smtp_host.clone().or(file.smtp_host) {
            None => MailConfig::Folder(data_dir.join("outbox")),
            Some(host) => {
                let security = match g
                    .smtp_security
                    .clone()
                    .or(file.smtp_security)
                    .as_deref()
                    .unwrap_or("starttls")
                {
                    "tls" => Security::Tls,
                    "starttls" => Security::StartTls,
                    "none" => Security::None,
                    other => bail!("sécurité SMTP « {other} » inconnue : tls, starttls ou none"),
                };
                let default_port = match security {
                    Security::Tls => 465,
                    Security::StartTls => 587,
                    Security::None => 25,
                };
                MailConfig::Smtp {
                    host,
                    port: g.smtp_port.or(file.smtp_port).unwrap_or(default_port),
                    security,
                    username: g.smtp_username.clone().or(file.smtp_username),
                    password: g.smtp_password.clone().or(file.smtp_password).map(Password),
                    ca_file: g.smtp_ca_file.clone().or(file.smtp_ca_file),
                }
            }
        };
        let mail_from = g
            .mail_from
            .clone()
            .or(file.mail_from)
            .unwrap_or_else(|| "Tremplin <ne-pas-repondre@localhost>".into());
        if tremplin_mail::Mailer::new(&mail, &mail_from).is_err() {
            bail!(
                "expéditeur « {mail_from} » invalide : écrivez par exemple « Mission Locale <ne-pas-repondre@ml.fr> »"
            );
        }
        let sms = sms_config(
            g,
            SmsFile {
                provider: file.sms_provider,
                api_base: file.sms_api_base,
                account_sid: file.sms_account_sid,
                auth_token: file.sms_auth_token,
                from: file.sms_from,
            },
            &data_dir,
        )?;
        let media_dir = g
            .media_dir
            .clone()
            .or(file.media_dir)
            .unwrap_or_else(|| data_dir.join("uploads"));
        let media_s3 = match g.media_url.clone().or(file.media_url) {
            None => None,
            Some(url) => {
                let mut s = S3Settings::from_url(&url).with_context(|| {
                    format!(
                        "stockage des fichiers « {url} » invalide : écrivez s3://seau/prefixe (ou donnez un dossier avec media_dir)"
                    )
                })?;
                s.endpoint = g.media_s3_endpoint.clone().or(file.media_s3_endpoint);
                if let Some(e) = &s.endpoint
                    && !(e.starts_with("https://") || e.starts_with("http://"))
                {
                    bail!(
                        "adresse du stockage S3 « {e} » invalide : elle doit commencer par https://"
                    );
                }
                s.region = g.media_s3_region.clone().or(file.media_s3_region);
                s.access_key_id = g
                    .media_s3_access_key_id
                    .clone()
                    .or(file.media_s3_access_key_id);
                s.secret_access_key = g
                    .media_s3_secret_access_key
                    .clone()
                    .or(file.media_s3_secret_access_key)
                    .map(MediaSecret);
                Some(s)
            }
        };
        let walking = walking(
            [
                g.walk_max_distance_m.as_deref(),
                g.walk_detour_factor.as_deref(),
                g.walk_speed_m_s.as_deref(),
            ],
            [
                file.walk_max_distance_m,
                file.walk_detour_factor,
                file.walk_speed_m_s,
            ],
        )?;
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let france_travail = match (
            env("FRANCE_TRAVAIL_CLIENT_ID").or(file.france_travail_client_id),
            env("FRANCE_TRAVAIL_CLIENT_SECRET").or(file.france_travail_client_secret),
        ) {
            (Some(client_id), Some(client_secret)) => Some(france_travail::Settings {
                api_base: file
                    .france_travail_api_base
                    .unwrap_or_else(|| france_travail::DEFAULT_API_BASE.into()),
                token_url: file
                    .france_travail_token_url
                    .unwrap_or_else(|| france_travail::DEFAULT_TOKEN_URL.into()),
                client_id,
                client_secret,
                departements: file.france_travail_departements.unwrap_or_default(),
            }),
            (None, None) => None,
            _ => bail!(
                "France Travail : donnez l'identifiant et le secret (FRANCE_TRAVAIL_CLIENT_ID et FRANCE_TRAVAIL_CLIENT_SECRET)"
            ),
        };
        let labonnealternance =
            env("LBA_API_TOKEN")
                .or(file.lba_api_token)
                .map(|token| labonnealternance::Settings {
                    api_base: file
                        .lba_api_base
                        .unwrap_or_else(|| labonnealternance::DEFAULT_API_BASE.into()),
                    token,
                });
        Ok(Self {
            connectors: ConnectorSettings {
                france_travail,
                labonnealternance,
            },
            walking,
            mail,
            mail_from,
            sms,
            media_dir,
            media_s3,
            data_dir,
            database_url: Secret(database_url),
            bind,
            public_url: public_url.trim_end_matches('/').to_owned(),
            no_demo: g.no_demo || file.no_demo.unwrap_or(false),
            trust_proxy: g.trust_proxy || file.trust_proxy.unwrap_or(false),
            log: g
                .log
                .clone()
                .or(file.log)
                .unwrap_or_else(|| "info,tantivy=warn,sqlx=warn".into()),
        })
    }
}

/// SMS: `fichier` (the default: one file a text in `<data-dir>/sms/`, as e-mails without
/// SMTP), `twilio` (Twilio's HTTP API, or a provider speaking it at `sms_api_base`), or `aucun`.
/// The SMS keys of the TOML file.
struct SmsFile {
    provider: Option<String>,
    api_base: Option<String>,
    account_sid: Option<String>,
    auth_token: Option<String>,
    from: Option<String>,
}

fn sms_config(
    g: &crate::cli::GlobalArgs,
    file: SmsFile,
    data_dir: &Path,
) -> anyhow::Result<Option<SmsConfig>> {
    let provider = g
        .sms_provider
        .clone()
        .or(file.provider)
        .unwrap_or_else(|| "fichier".into());
    Ok(match provider.as_str() {
        "aucun" => None,
        "fichier" => Some(SmsConfig::Folder(data_dir.join("sms"))),
        "twilio" => {
            let need = |v: Option<String>, name: &str| {
                v.filter(|v| !v.trim().is_empty()).with_context(|| {
                    format!(
                        "SMS par Twilio : donnez {name} (TREMPLIN_{})",
                        name.to_uppercase()
                    )
                })
            };
            let api_base = g
                .sms_api_base
                .clone()
                .or(file.api_base)
                .unwrap_or_else(|| TWILIO_API_BASE.into());
            if !(api_base.starts_with("https://") || api_base.starts_with("http://")) {
                bail!(
                    "adresse du fournisseur de SMS « {api_base} » invalide : elle doit commencer par https://"
                );
            }
            Some(SmsConfig::Http {
                api_base: api_base.trim_end_matches('/').to_owned(),
                account_sid: need(
                    g.sms_account_sid.clone().or(file.account_sid),
                    "sms_account_sid",
                )?,
                auth_token: Password(need(
                    g.sms_auth_token.clone().or(file.auth_token),
                    "sms_auth_token",
                )?),
                from: need(g.sms_from.clone().or(file.from), "sms_from")?,
            })
        }
        other => bail!("fournisseur de SMS « {other} » inconnu : fichier, twilio ou aucun"),
    })
}

/// The walking keys, each with its bounds: a flag or variable (text, a comma accepted as the
/// decimal mark) wins over the file; the transport crate's defaults otherwise.
const WALKING: [(&str, f64, f64, &str); 3] = [
    ("walk_max_distance_m", 100.0, 5000.0, "mètres"),
    (
        "walk_detour_factor",
        1.0,
        3.0,
        "fois la distance à vol d'oiseau",
    ),
    ("walk_speed_m_s", 0.3, 3.0, "mètres par seconde"),
];

fn walking(
    flags: [Option<&str>; 3],
    file: [Option<f64>; 3],
) -> anyhow::Result<tremplin_transport::Settings> {
    let mut s = tremplin_transport::Settings::default();
    let defaults = [s.max_walk_m, s.detour_factor, s.walk_speed_m_s];
    let mut values = [0.0; 3];
    for (i, (name, min, max, unit)) in WALKING.iter().enumerate() {
        let value = match (flags[i].map(str::trim).filter(|v| !v.is_empty()), file[i]) {
            (Some(text), _) => text.replace(',', ".").parse::<f64>().map_err(|_| {
                anyhow::anyhow!(
                    "{name} « {text} » invalide : écrivez un nombre entre {min} et {max} ({unit})"
                )
            })?,
            (None, Some(v)) => v,
            (None, None) => defaults[i],
        };
        if !(value.is_finite() && (*min..=*max).contains(&value)) {
            bail!("{name} = {value} hors limites : entre {min} et {max} ({unit})");
        }
        values[i] = value;
    }
    [s.max_walk_m, s.detour_factor, s.walk_speed_m_s] = values;
    Ok(s)
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("lecture de {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("fichier de configuration {} invalide", path.display()))
}

#[cfg(test)]
mod tests {
    use super::walking;

    #[test]
    fn walking_settings_default_to_the_transport_crates() {
        let s = walking([None; 3], [None; 3]).unwrap();
        let d = tremplin_transport::Settings::default();
        assert_eq!(
            (s.max_walk_m, s.detour_factor, s.walk_speed_m_s),
            (d.max_walk_m, d.detour_factor, d.walk_speed_m_s)
        );
        assert_eq!(s.transfer_max_m, d.transfer_max_m);
    }

    #[test]
    fn walking_settings_come_from_the_file_then_the_flags() {
        let s = walking([None; 3], [Some(800.0), Some(1.5), Some(1.0)]).unwrap();
        assert_eq!(
            (s.max_walk_m, s.detour_factor, s.walk_speed_m_s),
            (800.0, 1.5, 1.0)
        );
        let s = walking(
            [Some("2000"), None, Some("0,9")],
            [Some(800.0), Some(1.5), Some(1.0)],
        )
        .unwrap();
        assert_eq!(
            (s.max_walk_m, s.detour_factor, s.walk_speed_m_s),
            (2000.0, 1.5, 0.9)
        );
    }

    #[test]
    fn bad_walking_settings_are_refused_in_french() {
        let e = walking([Some("loin"), None, None], [None; 3]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "walk_max_distance_m « loin » invalide : écrivez un nombre entre 100 et 5000 (mètres)"
        );
        let e = walking([None; 3], [None, Some(0.5), None]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "walk_detour_factor = 0.5 hors limites : entre 1 et 3 (fois la distance à vol d'oiseau)"
        );
        let e = walking([None, None, Some("NaN")], [None; 3]).unwrap_err();
        assert!(
            e.to_string().contains("walk_speed_m_s = NaN hors limites"),
            "{e}"
        );
        assert!(walking([None; 3], [None, None, Some(0.0)]).is_err());
        assert!(walking([None; 3], [Some(99.0), None, None]).is_err());
        assert!(walking([None; 3], [Some(5000.0), Some(3.0), Some(3.0)]).is_ok());
    }
}
