//! The back office, one module a feature: signing in, who may do what, offers and their life
//! cycle, the edition, the network, tokens, the dashboard, accounts and territory settings.

#[path = "../support/mod.rs"]
mod support;

mod acces;
mod connexion;
mod csrf;
mod editions;
mod jetons;
mod offres_gestion;
mod offres_noms;
mod reseau;
mod semaine;
mod semaine_edition;
mod tableau_de_bord;
mod territoire;
