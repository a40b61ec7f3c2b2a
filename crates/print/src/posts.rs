//! The post texts suggested with each edition, one per network, within its length limit,
//! with hashtags and the tracked link (`?via=` of the network).

/// A network the kit writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    /// Its `?via=` channel.
    pub channel: &'static str,
    pub name: &'static str,
    /// The file in the kit.
    pub file: &'static str,
    /// Characters a post may have there.
    pub limit: usize,
    /// Hashtags a post may carry there.
    pub max_hashtags: usize,
    /// Links in the text are clickable (not on Instagram: "lien en bio").
    pub links: bool,
    /// How many offers to list at most, for a post one reads on a phone.
    pub max_offers: usize,
}

/// Limits as each network documents them: Facebook 63 206 characters, Instagram 2 200 and 30
/// hashtags, LinkedIn 3 000, Bluesky 300, X 280 (counted here in full, links included).
pub const NETWORKS: [Network; 5] = [
    Network {
        channel: "facebook",
        name: "Facebook",
        file: "facebook.txt",
        limit: 63_206,
        max_hashtags: 8,
        links: true,
        max_offers: 15,
    },
    Network {
        channel: "instagram",
        name: "Instagram",
        file: "instagram.txt",
        limit: 2_200,
        max_hashtags: 30,
        links: false,
        max_offers: 20,
    },
    Network {
        channel: "linkedin",
        name: "LinkedIn",
        file: "linkedin.txt",
        limit: 3_000,
        max_hashtags: 5,
        links: true,
        max_offers: 12,
    },
    Network {
        channel: "bluesky",
        name: "Bluesky",
        file: "bluesky.txt",
        limit: 300,
        max_hashtags: 3,
        links: true,
        max_offers: 0,
    },
    Network {
        channel: "x",
        name: "X",
        file: "x.txt",
        limit: 280,
        max_hashtags: 3,
        links: true,
        max_offers: 0,
    },
];

/// One new offer of the edition, as a post lists it.
pub struct PostOffer {
    pub title: String,
    pub company: String,
    pub commune: String,
    /// The offer's address without `?via=`.
    pub url: String,
}

pub struct EditionPosts {
    pub count: usize,
    /// "L'Aigle et Mortagne-au-Perche".
    pub around: String,
    pub territory: String,
    /// The edition's address without `?via=`.
    pub url: String,
    pub offers: Vec<PostOffer>,
    /// Place names turned into hashtags after the general ones.
    pub places: Vec<String>,
}

pub(crate) fn via(url: &str, channel: &str) -> String {
    format!("{url}?via={channel}")
}

pub(crate) fn len(s: &str) -> usize {
    s.chars().count()
}

