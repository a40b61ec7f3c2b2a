//! Sending a text message: to a provider's HTTP API, or into a folder of files for local use
//! (as e-mail's folder outbox). The persistent outbox lives in the storage and the web
//! crate's worker; this module only delivers one text.
//!
//! The HTTP provider is Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`,
//! a form with `To`, `From`, `Body`, HTTP basic auth with the account id and its secret): it
//! is documented publicly, needs no SDK, no request signing and no clock, and several
//! providers offer the same interface; its base address is a setting, so a compatible provider
//! or a local fake takes its place. (OVH's API signs each request with a timestamp and three
//! keys: more to get wrong for the same result.)

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

use crate::Password;

/// A text to send: the number in international form (`+33612345678`) and the words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sms {
    pub to: String,
    pub body: String,
}

/// Why a text was not delivered. No variant carries the number: these go to the log.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// The provider refused for good (a number it cannot reach, bad credentials).
    #[error("refusé par le fournisseur : {0}")]
    Rejected(String),
    #[error("envoi impossible : {0}")]
    Send(String),
}

impl SmsError {
    /// Trying again cannot succeed: the outbox marks the text failed instead of retrying.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Rejected(_))
    }
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SmsError>> + Send + 'a>>;

/// Something that delivers one text.
pub trait SmsSender: Send + Sync {
    fn send<'a>(&'a self, sms: &'a Sms) -> SendFuture<'a>;
}

/// Where texts go: a folder of files, or a Twilio-style HTTP API.
#[derive(Clone, PartialEq, Eq)]
pub enum SmsConfig {
    /// One `.txt` file per text in this folder.
    Folder(PathBuf),
    Http {
        /// `https://api.twilio.com` for Twilio itself.
        api_base: String,
        account_sid: String,
        auth_token: Password,
        /// The sender: a number (`+33…`) or an alphanumeric sender id the provider allows.
        from: String,
    },
}

impl fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Folder(dir) => f.debug_tuple("Folder").field(dir).finish(),
            Self::Http {
                api_base,
                account_sid,
                auth_token,
                from,
            } => f
                .debug_struct("Http")
                .field("api_base", api_base)
                .field("account_sid", account_sid)
                .field("auth_token", auth_token)
                .field("from", from)
                .finish(),
        }
    }
}

pub const TWILIO_API_BASE: &str = "https://api.twilio.com";

/// The sender `config` describes.
pub fn sender(config: &SmsConfig) -> Result<Box<dyn SmsSender>, SmsError> {
    Ok(match config {
        SmsConfig::Folder(dir) => Box::new(FileOutbox { dir: dir.clone() }),
        SmsConfig::Http {
            api_base,
            account_sid,
            auth_token,
            from,
        } => Box::new(HttpSender::new(api_base, account_sid, auth_token, from)?),
    })
}

/// Texts written as files (`To:` line, blank line, the text), for local use and the demo.
pub struct FileOutbox {
    pub dir: PathBuf,
}

impl SmsSender for FileOutbox {
    fn send<'a>(&'a self, sms: &'a Sms) -> SendFuture<'a> {
        Box::pin(async move {
            tokio::fs::create_dir_all(&self.dir)
                .await
                .map_err(|e| SmsError::Send(format!("dossier des SMS : {e}")))?;
            let now = chrono::Utc::now();
            let name = format!(
                "{}-{:09}.txt",
                now.format("%Y%m%dT%H%M%S"),
                now.timestamp_subsec_nanos()
            );
            let text = format!("To: {}\n\n{}\n", sms.to, sms.body);
            tokio::fs::write(self.dir.join(name), text)
                .await
                .map_err(|e| SmsError::Send(format!("écriture du SMS : {e}")))
        })
    }
}

/// Twilio's Messages API, or any provider that speaks it.
pub struct HttpSender {
    client: reqwest::Client,
    url: String,
    account_sid: String,
    auth_token: Password,
    from: String,
}

