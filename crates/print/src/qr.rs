//! QR codes, drawn module by module (as SVG for the cards, as rectangles in the PDFs).

use qrcode::{Color, EcLevel, QrCode};

use crate::Error;

/// The dark modules of a QR code, without its quiet zone.
pub struct Qr {
    pub width: usize,
    dark: Vec<bool>,
}

impl Qr {
    /// Level M: survives a crease or a smudge on a poster.
    pub fn new(url: &str) -> Result<Self, Error> {
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
            .map_err(|_| Error::Qr)?;
        Ok(Self {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }

    /// Horizontal runs of dark modules: (x, y, length), fewer shapes than one per module.
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((start, y, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }

    /// An SVG group drawing the code with its 4-module quiet zone in a `size` square at
    /// (`x`, `y`).
    pub fn svg(&self, x: f32, y: f32, size: f32) -> String {
        let modules = self.width + 8;
        let scale = size / modules as f32;
        let mut d = String::new();
        for (rx, ry, len) in self.runs() {
            d.push_str(&format!("M{} {}h{len}v1h-{len}z", rx + 4, ry + 4));
        }
        format!(
            r##"<g transform="translate({x} {y}) scale({scale})" shape-rendering="crispEdges"><rect width="{modules}" height="{modules}" fill="#ffffff"/><path d="{d}" fill="#000000"/></g>"##
        )
    }
}
