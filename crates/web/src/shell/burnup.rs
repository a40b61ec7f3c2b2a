//! The burn-up of a promo drawn in SVG: contracts signed so far, a line a week from the
//! season's start, the goal as a horizontal line, the projection at the current pace as a
//! dashed line to the goal date. The same figures go in a table under it. No JavaScript.

use tremplin_domain::board::BurnUp;

pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 220;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 30.0;

/// What the template draws, in SVG coordinates.
pub struct BurnUpChart {
    pub id: &'static str,
    /// The signed line, `x,y x,y…`.
    pub signed: String,
    /// The projection from the last point to the goal date, if any.
    pub projection: Option<(f64, f64, f64, f64)>,
    pub goal_y: f64,
    pub goal: u32,
    pub left: f64,
    pub right: f64,
    pub base_y: f64,
    /// Labels under the axis: (x, "JJ/MM").
    pub ticks: Vec<(f64, String)>,
    /// The table: (day, signed so far).
    pub rows: Vec<(String, u32)>,
}

impl BurnUpChart {
    pub fn new(id: &'static str, b: &BurnUp) -> Self {
        let days = (b.goal_date - b.start).num_days().max(1) as f64;
        let top = f64::from(b.goal.max(b.signed).max(1));
        let x = |d: chrono::NaiveDate| {
            LEFT + (d - b.start).num_days() as f64 / days * (f64::from(WIDTH) - LEFT - RIGHT)
        };
        let y = |n: u32| {
            f64::from(HEIGHT) - BOTTOM - f64::from(n) / top * (f64::from(HEIGHT) - BOTTOM - TOP)
        };
        let signed = b
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.day), y(p.signed)))
            .collect::<Vec<_>>()
            .join(" ");
        let projection = match (b.points.last(), b.projection) {
            (Some(last), Some(n)) if last.day < b.goal_date => {
                Some((x(last.day), y(last.signed), x(b.goal_date), y(n)))
            }
            _ => None,
        };
        // A label about every month: one point in four.
        let ticks = b
            .points
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 4 == 0)
            .map(|(_, p)| (x(p.day), p.day.format("%d/%m").to_string()))
            .chain(std::iter::once((
                x(b.goal_date) - 30.0,
                b.goal_date.format("%d/%m").to_string(),
            )))
            .collect();
        Self {
            id,
            signed,
            projection,
            goal_y: y(b.goal),
            goal: b.goal,
            left: LEFT,
            right: f64::from(WIDTH) - RIGHT,
            base_y: y(0),
            ticks,
            rows: b
                .points
                .iter()
                .map(|p| (p.day.format("%d/%m/%Y").to_string(), p.signed))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use tremplin_domain::board::burn_up;

    #[test]
    fn the_line_climbs_to_the_goal() {
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let b = burn_up(d(6, 1), d(9, 30), 2, &[d(6, 10), d(6, 20)], d(6, 30));
        let c = BurnUpChart::new("b", &b);
        let last = c.signed.split(' ').next_back().unwrap();
        let y: f64 = last.split(',').nth(1).unwrap().parse().unwrap();
        assert!((y - c.goal_y).abs() < 0.01, "2 of 2 reaches the goal line");
        assert!(c.projection.is_some());
        assert_eq!(c.rows.first().unwrap(), &("01/06/2026".to_owned(), 0));
    }
}
