use std::collections::HashMap;
use std::io::Read;

use flate2::read::GzDecoder;
use tremplin_domain::CodeInsee;

use crate::Error;
use crate::lookup::{Focus, NameIndex};

static EMBEDDED: &[u8] = include_bytes!("../data/communes.tsv.gz");
static EPCI: &str = include_str!("../data/epci.tsv");
static DEPARTEMENTS: &str = include_str!("../data/departements.tsv");

#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    pub code: CodeInsee,
    pub name: String,
    pub postcodes: Vec<String>,
    pub population: u32,
    pub departement: String,
    /// "Orne"
    pub departement_name: String,
    pub epci: Option<String>,
    pub lat: f64,
    pub lon: f64,
    /// The coordinates are an estimate (centre of the EPCI), not the commune's own.
    pub approximate: bool,
    /// Names it had before (communes merged into it, a rename): "La Ferté-Frênel".
    pub old_names: Vec<String>,
}

impl Commune {
    /// "L'Aigle (61300)"
    pub fn label(&self) -> String {
        match self.postcodes.first() {
            Some(p) => format!("{} ({p})", self.name),
            None => self.name.clone(),
        }
    }

    /// "Orne (61)": what tells two communes of the same name apart.
    pub fn place(&self) -> String {
        if self.departement_name.is_empty() {
            self.departement.clone()
        } else {
            format!("{} ({})", self.departement_name, self.departement)
        }
    }

    /// How links name this commune so that `Communes::resolve` finds it alone: its label.
    /// Its INSEE code would not do: five digits are read as a postcode first, and many INSEE
    /// codes are also a postcode shared by several communes (Rouen's 76540).
    pub fn link_key(&self) -> String {
        if self.postcodes.is_empty() {
            self.code.as_str().to_owned()
        } else {
            self.label()
        }
    }
}

/// An official centre replacing the embedded coordinates of a commune.
#[derive(Debug, Clone, PartialEq)]
pub struct Centre {
    pub code: String,
    pub lat: f64,
    pub lon: f64,
}

/// How a typed commune was understood.
#[derive(Debug)]
pub enum CommuneMatch<'a> {
    One(&'a Commune),
    Several(Vec<&'a Commune>),
    None,
}

/// Every commune, looked up by code, name or postcode.
pub struct Communes {
    pub(crate) all: Vec<Commune>,
    by_code: HashMap<String, usize>,
    pub(crate) index: NameIndex,
    epci_names: HashMap<String, String>,
}

impl Communes {
    /// The communes shipped with the binary.
    pub fn embedded() -> Result<Self, Error> {
        let mut text = String::new();
        GzDecoder::new(EMBEDDED)
            .read_to_string(&mut text)
            .map_err(|e| Error::Read(e.to_string()))?;
        let pairs = |text: &str| -> HashMap<String, String> {
            text.lines()
                .skip(1)
                .filter_map(|l| {
                    let mut f = l.split('\t');
                    Some((f.next()?.to_owned(), f.next()?.to_owned()))
                })
                .collect()
        };
        let departement_names = pairs(DEPARTEMENTS);
        let mut all = Vec::with_capacity(36_000);
        for (i, line) in text.lines().enumerate().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            let bad = || Error::Read(format!("communes.tsv ligne {}", i + 1));
            if f.len() != 10 {
                return Err(bad());
            }
            all.push(Commune {
                code: CodeInsee::parse(f[0]).map_err(|_| bad())?,
                name: f[1].to_owned(),
                postcodes: f[2]
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect(),
                population: f[3].parse().map_err(|_| bad())?,
                departement: f[4].to_owned(),
                departement_name: departement_names.get(f[4]).cloned().unwrap_or_default(),
                epci: (!f[5].is_empty()).then(|| f[5].to_owned()),
                lat: f[6].parse().map_err(|_| bad())?,
                lon: f[7].parse().map_err(|_| bad())?,
                approximate: f[8] == "1",
                old_names: f[9]
                    .split('|')
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect(),
            });
        }
        Ok(Self::from_parts(all, pairs(EPCI)))
    }

    fn from_parts(all: Vec<Commune>, epci_names: HashMap<String, String>) -> Self {
        let by_code = all
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.as_str().to_owned(), i))
            .collect();
        let index = NameIndex::new(&all);
        Self {
            all,
            by_code,
            index,
            epci_names,
        }
    }

    /// Replaces coordinates with official centres; those communes are no longer approximate.
    /// Returns how many communes were updated.
    pub fn apply_centres(&mut self, centres: &[Centre]) -> usize {
        let mut n = 0;
        for c in centres {
            if let Some(&i) = self.by_code.get(&c.code) {
                let commune = &mut self.all[i];
                commune.lat = c.lat;
                commune.lon = c.lon;
                commune.approximate = false;
                n += 1;
            }
        }
        n
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    pub fn get(&self, code: &str) -> Option<&Commune> {
        self.by_code
            .get(&code.trim().to_ascii_uppercase())
            .map(|&i| &self.all[i])
    }

    pub fn exists(&self, code: &CodeInsee) -> bool {
        self.by_code.contains_key(code.as_str())
    }

    pub fn epci_name(&self, code: &str) -> Option<&str> {
        self.epci_names.get(code).map(String::as_str)
    }

    /// Communes of the given EPCIs.
    /// The communes a postcode serves.
    pub fn with_postcode<'a>(
        &'a self,
        postcode: &'a str,
    ) -> impl Iterator<Item = &'a Commune> + 'a {
        self.all
            .iter()
            .filter(move |c| c.postcodes.iter().any(|p| p == postcode))
    }

    /// The commune with known coordinates whose centre is nearest to a point.
    pub fn nearest(&self, lat: f64, lon: f64) -> Option<&Commune> {
        // Equirectangular distance is enough to rank neighbours.
        let k = lat.to_radians().cos();
        self.all.iter().filter(|c| !c.approximate).min_by(|a, b| {
            let d = |c: &Commune| (c.lat - lat).powi(2) + ((c.lon - lon) * k).powi(2);
            d(a).total_cmp(&d(b))
        })
    }

    pub fn in_epcis<'a>(&'a self, epcis: &'a [String]) -> impl Iterator<Item = &'a Commune> + 'a {
        self.all
            .iter()
            .filter(move |c| c.epci.as_ref().is_some_and(|e| epcis.contains(e)))
    }

    /// Autocomplete; `preferred` départements first. See [`Communes::search_in`].
    pub fn search(&self, query: &str, limit: usize, preferred: &[String]) -> Vec<&Commune> {
        self.search_in(query, limit, &Focus::departements(preferred))
    }

    /// What someone typed in a "commune" box; `preferred` départements first. See
    /// [`Communes::resolve_in`].
    pub fn resolve(&self, input: &str, preferred: &[String]) -> CommuneMatch<'_> {
        self.resolve_in(input, &Focus::departements(preferred))
    }
}

