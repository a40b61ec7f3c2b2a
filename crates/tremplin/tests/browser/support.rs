//! What every browser journey shares: the real binary, a chromedriver, axe-core, screenshots
//! and the accounts the journeys sign in with.

use fantoccini::Client;
use fantoccini::ClientBuilder;
use fantoccini::Locator;
use serde_json::json;
use std::net::TcpListener;
use std::path::Path;
use std::path::PathBuf;
use std::process::Child;
use std::process::Command;
use std::process::Stdio;
use std::time::Duration;
use std::time::Instant;

pub const PHONE: (u32, u32) = (390, 844);
pub const DESKTOP: (u32, u32) = (1280, 900);

pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(program))
        .find(|p| p.is_file())
}

pub fn wait_for_port(port: u16, what: &str) {
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
pub fn wait_ready(port: u16) {
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

pub async fn browser(driver_port: u16, profile: &Path) -> Client {
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
pub async fn accessibility_violations(c: &Client) -> Vec<String> {
    let axe = include_str!("../assets/axe.min.js");
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
pub async fn sticking_out(c: &Client) -> Result<serde_json::Value, fantoccini::error::CmdError> {
    c.execute(
        "return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))",
        vec![],
    )
    .await
}

/// Visible fields a thumb would struggle with: under 44 px high (WCAG 2.5.5's target size).
pub async fn small_fields(c: &Client) -> Result<serde_json::Value, fantoccini::error::CmdError> {
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

pub async fn screenshot(c: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Creates the counselor account the tests sign in with, before the server starts.
pub fn add_counselor(data: &Path) {
    add_user(data, "conseil@ml.example", "conseiller");
}

/// Creates an account with the binary's own command, as an installer would.
pub fn add_user(data: &Path, email: &str, role: &str) {
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
pub static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The real binary on a temporary data directory and a chromedriver, both stopped on drop.
pub struct Harness {
    pub base: String,
    pub data: tempfile::TempDir,
    pub driver_port: u16,
    _server: Killed,
    _driver: Killed,
}

impl Harness {
    /// `None` when no browser is installed and none is required.
    pub fn start(extra: &[&str], before: impl FnOnce(&Path)) -> Option<Self> {
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

    pub async fn browser(&self) -> Client {
        browser(self.driver_port, &self.data.path().join("profile")).await
    }
}

/// On the application form: a 17-year-old who gives only a phone number and `commune` as they
/// say it, sends it, and lands on the confirmation.
pub async fn apply_with_only_a_phone(
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

pub async fn click_and_load(
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

pub async fn navigate(
    c: &fantoccini::Client,
    locator: Locator<'_>,
) -> Result<(), fantoccini::error::CmdError> {
    let target = c.find(locator).await?;
    click_and_load(c, target).await
}

pub fn unquote(eml: &str) -> String {
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

/// Creates an admin account before the server starts (the widget's allowed sites are an
/// admin's setting).
pub fn add_admin(data: &Path) {
    add_user(data, "admin@ml.example", "admin");
}

/// A partner's site on another origin (`http://localhost:port`, Tremplin being at
/// `http://127.0.0.1:…`): `/` frames the widget with the sizing script, `/autre` tries to frame
/// the search page.
pub fn partner_site(tremplin: &str) -> u16 {
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
pub async fn frame_shows(c: &Client, css: &str) -> bool {
    let frame = c.wait().for_element(Locator::Css("#cadre")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    frame.enter_frame().await.unwrap();
    let found = c.find(Locator::Css(css)).await.is_ok();
    c.enter_parent_frame().await.unwrap();
    found
}

/// The suggestions a `<datalist>` holds once the autocomplete has filled it.
pub async fn suggestions(
    c: &Client,
    list: &str,
) -> Result<Vec<String>, fantoccini::error::CmdError> {
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

/// Fails with what sticks out, on which page.
pub async fn fits_the_phone(c: &Client, page: &str) -> Result<(), fantoccini::error::CmdError> {
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

/// The text of a mail's `.ics` part, quoted-printable or base64.
pub fn calendar_part(eml: &str) -> Option<String> {
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

/// The password of every account the journeys create.
pub const PASSWORD: &str = "un mot de passe solide";

/// Signs in from the sign-in page the browser is on (or is being sent to) with `email`, and
/// waits for the page it returns to.
pub async fn sign_in(c: &Client, email: &str) -> Result<(), fantoccini::error::CmdError> {
    c.wait().for_element(Locator::Id("password")).await?;
    c.find(Locator::Id("email")).await?.send_keys(email).await?;
    c.find(Locator::Id("password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    navigate(
        c,
        Locator::Css("form[action='/connexion'] button[type=submit]"),
    )
    .await
}
