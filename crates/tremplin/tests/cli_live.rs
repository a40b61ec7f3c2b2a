//! The command line beside a running server, as an admin uses it on a live instance: the
//! commands that change the database work while `tremplin serve` runs on the same data
//! directory, and the server's index follows them; the commands that need the server stopped
//! (`reindex`, `restore`) say so in French and change nothing.
//!
//! Each test runs on SQLite, and on PostgreSQL too when `TREMPLIN_TEST_POSTGRES_URL` is set
//! (the command line then pointed at the serving instance's data directory).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tremplin_storage::testing::{TestDb, backends};

const HEADER: &str = "external_id;title;description;rome_code;company_name;siret;commune_code;contract_type;target_diploma_level;start_date;duration_months;positions;rqth;contact_email;contact_phone;apply_url;source_url";

fn line(id: &str, title: &str, commune: &str) -> String {
    format!(
        "{id};{title};Accueil des clients, préparation des commandes et entretien du magasin.;D1106;Épicerie Fictive;;{commune};apprentissage;3;;12;1;non;;02 61 91 00 00;;"
    )
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A data directory and the database its instance uses (SQLite inside it, or PostgreSQL).
struct Instance {
    dir: tempfile::TempDir,
    database_url: Option<String>,
    _db: Option<TestDb>,
}

impl Instance {
    async fn new(backend: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            "sqlite" => Self {
                dir,
                database_url: None,
                _db: None,
            },
            _ => {
                let db = TestDb::new(backend).await;
                Self {
                    dir,
                    database_url: Some(db.url.clone()),
                    _db: Some(db),
                }
            }
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tremplin"));
        c.args(args)
            .arg("--data-dir")
            .arg(self.data())
            .env("TREMPLIN_LOG", "warn")
            .env_remove("TREMPLIN_DATABASE_URL")
            .env_remove("TREMPLIN_CONFIG");
        if let Some(url) = &self.database_url {
            c.arg("--database-url").arg(url);
        }
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn run_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn serve(&self) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = self.dir.path().join(format!("serveur-{port}.log"));
        let child = self
            .command(&["serve", "--no-demo", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut server = Server { child, port, log };
        let start = Instant::now();
        while server.get("/readyz").map(|r| r.0) != Some(200) {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("server exited ({status}): {}", server.log());
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "server not ready: {}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }
}

struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn get(&self, path: &str) -> Option<(u16, String)> {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .ok()?;
        let mut answer = String::new();
        s.read_to_string(&mut answer).ok()?;
        let status = answer.split(' ').nth(1)?.parse().ok()?;
        let body = answer.split_once("\r\n\r\n")?.1.to_owned();
        Some((status, body))
    }

    /// How many offers the server's search finds for this query string.
    fn found(&self, query: &str) -> u64 {
        let (status, body) = self
            .get(&format!("/api/v1/offers?{query}"))
            .expect("server answers");
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        json["total"].as_u64().unwrap()
    }

    /// Waits up to `within` for the search to find `expected` offers.
    fn finds_within(&self, query: &str, expected: u64, within: Duration) -> bool {
        let start = Instant::now();
        loop {
            if self.found(query) == expected {
                return true;
            }
            if start.elapsed() > within {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// Names, sizes and modification times of the files in a folder.
fn snapshot(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                m.len(),
                m.modified().unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn import_csv_and_edition_publish_beside_a_running_server_are_searchable_on_it() {
    let rt = runtime();
    for backend in backends() {
        let instance = rt.block_on(Instance::new(backend));
        let server = instance.serve();
        assert_eq!(server.found("q=chocolatier"), 0);

        // Imported for the next edition, then the edition published by hand.
        let csv = instance.file(
            "edition.csv",
            &format!("{HEADER}\n{}\n", line("a", "Chocolatier", "61214")),
        );
        let o = instance.run(&["import", "csv", &csv]);
        assert_eq!(o.status.code(), Some(0), "{backend}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("1 créée(s)"),
            "{backend}: {}",
            stdout(&o)
        );
        let o = instance.run(&["edition", "publish"]);
        assert_eq!(o.status.code(), Some(0), "{backend}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("1 nouvelle(s)"),
            "{backend}: {}",
            stdout(&o)
        );
        assert!(
            server.finds_within("q=chocolatier", 1, Duration::from_secs(2)),
            "{backend}: the published offer is not searchable on the running server within 2 s"
        );

        // Published straight away.
        let csv = instance.file(
            "direct.csv",
            &format!("{HEADER}\n{}\n", line("b", "Fromager", "61214")),
        );
        let o = instance.run(&["import", "csv", &csv, "--publish-now"]);
        assert_eq!(o.status.code(), Some(0), "{backend}: {}", stderr(&o));
        assert!(
            server.finds_within("q=fromager", 1, Duration::from_secs(2)),
            "{backend}: the imported offer is not searchable on the running server within 2 s"
        );
        server.stop();
    }
}

#[test]
fn reindex_restore_and_a_second_server_beside_a_running_one_refuse_in_french() {
    let rt = runtime();
    for backend in backends() {
        let instance = rt.block_on(Instance::new(backend));
        let backup = instance.dir.path().join("sauvegarde.db");
        if backend == "sqlite" {
            // Taken before any offer: restoring it would remove the offer below.
            assert!(instance.run(&["migrate"]).status.success());
            let o = instance.run(&["backup", backup.to_str().unwrap()]);
            assert!(o.status.success(), "{}", stderr(&o));
        }
        let server = instance.serve();
        let csv = instance.file(
            "o.csv",
            &format!("{HEADER}\n{}\n", line("a", "Chocolatier", "61214")),
        );
        let o = instance.run(&["import", "csv", &csv, "--publish-now"]);
        assert_eq!(o.status.code(), Some(0), "{backend}: {}", stderr(&o));
        assert!(server.finds_within("q=chocolatier", 1, Duration::from_secs(2)));
        let index = instance.data().join("index");
        let before = snapshot(&index);

        let o = instance.run(&["reindex"]);
        assert!(!o.status.success(), "{backend}: reindex beside a server");
        assert!(
            stderr(&o).contains(
                "L'index est utilisé par un serveur Tremplin en marche : arrêtez-le avant `tremplin reindex`"
            ),
            "{backend}: {}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("LockBusy"), "{}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));

        // A second server on the same data directory is refused the same way.
        let o = instance.run(&["serve", "--no-demo", "--bind", "127.0.0.1:0"]);
        assert!(!o.status.success(), "{backend}: a second server");
        assert!(
            stderr(&o).contains("utilise déjà l'index du dossier de données")
                && stderr(&o).contains("donnez à ce serveur son propre dossier de données"),
            "{backend}: {}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("LockBusy"), "{}", stderr(&o));

        if backend == "sqlite" {
            let db = instance.data().join("tremplin.db");
            let o = instance.run(&["restore", backup.to_str().unwrap()]);
            assert!(!o.status.success(), "restore beside a server");
            assert!(
                stderr(&o).contains(
                    "Un serveur Tremplin est en marche sur ce dossier de données : arrêtez-le avant `tremplin restore`"
                ),
                "{}",
                stderr(&o)
            );
            assert!(
                !db.with_extension("db.restauration").exists(),
                "no copy left behind"
            );
        }

        std::thread::sleep(Duration::from_millis(700));
        assert_eq!(snapshot(&index), before, "{backend}: the index was changed");
        assert_eq!(
            server.found("q=chocolatier"),
            1,
            "{backend}: the server still finds the offer"
        );
        server.stop();

        // Once the server is stopped, both work.
        let o = instance.run(&["reindex"]);
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        assert_eq!(
            stdout(&o).trim(),
            "Index reconstruit : 1 offre(s) publiée(s)."
        );
        if backend == "sqlite" {
            let o = instance.run(&["restore", backup.to_str().unwrap()]);
            assert!(o.status.success(), "{}", stderr(&o));
            let server = instance.serve();
            assert_eq!(server.found("q=chocolatier"), 0, "the backup had no offer");
            server.stop();
        }
    }
}

/// A fake France Travail API with one offer, served on this runtime.
fn fake_france_travail(rt: &tokio::runtime::Runtime) -> String {
    let fake = tremplin_testing::partners::Fake::one_offer("id-ml", "tres-secret-42");
    rt.block_on(tremplin_testing::partners::start(fake))
}

#[test]
fn the_other_admin_commands_work_beside_a_running_server() {
    let rt = runtime();
    let france_travail = fake_france_travail(&rt);
    for backend in backends() {
        let instance = rt.block_on(Instance::new(backend));
        let server = instance.serve();
        let ok = |o: Output, what: &str| -> String {
            assert_eq!(
                o.status.code(),
                Some(0),
                "{backend}: {what}: {}{}",
                stdout(&o),
                stderr(&o)
            );
            stdout(&o)
        };

        ok(instance.run(&["migrate"]), "migrate");
        ok(
            instance.run(&[
                "organisation",
                "add",
                "--name",
                "France Travail L'Aigle",
                "--kind",
                "partenaire",
            ]),
            "organisation add",
        );
        ok(
            instance.run_stdin(
                &[
                    "user",
                    "add",
                    "--email",
                    "conseil@ml.example",
                    "--role",
                    "conseiller",
                ],
                "un mot de passe solide\n",
            ),
            "user add",
        );
        ok(
            instance.run(&[
                "token",
                "create",
                "--organisation",
                "France Travail L'Aigle",
            ]),
            "token create",
        );
        if backend == "sqlite" {
            let backup = instance.dir.path().join("sauvegarde.db");
            ok(
                instance.run(&["backup", backup.to_str().unwrap()]),
                "backup",
            );
            assert!(backup.exists());
        }

        let o = instance
            .command(&["import", "france-travail", "--departement", "61"])
            .arg("--api-base")
            .arg(format!("{france_travail}/v2"))
            .arg("--token-url")
            .arg(format!("{france_travail}/token"))
            .env("FRANCE_TRAVAIL_CLIENT_ID", "id-ml")
            .env("FRANCE_TRAVAIL_CLIENT_SECRET", "tres-secret-42")
            .output()
            .unwrap();
        let out = ok(o, "import france-travail");
        assert!(out.contains("1 créée(s)"), "{backend}: {out}");
        // Imported offers wait for the edition.
        ok(instance.run(&["edition", "publish"]), "edition publish");
        assert!(
            server.finds_within("q=boulanger", 1, Duration::from_secs(2)),
            "{backend}: the France Travail offer is not searchable on the running server"
        );

        let centres = instance.file(
            "communes-france-2025.csv",
            "code_insee,nom_standard,dep_code,latitude_centre,longitude_centre\n61214,L'Aigle,61,48.7646,0.6277\n",
        );
        let out = ok(
            instance.run(&["referentiels", "communes", &centres]),
            "referentiels communes",
        );
        assert!(
            out.contains("1 commune(s) mises à jour"),
            "{backend}: {out}"
        );
        assert!(
            out.contains("redémarrez-les"),
            "{backend}: says that running servers need a restart: {out}"
        );
        server.stop();
    }
}

/// Official centres loaded beside a running server are used, index included, once the server
/// has been restarted, as the command says.
#[test]
fn commune_centres_loaded_beside_a_running_server_reach_its_index_after_a_restart() {
    let rt = runtime();
    let communes = tremplin_referentiels::Communes::embedded().unwrap();
    let alencon = communes.get("61001").unwrap();
    for backend in backends() {
        let instance = rt.block_on(Instance::new(backend));
        let csv = instance.file(
            "o.csv",
            &format!("{HEADER}\n{}\n", line("a", "Chocolatier", "61214")),
        );
        let o = instance.run(&["import", "csv", &csv, "--publish-now"]);
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        let server = instance.serve();
        let near_alencon = "q=chocolatier&near=61001&radius_km=5";
        assert_eq!(server.found("q=chocolatier"), 1);
        assert_eq!(server.found(near_alencon), 0, "L'Aigle is far from Alençon");

        // L'Aigle's centre moved onto Alençon's.
        let centres = instance.file(
            "communes-france-2025.csv",
            &format!(
                "code_insee,nom_standard,dep_code,latitude_centre,longitude_centre\n61214,L'Aigle,61,{},{}\n",
                alencon.lat, alencon.lon
            ),
        );
        let o = instance.run(&["referentiels", "communes", &centres]);
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        // The running server re-reads its offers meanwhile, with the centres it started with.
        std::thread::sleep(Duration::from_millis(1500));
        server.stop();

        let server = instance.serve();
        assert_eq!(
            server.found(near_alencon),
            1,
            "{backend}: after the restart, the index places the offer at the new centre"
        );
        server.stop();
    }
}
