//! Who must consent before a pépite is shown, and whether they all have.
//!
//! An adult consents alone. A minor's image is protected jointly by every holder of parental
//! authority (art. 372-1 du Code civil): with two holders, one consent is not enough. The
//! young person's own consent is asked in every case (a minor's agreement matters too).
//! Each consent covers the portrait on Tremplin for employers and, separately, relay on the
//! Mission Locale's social networks and to the press; it lasts until a contract is signed and
//! at most six months; it can be withdrawn at any time.

use crate::UnknownValue;
use chrono::{Months, NaiveDate};

/// The longest a consent lasts, from the day it is given.
pub const MAX_MONTHS: u32 = 6;

/// Who gives a consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signer {
    YoungPerson,
    /// The first or second holder of parental authority.
    Holder(u8),
}

impl Signer {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::YoungPerson => "jeune",
            Self::Holder(1) => "titulaire_1",
            Self::Holder(_) => "titulaire_2",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "jeune" => Ok(Self::YoungPerson),
            "titulaire_1" => Ok(Self::Holder(1)),
            "titulaire_2" => Ok(Self::Holder(2)),
            other => Err(UnknownValue(other.to_owned())),
        }
    }
    /// For a French sentence: « le consentement de … ».
    pub fn label(self) -> &'static str {
        match self {
            Self::YoungPerson => "la personne filmée",
            Self::Holder(1) => "la première personne titulaire de l'autorité parentale",
            Self::Holder(_) => "la seconde personne titulaire de l'autorité parentale",
        }
    }
}

/// What a consent allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The portrait on Tremplin, shown to employers.
    Tremplin,
    /// Relay on the Mission Locale's social networks and to the local press.
    SocialAndPress,
}

/// How the consent came.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Online,
    Paper,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "en_ligne",
            Self::Paper => "papier",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "en_ligne" => Ok(Self::Online),
            "papier" => Ok(Self::Paper),
            other => Err(UnknownValue(other.to_owned())),
        }
    }
}

/// One recorded consent (what the rules need of it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    pub signer: Signer,
    pub name: String,
    /// Their link to the young person: « lui-même », « mère », « père », « tutrice »…
    pub link: String,
    pub given_on: NaiveDate,
    pub tremplin: bool,
    pub social_and_press: bool,
    /// Last day covered; never more than [`MAX_MONTHS`] after `given_on`.
    pub until: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    pub channel: Channel,
}

/// The last day a consent given on `given_on` may cover.
pub fn latest_end(given_on: NaiveDate) -> NaiveDate {
    given_on
        .checked_add_months(Months::new(MAX_MONTHS))
        .unwrap_or(given_on)
}

impl Consent {
    /// Whether it allows `scope` on `today`.
    pub fn covers(&self, scope: Scope, today: NaiveDate) -> bool {
        let allowed = match scope {
            Scope::Tremplin => self.tremplin,
            Scope::SocialAndPress => self.social_and_press,
        };
        allowed
            && self.withdrawn_on.is_none_or(|d| d > today)
            && self.given_on <= today
            && today <= self.until.min(latest_end(self.given_on))
    }
}

/// The consents a portrait needs: the young person, and when a minor each holder.
pub fn required(minor: bool, holders: u8) -> Vec<Signer> {
    let mut out = vec![Signer::YoungPerson];
    if minor {
        out.extend((1..=holders.clamp(1, 2)).map(Signer::Holder));
    }
    out
}

/// Why a portrait cannot be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    pub signer: Signer,
    pub withdrawn: bool,
    pub expired: bool,
}

impl Missing {
    /// A French sentence naming the missing consent.
    pub fn message(&self, scope: Scope) -> String {
        let what = match scope {
            Scope::Tremplin => "pour le portrait sur Tremplin",
            Scope::SocialAndPress => "pour les réseaux sociaux et la presse",
        };
        let state = if self.withdrawn {
            "a été retiré"
        } else if self.expired {
            "a expiré"
        } else {
            "manque"
        };
        format!("Le consentement de {} {what} {state}.", self.signer.label())
    }
}

fn missing_for(
    signer: Signer,
    consents: &[Consent],
    scope: Scope,
    today: NaiveDate,
) -> Option<Missing> {
    let mine: Vec<&Consent> = consents.iter().filter(|c| c.signer == signer).collect();
    if mine.iter().any(|c| c.covers(scope, today)) {
        return None;
    }
    Some(Missing {
        signer,
        withdrawn: mine
            .iter()
            .any(|c| c.withdrawn_on.is_some_and(|d| d <= today)),
        expired: mine
            .iter()
            .any(|c| c.withdrawn_on.is_none() && today > c.until.min(latest_end(c.given_on))),
    })
}

