//! The PNG cards of an offer or an edition, in two sizes: 1080×1080 (Instagram, Facebook) and
//! 1200×630 (link previews). Laid out here as SVG, every line measured and wrapped with the
//! shipped font, then rendered by resvg.

use std::fmt::Write;
use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

use crate::font::{self, Weight, metrics};
use crate::qr::Qr;
use crate::text::{wrap, wrap_at_most};
use crate::{Error, Palette, xml_escape};

pub use crate::encode::{encode, encode_with};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// 1080×1080, `?format=carre`.
    Square,
    /// 1200×630, `?format=lien`.
    Link,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Square, Format::Link];

    /// The value of `?format=`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "carre" => Some(Self::Square),
            "lien" => Some(Self::Link),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Square => "carre",
            Self::Link => "lien",
        }
    }

    pub fn size(self) -> (u32, u32) {
        match self {
            Self::Square => (1080, 1080),
            Self::Link => (1200, 630),
        }
    }
}

/// What a card says. Plain text: escaping, cleaning and wrapping happen here.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Above the title ("Offre d'apprentissage").
    pub kicker: String,
    /// The trade, or the edition's headline.
    pub title: String,
    /// One line each, wrapped on two at most: company, commune and distance, contract.
    pub details: Vec<String>,
    /// The territory's name, in the footer.
    pub territory: String,
    /// The address as printed, short enough to type ("offres.example.fr/offres/42").
    pub link_label: String,
    /// What the QR code opens (with its `?via=`).
    pub qr_url: String,
    pub palette: Palette,
}

impl Card {
    /// The card's alternative text: everything it says, in reading order.
    pub fn alt_text(&self) -> String {
        let m = metrics();
        // A sentence per part, without doubling the final stop after "…".
        let sentence = |s: String| {
            if s.ends_with(['.', '…', '!', '?']) {
                s
            } else {
                s + "."
            }
        };
        let mut alt = sentence(format!(
            "{} : {}",
            m.clean(&self.kicker),
            m.clean(&self.title)
        ));
        for d in &self.details {
            let _ = write!(alt, " {}", sentence(m.clean(d)));
        }
        let _ = write!(
            alt,
            " Pour voir et postuler : {} (ou le QR code de l'image). {}.",
            self.link_label,
            m.clean(&self.territory)
        );
        alt
    }
}

/// A photo drawn on a card (a pépite's poster): JPEG or PNG bytes, cropped to fill its frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    /// `image/jpeg` or `image/png`.
    pub mime: &'static str,
    pub data: Vec<u8>,
}

impl Photo {
    /// The photo when its bytes are a JPEG or a PNG (by their content); `None` otherwise.
    pub fn sniff(data: Vec<u8>) -> Option<Self> {
        let mime = if data.starts_with(&[0xff, 0xd8, 0xff]) {
            "image/jpeg"
        } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else {
            return None;
        };
        Some(Self { mime, data })
    }
}

/// What a card may have besides its words: a photo, and another call to action in the footer
/// than an offer's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extras {
    pub photo: Option<Photo>,
    /// Instead of « Voir l'offre et postuler : ».
    pub call: Option<String>,
}

/// Where each part of a format goes, in pixels.
struct Frame {
    width: f32,
    height: f32,
    margin: f32,
    /// Right edge of the text column.
    text_right: f32,
    /// Top of the title, bottom of the text column.
    text_top: f32,
    text_bottom: f32,
    kicker_size: f32,
    title_sizes: &'static [f32],
    title_max_lines: usize,
    detail_size: f32,
    /// Where a photo goes (x, y, width, height), when the card has one.
    photo: (f32, f32, f32, f32),
}

const SQUARE_FOOTER: f32 = 290.0;
const LINK_PANEL: f32 = 360.0;

