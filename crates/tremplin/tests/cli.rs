//! The command line, run as a user runs it: the real binary on a temporary data directory.

use std::path::Path;
use std::process::{Command, Output};

fn tremplin(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tremplin"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env("TREMPLIN_LOG", "warn")
        .env_remove("TREMPLIN_DATABASE_URL")
        .env_remove("TREMPLIN_CONFIG")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const HEADER: &str = "external_id;title;description;rome_code;company_name;siret;commune_code;contract_type;target_diploma_level;start_date;duration_months;positions;rqth;contact_email;contact_phone;apply_url;source_url";

fn line(id: &str, title: &str, commune: &str) -> String {
    format!(
        "{id};{title};Accueil des clients, préparation des commandes et entretien du magasin.;D1106;Épicerie Fictive;;{commune};apprentissage;3;;12;1;non;;02 61 91 00 00;;"
    )
}

#[test]
fn import_csv_reports_bad_lines_stores_good_ones_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("offres.csv");
    let bad_level =
        line("c", "Vendeur(se)", "61214").replace("apprentissage;3;", "apprentissage;9;");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\n{}\n{}\n{bad_level}\n{}\n",
            line("a", "Vendeur(se)", "61214"),
            line("b", "Employé(e) de libre-service", "99999"),
            line("d", "Caissier·ère", "61293")
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let f = file.to_str().unwrap();

    let dry = tremplin(&data, &["import", "csv", f, "--dry-run", "--no-demo"]);
    assert_eq!(dry.status.code(), Some(1), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("4 ligne(s) lue(s) : 2 valide(s), 2 refusée(s)"),
        "{}",
        stdout(&dry)
    );

    let first = tremplin(&data, &["import", "csv", f, "--publish-now", "--no-demo"]);
    let out = stdout(&first);
    assert_eq!(first.status.code(), Some(1));
    assert!(
        out.contains("4 ligne(s) lue(s) : 2 créée(s), 0 modifiée(s), 0 inchangée(s), 2 refusée(s)"),
        "{out}"
    );
    assert!(
        out.contains("ligne 3 : Aucune commune n'a le code INSEE 99999."),
        "{out}"
    );
    assert!(
        out.contains(
            "ligne 4 : Le niveau de diplôme doit être entre 3 (CAP) et 7 (Master), pas 9."
        ),
        "{out}"
    );

    let again = tremplin(&data, &["import", "csv", f, "--publish-now", "--no-demo"]);
    assert!(
        stdout(&again).contains("0 créée(s), 0 modifiée(s), 2 inchangée(s), 2 refusée(s)"),
        "{}",
        stdout(&again)
    );

    // A file that cannot be read at all stores nothing and says why.
    std::fs::write(&file, "titre;description\nx;y\n").unwrap();
    let refused = tremplin(&data, &["import", "csv", f, "--no-demo"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("Colonne inconnue « titre »"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn global_flags_go_before_or_after_the_subcommand_and_bad_config_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    let o = Command::new(env!("CARGO_BIN_EXE_tremplin"))
        .arg("--data-dir")
        .arg(&data)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        data.join("tremplin.db").exists(),
        "the data dir is created and holds the database"
    );

    let o = Command::new(env!("CARGO_BIN_EXE_tremplin"))
        .args(["migrate", "--database-url", "mysql://localhost/x"])
        .arg("--data-dir")
        .arg(&data)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("« mysql »"), "{}", stderr(&o));

    let config = dir.path().join("tremplin.toml");
    std::fs::write(&config, "bind = \"pas une adresse\"\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tremplin"))
        .arg("migrate")
        .env("TREMPLIN_CONFIG", &config)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("adresse d'écoute « pas une adresse » invalide"),
        "{}",
        stderr(&o)
    );

    std::fs::write(&config, "port = 8080\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tremplin"))
        .args(["migrate", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("invalide"),
        "unknown keys are refused: {}",
        stderr(&o)
    );
}

