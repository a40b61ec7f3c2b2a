//! What a young person clicks, in a real browser (Debian's chromium + chromedriver), against
//! the real binary serving the demo territory. Also takes the README's screenshots and checks
//! accessibility with axe-core.
//!
//! Skipped, loudly, when chromedriver is not installed, unless `TREMPLIN_REQUIRE_BROWSER` is
//! set (CI sets it): then a missing browser is a failure.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 900);

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(program))
        .find(|p| p.is_file())
}

fn wait_for_port(port: u16, what: &str) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until `GET /readyz` answers 200 (the demo is loaded and indexed).
fn wait_ready(port: u16) {
    use std::io::{Read, Write};
    let start = Instant::now();
    loop {
        let mut answer = String::new();
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = s
                .write_all(b"GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            let _ = s.read_to_string(&mut answer);
        }
        if answer.starts_with("HTTP/1.1 200") {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "server not ready: {answer}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

async fn browser(driver_port: u16, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--hide-scrollbars", "--lang=fr-FR",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("chromedriver session")
}

/// Runs axe-core on the current page; returns the serious and critical violations.
async fn accessibility_violations(c: &Client) -> Vec<String> {
    let axe = include_str!("assets/axe.min.js");
    c.execute(axe, vec![]).await.expect("inject axe");
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })
                .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).join(', ') + ')')))
                .catch(e => done(['axe error: ' + e]));",
            vec![],
        )
        .await
        .expect("run axe");
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// What sticks out on the right of the window, if anything: a page must fit a phone without
/// sideways scrolling.
async fn sticking_out(c: &Client) -> Result<serde_json::Value, fantoccini::error::CmdError> {
    c.execute(
        "return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))",
        vec![],
    )
    .await
}

/// Visible fields a thumb would struggle with: under 44 px high (WCAG 2.5.5's target size).
async fn small_fields(c: &Client) -> Result<serde_json::Value, fantoccini::error::CmdError> {
    c.execute(
        "return [...document.querySelectorAll('main input, main select, main textarea')]
            .filter(e => e.type !== 'hidden' && e.type !== 'checkbox' && e.type !== 'radio'
                && e.type !== 'file' && e.offsetParent !== null)
            .filter(e => e.getBoundingClientRect().height < 44)
            .map(e => (e.id || e.name) + ' ' + e.type + ' ' + Math.round(e.getBoundingClientRect().height))",
        vec![],
    )
    .await
}

async fn screenshot(c: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Creates the counselor account the tests sign in with, before the server starts.
fn add_counselor(data: &Path) {
    add_user(data, "conseil@ml.example", "conseiller");
}

/// Creates an account with the binary's own command, as an installer would.
fn add_user(data: &Path, email: &str, role: &str) {
    use std::io::Write;
    let mut add = Command::new(env!("CARGO_BIN_EXE_tremplin"))
        .args([
            "user",
            "add",
            "--email",
            email,
            "--role",
            role,
            "--data-dir",
        ])
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"un mot de passe solide\n")
        .unwrap();
    assert!(add.wait().unwrap().success());
}

/// One browser at a time: two cores cannot run three Chromiums and servers without timeouts.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The real binary on a temporary data directory and a chromedriver, both stopped on drop.
struct Harness {
    base: String,
    data: tempfile::TempDir,
    driver_port: u16,
    _server: Killed,
    _driver: Killed,
}

impl Harness {
    /// `None` when no browser is installed and none is required.
    fn start(extra: &[&str], before: impl FnOnce(&Path)) -> Option<Self> {
        let Some(chromedriver) = which("chromedriver") else {
            if std::env::var_os("TREMPLIN_REQUIRE_BROWSER").is_some() {
                panic!("chromedriver introuvable alors que TREMPLIN_REQUIRE_BROWSER est défini");
            }
            eprintln!(
                "SKIPPED: chromedriver not installed (apt-get install chromium chromium-driver)"
            );
            return None;
        };
        let data = tempfile::tempdir().unwrap();
        before(&data.path().join("data"));
        let port = free_port();
        let server = Killed(
            Command::new(env!("CARGO_BIN_EXE_tremplin"))
                .args([
                    "serve",
                    "--bind",
                    &format!("127.0.0.1:{port}"),
                    "--data-dir",
                ])
                .arg(data.path().join("data"))
                .args(extra)
                .env("TREMPLIN_LOG", "warn")
                .stdout(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let driver_port = free_port();
        let driver = Killed(
            Command::new(chromedriver)
                .arg(format!("--port={driver_port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        wait_for_port(port, "tremplin");
        wait_for_port(driver_port, "chromedriver");
        wait_ready(port);
        Some(Self {
            base: format!("http://127.0.0.1:{port}"),
            data,
            driver_port,
            _server: server,
            _driver: driver,
        })
    }

    async fn browser(&self) -> Client {
        browser(self.driver_port, &self.data.path().join("profile")).await
    }
}

#[tokio::test]
async fn a_young_person_searches_from_a_phone_and_opens_an_offer() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&base).await?;
        assert!(
            c.find(Locator::Css("h1"))
                .await?
                .text()
                .await?
                .contains("apprentissage")
        );
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "home"
        );
        screenshot(&c, "accueil-telephone").await;

        c.find(Locator::Id("q"))
            .await?
            .send_keys("boulanger")
            .await?;
        c.find(Locator::Id("commune"))
            .await?
            .send_keys("Mortagne-au-Perche")
            .await?;
        navigate(&c, Locator::Css("form.search button[type=submit]")).await?;
        let heading = c
            .wait()
            .for_element(Locator::Css("h1.results-title"))
            .await?
            .text()
            .await?;
        assert!(c.current_url().await?.as_str().starts_with(&format!(
            "{base}/offres?q=boulanger&commune=Mortagne-au-Perche"
        )));
        assert!(
            heading.ends_with("autour de Mortagne-au-Perche"),
            "{heading}"
        );
        let first = c.find(Locator::Css(".card h3 a")).await?;
        let title = first.text().await?;
        assert!(title.to_lowercase().contains("boulang"), "{title}");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "results"
        );
        screenshot(&c, "resultats-telephone").await;

        click_and_load(&c, first).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("article.offer h1"))
            .await?
            .text()
            .await?;
        assert_eq!(h1, title);
        let url = c.current_url().await?;
        assert!(url.as_str().contains("commune=Mortagne-au-Perche"), "{url}");
        let apply = c.find(Locator::Css("#postuler")).await?.text().await?;
        assert_eq!(apply, "Comment postuler");
        assert!(
            c.find(Locator::Css(".company .distance"))
                .await?
                .text()
                .await?
                .contains("de Mortagne-au-Perche")
        );
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "offer"
        );
        assert_eq!(
            sticking_out(&c).await?,
            serde_json::json!([]),
            "the offer fits a 390 px phone"
        );
        screenshot(&c, "offre-telephone").await;

        // The same pages at desktop width, for the README.
        let offer_url = c.current_url().await?;
        c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        c.goto(&base).await?;
        screenshot(&c, "accueil-bureau").await;
        c.goto(&format!("{base}/offres?q=boulanger&commune=61293&rayon=30"))
            .await?;
        screenshot(&c, "resultats-bureau").await;
        c.goto(offer_url.as_str()).await?;
        screenshot(&c, "offre-bureau").await;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

