//! Deterministic synthetic offers over real communes and ROME métiers, and the query mix.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use tremplin_domain::ContractType;
use tremplin_referentiels::{Communes, Rome, fold};
use tremplin_search::OfferDoc;

mod vocabulary;
use vocabulary::{COMPANY_KINDS, DOMAINS, FILLER, GENERAL, NAMES, QUALIFIERS};

/// xorshift64*: tiny, deterministic, good enough for synthetic data.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Index into cumulative weights.
fn weighted(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let total = *cumulative.last().expect("weights");
    let x = rng.unit() * total;
    cumulative
        .partition_point(|&c| c <= x)
        .min(cumulative.len() - 1)
}

fn cumulate(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut sum = 0.0;
    weights
        .map(|w| {
            sum += w;
            sum
        })
        .collect()
}

/// The fixed "now" of the synthetic catalogue.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 1).expect("date")
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 1, 8, 0, 0)
        .single()
        .expect("date")
}

/// A commune offers and searches are placed in.
#[derive(Debug, Clone)]
pub struct Place {
    pub code: String,
    /// What a person's search names it by: "L'Aigle (61300)".
    pub key: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

pub struct World {
    /// Communes with inhabitants, drawn by population.
    communes: Vec<Place>,
    by_population: Vec<f64>,
    metiers: Vec<(String, String, usize)>,
    general: Vec<f64>,
    levels: Vec<f64>,
}

impl World {
    /// Every metropolitan commune.
    pub fn load() -> Self {
        let mut deps: Vec<String> = (1..=95)
            .filter(|&d| d != 20)
            .map(|d| format!("{d:02}"))
            .collect();
        deps.extend(["2A".to_owned(), "2B".to_owned()]);
        Self::load_in(&deps)
    }

    /// The communes of these départements only (a region).
    pub fn load_in(deps: &[String]) -> Self {
        let all = Communes::embedded().expect("embedded communes");
        let mut communes = Vec::new();
        let mut populations = Vec::new();
        // The communes are only reachable by code; walk every code of each département.
        for dep in deps {
            for n in 1..=999 {
                let code = format!("{dep}{n:03}");
                if let Some(c) = all.get(&code)
                    && c.population > 0
                {
                    communes.push(Place {
                        key: c.link_key(),
                        code,
                        name: c.name.clone(),
                        lat: c.lat,
                        lon: c.lon,
                    });
                    populations.push(f64::from(c.population));
                }
            }
        }
        assert!(!communes.is_empty(), "no commune in {deps:?}");
        let rome = Rome::embedded();
        let mut metiers = Vec::new();
        for letter in 'A'..='N' {
            let domain = DOMAINS
                .iter()
                .position(|(l, _)| *l == letter)
                .expect("domain");
            for digit in 1..=9 {
                for m in rome.search(&format!("{letter}{digit}"), 10_000) {
                    metiers.push((m.code.clone(), m.label.clone(), domain));
                }
            }
        }
        assert!(metiers.len() > 1500, "ROME métiers: {}", metiers.len());
        Self {
            communes,
            by_population: cumulate(populations.into_iter()),
            metiers,
            general: cumulate((0..GENERAL.len()).map(|r| 1.0 / (r as f64 + 1.0))),
            levels: cumulate([35.0, 30.0, 18.0, 10.0, 7.0].into_iter()),
        }
    }

    pub fn communes(&self) -> usize {
        self.communes.len()
    }

    pub fn offers(&self, n: usize) -> impl Iterator<Item = OfferDoc> + '_ {
        self.placed_offers(n).map(|(_, offer)| offer)
    }

