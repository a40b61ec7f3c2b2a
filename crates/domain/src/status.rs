//! Where an offer is in its life, and why it left the catalogue.

use serde::Serialize;

/// Where an offer is in its life: `brouillon` → `a_valider` → `publiee` → `pourvue` |
/// `expiree` | `retiree`; a published offer not confirmed in time turns `a_reverifier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    Brouillon,
    AValider,
    Publiee,
    AReverifier,
    Pourvue,
    Expiree,
    Retiree,
}

impl OfferStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Brouillon => "brouillon",
            Self::AValider => "a_valider",
            Self::Publiee => "publiee",
            Self::AReverifier => "a_reverifier",
            Self::Pourvue => "pourvue",
            Self::Expiree => "expiree",
            Self::Retiree => "retiree",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        Some(match s {
            "brouillon" => Self::Brouillon,
            "a_valider" => Self::AValider,
            "publiee" => Self::Publiee,
            "a_reverifier" => Self::AReverifier,
            "pourvue" => Self::Pourvue,
            "expiree" => Self::Expiree,
            "retiree" => Self::Retiree,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Brouillon => "brouillon",
            Self::AValider => "à valider",
            Self::Publiee => "publiée",
            Self::AReverifier => "à revérifier",
            Self::Pourvue => "pourvue",
            Self::Expiree => "expirée",
            Self::Retiree => "retirée",
        }
    }

    /// Shown in the public catalogue: published, including those awaiting their periodic
    /// confirmation (they leave at the next edition unless confirmed).
    pub fn is_public(self) -> bool {
        matches!(self, Self::Publiee | Self::AReverifier)
    }
}

impl TryFrom<String> for OfferStatus {
    type Error = crate::UnknownValue;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::from_db(&s).ok_or(crate::UnknownValue(s))
    }
}

/// What an applicant whose offer closed reads, in the e-mail and on the follow-up page alike:
/// the offer closing says nothing of their profile.
pub const NOT_A_REFUSAL: &str = "Ce n'est pas un refus de votre profil.";

/// Why an offer left the catalogue, as its applicants are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosingReason {
    Filled,
    Withdrawn,
    Expired,
}

impl ClosingReason {
    /// The reason of a closed status; `None` for an offer still open.
    pub fn of(status: OfferStatus) -> Option<Self> {
        match status {
            OfferStatus::Pourvue => Some(Self::Filled),
            OfferStatus::Retiree => Some(Self::Withdrawn),
            OfferStatus::Expiree => Some(Self::Expired),
            _ => None,
        }
    }

    /// The reason whose [`ClosingReason::phrase`] this is.
    pub fn from_phrase(phrase: &str) -> Option<Self> {
        [Self::Filled, Self::Withdrawn, Self::Expired]
            .into_iter()
            .find(|r| r.phrase() == phrase)
    }

    /// The applicant's status once the offer closed: "L'offre n'est plus disponible : le poste
    /// a été pourvu", never "profil non retenu".
    pub fn applicant_status(self) -> String {
        format!("L'offre n'est plus disponible : {}", self.phrase())
    }

    /// "Votre candidature n'a pas abouti : {phrase}."
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Filled => "le poste a été pourvu",
            Self::Withdrawn => "l'offre a été retirée",
            Self::Expired => "l'offre a expiré",
        }
    }
}