#[tokio::test]
async fn a_counselors_week_sign_in_record_a_call_create_the_offer_publish_the_edition() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&["--no-demo"], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        c.goto(&format!("{base}/gestion")).await?;
        // Not signed in: the login page, which returns to where we were going.
        c.wait().for_element(Locator::Id("password")).await?;
        c.find(Locator::Id("email")).await?.send_keys("conseil@ml.example").await?;
        c.find(Locator::Id("password")).await?.send_keys("un mot de passe solide").await?;
        navigate(&c, Locator::Css("form button[type=submit]")).await?;
        assert_eq!(c.wait().for_element(Locator::Css("main h1")).await?.text().await?, "Cette semaine");

        // A company of the network, then the call that brings an offer.
        c.goto(&format!("{base}/gestion/entreprises/nouvelle")).await?;
        for (id, value) in [
            ("siret", "12345678000014"),
            ("name", "Toitures du Perche (fictive)"),
            ("naf", "43.91A"),
            ("commune_code", "61293"),
            ("contact_name", "Paul Martin"),
            ("contact_phone", "02 61 91 22 33"),
        ] {
            c.find(Locator::Id(id)).await?.send_keys(value).await?;
        }
        navigate(&c, Locator::Css("form.offer-form button[type=submit]")).await?;
        c.wait().for_element(Locator::Id("appel")).await?;
        c.find(Locator::Css("input[name=outcome][value=offre_recueillie]")).await?.click().await?;
        c.find(Locator::Id("notes")).await?.send_keys("Cherche un apprenti couvreur pour janvier").await?;
        assert_eq!(accessibility_violations(&c).await, Vec::<String>::new(), "company page");
        navigate(&c, Locator::Css("form.call-form button[type=submit]")).await?;

        // The offer form arrives with the company filled in.
        let company = c.wait().for_element(Locator::Id("company_name")).await?;
        assert_eq!(company.prop("value").await?.as_deref(), Some("Toitures du Perche (fictive)"));
        for (id, value) in [
            ("title", "Couvreur·se zingueur·se"),
            ("description", "Pose et réparation de toitures en ardoise et en zinc, avec un compagnon expérimenté."),
            ("rome_code", "F1619"),
            ("target_diploma_level", "3"),
        ] {
            c.find(Locator::Id(id)).await?.send_keys(value).await?;
        }
        assert_eq!(accessibility_violations(&c).await, Vec::<String>::new(), "offer form");
        navigate(&c, Locator::Css("form.offer-form button[type=submit]")).await?;
        let status = c.wait().for_element(Locator::Css("main .company")).await?.text().await?;
        // Without a territory (--no-demo) there is no Thursday to name.
        assert!(status.contains("validée : sera publiée"), "{status}");
        assert!(c.find(Locator::Css("main .notice")).await?.text().await?.contains("Offre enregistrée"));

        c.goto(&format!("{base}/gestion/edition")).await?;
        assert!(c.find(Locator::Css("main")).await?.text().await?.contains("Nouvelles offres (1)"));
        navigate(&c, Locator::Css("form[action='/gestion/edition/publier'] button")).await?;
        let h1 = c.wait().for_element(Locator::Css("main h1")).await?.text().await?;
        assert_eq!(h1, "Édition n° 1");

        // In the public catalogue within seconds.
        let start = Instant::now();
        loop {
            c.goto(&format!("{base}/offres?q=couvreur")).await?;
            if c.find(Locator::Css("main")).await?.text().await?.contains("Couvreur·se zingueur·se") {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(5), "not in the catalogue");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

/// On the application form: a 17-year-old who gives only a phone number and `commune` as they
/// say it, sends it, and lands on the confirmation.
async fn apply_with_only_a_phone(
    c: &Client,
    commune: &str,
) -> Result<(), fantoccini::error::CmdError> {
    c.wait().for_element(Locator::Id("prenom")).await?;
    for (id, value) in [
        ("prenom", "Inès"),
        ("nom", "Durand"),
        ("telephone", "06 12 34 56 78"),
        ("commune", commune),
        ("disponible", "tout de suite"),
    ] {
        c.find(Locator::Id(id)).await?.send_keys(value).await?;
    }
    c.execute(
        "document.getElementById('date_naissance').value = '2009-02-01';",
        vec![],
    )
    .await?;
    c.find(Locator::Css("input[name=mobilite][value=deux_roues]"))
        .await?
        .click()
        .await?;
    c.find(Locator::Id("consentement")).await?.click().await?;
    navigate(&c, Locator::Css("form.apply-form button[type=submit]")).await?;
    let h1 = c
        .wait()
        .for_element(Locator::Css("main h1"))
        .await?
        .text()
        .await?;
    assert_eq!(h1, "Votre candidature est partie");
    Ok(())
}

/// Quoted-printable decoding, enough to read links in the outbox's messages.
/// Clicks what leads to another page and waits until the browser has replaced the page, so
/// that what is looked for next is on the new one (not a stale element of the old).
#[tokio::test]
async fn a_young_person_applies_with_only_a_phone_and_keeps_the_follow_up_link() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let base = h.base.clone();
    let sms_dir = h.data.path().join("data/sms");
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/offres/1/postuler")).await?;
        apply_with_only_a_phone(&c, "61293").await?;

        // The short link, to copy or select; the QR code, drawn; the page fits the phone.
        let link = c
            .find(Locator::Id("lien-suivi"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        let code = link
            .strip_prefix(&format!("{base}/c/"))
            .unwrap_or_else(|| panic!("{link}"))
            .to_owned();
        assert_eq!(code.len(), 12, "{link}");
        let qr_width = c
            .execute(
                "const i = document.querySelector('.qr img'); return i.complete ? i.naturalWidth : 0;",
                vec![],
            )
            .await?;
        assert!(qr_width.as_u64().unwrap_or(0) >= 100, "QR code drawn: {qr_width}");
        let width = c
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await?;
        assert!(width.as_u64().unwrap_or(999) <= u64::from(PHONE.0), "{width} px wide");
        assert_eq!(sticking_out(&c).await?, json!([]), "fits a 390 px phone");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "confirmation"
        );
        screenshot(&c, "candidature-envoyee-telephone").await;

        // The same link by SMS, written into the data folder's SMS outbox by the worker.
        let start = Instant::now();
        let sms = loop {
            let found = std::fs::read_dir(&sms_dir).ok().and_then(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .find(|m| m.contains(&link))
            });
            if let Some(m) = found {
                break m;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "no SMS");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert!(sms.starts_with("To: +33612345678\n"), "{sms}");

        // The link opens the follow-up page; withdrawing asks first, and "no" keeps it.
        c.goto(&link).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("main h1"))
            .await?
            .text()
            .await?;
        assert!(h1.starts_with("Votre candidature : "), "{h1}");
        assert_eq!(sticking_out(&c).await?, json!([]), "follow-up page fits");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "follow-up page"
        );
        navigate(&c, Locator::XPath("//main//button[contains(., 'Retirer et effacer')]")).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("main h1"))
            .await?
            .text()
            .await?;
        assert_eq!(h1, "Retirer et effacer votre candidature ?");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "withdrawal confirmation"
        );
        navigate(&c, Locator::LinkText("Non, garder ma candidature")).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("main h1"))
            .await?
            .text()
            .await?;
        assert!(h1.starts_with("Votre candidature : "), "still there: {h1}");

        // An error page keeps the site's header and its search, on a phone too.
        c.goto(&format!("{base}/offres/999999")).await?;
        c.wait().for_element(Locator::Css("header.top .territory")).await?;
        c.find(Locator::Css("main form[role=search] input[name=q]"))
            .await?;
        assert_eq!(sticking_out(&c).await?, json!([]), "error page fits");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "error page"
        );
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

