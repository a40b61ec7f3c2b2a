//! The printable catalogue of an edition: A4, offers grouped under headings (by métier or by
//! commune), each with its QR code. A block never straddles two pages; a heading never ends
//! a page alone.

use super::{BLACK, GREY, HEIGHT, Op, WHITE, WIDTH, lines, render};
use crate::font::{Weight, metrics};
use crate::text::{wrap, wrap_at_most};
use crate::{Error, Palette};

/// One offer as the catalogue prints it.
#[derive(Debug, Clone)]
pub struct Item {
    pub title: String,
    pub company: String,
    /// "Mortagne-au-Perche (61400)".
    pub place: String,
    /// "Apprentissage · 24 mois · dès le 01/09/2026".
    pub facts: String,
    pub summary: String,
    /// What the QR code opens (with its `?via=`).
    pub url: String,
    /// The address as printed.
    pub link_label: String,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub heading: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub struct Catalogue {
    /// "Édition n° 12 – jeudi 27 novembre 2026".
    pub title: String,
    /// "23 offres d'apprentissage autour de …, par métier".
    pub subtitle: String,
    pub territory: String,
    pub contact: Option<String>,
    /// The site's address, in every page's footer.
    pub site: String,
    pub groups: Vec<Group>,
    pub palette: Palette,
}

const MARGIN: f32 = 42.0;
const BOTTOM: f32 = HEIGHT - 48.0;
const QR: f32 = 88.0;
const LEADING: f32 = 1.25;

/// The catalogue as a PDF.
pub fn pdf(c: &Catalogue) -> Result<Vec<u8>, Error> {
    let pages = layout(c);
    let footer = |i: usize, n: usize| {
        format!(
            "{} · {} · {} · page {i} / {n}",
            c.title,
            metrics().clean(&c.territory),
            c.site
        )
    };
    render(&pages, &c.title, footer)
}

/// An offer's block, laid at (0, 0): its ops and height.
fn block(item: &Item, palette: &Palette) -> (Vec<Op>, f32) {
    let m = metrics();
    let width = WIDTH - 2.0 * MARGIN - QR - 16.0;
    let mut ops = Vec::new();
    let mut y = 0.0;
    let mut add = |texts: Vec<String>, size: f32, weight: Weight, colour, gap: f32, y: &mut f32| {
        let (o, h) = lines(MARGIN, *y, size, LEADING, weight, colour, texts);
        ops.extend(o);
        *y += h + gap;
    };
    add(
        wrap(m, &m.clean(&item.title), 12.5, Weight::Bold, width),
        12.5,
        Weight::Bold,
        palette.dark,
        2.0,
        &mut y,
    );
    let who = format!("{} · {}", m.clean(&item.company), m.clean(&item.place));
    add(
        wrap_at_most(m, &who, 10.0, Weight::Regular, width, 2).0,
        10.0,
        Weight::Regular,
        BLACK,
        1.0,
        &mut y,
    );
    add(
        wrap_at_most(m, &m.clean(&item.facts), 9.5, Weight::Regular, width, 2).0,
        9.5,
        Weight::Regular,
        GREY,
        2.0,
        &mut y,
    );
    add(
        wrap_at_most(m, &m.clean(&item.summary), 9.0, Weight::Regular, width, 3).0,
        9.0,
        Weight::Regular,
        GREY,
        2.0,
        &mut y,
    );
    add(
        wrap_at_most(m, &item.link_label, 8.5, Weight::Bold, width, 1).0,
        8.5,
        Weight::Bold,
        palette.dark,
        0.0,
        &mut y,
    );
    ops.push(Op::Qr {
        x: WIDTH - MARGIN - QR,
        y: 0.0,
        size: QR,
        url: item.url.clone(),
    });
    let height = y.max(QR) + 10.0;
    ops.push(Op::Rect {
        x: MARGIN,
        y: height - 0.6,
        w: WIDTH - 2.0 * MARGIN,
        h: 0.6,
        colour: (0xcc, 0xcc, 0xcc),
    });
    (ops, height + 10.0)
}

fn shifted(ops: Vec<Op>, dy: f32) -> impl Iterator<Item = Op> {
    ops.into_iter().map(move |op| match op {
        Op::Text {
            x,
            y,
            size,
            weight,
            colour,
            text,
        } => Op::Text {
            x,
            y: y + dy,
            size,
            weight,
            colour,
            text,
        },
        Op::Rect { x, y, w, h, colour } => Op::Rect {
            x,
            y: y + dy,
            w,
            h,
            colour,
        },
        Op::Qr { x, y, size, url } => Op::Qr {
            x,
            y: y + dy,
            size,
            url,
        },
    })
}

fn heading(text: &str, palette: &Palette) -> (Vec<Op>, f32) {
    let m = metrics();
    let (mut ops, h) = lines(
        MARGIN + 12.0,
        0.0,
        15.0,
        LEADING,
        Weight::Bold,
        palette.dark,
        wrap_at_most(
            m,
            &m.clean(text),
            15.0,
            Weight::Bold,
            WIDTH - 2.0 * MARGIN - 12.0,
            2,
        )
        .0,
    );
    ops.push(Op::Rect {
        x: MARGIN,
        y: 0.0,
        w: 5.0,
        h,
        colour: palette.accent,
    });
    (ops, h + 12.0)
}

/// The pages, each a list of ops.
pub fn layout(c: &Catalogue) -> Vec<Vec<Op>> {
    let m = metrics();
    let width = WIDTH - 2.0 * MARGIN;
    let mut pages: Vec<Vec<Op>> = Vec::new();
    let mut page: Vec<Op> = Vec::new();

    // The first page's band: title, subtitle.
    let (title, th) = lines(
        MARGIN,
        34.0,
        22.0,
        LEADING,
        Weight::Bold,
        WHITE,
        wrap(m, &m.clean(&c.title), 22.0, Weight::Bold, width),
    );
    let (sub, sh) = lines(
        MARGIN,
        34.0 + th + 6.0,
        12.0,
        1.3,
        Weight::Regular,
        WHITE,
        wrap(m, &m.clean(&c.subtitle), 12.0, Weight::Regular, width),
    );
    let band = 34.0 + th + 6.0 + sh + 22.0;
    page.push(Op::Rect {
        x: 0.0,
        y: 0.0,
        w: WIDTH,
        h: band,
        colour: c.palette.dark,
    });
    page.push(Op::Rect {
        x: 0.0,
        y: band,
        w: WIDTH,
        h: 5.0,
        colour: c.palette.accent,
    });
    page.extend(title);
    page.extend(sub);
    let intro = format!(
        "Scannez le QR code d'une offre pour la voir et postuler depuis un téléphone, sans compte et avec ou sans CV. Besoin d'aide ? La {} vous accompagne{}.",
        m.clean(&c.territory),
        c.contact
            .as_deref()
            .map(|e| format!(" : {e}"))
            .unwrap_or_default()
    );
    let (intro, ih) = lines(
        MARGIN,
        band + 20.0,
        10.0,
        1.35,
        Weight::Regular,
        BLACK,
        wrap(m, &intro, 10.0, Weight::Regular, width),
    );
    page.extend(intro);
    let mut y = band + 20.0 + ih + 18.0;
    if c.groups.iter().all(|g| g.items.is_empty()) {
        let (none, _) = lines(
            MARGIN,
            y,
            12.0,
            LEADING,
            Weight::Regular,
            BLACK,
            vec!["Aucune offre dans cette édition.".to_owned()],
        );
        page.extend(none);
    }

    for group in c.groups.iter().filter(|g| !g.items.is_empty()) {
        let (head, hh) = heading(&group.heading, &c.palette);
        for (i, item) in group.items.iter().enumerate() {
            let (ops, bh) = block(item, &c.palette);
            let need = if i == 0 { hh + bh } else { bh };
            if y + need > BOTTOM && !page.is_empty() {
                pages.push(std::mem::take(&mut page));
                y = MARGIN;
                if i > 0 {
                    let (cont, ch) = heading(&format!("{} (suite)", group.heading), &c.palette);
                    page.extend(shifted(cont, y));
                    y += ch;
                }
            }
            if i == 0 {
                page.extend(shifted(head.clone(), y));
                y += hh;
            }
            page.extend(shifted(ops, y));
            y += bh;
        }
        y += 8.0;
    }
    pages.push(page);
    pages
}
