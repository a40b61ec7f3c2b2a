//! Promos with no HTTP in them: the counselors to choose from, what the board knows of each
//! member, a milestone recorded (closing the loop with its application), the season's results,
//! and CSV lines for the exports.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use tremplin_domain::application::ApplicationStatus;
use tremplin_domain::board::MemberFacts;
use tremplin_domain::promo::{MilestoneInput, MilestoneKind};
use tremplin_storage::applications::Application;
use tremplin_storage::{Member, Milestone, Promo, Role};

use crate::shell::dates::paris_today;
use crate::{AppState, WebError};

/// The accounts that may follow young people and lead promos: active counselors and
/// administrators, as (id, e-mail).
pub async fn counselors(state: &AppState) -> Result<Vec<(i64, String)>, WebError> {
    Ok(state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.active && matches!(u.role, Role::Conseiller | Role::Admin))
        .map(|u| (u.id, u.email))
        .collect())
}

/// What the board knows of each member of a promo: their milestones, their applications, and
/// the days they attended an activity (marked present on its sheet; absent or excused do not
/// count), from which [`tremplin_domain::board::at_risk`] applies the 14-day rule
/// ([`tremplin_domain::board::inactive_since_attendance`]).
pub async fn member_facts(
    state: &AppState,
    promo: i64,
    members: &[Member],
    milestones: &[Milestone],
) -> Result<Vec<MemberFacts>, WebError> {
    let mut attended = crate::services::promo_activities::attended_days(state, promo).await?;
    let mut facts = Vec::new();
    for m in members {
        let id = m.person.id;
        let mine: Vec<&Milestone> = milestones
            .iter()
            .filter(|x| x.young_person_id == id)
            .collect();
        let on = |k: MilestoneKind| mine.iter().find(|x| x.kind == k).map(|x| x.on_day);
        let applications = state.store.applications_of_young_person(id).await?;
        let first_sent = applications.iter().map(|a| paris_today(a.created_at)).min();
        let first_application = match (on(MilestoneKind::PremiereCandidature), first_sent) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let interview = on(MilestoneKind::Entretien).is_some()
            || applications.iter().any(|a| {
                matches!(
                    a.status,
                    ApplicationStatus::Entretien
                        | ApplicationStatus::Retenue
                        | ApplicationStatus::ContratSigne
                )
            });
        facts.push(MemberFacts {
            young_person_id: id,
            name: m.person.name(),
            joined: m.joined_on,
            cv_ready: on(MilestoneKind::CvPret).is_some(),
            first_application,
            interview,
            signed: on(MilestoneKind::ContratSigne),
            attended: Some(attended.remove(&id).unwrap_or_default()),
        });
    }
    Ok(facts)
}

/// Records a milestone. A contract signed from a Tremplin application closes the loop: that
/// application becomes « Contrat signé » (and an interview recorded from one, « Entretien »,
/// unless it is further along).
pub async fn record_milestone(
    state: &AppState,
    promo: i64,
    young_person: i64,
    m: &MilestoneInput,
    applications: &[Application],
) -> Result<(), WebError> {
    let now = state.clock.now();
    state
        .store
        .record_milestone(promo, young_person, m, now)
        .await?;
    let Some(a) = m
        .application_id
        .and_then(|id| applications.iter().find(|a| a.id == id))
    else {
        return Ok(());
    };
    let next = match m.kind {
        MilestoneKind::ContratSigne if a.status != ApplicationStatus::ContratSigne => {
            Some(ApplicationStatus::ContratSigne)
        }
        MilestoneKind::Entretien
            if matches!(
                a.status,
                ApplicationStatus::Envoyee | ApplicationStatus::Vue
            ) =>
        {
            Some(ApplicationStatus::Entretien)
        }
        _ => None,
    };
    if let Some(status) = next {
        state
            .store
            .set_application_status(a.id, status, None, now)
            .await?;
    }
    Ok(())
}

/// One line of the season's results: members and contracts signed by the goal date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultLine {
    pub label: String,
    pub members: u32,
    pub signed: u32,
}

impl ResultLine {
    pub fn rate(&self) -> String {
        if self.members == 0 {
            "–".to_owned()
        } else {
            format!("{} %", self.signed * 100 / self.members)
        }
    }
}

/// The results of the promos whose season starts in `year`: per promo, and per counselor in
/// charge of the members (« sans conseiller·e » for members without one): every contract
/// signed counts, as on the board.
pub async fn season_results(
    state: &AppState,
    year: i32,
) -> Result<(Vec<ResultLine>, Vec<ResultLine>), WebError> {
    let promos: Vec<Promo> = state
        .store
        .promos()
        .await?
        .into_iter()
        .filter(|p| p.season_start.year() == year)
        .collect();
    let mut per_promo = Vec::new();
    let mut per_counselor: HashMap<String, ResultLine> = HashMap::new();
    for p in &promos {
        let members = state.store.promo_members(p.id).await?;
        let milestones = state.store.promo_milestones(p.id).await?;
        let signed_by = |id: i64| {
            milestones
                .iter()
                .any(|m| m.young_person_id == id && m.kind == MilestoneKind::ContratSigne)
        };
        let mut line = ResultLine {
            label: p.name.clone(),
            members: 0,
            signed: 0,
        };
        for m in &members {
            let signed = u32::from(signed_by(m.person.id));
            line.members += 1;
            line.signed += signed;
            let who = m
                .person
                .counselor_email
                .clone()
                .unwrap_or_else(|| "sans conseiller·e".to_owned());
            let c = per_counselor.entry(who.clone()).or_insert(ResultLine {
                label: who,
                members: 0,
                signed: 0,
            });
            c.members += 1;
            c.signed += signed;
        }
        per_promo.push(line);
    }
    let mut per_counselor: Vec<ResultLine> = per_counselor.into_values().collect();
    per_counselor.sort_by(|a, b| a.label.cmp(&b.label));
    Ok((per_promo, per_counselor))
}

/// The seasons that have promos, latest first.
pub async fn seasons(state: &AppState) -> Result<Vec<i32>, WebError> {
    let mut years: Vec<i32> = state
        .store
        .promos()
        .await?
        .iter()
        .map(|p| p.season_start.year())
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

/// One CSV line, separated by semicolons (what a French spreadsheet opens), every field
/// quoted when it holds a separator, a quote or a line break; a field starting with `=`, `+`,
/// `-` or `@` gets a leading apostrophe so that no spreadsheet reads it as a formula.
pub fn csv_line(fields: &[&str]) -> String {
    let mut out = fields
        .iter()
        .map(|f| {
            let f = if f.starts_with(['=', '+', '-', '@']) {
                format!("'{f}")
            } else {
                (*f).to_owned()
            };
            if f.contains([';', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f
            }
        })
        .collect::<Vec<_>>()
        .join(";");
    out.push_str("\r\n");
    out
}

/// `JJ/MM/AAAA`, as i-milo and French spreadsheets take dates.
pub fn csv_day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(
            csv_line(&["a", "b;c", "d\"e", "=1+1", ""]),
            "a;\"b;c\";\"d\"\"e\";'=1+1;\r\n"
        );
    }
}
