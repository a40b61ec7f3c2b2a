//! Finding a commune from what a person typed: a prefix ("Mortagne"), "St"/"Ste", no hyphens
//! or apostrophes ("Laigle"), a département after the name ("Mortagne 61"), the old name of a
//! merged commune ("La Ferté-Frênel"), a small typo. The territory's communes come first, then
//! the best kind of match, then the largest; an ambiguous name gives a choice, never a guess.
//!
//! Every name (current and old) is kept once in its compact form (`fold::compact`); a lookup
//! is a scan of about 38 000 short strings (only those of a postcode's or a département's
//! communes when the input names one), and the typo pass a banded edit distance that gives up
//! after a row or two on most names.

use crate::communes::{Commune, CommuneMatch, Communes};
use crate::fold::compact;

/// The communes that matter most to the site: its territory's EPCIs, then its départements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    pub epcis: Vec<String>,
    pub departements: Vec<String>,
}

impl Focus {
    /// Only départements (what callers passed before EPCIs counted).
    pub fn departements(departements: &[String]) -> Self {
        Self {
            epcis: Vec::new(),
            departements: departements.to_vec(),
        }
    }

    fn is_empty(&self) -> bool {
        self.epcis.is_empty() && self.departements.is_empty()
    }

    /// 0: in the territory, 1: in one of its départements, 2: elsewhere.
    pub fn rank(&self, c: &Commune) -> u8 {
        if c.epci.as_ref().is_some_and(|e| self.epcis.contains(e)) {
            0
        } else if self.departements.contains(&c.departement) {
            1
        } else {
            2
        }
    }
}

/// How a name matched, best first.
const EXACT: u8 = 0;
const PREFIX: u8 = 1;
const WORD: u8 = 2;
/// Typos: `TYPO + d` for the whole name, `TYPO_PREFIX + d` for its beginning.
const TYPO: u8 = 3;
const TYPO_PREFIX: u8 = 6;
/// How many communes a choice offers.
pub const CHOICES: usize = 12;

struct Key {
    commune: u32,
    text: Box<str>,
    starts: Box<[u8]>,
}

/// Every current and old name of every commune, in compact form, and the communes by postcode,
/// INSEE code and département: a name narrowed by a postcode ("L'Aigle (61300)", what every
/// link says) or a département reads only the names of those communes, a postcode no name.
pub(crate) struct NameIndex {
    keys: Vec<Key>,
    /// `keys[first_key[i]..first_key[i + 1]]` are commune `i`'s names.
    first_key: Vec<u32>,
    /// (postcode, commune), sorted.
    postcodes: Vec<(Box<str>, u32)>,
    /// (INSEE code, commune), sorted.
    codes: Vec<(Box<str>, u32)>,
    /// (département, commune), sorted.
    departements: Vec<(Box<str>, u32)>,
}

impl NameIndex {
    pub(crate) fn new(all: &[Commune]) -> Self {
        let mut keys = Vec::with_capacity(all.len() + all.len() / 8);
        let mut first_key = Vec::with_capacity(all.len() + 1);
        let mut postcodes = Vec::with_capacity(all.len() + all.len() / 4);
        let mut codes = Vec::with_capacity(all.len());
        let mut departements = Vec::with_capacity(all.len());
        for (i, c) in all.iter().enumerate() {
            let i = i as u32;
            first_key.push(keys.len() as u32);
            for name in std::iter::once(&c.name).chain(&c.old_names) {
                let (text, starts) = compact(name);
                keys.push(Key {
                    commune: i,
                    text: text.into(),
                    starts: starts.into(),
                });
            }
            postcodes.extend(c.postcodes.iter().map(|p| (p.as_str().into(), i)));
            codes.push((c.code.as_str().into(), i));
            departements.push((c.departement.as_str().into(), i));
        }
        first_key.push(keys.len() as u32);
        postcodes.sort_unstable();
        postcodes.dedup();
        codes.sort_unstable();
        departements.sort_unstable();
        Self {
            keys,
            first_key,
            postcodes,
            codes,
            departements,
        }
    }

