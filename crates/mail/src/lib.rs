//! Sending email: over SMTP (TLS, STARTTLS or plain for a local relay), or into a folder of
//! `.eml` files for local use. Sending a text message: [`sms`]. The persistent outbox that makes sure nothing is lost lives in
//! the storage and the web crate's worker; this crate only delivers one message.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub mod sms;

use lettre::Address;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// A message to send, as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub attachment: Option<FileAttachment>,
    /// An `https://` address that unsubscribes in one click (RFC 8058): sent as
    /// `List-Unsubscribe` with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
    pub list_unsubscribe: Option<String>,
}

/// A file sent with a message (a CV).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileAttachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS (port 587).
    StartTls,
    /// No encryption: only for a relay on the same machine or in tests.
    None,
}

/// A secret that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("«masqué»")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailConfig {
    /// One `.eml` file per message in this folder.
    Folder(PathBuf),
    Smtp {
        host: String,
        port: u16,
        security: Security,
        username: Option<String>,
        password: Option<Password>,
        /// An extra certificate authority to trust (a relay with a private CA), PEM.
        ca_file: Option<PathBuf>,
    },
}

/// Why a message was not delivered. No variant carries a recipient's address: these texts go
/// to the log and the outbox, and an address is personal data.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("adresse invalide : {0}")]
    Address(String),
    #[error("message impossible à construire : {0}")]
    Build(String),
    /// The server refused for good (5xx): sending again would be refused again.
    #[error("refusé par le serveur : {0}")]
    Rejected(String),
    #[error("envoi impossible : {0}")]
    Send(String),
}

impl MailError {
    /// Trying again cannot succeed: the outbox marks the message failed instead of retrying.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Address(_) | Self::Build(_) | Self::Rejected(_))
    }
}

/// The recipient as the sender reads it: a bare address by `lettre::Address`'s rules (the ones
/// `tremplin_domain::Email` applies too), or a "Name <address>" mailbox.
pub fn recipient(to: &str) -> Result<Mailbox, MailError> {
    match to.parse::<Address>() {
        Ok(address) => Ok(Mailbox::new(None, address)),
        Err(e) => to
            .parse::<Mailbox>()
            .map_err(|_| MailError::Address(e.to_string())),
    }
}

/// A server's answer often quotes the recipient ("550 <jeanne@…>: unknown user"): every word
/// with an `@` is masked before the text is logged or stored.
fn redact(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            if w.contains('@') {
                "«adresse masquée»"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Delivers messages from `from` ("Mission Locale <contact@…>").
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

enum Transport {
    Folder(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn new(config: &MailConfig, from: &str) -> Result<Self, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError::Address(format!("{from} : {e}")))?;
        let transport = match config {
            MailConfig::Folder(dir) => Transport::Folder(dir.clone()),
            MailConfig::Smtp {
                host,
                port,
                security,
                username,
                password,
                ca_file,
            } => {
                let tls = || -> Result<TlsParameters, MailError> {
                    let mut params = TlsParameters::builder(host.clone());
                    if let Some(path) = ca_file {
                        let pem = std::fs::read(path)
                            .map_err(|e| MailError::Build(format!("{} : {e}", path.display())))?;
                        params = params.add_root_certificate(
                            Certificate::from_pem(&pem)
                                .map_err(|e| MailError::Build(e.to_string()))?,
                        );
                    }
                    params
                        .build_rustls()
                        .map_err(|e| MailError::Build(e.to_string()))
                };
                let tls = match security {
                    Security::Tls => Tls::Wrapper(tls()?),
                    Security::StartTls => Tls::Required(tls()?),
                    Security::None => Tls::None,
                };
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    .port(*port)
                    .tls(tls)
                    .timeout(Some(Duration::from_secs(20)));
                if let (Some(u), Some(p)) = (username, password) {
                    builder = builder.credentials(Credentials::new(u.clone(), p.0.clone()));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Self { from, transport })
    }

    /// Sends one message; an error means it was not delivered, and can be tried again unless
    /// [`MailError::is_permanent`].
    pub async fn send(&self, m: &Outgoing) -> Result<(), MailError> {
        let to = recipient(&m.to)?;
        let mut builder = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&m.subject);
        if let Some(url) = &m.list_unsubscribe {
            builder = with_unsubscribe(builder, url)?;
        }
        let body = match &m.html {
            Some(html) => MultiPart::alternative_plain_html(m.text.clone(), html.clone()),
            None => MultiPart::mixed().singlepart(SinglePart::plain(m.text.clone())),
        };
        let message = match &m.attachment {
            None => builder.multipart(body),
            Some(a) => {
                let kind = ContentType::parse(&a.content_type)
                    .map_err(|e| MailError::Build(e.to_string()))?;
                let file = Attachment::new(a.name.clone()).body(a.bytes.clone(), kind);
                builder.multipart(MultiPart::mixed().multipart(body).singlepart(file))
            }
        }
        .map_err(|e| MailError::Build(e.to_string()))?;
        match &self.transport {
            Transport::Folder(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| MailError::Send(format!("{} : {e}", dir.display())))?;
                let name = format!(
                    "{}-{:08x}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"),
                    rand_suffix()
                );
                let tmp = dir.join(format!(".{name}.tmp"));
                // Written then renamed: a reader never sees half a message.
                tokio::fs::write(&tmp, message.formatted())
                    .await
                    .map_err(|e| MailError::Send(e.to_string()))?;
                tokio::fs::rename(&tmp, dir.join(&name))
                    .await
                    .map_err(|e| MailError::Send(e.to_string()))?;
                Ok(())
            }
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| {
                let text = e.to_string();
                let code = e.status().map(u16::from);
                if e.is_permanent() && refuses_the_recipient(code, &text) {
                    MailError::Rejected(redact(&text))
                } else {
                    MailError::Send(redact(&text))
                }
            }),
        }
    }
}

