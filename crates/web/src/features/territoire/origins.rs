//! The sites allowed to frame the widget, as an admin types them: one origin a line
//! (`https://ent.lycee-exemple.fr`), checked before anything is saved.

/// At most this many sites: a longer list belongs to "any site".
pub const MAX: usize = 50;

/// The origins of `text`, one a line, in canonical form (lower case, no trailing slash), or
/// the French reason the list is refused.
pub fn parse(text: &str) -> Result<Vec<String>, String> {
    let mut origins: Vec<String> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let origin = one(line).ok_or_else(|| {
            format!(
                "Ligne {} : « {} » n'est pas l'adresse d'un site. Écrivez-la comme https://ent.lycee-exemple.fr (sans chemin après le nom).",
                n + 1,
                line.chars().take(80).collect::<String>()
            )
        })?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    if origins.len() > MAX {
        return Err(format!(
            "{MAX} sites au plus : laissez la liste vide pour autoriser tous les sites."
        ));
    }
    origins.sort();
    Ok(origins)
}

fn one(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
        return None;
    }
    if let Some(p) = port {
        p.parse::<u16>().ok().filter(|p| *p > 0)?;
    }
    Some(format!("{scheme}://{rest}"))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn origins_are_read_one_a_line() {
        assert_eq!(
            parse("https://ENT.lycee.fr/\n\n  http://127.0.0.1:8080 \nhttps://ent.lycee.fr")
                .unwrap(),
            vec!["http://127.0.0.1:8080", "https://ent.lycee.fr"]
        );
        assert_eq!(parse("").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn anything_else_is_refused_with_its_line() {
        for bad in [
            "ent.lycee.fr",
            "https://ent.lycee.fr/page",
            "javascript://x",
            "https://",
            "https://a..b",
            "https://a.fr:99999",
            "https://a.fr:0",
            "https://-a.fr",
            "https://a b.fr",
            "https://a.fr 'unsafe-inline'",
            "https://*.fr",
        ] {
            let e = parse(&format!("https://ok.fr\n{bad}")).unwrap_err();
            assert!(e.starts_with("Ligne 2"), "{bad}: {e}");
        }
        let many: String = (0..51).map(|i| format!("https://s{i}.fr\n")).collect();
        assert!(parse(&many).is_err());
    }
}