async fn click_and_load(
    c: &fantoccini::Client,
    target: fantoccini::elements::Element,
) -> Result<(), fantoccini::error::CmdError> {
    let old = c.find(Locator::Css("html")).await?;
    target.click().await?;
    let start = Instant::now();
    while old.tag_name().await.is_ok() && start.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    Ok(())
}

async fn navigate(
    c: &fantoccini::Client,
    locator: Locator<'_>,
) -> Result<(), fantoccini::error::CmdError> {
    let target = c.find(locator).await?;
    click_and_load(c, target).await
}

fn unquote(eml: &str) -> String {
    let b = eml.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
            i += 3;
        } else if b[i] == b'='
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            out.push(u8::from_str_radix(&eml[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn apply_with_a_cv_from_a_phone_the_employer_answers_the_counselor_sees_it() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let cv = h.data.path().join("mon-cv.pdf");
    std::fs::write(&cv, b"%PDF-1.4\n% CV de test\n").unwrap();
    let outbox = h.data.path().join("data/outbox");
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/offres/1")).await?;
        navigate(&c, Locator::LinkText("Postuler avec Tremplin")).await?;
        c.wait().for_element(Locator::Id("prenom")).await?;
        assert_eq!(
            small_fields(&c).await?,
            serde_json::json!([]),
            "every field of the form is a touch-friendly box"
        );
        for (id, value) in [
            ("prenom", "Léa"),
            ("nom", "Martin"),
            ("email", "lea.martin@exemple.fr"),
            ("commune", "61293"),
            (
                "message",
                "Je recherche un apprentissage, disponible dès janvier.",
            ),
        ] {
            c.find(Locator::Id(id)).await?.send_keys(value).await?;
        }
        // A date field takes the digits in the browser's locale order; set it directly.
        c.execute(
            "document.getElementById('date_naissance').value = '2008-05-20';",
            vec![],
        )
        .await?;
        c.find(Locator::Css("input[name=mobilite][value=permis]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Id("cv"))
            .await?
            .send_keys(cv.to_str().unwrap())
            .await?;
        c.find(Locator::Css("input[name=consentement]"))
            .await?
            .click()
            .await?;
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "apply form"
        );
        navigate(&c, Locator::Css("form.apply-form button[type=submit]")).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("main h1"))
            .await?
            .text()
            .await?;
        assert_eq!(h1, "Votre candidature est partie");

        // The employer's email, written by the outbox into the data folder.
        let start = Instant::now();
        let employer = loop {
            let found = std::fs::read_dir(&outbox).ok().and_then(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .map(|m| unquote(&m))
                    .find(|m| m.contains("/reponse/"))
            });
            if let Some(m) = found {
                break m;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no mail to the employer"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert!(
            employer.contains("Content-Type: application/pdf"),
            "the CV travels with it"
        );
        let at = employer.find("/reponse/").unwrap();
        let link = employer[at..].split_whitespace().next().unwrap().to_owned();
        c.goto(&format!("{base}{link}")).await?;
        navigate(&c, Locator::Css("main form button")).await?;
        c.wait().for_element(Locator::Css("main .notice")).await?;

        c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        c.goto(&format!("{base}/connexion?suite=/gestion/candidatures"))
            .await?;
        assert_eq!(
            small_fields(&c).await?,
            serde_json::json!([]),
            "sign-in fields"
        );
        c.find(Locator::Id("email"))
            .await?
            .send_keys("conseil@ml.example")
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys("un mot de passe solide")
            .await?;
        navigate(&c, Locator::Css("form button[type=submit]")).await?;
        let table = c
            .wait()
            .for_element(Locator::Css("main table"))
            .await?
            .text()
            .await?;
        assert!(
            table.contains("Léa Martin") && table.contains("L'employeur vous propose un entretien"),
            "{table}"
        );
        assert!(
            table.contains("Télécharger"),
            "the CV is there for the counselor"
        );

        // The demo's partner offer has a change waiting: listed, compared field by field.
        c.goto(&format!("{base}/gestion/offres?modifications=en-attente"))
            .await?;
        navigate(
            &c,
            Locator::XPath("//main//a[contains(., 'relayée par France Travail')]"),
        )
        .await?;
        let main = c
            .wait()
            .for_element(Locator::Css("main"))
            .await?
            .text()
            .await?;
        assert!(main.contains("début avancé"), "{main}");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "offer with a pending change"
        );
        c.set_window_size(PHONE.0, PHONE.1).await?;
        assert_eq!(
            sticking_out(&c).await?,
            serde_json::json!([]),
            "fits a 390 px phone"
        );
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

/// Creates an admin account before the server starts (the widget's allowed sites are an
/// admin's setting).
fn add_admin(data: &Path) {
    add_user(data, "admin@ml.example", "admin");
}

/// A partner's site on another origin (`http://localhost:port`, Tremplin being at
/// `http://127.0.0.1:…`): `/` frames the widget with the sizing script, `/autre` tries to frame
/// the search page.
fn partner_site(tremplin: &str) -> u16 {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let tremplin = tremplin.to_owned();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let frame = if path.starts_with("/autre") {
                format!(
                    "<iframe id=\"cadre\" src=\"{tremplin}/offres\" title=\"Recherche\" width=\"100%\" height=\"400\"></iframe>"
                )
            } else {
                format!(
                    "<iframe id=\"cadre\" data-tremplin src=\"{tremplin}/widget?via=widget\" title=\"Offres d'apprentissage\" width=\"100%\" height=\"300\" style=\"border:0\"></iframe>\
                     <script src=\"{tremplin}/assets/widget.js?v=1\" async></script>"
                )
            };
            let body = format!(
                "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>ENT du lycée</title></head>\
                 <body><h1>ENT du lycée</h1>{frame}</body></html>"
            );
            let _ = s.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            );
        }
    });
    port
}

