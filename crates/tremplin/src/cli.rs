//! The command line. Every flag also has a `TREMPLIN_…` variable and a key in the TOML file.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tremplin",
    version,
    about = "Tremplin : le catalogue des offres d'apprentissage d'une Mission Locale"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Accepted before or after any subcommand.
#[derive(Debug, Args, Default)]
pub struct GlobalArgs {
    /// Fichier de configuration TOML (par défaut ./tremplin.toml s'il existe).
    #[arg(long, global = true, env = "TREMPLIN_CONFIG")]
    pub config: Option<PathBuf>,
    /// Dossier des données : base SQLite, index, fichiers déposés (créé s'il manque).
    #[arg(long, global = true, env = "TREMPLIN_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Base de données : sqlite://… (par défaut dans le dossier des données) ou postgres://…
    #[arg(
        long,
        global = true,
        env = "TREMPLIN_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Adresse d'écoute du serveur.
    #[arg(long, global = true, env = "TREMPLIN_BIND")]
    pub bind: Option<String>,
    /// Adresse publique du site, pour les liens partagés (ex. https://offres.ml-exemple.fr).
    #[arg(long, global = true, env = "TREMPLIN_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Derrière un proxy inverse : l'adresse du client est lue dans X-Forwarded-For.
    #[arg(long, global = true, env = "TREMPLIN_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Démarrer sans le territoire de démonstration.
    #[arg(long, global = true, env = "TREMPLIN_NO_DEMO")]
    pub no_demo: bool,
    /// Expéditeur des e-mails (ex. « Mission Locale <ne-pas-repondre@ml.fr> »).
    #[arg(long, global = true, env = "TREMPLIN_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Serveur SMTP ; sans lui, les e-mails sont écrits dans <data-dir>/outbox/.
    #[arg(long, global = true, env = "TREMPLIN_SMTP_HOST")]
    pub smtp_host: Option<String>,
    #[arg(long, global = true, env = "TREMPLIN_SMTP_PORT")]
    pub smtp_port: Option<u16>,
    /// tls (port 465), starttls (587) ou none (relais local).
    #[arg(long, global = true, env = "TREMPLIN_SMTP_SECURITY")]
    pub smtp_security: Option<String>,
    #[arg(long, global = true, env = "TREMPLIN_SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    #[arg(
        long,
        global = true,
        env = "TREMPLIN_SMTP_PASSWORD",
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,
    /// Autorité de certification supplémentaire pour le serveur SMTP (fichier PEM).
    #[arg(long, global = true, env = "TREMPLIN_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<PathBuf>,
    /// SMS (lien de suivi d'un·e jeune qui n'a donné qu'un portable) : fichier (par défaut,
    /// dans <data-dir>/sms/), twilio, ou aucun.
    #[arg(long, global = true, env = "TREMPLIN_SMS_PROVIDER")]
    pub sms_provider: Option<String>,
    /// Adresse de l'API du fournisseur de SMS (par défaut https://api.twilio.com).
    #[arg(long, global = true, env = "TREMPLIN_SMS_API_BASE")]
    pub sms_api_base: Option<String>,
    /// Identifiant du compte chez le fournisseur de SMS (Account SID).
    #[arg(long, global = true, env = "TREMPLIN_SMS_ACCOUNT_SID")]
    pub sms_account_sid: Option<String>,
    #[arg(
        long,
        global = true,
        env = "TREMPLIN_SMS_AUTH_TOKEN",
        hide_env_values = true
    )]
    pub sms_auth_token: Option<String>,
    /// Expéditeur des SMS : un numéro (+33…) ou un nom autorisé par le fournisseur.
    #[arg(long, global = true, env = "TREMPLIN_SMS_FROM")]
    pub sms_from: Option<String>,
    /// Dossier des fichiers déposés (CV, vidéos), à partager entre instances (par défaut
    /// <data-dir>/uploads).
    #[arg(long, global = true, env = "TREMPLIN_MEDIA_DIR")]
    pub media_dir: Option<PathBuf>,
    /// Stockage objet compatible S3 des fichiers, au lieu d'un dossier : s3://seau/prefixe.
    #[arg(long, global = true, env = "TREMPLIN_MEDIA_URL")]
    pub media_url: Option<String>,
    /// Adresse du service S3 quand ce n'est pas AWS (ex. https://s3.fr-par.scw.cloud).
    #[arg(long, global = true, env = "TREMPLIN_MEDIA_S3_ENDPOINT")]
    pub media_s3_endpoint: Option<String>,
    /// Région du stockage S3 (ex. fr-par, eu-west-3).
    #[arg(long, global = true, env = "TREMPLIN_MEDIA_S3_REGION")]
    pub media_s3_region: Option<String>,
    /// Identifiant de la clé d'accès S3.
    #[arg(long, global = true, env = "TREMPLIN_MEDIA_S3_ACCESS_KEY_ID")]
    pub media_s3_access_key_id: Option<String>,
    #[arg(
        long,
        global = true,
        env = "TREMPLIN_MEDIA_S3_SECRET_ACCESS_KEY",
        hide_env_values = true
    )]
    pub media_s3_secret_access_key: Option<String>,
    /// Trajets sans voiture : distance maximale à pied jusqu'à un arrêt (ou de l'arrêt à
    /// l'arrivée), à vol d'oiseau, en mètres (par défaut 1500).
    #[arg(long, global = true, env = "TREMPLIN_WALK_MAX_DISTANCE_M")]
    pub walk_max_distance_m: Option<String>,
    /// Trajets sans voiture : distance marchée ÷ distance à vol d'oiseau (par défaut 1.3).
    #[arg(long, global = true, env = "TREMPLIN_WALK_DETOUR_FACTOR")]
    pub walk_detour_factor: Option<String>,
    /// Trajets sans voiture : vitesse de marche en mètres par seconde (par défaut 1.2).
    #[arg(long, global = true, env = "TREMPLIN_WALK_SPEED_M_S")]
    pub walk_speed_m_s: Option<String>,
    /// Niveau de journalisation (ex. info, debug, tremplin=debug).
    #[arg(long, global = true, env = "TREMPLIN_LOG")]
    pub log: Option<String>,
}

