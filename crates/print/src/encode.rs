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
    let opaque = pixmap.pixels().iter().all(|p| p.alpha() == u8::MAX);
    if !opaque {
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
    let data = match palette(pixmap.data()) {
        Some((palette, indices)) => {
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_palette(palette);
            encoder.set_filter(filter);
            indices
        }
        None => {
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

/// The RGB palette and one index a pixel of opaque RGBA `data`, if it holds 256 colours at
/// most.
fn palette(data: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut indices = Vec::with_capacity(data.len() / 4);
    // Neighbours mostly share their colour: the last one is checked first.
    let mut last: Option<([u8; 3], u8)> = None;
    for p in data.chunks_exact(4) {
        let c = [p[0], p[1], p[2]];
        let i = match last {
            Some((lc, li)) if lc == c => li,
            _ => {
                let i = match index.get(&c) {
                    Some(&i) => i,
                    None => {
                        let i = u8::try_from(palette.len()).ok()?;
                        palette.push(c);
                        index.insert(c, i);
                        i
                    }
                };
                last = Some((c, i));
                i
            }
        };
        indices.push(i);
    }
    Some((palette.concat(), indices))
}
