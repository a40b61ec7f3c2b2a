//! Applications, one module a feature: the public form and its limits, the follow-up link, the
//! employer's answer, notices when an offer closes, the counselors' pipeline, personal data.

#[path = "../support/mod.rs"]
mod support;

mod common;
mod commune;
mod fermetures;
mod formulaire;
mod gestion_candidatures;
mod lien;
mod personnes;
mod reponses;
mod stockage;
mod suivi;
