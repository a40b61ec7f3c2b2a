//! Grid cells that let the inverted index narrow a radius search to nearby offers before the
//! exact great-circle distance decides.

/// Cell sizes in degrees: fine for local searches, coarse for wide radii.
pub const FINE: f64 = 0.1;
pub const COARSE: f64 = 1.0;

pub fn cell(lat: f64, lon: f64, size: f64) -> String {
    format!(
        "{}:{}",
        (lat / size).floor() as i64,
        (lon / size).floor() as i64
    )
}

/// The cells of `size` covering the circle's bounding box, or `None` if there would be too
/// many of them (then a coarser size is wanted).
pub fn covering(lat: f64, lon: f64, radius_km: f64, size: f64, max: usize) -> Option<Vec<String>> {
    let dlat = radius_km / 110.5 + 1e-9;
    // Longitude degrees shrink with latitude: use the latitude of the box edge nearest a pole.
    let far_lat = (lat.abs() + dlat).min(89.0).to_radians();
    let dlon = (radius_km / (111.32 * far_lat.cos()) + 1e-9).min(180.0);
    let (lat0, lat1) = (
        ((lat - dlat) / size).floor() as i64,
        ((lat + dlat) / size).floor() as i64,
    );
    let (lon0, lon1) = (
        ((lon - dlon) / size).floor() as i64,
        ((lon + dlon) / size).floor() as i64,
    );
    let count = ((lat1 - lat0 + 1) * (lon1 - lon0 + 1)) as usize;
    if count > max {
        return None;
    }
    let mut cells = Vec::with_capacity(count);
    for a in lat0..=lat1 {
        for o in lon0..=lon1 {
            cells.push(format!("{a}:{o}"));
        }
    }
    Some(cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tremplin_domain::geo::haversine_km;

    #[test]
    fn every_point_within_the_radius_is_in_a_covering_cell() {
        let (lat, lon, r) = (48.765, 0.628, 30.0);
        let cells = covering(lat, lon, r, FINE, 1000).unwrap();
        for i in 0..200 {
            for j in 0..200 {
                let (plat, plon) = (
                    lat - 0.4 + f64::from(i) * 0.004,
                    lon - 0.6 + f64::from(j) * 0.006,
                );
                if haversine_km(lat, lon, plat, plon) <= r {
                    assert!(cells.contains(&cell(plat, plon, FINE)), "{plat},{plon}");
                }
            }
        }
    }

    #[test]
    fn too_many_fine_cells_ask_for_coarse_ones() {
        assert!(covering(48.0, 0.5, 200.0, FINE, 400).is_none());
        assert!(covering(48.0, 0.5, 200.0, COARSE, 400).unwrap().len() < 60);
    }
}
