//! Delivery through a real SMTP conversation with a server started here, including an outage
//! that ends with the message delivered exactly once.

mod support;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tremplin_mail::{MailConfig, Mailer, Security};
use tremplin_web::Clock;

use tremplin_testing::smtp::sink as smtp_sink;

struct StepClock(Mutex<DateTime<Utc>>);

impl Clock for StepClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

#[tokio::test]
async fn an_smtp_outage_delays_the_message_which_is_then_delivered_once() {
    for backend in support::backends() {
        let app = support::TestApp::new(backend).await;
        // A port with nobody listening: the SMTP server is down.
        let port = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = MailConfig::Smtp {
            host: "127.0.0.1".into(),
            port,
            security: Security::None,
            username: None,
            password: None,
            ca_file: None,
        };
        let mailer = Mailer::new(&config, "Tremplin <ne-pas-repondre@ml-test.example>").unwrap();
        let clock = StepClock(Mutex::new(Utc::now()));
        app.state
            .store
            .enqueue_mail(
                "jeune@exemple.fr",
                "Votre candidature est partie",
                "Bonjour, c'est envoyé.",
                Some("<p>Bonjour, c'est envoyé.</p>"),
                clock.now(),
            )
            .await
            .unwrap();

        assert_eq!(
            tremplin_web::services::outbox::drain(
                &app.state.store,
                &app.state.media,
                &mailer,
                &clock
            )
            .await
            .unwrap(),
            0
        );
        assert_eq!(
            app.state.store.mail_counts().await.unwrap(),
            (1, 0),
            "{backend}: kept, not dropped"
        );

        let received = Arc::new(Mutex::new(Vec::new()));
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        tokio::spawn(smtp_sink(listener, received.clone()));
        assert_eq!(
            tremplin_web::services::outbox::drain(
                &app.state.store,
                &app.state.media,
                &mailer,
                &clock
            )
            .await
            .unwrap(),
            0,
            "not before its retry time"
        );
        *clock.0.lock().unwrap() += Duration::seconds(31);
        assert_eq!(
            tremplin_web::services::outbox::drain(
                &app.state.store,
                &app.state.media,
                &mailer,
                &clock
            )
            .await
            .unwrap(),
            1
        );
        *clock.0.lock().unwrap() += Duration::hours(2);
        assert_eq!(
            tremplin_web::services::outbox::drain(
                &app.state.store,
                &app.state.media,
                &mailer,
                &clock
            )
            .await
            .unwrap(),
            0,
            "sent once"
        );

        let got = received.lock().unwrap().clone();
        assert_eq!(got.len(), 1);
        assert!(
            got[0].contains("To: jeune@exemple.fr")
                && got[0].contains("Subject: Votre candidature est partie"),
            "{}",
            got[0]
        );
        assert_eq!(app.state.store.mail_counts().await.unwrap(), (0, 1));
    }
}

#[tokio::test]
async fn smtp_authentication_sends_the_configured_credentials() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    tokio::spawn(smtp_sink(listener, received.clone()));
    let config = MailConfig::Smtp {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        username: Some("tremplin".into()),
        password: Some(tremplin_mail::Password("secret-smtp".into())),
        ca_file: None,
    };
    // The test server advertises AUTH PLAIN and records what the client sends.
    let mailer = Mailer::new(&config, "Tremplin <ne-pas-repondre@ml-test.example>").unwrap();
    let m = tremplin_mail::Outgoing {
        to: "a@exemple.fr".into(),
        subject: "Test".into(),
        text: "Bonjour".into(),
        html: None,
        attachment: None,
        list_unsubscribe: None,
    };
    mailer.send(&m).await.unwrap();
    let got = received.lock().unwrap().clone();
    let auth = got
        .iter()
        .find(|l| l.starts_with("AUTH "))
        .expect("authenticated");
    use base64_check::decode;
    assert_eq!(
        decode(auth.trim_start_matches("AUTH ")),
        "\0tremplin\0secret-smtp"
    );
    assert_eq!(got.iter().filter(|l| !l.starts_with("AUTH ")).count(), 1);
}

