//! A registration to a public event, as the form sends it: who, how to reach them, their
//! commune, and a minor's guardian when the event asks for one.

use super::text;
use crate::{CodeInsee, Email, Invalid, Telephone};

/// A registration to a public event as the form sends it, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationInput {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<Email>,
    pub phone: Option<Telephone>,
    pub commune: CodeInsee,
    pub minor: bool,
    pub guardian_name: Option<String>,
    pub guardian_phone: Option<Telephone>,
}

impl RegistrationInput {
    /// Reads `prenom`, `nom`, `email`, `telephone`, `commune` (INSEE code), `mineur`,
    /// `responsable_nom`, `responsable_telephone`, `consentement`. A minor gives a guardian
    /// when the event asks for one.
    pub fn parse(
        get: &dyn Fn(&str) -> String,
        guardian_required: bool,
        commune_exists: &dyn Fn(&CodeInsee) -> bool,
    ) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let mut name = |field, label: &str| {
            let v = text(field, label, &get(field), 50, true, false, &mut errors);
            if v.contains('@') || v.to_lowercase().contains("http") {
                errors.push(Invalid::new(
                    field,
                    format!("Votre {label} ne doit contenir ni adresse web ni e-mail."),
                ));
            }
            v
        };
        let first_name = name("prenom", "prénom");
        let last_name = name("nom", "nom");
        let opt = |k: &str| Some(get(k).trim().to_owned()).filter(|v| !v.is_empty());
        let email = opt("email").and_then(|e| Email::parse(&e).map_err(|e| errors.push(e)).ok());
        let phone =
            opt("telephone").and_then(|p| Telephone::parse(&p).map_err(|e| errors.push(e)).ok());
        if opt("email").is_none() && opt("telephone").is_none() {
            errors.push(Invalid::new(
                "email",
                "Indiquez un e-mail ou un téléphone pour recevoir la confirmation.",
            ));
        }
        let commune = CodeInsee::parse(&get("commune"))
            .ok()
            .filter(|c| commune_exists(c));
        if commune.is_none() {
            errors.push(Invalid::new("commune", "Indiquez votre commune."));
        }
        let minor = matches!(get("mineur").trim(), "oui" | "on" | "1");
        let (mut guardian_name, mut guardian_phone) = (None, None);
        if minor && guardian_required {
            let n = text(
                "responsable_nom",
                "Nom du parent ou responsable légal",
                &get("responsable_nom"),
                100,
                true,
                false,
                &mut errors,
            );
            guardian_name = Some(n);
            match opt("responsable_telephone").map(|p| Telephone::parse(&p)) {
                Some(Ok(t)) => guardian_phone = Some(t),
                Some(Err(e)) => errors.push(Invalid::new("responsable_telephone", e.message)),
                None => errors.push(Invalid::new(
                    "responsable_telephone",
                    "Pour un·e mineur·e, cet événement demande le téléphone d'un parent ou responsable légal.",
                )),
            }
        }
        if !matches!(get("consentement").as_str(), "oui" | "on" | "1") {
            errors.push(Invalid::new(
                "consentement",
                "Pour vous inscrire, acceptez que la Mission Locale garde ces informations le temps de l'événement.",
            ));
        }
        match commune {
            Some(commune) if errors.is_empty() => Ok(Self {
                first_name,
                last_name,
                email,
                phone,
                commune,
                minor,
                guardian_name,
                guardian_phone,
            }),
            _ => Err(errors),
        }
    }

    /// Who this is, for the limits: the e-mail, or else the phone.
    pub fn person_key(&self) -> String {
        match (&self.email, &self.phone) {
            (Some(e), _) => format!("email:{}", e.as_str().to_lowercase()),
            (None, Some(p)) => format!("tel:{}", p.as_str()),
            (None, None) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn get(fields: &[(&str, &str)]) -> impl Fn(&str) -> String {
        let map: HashMap<String, String> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned().unwrap_or_default()
    }

    #[test]
    fn a_minor_gives_a_guardian_only_when_the_event_asks() {
        let base = [
            ("prenom", "Léa"),
            ("nom", "Martin"),
            ("email", "lea@example.org"),
            ("commune", "61214"),
            ("mineur", "oui"),
            ("consentement", "oui"),
        ];
        let ok = |_: &CodeInsee| true;
        assert!(RegistrationInput::parse(&get(&base), false, &ok).is_ok());
        let e = RegistrationInput::parse(&get(&base), true, &ok).unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["responsable_nom", "responsable_telephone"]);
        let mut with = base.to_vec();
        with.extend_from_slice(&[
            ("responsable_nom", "Anne Martin"),
            ("responsable_telephone", "06 12 34 56 78"),
        ]);
        let r = RegistrationInput::parse(&get(&with), true, &ok).unwrap();
        assert_eq!(r.guardian_phone.as_ref().unwrap().as_str(), "0612345678");
        assert_eq!(r.person_key(), "email:lea@example.org");
        let e = RegistrationInput::parse(&get(&[("prenom", "x")]), false, &ok).unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["nom", "email", "commune", "consentement"]);
    }
}
