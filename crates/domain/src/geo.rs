//! Great-circle distances, shared by the search filter and the pages that show them.

/// Mean Earth radius in kilometres (IUGG), the usual value for haversine distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Exact great-circle distance in kilometres between two points given in degrees.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// A distance as people read it: "8 km", "≈ 12 km" when a point is only approximate,
/// "moins de 1 km" under a kilometre.
pub fn format_distance(km: f64, approximate: bool) -> String {
    let prefix = if approximate { "≈ " } else { "" };
    if km < 1.0 {
        format!("{prefix}moins de 1 km")
    } else {
        format!("{prefix}{} km", km.round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laigle_to_mortagne_is_about_28_km() {
        // L'Aigle (48.765, 0.628) and Mortagne-au-Perche (48.520, 0.547).
        let d = haversine_km(48.765, 0.628, 48.520, 0.547);
        assert!((d - 27.8).abs() < 1.0, "{d}");
    }

    #[test]
    fn zero_distance_and_symmetry() {
        assert_eq!(haversine_km(48.0, 0.5, 48.0, 0.5), 0.0);
        let a = haversine_km(48.0, 0.5, 49.0, 1.5);
        let b = haversine_km(49.0, 1.5, 48.0, 0.5);
        assert!((a - b).abs() < 1e-9);
    }

    #[test]
    fn distances_read_in_french() {
        assert_eq!(format_distance(12.4, true), "≈ 12 km");
        assert_eq!(format_distance(7.6, false), "8 km");
        assert_eq!(format_distance(0.3, false), "moins de 1 km");
    }
}