impl Frame {
    fn of(format: Format) -> Self {
        match format {
            Format::Square => Self {
                width: 1080.0,
                height: 1080.0,
                margin: 72.0,
                text_right: 1080.0 - 72.0,
                text_top: 190.0,
                text_bottom: 1080.0 - SQUARE_FOOTER - 40.0,
                kicker_size: 36.0,
                title_sizes: &[88.0, 80.0, 72.0, 64.0, 58.0, 52.0, 46.0],
                title_max_lines: 5,
                detail_size: 40.0,
                photo: (72.0, 150.0, 1080.0 - 144.0, 290.0),
            },
            Format::Link => Self {
                width: 1200.0,
                height: 630.0,
                margin: 56.0,
                text_right: 1200.0 - LINK_PANEL - 48.0,
                text_top: 150.0,
                text_bottom: 630.0 - 48.0,
                kicker_size: 30.0,
                title_sizes: &[68.0, 60.0, 54.0, 48.0, 43.0, 38.0, 34.0],
                title_max_lines: 4,
                detail_size: 30.0,
                photo: (
                    1200.0 - LINK_PANEL - 48.0 - 250.0,
                    150.0,
                    250.0,
                    630.0 - 48.0 - 150.0,
                ),
            },
        }
    }

    /// The frame with room made for a photo: above the text on a square card, beside it on
    /// a link's.
    fn with_photo(mut self, format: Format) -> Self {
        let (x, y, _, h) = self.photo;
        match format {
            Format::Square => {
                self.text_top = y + h + 36.0;
                self.title_sizes = &[72.0, 64.0, 58.0, 52.0, 46.0];
                self.title_max_lines = 2;
                self.detail_size = 34.0;
            }
            Format::Link => {
                self.text_right = x - 28.0;
                self.title_sizes = &[56.0, 50.0, 44.0, 38.0, 34.0];
                self.detail_size = 26.0;
            }
        }
        self
    }
}

/// One line of text to draw: baseline position, size, weight, colour.
struct Line {
    x: f32,
    y: f32,
    size: f32,
    weight: Weight,
    fill: String,
    anchor_middle: bool,
    text: String,
}

const TITLE_LEADING: f32 = 1.17;
const DETAIL_LEADING: f32 = 1.3;
const TITLE_GAP: f32 = 34.0;

/// The title's size and lines, and the details' lines, laid so that all of them fit between
/// `text_top` and `text_bottom`: the largest title size that fits wins; at the smallest, the
/// title is shortened with "…".
fn layout_text(card: &Card, f: &Frame) -> (f32, Vec<String>, Vec<String>) {
    let m = metrics();
    let width = f.text_right - f.margin;
    let details: Vec<String> = card
        .details
        .iter()
        .map(|d| m.clean(d))
        .filter(|d| !d.is_empty())
        .flat_map(|d| wrap_at_most(m, &d, f.detail_size, Weight::Regular, width, 2).0)
        .collect();
    let details_h = details.len() as f32 * f.detail_size * DETAIL_LEADING;
    let room = f.text_bottom - f.text_top - details_h - TITLE_GAP;
    let title = m.clean(&card.title);
    for &size in f.title_sizes {
        let lines = wrap(m, &title, size, Weight::Bold, width);
        if lines.len() <= f.title_max_lines && lines.len() as f32 * size * TITLE_LEADING <= room {
            return (size, lines, details);
        }
    }
    let size = f.title_sizes.last().copied().unwrap_or(34.0);
    let max_lines = ((room / (size * TITLE_LEADING)).floor() as usize).clamp(1, f.title_max_lines);
    let (lines, _) = wrap_at_most(m, &title, size, Weight::Bold, width, max_lines);
    (size, lines, details)
}

/// The card as SVG, every text measured to stay inside its frame.
pub fn svg(card: &Card, format: Format) -> Result<String, Error> {
    svg_with(card, format, &Extras::default())
}

