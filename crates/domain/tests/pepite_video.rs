//! Video recognition on real files made by ffmpeg (`fixtures/make-videos.sh`).

use tremplin_domain::pepite::{VideoKind, VideoLimits, recognise, recognise_from, too_heavy};

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

/// The top-level boxes of an MP4: (type, whole box).
fn top_boxes(mp4: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < mp4.len() {
        let size = u32::from_be_bytes(mp4[at..at + 4].try_into().unwrap()) as usize;
        out.push((
            mp4[at + 4..at + 8].try_into().unwrap(),
            mp4[at..at + size].to_vec(),
        ));
        at += size;
    }
    out
}

/// `tiny.mp4` with its `moov` moved after the `mdat`, as a camera or a phone writes it.
fn moov_at_the_end() -> Vec<u8> {
    let boxes = top_boxes(&fixture("tiny.mp4"));
    let (moov, rest): (Vec<_>, Vec<_>) = boxes.into_iter().partition(|(k, _)| k == b"moov");
    assert_eq!(moov.len(), 1);
    rest.into_iter().chain(moov).flat_map(|(_, b)| b).collect()
}

#[test]
fn an_mp4_whose_index_comes_last_is_recognised() {
    let moved = moov_at_the_end();
    assert_ne!(&moved[4..8], b"moov");
    assert_eq!(
        &moved[moved.len() - 1779 + 4..moved.len() - 1779 + 8],
        b"moov"
    );
    let info = recognise(&moved, VideoLimits::default()).unwrap();
    assert_eq!(info.kind, VideoKind::Mp4);
    assert!((1900..=2100).contains(&info.duration_ms));
    assert!(
        info.codecs.contains(&"avc1".to_owned()),
        "{:?}",
        info.codecs
    );
    // Cut inside the index at the end: incomplete.
    let e = recognise(&moved[..moved.len() - 10], VideoLimits::default()).unwrap_err();
    assert!(e.message.contains("incomplète"), "{}", e.message);
}

/// A file of `head`, then `hole` zero bytes never stored, then `tail`; counts what is read.
struct Sparse {
    head: Vec<u8>,
    hole: u64,
    tail: Vec<u8>,
    pos: u64,
    read: u64,
}

impl Sparse {
    fn len(&self) -> u64 {
        self.head.len() as u64 + self.hole + self.tail.len() as u64
    }
}

impl std::io::Read for Sparse {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let (h, t) = (self.head.len() as u64, self.head.len() as u64 + self.hole);
        let n = if self.pos < h {
            let s = &self.head[self.pos as usize..];
            let n = s.len().min(buf.len());
            buf[..n].copy_from_slice(&s[..n]);
            n
        } else if self.pos < t {
            let n = ((t - self.pos) as usize).min(buf.len());
            buf[..n].fill(0);
            n
        } else if self.pos < self.len() {
            let s = &self.tail[(self.pos - t) as usize..];
            let n = s.len().min(buf.len());
            buf[..n].copy_from_slice(&s[..n]);
            n
        } else {
            0
        };
        self.pos += n as u64;
        self.read += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for Sparse {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.pos = match to {
            std::io::SeekFrom::Start(p) => p,
            std::io::SeekFrom::End(d) => (self.len() as i64 + d) as u64,
            std::io::SeekFrom::Current(d) => (self.pos as i64 + d) as u64,
        };
        Ok(self.pos)
    }
}

#[test]
fn a_large_mp4_is_recognised_by_seeking_without_reading_its_pictures() {
    // 120 MB of `mdat` between the `ftyp` and the `moov` at the end.
    let boxes = top_boxes(&fixture("tiny.mp4"));
    let get = |k: &[u8; 4]| boxes.iter().find(|(n, _)| n == k).unwrap().1.clone();
    let hole = 120_000_000u64;
    let mut head = get(b"ftyp");
    head.extend(1u32.to_be_bytes());
    head.extend(b"mdat");
    head.extend((16 + hole).to_be_bytes());
    let mut file = Sparse {
        head,
        hole,
        tail: get(b"moov"),
        pos: 0,
        read: 0,
    };
    let info = recognise_from(&mut file, VideoLimits::default()).unwrap();
    assert_eq!(info.kind, VideoKind::Mp4);
    assert!((1900..=2100).contains(&info.duration_ms));
    assert!(file.read < 200_000, "{} bytes read", file.read);
    // The same file cut before its index: incomplete, still without reading it all.
    let mut cut = Sparse {
        tail: Vec::new(),
        pos: 0,
        read: 0,
        ..file
    };
    let e = recognise_from(&mut cut, VideoLimits::default()).unwrap_err();
    assert!(e.message.contains("incomplète"), "{}", e.message);
    assert!(cut.read < 200_000, "{} bytes read", cut.read);
}

#[test]
fn a_file_on_disk_is_read_by_seeking() {
    for (name, kind) in [("tiny.mp4", VideoKind::Mp4), ("tiny.webm", VideoKind::WebM)] {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let file = std::fs::File::open(path).unwrap();
        assert_eq!(
            recognise_from(file, VideoLimits::default()).unwrap().kind,
            kind
        );
    }
    let path = format!(
        "{}/tests/fixtures/truncated.mp4",
        env!("CARGO_MANIFEST_DIR")
    );
    let e = recognise_from(std::fs::File::open(path).unwrap(), VideoLimits::default()).unwrap_err();
    assert!(e.message.contains("incomplète"), "{}", e.message);
    let e = too_heavy(VideoLimits {
        max_bytes: 20_000_000,
        max_ms: 1,
    });
    assert!(e.message.contains("plus de 20 Mo"), "{}", e.message);
}