/// Reads data.gouv.fr's "Communes et villes de France" file (`communes-france-YYYY.csv`):
/// `code_insee` with `latitude_centre`/`longitude_centre` (falling back to the town hall's).
pub fn parse_official_centres(reader: impl Read) -> Result<Vec<Centre>, String> {
    let mut bytes = Vec::new();
    let mut reader = reader;
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| format!("lecture impossible : {e}"))?;
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let delimiter = if first_line.iter().filter(|&&b| b == b';').count()
        > first_line.iter().filter(|&&b| b == b',').count()
    {
        b';'
    } else {
        b','
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(&bytes[..]);
    let headers = csv
        .headers()
        .map_err(|e| format!("en-tête illisible : {e}"))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
    };
    let code = col("code_insee").ok_or(
        "colonne « code_insee » absente : ce n'est pas le fichier « Communes et villes de France »",
    )?;
    let pairs = [
        ("latitude_centre", "longitude_centre"),
        ("latitude_mairie", "longitude_mairie"),
    ]
    .iter()
    .filter_map(|(a, b)| Some((col(a)?, col(b)?)))
    .collect::<Vec<_>>();
    if pairs.is_empty() {
        return Err("colonnes « latitude_centre » et « longitude_centre » absentes".into());
    }
    let mut centres = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| format!("ligne illisible : {e}"))?;
        let Some(code) = record.get(code) else {
            continue;
        };
        let coords = pairs.iter().find_map(|&(la, lo)| {
            let lat: f64 = record.get(la)?.trim().parse().ok()?;
            let lon: f64 = record.get(lo)?.trim().parse().ok()?;
            ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
        });
        if let Some((lat, lon)) = coords {
            centres.push(Centre {
                code: code.trim().to_owned(),
                lat,
                lon,
            });
        }
    }
    Ok(centres)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static COMMUNES: LazyLock<Communes> = LazyLock::new(|| Communes::embedded().unwrap());

    #[test]
    fn all_current_communes_are_there_with_coordinates() {
        assert!(COMMUNES.len() > 34_000, "{}", COMMUNES.len());
        let laigle = COMMUNES.get("61214").unwrap();
        assert_eq!(laigle.name, "L'Aigle");
        assert_eq!(laigle.postcodes, ["61300"]);
        assert!((48.6..48.9).contains(&laigle.lat) && (0.4..0.8).contains(&laigle.lon));
    }

    #[test]
    fn normandy_has_no_estimated_commune_and_france_under_one_percent() {
        let normandy: Vec<&Commune> = COMMUNES
            .all
            .iter()
            .filter(|c| ["14", "27", "50", "61", "76"].contains(&c.departement.as_str()))
            .collect();
        assert!(normandy.len() > 2_600, "{}", normandy.len());
        let estimated: Vec<&str> = normandy
            .iter()
            .filter(|c| c.approximate)
            .map(|c| c.code.as_str())
            .collect();
        assert!(
            estimated.is_empty(),
            "{} estimated in Normandy, among them {:?}",
            estimated.len(),
            &estimated[..estimated.len().min(10)]
        );
        let approximate = COMMUNES.all.iter().filter(|c| c.approximate).count();
        assert!(
            approximate * 100 < COMMUNES.len(),
            "{approximate} of {} communes estimated",
            COMMUNES.len()
        );
        // The agency's seat and Mortagne, against their town centres.
        for (code, lat, lon) in [("61214", 48.765, 0.628), ("61293", 48.52, 0.55)] {
            let c = COMMUNES.get(code).unwrap();
            let km = tremplin_domain::geo::haversine_km(c.lat, c.lon, lat, lon);
            assert!(km < 1.0, "{} is {km:.1} km from its centre", c.name);
        }
    }

    #[test]
    fn every_link_key_resolves_to_its_commune() {
        for dep in ["61", "76", "75", "13"] {
            for n in 1..=999 {
                let Some(c) = COMMUNES.get(&format!("{dep}{n:03}")) else {
                    continue;
                };
                let key = c.link_key();
                assert!(
                    matches!(COMMUNES.resolve(&key, &[]), CommuneMatch::One(found) if found.code == c.code),
                    "{key} does not lead back to {}",
                    c.code
                );
            }
        }
    }

    #[test]
    fn names_postcodes_and_codes_resolve() {
        let r = |q| COMMUNES.resolve(q, &[]);
        assert!(matches!(r("2A004"), CommuneMatch::One(c) if c.name == "Ajaccio"));
        assert!(matches!(r("l'aigle"), CommuneMatch::One(c) if c.code.as_str() == "61214"));
        assert!(matches!(r("L'Aigle (61300)"), CommuneMatch::One(c) if c.code.as_str() == "61214"));
        assert!(
            matches!(r("MORTAGNE AU PERCHE"), CommuneMatch::One(c) if c.code.as_str() == "61293")
        );
        // Several communes share the postcode 61400.
        assert!(
            matches!(r("61400"), CommuneMatch::Several(v) if v.len() > 1 && v.iter().any(|c| c.name == "Mortagne-au-Perche"))
        );
        assert!(matches!(r("Zzzzville"), CommuneMatch::None));
    }

    #[test]
    fn autocomplete_puts_the_territory_then_exact_names_first() {
        let hits = COMMUNES.search("mortagne", 5, &["61".to_owned()]);
        assert_eq!(hits[0].code.as_str(), "61293", "{hits:?}");
        let hits = COMMUNES.search("mortagne", 5, &[]);
        assert_eq!(hits[0].name, "Mortagne", "{hits:?}");
        let by_postcode = COMMUNES.search("61300", 50, &[]);
        assert!(by_postcode.iter().any(|c| c.code.as_str() == "61214"));
    }

    #[test]
    fn official_centres_replace_approximate_coordinates() {
        let file = "code_insee,nom_standard,latitude_mairie,longitude_mairie,latitude_centre,longitude_centre\n\
                    61214,L'Aigle,48.7646,0.6270,48.7650,0.6280\n\
                    99999,Nulle part,1,1,1,1\n\
                    61293,Mortagne-au-Perche,48.52,0.547,,\n";
        let centres = parse_official_centres(file.as_bytes()).unwrap();
        assert_eq!(centres.len(), 3);
        assert_eq!(
            centres[2],
            Centre {
                code: "61293".into(),
                lat: 48.52,
                lon: 0.547
            }
        );
        let mut communes = Communes::embedded().unwrap();
        assert_eq!(communes.apply_centres(&centres), 2);
        let laigle = communes.get("61214").unwrap();
        assert_eq!(
            (laigle.lat, laigle.lon, laigle.approximate),
            (48.7650, 0.6280, false)
        );
        assert!(
            parse_official_centres("a,b\n1,2\n".as_bytes())
                .unwrap_err()
                .contains("code_insee")
        );
    }
}
