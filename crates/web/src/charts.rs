//! Server-rendered SVG charts for the dashboard: stacked bars per week, with the same figures
//! as a table for those who cannot see the chart. No JavaScript.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

/// Colours with at least 3:1 contrast against white, told apart by more than hue alone
/// (the table gives the figures).
const COLOURS: [&str; 6] = [
    "#123c69", "#b35c00", "#1b7a3e", "#7b2d8e", "#a61b29", "#4a5568",
];

pub struct Series {
    pub label: &'static str,
    pub colour: &'static str,
    pub values: Vec<u32>,
}

pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub height: u32,
    pub colour: &'static str,
    pub title: String,
}

pub struct Chart {
    pub id: &'static str,
    pub title: &'static str,
    pub weeks: Vec<String>,
    pub series: Vec<Series>,
}

pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 200;
const BAR: u32 = 18;
const GAP: u32 = 6;
const LEFT: u32 = 30;

impl Chart {
    /// Counts `events` (instant, category) per week over the last `weeks` weeks, one series a
    /// category in `categories` order.
    pub fn weekly(
        id: &'static str,
        title: &'static str,
        now: DateTime<Utc>,
        weeks: usize,
        categories: &[(&str, &'static str)],
        events: &[(DateTime<Utc>, String)],
    ) -> Self {
        let this_monday = monday(now);
        let starts: Vec<NaiveDate> = (0..weeks)
            .rev()
            .map(|i| this_monday - Duration::weeks(i as i64))
            .collect();
        let mut series: Vec<Series> = categories
            .iter()
            .enumerate()
            .map(|(i, (_, label))| Series {
                label,
                colour: COLOURS[i % COLOURS.len()],
                values: vec![0; weeks],
            })
            .collect();
        for (at, category) in events {
            let week = monday(*at);
            if let (Some(w), Some(s)) = (
                starts.iter().position(|s| *s == week),
                categories.iter().position(|(c, _)| c == category),
            ) {
                series[s].values[w] += 1;
            }
        }
        Self {
            id,
            title,
            weeks: starts
                .iter()
                .map(|d| d.format("%d/%m").to_string())
                .collect(),
            series,
        }
    }

    pub fn max(&self) -> u32 {
        (0..self.weeks.len())
            .map(|w| self.series.iter().map(|s| s.values[w]).sum::<u32>())
            .max()
            .unwrap_or(0)
            .max(1)
    }

    pub fn total(&self) -> u32 {
        self.series.iter().flat_map(|s| &s.values).sum()
    }

    pub fn bars(&self) -> Vec<Bar> {
        let scale = f64::from(HEIGHT - 30) / f64::from(self.max());
        let mut bars = Vec::new();
        for (w, week) in self.weeks.iter().enumerate() {
            let x = LEFT + w as u32 * (BAR + GAP);
            let mut top = HEIGHT - 20;
            for s in &self.series {
                let v = s.values[w];
                if v == 0 {
                    continue;
                }
                let h = ((f64::from(v) * scale).round() as u32).max(1);
                top -= h;
                bars.push(Bar {
                    x,
                    y: top,
                    height: h,
                    colour: s.colour,
                    title: format!("Semaine du {week} : {v} {}", s.label),
                });
            }
        }
        bars
    }

    /// Week labels under the axis, one in four to stay readable.
    pub fn ticks(&self) -> Vec<(u32, String)> {
        self.weeks
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 4 == 0)
            .map(|(i, w)| (LEFT + i as u32 * (BAR + GAP), w.clone()))
            .collect()
    }

    pub fn width(&self) -> u32 {
        (LEFT + self.weeks.len() as u32 * (BAR + GAP)).max(WIDTH)
    }
}

/// The Monday (Paris time) of the week containing `at`.
fn monday(at: DateTime<Utc>) -> NaiveDate {
    let d = at.with_timezone(&Paris).date_naive();
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn events_fall_in_their_week_and_stack() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
        let events = vec![
            (now, "appel".to_owned()),
            (now - Duration::days(1), "veille".to_owned()),
            (now - Duration::days(7), "appel".to_owned()),
            (now - Duration::weeks(40), "appel".to_owned()),
            (now, "inconnu".to_owned()),
        ];
        let c = Chart::weekly(
            "c",
            "t",
            now,
            26,
            &[("appel", "par téléphone"), ("veille", "réseaux sociaux")],
            &events,
        );
        assert_eq!(c.weeks.len(), 26);
        assert_eq!(c.weeks[25], "23/11");
        assert_eq!(c.series[0].values[25], 1);
        assert_eq!(c.series[1].values[25], 1);
        assert_eq!(c.series[0].values[24], 1);
        assert_eq!(c.total(), 3, "outside the window or unknown: not counted");
        let bars = c.bars();
        assert_eq!(bars.len(), 3);
        // Stacked: the second bar of the last week sits on the first.
        let last: Vec<&Bar> = bars
            .iter()
            .filter(|b| b.x == bars.last().unwrap().x)
            .collect();
        assert_eq!(last[1].y + last[1].height, last[0].y);
    }
}