/// A small base64 decoder, enough to read what the client authenticated with.
mod base64_check {
    pub fn decode(s: &str) -> String {
        let table = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut bits = 0u32;
        let mut n = 0;
        let mut out = Vec::new();
        for c in s.bytes().filter(|c| *c != b'=') {
            let v = table.iter().position(|t| *t == c).unwrap() as u32;
            bits = (bits << 6) | v;
            n += 6;
            if n >= 8 {
                n -= 8;
                out.push((bits >> n) as u8);
                bits &= (1 << n) - 1;
            }
        }
        String::from_utf8(out).unwrap()
    }
}

/// A private CA and a certificate for "localhost" signed by it: (CA PEM, server chain, key).
fn certificates() -> (
    String,
    Vec<rustls::pki_types::CertificateDer<'static>>,
    rustls::pki_types::PrivateKeyDer<'static>,
) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "Tremplin test CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &ca_cert, &ca_key)
        .unwrap();
    let der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    (ca_cert.pem(), vec![leaf.der().clone()], der)
}

/// An SMTP server over TLS: from the first byte (`starttls` false) or after STARTTLS.
async fn tls_sink(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    starttls: bool,
    received: Arc<Mutex<Vec<String>>>,
) {
    let Ok((mut socket, _)) = listener.accept().await else {
        return;
    };
    if starttls {
        // The plain part of the conversation, up to STARTTLS.
        let mut buf = [0u8; 512];
        socket.write_all(b"220 sink.test ESMTP\r\n").await.unwrap();
        loop {
            let n = tokio::io::AsyncReadExt::read(&mut socket, &mut buf)
                .await
                .unwrap();
            let line = String::from_utf8_lossy(&buf[..n]).to_ascii_uppercase();
            if line.starts_with("EHLO") {
                socket
                    .write_all(b"250-sink.test\r\n250 STARTTLS\r\n")
                    .await
                    .unwrap();
            } else if line.starts_with("STARTTLS") {
                socket
                    .write_all(b"220 Ready to start TLS\r\n")
                    .await
                    .unwrap();
                break;
            }
        }
    }
    let tls = acceptor.accept(socket).await.unwrap();
    tremplin_testing::smtp::converse(tls, received, !starttls).await;
}

#[tokio::test]
async fn mail_goes_over_tls_and_starttls_to_a_server_with_a_private_authority() {
    let (ca_pem, chain, key) = certificates();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &ca_pem).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
    for (security, starttls) in [(Security::Tls, false), (Security::StartTls, true)] {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        tokio::spawn(tls_sink(
            listener,
            acceptor.clone(),
            starttls,
            received.clone(),
        ));
        let config = MailConfig::Smtp {
            host: "localhost".into(),
            port,
            security,
            username: None,
            password: None,
            ca_file: Some(ca_file.clone()),
        };
        let mailer = Mailer::new(&config, "Tremplin <ne-pas-repondre@ml-test.example>").unwrap();
        let m = tremplin_mail::Outgoing {
            to: "a@exemple.fr".into(),
            subject: "Chiffré".into(),
            text: "Bonjour".into(),
            html: None,
            attachment: None,
            list_unsubscribe: None,
        };
        mailer
            .send(&m)
            .await
            .unwrap_or_else(|e| panic!("{security:?}: {e}"));
        assert_eq!(received.lock().unwrap().len(), 1, "{security:?}");
    }
    // Without the private authority, the server is not trusted: nothing is sent in clear.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    tokio::spawn(tls_sink(
        listener,
        acceptor.clone(),
        false,
        received.clone(),
    ));
    let config = MailConfig::Smtp {
        host: "localhost".into(),
        port,
        security: Security::Tls,
        username: None,
        password: None,
        ca_file: None,
    };
    let mailer = Mailer::new(&config, "Tremplin <ne-pas-repondre@ml-test.example>").unwrap();
    let m = tremplin_mail::Outgoing {
        to: "a@exemple.fr".into(),
        subject: "x".into(),
        text: "x".into(),
        html: None,
        attachment: None,
        list_unsubscribe: None,
    };
    assert!(mailer.send(&m).await.is_err());
    assert!(received.lock().unwrap().is_empty());
}