/// Whether the frame `#cadre` of the current page shows `css`: a frame the browser refused
/// shows its own error page instead.
async fn frame_shows(c: &Client, css: &str) -> bool {
    let frame = c.wait().for_element(Locator::Css("#cadre")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    frame.enter_frame().await.unwrap();
    let found = c.find(Locator::Css(css)).await.is_ok();
    c.enter_parent_frame().await.unwrap();
    found
}

#[tokio::test]
async fn a_partner_site_frames_the_widget_searches_in_it_and_opens_an_offer() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_admin) else {
        return;
    };
    let host = format!("http://localhost:{}", partner_site(&h.base));
    let c = h.browser().await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();

    // Framed by a site of another origin: search inside the frame.
    c.goto(&format!("{host}/")).await.unwrap();
    assert!(
        frame_shows(&c, "form[action='/widget']").await,
        "the widget is framed"
    );
    // The sizing script made the frame as tall as its content.
    let height = c
        .execute(
            "return document.getElementById('cadre').getBoundingClientRect().height",
            vec![],
        )
        .await
        .unwrap();
    assert!(height.as_f64().unwrap() > 300.0, "frame height {height}");
    c.find(Locator::Css("#cadre"))
        .await
        .unwrap()
        .enter_frame()
        .await
        .unwrap();
    assert_eq!(
        sticking_out(&c).await.unwrap(),
        json!([]),
        "widget at 390 px"
    );
    assert_eq!(small_fields(&c).await.unwrap(), json!([]));
    let violations = accessibility_violations(&c).await;
    assert!(violations.is_empty(), "widget: {violations:?}");
    c.find(Locator::Id("w-q"))
        .await
        .unwrap()
        .send_keys("boulanger")
        .await
        .unwrap();
    navigate(&c, Locator::Css(".w-form button")).await.unwrap();
    let first = c
        .wait()
        .for_element(Locator::Css(".w-results a"))
        .await
        .unwrap();
    let text = first.text().await.unwrap();
    assert!(text.contains("Boulanger"), "{text}");
    let href = first.attr("href").await.unwrap().unwrap();
    assert!(
        href.starts_with(&h.base) && href.ends_with("?via=widget"),
        "{href}"
    );
    screenshot(&c, "widget-telephone").await;
    // The offer opens in a new tab, on Tremplin itself.
    let before = c.windows().await.unwrap();
    first.click().await.unwrap();
    let start = Instant::now();
    let tab = loop {
        let now = c.windows().await.unwrap();
        if let Some(w) = now.into_iter().find(|w| !before.contains(w)) {
            break w;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no new tab");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    c.switch_to_window(tab).await.unwrap();
    let title = c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    assert!(title.text().await.unwrap().contains("Boulanger"));
    assert!(c.current_url().await.unwrap().as_str().starts_with(&h.base));
    c.close_window().await.unwrap();
    c.switch_to_window(before[0].clone()).await.unwrap();

    // Any other page refuses to be framed.
    c.goto(&format!("{host}/autre")).await.unwrap();
    assert!(
        !frame_shows(&c, "main").await,
        "the search page must not be framed"
    );

    // An admin lists the sites allowed: the partner's origin is not among them, so its frame
    // is refused; listed again, it is shown.
    c.goto(&format!("{}/connexion", h.base)).await.unwrap();
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("admin@ml.example")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("un mot de passe solide")
        .await
        .unwrap();
    navigate(&c, Locator::Css("main form button"))
        .await
        .unwrap();
    for (list, shown) in [
        ("https://ent.lycee-exemple.fr", false),
        (host.as_str(), true),
    ] {
        c.goto(&format!("{}/gestion/territoire", h.base))
            .await
            .unwrap();
        let field = c.find(Locator::Id("origines")).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(list).await.unwrap();
        navigate(
            &c,
            Locator::Css("form[action='/gestion/territoire/widget'] button"),
        )
        .await
        .unwrap();
        c.goto(&format!("{host}/")).await.unwrap();
        assert_eq!(
            frame_shows(&c, "form[action='/widget']").await,
            shown,
            "list {list}"
        );
    }

    // The builder's preview, at phone width.
    c.goto(&format!("{}/gestion/widget?couleur=vert", h.base))
        .await
        .unwrap();
    assert_eq!(
        sticking_out(&c).await.unwrap(),
        json!([]),
        "builder at 390 px"
    );
    let violations = accessibility_violations(&c).await;
    assert!(violations.is_empty(), "builder: {violations:?}");
    c.set_window_size(DESKTOP.0, DESKTOP.1).await.unwrap();
    c.goto(&format!("{}/gestion/widget?couleur=vert", h.base))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&c, "widget-constructeur").await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_young_person_asks_for_an_alert_from_a_phone_and_confirms_it() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let base = h.base.clone();
    let outbox = h.data.path().join("data/outbox");
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/offres?q=boulanger&commune=61293&rayon=30"))
            .await?;
        c.find(Locator::Css("#alerte-email"))
            .await?
            .send_keys("lea.alerte@exemple.fr")
            .await?;
        navigate(&c, Locator::Css(".alert-form button")).await?;
        let h1 = c.find(Locator::Css("main h1")).await?.text().await?;
        assert_eq!(h1, "Vérifiez votre boîte mail");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "check your mailbox"
        );
        assert_eq!(sticking_out(&c).await?, serde_json::json!([]));

        // The confirmation, written by the outbox into the data folder.
        let start = Instant::now();
        let mail = loop {
            let found = std::fs::read_dir(&outbox).ok().and_then(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .map(|m| unquote(&m))
                    .find(|m| m.contains("/alertes/confirmation/"))
            });
            if let Some(m) = found {
                break m;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no confirmation mail"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let at = mail.find("/alertes/confirmation/").unwrap();
        let link = mail[at..].split_whitespace().next().unwrap().to_owned();
        c.goto(&format!("{base}{link}")).await?;
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "confirmation page"
        );
        assert_eq!(sticking_out(&c).await?, serde_json::json!([]));
        navigate(&c, Locator::Css("main form button")).await?;
        let h1 = c.find(Locator::Css("main h1")).await?.text().await?;
        assert_eq!(h1, "Alerte activée");
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "confirmed"
        );
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