    /// The communes listed under `prefix` (the whole value when `exact`) in `list`.
    fn under<'a>(
        list: &'a [(Box<str>, u32)],
        prefix: &'a str,
        exact: bool,
    ) -> impl Iterator<Item = u32> + 'a {
        let start = list.partition_point(|(v, _)| &**v < prefix);
        list[start..]
            .iter()
            .take_while(move |(v, _)| {
                if exact {
                    &**v == prefix
                } else {
                    v.starts_with(prefix)
                }
            })
            .map(|(_, i)| *i)
    }

    /// The names to read for a lookup narrowed by `narrow`: those of its communes only.
    fn keys_of(&self, narrow: Option<&Narrow>) -> Box<dyn Iterator<Item = &Key> + '_> {
        let communes: Vec<u32> = match narrow {
            None => return Box::new(self.keys.iter()),
            Some(Narrow::Postcode(p)) => Self::under(&self.postcodes, p, true).collect(),
            Some(Narrow::Departement(d)) => Self::under(&self.departements, d, true).collect(),
        };
        Box::new(communes.into_iter().flat_map(move |i| {
            let (from, to) = (
                self.first_key[i as usize] as usize,
                self.first_key[i as usize + 1] as usize,
            );
            self.keys[from..to].iter()
        }))
    }
}

/// What narrows a typed name: "Mortagne 61", "L'Aigle (61300)".
#[derive(Debug, PartialEq)]
enum Narrow {
    Postcode(String),
    Departement(String),
}

impl Narrow {
    fn keeps(&self, c: &Commune) -> bool {
        match self {
            Narrow::Postcode(p) => c.postcodes.iter().any(|x| x == p),
            Narrow::Departement(d) => c.departement == *d,
        }
    }
}

fn narrow_of(s: &str) -> Option<Narrow> {
    let s = s.trim();
    let digits = s.bytes().all(|b| b.is_ascii_digit());
    match s.len() {
        5 if digits => Some(Narrow::Postcode(s.to_owned())),
        2 if digits || s.eq_ignore_ascii_case("2a") || s.eq_ignore_ascii_case("2b") => {
            Some(Narrow::Departement(s.to_ascii_uppercase()))
        }
        3 if digits && (s.starts_with("97") || s.starts_with("98")) => {
            Some(Narrow::Departement(s.to_owned()))
        }
        _ => None,
    }
}

/// Splits "Name (61300)", "Name 61" or "Name 61300" into the name and what narrows it.
fn split_narrow(t: &str) -> (&str, Option<Narrow>) {
    let split = if let (Some(open), true) = (t.rfind('('), t.ends_with(')')) {
        Some((&t[..open], &t[open + 1..t.len() - 1]))
    } else {
        t.rsplit_once([' ', '\t'])
    };
    match split {
        Some((name, tail)) if !name.trim().is_empty() => match narrow_of(tail) {
            Some(n) => (name.trim(), Some(n)),
            None => (t, None),
        },
        _ => (t, None),
    }
}

