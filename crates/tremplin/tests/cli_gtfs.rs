//! `tremplin referentiels gtfs`: a feed is imported whole; a malformed one is refused in French
//! with exit code 2 and the feed already there stays as it was.

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

fn feed(stop_times: &str) -> Vec<u8> {
    let files: [(&str, &str); 5] = [
        (
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon\nMORT,Mortagne,48.52,0.547\nAIGL,L'Aigle,48.762,0.627\n",
        ),
        (
            "routes.txt",
            "route_id,route_short_name,route_long_name,route_type\nL30,30,,3\n",
        ),
        ("trips.txt", "route_id,service_id,trip_id\nL30,S,T1\n"),
        ("stop_times.txt", stop_times),
        (
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nS,1,1,1,1,1,0,0,20260901,20270704\n",
        ),
    ];
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
    tremplin_transport::gtfs::write_zip(&files)
}

#[tokio::test]
async fn a_feed_is_imported_whole_and_a_malformed_one_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("perche.zip");
    let header = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n";
    std::fs::write(
        &file,
        feed(&format!(
            "{header}T1,06:30:00,06:30:00,MORT,1\nT1,07:20:00,07:20:00,AIGL,2\n"
        )),
    )
    .unwrap();
    let o = tremplin(&data, &["referentiels", "gtfs", file.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        out.contains("Flux GTFS « perche.zip » importé : 2 arrêt(s), 1 course(s), 2 passage(s), du 01/09/2026 au 04/07/2027."),
        "{out}"
    );

    let bad = dir.path().join("abime.zip");
    std::fs::write(
        &bad,
        feed(&format!(
            "{header}T1,06:30:00,06:30:00,MORT,1\nT1,7h20,7h20,AIGL,2\n"
        )),
    )
    .unwrap();
    let o = tremplin(&data, &["referentiels", "gtfs", bad.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("Fichier refusé, rien n'a été enregistré : stop_times.txt, ligne 3 : l'heure « 7h20 » n'est pas une heure HH:MM:SS."),
        "{err}"
    );

    let store = tremplin_storage::Store::connect(&format!(
        "sqlite://{}",
        data.join("tremplin.db").display()
    ))
    .await
    .unwrap();
    let kept = store.transport_feed().await.unwrap().unwrap();
    assert_eq!((kept.name.as_str(), kept.stop_times), ("perche.zip", 2));
}