/// The suggestions a `<datalist>` holds once the autocomplete has filled it.
async fn suggestions(c: &Client, list: &str) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let start = Instant::now();
    loop {
        let found = c
            .execute(
                "return [...document.querySelectorAll('#' + arguments[0] + ' option')]
                    .map(o => o.value + ' | ' + o.textContent)",
                vec![json!(list)],
            )
            .await?;
        let found: Vec<String> = found
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect();
        if !found.is_empty() || start.elapsed() > Duration::from_secs(5) {
            return Ok(found);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_young_person_types_mortagne_and_picks_mortagne_au_perche() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&base).await?;
        c.find(Locator::Id("commune"))
            .await?
            .send_keys("Mortagne")
            .await?;
        // With JavaScript, suggestions name the département, the territory first.
        let offered = suggestions(&c, "communes-suggestions").await?;
        assert!(
            offered
                .first()
                .is_some_and(|o| o == "Mortagne-au-Perche (61400) | Orne (61)"),
            "{offered:?}"
        );
        assert!(
            offered.iter().any(|o| o.ends_with("Vosges (88)")),
            "{offered:?}"
        );
        // Sent as typed: a choice, never a silent jump to Mortagne (88).
        navigate(&c, Locator::Css("form.search button[type=submit]")).await?;
        let h1 = c
            .wait()
            .for_element(Locator::Css("h1.results-title"))
            .await?
            .text()
            .await?;
        assert_eq!(h1, "Quelle est votre commune ?");
        let first = c.find(Locator::Css(".choices li")).await?.text().await?;
        assert!(
            first.starts_with("Mortagne-au-Perche (61400) Orne (61)"),
            "{first}"
        );
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "commune choice"
        );
        assert_eq!(
            sticking_out(&c).await?,
            json!([]),
            "the choice fits a 390 px phone"
        );
        screenshot(&c, "choix-commune-telephone").await;

        navigate(&c, Locator::LinkText("Mortagne-au-Perche (61400)")).await?;
        let heading = c
            .wait()
            .for_element(Locator::Css("h1.results-title"))
            .await?
            .text()
            .await?;
        assert!(
            heading.ends_with("autour de Mortagne-au-Perche"),
            "{heading}"
        );
        assert!(
            c.find(Locator::Css(".card h3 a")).await.is_ok(),
            "results are shown"
        );
        assert_eq!(
            accessibility_violations(&c).await,
            Vec::<String>::new(),
            "results"
        );
        assert_eq!(
            sticking_out(&c).await?,
            json!([]),
            "results fit a 390 px phone"
        );

        // From there, the same young person applies with only a phone number, names the
        // commune as they say it, and keeps the follow-up link.
        navigate(&c, Locator::Css(".card h3 a")).await?;
        navigate(&c, Locator::LinkText("Postuler avec Tremplin")).await?;
        apply_with_only_a_phone(&c, "Mortagne-au-Perche").await?;
        let link = c
            .find(Locator::Id("lien-suivi"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        assert!(link.contains("/c/"), "the short link to keep: {link}");
        assert_eq!(
            sticking_out(&c).await?,
            json!([]),
            "the confirmation fits a 390 px phone"
        );
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

#[tokio::test]
async fn a_counselor_creates_an_offer_naming_the_metier_and_the_commune() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/gestion/offres/nouvelle")).await?;
        c.wait().for_element(Locator::Id("password")).await?;
        c.find(Locator::Id("email")).await?.send_keys("conseil@ml.example").await?;
        c.find(Locator::Id("password")).await?.send_keys("un mot de passe solide").await?;
        navigate(&c, Locator::Css("form button[type=submit]")).await?;
        c.wait().for_element(Locator::Id("rome_code")).await?;
        // The form reads top to bottom at every width, its button last.
        for (w, hgt) in [DESKTOP, PHONE] {
            c.set_window_size(w, hgt).await?;
            let tops = c
                .execute(
                    "return [...document.querySelectorAll('form.offer-form > .field, form.offer-form > .check, form.offer-form > button')]
                        .map(e => e.getBoundingClientRect().top)",
                    vec![],
                )
                .await?;
            let tops: Vec<f64> = tops.as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
            assert!(tops.len() > 10, "{tops:?}");
            assert!(tops.windows(2).all(|p| p[1] > p[0]), "at {w} px, fields out of order: {tops:?}");
        }
        for (id, value) in [
            ("title", "Boulanger·ère en alternance"),
            ("description", "Fabrication du pain et des viennoiseries au fournil, avec le maître boulanger."),
            ("company_name", "Fournil du Perche (fictif)"),
            ("target_diploma_level", "3"),
            ("contact_phone", "02 33 00 00 00"),
        ] {
            c.find(Locator::Id(id)).await?.send_keys(value).await?;
        }
        c.find(Locator::Id("rome_code")).await?.send_keys("boulang").await?;
        let offered = suggestions(&c, "metiers-suggestions").await?;
        assert!(offered.iter().any(|o| o.starts_with("Boulanger / Boulangère (D1102)")), "{offered:?}");
        c.find(Locator::Id("rome_code")).await?.send_keys("er").await?;
        c.find(Locator::Id("commune_code")).await?.send_keys("Mortagne").await?;
        let offered = suggestions(&c, "communes-suggestions").await?;
        assert!(offered.first().is_some_and(|o| o.contains("Orne (61)")), "{offered:?}");
        assert_eq!(small_fields(&c).await?, json!([]), "touch-friendly fields");
        assert_eq!(accessibility_violations(&c).await, Vec::<String>::new(), "offer form");
        assert_eq!(sticking_out(&c).await?, json!([]), "the offer form fits a 390 px phone");
        navigate(&c, Locator::Css("form.offer-form button[type=submit]")).await?;

        // "boulanger" is understood; "Mortagne" asks which one.
        let legend = c.wait().for_element(Locator::Css("fieldset.name-choices legend")).await?;
        assert_eq!(legend.text().await?, "Quelle commune ?");
        assert_eq!(
            c.find(Locator::Id("rome_code")).await?.prop("value").await?.as_deref(),
            Some("boulanger"),
            "what was typed stays"
        );
        assert_eq!(accessibility_violations(&c).await, Vec::<String>::new(), "commune choice");
        assert_eq!(sticking_out(&c).await?, json!([]), "the choice fits a 390 px phone");
        c.find(Locator::Css("input[name=commune_choisie][value='Mortagne-au-Perche (61400)']"))
            .await?
            .click()
            .await?;
        navigate(&c, Locator::Css("form.offer-form button[type=submit]")).await?;
        let main = c.wait().for_element(Locator::Css("main .company")).await?;
        let page = c.find(Locator::Css("main")).await?.text().await?;
        assert!(page.contains("Boulanger·ère en alternance"), "{page}");
        assert!(page.contains("Mortagne-au-Perche"), "{page}");
        drop(main);
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

/// Fails with what sticks out, on which page.
async fn fits_the_phone(c: &Client, page: &str) -> Result<(), fantoccini::error::CmdError> {
    assert_eq!(
        sticking_out(c).await?,
        json!([]),
        "{page} fits a 390 px phone"
    );
    assert_eq!(
        accessibility_violations(c).await,
        Vec::<String>::new(),
        "{page}"
    );
    Ok(())
}

#[tokio::test]
async fn a_counselor_works_through_the_week_on_a_phone_confirms_by_call_and_keeps_a_leaving_offer()
{
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    // The demo's week: next Thursday (today + 7 on a Thursday), as the page names it.
    let today = tremplin_web::shell::dates::paris_today(chrono::Utc::now());
    let ahead =
        (3 - i64::from(chrono::Datelike::weekday(&today).num_days_from_monday())).rem_euclid(7);
    let thursday = today + chrono::Duration::days(if ahead == 0 { 7 } else { ahead });
    let thursday_label = tremplin_web::shell::dates::french_day(thursday);
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/gestion/semaine")).await?;
        c.wait().for_element(Locator::Id("password")).await?;
        c.find(Locator::Id("email")).await?.send_keys("conseil@ml.example").await?;
        c.find(Locator::Id("password")).await?.send_keys("un mot de passe solide").await?;
        navigate(&c, Locator::Css("form button[type=submit]")).await?;
        assert_eq!(c.wait().for_element(Locator::Css("main h1")).await?.text().await?, "Ma semaine");
        let week = c.find(Locator::Css("main")).await?.text().await?;
        assert!(week.contains("En retard (1)"), "the demo's overdue call: {week}");
        fits_the_phone(&c, "Ma semaine").await?;
        assert_eq!(small_fields(&c).await?, json!([]), "the filter's fields");
        c.execute("document.querySelector('main a.tel').closest('tr').scrollIntoView()", vec![])
            .await?;
        screenshot(&c, "semaine-telephone").await;

        // Whom to call is on the list; confirming opens the call record, prefilled.
        let first = c.find(Locator::Css("a[href^='/gestion/semaine/confirmer/']")).await?;
        assert!(c.find(Locator::Css("main a.tel[href^='tel:+33']")).await.is_ok(), "a phone to tap");
        click_and_load(&c, first).await?;
        c.wait().for_element(Locator::Id("notes")).await?;
        let checked = c.find(Locator::Css("input[name=outcome]:checked")).await?;
        assert_eq!(checked.attr("value").await?.as_deref(), Some("offre_confirmee"));
        let note = c.find(Locator::Id("notes")).await?.prop("value").await?.unwrap_or_default();
        assert!(note.contains("confirmée au téléphone avec"), "{note}");
        let company = c.find(Locator::Css("main .company")).await?.text().await?;
        let company = company.split(" · ").next().unwrap_or_default().to_owned();
        fits_the_phone(&c, "the call record").await?;
        assert_eq!(small_fields(&c).await?, json!([]), "the call record's fields");
        c.execute(
            "document.getElementById('next_call_on').value = arguments[0]",
            vec![json!(thursday.to_string())],
        )
        .await?;
        navigate(&c, Locator::Css("form.call-form button[type=submit]")).await?;
        let message = c.wait().for_element(Locator::Id("message")).await?.text().await?;
        assert!(message.contains("est confirmée"), "{message}");
        // Thursday's call-back is under Thursday, from now on.
        let under_thursday: String = c
            .execute(
                "const h = [...document.querySelectorAll('main h3')].find(h => h.textContent.startsWith(arguments[0]));
                 return h ? h.nextElementSibling.textContent : '';",
                vec![json!(thursday_label)],
            )
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(under_thursday.contains(&company), "{company} under {thursday_label}: {under_thursday}");
        fits_the_phone(&c, "Ma semaine after a confirmation").await?;

        // "Annuler" takes it back, on the page itself.
        navigate(&c, Locator::Css("form[action='/gestion/semaine/annuler'] button")).await?;
        let message = c.wait().for_element(Locator::Id("message")).await?.text().await?;
        assert!(message.contains("Confirmation annulée"), "{message}");

        // The edition: an offer leaving because its start date passed, kept by extending it.
        c.goto(&format!("{base}/gestion/edition")).await?;
        let page = c.find(Locator::Css("main")).await?.text().await?;
        assert!(page.contains("date de début dépassée"), "{page}");
        assert!(page.contains("pas reconfirmée depuis le"), "{page}");
        fits_the_phone(&c, "the edition's preview").await?;
        c.execute(
            "document.querySelector(\"form[action$='/prolonger']\").closest('tr').scrollIntoView()",
            vec![],
        )
        .await?;
        screenshot(&c, "edition-telephone").await;
        navigate(&c, Locator::Css("form[action$='/prolonger'] button")).await?;
        let message = c.wait().for_element(Locator::Id("message")).await?.text().await?;
        assert!(message.contains("est prolongée") && message.contains("publiée"), "{message}");
        navigate(&c, Locator::Css("form[action$='/confirmer'] button")).await?;
        let message = c.wait().for_element(Locator::Id("message")).await?.text().await?;
        assert!(message.contains("reste au catalogue"), "{message}");
        fits_the_phone(&c, "the edition's preview after keeping offers").await?;

        // The company page: its offers and its calls, as cards.
        c.goto(&format!("{base}/gestion/entreprises")).await?;
        fits_the_phone(&c, "the network").await?;
        navigate(&c, Locator::Css("main td a[href^='/gestion/entreprises/']")).await?;
        let page = c.wait().for_element(Locator::Css("main")).await?.text().await?;
        assert!(page.contains("Offres ouvertes") && page.contains("Offres passées"), "{page}");
        fits_the_phone(&c, "a company").await?;
        c.execute("document.querySelector('main h2').scrollIntoView()", vec![]).await?;
        screenshot(&c, "entreprise-telephone").await;
        c.goto(&format!("{base}/gestion")).await?;
        fits_the_phone(&c, "the dashboard").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

#[tokio::test]
async fn a_young_person_opens_the_pay_simulator_from_an_offer_on_a_phone() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_admin) else {
        return;
    };
    let c = h.browser().await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    c.goto(&format!("{}/offres", h.base)).await.unwrap();
    navigate(&c, Locator::Css(".card h3 a")).await.unwrap();
    navigate(
        &c,
        Locator::Css("a[href^='/ma-vie-d-apprenti/salaire?contrat=']"),
    )
    .await
    .unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("duree_mois=")
    );
    assert_eq!(
        accessibility_violations(&c).await,
        Vec::<String>::new(),
        "simulator form"
    );
    // The birth date (and a start date when the offer starts « dès que possible »).
    c.execute(
        "document.getElementById('naissance').value = '2009-05-10';
         const d = document.getElementById('debut'); if (!d.value) d.value = '2026-09-01';",
        vec![],
    )
    .await
    .unwrap();
    navigate(
        &c,
        Locator::Css("form[action='/ma-vie-d-apprenti/salaire'] button"),
    )
    .await
    .unwrap();
    let heading = c.wait().for_element(Locator::Id("resultat")).await.unwrap();
    assert_eq!(heading.text().await.unwrap(), "Ton salaire");
    let net = c
        .find(Locator::Css(".years dd strong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(net.contains('€'), "{net}");
    c.find(Locator::Css("details.detail summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        c.find(Locator::Css("table.months tbody tr"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    assert_eq!(
        sticking_out(&c).await.unwrap(),
        json!([]),
        "simulator at 390 px"
    );
    assert_eq!(
        accessibility_violations(&c).await,
        Vec::<String>::new(),
        "simulator result"
    );
    screenshot(&c, "simulateur-telephone").await;

    // The rules table, for an admin, on a phone too.
    c.goto(&format!("{}/connexion", h.base)).await.unwrap();
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("admin@ml.example")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("un mot de passe solide")
        .await
        .unwrap();
    navigate(&c, Locator::Css("main form button"))
        .await
        .unwrap();
    c.goto(&format!("{}/gestion/regles", h.base)).await.unwrap();
    assert!(
        c.find(Locator::Css("main h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("Règles")
    );
    assert_eq!(
        sticking_out(&c).await.unwrap(),
        json!([]),
        "rules at 390 px"
    );
    assert_eq!(
        accessibility_violations(&c).await,
        Vec::<String>::new(),
        "rules page"
    );
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_counselor_creates_a_promo_adds_three_young_people_and_records_a_contract_on_a_phone() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/gestion/promos")).await?;
        c.wait().for_element(Locator::Id("password")).await?;
        c.find(Locator::Id("email"))
            .await?
            .send_keys("conseil@ml.example")
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys("un mot de passe solide")
            .await?;
        navigate(&c, Locator::Css("form button[type=submit]")).await?;
        // The demo's past summer promo is there at the first start, with its results.
        let list = c
            .wait()
            .for_element(Locator::Css("main"))
            .await?
            .text()
            .await?;
        assert!(
            list.contains("Promo d'été 2026 – Perche") && list.contains("5 sur 8"),
            "{list}"
        );
        fits_the_phone(&c, "the promos").await?;
        c.goto(&format!("{base}/gestion/promos/resultats")).await?;
        let results = c.find(Locator::Css("main")).await?.text().await?;
        assert!(results.contains("62 %"), "5 of 8: {results}");
        fits_the_phone(&c, "the season's results").await?;

        c.goto(&format!("{base}/gestion/promos/nouvelle")).await?;
        c.wait()
            .for_element(Locator::Id("nom"))
            .await?
            .send_keys("Promo du navigateur")
            .await?;
        fits_the_phone(&c, "a new promo").await?;
        assert_eq!(small_fields(&c).await?, json!([]), "the promo's fields");
        navigate(
            &c,
            Locator::Css("form[action='/gestion/promos'] button[type=submit]"),
        )
        .await?;
        assert_eq!(
            c.wait()
                .for_element(Locator::Css("main h1"))
                .await?
                .text()
                .await?,
            "Promo du navigateur"
        );
        for first in ["Inès", "Théo", "Nour"] {
            navigate(
                &c,
                Locator::Css("a[href^='/gestion/jeunes/nouveau?promo=']"),
            )
            .await?;
            c.wait()
                .for_element(Locator::Id("prenom"))
                .await?
                .send_keys(first)
                .await?;
            c.find(Locator::Id("nom"))
                .await?
                .send_keys("Navigateur")
                .await?;
            c.execute(
                "document.getElementById('date_naissance').value = '2005-04-02'",
                vec![],
            )
            .await?;
            c.find(Locator::Id("telephone"))
                .await?
                .send_keys("06 12 34 56 78")
                .await?;
            c.find(Locator::Id("commune"))
                .await?
                .send_keys("L'Aigle")
                .await?;
            if first == "Inès" {
                fits_the_phone(&c, "a young person's record").await?;
                assert_eq!(small_fields(&c).await?, json!([]), "the record's fields");
            }
            navigate(
                &c,
                Locator::Css("form[action='/gestion/jeunes'] button[type=submit]"),
            )
            .await?;
            c.wait().for_element(Locator::Css("#signes")).await?;
        }
        let board = c.find(Locator::Css("main")).await?.text().await?;
        assert!(board.contains("0 sur 3"), "{board}");
        // Inès signs: her member page, the step chosen in the list.
        let ines = c
            .find(Locator::XPath("//main//td//a[contains(., 'Inès')]"))
            .await?;
        click_and_load(&c, ines).await?;
        c.wait().for_element(Locator::Id("etape")).await?;
        fits_the_phone(&c, "a member's milestones").await?;
        assert_eq!(small_fields(&c).await?, json!([]), "the milestone's fields");
        c.find(Locator::Css("#etape option[value=contrat_signe]"))
            .await?
            .click()
            .await?;
        let today = tremplin_web::shell::dates::paris_today(chrono::Utc::now());
        c.execute(
            "document.getElementById('date').value = arguments[0]",
            vec![json!(today.to_string())],
        )
        .await?;
        c.find(Locator::Id("entreprise"))
            .await?
            .send_keys("Boulangerie du Four Fictif")
            .await?;
        c.find(Locator::Id("cfa"))
            .await?
            .send_keys("3IFA – campus d'Alençon")
            .await?;
        navigate(&c, Locator::Css("main form.offer-form button[type=submit]")).await?;
        let steps = c
            .wait()
            .for_element(Locator::Css("main ul.steps"))
            .await?
            .text()
            .await?;
        assert!(steps.contains("Contrat signé le"), "{steps}");
        navigate(&c, Locator::Css("main a[href^='/gestion/promos/']")).await?;
        let signed = c
            .wait()
            .for_element(Locator::Css("#signes"))
            .await?
            .text()
            .await?;
        assert!(signed.contains("1 sur 3"), "{signed}");
        fits_the_phone(&c, "the promo's board").await?;
        c.execute("document.getElementById('signes').scrollIntoView()", vec![])
            .await?;
        screenshot(&c, "promo-telephone").await;
        c.goto(&format!("{base}/gestion/jeunes")).await?;
        fits_the_phone(&c, "the young people").await?;
        navigate(&c, Locator::Css("main td a[href^='/gestion/jeunes/']")).await?;
        c.wait().for_element(Locator::Css("main h1")).await?;
        fits_the_phone(&c, "a record").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}

#[tokio::test]
async fn a_young_person_in_mortagne_sees_the_trips_of_an_offer_then_the_pay_and_the_budget() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], |_| {}) else {
        return;
    };
    let c = h.browser().await;
    let run = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!(
            "{}/offres?q=boulanger&commune=Mortagne-au-Perche",
            h.base
        ))
        .await?;
        navigate(&c, Locator::Css(".card h3 a")).await?;
        // The search's commune came with the link: the trips from Mortagne.
        let company = c.find(Locator::Css(".trip-company")).await?.text().await?;
        assert!(
            company.starts_with("De Mortagne-au-Perche à l'entreprise")
                && company.contains("km à vol d'oiseau")
                && company.contains("en voiture"),
            "{company}"
        );
        let cfa = c.find(Locator::Css(".trip-cfa")).await?.text().await?;
        assert!(
            cfa.contains("depuis l'entreprise") && cfa.contains("depuis Mortagne-au-Perche"),
            "{cfa}"
        );
        fits_the_phone(&c, "offer with its trips").await?;
        navigate(
            &c,
            Locator::Css("a[href^='/ma-vie-d-apprenti/salaire?contrat=']"),
        )
        .await?;
        c.execute(
            "document.getElementById('naissance').value = '2009-05-10';
             const d = document.getElementById('debut'); if (!d.value) d.value = '2027-09-01';",
            vec![],
        )
        .await?;
        navigate(
            &c,
            Locator::Css("form[action='/ma-vie-d-apprenti/salaire'] button"),
        )
        .await?;
        let net = c
            .find(Locator::Css(".years dd strong"))
            .await?
            .text()
            .await?;
        assert!(net.contains('€'), "{net}");
        navigate(&c, Locator::Css("a[href^='/ma-vie-d-apprenti/budget?']")).await?;
        let heading = c.find(Locator::Id("resultat")).await?.text().await?;
        assert!(heading.starts_with("Mon budget de"), "{heading}");
        let month_net = c.find(Locator::Css(".net")).await?.text().await?;
        assert!(month_net.contains('€'), "{month_net}");
        assert_eq!(c.find_all(Locator::Css(".scenario")).await?.len(), 2);
        let left = c
            .find(Locator::Css(".scenario .left"))
            .await?
            .text()
            .await?;
        assert!(left.starts_with("Il te reste"), "{left}");
        let trips = c.find(Locator::Css(".result p.hint")).await?.text().await?;
        assert!(trips.starts_with("De chez toi à l'entreprise"), "{trips}");
        fits_the_phone(&c, "budget").await?;
        screenshot(&c, "budget-telephone").await;
        Ok::<_, fantoccini::error::CmdError>(())
    };
    let outcome = run.await;
    c.close().await.unwrap();
    outcome.unwrap();
}

