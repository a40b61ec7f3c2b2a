//! Where an offer lies, as one number that keeps neighbours together, and the cells of that
//! numbering that cover a search circle.
//!
//! Each offer's position is quantised on a grid of 2^26 × 2^26 steps over the globe (about
//! 60 cm) and the two coordinates are interleaved bit by bit (a Z-order, or Morton, key). The
//! index is sorted on that key, so a quadtree cell (a key prefix) is one run of consecutive
//! documents in every segment: a search near a point reads the runs of the cells around it,
//! nearest cells first, instead of a posting list per cell.

use tremplin_domain::geo::EARTH_RADIUS_KM;

/// Bits per coordinate.
const BITS: u32 = 26;
const STEPS: f64 = (1u64 << BITS) as f64;
/// Slack, in degrees, added around a cell before bounding distances: a point rounded into a
/// neighbouring cell by floating point is still inside the bounds.
const CELL_SLACK_DEG: f64 = 1e-7;
/// Slack, in km, on the distance bounds: they stay bounds despite floating-point rounding.
const SLACK_KM: f64 = 1e-6;

fn quantise(v: f64, min: f64, span: f64) -> u64 {
    (((v - min) / span * STEPS).floor()).clamp(0.0, STEPS - 1.0) as u64
}

/// Spreads the low 32 bits of `v` to the even bits of the result.
fn spread(v: u64) -> u64 {
    let mut x = v & 0xffff_ffff;
    x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
    x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
    x = (x | (x << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    (x | (x << 1)) & 0x5555_5555_5555_5555
}

/// The Z-order key of a point (longitude on the even bits, latitude on the odd ones).
pub fn key(lat: f64, lon: f64) -> u64 {
    spread(quantise(lon, -180.0, 360.0)) | (spread(quantise(lat, -90.0, 180.0)) << 1)
}

/// One quadtree cell of the covering: the keys `lo..hi`, and how far its points can be from
/// the centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub lo: u64,
    pub hi: u64,
    /// No point of the cell is nearer than this (km).
    pub min_km: f64,
    /// Every point of the cell is within the radius: no distance needed to count it.
    pub inside: bool,
}

/// A quadtree cell being refined: `level` bits of each coordinate fixed, `x`, `y` at that
/// level.
#[derive(Debug, Clone, Copy)]
struct Quad {
    level: u32,
    x: u64,
    y: u64,
}

impl Quad {
    fn keys(self) -> (u64, u64) {
        let shift = 2 * (BITS - self.level);
        let prefix = spread(self.x) | (spread(self.y) << 1);
        (prefix << shift, (prefix + 1) << shift)
    }

    /// (lat0, lat1, lon0, lon1) in degrees, with slack.
    fn bounds(self) -> (f64, f64, f64, f64) {
        let n = (1u64 << self.level) as f64;
        let (lat_step, lon_step) = (180.0 / n, 360.0 / n);
        (
            -90.0 + self.y as f64 * lat_step - CELL_SLACK_DEG,
            -90.0 + (self.y + 1) as f64 * lat_step + CELL_SLACK_DEG,
            -180.0 + self.x as f64 * lon_step - CELL_SLACK_DEG,
            -180.0 + (self.x + 1) as f64 * lon_step + CELL_SLACK_DEG,
        )
    }

    fn children(self) -> [Quad; 4] {
        let (x, y, level) = (self.x * 2, self.y * 2, self.level + 1);
        [
            Quad { level, x, y },
            Quad { level, x: x + 1, y },
            Quad { level, x, y: y + 1 },
            Quad {
                level,
                x: x + 1,
                y: y + 1,
            },
        ]
    }
}

/// Bounds on the great-circle distance from a centre to the points of cells, from the
/// haversine formula `a = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)`, each term bounded apart.
struct Bounds {
    lat: f64,
    lon: f64,
    cos_lat: f64,
}

impl Bounds {
    fn km(a: f64) -> f64 {
        2.0 * EARTH_RADIUS_KM * a.clamp(0.0, 1.0).sqrt().asin()
    }

    /// (min, max) distance in km from the centre to the points of the box.
    fn of(&self, (lat0, lat1, lon0, lon1): (f64, f64, f64, f64)) -> (f64, f64) {
        let half_sin2 = |deg: f64| (deg.to_radians() / 2.0).sin().powi(2);
        let near_lat = if self.lat < lat0 {
            lat0 - self.lat
        } else if self.lat > lat1 {
            self.lat - lat1
        } else {
            0.0
        };
        let far_lat = (self.lat - lat0).abs().max((self.lat - lat1).abs());
        // Longitude differences measured the short way round.
        let wrap = |d: f64| {
            let d = d.rem_euclid(360.0);
            d.min(360.0 - d)
        };
        let (near_lon, far_lon) = if lon1 - lon0 >= 360.0 {
            (0.0, 180.0)
        } else {
            let inside = (self.lon - lon0).rem_euclid(360.0) <= lon1 - lon0;
            let (d0, d1) = (wrap(self.lon - lon0), wrap(self.lon - lon1));
            let near = if inside { 0.0 } else { d0.min(d1) };
            // The farthest longitude of the box: one of its edges, or the antipodal meridian.
            let anti = (self.lon + 180.0 - lon0).rem_euclid(360.0) <= lon1 - lon0;
            let far = if anti { 180.0 } else { d0.max(d1) };
            (near, far)
        };
        let (c0, c1) = (
            lat0.clamp(-90.0, 90.0).to_radians().cos(),
            lat1.clamp(-90.0, 90.0).to_radians().cos(),
        );
        let cos_min = c0.min(c1).max(0.0);
        let cos_max = if lat0 <= 0.0 && lat1 >= 0.0 {
            1.0
        } else {
            c0.max(c1)
        };
        let a_min = half_sin2(near_lat) + self.cos_lat * cos_min * half_sin2(near_lon);
        let a_max = half_sin2(far_lat.min(180.0)) + self.cos_lat * cos_max * half_sin2(far_lon);
        (
            (Self::km(a_min) - SLACK_KM).max(0.0),
            Self::km(a_max) + SLACK_KM,
        )
    }
}

/// The quadtree cells that hold every point within `radius_km` of (lat, lon), sorted by key:
/// cells wholly inside the circle stay whole, cells on its edge are split while the total
/// stays under `budget`. Points of the returned cells may still lie outside the circle
/// (unless `inside`); no point outside them lies within it.
pub fn covering(lat: f64, lon: f64, radius_km: f64, budget: usize) -> Vec<Cell> {
    let bounds = Bounds {
        lat,
        lon,
        cos_lat: lat.to_radians().cos(),
    };
    let mut done: Vec<Cell> = Vec::new();
    let mut edge: Vec<(Quad, f64)> = vec![(
        Quad {
            level: 0,
            x: 0,
            y: 0,
        },
        0.0,
    )];
    while !edge.is_empty() {
        let mut next = Vec::with_capacity(edge.len() * 4);
        for &(quad, _) in &edge {
            for child in quad.children() {
                let (min, max) = bounds.of(child.bounds());
                if min > radius_km {
                    continue;
                }
                if max <= radius_km {
                    let (lo, hi) = child.keys();
                    done.push(Cell {
                        lo,
                        hi,
                        min_km: min,
                        inside: true,
                    });
                } else {
                    next.push((child, min));
                }
            }
        }
        // Splitting every edge cell again would pass the budget, or the finest cells cannot be
        // split: keep them as they are.
        if done.len() + next.len() * 4 > budget || next.iter().any(|(q, _)| q.level == BITS) {
            done.extend(next.iter().map(|&(q, min)| {
                let (lo, hi) = q.keys();
                Cell {
                    lo,
                    hi,
                    min_km: min,
                    inside: false,
                }
            }));
            break;
        }
        edge = next;
    }
    done.sort_by_key(|c| c.lo);
    done
}

#[cfg(test)]
mod tests {
    use super::*;
    use tremplin_domain::geo::haversine_km;

    fn cell_of(cells: &[Cell], k: u64) -> Option<&Cell> {
        cells.iter().find(|c| c.lo <= k && k < c.hi)
    }

    #[test]
    fn every_point_within_the_radius_is_in_a_cell_whose_bounds_hold() {
        for &(lat, lon, r) in &[
            (48.765, 0.628, 30.0),
            (48.765, 0.628, 2.0),
            (48.85, 2.35, 100.0),
            (0.01, -0.01, 50.0),
            (-33.9, 151.2, 10.0),
            (48.0, 179.99, 40.0),
        ] {
            let cells = covering(lat, lon, r, 128);
            assert!(!cells.is_empty() && cells.len() <= 160, "{}", cells.len());
            assert!(cells.windows(2).all(|w| w[0].hi <= w[1].lo));
            let step = r / 111.0 / 60.0;
            for i in -100..=100 {
                for j in -100..=100 {
                    let plat = lat + f64::from(i) * step;
                    let plon = lon + f64::from(j) * step * 1.6;
                    if plon.abs() >= 180.0 {
                        continue;
                    }
                    let d = haversine_km(lat, lon, plat, plon);
                    let cell = cell_of(&cells, key(plat, plon));
                    if d <= r {
                        let cell = cell.unwrap_or_else(|| panic!("{plat},{plon} not covered"));
                        assert!(cell.min_km <= d, "{plat},{plon}: {} > {d}", cell.min_km);
                    }
                    if let Some(c) = cell {
                        assert!(c.min_km <= d);
                        assert!(!c.inside || d <= r, "{plat},{plon} at {d} said inside");
                    }
                }
            }
        }
    }

    #[test]
    fn nearby_points_have_nearby_keys() {
        let a = key(48.765, 0.628);
        let b = key(48.7651, 0.6281);
        assert_eq!(a >> 20, b >> 20);
        assert!(key(-90.0, -180.0) < key(90.0, 180.0));
    }
}