/// [`svg`] with a photo or another call to action.
pub fn svg_with(card: &Card, format: Format, extras: &Extras) -> Result<String, Error> {
    let m = metrics();
    let f = if extras.photo.is_some() {
        Frame::of(format).with_photo(format)
    } else {
        Frame::of(format)
    };
    let call = extras
        .call
        .as_deref()
        .unwrap_or("Voir l'offre et postuler :");
    let dark = card.palette.dark_hex();
    let accent = card.palette.accent_hex();
    let white = "#ffffff".to_owned();
    let text_width = f.text_right - f.margin;
    let ascent = m.ascent();
    let mut lines: Vec<Line> = Vec::new();

    // Kicker, on one line.
    let kicker_size = f.kicker_size;
    let (kicker, _) = wrap_at_most(
        m,
        &m.clean(&card.kicker),
        kicker_size,
        Weight::Bold,
        text_width,
        1,
    );
    let kicker_base = f.margin + 22.0 + kicker_size * ascent;
    for k in kicker {
        lines.push(Line {
            x: f.margin,
            y: kicker_base,
            size: kicker_size,
            weight: Weight::Bold,
            fill: accent.clone(),
            anchor_middle: false,
            text: k,
        });
    }

    // Title and details.
    let (title_size, title, details) = layout_text(card, &f);
    let mut y = f.text_top;
    for t in title {
        lines.push(Line {
            x: f.margin,
            y: y + title_size * ascent,
            size: title_size,
            weight: Weight::Bold,
            fill: white.clone(),
            anchor_middle: false,
            text: t,
        });
        y += title_size * TITLE_LEADING;
    }
    y += TITLE_GAP;
    for d in details {
        lines.push(Line {
            x: f.margin,
            y: y + f.detail_size * ascent,
            size: f.detail_size,
            weight: Weight::Regular,
            fill: white.clone(),
            anchor_middle: false,
            text: d,
        });
        y += f.detail_size * DETAIL_LEADING;
    }

    let qr = Qr::new(&card.qr_url)?;
    let mut shapes = String::new();
    if let Some(photo) = &extras.photo {
        let (x, y, w, h) = f.photo;
        let _ = write!(
            shapes,
            r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{white}"/><image x="{x}" y="{y}" width="{w}" height="{h}" preserveAspectRatio="xMidYMid slice" href="data:{};base64,{}"/>"#,
            photo.mime,
            crate::base64(&photo.data)
        );
    }
    match format {
        Format::Square => {
            let top = f.height - SQUARE_FOOTER;
            let qr_size = 230.0;
            let qr_x = f.width - f.margin - qr_size;
            let _ = write!(
                shapes,
                r#"<rect x="0" y="{top}" width="{}" height="{SQUARE_FOOTER}" fill="{white}"/>"#,
                f.width
            );
            shapes.push_str(&qr.svg(qr_x, top + (SQUARE_FOOTER - qr_size) / 2.0, qr_size));
            let col = qr_x - 40.0 - f.margin;
            footer_column(
                &mut lines,
                card,
                f.margin,
                top + 40.0,
                col,
                &dark,
                &[34.0, 30.0, 26.0, 22.0],
                28.0,
                false,
                call,
            );
        }
        Format::Link => {
            let left = f.width - LINK_PANEL;
            let _ = write!(
                shapes,
                r#"<rect x="{left}" y="0" width="{LINK_PANEL}" height="{}" fill="{white}"/>"#,
                f.height
            );
            let qr_size = 270.0;
            shapes.push_str(&qr.svg(left + (LINK_PANEL - qr_size) / 2.0, 28.0, qr_size));
            footer_column(
                &mut lines,
                card,
                left + LINK_PANEL / 2.0,
                28.0 + qr_size + 8.0,
                LINK_PANEL - 48.0,
                &dark,
                &[24.0, 21.0, 18.0],
                20.0,
                true,
                call,
            );
        }
    }

    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><rect width="{w}" height="{h}" fill="{dark}"/><rect x="{mx}" y="{mx}" width="110" height="10" fill="{accent}"/>"#,
        w = f.width,
        h = f.height,
        mx = f.margin,
    );
    svg.push_str(&shapes);
    for l in lines {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-family="{}" font-size="{}" font-weight="{}" fill="{}"{}>{}</text>"#,
            l.x,
            l.y,
            font::FAMILY,
            l.size,
            if l.weight == Weight::Bold { 700 } else { 400 },
            l.fill,
            if l.anchor_middle {
                r#" text-anchor="middle""#
            } else {
                ""
            },
            xml_escape(&l.text)
        );
    }
    svg.push_str("</svg>");
    Ok(svg)
}

