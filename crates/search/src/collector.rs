//! One pass over the matching documents: exact distance and date filters read from fast
//! fields, the count, and the top results in the wanted order.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};
use tremplin_domain::geo::haversine_km;

use crate::index::{CONTRACT, ID, LAT, LEVEL, LON, PUBLISHED, START, START_ASAP};
use crate::{Hit, Sort};

#[derive(Debug, Clone)]
pub(crate) struct Filters {
    pub near: Option<(f64, f64, f64)>,
    pub start_from: Option<i64>,
    pub start_to: Option<i64>,
    pub today: i64,
    pub published_since: Option<i64>,
    /// Bit `n` set: level `n` accepted; 0: any level.
    pub levels: u16,
    pub contract: Option<u64>,
}

pub(crate) struct OfferCollector {
    pub sort: Sort,
    pub filters: Filters,
    pub top: usize,
}

/// A candidate and its sort key; smaller keys come first.
#[derive(Debug, Clone)]
pub(crate) struct Ranked {
    key: (f64, f64, u64),
    hit: Hit,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .0
            .total_cmp(&other.key.0)
            .then(self.key.1.total_cmp(&other.key.1))
            .then(self.key.2.cmp(&other.key.2))
    }
}

pub(crate) struct OfferSegmentCollector {
    sort: Sort,
    filters: Filters,
    top: usize,
    id: Column<u64>,
    lat: Column<f64>,
    lon: Column<f64>,
    start: Column<i64>,
    published: Column<i64>,
    level: Column<u64>,
    contract: Column<u64>,
    count: usize,
    lat_buf: Vec<Option<f64>>,
    lon_buf: Vec<Option<f64>>,
    /// A max-heap of the best `top` so far: its head is the worst kept.
    best: BinaryHeap<Ranked>,
}

impl Collector for OfferCollector {
    type Fruit = (usize, Vec<Hit>);
    type Child = OfferSegmentCollector;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let ff = segment.fast_fields();
        Ok(OfferSegmentCollector {
            sort: self.sort,
            filters: self.filters.clone(),
            top: self.top,
            id: ff.u64(ID)?,
            lat: ff.f64(LAT)?,
            lon: ff.f64(LON)?,
            start: ff.i64(START)?,
            published: ff.i64(PUBLISHED)?,
            level: ff.u64(LEVEL)?,
            contract: ff.u64(CONTRACT)?,
            count: 0,
            lat_buf: Vec::new(),
            lon_buf: Vec::new(),
            best: BinaryHeap::with_capacity(self.top + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<(usize, Vec<Ranked>)>) -> tantivy::Result<Self::Fruit> {
        let total = fruits.iter().map(|(n, _)| n).sum();
        let mut all: Vec<Ranked> = fruits.into_iter().flat_map(|(_, r)| r).collect();
        all.sort();
        all.truncate(self.top);
        Ok((total, all.into_iter().map(|r| r.hit).collect()))
    }
}

impl OfferSegmentCollector {
    /// One candidate, with its coordinates already read (in blocks, when tantivy gives blocks).
    #[inline]
    fn consider(&mut self, doc: DocId, score: Score, point: (Option<f64>, Option<f64>)) {
        let f = &self.filters;
        if let Some(c) = f.contract {
            if self.contract.first(doc) != Some(c) {
                return;
            }
        }
        if f.levels != 0 {
            let level = self.level.first(doc).unwrap_or(0).min(15);
            if f.levels & (1 << level) == 0 {
                return;
            }
        }
        let distance = match f.near {
            Some((lat, lon, radius)) => {
                let (Some(dlat), Some(dlon)) = point else {
                    return;
                };
                // The great-circle distance is at least the distance along the meridian: a cheap,
                // exact rejection before the trigonometry.
                if (dlat - lat).abs() * KM_PER_DEGREE_LAT > radius {
                    return;
                }
                let d = haversine_km(lat, lon, dlat, dlon);
                if d > radius {
                    return;
                }
                Some(d)
            }
            None => None,
        };
        if f.start_from.is_some() || f.start_to.is_some() {
            let start = match self.start.first(doc) {
                Some(START_ASAP) | None => f.today,
                Some(s) => s,
            };
            if f.start_from.is_some_and(|from| start < from)
                || f.start_to.is_some_and(|to| start > to)
            {
                return;
            }
        }
        let since = f.published_since;
        let mut published = None;
        if let Some(since) = since {
            let p = self.published.first(doc).unwrap_or(0);
            if p < since {
                return;
            }
            published = Some(p);
        }
        self.count += 1;
        if self.top == 0 {
            return;
        }
        let dist = distance.unwrap_or(0.0);
        // Sorted by distance with a full list: a farther candidate cannot enter it, and the
        // rest of its fields need not be read.
        if self.sort == Sort::Distance
            && self.best.len() >= self.top
            && self.best.peek().is_some_and(|w| dist > w.key.0)
        {
            return;
        }
        let published = published.unwrap_or_else(|| self.published.first(doc).unwrap_or(0));
        let id = self.id.first(doc).unwrap_or(0);
        let key = match self.sort {
            Sort::Relevance => (-f64::from(score), dist, id),
            Sort::Distance => (dist, -(published as f64), id),
            Sort::Date => (-(published as f64), dist, id),
        };
        let ranked = Ranked {
            key,
            hit: Hit {
                id: id as i64,
                score,
                distance_km: distance,
            },
        };
        if self.best.len() < self.top {
            self.best.push(ranked);
        } else if self.best.peek().is_some_and(|worst| ranked < *worst) {
            self.best.pop();
            self.best.push(ranked);
        }
    }
}

/// Kilometres per degree of latitude on the sphere of [`haversine_km`].
const KM_PER_DEGREE_LAT: f64 = tremplin_domain::geo::EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;

impl SegmentCollector for OfferSegmentCollector {
    type Fruit = (usize, Vec<Ranked>);

    fn collect(&mut self, doc: DocId, score: Score) {
        let point = if self.filters.near.is_some() {
            (self.lat.first(doc), self.lon.first(doc))
        } else {
            (None, None)
        };
        self.consider(doc, score, point);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        if self.filters.near.is_none() {
            for doc in docs {
                self.consider(*doc, 0.0, (None, None));
            }
            return;
        }
        // Coordinates read a block at a time: far cheaper than one lookup per document.
        let mut lats = std::mem::take(&mut self.lat_buf);
        let mut lons = std::mem::take(&mut self.lon_buf);
        lats.clear();
        lats.resize(docs.len(), None);
        lons.clear();
        lons.resize(docs.len(), None);
        self.lat.first_vals(docs, &mut lats);
        self.lon.first_vals(docs, &mut lons);
        for (i, doc) in docs.iter().enumerate() {
            self.consider(*doc, 0.0, (lats[i], lons[i]));
        }
        self.lat_buf = lats;
        self.lon_buf = lons;
    }

    fn harvest(self) -> Self::Fruit {
        (self.count, self.best.into_vec())
    }
}