    /// Offers with the INSEE code of their commune.
    pub fn placed_offers(&self, n: usize) -> impl Iterator<Item = (&Place, OfferDoc)> + '_ {
        let mut rng = Rng::new(0x7e3d_1a2b_5c4f_9e01);
        (0..n).map(move |i| self.offer(&mut rng, i as i64 + 1))
    }

    /// A commune drawn by population, as people search near where they live.
    pub fn place(&self, rng: &mut Rng) -> &Place {
        &self.communes[weighted(rng, &self.by_population)]
    }

    fn offer(&self, rng: &mut Rng, id: i64) -> (&Place, OfferDoc) {
        let (code, label, domain) = rng.pick(&self.metiers).clone();
        let place = self.place(rng);
        let (commune, lat, lon) = (&place.name, place.lat, place.lon);
        let qualifier = rng.pick(QUALIFIERS);
        let title = if qualifier.is_empty() {
            label.clone()
        } else {
            format!("{label} {qualifier}")
        };
        let words = 30 + rng.below(51);
        let domain_words = DOMAINS[domain].1;
        let mut description = String::with_capacity(words * 9);
        for w in 0..words {
            let word = if rng.chance(0.25) {
                rng.pick(FILLER)
            } else if rng.chance(0.45) {
                rng.pick(domain_words)
            } else {
                GENERAL[weighted(rng, &self.general)]
            };
            if w > 0 {
                description.push(if rng.chance(0.08) { '.' } else { ' ' });
                if description.ends_with('.') {
                    description.push(' ');
                }
            }
            description.push_str(word);
        }
        description.push('.');
        let level = 3 + weighted(rng, &self.levels) as u8;
        let contract = if rng.chance(0.85) {
            ContractType::Apprentissage
        } else {
            ContractType::Professionnalisation
        };
        let start = (!rng.chance(0.2)).then(|| today() + Duration::days(rng.below(180) as i64));
        let published = now() - Duration::seconds(rng.below(60 * 86_400) as i64);
        let doc = OfferDoc {
            id,
            title,
            description,
            rome_codes: vec![code],
            rome_labels: vec![label],
            company: format!("{} {}", rng.pick(COMPANY_KINDS), rng.pick(NAMES)),
            commune: commune.clone(),
            // Offers sit at addresses around the commune's centre (about ±1 km).
            lat: lat + (rng.unit() - 0.5) * 0.02,
            lon: lon + (rng.unit() - 0.5) * 0.03,
            level: Some(level),
            contract,
            rqth: rng.chance(0.2),
            start,
            published_at: Some(published),
        };
        (place, doc)
    }

    /// Words people type in the search box.
    pub fn vocabulary() -> Vec<&'static str> {
        let mut vocabulary: Vec<&str> = GENERAL
            .iter()
            .chain(DOMAINS.iter().flat_map(|(_, w)| w.iter()))
            .copied()
            .collect();
        vocabulary.sort_unstable();
        vocabulary.dedup();
        vocabulary
    }

    /// The fixed query mix.
    pub fn queries(&self, n: usize) -> Vec<Query> {
        let mut rng = Rng::new(0x51ed_2701_aa0b_cafe);
        let vocabulary = Self::vocabulary();
        (0..n)
            .map(|_| {
                let mut words = vec![*rng.pick(&vocabulary)];
                if rng.chance(0.3) {
                    // A second word of the same trade, as people type "cuisine restaurant".
                    let domain = DOMAINS
                        .iter()
                        .find(|(_, w)| w.contains(&words[0]))
                        .map_or(GENERAL, |(_, w)| *w);
                    let second = *rng.pick(domain);
                    if second != words[0] {
                        words.push(second);
                    }
                }
                let words: Vec<String> = words
                    .into_iter()
                    .map(|w| {
                        if !w.is_ascii() && rng.chance(0.4) {
                            fold(w)
                        } else {
                            w.to_owned()
                        }
                    })
                    .collect();
                let Place { lat, lon, .. } = *self.place(&mut rng);
                let filter = match rng.below(3) {
                    0 => Filter::Levels(
                        rng.pick(&[&[3u8, 4][..], &[3], &[4], &[5], &[5, 6], &[6, 7]])
                            .to_vec(),
                    ),
                    1 => Filter::Contract(if rng.chance(0.5) {
                        ContractType::Apprentissage
                    } else {
                        ContractType::Professionnalisation
                    }),
                    _ => Filter::Rqth,
                };
                Query {
                    words,
                    lat,
                    lon,
                    radius_km: 30.0,
                    filter,
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
pub enum Filter {
    Levels(Vec<u8>),
    Contract(ContractType),
    Rqth,
}

#[derive(Debug, Clone)]
pub struct Query {
    pub words: Vec<String>,
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
    pub filter: Filter,
}
