//! The territory's limits for one pépite video, as an admin types them: a size in megabytes
//! and a duration in minutes (defaults 150 Mo and 3 minutes), checked before anything is saved.
//! The upload reads them again for every video.

/// At most this many megabytes: what the upload route reads (and beyond, phones on rural
/// connections could not play it).
pub const MAX_MB: i64 = tremplin_domain::pepite::VideoLimits::MAX_CONFIGURABLE_MB as i64;
/// At most this many minutes: a portrait, not a film.
pub const MAX_MINUTES: i64 = 30;

/// (megabytes, seconds) from the form, or the French reason they are refused.
pub fn parse(megabytes: &str, minutes: &str) -> Result<(i64, i64), String> {
    let mb = megabytes
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|m| (1..=MAX_MB).contains(m))
        .ok_or_else(|| {
            format!("Taille maximale : un nombre entier de mégaoctets, de 1 à {MAX_MB} (par défaut 150).")
        })?;
    let seconds = minutes
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|m| m.is_finite())
        .map(|m| (m * 60.0).round())
        .filter(|s| *s >= 30.0 && *s <= (MAX_MINUTES * 60) as f64)
        .ok_or_else(|| {
            format!("Durée maximale : un nombre de minutes, de 0,5 à {MAX_MINUTES} (par défaut 3 ; « 2,5 » pour deux minutes et demie).")
        })?;
    Ok((mb, seconds as i64))
}

/// Seconds as the form shows them in minutes: "3", "2,5".
pub fn minutes(seconds: i64) -> String {
    if seconds % 60 == 0 {
        (seconds / 60).to_string()
    } else {
        let m = format!("{:.2}", seconds as f64 / 60.0);
        m.trim_end_matches('0').replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_read_in_megabytes_and_minutes() {
        assert_eq!(parse("150", "3"), Ok((150, 180)));
        assert_eq!(parse(" 80 ", "2,5"), Ok((80, 150)));
        assert_eq!(parse("400", "30"), Ok((400, 1800)));
        for (mb, min) in [
            ("0", "3"),
            ("-5", "3"),
            ("401", "3"),
            ("1,5", "3"),
            ("", "3"),
            ("150", "0"),
            ("150", "-1"),
            ("150", "31"),
            ("150", "trois"),
            ("150", "NaN"),
            ("150", "inf"),
        ] {
            assert!(parse(mb, min).is_err(), "{mb} {min}");
        }
        assert_eq!(minutes(180), "3");
        assert_eq!(minutes(150), "2,5");
        assert_eq!(minutes(3), "0,05");
    }
}
