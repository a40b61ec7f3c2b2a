//! The post suggested for a pépite, one per network, within its limit: who the young person
//! is (first name or pseudonym, age, trades, area: never more), and the tracked link to the
//! portrait (`?via=` of the network), where employers ask to meet them.

use crate::posts::{Network, hashtag, len, via};

/// A pépite as its post presents it.
pub struct PepitePost {
    pub name: String,
    pub age: u32,
    pub trades: Vec<String>,
    /// The EPCI or commune, never more precise.
    pub area: String,
    /// "vendredi 1er janvier 2027".
    pub available_from: String,
    pub territory: String,
    /// The portrait's address without `?via=`.
    pub url: String,
    /// Place names turned into hashtags after the general ones.
    pub places: Vec<String>,
}

impl PepitePost {
    fn hashtags(&self, max: usize) -> Vec<String> {
        let mut tags: Vec<String> = [
            "#apprentissage",
            "#recrutement",
            "#NosPépites",
            "#MissionLocale",
        ]
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
        for p in &self.places {
            let t = hashtag(p);
            if t.len() > 1 && !tags.contains(&t) {
                tags.push(t);
            }
        }
        tags.truncate(max);
        tags
    }

    /// "Boulanger / Boulangère ou Pâtissier / Pâtissière".
    fn trades(&self) -> String {
        match self.trades.as_slice() {
            [] => "un métier à découvrir".to_owned(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} ou {last}", rest.join(", ")),
        }
    }

    /// The post for `network`, never longer than its limit.
    pub fn post(&self, network: &Network) -> String {
        let link = via(&self.url, network.channel);
        let who = format!("{}, {} ans", self.name, self.age);
        if network.max_offers == 0 {
            // A short network: who, what, the link, what hashtags fit.
            let mut text = format!(
                "Nos pépites : {who} cherche un apprentissage ({}). Son portrait : {link}",
                self.trades()
            );
            if len(&text) > network.limit {
                text = format!("Nos pépites : {who} cherche un apprentissage. {link}");
            }
            for t in self.hashtags(network.max_hashtags) {
                if len(&text) + 1 + len(&t) <= network.limit {
                    text.push(' ');
                    text.push_str(&t);
                }
            }
            return text.chars().take(network.limit).collect();
        }
        let meet = format!(
            "Son portrait vidéo, et « Je souhaite rencontrer {} » : la {} organise la rencontre.",
            self.name, self.territory
        );
        let at = if network.links {
            link
        } else {
            format!("lien en bio ({link})")
        };
        let text = format!(
            "Nos pépites : {who}, cherche un apprentissage : {}.\n{}, disponible à partir du {}.\n\n{meet}\n{at}\n\n{}",
            self.trades(),
            self.area,
            self.available_from,
            self.hashtags(network.max_hashtags).join(" ")
        );
        if len(&text) <= network.limit {
            text
        } else {
            format!("Nos pépites : {who}. {at}")
                .chars()
                .take(network.limit)
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::NETWORKS;

    fn post(trades: usize) -> PepitePost {
        PepitePost {
            name: "Inès".into(),
            age: 22,
            trades: (0..trades)
                .map(|i| format!("Installateur mainteneur / Installatrice mainteneuse en systèmes solaires n° {i}"))
                .collect(),
            area: "Communauté de communes des Hauts du Perche".into(),
            available_from: "lundi 4 janvier 2027".into(),
            territory: "Mission Locale de L'Aigle-Mortagne".into(),
            url: "https://offres.example.fr/pepites/7".into(),
            places: vec!["L'Aigle".into(), "Mortagne-au-Perche".into()],
        }
    }

    #[test]
    fn every_post_within_its_limit_with_its_channel_and_nothing_precise() {
        for n in [0, 1, 3, 60] {
            let p = post(n);
            for net in NETWORKS {
                let text = p.post(&net);
                assert!(len(&text) <= net.limit, "{} {n}: {}", net.name, len(&text));
                assert!(
                    text.contains(&format!("/pepites/7?via={}", net.channel)),
                    "{}: {text}",
                    net.name
                );
                assert!(text.contains("Inès, 22 ans"), "{}: {text}", net.name);
                assert!(text.matches('#').count() <= net.max_hashtags);
            }
        }
        let facebook = post(1).post(&NETWORKS[0]);
        assert!(facebook.contains("Hauts du Perche"), "{facebook}");
        assert!(
            facebook.contains("Je souhaite rencontrer Inès"),
            "{facebook}"
        );
        assert!(facebook.contains("#apprentissage"), "{facebook}");
        let instagram = post(1).post(&NETWORKS[1]);
        assert!(instagram.contains("lien en bio"), "{instagram}");
    }
}