/// Whether every required consent allows `scope` on `today`; else the first missing one.
pub fn check(
    minor: bool,
    holders: u8,
    consents: &[Consent],
    scope: Scope,
    today: NaiveDate,
) -> Result<(), Missing> {
    match all_missing(minor, holders, consents, scope, today)
        .into_iter()
        .next()
    {
        Some(missing) => Err(missing),
        None => Ok(()),
    }
}

/// Every reason a portrait cannot be shown (for the back office list).
pub fn all_missing(
    minor: bool,
    holders: u8,
    consents: &[Consent],
    scope: Scope,
    today: NaiveDate,
) -> Vec<Missing> {
    required(minor, holders)
        .into_iter()
        .filter_map(|s| missing_for(s, consents, scope, today))
        .collect()
}

/// The day the portrait must leave the site: the earliest end among the consents it relies
/// on (a contract ends it sooner; see the pépite's history).
pub fn ends_on(
    minor: bool,
    holders: u8,
    consents: &[Consent],
    today: NaiveDate,
) -> Option<NaiveDate> {
    required(minor, holders)
        .into_iter()
        .filter_map(|signer| {
            consents
                .iter()
                .filter(|c| c.signer == signer && c.covers(Scope::Tremplin, today))
                .map(|c| c.until.min(latest_end(c.given_on)))
                .max()
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn consent(signer: Signer) -> Consent {
        Consent {
            signer,
            name: "Camille".into(),
            link: "lui-même".into(),
            given_on: day("2026-11-02"),
            tremplin: true,
            social_and_press: false,
            until: latest_end(day("2026-11-02")),
            withdrawn_on: None,
            channel: Channel::Paper,
        }
    }

    const TODAY: &str = "2026-12-02";

    #[test]
    fn adult_needs_own_consent() {
        let today = day(TODAY);
        let e = check(false, 0, &[], Scope::Tremplin, today).unwrap_err();
        assert_eq!(e.signer, Signer::YoungPerson);
        assert!(
            e.message(Scope::Tremplin).contains("la personne filmée"),
            "{}",
            e.message(Scope::Tremplin)
        );
        assert!(
            check(
                false,
                0,
                &[consent(Signer::YoungPerson)],
                Scope::Tremplin,
                today
            )
            .is_ok()
        );
        // Holders are not asked of an adult.
        assert_eq!(required(false, 2), vec![Signer::YoungPerson]);
    }

    #[test]
    fn minor_with_two_holders_needs_both() {
        let today = day(TODAY);
        let one = [consent(Signer::YoungPerson), consent(Signer::Holder(1))];
        let e = check(true, 2, &one, Scope::Tremplin, today).unwrap_err();
        assert_eq!(e.signer, Signer::Holder(2));
        assert!(
            e.message(Scope::Tremplin)
                .contains("seconde personne titulaire")
        );
        let both = [
            consent(Signer::YoungPerson),
            consent(Signer::Holder(1)),
            consent(Signer::Holder(2)),
        ];
        assert!(check(true, 2, &both, Scope::Tremplin, today).is_ok());
        // With one holder recorded, one holder's consent is enough.
        assert!(check(true, 1, &one, Scope::Tremplin, today).is_ok());
        // Parents alone are not enough: the minor is asked too.
        assert_eq!(
            check(true, 2, &both[1..], Scope::Tremplin, today)
                .unwrap_err()
                .signer,
            Signer::YoungPerson
        );
    }

    #[test]
    fn withdrawal_and_expiry_and_scopes() {
        let today = day(TODAY);
        let mut both = vec![
            consent(Signer::YoungPerson),
            consent(Signer::Holder(1)),
            consent(Signer::Holder(2)),
        ];
        assert_eq!(
            check(true, 2, &both, Scope::SocialAndPress, today)
                .unwrap_err()
                .signer,
            Signer::YoungPerson
        );
        both[2].withdrawn_on = Some(today);
        let e = check(true, 2, &both, Scope::Tremplin, today).unwrap_err();
        assert!(e.withdrawn && e.message(Scope::Tremplin).contains("retiré"));
        both[2].withdrawn_on = None;
        let later = day("2027-05-03");
        let e = check(true, 2, &both, Scope::Tremplin, later).unwrap_err();
        assert!(
            e.expired,
            "six months after 2026-11-02 is over on 2027-05-03"
        );
        assert!(check(true, 2, &both, Scope::Tremplin, day("2027-05-02")).is_ok());
        // A date written beyond six months is capped.
        both.iter_mut().for_each(|c| c.until = day("2030-01-01"));
        assert!(check(true, 2, &both, Scope::Tremplin, later).is_err());
        assert_eq!(ends_on(true, 2, &both, today), Some(day("2027-05-02")));
        assert_eq!(
            all_missing(true, 2, &both, Scope::SocialAndPress, today).len(),
            3
        );
    }
}