/// "Mortagne-au-Perche" → "#MortagneAuPerche", "L'Aigle" → "#LAigle".
pub fn hashtag(name: &str) -> String {
    let mut tag = String::from("#");
    let mut upper = true;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if upper {
                tag.extend(c.to_uppercase());
            } else {
                tag.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    tag
}

impl EditionPosts {
    fn headline(&self) -> String {
        match self.count {
            0 => format!(
                "Pas de nouvelle offre d'apprentissage cette semaine autour de {}, mais le catalogue reste ouvert",
                self.around
            ),
            1 => format!(
                "1 nouvelle offre d'apprentissage cette semaine autour de {}",
                self.around
            ),
            n => format!(
                "{n} nouvelles offres d'apprentissage cette semaine autour de {}",
                self.around
            ),
        }
    }

    fn hashtags(&self, max: usize) -> Vec<String> {
        let mut tags: Vec<String> = [
            "#apprentissage",
            "#alternance",
            "#emploi",
            "#jeunes",
            "#MissionLocale",
        ]
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
        tags.insert(2, "#Orne".into());
        for p in &self.places {
            let t = hashtag(p);
            if t.len() > 1 && !tags.contains(&t) {
                tags.push(t);
            }
        }
        tags.truncate(max);
        tags
    }

    /// The post for `network`, never longer than its limit.
    pub fn post(&self, network: &Network) -> String {
        let link = via(&self.url, network.channel);
        let mut head = format!("{} !\n\n", self.headline());
        let mut items: Vec<String> = self
            .offers
            .iter()
            .take(network.max_offers)
            .map(|o| {
                if network.links {
                    format!(
                        "• {} – {}, {} : {}\n",
                        o.title,
                        o.company,
                        o.commune,
                        via(&o.url, network.channel)
                    )
                } else {
                    format!("• {} – {}, {}\n", o.title, o.company, o.commune)
                }
            })
            .collect();
        let foot = if network.links {
            format!(
                "\nToutes les offres, sans compte, avec ou sans CV : {link}\nBesoin d'aide pour postuler ? La {} vous accompagne.\n",
                self.territory
            )
        } else {
            format!(
                "\nToutes les offres, sans compte, avec ou sans CV : lien en bio ({link}).\nBesoin d'aide pour postuler ? La {} vous accompagne.\n",
                self.territory
            )
        };
        if network.max_offers == 0 {
            // A short network: the headline, the link, what hashtags fit.
            head = format!("{} : {link}", self.headline());
            let mut text = head.clone();
            for t in self.hashtags(network.max_hashtags) {
                if len(&text) + 1 + len(&t) <= network.limit {
                    text.push(' ');
                    text.push_str(&t);
                }
            }
            if len(&text) > network.limit {
                text = format!("Nouvelles offres d'apprentissage cette semaine : {link}");
            }
            return text;
        }
        let others = |shown: usize| {
            let rest = self.offers.len() - shown;
            match rest {
                0 => String::new(),
                1 => "… et 1 autre offre.\n".to_owned(),
                n => format!("… et {n} autres offres.\n"),
            }
        };
        let tags = self.hashtags(network.max_hashtags).join(" ");
        loop {
            let text = format!(
                "{head}{}{}{foot}\n{tags}",
                items.concat(),
                others(items.len())
            );
            if len(&text) <= network.limit || items.is_empty() {
                if len(&text) <= network.limit {
                    return text;
                }
                // Even without any offer listed it is too long: headline and link only.
                return format!("{}.\n{link}", self.headline())
                    .chars()
                    .take(network.limit)
                    .collect();
            }
            items.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition(n: usize) -> EditionPosts {
        EditionPosts {
            count: n,
            around: "L'Aigle et Mortagne-au-Perche".into(),
            territory: "Mission Locale de L'Aigle-Mortagne".into(),
            url: "https://offres.example.fr/editions/12".into(),
            offers: (0..n)
                .map(|i| PostOffer {
                    title: format!("Installateur mainteneur / Installatrice mainteneuse en systèmes solaires n° {i}"),
                    company: "Entreprise Fictive du Perche".into(),
                    commune: "Mortagne-au-Perche".into(),
                    url: format!("https://offres.example.fr/offres/{i}"),
                })
                .collect(),
            places: vec!["L'Aigle".into(), "Mortagne-au-Perche".into()],
        }
    }

    #[test]
    fn every_post_within_its_limit_with_its_channel() {
        for n in [0, 1, 12, 50, 300] {
            let e = edition(n);
            for net in NETWORKS {
                let p = e.post(&net);
                assert!(len(&p) <= net.limit, "{} {n}: {}", net.name, len(&p));
                assert!(
                    p.contains(&format!("?via={}", net.channel)),
                    "{}: {p}",
                    net.name
                );
                assert!(p.contains("#apprentissage"), "{}: {p}", net.name);
                assert!(p.matches('#').count() <= net.max_hashtags);
            }
        }
        let p = edition(50).post(&NETWORKS[2]);
        assert!(p.contains("autres offres"), "{p}");
        assert_eq!(hashtag("Mortagne-au-Perche"), "#MortagneAuPerche");
        assert_eq!(hashtag("L'Aigle"), "#LAigle");
    }
}