/// RFC 8058's two headers. The address is ours (`https://`, no space, no angle bracket):
/// anything else is refused rather than written into a header.
fn with_unsubscribe(
    builder: lettre::message::MessageBuilder,
    url: &str,
) -> Result<lettre::message::MessageBuilder, MailError> {
    use lettre::message::header::{HeaderName, HeaderValue};
    if !url.starts_with("https://") && !url.starts_with("http://")
        || url
            .bytes()
            .any(|b| !b.is_ascii_graphic() || b == b'<' || b == b'>' || b == b',')
    {
        return Err(MailError::Build(
            "adresse de désinscription invalide".into(),
        ));
    }
    let list = format!("<{url}>");
    let post = "List-Unsubscribe=One-Click".to_owned();
    Ok(builder
        .raw_header(HeaderValue::dangerous_new_pre_encoded(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            list.clone(),
            list,
        ))
        .raw_header(HeaderValue::dangerous_new_pre_encoded(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            post.clone(),
            post,
        )))
}

/// Whether a permanent SMTP refusal is about this recipient (the mailbox does not exist or its
/// name is refused), so that sending again can never work. Refusals of ours — a wrong
/// password (530, 534, 535), a sender not allowed to relay (5.7.x) — are permanent only until an
/// admin fixes the configuration: those messages wait and go out then.
fn refuses_the_recipient(code: Option<u16>, text: &str) -> bool {
    let policy = text.contains("5.7.") || text.to_ascii_lowercase().contains("relay");
    matches!(code, Some(550 | 551 | 553)) && !policy
}

