use super::*;

#[test]
fn keys_stay_inside_the_root() {
    assert!(MediaKey::parse("cv/ab12.pdf").is_some());
    assert!(MediaKey::parse("pepites/3/video.mp4").is_some());
    for bad in [
        "",
        "/etc/passwd",
        "cv/../x",
        "cv//x",
        "CV/x",
        "cv/x y",
        "./x",
        "cv/",
        "..",
        "cv/..",
    ] {
        assert!(MediaKey::parse(bad).is_none(), "{bad:?}");
    }
}

#[test]
fn s3_urls() {
    let s = S3Settings::from_url("s3://tremplin-media/prod/cv").unwrap();
    assert_eq!(
        (s.bucket.as_str(), s.prefix.as_str()),
        ("tremplin-media", "prod/cv")
    );
    assert_eq!(S3Settings::from_url("s3://b").unwrap().prefix, "");
    assert_eq!(S3Settings::from_url("s3://b/p/").unwrap().prefix, "p");
    for bad in [
        "s3://",
        "s3:///x",
        "http://b/p",
        "s3://B/p",
        "s3://b/../x",
        "s3://b/a//b",
    ] {
        assert!(S3Settings::from_url(bad).is_none(), "{bad:?}");
    }
}

#[test]
fn ranges() {
    use Wanted::*;
    let w = |h: &str| wanted(Some(h), 10);
    assert_eq!(wanted(None, 10), Whole);
    assert_eq!(w("bytes=0-3"), Part(0..4));
    assert_eq!(w("bytes=2-"), Part(2..10));
    assert_eq!(w("bytes=-3"), Part(7..10));
    assert_eq!(w("bytes=-30"), Part(0..10));
    assert_eq!(w("bytes=8-100"), Part(8..10));
    assert_eq!(w("bytes=9-9"), Part(9..10));
    assert_eq!(w("bytes=10-"), Unsatisfiable);
    assert_eq!(w("bytes=10-12"), Unsatisfiable);
    assert_eq!(w("bytes=-0"), Unsatisfiable);
    assert_eq!(wanted(Some("bytes=0-"), 0), Unsatisfiable);
    for ignored in [
        "bytes=5-2",
        "bytes=0-1,4-5",
        "items=0-1",
        "bytes=a-b",
        "bytes=-",
        "bytes=+1-2",
    ] {
        assert_eq!(w(ignored), Whole, "{ignored}");
    }
}
