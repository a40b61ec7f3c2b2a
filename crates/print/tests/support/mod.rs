//! Reading back what the crate writes with independent parsers: `png` for the images, `rqrr`
//! for the QR codes, poppler's `pdftotext` and `pdftoppm` for the PDFs.
#![allow(dead_code)]

use std::path::PathBuf;

#[allow(unused_imports)]
pub use tremplin_testing::images::{Image, decode_png};

pub fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&dir).expect("docs/screenshots");
    dir
}

/// The text of a PDF, as poppler extracts it.
pub fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile();
    let path = dir.join("f.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) installé");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The PDF's pages as images, at `dpi`.
pub fn pdftoppm(pdf: &[u8], dpi: u32) -> Vec<Vec<u8>> {
    let dir = tempfile();
    let path = dir.join("f.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", &dpi.to_string()])
        .arg(&path)
        .arg(dir.join("p"))
        .output()
        .expect("pdftoppm (poppler-utils) installé");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    files.sort();
    let pages = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let _ = std::fs::remove_dir_all(&dir);
    pages
}

fn tempfile() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tremplin-print-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Text without any whitespace: a title wrapped over lines is still found.
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