#[derive(Debug, Subcommand, Default)]
pub enum Command {
    /// Sert le site (commande par défaut).
    #[default]
    Serve,
    /// Applique les migrations de la base de données.
    Migrate,
    /// Importe des offres.
    #[command(subcommand)]
    Import(Import),
    /// Reconstruit l'index de recherche depuis la base (serveur arrêté).
    Reindex,
    /// Charge un référentiel officiel.
    #[command(subcommand)]
    Referentiels(Referentiels),
    /// Organisations : Mission Locale, partenaires, CFA.
    #[command(subcommand)]
    Organisation(Organisation),
    /// Comptes de la gestion.
    #[command(subcommand)]
    User(User),
    /// L'édition du catalogue.
    #[command(subcommand)]
    Edition(Edition),
    /// Sauvegarde la base SQLite pendant qu'elle tourne (avec PostgreSQL : pg_dump).
    Backup { file: PathBuf },
    /// Remplace la base SQLite par une sauvegarde (serveur arrêté) ; l'index sera reconstruit.
    Restore { file: PathBuf },
    /// Jetons d'accès à l'API des partenaires.
    #[command(subcommand)]
    Token(Token),
}

#[derive(Debug, Subcommand)]
pub enum Token {
    /// Crée un jeton pour une organisation et l'affiche (une seule fois).
    Create {
        #[arg(long)]
        organisation: String,
        /// À quoi sert ce jeton (ex. « import nocturne »).
        #[arg(long, default_value = "API")]
        label: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum Organisation {
    /// Ajoute une organisation.
    Add {
        #[arg(long)]
        name: String,
        /// mission-locale, partenaire ou cfa
        #[arg(long)]
        kind: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum User {
    /// Ajoute un compte ; le mot de passe est lu sur l'entrée standard.
    Add {
        #[arg(long)]
        email: String,
        /// admin, conseiller ou partenaire
        #[arg(long)]
        role: String,
        /// Organisation du compte (obligatoire pour un partenaire).
        #[arg(long)]
        organisation: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum Edition {
    /// Publie l'édition maintenant : les offres validées entrent au catalogue.
    Publish,
}

#[derive(Debug, Subcommand)]
pub enum Import {
    /// Importe un fichier CSV d'offres (UTF-8, virgule ou point-virgule).
    Csv(ImportCsv),
    /// Importe les offres en alternance du territoire depuis France Travail (identifiants
    /// dans FRANCE_TRAVAIL_CLIENT_ID et FRANCE_TRAVAIL_CLIENT_SECRET).
    FranceTravail(ImportFranceTravail),
    /// Importe les offres en alternance autour du territoire depuis La bonne alternance
    /// (jeton dans LBA_API_TOKEN).
    Labonnealternance(ImportLba),
}

#[derive(Debug, Args)]
pub struct ImportFranceTravail {
    /// Départements à parcourir (par défaut ceux du territoire), ex. 61,28.
    #[arg(long, value_delimiter = ',')]
    pub departement: Vec<String>,
    /// Adresse de l'API jusqu'à /v2.
    #[arg(long)]
    pub api_base: Option<String>,
    /// Adresse complète du jeton OAuth2.
    #[arg(long)]
    pub token_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportLba {
    /// Adresse de l'API (jusqu'à /api).
    #[arg(long)]
    pub api_base: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportCsv {
    pub file: PathBuf,
    /// Publier les offres tout de suite, sans attendre l'édition du jeudi.
    #[arg(long)]
    pub publish_now: bool,
    /// Vérifier le fichier sans rien enregistrer.
    #[arg(long)]
    pub dry_run: bool,
    /// Nom de la source, clé de la mise à jour avec external_id.
    #[arg(long, default_value = "csv")]
    pub source: String,
}

#[derive(Debug, Subcommand)]
pub enum Referentiels {
    /// Remplace les coordonnées des communes par le fichier officiel « Communes et villes de
    /// France » de data.gouv.fr (communes-france-AAAA.csv).
    Communes { file: PathBuf },
    /// Importe un flux GTFS (cars, trains : un fichier .zip) pour les trajets sans voiture ;
    /// il remplace le précédent. Les serveurs en marche le prennent en moins d'une minute.
    Gtfs { file: PathBuf },
}