/// The most typos forgiven for a name typed this long (in compact bytes).
fn typo_budget(len: usize) -> u8 {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Optimal-string-alignment distance between `q` and `name` (whole, and best prefix of
/// `name`), computed in a band of width `k` and abandoned once a row exceeds `k`.
fn typo_distance(q: &[u8], name: &[u8], k: u8) -> Option<(u8, u8)> {
    const W: usize = 80;
    let m = q.len();
    let ku = k as usize;
    if m == 0 || m + ku + 2 >= W {
        return None;
    }
    let n = name.len().min(m + ku);
    let inf = k + 1;
    let mut rows = [[inf; W]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(n + 1) {
        *cell = (j as u8).min(inf);
    }
    for i in 1..=m {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        let lo = i.saturating_sub(ku).max(1);
        let hi = (i + ku).min(n);
        rows[cur][0] = (i as u8).min(inf);
        if lo > 1 {
            rows[cur][lo - 1] = inf;
        }
        let mut row_min = rows[cur][0];
        for j in lo..=hi {
            let cost = u8::from(q[i - 1] != name[j - 1]);
            let mut d = (rows[prev][j - 1] + cost)
                .min(rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1);
            if i > 1 && j > 1 && q[i - 1] == name[j - 2] && q[i - 2] == name[j - 1] {
                d = d.min(rows[prev2][j - 2] + 1);
            }
            let d = d.min(inf);
            rows[cur][j] = d;
            row_min = row_min.min(d);
        }
        if hi < n {
            rows[cur][hi + 1] = inf;
        }
        if row_min > k {
            return None;
        }
    }
    let last = &rows[m % 3];
    let full = if name.len() <= m + ku && name.len() + ku >= m {
        last[name.len()]
    } else {
        inf
    };
    let prefix = (m.saturating_sub(ku)..=(m + ku).min(n))
        .map(|j| last[j])
        .min()
        .unwrap_or(inf);
    (prefix <= k).then_some((full, prefix))
}

/// One commune found, with how well and where.
#[derive(Debug, Clone, Copy)]
struct Hit {
    focus: u8,
    quality: u8,
    commune: u32,
}

impl Communes {
    /// Understands what someone typed in a "commune" box: a name typed any usual way, a
    /// postcode, an INSEE code, or "Name (postcode)" as offered by the autocomplete.
    pub fn resolve_in(&self, input: &str, focus: &Focus) -> CommuneMatch<'_> {
        let t = input.trim();
        if t.is_empty() || t.len() > 200 {
            return CommuneMatch::None;
        }
        if t.bytes().all(|b| b.is_ascii_digit()) {
            // Five digits typed by a person are a postcode first (many postcodes are also
            // some other commune's INSEE code), an INSEE code otherwise.
            if t.len() == 5 {
                let by_postcode = self.ranked_by_postcode(t, true, focus);
                return match (by_postcode.len(), self.get(t)) {
                    (1, _) => CommuneMatch::One(by_postcode[0]),
                    (0, Some(c)) => CommuneMatch::One(c),
                    (0, None) => CommuneMatch::None,
                    _ => CommuneMatch::Several(by_postcode),
                };
            }
            return several(self.ranked_by_postcode(t, false, focus));
        }
        if let Some(c) = self.get(t) {
            return CommuneMatch::One(c);
        }
        let (name, narrow) = split_narrow(t);
        let hits = self.ranked(name, narrow.as_ref(), focus);
        // One commune is meant when it is the only one with exactly that name, or, no
        // name being exactly that, the only one whose name starts with it ("Mortagne 61").
        let unique = |quality: u8| {
            let mut with = hits.iter().filter(|h| h.quality == quality);
            matches!((with.next(), with.next()), (Some(h), None) if h.commune == hits[0].commune)
        };
        let exact = hits.iter().any(|h| h.quality == EXACT);
        match hits.len() {
            0 => CommuneMatch::None,
            1 => CommuneMatch::One(&self.all[hits[0].commune as usize]),
            _ if unique(EXACT) || (!exact && unique(PREFIX)) => {
                CommuneMatch::One(&self.all[hits[0].commune as usize])
            }
            _ => CommuneMatch::Several(
                hits.iter()
                    .take(CHOICES)
                    .map(|h| &self.all[h.commune as usize])
                    .collect(),
            ),
        }
    }

    /// Suggestions while typing: the same matching as [`Communes::resolve_in`], best first.
    pub fn search_in(&self, query: &str, limit: usize, focus: &Focus) -> Vec<&Commune> {
        let q = query.trim();
        if q.is_empty() || q.len() > 200 {
            return Vec::new();
        }
        if q.bytes().all(|b| b.is_ascii_digit()) {
            let mut found = self.ranked_by_postcode(q, false, focus);
            found.truncate(limit);
            return found;
        }
        let (name, narrow) = split_narrow(q);
        self.ranked(name, narrow.as_ref(), focus)
            .into_iter()
            .take(limit)
            .map(|h| &self.all[h.commune as usize])
            .collect()
    }

    /// The old name under which `input` found `c`, when its current name does not match.
    pub fn known_as<'a>(&self, c: &'a Commune, input: &str) -> Option<&'a str> {
        let (name, _) = split_narrow(input.trim());
        let (q, _) = compact(name);
        let matches = |n: &str| {
            let (text, starts) = compact(n);
            starts.iter().any(|&s| text[s as usize..].starts_with(&q))
        };
        if q.is_empty() || matches(&c.name) {
            return None;
        }
        c.old_names.iter().find(|n| matches(n)).map(String::as_str)
    }

    /// Communes whose postcode is `digits` (or starts with them), or whose INSEE code starts
    /// with them when `exact` is false; the territory first, then the largest.
    fn ranked_by_postcode(&self, digits: &str, exact: bool, focus: &Focus) -> Vec<&Commune> {
        let index = &self.index;
        let mut ids: Vec<u32> = NameIndex::under(&index.postcodes, digits, exact).collect();
        if !exact {
            ids.extend(NameIndex::under(&index.codes, digits, false));
        }
        // In the order of the list, each once: the sort below keeps it among equals.
        ids.sort_unstable();
        ids.dedup();
        let mut found: Vec<&Commune> = ids.into_iter().map(|i| &self.all[i as usize]).collect();
        found.sort_by(|a, b| {
            (focus.rank(a), std::cmp::Reverse(a.population))
                .cmp(&(focus.rank(b), std::cmp::Reverse(b.population)))
        });
        found
    }

    /// Every commune whose name (current or old) matches, once, ranked.
    fn ranked(&self, name: &str, narrow: Option<&Narrow>, focus: &Focus) -> Vec<Hit> {
        let (q, _) = compact(name);
        if q.is_empty() {
            return Vec::new();
        }
        let keeps = |i: u32| narrow.is_none_or(|n| n.keeps(&self.all[i as usize]));
        let mut hits: Vec<Hit> = Vec::new();
        for key in self.index.keys_of(narrow) {
            let quality = if *key.text == *q {
                EXACT
            } else if key.text.starts_with(&q) {
                PREFIX
            } else if key
                .starts
                .iter()
                .skip(1)
                .any(|&s| key.text[s as usize..].starts_with(&q))
            {
                WORD
            } else {
                continue;
            };
            if keeps(key.commune) {
                hits.push(self.hit(key.commune, quality, focus));
            }
        }
        let exact = hits.iter().any(|h| h.quality == EXACT);
        let near = hits.iter().any(|h| h.focus < 2);
        // Typos: when nothing matched, or when nothing of the territory did and the name is
        // not some other commune's exact name ("Mortagne au perhce", "Laigel").
        let k = typo_budget(q.len());
        if k > 0 && (hits.is_empty() || (!exact && !near && !focus.is_empty())) {
            let only_near = !hits.is_empty();
            for key in self.index.keys_of(narrow) {
                if !keeps(key.commune)
                    || (only_near && focus.rank(&self.all[key.commune as usize]) == 2)
                {
                    continue;
                }
                if let Some((full, prefix)) = typo_distance(q.as_bytes(), key.text.as_bytes(), k) {
                    let quality = if full <= k {
                        TYPO + full
                    } else {
                        TYPO_PREFIX + prefix
                    };
                    hits.push(self.hit(key.commune, quality, focus));
                }
            }
        }
        // One hit per commune, its best.
        hits.sort_unstable_by_key(|h| (h.commune, h.quality));
        hits.dedup_by_key(|h| h.commune);
        hits.sort_unstable_by(|a, b| {
            let pop = |h: &Hit| std::cmp::Reverse(self.all[h.commune as usize].population);
            (a.focus, a.quality, pop(a), a.commune).cmp(&(b.focus, b.quality, pop(b), b.commune))
        });
        hits
    }

    fn hit(&self, commune: u32, quality: u8, focus: &Focus) -> Hit {
        Hit {
            focus: focus.rank(&self.all[commune as usize]),
            quality,
            commune,
        }
    }
}