/// The text of a mail's `.ics` part, quoted-printable or base64.
fn calendar_part(eml: &str) -> Option<String> {
    let at = eml.find("Content-Type: text/calendar")?;
    let part = &eml[at..];
    let head_end = part.find("\r\n\r\n")? + 4;
    let body = &part[head_end..part[head_end..].find("\r\n--")? + head_end];
    if part[..head_end].contains("base64") {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
        for c in body
            .bytes()
            .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        {
            acc = (acc << 6) | alphabet.iter().position(|a| *a == c)? as u32;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        String::from_utf8(out).ok()
    } else {
        Some(unquote(body))
    }
}

#[tokio::test]
async fn a_young_person_registers_for_an_event_from_a_phone_and_a_counselor_marks_attendance() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let outbox = h.data.path().join("data/outbox");
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        c.goto(&format!("{base}/evenements?commune=Mortagne-au-Perche"))
            .await?;
        assert_eq!(
            c.find(Locator::Css("main h1")).await?.text().await?,
            "Événements pour les jeunes"
        );
        let list = c.find(Locator::Css("main")).await?.text().await?;
        for demo in [
            "Rallye entreprises de L'Aigle",
            "Portes ouvertes du 3IFA à Alençon",
            "Rencontre entre jeunes à Mortagne-au-Perche",
        ] {
            assert!(list.contains(demo), "{demo}: {list}");
        }
        fits_the_phone(&c, "les événements").await?;
        navigate(
            &c,
            Locator::LinkText("Rencontre entre jeunes à Mortagne-au-Perche"),
        )
        .await?;
        let event_url = c.current_url().await?.to_string();
        let id: i64 = event_url.rsplit('/').next().unwrap().parse().unwrap();
        fits_the_phone(&c, "un événement").await?;
        for (field, value) in [
            ("prenom", "Sarah"),
            ("nom", "Essai"),
            ("email", "sarah.essai@exemple.fr"),
            ("commune", "Mortagne-au-Perche"),
        ] {
            c.find(Locator::Id(field)).await?.send_keys(value).await?;
        }
        c.find(Locator::Id("consentement")).await?.click().await?;
        navigate(&c, Locator::Css("form.apply-form button[type=submit]")).await?;
        assert_eq!(
            c.find(Locator::Css("main h1")).await?.text().await?,
            "Vous êtes inscrit·e !"
        );
        fits_the_phone(&c, "inscription confirmée").await?;

        // The confirmation, written by the outbox into the data folder, carries the .ics.
        let start = Instant::now();
        let mail = loop {
            let found = std::fs::read_dir(&outbox).ok().and_then(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .find(|m| m.contains("sarah.essai@exemple.fr") && m.contains("text/calendar"))
            });
            if let Some(m) = found {
                break m;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no confirmation mail"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let ics = calendar_part(&mail).expect("the .ics part");
        assert!(
            ics.contains("BEGIN:VCALENDAR")
                && ics.contains(&format!("UID:evenement-{id}@127.0.0.1")),
            "{ics}"
        );
        assert!(
            unquote(&mail).contains("/evenements/annuler/"),
            "the cancellation link"
        );

        // A counselor marks attendance on the phone.
        c.goto(&format!("{base}/gestion/activites/{id}")).await?;
        c.wait().for_element(Locator::Id("password")).await?;
        c.find(Locator::Id("email"))
            .await?
            .send_keys("conseil@ml.example")
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys("un mot de passe solide")
            .await?;
        navigate(&c, Locator::Css("form button[type=submit]")).await?;
        assert_eq!(
            c.wait()
                .for_element(Locator::Css("main h1"))
                .await?
                .text()
                .await?,
            "Rencontre entre jeunes à Mortagne-au-Perche"
        );
        fits_the_phone(&c, "l'émargement").await?;
        let sheet = c
            .find(Locator::Css("form.attendance"))
            .await?
            .text()
            .await?;
        assert!(sheet.contains("Sarah Essai"), "{sheet}");
        for radio in c
            .find_all(Locator::Css("form.attendance input[value=present]"))
            .await?
        {
            radio.click().await?;
        }
        navigate(&c, Locator::Css("form.attendance button[type=submit]")).await?;
        let page = c.find(Locator::Css("main")).await?.text().await?;
        assert!(page.contains("Présences enregistrées"), "{page}");
        let checked = c
            .find_all(Locator::Css("form.attendance input[value=present]:checked"))
            .await?;
        assert_eq!(checked.len(), 3, "the demo's two registrants and Sarah");
        fits_the_phone(&c, "l'émargement enregistré").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}