#[test]
fn sms_settings_come_in_layers_and_the_secret_never_prints() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tremplin.toml");
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tremplin"));
        c.arg("migrate")
            .args(args)
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .env("TREMPLIN_CONFIG", &config)
            .env_remove("TREMPLIN_DATABASE_URL");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    // TOML: Twilio without its secret is explained.
    std::fs::write(
        &config,
        "sms_provider = \"twilio\"\nsms_account_sid = \"AC123\"\nsms_from = \"+33700000000\"\n",
    )
    .unwrap();
    let o = run(&[], &[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("sms_auth_token"), "{}", stderr(&o));
    // The variable completes the file; a bad address is refused without printing the secret.
    let o = run(
        &[],
        &[
            ("TREMPLIN_SMS_AUTH_TOKEN", "tres-secret-sms"),
            ("TREMPLIN_SMS_API_BASE", "ftp://sms.example"),
        ],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("« ftp://sms.example »"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("tres-secret-sms"));
    let o = run(&[], &[("TREMPLIN_SMS_AUTH_TOKEN", "tres-secret-sms")]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The variable wins over the file, the flag over the variable.
    let o = run(&[], &[("TREMPLIN_SMS_PROVIDER", "pigeon")]);
    assert!(
        stderr(&o).contains("fournisseur de SMS « pigeon » inconnu"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &["--sms-provider", "aucun"],
        &[("TREMPLIN_SMS_PROVIDER", "pigeon")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn official_commune_centres_replace_approximate_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("communes-france-2025.csv");
    std::fs::write(
        &file,
        "code_insee,nom_standard,dep_code,latitude_centre,longitude_centre\n61214,L'Aigle,61,48.7646,0.6277\n99999,Inconnue,99,1,1\n",
    )
    .unwrap();
    let o = tremplin(&data, &["referentiels", "communes", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 commune(s) mises à jour"),
        "{}",
        stdout(&o)
    );

    std::fs::write(&file, "nom,lat\nx,1\n").unwrap();
    let o = tremplin(&data, &["referentiels", "communes", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("code_insee"), "{}", stderr(&o));
}

#[test]
fn reindex_rebuilds_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("o.csv");
    std::fs::write(
        &file,
        format!("{HEADER}\n{}\n", line("a", "Vendeur(se)", "61214")),
    )
    .unwrap();
    assert!(
        tremplin(
            &data,
            &["import", "csv", file.to_str().unwrap(), "--publish-now"]
        )
        .status
        .success()
    );
    // The import wrote the database only; the index is built here, from it.
    assert!(!data.join("index").exists());
    let o = tremplin(&data, &["reindex"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        "Index reconstruit : 1 offre(s) publiée(s)."
    );
}

fn tremplin_stdin(data_dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tremplin"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env("TREMPLIN_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
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

#[test]
fn organisations_accounts_and_the_edition_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let o = tremplin(
        &data,
        &[
            "organisation",
            "add",
            "--name",
            "France Travail L'Aigle",
            "--kind",
            "partenaire",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = tremplin(
        &data,
        &[
            "organisation",
            "add",
            "--name",
            "France Travail L'Aigle",
            "--kind",
            "partenaire",
        ],
    );
    assert!(stderr(&o).contains("existe déjà"));
    let o = tremplin(
        &data,
        &["organisation", "add", "--name", "X", "--kind", "club"],
    );
    assert!(stderr(&o).contains("mission-locale, partenaire ou cfa"));

    let o = tremplin_stdin(
        &data,
        &[
            "user",
            "add",
            "--email",
            "conseil@ml.example",
            "--role",
            "conseiller",
        ],
        "un mot de passe solide\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Compte conseil@ml.example créé (Conseiller·e)"));
    let o = tremplin_stdin(
        &data,
        &[
            "user",
            "add",
            "--email",
            "conseil@ml.example",
            "--role",
            "admin",
        ],
        "un mot de passe solide\n",
    );
    assert!(stderr(&o).contains("existe déjà"));
    let o = tremplin_stdin(
        &data,
        &[
            "user",
            "add",
            "--email",
            "p@ft.example",
            "--role",
            "partenaire",
        ],
        "un mot de passe solide\n",
    );
    assert!(stderr(&o).contains("doit appartenir à une organisation"));
    let o = tremplin_stdin(
        &data,
        &[
            "user",
            "add",
            "--email",
            "court@ml.example",
            "--role",
            "admin",
        ],
        "court\n",
    );
    assert!(stderr(&o).contains("au moins 12 caractères"));
    let o = tremplin_stdin(
        &data,
        &[
            "user",
            "add",
            "--email",
            "p@ft.example",
            "--role",
            "partenaire",
            "--organisation",
            "France Travail L'Aigle",
        ],
        "un mot de passe solide",
    );
    assert!(o.status.success(), "{}", stderr(&o));

    // Imported offers without --publish-now wait for the edition.
    let file = dir.path().join("o.csv");
    std::fs::write(
        &file,
        format!("{HEADER}\n{}\n", line("a", "Vendeur(se)", "61214")),
    )
    .unwrap();
    let o = tremplin(&data, &["import", "csv", file.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("attendent leur validation pour la prochaine édition du jeudi"),
        "{}",
        stdout(&o)
    );
    let o = tremplin(
        &data,
        &[
            "token",
            "create",
            "--organisation",
            "France Travail L'Aigle",
            "--label",
            "import nocturne",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim().len(),
        64,
        "only the token on stdout: {}",
        stdout(&o)
    );
    let o = tremplin(&data, &["token", "create", "--organisation", "Inconnue"]);
    assert!(stderr(&o).contains("aucune organisation ne s'appelle « Inconnue »"));
    let o = tremplin(&data, &["edition", "publish"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        "Édition n° 1 publiée : 1 nouvelle(s), 0 modifiée(s), 0 retirée(s)."
    );
}

#[test]
fn backup_and_restore_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("o.csv");
    std::fs::write(
        &file,
        format!("{HEADER}\n{}\n", line("a", "Vendeur(se)", "61214")),
    )
    .unwrap();
    assert!(
        tremplin(
            &data,
            &["import", "csv", file.to_str().unwrap(), "--publish-now"]
        )
        .status
        .success()
    );
    let backup = dir.path().join("sauvegarde.db");
    let o = tremplin(&data, &["backup", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = tremplin(&data, &["backup", backup.to_str().unwrap()]);
    assert!(stderr(&o).contains("existe déjà"), "never overwritten");

    // After the backup, another offer; the restore brings the earlier state back.
    std::fs::write(
        &file,
        format!("{HEADER}\n{}\n", line("b", "Caissier·ère", "61293")),
    )
    .unwrap();
    assert!(
        tremplin(
            &data,
            &["import", "csv", file.to_str().unwrap(), "--publish-now"]
        )
        .status
        .success()
    );
    let not_a_backup = dir.path().join("autre.db");
    std::fs::write(&not_a_backup, b"pas une base").unwrap();
    let o = tremplin(&data, &["restore", not_a_backup.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("rien n'a été remplacé") || stderr(&o).contains("n'est pas lisible"),
        "{}",
        stderr(&o)
    );

    let o = tremplin(&data, &["restore", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = tremplin(&data, &["reindex"]);
    assert_eq!(
        stdout(&o).trim(),
        "Index reconstruit : 1 offre(s) publiée(s).",
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_import_killed_midway_leaves_no_half_written_offer() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("gros.csv");
    let mut csv = format!("{HEADER}\n");
    for i in 0..3000 {
        csv.push_str(&line(
            &format!("k{i}"),
            &format!("Vendeur(se) n° {i}"),
            "61214",
        ));
        csv.push('\n');
    }
    std::fs::write(&file, csv).unwrap();
    assert!(tremplin(&data, &["migrate"]).status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_tremplin"))
        .args([
            "import",
            "csv",
            file.to_str().unwrap(),
            "--publish-now",
            "--data-dir",
        ])
        .arg(&data)
        .env("TREMPLIN_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // Importing again completes the file: what was stored is whole (unchanged), the rest is created.
    let o = tremplin(
        &data,
        &["import", "csv", file.to_str().unwrap(), "--publish-now"],
    );
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    let numbers: Vec<usize> = out
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    // "3000 ligne(s) lue(s) : C créée(s), 0 modifiée(s), U inchangée(s), 0 refusée(s)."
    assert_eq!(numbers[0], 3000, "{out}");
    assert_eq!(
        (numbers[2], numbers[4]),
        (0, 0),
        "nothing half-written to repair, nothing refused: {out}"
    );
    assert_eq!(numbers[1] + numbers[3], 3000, "{out}");
    let o = tremplin(&data, &["reindex"]);
    assert_eq!(
        stdout(&o).trim(),
        "Index reconstruit : 3000 offre(s) publiée(s)."
    );
}

/// One HTTP/1.1 exchange over a fresh connection: (status, raw response).
fn http(port: u16, request: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .ok()?;
    s.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    Some((status, answer))
}

#[test]
fn a_server_killed_while_taking_applications_loses_none_it_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let serve = || {
        Command::new(env!("CARGO_BIN_EXE_tremplin"))
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(&data)
            .env("TREMPLIN_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let wait_up = || {
        let start = std::time::Instant::now();
        while http(
            port,
            "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .map(|r| r.0)
            != Some(200)
        {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(60),
                "server not ready"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    };
    let mut server = serve();
    wait_up();
    let (_, form) = http(
        port,
        "GET /offres/1/postuler HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let cookie = form
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = cookie.split_once('=').unwrap().1.to_owned();

    // Applications to many offers, one after the other, by many people; the server dies midway.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sender = {
        let acknowledged = acknowledged.clone();
        std::thread::spawn(move || {
            for i in 0..200 {
                let body = format!(
                    "csrf={csrf}&prenom=Jeune&nom=N{i}&email=jeune{i}%40exemple.fr&commune=61214&date_naissance=2006-01-01&mobilite=aucune&consentement=oui"
                );
                let request = format!(
                    "POST /offres/{}/postuler HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                    1 + i % 40,
                    body.len()
                );
                match http(port, &request) {
                    Some((200, _)) => acknowledged.lock().unwrap().push(format!("N{i}")),
                    Some(_) => {}
                    None => return, // the server is gone
                }
            }
        })
    };
    // Killed while applications are arriving (under the 30-an-hour limit of one address).
    let start = std::time::Instant::now();
    while acknowledged.lock().unwrap().len() < 10 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "applications too slow"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    sender.join().unwrap();
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        (10..30).contains(&acknowledged.len()),
        "killed midway: {} acknowledged",
        acknowledged.len()
    );

    // After a restart, every acknowledged application is there.
    let mut server = serve();
    wait_up();
    let dbfile = data.join("tremplin.db");
    server.kill().unwrap();
    server.wait().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stored: Vec<String> = rt.block_on(async {
        let store = tremplin_storage::Store::connect(&format!("sqlite://{}", dbfile.display()))
            .await
            .unwrap();
        store
            .applications(10_000)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.last_name)
            .collect()
    });
    for name in &acknowledged {
        assert!(
            stored.contains(name),
            "acknowledged application {name} lost ({} acknowledged, {} stored)",
            acknowledged.len(),
            stored.len()
        );
    }
}

/// `tremplin import france-travail` against a local fake: configuration from the environment,
/// addresses from flags, the report printed, the secret never.
#[test]
fn import_france_travail_from_the_command_line() {
    use tremplin_testing::partners::{Fake, start};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = Fake::one_offer("id-ml", "tres-secret-42");
    let base = rt.block_on(start(fake));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |with_secret: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tremplin"));
        c.args([
            "import",
            "france-travail",
            "--departement",
            "61",
            "--no-demo",
        ])
        .arg("--api-base")
        .arg(format!("{base}/v2"))
        .arg("--token-url")
        .arg(format!("{base}/token"))
        .arg("--data-dir")
        .arg(&data)
        .env("TREMPLIN_LOG", "warn")
        .env_remove("TREMPLIN_DATABASE_URL")
        .env_remove("TREMPLIN_CONFIG")
        .env_remove("FRANCE_TRAVAIL_CLIENT_ID")
        .env_remove("FRANCE_TRAVAIL_CLIENT_SECRET");
        if with_secret {
            c.env("FRANCE_TRAVAIL_CLIENT_ID", "id-ml")
                .env("FRANCE_TRAVAIL_CLIENT_SECRET", "tres-secret-42");
        }
        c.output().unwrap()
    };
    let missing = run(false);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("FRANCE_TRAVAIL_CLIENT_ID"),
        "{}",
        stderr(&missing)
    );

    let done = run(true);
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
    let out = stdout(&done);
    assert!(
        out.contains("Import France Travail (ligne de commande)")
            && out.contains("1 offre(s) reçue(s), 1 créée(s)"),
        "{out}"
    );
    assert!(!out.contains("tres-secret-42") && !stderr(&done).contains("tres-secret-42"));
    let again = run(true);
    assert!(
        stdout(&again).contains("0 créée(s), 0 modifiée(s), 1 inchangée(s)"),
        "{}",
        stdout(&again)
    );
}