fn several(found: Vec<&Commune>) -> CommuneMatch<'_> {
    match found.len() {
        0 => CommuneMatch::None,
        1 => CommuneMatch::One(found[0]),
        _ => CommuneMatch::Several(found.into_iter().take(CHOICES).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_distance_counts_edits_and_swaps() {
        let d = |a: &str, b: &str, k| typo_distance(a.as_bytes(), b.as_bytes(), k);
        assert_eq!(d("laigel", "laigle", 1), Some((1, 1)));
        assert_eq!(d("mortagne", "mortagne", 2), Some((0, 0)));
        // Too short for the whole name (3 = over budget), one swap from its beginning.
        assert_eq!(d("mortgane", "mortagneauperche", 2), Some((3, 1)));
        assert_eq!(d("echaufour", "echauffour", 1), Some((1, 1)));
        assert_eq!(d("paris", "lyon", 1), None);
        assert_eq!(d("abc", "xyz", 2), None);
    }

    /// The postcode and code lists give what a scan of every commune gives, in the same order.
    #[test]
    fn digits_find_what_a_scan_of_every_commune_finds() {
        let communes = Communes::embedded().unwrap();
        let focus = Focus {
            epcis: vec!["200068278".into()],
            departements: vec!["61".into(), "27".into()],
        };
        let mut prefixes: Vec<String> = communes
            .all
            .iter()
            .flat_map(|c| {
                c.postcodes
                    .iter()
                    .chain(std::iter::once(&c.code.as_str().to_owned()))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .flat_map(|p| (1..=p.len()).map(move |n| p[..n].to_owned()))
            .collect();
        prefixes.sort();
        prefixes.dedup();
        let sample: Vec<&String> = prefixes
            .iter()
            .enumerate()
            .filter(|(i, p)| p.len() <= 3 || i % 97 == 0)
            .map(|(_, p)| p)
            .collect();
        assert!(sample.len() > 500, "{}", sample.len());
        for digits in sample
            .into_iter()
            .chain([&"99999".to_owned(), &"0".to_owned()])
        {
            for exact in [true, false] {
                let mut scan: Vec<&Commune> = communes
                    .all
                    .iter()
                    .filter(|c| {
                        if exact {
                            c.postcodes.iter().any(|p| p == digits)
                        } else {
                            c.postcodes.iter().any(|p| p.starts_with(digits.as_str()))
                                || c.code.as_str().starts_with(digits.as_str())
                        }
                    })
                    .collect();
                scan.sort_by(|a, b| {
                    (focus.rank(a), std::cmp::Reverse(a.population))
                        .cmp(&(focus.rank(b), std::cmp::Reverse(b.population)))
                });
                let codes =
                    |v: &[&Commune]| v.iter().map(|c| c.code.to_string()).collect::<Vec<_>>();
                assert_eq!(
                    codes(&communes.ranked_by_postcode(digits, exact, &focus)),
                    codes(&scan),
                    "{digits} exact={exact}"
                );
            }
        }
    }

    #[test]
    fn a_trailing_departement_or_postcode_narrows() {
        assert_eq!(
            split_narrow("Mortagne 61"),
            ("Mortagne", Some(Narrow::Departement("61".into())))
        );
        assert_eq!(
            split_narrow("L'Aigle (61300)"),
            ("L'Aigle", Some(Narrow::Postcode("61300".into())))
        );
        assert_eq!(
            split_narrow("Ajaccio 2a"),
            ("Ajaccio", Some(Narrow::Departement("2A".into())))
        );
        assert_eq!(split_narrow("Paris 15e"), ("Paris 15e", None));
        assert_eq!(split_narrow("(61300)"), ("(61300)", None));
    }
}
