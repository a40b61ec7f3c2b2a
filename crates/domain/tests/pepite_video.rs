//! Video recognition on real files made by ffmpeg (`fixtures/make-videos.sh`).

use tremplin_domain::pepite::{VideoKind, VideoLimits, recognise};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn a_real_mp4_is_recognised_with_its_duration_and_codecs() {
    let info = recognise(&fixture("tiny.mp4"), VideoLimits::default()).unwrap();
    assert_eq!(info.kind, VideoKind::Mp4);
    assert!(
        (1900..=2100).contains(&info.duration_ms),
        "{}",
        info.duration_ms
    );
    assert!(
        info.codecs.contains(&"avc1".to_owned()) && info.codecs.contains(&"mp4a".to_owned()),
        "{:?}",
        info.codecs
    );
}

#[test]
fn a_real_webm_is_recognised_with_its_duration_and_codecs() {
    let info = recognise(&fixture("tiny.webm"), VideoLimits::default()).unwrap();
    assert_eq!(info.kind, VideoKind::WebM);
    assert!(
        (1900..=2100).contains(&info.duration_ms),
        "{}",
        info.duration_ms
    );
    assert!(
        info.codecs.iter().any(|c| c == "V_VP9") && info.codecs.iter().any(|c| c == "A_OPUS"),
        "{:?}",
        info.codecs
    );
}

#[test]
fn a_renamed_executable_is_refused_in_french() {
    let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    let e = recognise(&exe[..exe.len().min(100_000)], VideoLimits::default()).unwrap_err();
    assert!(
        e.message.contains("n'est pas une vidéo MP4 ou WebM"),
        "{}",
        e.message
    );
    let e = recognise(b"MZ\x90\x00 not a video at all", VideoLimits::default()).unwrap_err();
    assert!(e.message.contains("n'est pas une vidéo"), "{}", e.message);
}

#[test]
fn truncated_files_are_refused_in_french() {
    let e = recognise(&fixture("truncated.mp4"), VideoLimits::default()).unwrap_err();
    assert!(e.message.contains("incomplète"), "{}", e.message);
    let webm = fixture("tiny.webm");
    for cut in [webm.len() / 2, webm.len() - 1, 40] {
        let e = recognise(&webm[..cut], VideoLimits::default()).unwrap_err();
        assert!(
            e.message.contains("incomplète"),
            "webm cut at {cut}: {}",
            e.message
        );
    }
    let mp4 = fixture("tiny.mp4");
    for cut in [mp4.len() - 1, 100, 30] {
        assert!(
            recognise(&mp4[..cut], VideoLimits::default()).is_err(),
            "mp4 cut at {cut}"
        );
    }
}

#[test]
fn limits_per_territory_are_applied() {
    let three_seconds = VideoLimits {
        max_bytes: 150_000_000,
        max_ms: 3_000,
    };
    assert!(recognise(&fixture("tiny.mp4"), three_seconds).is_ok());
    let e = recognise(&fixture("long.mp4"), three_seconds).unwrap_err();
    assert!(
        e.message.contains("dure 4,0 s") && e.message.contains("3,0 s au plus"),
        "{}",
        e.message
    );
    let small = VideoLimits {
        max_bytes: 4_000_000,
        max_ms: 180_000,
    };
    let big = vec![0u8; 4_000_001];
    let e = recognise(&big, small).unwrap_err();
    assert!(
        e.message.contains("5 Mo") && e.message.contains("4 Mo au plus"),
        "{}",
        e.message
    );
}
