//! What each kind of request of the mix sends, and what counts as its success.

use crate::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Healthz,
    Search,
    Offer,
    Apply,
    BackOffice,
}

impl Kind {
    pub(crate) const MIX: [Kind; 4] = [Kind::Search, Kind::Offer, Kind::Apply, Kind::BackOffice];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Kind::Healthz => "/healthz",
            Kind::Search => "recherche près d'une commune",
            Kind::Offer => "page d'offre",
            Kind::Apply => "candidature",
            Kind::BackOffice => "back-office",
        }
    }

    /// The mix of the issue: 60 % search, 30 % offer page, 5 % applying, 5 % back office.
    pub(crate) fn draw(rng: &mut Rng) -> Kind {
        match rng.below(100) {
            0..60 => Kind::Search,
            60..90 => Kind::Offer,
            90..95 => Kind::Apply,
            _ => Kind::BackOffice,
        }
    }
}

/// One request of the given kind; an error is any failure or an unexpected status.
pub(crate) async fn one(
    shared: &Shared,
    instance: usize,
    kind: Kind,
    rng: &mut Rng,
) -> Result<(), String> {
    let base = &shared.urls[instance];
    let request = match kind {
        Kind::Healthz => get(&format!("{base}/healthz"), None),
        Kind::Search => {
            let commune = &shared.places[rng.below(shared.places.len())];
            let mut pairs = vec![("commune", commune.clone()), ("rayon", "30".to_owned())];
            // Most people type a word or two; some only look around their commune.
            if rng.chance(0.85) {
                let mut q = (*rng.pick(&shared.vocabulary)).to_owned();
                if rng.chance(0.3) {
                    q.push(' ');
                    q.push_str(*rng.pick(&shared.vocabulary));
                }
                pairs.push(("q", q));
            }
            let query = serde_urlencoded::to_string(&pairs).map_err(|e| e.to_string())?;
            get(&format!("{base}/offres?{query}"), None)
        }
        Kind::Offer => get(
            &format!("{base}/offres/{}", 1 + rng.below(shared.offers as usize)),
            None,
        ),
        Kind::Apply => {
            let n = shared.applicants.fetch_add(1, Ordering::Relaxed);
            apply(base, 1 + rng.below(shared.offers as usize), n, rng)
        }
        Kind::BackOffice => {
            let page = *rng.pick(&[
                "/gestion",
                "/gestion/offres",
                "/gestion/semaine",
                "/gestion/candidatures",
            ]);
            get(&format!("{base}{page}"), Some(&shared.sessions[instance]))
        }
    };
    let response = shared
        .client
        .request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let gzipped = response
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v == "gzip");
    // The body is read in full, as a browser would.
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    if status.is_success() {
        Ok(())
    } else {
        let mut text = String::new();
        if gzipped {
            use std::io::Read;
            let _ = flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut text);
        } else {
            text = String::from_utf8_lossy(&body).into_owned();
        }
        // The page's message, not its head.
        let text = text.find("<h1").map_or(&text[..], |i| &text[i..]);
        let text = text
            .find("<p>")
            .map_or(text, |i| &text[i + 3..])
            .split("</p>")
            .next()
            .unwrap_or_default();
        Err(format!(
            "HTTP {status} {}",
            text.chars().take(160).collect::<String>()
        ))
    }
}

pub(crate) fn get(url: &str, cookie: Option<&str>) -> http::Request<Full<Bytes>> {
    let mut builder = http::Request::get(url).header("accept-encoding", "gzip");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.body(Full::default()).expect("request")
}

/// An application without CV from a new person at a new address, through the public form.
pub(crate) fn apply(base: &str, offer: usize, n: u64, rng: &mut Rng) -> http::Request<Full<Bytes>> {
    let csrf = format!("charge{n:016x}");
    let email = format!("jeune{n}@exemple.fr");
    let boundary = "----tremplin-load";
    let mut body = String::new();
    for (name, value) in [
        ("csrf", csrf.as_str()),
        ("prenom", "Camille"),
        ("nom", "Durand"),
        ("email", email.as_str()),
        ("commune", "61293"),
        ("date_naissance", "2006-05-12"),
        ("mobilite", "permis_voiture"),
        ("message", "Bonjour, votre offre m'intéresse beaucoup."),
        ("consentement", "oui"),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let address = format!(
        "10.{}.{}.{}",
        rng.below(256),
        rng.below(256),
        1 + rng.below(254)
    );
    http::Request::post(format!("{base}/offres/{offer}/postuler"))
        .header("cookie", format!("tremplin_connexion={csrf}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("x-forwarded-for", address)
        .body(Full::new(Bytes::from(body)))
        .expect("request")
}

pub(crate) async fn login(
    client: &HttpClient,
    base: &str,
    email: &str,
    password: &str,
) -> Result<String, String> {
    let csrf = "chargeconnexion";
    let form =
        serde_urlencoded::to_string([("email", email), ("password", password), ("csrf", csrf)])
            .map_err(|e| e.to_string())?;
    let request = http::Request::post(format!("{base}/connexion"))
        .header("cookie", format!("tremplin_connexion={csrf}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(form)))
        .expect("request");
    let response = client
        .request(request)
        .await
        .map_err(|e| format!("{base} injoignable : {e}"))?;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tremplin_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    cookie.ok_or_else(|| {
        format!(
            "connexion refusée sur {base} (HTTP {}) : vérifiez --email et le mot de passe",
            response.status()
        )
    })
}

/// How many offers the catalogue publishes: offer ids are drawn in 1..=n.
pub(crate) async fn count_offers(client: &HttpClient, base: &str) -> Result<u64, String> {
    let response = client
        .request(
            http::Request::get(format!("{base}/api/v1/offers?per_page=1"))
                .body(Full::default())
                .expect("request"),
        )
        .await
        .map_err(|e| e.to_string())?;
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    json["total"]
        .as_u64()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("aucune offre publiée sur {base} : importez-les d'abord"))
}