fn rand_suffix() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    std::process::id()
        .wrapping_mul(7919)
        .wrapping_add(N.fetch_add(1, Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_refused_recipient_is_final() {
        assert!(refuses_the_recipient(
            Some(550),
            "550 5.1.1 <…>: Recipient address rejected: User unknown"
        ));
        assert!(refuses_the_recipient(
            Some(553),
            "553 5.1.3 Bad recipient address syntax"
        ));
        assert!(!refuses_the_recipient(
            Some(535),
            "535 5.7.8 Authentication credentials invalid"
        ));
        assert!(!refuses_the_recipient(
            Some(530),
            "530 5.7.0 Authentication required"
        ));
        assert!(!refuses_the_recipient(
            Some(550),
            "550 5.7.1 Relaying denied"
        ));
        assert!(!refuses_the_recipient(
            Some(554),
            "554 5.7.1 Service unavailable"
        ));
        assert!(!refuses_the_recipient(None, "connexion refusée"));
    }

    #[tokio::test]
    async fn the_folder_outbox_writes_one_eml_per_message() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(
            &MailConfig::Folder(dir.path().to_owned()),
            "Mission Locale <contact@ml.example>",
        )
        .unwrap();
        let m = Outgoing {
            to: "jeune@exemple.fr".into(),
            subject: "Votre candidature".into(),
            text: "Bonjour, c'est noté.".into(),
            html: Some("<p>Bonjour, c'est noté.</p>".into()),
            attachment: Some(FileAttachment {
                name: "cv.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: b"%PDF-1.4 cv".to_vec(),
            }),
            list_unsubscribe: None,
        };
        mailer.send(&m).await.unwrap();
        mailer.send(&m).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 2);
        let eml = std::fs::read_to_string(&files[0]).unwrap();
        assert!(
            eml.contains("To: jeune@exemple.fr") && eml.contains("multipart/alternative"),
            "{eml}"
        );
        assert!(
            eml.contains("filename=\"cv.pdf\"") && eml.contains("Content-Type: application/pdf"),
            "{eml}"
        );
        let bad = Outgoing {
            to: "pas une adresse".into(),
            ..m
        };
        let e = mailer.send(&bad).await.unwrap_err();
        assert!(matches!(e, MailError::Address(_)) && e.is_permanent());
        // Accepted by Tremplin once, refused by lettre: never retried, never logged.
        let quoted = Outgoing {
            to: "jea\"nne@exemple.fr".into(),
            ..bad
        };
        let e = mailer.send(&quoted).await.unwrap_err();
        assert!(e.is_permanent() && !e.to_string().contains("jea"), "{e}");
    }

    #[tokio::test]
    async fn an_alert_carries_the_one_click_unsubscribe_headers() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(
            &MailConfig::Folder(dir.path().to_owned()),
            "Mission Locale <contact@ml.example>",
        )
        .unwrap();
        let url = format!(
            "https://ml.example/alertes/desinscription/{}",
            "a".repeat(64)
        );
        let mut m = Outgoing {
            to: "jeune@exemple.fr".into(),
            subject: "Vos nouvelles offres".into(),
            text: "Bonjour".into(),
            html: None,
            attachment: None,
            list_unsubscribe: Some(url.clone()),
        };
        mailer.send(&m).await.unwrap();
        let file = std::fs::read_dir(dir.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        let eml = std::fs::read_to_string(file.path()).unwrap();
        assert!(
            eml.contains(&format!("List-Unsubscribe: <{url}>\r\n")),
            "{eml}"
        );
        assert!(
            eml.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
            "{eml}"
        );
        // Nothing but an address of ours goes into the header.
        m.list_unsubscribe = Some("https://ml.example/x>\r\nBcc: a@b.c".into());
        assert!(matches!(mailer.send(&m).await, Err(MailError::Build(_))));
    }

    #[test]
    fn addresses_are_masked_in_server_answers() {
        assert_eq!(
            redact("550 5.1.1 <jeanne@exemple.fr>: Recipient address rejected"),
            "550 5.1.1 «adresse masquée» Recipient address rejected"
        );
    }

    proptest::proptest! {
        /// Whatever the domain accepts as an e-mail, the sender accepts as a recipient: no
        /// message is queued for an address it can never write to.
        #[test]
        fn every_address_the_domain_accepts_the_sender_accepts(
            local in "[a-zA-Z0-9.\"()<>,;:@\\[\\]!#$%&'*+/=?^_`{|}~ é-]{1,16}",
            domain in "[a-zA-Z0-9.\\-_é\\[\\]]{1,16}",
            any in "\\PC{0,30}",
        ) {
            for candidate in [format!("{local}@{domain}"), format!("{local}@{domain}.fr"), any] {
                if let Ok(email) = tremplin_domain::Email::parse(&candidate) {
                    proptest::prop_assert!(recipient(email.as_str()).is_ok(), "{candidate:?}");
                }
            }
        }
    }
}
