//! Who may move an offer from one status to another.
//!
//! `brouillon` → `a_valider` → (validated) → `publiee` at the Thursday edition, or at once for
//! an urgent offer → `pourvue` | `expiree` | `retiree`. A published offer not confirmed in time
//! turns `a_reverifier`; confirming it makes it `publiee` again.

use crate::{Invalid, OfferStatus};

/// Who acts on the offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A counselor or an administrator of the Mission Locale.
    Conseiller,
    /// A partner organisation, on its own offers.
    Partenaire,
    /// The server itself: editions, re-verification, expiry.
    Systeme,
}

/// What can be done to an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Send a draft for validation.
    Soumettre,
    /// A counselor accepts the offer for the next edition.
    Valider,
    /// Put it in the catalogue now, without waiting for Thursday.
    PublierMaintenant,
    /// The edition publishes a validated offer.
    PublierEdition,
    /// Confirmed by phone: published again, verification date renewed.
    Confirmer,
    /// Past its verification deadline.
    DemanderReverification,
    Pourvoir,
    Expirer,
    Retirer,
}

impl Action {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "soumettre" => Self::Soumettre,
            "valider" => Self::Valider,
            "publier" => Self::PublierMaintenant,
            "confirmer" => Self::Confirmer,
            "pourvue" => Self::Pourvoir,
            "retirer" => Self::Retirer,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Soumettre => "Envoyer pour validation",
            Self::Valider => "Valider pour l'édition de jeudi",
            Self::PublierMaintenant => "Publier tout de suite (urgent)",
            Self::PublierEdition => "Publier dans l'édition",
            Self::Confirmer => "Confirmer (appel fait)",
            Self::DemanderReverification => "À revérifier",
            Self::Pourvoir => "Marquer pourvue",
            Self::Expirer => "Expirer",
            Self::Retirer => "Retirer",
        }
    }
}

/// The status after `action`, or why it is refused. `validated` tells whether a counselor has
/// validated the offer awaiting the edition.
pub fn transition(
    status: OfferStatus,
    validated: bool,
    action: Action,
    actor: Actor,
) -> Result<OfferStatus, Invalid> {
    use Action as A;
    use OfferStatus as S;
    let refuse = |why: &str| Err(Invalid::new("statut", why.to_owned()));
    if actor == Actor::Partenaire && !matches!(action, A::Soumettre | A::Pourvoir | A::Retirer) {
        return refuse(
            "Un partenaire ne peut pas publier lui-même : un·e conseiller·e valide ses offres.",
        );
    }
    if actor != Actor::Systeme
        && matches!(
            action,
            A::PublierEdition | A::DemanderReverification | A::Expirer
        )
    {
        return refuse("Cette étape est faite par le serveur.");
    }
    match (status, action) {
        (S::Brouillon, A::Soumettre) => Ok(S::AValider),
        (S::Brouillon | S::AValider, A::Valider) => Ok(S::AValider),
        (S::Brouillon | S::AValider | S::AReverifier, A::PublierMaintenant) => Ok(S::Publiee),
        (S::AValider, A::PublierEdition) if validated => Ok(S::Publiee),
        (S::AValider, A::PublierEdition) => refuse("Cette offre n'a pas encore été validée."),
        (S::Publiee | S::AReverifier, A::Confirmer) => Ok(S::Publiee),
        (S::Publiee, A::DemanderReverification) => Ok(S::AReverifier),
        (S::Brouillon | S::AValider | S::Publiee | S::AReverifier, A::Pourvoir) => Ok(S::Pourvue),
        (S::Publiee | S::AReverifier | S::AValider, A::Expirer) => Ok(S::Expiree),
        (S::Brouillon | S::AValider | S::Publiee | S::AReverifier, A::Retirer) => Ok(S::Retiree),
        (S::Pourvue | S::Expiree | S::Retiree, _) => {
            refuse("Cette offre est close : créez-en une nouvelle.")
        }
        _ => refuse("Cette action n'est pas possible dans l'état actuel de l'offre."),
    }
}

/// The status an offer takes when a counselor extends it (the employer still recruits, the
/// start date moves): an offer that was in the catalogue goes back to it, one awaiting the
/// edition keeps waiting; a filled or withdrawn offer stays closed.
pub fn extension(status: OfferStatus, was_published: bool) -> Result<OfferStatus, Invalid> {
    use OfferStatus as S;
    match status {
        S::Publiee | S::AReverifier => Ok(S::Publiee),
        S::Expiree if was_published => Ok(S::Publiee),
        S::Brouillon | S::AValider => Ok(status),
        S::Expiree => Ok(S::AValider),
        S::Pourvue | S::Retiree => Err(Invalid::new(
            "statut",
            "Cette offre a été pourvue ou retirée : créez-en une nouvelle.",
        )),
    }
}

