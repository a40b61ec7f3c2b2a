//! Server-rendered SVG charts for the dashboard: stacked bars per week, with the same figures
//! as a table for those who cannot see the chart. No JavaScript.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use tremplin_storage::PeriodCount;

/// Colours with at least 3:1 contrast against white, told apart by more than hue alone
/// (the table gives the figures).
const COLOURS: [&str; 6] = [
    "#123c69", "#b35c00", "#1b7a3e", "#7b2d8e", "#a61b29", "#4a5568",
];

pub struct Series {
    pub label: String,
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
    /// One bar a week of `starts` (see `week_bounds`), stacked by category in `categories`
    /// order, from counts per (week index, category).
    pub fn weekly(
        id: &'static str,
        title: &'static str,
        starts: &[NaiveDate],
        categories: &[(&str, &str)],
        counts: &[PeriodCount],
    ) -> Self {
        let weeks = starts.len();
        let mut series: Vec<Series> = categories
            .iter()
            .enumerate()
            .map(|(i, (_, label))| Series {
                label: (*label).to_owned(),
                colour: COLOURS[i % COLOURS.len()],
                values: vec![0; weeks],
            })
            .collect();
        for c in counts {
            if let Some(s) = categories.iter().position(|(k, _)| *k == c.category)
                && c.period < weeks
            {
                series[s].values[c.period] += c.count;
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

    /// The span the chart covers, for its caption.
    pub fn span(&self) -> String {
        match self.weeks.len() {
            26 => "en six mois".to_owned(),
            n => format!("en {n} semaines"),
        }
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

/// The Mondays (Paris time) of the last `weeks` weeks, and the `weeks + 1` instants bounding
/// them, the last one next Monday: what the storage counts per period.
pub fn week_bounds(now: DateTime<Utc>, weeks: usize) -> (Vec<NaiveDate>, Vec<DateTime<Utc>>) {
    let this_monday = monday(now);
    let starts: Vec<NaiveDate> = (0..weeks)
        .rev()
        .map(|i| this_monday - Duration::weeks(i as i64))
        .collect();
    let bounds = starts
        .iter()
        .copied()
        .chain(std::iter::once(this_monday + Duration::weeks(1)))
        .map(|d| {
            Paris
                .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
                .earliest()
                .map_or_else(
                    || d.and_time(chrono::NaiveTime::MIN).and_utc(),
                    |t| t.with_timezone(&Utc),
                )
        })
        .collect();
    (starts, bounds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn count(period: usize, category: &str) -> PeriodCount {
        PeriodCount {
            period,
            category: category.to_owned(),
            count: 1,
        }
    }

    #[test]
    fn weeks_start_on_monday_midnight_in_paris() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
        let (starts, bounds) = week_bounds(now, 26);
        assert_eq!((starts.len(), bounds.len()), (26, 27));
        assert_eq!(starts[25], NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        // Paris is UTC+1 in November: Monday 00:00 there is Sunday 23:00 UTC.
        assert_eq!(
            bounds[25],
            Utc.with_ymd_and_hms(2026, 11, 22, 23, 0, 0).unwrap()
        );
        assert_eq!(
            bounds[26],
            Utc.with_ymd_and_hms(2026, 11, 29, 23, 0, 0).unwrap()
        );
        // Summer time: UTC+2.
        let june = week_bounds(Utc.with_ymd_and_hms(2026, 6, 10, 12, 0, 0).unwrap(), 1).1;
        assert_eq!(june[0], Utc.with_ymd_and_hms(2026, 6, 7, 22, 0, 0).unwrap());
    }

    #[test]
    fn counts_fall_in_their_week_and_stack() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
        let (starts, _) = week_bounds(now, 26);
        let counts = vec![
            count(25, "appel"),
            count(25, "veille"),
            count(24, "appel"),
            count(40, "appel"),
            count(25, "inconnu"),
        ];
        let c = Chart::weekly(
            "c",
            "t",
            &starts,
            &[("appel", "par téléphone"), ("veille", "réseaux sociaux")],
            &counts,
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
