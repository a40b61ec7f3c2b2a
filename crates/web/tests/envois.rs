//! A message that can never be sent (an address the sender refuses, a permanent SMTP
//! rejection) is marked failed once and never retried; the Mission Locale is told, the
//! back office and the follow-up page say so, and no address reaches the log.

mod support;

use std::sync::{Arc, Mutex};

use chrono::Duration;
use support::{TestApp, backends, now};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tremplin_domain::application::{ApplicationInput, Mobility};
use tremplin_domain::{CodeInsee, Telephone};
use tremplin_mail::{MailConfig, Mailer, Security};
use tremplin_storage::Role;
use tremplin_web::FixedClock;
use tremplin_web::services::outbox::drain;

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Quoted-printable, as lettre writes French text bodies.
fn unquote(eml: &str) -> String {
    let joined = eml.replace("=\r\n", "").replace("=\n", "");
    let (b, mut out, mut i) = (joined.as_bytes(), Vec::new(), 0);
    while i < b.len() {
        match (
            b[i],
            b.get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()),
        ) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn mails_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| unquote(&std::fs::read_to_string(e.unwrap().path()).unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

/// A stored application of Léa to offer 1; returns its id and follow-up path.
async fn application(app: &TestApp) -> (i64, String) {
    let offer = app.state.store.get_offer(1).await.unwrap().unwrap();
    let input = ApplicationInput {
        first_name: "Léa".into(),
        last_name: "Martin".into(),
        email: None,
        phone: Some(Telephone::parse("06 12 34 56 78").unwrap()),
        commune: CodeInsee::parse("61214").unwrap(),
        birth_date: chrono::NaiveDate::from_ymd_opt(2008, 1, 1).unwrap(),
        mobility: Mobility::Aucune,
        message: "Motivée.".into(),
    };
    let follow = tremplin_web::services::applications::deliver(
        &app.state,
        &offer,
        &input,
        None,
        None,
        now(),
    )
    .await
    .unwrap()
    .unwrap();
    let id = app.state.store.applications(1).await.unwrap()[0].id;
    (
        id,
        follow
            .link
            .trim_start_matches("https://tremplin.example")
            .to_owned(),
    )
}

#[tokio::test]
async fn an_address_the_sender_refuses_is_failed_once_told_to_the_mission_locale_and_never_logged()
{
    for backend in backends() {
        let logs = Logs::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = TestApp::with_catalogue(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(
            &MailConfig::Folder(dir.path().to_owned()),
            "Tremplin <ne-pas-repondre@ml-test.example>",
        )
        .unwrap();
        let (id, follow) = application(&app).await;
        drain(
            &app.state.store,
            &app.state.media,
            &mailer,
            &FixedClock(now()),
        )
        .await
        .unwrap();
        assert!(
            app.get(&follow)
                .await
                .body
                .contains("Envoyée à l&#39;employeur")
                || app
                    .get(&follow)
                    .await
                    .body
                    .contains("Envoyée à l'employeur")
        );
        let before = mails_in(dir.path()).len();

        // The employer's address as Tremplin accepted it before addresses followed lettre's rules.
        app.state
            .store
            .enqueue_application_mail(
                id,
                "jea\"nne@exemple.fr",
                "Candidature de Léa Martin",
                "Bonjour",
                None,
                None,
                now(),
            )
            .await
            .unwrap();
        assert_eq!(
            drain(
                &app.state.store,
                &app.state.media,
                &mailer,
                &FixedClock(now())
            )
            .await
            .unwrap(),
            1,
            "{backend}: only the notice"
        );
        for hours in [1, 2, 30] {
            let later = FixedClock(now() + Duration::hours(hours));
            assert_eq!(
                drain(&app.state.store, &app.state.media, &mailer, &later)
                    .await
                    .unwrap(),
                0,
                "{backend}: never retried"
            );
        }
        assert_eq!(
            app.state
                .store
                .claim_mail((now() + Duration::days(30)).timestamp(), 60)
                .await
                .unwrap(),
            None
        );
        let mails = mails_in(dir.path());
        assert_eq!(mails.len(), before + 1, "{backend}");
        let notice = mails
            .iter()
            .find(|m| m.contains("n'a pas pu être envoyé et ne le sera pas"))
            .expect("the notice");
        assert!(notice.contains("To: contact@ml-test.example"), "{notice}");
        assert!(notice.contains(&format!("candidature n° {id}")), "{notice}");

        let page = app.get(&follow).await.body;
        assert!(
            page.contains("Nous n&#39;avons pas pu l&#39;envoyer")
                || page.contains("Nous n'avons pas pu l'envoyer"),
            "{page}"
        );
        assert!(!page.contains("Envoyée à l"), "{page}");
        let (cookie, _) = app.session(Role::Conseiller, None).await;
        let pipeline = app.get_as("/gestion/candidatures", &cookie).await.body;
        assert!(pipeline.contains("Non transmise"), "{backend}: {pipeline}");
        let log = logs.text();
        assert!(log.contains("abandonné"), "{log}");
        assert!(
            !log.contains("jea") && !log.contains("nne@"),
            "{backend}: an address in the log: {log}"
        );
    }
}

/// An SMTP server that refuses one recipient for good (550) and takes every other message.
async fn refusing_sink(listener: TcpListener, refused: &'static str) {
    while let Ok((socket, _)) = listener.accept().await {
        tokio::spawn(async move {
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            write.write_all(b"220 sink.test ESMTP\r\n").await.ok();
            let mut in_data = false;
            while let Ok(Some(line)) = lines.next_line().await {
                let reply: String = if in_data {
                    if line != "." {
                        continue;
                    }
                    in_data = false;
                    "250 OK\r\n".into()
                } else if line.to_ascii_uppercase().starts_with("RCPT") && line.contains(refused) {
                    format!("550 5.1.1 <{refused}>: Recipient address rejected\r\n")
                } else {
                    match line.to_ascii_uppercase().split(' ').next().unwrap_or("") {
                        "EHLO" | "HELO" => "250-sink.test\r\n250 8BITMIME\r\n".into(),
                        "DATA" => {
                            in_data = true;
                            "354 Go ahead\r\n".into()
                        }
                        "QUIT" => return,
                        _ => "250 OK\r\n".into(),
                    }
                };
                write.write_all(reply.as_bytes()).await.ok();
            }
        });
    }
}

#[tokio::test]
async fn a_permanent_smtp_rejection_is_not_retried_and_the_address_stays_out_of_the_log() {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = TestApp::with_catalogue("sqlite").await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(refusing_sink(listener, "inconnue@entreprise.example"));
    let config = MailConfig::Smtp {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        username: None,
        password: None,
        ca_file: None,
    };
    let mailer = Mailer::new(&config, "Tremplin <ne-pas-repondre@ml-test.example>").unwrap();
    let (id, follow) = application(&app).await;
    drain(
        &app.state.store,
        &app.state.media,
        &mailer,
        &FixedClock(now()),
    )
    .await
    .unwrap();
    app.state
        .store
        .enqueue_application_mail(
            id,
            "inconnue@entreprise.example",
            "Candidature de Léa Martin",
            "Bonjour",
            None,
            None,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        drain(
            &app.state.store,
            &app.state.media,
            &mailer,
            &FixedClock(now())
        )
        .await
        .unwrap(),
        1,
        "the notice only"
    );
    assert_eq!(
        drain(
            &app.state.store,
            &app.state.media,
            &mailer,
            &FixedClock(now() + Duration::hours(2))
        )
        .await
        .unwrap(),
        0
    );
    assert_eq!(
        app.state
            .store
            .claim_mail((now() + Duration::days(1)).timestamp(), 60)
            .await
            .unwrap(),
        None
    );
    assert!(app.get(&follow).await.body.contains("pas pu l"));
    let log = logs.text();
    assert!(
        log.contains("refusé par le serveur") && log.contains("550"),
        "{log}"
    );
    assert!(!log.contains("inconnue"), "an address in the log: {log}");
}
