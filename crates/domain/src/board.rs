//! The board of a promo: contracts signed against the goal, the burn-up to the goal date, the
//! projection at the current pace, and the members at risk with the next step to take. Pure
//! rules on dates given by the caller (a fixed clock in tests).

use chrono::{Duration, NaiveDate};

/// Days without an attended activity after which a member is at risk.
pub const INACTIVE_DAYS: i64 = 14;
/// Days after the first application without an interview after which a member is at risk.
pub const NO_INTERVIEW_DAYS: i64 = 14;

/// What the board knows of one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFacts {
    pub young_person_id: i64,
    pub name: String,
    pub joined: NaiveDate,
    pub cv_ready: bool,
    /// The first application: the milestone, or the first Tremplin application linked.
    pub first_application: Option<NaiveDate>,
    pub interview: bool,
    pub signed: Option<NaiveDate>,
    /// The days of the activities attended (marked present on their attendance sheets);
    /// `None` leaves the inactivity rule out.
    pub attended: Option<Vec<NaiveDate>>,
}

/// Why a member is at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    NoApplication,
    NoInterview,
    Inactive,
}

impl Risk {
    pub fn label(self) -> &'static str {
        match self {
            Self::NoApplication => "Aucune candidature",
            Self::NoInterview => "Aucun entretien",
            Self::Inactive => "Aucune activité suivie depuis 14 jours",
        }
    }
}

/// A member at risk: why, and the next step to take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtRisk {
    pub young_person_id: i64,
    pub name: String,
    pub risks: Vec<Risk>,
    pub next_step: &'static str,
}

/// Whether a member has attended no activity for [`INACTIVE_DAYS`] days on `today`: counted
/// from the last activity attended, or from joining when none was. The rule the activities'
/// attendance sheets feed.
pub fn inactive_since_attendance(
    attended: &[NaiveDate],
    joined: NaiveDate,
    today: NaiveDate,
) -> bool {
    let last = attended
        .iter()
        .copied()
        .filter(|d| *d <= today)
        .max()
        .unwrap_or(joined)
        .max(joined);
    (today - last).num_days() >= INACTIVE_DAYS
}

/// The members at risk on `today`, in the order given. A member under contract is not at risk.
pub fn at_risk(members: &[MemberFacts], today: NaiveDate) -> Vec<AtRisk> {
    members
        .iter()
        .filter(|m| m.signed.is_none())
        .filter_map(|m| {
            let mut risks = Vec::new();
            match m.first_application {
                None => risks.push(Risk::NoApplication),
                Some(d) if !m.interview && (today - d).num_days() >= NO_INTERVIEW_DAYS => {
                    risks.push(Risk::NoInterview)
                }
                _ => {}
            }
            if let Some(dates) = &m.attended
                && inactive_since_attendance(dates, m.joined, today)
            {
                risks.push(Risk::Inactive);
            }
            let next_step = match risks.first()? {
                Risk::NoApplication if !m.cv_ready => {
                    "Finir le CV avec le ou la jeune, puis choisir une première offre"
                }
                Risk::NoApplication => {
                    "Choisir avec le ou la jeune une offre et postuler pour elle ou lui"
                }
                Risk::NoInterview => {
                    "Relancer les employeurs et préparer l'entretien (simulation, immersion)"
                }
                Risk::Inactive => "Appeler le ou la jeune et l'inscrire à la prochaine activité",
            };
            Some(AtRisk {
                young_person_id: m.young_person_id,
                name: m.name.clone(),
                risks,
                next_step,
            })
        })
        .collect()
}

/// One point of the burn-up: on `day`, `signed` contracts so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub day: NaiveDate,
    pub signed: u32,
}

/// The burn-up of a promo: contracts signed so far week by week from the season's start to
/// today (or the goal date when it is past), against the goal (the members).
#[derive(Debug, Clone, PartialEq)]
pub struct BurnUp {
    pub start: NaiveDate,
    pub goal_date: NaiveDate,
    pub goal: u32,
    pub points: Vec<Point>,
    pub signed: u32,
    /// Contracts expected by the goal date at the pace since the season's start (at most the
    /// goal); `None` before the season starts.
    pub projection: Option<u32>,
}

