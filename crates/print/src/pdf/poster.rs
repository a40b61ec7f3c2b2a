//! The A4 poster of one offer, for a company's window, a town hall or a CIO's board: the trade
//! in large letters, the essentials, and a large QR code to apply from a phone.

use super::{BLACK, GREY, HEIGHT, Op, WHITE, WIDTH, lines, render};
use crate::font::{Weight, metrics};
use crate::text::{fit, wrap_at_most};
use crate::{Error, Palette};

#[derive(Debug, Clone)]
pub struct Poster {
    /// Above the title ("Offre d'apprentissage").
    pub kicker: String,
    pub title: String,
    pub company: String,
    /// "Mortagne-au-Perche (61400) · à 12 km de L'Aigle".
    pub place: String,
    /// (label, value): contract, start, diploma…
    pub facts: Vec<(String, String)>,
    pub summary: String,
    /// What the QR code opens (with its `?via=`).
    pub url: String,
    pub link_label: String,
    pub territory: String,
    pub contact: Option<String>,
    pub palette: Palette,
}

const MARGIN: f32 = 48.0;
const QR: f32 = 190.0;
/// Top of the block at the bottom: QR code and how to apply.
const BOTTOM_BLOCK: f32 = HEIGHT - 56.0 - QR - 24.0;

pub fn pdf(p: &Poster) -> Result<Vec<u8>, Error> {
    let ops = layout(p);
    let title = format!("{} – {}", p.title, p.company);
    let territory = metrics().clean(&p.territory);
    render(&[ops], &title, |_, _| {
        format!("Tremplin · {territory} · {}", p.link_label)
    })
}

pub fn layout(p: &Poster) -> Vec<Op> {
    let m = metrics();
    let width = WIDTH - 2.0 * MARGIN;
    let mut ops = Vec::new();

    // The band: kicker and title, as large as fits on four lines.
    let (kicker, kh) = lines(
        MARGIN,
        40.0,
        15.0,
        1.3,
        Weight::Bold,
        p.palette.accent,
        wrap_at_most(
            m,
            &m.clean(&p.kicker).to_uppercase(),
            15.0,
            Weight::Bold,
            width,
            1,
        )
        .0,
    );
    let (size, title_lines) = fit(
        m,
        &m.clean(&p.title),
        &[42.0, 38.0, 34.0, 30.0, 27.0, 24.0, 21.0],
        Weight::Bold,
        width,
        4,
    );
    let (title, th) = lines(
        MARGIN,
        40.0 + kh + 10.0,
        size,
        1.18,
        Weight::Bold,
        WHITE,
        title_lines,
    );
    let band = 40.0 + kh + 10.0 + th + 26.0;
    ops.push(Op::Rect {
        x: 0.0,
        y: 0.0,
        w: WIDTH,
        h: band,
        colour: p.palette.dark,
    });
    ops.push(Op::Rect {
        x: 0.0,
        y: band,
        w: WIDTH,
        h: 8.0,
        colour: p.palette.accent,
    });
    ops.extend(kicker);
    ops.extend(title);

    let mut y = band + 32.0;
    let (company, h) = lines(
        MARGIN,
        y,
        20.0,
        1.25,
        Weight::Bold,
        p.palette.dark,
        wrap_at_most(m, &m.clean(&p.company), 20.0, Weight::Bold, width, 2).0,
    );
    ops.extend(company);
    y += h + 2.0;
    let (place, h) = lines(
        MARGIN,
        y,
        15.0,
        1.3,
        Weight::Regular,
        BLACK,
        wrap_at_most(m, &m.clean(&p.place), 15.0, Weight::Regular, width, 2).0,
    );
    ops.extend(place);
    y += h + 16.0;

    let label_w = 150.0;
    for (label, value) in &p.facts {
        let (l, lh) = lines(
            MARGIN,
            y,
            12.0,
            1.3,
            Weight::Bold,
            GREY,
            wrap_at_most(m, &m.clean(label), 12.0, Weight::Bold, label_w - 10.0, 2).0,
        );
        let (v, vh) = lines(
            MARGIN + label_w,
            y,
            12.0,
            1.3,
            Weight::Regular,
            BLACK,
            wrap_at_most(
                m,
                &m.clean(value),
                12.0,
                Weight::Regular,
                width - label_w,
                2,
            )
            .0,
        );
        if y + lh.max(vh) > BOTTOM_BLOCK - 20.0 {
            break;
        }
        ops.extend(l);
        ops.extend(v);
        y += lh.max(vh) + 5.0;
    }
    y += 12.0;

    // The mission, in what room is left above the bottom block.
    let leading = 1.38;
    let room = BOTTOM_BLOCK - 18.0 - y;
    let max_lines = (room / (11.5 * leading)).floor();
    if max_lines >= 1.0 {
        let (summary, _) = lines(
            MARGIN,
            y,
            11.5,
            leading,
            Weight::Regular,
            BLACK,
            wrap_at_most(
                m,
                &m.clean(&p.summary),
                11.5,
                Weight::Regular,
                width,
                max_lines as usize,
            )
            .0,
        );
        ops.extend(summary);
    }

    // How to apply: QR code on the left, words on the right.
    ops.push(Op::Rect {
        x: MARGIN,
        y: BOTTOM_BLOCK,
        w: width,
        h: 2.0,
        colour: p.palette.accent,
    });
    let top = BOTTOM_BLOCK + 14.0;
    ops.push(Op::Qr {
        x: MARGIN - 8.0,
        y: top,
        size: QR,
        url: p.url.clone(),
    });
    let col_x = MARGIN + QR + 8.0;
    let col_w = WIDTH - MARGIN - col_x;
    let mut cy = top + 20.0;
    for (text, size, weight, colour, gap) in [
        (
            "Scannez pour voir l'offre et postuler".to_owned(),
            19.0,
            Weight::Bold,
            p.palette.dark,
            6.0,
        ),
        (
            "depuis votre téléphone, sans compte, avec ou sans CV.".to_owned(),
            12.5,
            Weight::Regular,
            BLACK,
            10.0,
        ),
        (
            p.link_label.clone(),
            12.5,
            Weight::Bold,
            p.palette.dark,
            12.0,
        ),
        (
            format!(
                "Besoin d'aide ? La {} vous accompagne{}.",
                m.clean(&p.territory),
                p.contact
                    .as_deref()
                    .map(|e| format!(" : {e}"))
                    .unwrap_or_default()
            ),
            10.5,
            Weight::Regular,
            GREY,
            0.0,
        ),
    ] {
        let (o, h) = lines(
            col_x,
            cy,
            size,
            1.28,
            weight,
            colour,
            wrap_at_most(m, &text, size, weight, col_w, 3).0,
        );
        ops.extend(o);
        cy += h + gap;
    }
    ops
}