/// The footer's words: what to do, the short link, the territory. `x` is the left edge, or
/// the centre when `centred`.
#[allow(clippy::too_many_arguments)]
fn footer_column(
    lines: &mut Vec<Line>,
    card: &Card,
    x: f32,
    top: f32,
    width: f32,
    colour: &str,
    link_sizes: &[f32],
    small: f32,
    centred: bool,
    call: &str,
) {
    let m = metrics();
    let ascent = m.ascent();
    let mut y = top;
    let push = |lines: &mut Vec<Line>, y: &mut f32, text: String, size: f32, weight: Weight| {
        lines.push(Line {
            x,
            y: *y + size * ascent,
            size,
            weight,
            fill: colour.to_owned(),
            anchor_middle: centred,
            text,
        });
        *y += size * 1.28;
    };
    for l in wrap_at_most(m, call, small, Weight::Regular, width, 1).0 {
        push(lines, &mut y, l, small, Weight::Regular);
    }
    // On one line when a smaller size allows, else on two.
    let one = link_sizes
        .iter()
        .find(|&&s| m.width(&card.link_label, s, Weight::Bold) <= width);
    let (size, link) = match one {
        Some(&s) => (s, vec![card.link_label.clone()]),
        None => crate::text::fit(m, &card.link_label, link_sizes, Weight::Bold, width, 2),
    };
    for l in link {
        push(lines, &mut y, l, size, Weight::Bold);
    }
    y += small * 0.5;
    let territory = format!("Tremplin · {}", m.clean(&card.territory));
    for l in wrap_at_most(m, &territory, small * 0.9, Weight::Regular, width, 2).0 {
        push(lines, &mut y, l, small * 0.9, Weight::Regular);
    }
}

fn fonts() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_source(fontdb::Source::Binary(Arc::new(font::REGULAR)));
        db.load_font_source(fontdb::Source::Binary(Arc::new(font::BOLD)));
        Arc::new(db)
    })
    .clone()
}

/// The card parsed into resvg's tree: text laid out and turned into outlines with the shipped
/// font (loaded once for the process, see [`fonts`]).
pub fn tree(card: &Card, format: Format) -> Result<usvg::Tree, Error> {
    tree_with(card, format, &Extras::default())
}

/// [`tree`] with a photo or another call to action.
pub fn tree_with(card: &Card, format: Format, extras: &Extras) -> Result<usvg::Tree, Error> {
    let svg = svg_with(card, format, extras)?;
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: font::FAMILY.to_owned(),
        languages: vec!["fr".to_owned()],
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(&svg, &options).map_err(|e| Error::Render(e.to_string()))
}

/// The tree drawn into pixels of the format's size.
pub fn rasterize(tree: &usvg::Tree, format: Format) -> Result<tiny_skia::Pixmap, Error> {
    let (w, h) = format.size();
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(|| Error::Render("taille".into()))?;
    resvg::render(tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    Ok(pixmap)
}

/// The card as a PNG image of the format's size.
pub fn png(card: &Card, format: Format) -> Result<Vec<u8>, Error> {
    png_with(card, format, &Extras::default())
}

/// [`png`] with a photo or another call to action.
pub fn png_with(card: &Card, format: Format, extras: &Extras) -> Result<Vec<u8>, Error> {
    encode(&rasterize(&tree_with(card, format, extras)?, format)?)
}

/// Many cards at once, drawn on every core (a kit's hundred cards): the results in the
/// order of `jobs`.
pub fn pngs(jobs: &[(Card, Format)]) -> Vec<Result<Vec<u8>, Error>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len())
        .max(1);
    if threads == 1 {
        return jobs.iter().map(|(c, f)| png(c, *f)).collect();
    }
    // Work taken one card at a time from a shared counter: cards differ in cost (two sizes,
    // long titles), so fixed halves would leave a core idle at the end.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, Result<Vec<u8>, Error>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((c, f)) = jobs.get(i) else {
                            return mine;
                        };
                        mine.push((i, png(c, *f)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}
