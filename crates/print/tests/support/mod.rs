//! Reading back what the crate writes with independent parsers: `png` for the images, `rqrr`
//! for the QR codes, poppler's `pdftotext` and `pdftoppm` for the PDFs.
#![allow(dead_code)]

use std::path::PathBuf;

/// A decoded image, one grey level and one RGB triple a pixel.
pub struct Image {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<[u8; 3]>,
}

impl Image {
    pub fn at(&self, x: usize, y: usize) -> [u8; 3] {
        self.rgb[y * self.width + x]
    }

    /// Every pixel of the rectangle has the colour `c`.
    pub fn uniform(
        &self,
        x0: usize,
        y0: usize,
        x1: usize,
        y1: usize,
        c: [u8; 3],
    ) -> Result<(), String> {
        for y in y0..y1 {
            for x in x0..x1 {
                if self.at(x, y) != c {
                    return Err(format!(
                        "pixel ({x}, {y}) = {:?}, attendu {c:?}",
                        self.at(x, y)
                    ));
                }
            }
        }
        Ok(())
    }

    /// Pixels of the rectangle close to white.
    pub fn count_light(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| self.at(x, y).iter().all(|&v| v > 200))
            .count()
    }

    /// Every QR code found in the image, decoded.
    pub fn qr_codes(&self) -> Vec<String> {
        let grey: Vec<u8> = self
            .rgb
            .iter()
            .map(|p| {
                ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000)
                    as u8
            })
            .collect();
        let w = self.width;
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(self.width, self.height, |x, y| {
                grey[y * w + x]
            });
        img.detect_grids()
            .into_iter()
            .filter_map(|g| g.decode().ok().map(|(_, s)| s))
            .collect()
    }
}

pub fn decode_png(bytes: &[u8]) -> Image {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("en-tête PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("taille")];
    let info = reader.next_frame(&mut buf).expect("image PNG");
    let channels = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Grayscale => 1,
        png::ColorType::Indexed => unreachable!("EXPAND"),
    };
    let rgb = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| {
            if channels >= 3 {
                [p[0], p[1], p[2]]
            } else {
                [p[0]; 3]
            }
        })
        .collect();
    Image {
        width: info.width as usize,
        height: info.height as usize,
        rgb,
    }
}

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
