//! PostgreSQL restarted under load: the server answers 503 (never 500, never a dropped
//! connection) while the database is away, and serves again without being restarted.
//!
//! The test runs its own PostgreSQL cluster (initdb in a temporary folder, its own port) so
//! that stopping it disturbs nothing else. Without PostgreSQL's binaries the test is skipped,
//! except in CI (`TREMPLIN_TEST_POSTGRES_URL` set), where that is a failure.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The newest installed PostgreSQL's programs folder.
fn postgres_bindir() -> Option<PathBuf> {
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, bin)| bin)
}

/// A throwaway cluster. PostgreSQL refuses to run as root: as root, its programs run as the
/// `postgres` user.
struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn create(bin: PathBuf) -> Self {
        let dir = tempfile::tempdir().unwrap();
        if is_root() {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success());
        }
        let port = free_port();
        let cluster = Self { bin, dir, port };
        let out = cluster
            .command("initdb")
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
            .arg("-D")
            .arg(cluster.data())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn pg_ctl(&self, args: &[&str]) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let out = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-o", &options, "-l"])
            .arg(self.dir.path().join("log"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg_ctl {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start(&self) {
        self.pg_ctl(&["-w", "start"]);
    }

    /// A fast shutdown: sessions are cut, as when the server is restarted for an upgrade.
    fn stop(&self) {
        self.pg_ctl(&["-w", "-m", "fast", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request on a new connection: the status, or None when nothing answered.
fn http(port: u16, request: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    s.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    if !matches!(status, 200 | 503) {
        eprintln!("{request}\n=> {answer}");
    }
    Some(status)
}

fn get(port: u16, path: &str) -> Option<u16> {
    http(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
}

fn apply(port: u16, offer: u32, n: u32) -> Option<u16> {
    let body = format!(
        "csrf=t{n}&prenom=Jeune&nom=R{n}&email=jeune{n}%40exemple.fr&commune=61214&date_naissance=2006-01-01&mobilite=aucune&consentement=oui"
    );
    http(
        port,
        &format!(
            "POST /offres/{offer}/postuler HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: tremplin_connexion=t{n}\r\nX-Forwarded-For: 10.{}.{}.{}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            (n >> 16) & 255,
            (n >> 8) & 255,
            n & 255,
            body.len()
        ),
    )
}

#[test]
fn postgres_restarted_under_load_gives_503_then_service_without_restarting_tremplin() {
    let Some(bin) = postgres_bindir() else {
        assert!(
            std::env::var_os("TREMPLIN_TEST_POSTGRES_URL").is_none(),
            "PostgreSQL's programs (initdb, pg_ctl) are needed for this test in CI"
        );
        eprintln!("PostgreSQL absent: test skipped");
        return;
    };
    let cluster = Cluster::create(bin);
    cluster.start();

    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_tremplin"))
        .args(["serve", "--trust-proxy", "--bind"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(data.path())
        .env("TREMPLIN_DATABASE_URL", cluster.url())
        .env("TREMPLIN_LOG", "error")
        .env_remove("TREMPLIN_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ready = |limit: Duration| {
        let start = Instant::now();
        while get(port, "/readyz") != Some(200) {
            if start.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        true
    };
    assert!(ready(Duration::from_secs(90)), "server never ready");

    // Users keep coming: offer pages, searches, readiness probes and applications.
    let stop = Arc::new(AtomicBool::new(false));
    // (when the request was sent, what it was, the status answered)
    let seen: Arc<Mutex<Vec<(Instant, &'static str, Option<u16>)>>> = Default::default();
    let users: Vec<_> = (0..4u32)
        .map(|user| {
            let (stop, seen) = (stop.clone(), seen.clone());
            std::thread::spawn(move || {
                let mut i = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let sent = Instant::now();
                    let (what, status) = match i % 4 {
                        0 => ("offre", get(port, &format!("/offres/{}", 1 + i % 80))),
                        1 => ("recherche", get(port, "/offres?q=boulanger&commune=61214")),
                        2 => ("readyz", get(port, "/readyz")),
                        _ => ("candidature", apply(port, 1 + i % 80, user * 100_000 + i)),
                    };
                    seen.lock().unwrap().push((sent, what, status));
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        })
        .collect();

    std::thread::sleep(Duration::from_secs(2));
    let down = Instant::now();
    cluster.stop();
    // Much longer than the pool's 2 s wait for a connection: requests sent meanwhile see it.
    std::thread::sleep(Duration::from_secs(8));
    cluster.start();
    let up = Instant::now();
    let recovered = ready(Duration::from_secs(30));
    let recovered_at = Instant::now();
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::Relaxed);
    for u in users {
        u.join().unwrap();
    }
    let still_running = server.try_wait().unwrap().is_none();
    let _ = server.kill();
    let _ = server.wait();

    let seen = seen.lock().unwrap();
    let count =
        |f: &dyn Fn(&(Instant, &str, Option<u16>)) -> bool| seen.iter().filter(|s| f(s)).count();
    let summary = format!(
        "{} requests; before: {} ok; outage: {} × 503; after: {} ok; statuses: {:?}",
        seen.len(),
        count(&|s| s.0 < down && s.2 == Some(200)),
        count(&|s| s.0 > down && s.0 < up && s.2 == Some(503)),
        count(&|s| s.0 > up && s.2 == Some(200)),
        {
            let mut statuses: Vec<_> = seen.iter().map(|s| (s.1, s.2)).collect();
            statuses.sort();
            statuses.dedup();
            statuses
        }
    );
    eprintln!("{summary}");
    assert!(still_running, "the server died: {summary}");
    assert!(
        recovered,
        "not ready again 30 s after PostgreSQL came back: {summary}"
    );
    for (_, what, status) in seen.iter() {
        assert!(
            matches!(status, Some(200 | 503)),
            "{what} answered {status:?}, not 200 or 503: {summary}"
        );
    }
    assert!(
        count(&|s| s.0 > down + Duration::from_millis(500) && s.0 < up && s.2 == Some(503)) > 0,
        "no 503 while PostgreSQL was down: {summary}"
    );
    assert!(
        count(&|s| s.0 > recovered_at && s.2 == Some(200) && s.1 == "candidature") > 0,
        "applications not taken again after the restart: {summary}"
    );
    assert!(
        count(&|s| s.0 > recovered_at + Duration::from_millis(200) && s.2 != Some(200)) == 0,
        "errors after recovery: {summary}"
    );
}
