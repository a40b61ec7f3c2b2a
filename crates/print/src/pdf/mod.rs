//! The printed relays: the catalogue of an edition ([`catalogue`]) and the poster of an offer
//! ([`poster`]), and an activity's attendance sheet ([`attendance`]): A4 PDFs written with krilla, the font embedded and subset. Laid out by hand:
//! every line measured and wrapped, blocks moved to the next page when they do not fit, so
//! nothing is cut off. Pages are laid out first, then drawn, so each knows the page count.

pub mod attendance;
pub mod catalogue;
pub mod consent;
pub mod poster;

use krilla::Document;
use krilla::action::LinkAction;
use krilla::annotation::{LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::text::{Font, TextDirection};

use crate::Error;
use crate::font::{self, Weight};
use crate::qr::Qr;

/// A4 in points.
pub const WIDTH: f32 = 595.28;
pub const HEIGHT: f32 = 841.89;

pub type Colour = (u8, u8, u8);
pub const BLACK: Colour = (0x1a, 0x1a, 0x1a);
pub const GREY: Colour = (0x4a, 0x4a, 0x4a);
pub const WHITE: Colour = (0xff, 0xff, 0xff);

/// What a page draws, in points from its top left corner.
#[derive(Debug, Clone)]
pub enum Op {
    /// One line, `y` its baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        colour: Colour,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    /// A QR code with its quiet zone in a `size` square, also a clickable link.
    Qr {
        x: f32,
        y: f32,
        size: f32,
        url: String,
    },
}

/// Lines of text laid from `y` down: returns the ops and the height taken.
pub fn lines(
    x: f32,
    y: f32,
    size: f32,
    leading: f32,
    weight: Weight,
    colour: Colour,
    texts: Vec<String>,
) -> (Vec<Op>, f32) {
    let ascent = font::metrics().ascent();
    let mut ops = Vec::with_capacity(texts.len());
    let mut at = y;
    for text in texts {
        ops.push(Op::Text {
            x,
            y: at + size * ascent,
            size,
            weight,
            colour,
            text,
        });
        at += size * leading;
    }
    (ops, at - y)
}

fn fill(colour: Colour) -> Fill {
    Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

/// Draws the laid-out pages. `footer(i, n)` gives each page its footer line.
pub fn render(
    pages: &[Vec<Op>],
    title: &str,
    footer: impl Fn(usize, usize) -> String,
) -> Result<Vec<u8>, Error> {
    let regular = Font::new(font::REGULAR.into(), 0).ok_or_else(|| Error::Pdf("police".into()))?;
    let bold = Font::new(font::BOLD.into(), 0).ok_or_else(|| Error::Pdf("police".into()))?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_owned())
            .language("fr".to_owned())
            .creator("Tremplin".to_owned()),
    );
    let settings = PageSettings::from_wh(WIDTH, HEIGHT).ok_or_else(|| Error::Pdf("page".into()))?;
    let count = pages.len();
    for (i, ops) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut links = Vec::new();
        let mut surface = page.surface();
        let foot = footer(i + 1, count);
        let foot_ops = [Op::Text {
            x: 42.0,
            y: HEIGHT - 24.0,
            size: 8.5,
            weight: Weight::Regular,
            colour: GREY,
            text: foot,
        }];
        for op in ops.iter().chain(foot_ops.iter()) {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    weight,
                    colour,
                    text,
                } => {
                    surface.set_fill(Some(fill(*colour)));
                    let f = if *weight == Weight::Bold {
                        bold.clone()
                    } else {
                        regular.clone()
                    };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        f,
                        *size,
                        text,
                        false,
                        TextDirection::LeftToRight,
                    );
                }
                Op::Rect { x, y, w, h, colour } => {
                    if let Some(path) = rect_path(*x, *y, *w, *h) {
                        surface.set_fill(Some(fill(*colour)));
                        surface.draw_path(&path);
                    }
                }
                Op::Qr { x, y, size, url } => {
                    let qr = Qr::new(url)?;
                    let modules = (qr.width + 8) as f32;
                    let unit = size / modules;
                    if let Some(path) = rect_path(*x, *y, *size, *size) {
                        surface.set_fill(Some(fill(WHITE)));
                        surface.draw_path(&path);
                    }
                    let mut pb = PathBuilder::new();
                    for (rx, ry, len) in qr.runs() {
                        if let Some(r) = Rect::from_xywh(
                            x + (rx as f32 + 4.0) * unit,
                            y + (ry as f32 + 4.0) * unit,
                            len as f32 * unit,
                            unit,
                        ) {
                            pb.push_rect(r);
                        }
                    }
                    if let Some(path) = pb.finish() {
                        surface.set_fill(Some(fill((0, 0, 0))));
                        surface.draw_path(&path);
                    }
                    if let Some(r) = Rect::from_xywh(*x, *y, *size, *size) {
                        links.push((r, url.clone()));
                    }
                }
            }
        }
        surface.finish();
        for (r, url) in links {
            page.add_annotation(
                LinkAnnotation::new(r, Target::Action(LinkAction::new(url).into())).into(),
            );
        }
        page.finish();
    }
    document.finish().map_err(|e| Error::Pdf(format!("{e:?}")))
}

fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(Rect::from_xywh(x, y, w, h)?);
    pb.finish()
}
