//! The PNG of a drawn card: its pixels written as an indexed image, the fastest encoding that
//! keeps every pixel exact (see docs/perf.md).

use resvg::tiny_skia;

use crate::Error;

/// The pixels as PNG, the same pixels in a smaller file written faster than tiny-skia's own
/// encoder (RGBA, zlib level 6). A card is opaque (its background covers it) and, flat
/// colours and anti-aliased text, holds a few dozen colours: written as an indexed image
/// (one byte a pixel, every colour exact in the palette), or as RGB past 256 colours.
/// Anything with transparency keeps tiny-skia's RGBA.
pub fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, Error> {
    // fdeflate: measured twice as fast as zlib 6 here for a file 1.5× larger, still smaller
    // than tiny-skia's own (docs/perf.md).
    encode_with(pixmap, png::Compression::Fast, png::Filter::Adaptive)
}

#[doc(hidden)]
/// [`encode`] with another setting, for the benchmark's comparison.
pub fn encode_with(
    pixmap: &tiny_skia::Pixmap,
    compression: png::Compression,
    filter: png::Filter,
) -> Result<Vec<u8>, Error> {
    let colours = colours(pixmap.data());
    if let Colours::Transparent = colours {
        return pixmap
            .encode_png()
            .map_err(|e| Error::Render(e.to_string()));
    }
    let mut out = Vec::new();
    let bad = |e: png::EncodingError| Error::Render(e.to_string());
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(compression);
    // Opaque pixels are the same premultiplied or not: the alpha byte is dropped.
    let data = match colours {
        Colours::Indexed { palette, indices } => {
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_palette(palette);
            encoder.set_filter(filter);
            indices
        }
        _ => {
            encoder.set_color(png::ColorType::Rgb);
            pixmap
                .data()
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect()
        }
    };
    let mut writer = encoder.write_header().map_err(bad)?;
    writer.write_image_data(&data).map_err(bad)?;
    writer.finish().map_err(bad)?;
    Ok(out)
}

/// What the pixels hold, for the choice of encoding.
enum Colours {
    /// Opaque, 256 colours at most: the RGB palette and one index a pixel.
    Indexed { palette: Vec<u8>, indices: Vec<u8> },
    /// Opaque, more colours.
    Many,
    /// Some pixel is not opaque.
    Transparent,
}

/// Slots of the colour table: four times the palette's 256, so that probes stay short.
const SLOTS: usize = 1024;

/// The palette of premultiplied RGBA `data`, found in one pass: each pixel read as one `u32`,
/// compared first with its left neighbour (mostly the same colour), then looked up in a small
/// open-addressing table (a multiplicative hash, linear probing). An opaque pixel's alpha
/// byte is 255, so no colour is the table's empty key 0.
fn colours(data: &[u8]) -> Colours {
    let mut keys = [0u32; SLOTS];
    let mut values = [0u8; SLOTS];
    let mut palette: Vec<u8> = Vec::with_capacity(256 * 3);
    let mut indices = Vec::with_capacity(data.len() / 4);
    // Set by the first pixel, which always takes the full path.
    let mut last = (0u32, 0u8);
    for (n, p) in data.chunks_exact(4).enumerate() {
        let c = u32::from_le_bytes([p[0], p[1], p[2], p[3]]);
        if c == last.0 && n > 0 {
            indices.push(last.1);
            continue;
        }
        if p[3] != u8::MAX {
            return Colours::Transparent;
        }
        let mut slot = (c.wrapping_mul(0x9E37_79B1) >> 22) as usize;
        let i = loop {
            match keys[slot] {
                k if k == c => break values[slot],
                0 => {
                    let Ok(i) = u8::try_from(palette.len() / 3) else {
                        // More than 256 colours: RGB, if every later pixel is opaque too.
                        let rest = &data[n * 4..];
                        return if rest.chunks_exact(4).all(|p| p[3] == u8::MAX) {
                            Colours::Many
                        } else {
                            Colours::Transparent
                        };
                    };
                    keys[slot] = c;
                    values[slot] = i;
                    palette.extend_from_slice(&p[..3]);
                    break i;
                }
                _ => slot = (slot + 1) % SLOTS,
            }
        };
        last = (c, i);
        indices.push(i);
    }
    Colours::Indexed { palette, indices }
}