/// Whether a partner's change to the offer's content waits for a counselor instead of going
/// live: once a counselor has validated an offer, or it is in the catalogue, what the public
/// reads is what a counselor read. A draft, or an offer not validated yet, changes at once.
pub fn partner_change_waits(status: OfferStatus, validated: bool) -> bool {
    validated || status.is_public()
}

/// The actions a person may be offered on an offer in this status.
pub fn available(status: OfferStatus, validated: bool, actor: Actor) -> Vec<Action> {
    [
        A::Soumettre,
        A::Valider,
        A::PublierMaintenant,
        A::Confirmer,
        A::Pourvoir,
        A::Retirer,
    ]
    .into_iter()
    .filter(|a| !(*a == A::Valider && validated))
    .filter(|a| transition(status, validated, *a, actor).is_ok())
    .collect()
}

use Action as A;

#[cfg(test)]
mod tests {
    use super::*;
    use OfferStatus as S;

    #[test]
    fn extending_brings_an_expired_offer_back_but_not_a_filled_one() {
        assert_eq!(extension(S::Expiree, true), Ok(S::Publiee));
        assert_eq!(extension(S::AReverifier, true), Ok(S::Publiee));
        assert_eq!(extension(S::Expiree, false), Ok(S::AValider));
        assert!(extension(S::Pourvue, true).is_err());
        assert!(extension(S::Retiree, true).is_err());
    }

    #[test]
    fn the_normal_path_of_an_offer() {
        let s = transition(S::Brouillon, false, A::Soumettre, Actor::Partenaire).unwrap();
        assert_eq!(s, S::AValider);
        assert!(
            transition(s, false, A::PublierEdition, Actor::Systeme).is_err(),
            "not validated yet"
        );
        let s = transition(s, false, A::Valider, Actor::Conseiller).unwrap();
        let s = transition(s, true, A::PublierEdition, Actor::Systeme).unwrap();
        assert_eq!(s, S::Publiee);
        let s = transition(s, true, A::DemanderReverification, Actor::Systeme).unwrap();
        assert_eq!(s, S::AReverifier);
        let s = transition(s, true, A::Confirmer, Actor::Conseiller).unwrap();
        assert_eq!(
            transition(s, true, A::Pourvoir, Actor::Conseiller).unwrap(),
            S::Pourvue
        );
    }

    #[test]
    fn partners_cannot_validate_or_publish() {
        for a in [A::Valider, A::PublierMaintenant, A::Confirmer] {
            assert!(
                transition(S::AValider, false, a, Actor::Partenaire).is_err(),
                "{a:?}"
            );
        }
        assert_eq!(
            transition(S::Publiee, true, A::Retirer, Actor::Partenaire).unwrap(),
            S::Retiree
        );
    }

    #[test]
    fn closed_offers_stay_closed() {
        for s in [S::Pourvue, S::Expiree, S::Retiree] {
            for a in [
                A::Soumettre,
                A::Valider,
                A::PublierMaintenant,
                A::Confirmer,
                A::Retirer,
            ] {
                let e = transition(s, true, a, Actor::Conseiller).unwrap_err();
                assert!(e.message.contains("close"), "{s:?} {a:?}");
            }
        }
    }

    #[test]
    fn only_the_server_runs_editions_and_deadlines() {
        for a in [A::PublierEdition, A::DemanderReverification, A::Expirer] {
            assert!(transition(S::Publiee, true, a, Actor::Conseiller).is_err());
        }
    }

    #[test]
    fn partner_changes_wait_once_a_counselor_has_validated() {
        assert!(!partner_change_waits(S::Brouillon, false));
        assert!(!partner_change_waits(S::AValider, false));
        assert!(partner_change_waits(S::AValider, true));
        assert!(partner_change_waits(S::Publiee, true));
        assert!(
            partner_change_waits(S::Publiee, false),
            "published without a date"
        );
        assert!(partner_change_waits(S::AReverifier, true));
    }

    #[test]
    fn offered_actions_match_the_rules() {
        assert_eq!(
            available(S::AValider, false, Actor::Partenaire),
            [A::Pourvoir, A::Retirer]
        );
        assert_eq!(
            available(S::AValider, false, Actor::Conseiller),
            [A::Valider, A::PublierMaintenant, A::Pourvoir, A::Retirer]
        );
        assert_eq!(
            available(S::AValider, true, Actor::Conseiller),
            [A::PublierMaintenant, A::Pourvoir, A::Retirer]
        );
        assert!(available(S::Retiree, true, Actor::Conseiller).is_empty());
    }
}
