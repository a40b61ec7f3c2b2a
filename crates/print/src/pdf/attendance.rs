//! The attendance sheet of an activity, for the funders: A4, what the activity was (kind,
//! date, place, who led it, the companies or CFA involved), one line per registrant with what
//! the counselor marked (present, absent, excused) and a blank column to sign, the totals.

use super::{BLACK, GREY, HEIGHT, Op, WIDTH, lines, render};
use crate::font::{Weight, metrics};
use crate::text::wrap_at_most;
use crate::{Error, Palette};

#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub commune: String,
    /// "Présent·e", "Absent·e", "Excusé·e", or "non noté".
    pub attendance: String,
}

#[derive(Debug, Clone)]
pub struct Sheet {
    pub title: String,
    /// (label, value): type, date, lieu, animé par, avec…
    pub facts: Vec<(String, String)>,
    pub rows: Vec<Row>,
    /// "12 inscrit·es · 9 présent·es · 2 excusé·es · 1 absent·e".
    pub totals: String,
    pub territory: String,
    /// "Feuille établie le 25/10/2026 à 12:05".
    pub made: String,
    pub palette: Palette,
}

const MARGIN: f32 = 42.0;
const ROW: f32 = 22.0;
const BOTTOM: f32 = HEIGHT - 60.0;
/// Columns: number, name, commune, attendance, signature.
const COLS: [f32; 5] = [
    MARGIN,
    MARGIN + 26.0,
    MARGIN + 210.0,
    MARGIN + 330.0,
    MARGIN + 410.0,
];

pub fn pdf(s: &Sheet) -> Result<Vec<u8>, Error> {
    let pages = layout(s);
    let territory = metrics().clean(&s.territory);
    let title = format!("Feuille d'émargement – {}", s.title);
    render(&pages, &title, |i, n| {
        format!("{territory} · {} · page {i} / {n}", s.made)
    })
}

fn header(ops: &mut Vec<Op>, y: f32) -> f32 {
    ops.push(Op::Rect {
        x: MARGIN,
        y,
        w: WIDTH - 2.0 * MARGIN,
        h: ROW,
        colour: (0xe8, 0xee, 0xf5),
    });
    for (x, label) in COLS
        .iter()
        .zip(["N°", "Nom", "Commune", "Présence", "Signature"])
    {
        ops.push(Op::Text {
            x: x + 3.0,
            y: y + 15.0,
            size: 10.0,
            weight: Weight::Bold,
            colour: BLACK,
            text: label.into(),
        });
    }
    y + ROW
}

fn fit(text: &str, size: f32, width: f32) -> String {
    let m = metrics();
    wrap_at_most(m, &m.clean(text), size, Weight::Regular, width, 1)
        .0
        .into_iter()
        .next()
        .unwrap_or_default()
}

pub fn layout(s: &Sheet) -> Vec<Vec<Op>> {
    let m = metrics();
    let width = WIDTH - 2.0 * MARGIN;
    let mut ops = Vec::new();
    let (kicker, kh) = lines(
        MARGIN,
        40.0,
        11.0,
        1.3,
        Weight::Bold,
        s.palette.dark,
        vec!["FEUILLE D'ÉMARGEMENT".into()],
    );
    ops.extend(kicker);
    let title = wrap_at_most(m, &m.clean(&s.title), 18.0, Weight::Bold, width, 2).0;
    let (t, th) = lines(
        MARGIN,
        40.0 + kh + 4.0,
        18.0,
        1.2,
        Weight::Bold,
        BLACK,
        title,
    );
    ops.extend(t);
    let mut y = 40.0 + kh + 4.0 + th + 8.0;
    for (label, value) in &s.facts {
        let text = wrap_at_most(
            m,
            &m.clean(&format!("{label} : {value}")),
            10.5,
            Weight::Regular,
            width,
            2,
        )
        .0;
        let (f, fh) = lines(MARGIN, y, 10.5, 1.3, Weight::Regular, GREY, text);
        ops.extend(f);
        y += fh;
    }
    let (t, th) = lines(
        MARGIN,
        y + 4.0,
        10.5,
        1.3,
        Weight::Bold,
        BLACK,
        vec![m.clean(&s.totals)],
    );
    ops.extend(t);
    y += th + 14.0;
    let mut pages = Vec::new();
    y = header(&mut ops, y);
    for (i, r) in s.rows.iter().enumerate() {
        if y + ROW > BOTTOM {
            pages.push(std::mem::take(&mut ops));
            y = header(&mut ops, 40.0);
        }
        ops.push(Op::Rect {
            x: MARGIN,
            y: y + ROW - 0.6,
            w: width,
            h: 0.6,
            colour: (0xbb, 0xbb, 0xbb),
        });
        let cells = [
            (i + 1).to_string(),
            fit(&r.name, 10.0, COLS[2] - COLS[1] - 6.0),
            fit(&r.commune, 10.0, COLS[3] - COLS[2] - 6.0),
            fit(&r.attendance, 10.0, COLS[4] - COLS[3] - 6.0),
        ];
        for (x, text) in COLS.iter().zip(cells) {
            ops.push(Op::Text {
                x: x + 3.0,
                y: y + 15.0,
                size: 10.0,
                weight: Weight::Regular,
                colour: BLACK,
                text,
            });
        }
        y += ROW;
    }
    if s.rows.is_empty() {
        ops.push(Op::Text {
            x: MARGIN + 3.0,
            y: y + 15.0,
            size: 10.0,
            weight: Weight::Regular,
            colour: GREY,
            text: "Aucun inscrit.".into(),
        });
    }
    pages.push(ops);
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(n: usize) -> Sheet {
        Sheet {
            title: "Rallye des entreprises de L'Aigle".into(),
            facts: vec![(
                "Date".into(),
                "dimanche 25 octobre 2026, 09:30 – 12:00".into(),
            )],
            rows: (0..n)
                .map(|i| Row {
                    name: format!("Jeune {i}"),
                    commune: "L'Aigle".into(),
                    attendance: "Présent·e".into(),
                })
                .collect(),
            totals: format!("{n} inscrit·es"),
            territory: "Mission Locale".into(),
            made: "Feuille établie le 25/10/2026".into(),
            palette: Palette::default(),
        }
    }

    #[test]
    fn long_lists_go_on_to_more_pages() {
        assert_eq!(layout(&sheet(3)).len(), 1);
        assert!(layout(&sheet(80)).len() >= 3);
        assert!(pdf(&sheet(80)).unwrap().starts_with(b"%PDF"));
    }
}