impl HttpSender {
    pub fn new(
        api_base: &str,
        account_sid: &str,
        auth_token: &Password,
        from: &str,
    ) -> Result<Self, SmsError> {
        if !(api_base.starts_with("https://") || api_base.starts_with("http://")) {
            return Err(SmsError::Rejected(format!(
                "adresse du fournisseur « {api_base} » invalide"
            )));
        }
        // reqwest is built without a default crypto provider: ring, as everywhere in Tremplin.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("Tremplin/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| SmsError::Send(format!("client HTTP : {e}")))?;
        Ok(Self {
            client,
            url: format!(
                "{}/2010-04-01/Accounts/{account_sid}/Messages.json",
                api_base.trim_end_matches('/')
            ),
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.clone(),
            from: from.to_owned(),
        })
    }
}

impl SmsSender for HttpSender {
    fn send<'a>(&'a self, sms: &'a Sms) -> SendFuture<'a> {
        Box::pin(async move {
            let response = self
                .client
                .post(&self.url)
                .basic_auth(&self.account_sid, Some(&self.auth_token.0))
                .form(&[
                    ("To", sms.to.as_str()),
                    ("From", self.from.as_str()),
                    ("Body", sms.body.as_str()),
                ])
                .send()
                .await
                .map_err(|e| SmsError::Send(e.without_url().to_string()))?;
            let status = response.status();
            if status.is_success() {
                return Ok(());
            }
            // Twilio answers {"code": 21211, "message": "Invalid 'To' Phone Number", …}; the
            // message may quote the number: only the code and the status are kept.
            let code = response
                .json::<serde_json::Value>()
                .await
                .ok()
                .and_then(|v| v.get("code").and_then(serde_json::Value::as_i64));
            let what = match code {
                Some(c) => format!("HTTP {} (code {c})", status.as_u16()),
                None => format!("HTTP {}", status.as_u16()),
            };
            if status.as_u16() == 429 || status.is_server_error() {
                Err(SmsError::Send(what))
            } else {
                Err(SmsError::Rejected(what))
            }
        })
    }
}

/// GSM 03.38's basic character set: one septet each.
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Its extension table: two septets each (an escape, then the character).
const GSM7_EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// How many septets `text` takes in GSM-7, or `None` when a character is outside it (the
/// text would then go as UCS-2, 70 characters a segment).
pub fn gsm7_septets(text: &str) -> Option<usize> {
    text.chars().try_fold(0, |n, c| {
        if GSM7_BASIC.contains(c) {
            Some(n + 1)
        } else if GSM7_EXTENDED.contains(c) {
            Some(n + 2)
        } else {
            None
        }
    })
}

/// How many segments (billed messages) `text` is sent as.
pub fn segments(text: &str) -> usize {
    match gsm7_septets(text) {
        Some(n) if n <= 160 => 1,
        Some(n) => n.div_ceil(153),
        None => {
            let units: usize = text.chars().map(char::len_utf16).sum();
            if units <= 70 { 1 } else { units.div_ceil(67) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_counts_septets_and_segments() {
        assert_eq!(gsm7_septets("Votre candidature est partie."), Some(29));
        assert_eq!(gsm7_septets("é à ù"), Some(5));
        assert_eq!(gsm7_septets("€"), Some(2));
        // ê, ç, « » are not in GSM-7: such a text goes as UCS-2.
        assert_eq!(gsm7_septets("être"), None);
        assert_eq!(gsm7_septets("«"), None);
        assert_eq!(segments(&"a".repeat(160)), 1);
        assert_eq!(segments(&"a".repeat(161)), 2);
        assert_eq!(segments(&"ê".repeat(70)), 1);
        assert_eq!(segments(&"ê".repeat(71)), 2);
    }

    #[test]
    fn the_auth_token_never_prints() {
        let c = SmsConfig::Http {
            api_base: TWILIO_API_BASE.into(),
            account_sid: "AC123".into(),
            auth_token: Password("tres-secret".into()),
            from: "+33700000000".into(),
        };
        assert!(!format!("{c:?}").contains("tres-secret"));
    }

    #[tokio::test]
    async fn the_folder_outbox_writes_one_file_a_text() {
        let dir = tempfile::tempdir().unwrap();
        let s = sender(&SmsConfig::Folder(dir.path().join("sms"))).unwrap();
        let sms = Sms {
            to: "+33612345678".into(),
            body: "Suivez votre candidature : http://x/c/abc".into(),
        };
        s.send(&sms).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("sms"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(&files[0]).unwrap();
        let (head, body) = text.split_once("\n\n").unwrap();
        assert_eq!(head, "To: +33612345678");
        assert_eq!(body.trim_end(), sms.body);
    }
}
