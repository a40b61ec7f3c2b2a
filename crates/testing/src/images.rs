//! Images read back with independent parsers: the `png` decoder for the pixels, `rqrr` for
//! the QR codes in them. What the cards', kits' and PDF pages' tests check is drawn.

use std::collections::BTreeSet;

/// A decoded image, one RGB triple a pixel (grey images as three equal values).
pub struct Image {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<[u8; 3]>,
}

/// Decodes a PNG of any colour type and depth into RGB triples.
pub fn decode_png(bytes: &[u8]) -> Image {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("en-tête PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("taille")];
    let info = reader.next_frame(&mut buf).expect("image PNG");
    let n = info.color_type.samples();
    let rgb = buf[..info.buffer_size()]
        .chunks(n)
        .map(|p| {
            if n >= 3 {
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

impl Image {
    pub fn at(&self, x: usize, y: usize) -> [u8; 3] {
        self.rgb[y * self.width + x]
    }

    /// The first pixel of the rectangle that is not `c`.
    pub fn stray(
        &self,
        x0: usize,
        y0: usize,
        x1: usize,
        y1: usize,
        c: [u8; 3],
    ) -> Option<(usize, usize)> {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .find(|&(x, y)| self.at(x, y) != c)
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
        match self.stray(x0, y0, x1, y1, c) {
            None => Ok(()),
            Some((x, y)) => Err(format!(
                "pixel ({x}, {y}) = {:?}, attendu {c:?}",
                self.at(x, y)
            )),
        }
    }

    /// Pixels of the rectangle close to white.
    pub fn count_light(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| self.at(x, y).iter().all(|&v| v > 200))
            .count()
    }

    /// How many distinct colours: a blank image has one.
    pub fn colours(&self) -> usize {
        self.rgb.iter().collect::<BTreeSet<_>>().len()
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