pub fn burn_up(
    start: NaiveDate,
    goal_date: NaiveDate,
    goal: u32,
    signed: &[NaiveDate],
    today: NaiveDate,
) -> BurnUp {
    let until = today.min(goal_date);
    let count = |d: NaiveDate| signed.iter().filter(|s| **s <= d).count() as u32;
    let mut points = Vec::new();
    let mut day = start;
    while day <= until {
        points.push(Point {
            day,
            signed: count(day),
        });
        day += Duration::days(7);
    }
    if until >= start && points.last().is_none_or(|p| p.day != until) {
        points.push(Point {
            day: until,
            signed: count(until),
        });
    }
    let now = count(until);
    let elapsed = (until - start).num_days();
    let projection = (elapsed > 0).then(|| {
        let total = (goal_date - start).num_days().max(1);
        let at_pace = (f64::from(now) * total as f64 / elapsed as f64).floor() as u32;
        at_pace.clamp(now, goal.max(now))
    });
    BurnUp {
        start,
        goal_date,
        goal,
        points,
        signed: now,
        projection,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn member(id: i64) -> MemberFacts {
        MemberFacts {
            young_person_id: id,
            name: format!("Jeune {id}"),
            joined: day(6, 1),
            cv_ready: false,
            first_application: None,
            interview: false,
            signed: None,
            attended: None,
        }
    }

    #[test]
    fn members_at_risk_on_a_fixed_day_with_their_next_step() {
        let today = day(7, 1);
        let mut cv = member(2);
        cv.cv_ready = true;
        let mut waiting = member(3);
        waiting.first_application = Some(day(6, 10));
        let mut recent = member(4);
        recent.first_application = Some(day(6, 25));
        let mut signed = member(5);
        signed.signed = Some(day(6, 30));
        let mut interviewed = member(6);
        interviewed.first_application = Some(day(6, 2));
        interviewed.interview = true;
        let list = at_risk(
            &[member(1), cv, waiting, recent, signed, interviewed],
            today,
        );
        let got: Vec<(i64, Vec<Risk>)> = list
            .iter()
            .map(|r| (r.young_person_id, r.risks.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (1, vec![Risk::NoApplication]),
                (2, vec![Risk::NoApplication]),
                (3, vec![Risk::NoInterview])
            ]
        );
        assert!(list[0].next_step.starts_with("Finir le CV"));
        assert!(list[1].next_step.starts_with("Choisir"));
        // Fourteen days after its first application, the recent one is at risk too.
        let mut recent = member(4);
        recent.first_application = Some(day(6, 25));
        assert_eq!(at_risk(std::slice::from_ref(&recent), day(7, 8)).len(), 0);
        assert_eq!(at_risk(&[recent], day(7, 9)).len(), 1);
    }

    #[test]
    fn no_activity_attended_for_14_days() {
        assert!(!inactive_since_attendance(&[], day(6, 1), day(6, 14)));
        assert!(inactive_since_attendance(&[], day(6, 1), day(6, 15)));
        assert!(!inactive_since_attendance(
            &[day(6, 10)],
            day(6, 1),
            day(6, 23)
        ));
        assert!(inactive_since_attendance(
            &[day(6, 10)],
            day(6, 1),
            day(6, 24)
        ));
        let mut m = member(1);
        m.first_application = Some(day(6, 2));
        m.interview = true;
        m.attended = Some(vec![day(6, 3)]);
        assert_eq!(at_risk(&[m], day(6, 20))[0].risks, [Risk::Inactive]);
    }

    #[test]
    fn the_burn_up_counts_week_by_week_and_projects_the_pace() {
        let b = burn_up(
            day(6, 1),
            day(9, 30),
            10,
            &[day(6, 10), day(6, 20), day(7, 1)],
            day(7, 1),
        );
        assert_eq!(b.signed, 3);
        assert_eq!(b.points.first().unwrap().signed, 0);
        assert_eq!(
            b.points.last().unwrap(),
            &Point {
                day: day(7, 1),
                signed: 3
            }
        );
        assert_eq!(
            b.points[2],
            Point {
                day: day(6, 15),
                signed: 1
            }
        );
        // 3 in 30 days, 121 days in the season: 12 at this pace, at most the 10 members.
        assert_eq!(b.projection, Some(10));
        let slow = burn_up(day(6, 1), day(9, 30), 10, &[day(6, 10)], day(7, 1));
        assert_eq!(slow.projection, Some(4));
        let before = burn_up(day(6, 1), day(9, 30), 10, &[], day(5, 1));
        assert_eq!((before.points.len(), before.projection), (0, None));
        let after = burn_up(day(6, 1), day(9, 30), 3, &[day(9, 1)], day(11, 1));
        assert_eq!(after.points.last().unwrap().day, day(9, 30));
        assert_eq!(after.projection, Some(1));
    }
}
