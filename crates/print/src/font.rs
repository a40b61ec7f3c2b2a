//! The font shipped in the binary (DejaVu Sans, from Debian's `fonts-dejavu-core`, reduced by
//! `scripts/fonts/build.sh`), and its metrics: every line is measured before it is drawn, so
//! nothing runs past its frame.

use std::sync::OnceLock;

use ttf_parser::Face;

pub static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
pub static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The family name the SVG cards ask for.
pub const FAMILY: &str = "DejaVu Sans";

/// Measures text in the shipped font.
pub struct Metrics {
    regular: Face<'static>,
    bold: Face<'static>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| Metrics {
        // Both files are committed and checked by the tests: they parse.
        regular: Face::parse(REGULAR, 0).expect("police DejaVu Sans illisible"),
        bold: Face::parse(BOLD, 0).expect("police DejaVu Sans Bold illisible"),
    })
}

impl Metrics {
    fn face(&self, weight: Weight) -> &Face<'static> {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// Width of `text` at `size` (same unit as `size`). Kerning only narrows pairs in this
    /// font, so the sum of advances never under-measures a line.
    pub fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        let face = self.face(weight);
        let units: u32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 * size / f32::from(face.units_per_em())
    }

    /// Height above the baseline of capitals and accents, as a fraction of the size.
    pub fn ascent(&self) -> f32 {
        let f = &self.bold;
        f32::from(f.ascender()) / f32::from(f.units_per_em())
    }

    /// `text` with what the font cannot draw left out (an emoji, a rare symbol), control
    /// characters and runs of spaces made one space: a card never shows an empty box.
    pub fn clean(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut space = false;
        for c in text.chars() {
            let c = if c.is_whitespace() || c.is_control() {
                ' '
            } else {
                c
            };
            if c == ' ' {
                space = !out.is_empty();
                continue;
            }
            if self.regular.glyph_index(c).is_none() || self.bold.glyph_index(c).is_none() {
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_and_cleans() {
        let m = metrics();
        let w = m.width("Boulanger", 100.0, Weight::Regular);
        assert!(w > 300.0 && w < 700.0, "{w}");
        assert!(m.width("Boulanger", 100.0, Weight::Bold) > w);
        assert_eq!(m.width("", 10.0, Weight::Bold), 0.0);
        assert_eq!(
            m.clean("  Pâtissier\u{1F950}  \n(H/F) – Œuvre  "),
            "Pâtissier (H/F) – Œuvre"
        );
        assert_eq!(m.clean("L’Aigle\u{7}"), "L’Aigle");
    }
}
