//! One pass over the matching documents: exact distance and date filters read from fast
//! fields, the count, and the top results in the wanted order.
//!
//! Sorted by distance near a point, the pass only counts and sets the candidates aside by
//! covering cell (an exact distance only for cells on the circle's edge, where the count needs
//! it); the top results are then taken cell by cell, nearest cells first, and the cells that
//! cannot hold a result nearer than the last one kept are never looked at again.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};
use tremplin_domain::geo::haversine_km;

use crate::geo::Cell;
use crate::index::{CONTRACT, ID, LAT, LEVEL, LON, PUBLISHED, START, START_ASAP};
use crate::ranges::{CellRuns, Run};
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
    /// The cells covering the circle of `filters.near`, sorted by key, and their runs; the
    /// query matches only their documents.
    pub cells: Option<Arc<CellRuns>>,
}

/// The candidates of a search sorted by distance, set aside by cell (see the module comment).
struct ByCell {
    cells: Arc<Vec<Cell>>,
    /// This segment's runs of the cells, in document order.
    runs: Arc<Vec<Run>>,
    /// The run the last document fell in.
    at: usize,
    /// `candidates[starts[i]..starts[i + 1]]` fell in run `i` (filled up to `at`).
    starts: Vec<usize>,
    /// A document and its distance, NaN where its cell is wholly inside the circle (computed
    /// only if the cell is reached).
    candidates: Vec<(DocId, f64)>,
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
    by_cell: Option<ByCell>,
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
        let by_cell = match (&self.cells, self.sort, self.filters.near) {
            (Some(cells), Sort::Distance, Some(_)) => {
                let runs = cells.of(segment)?;
                let mut starts = Vec::with_capacity(runs.len() + 1);
                starts.push(0);
                Some(ByCell {
                    cells: cells.cells.clone(),
                    runs,
                    at: 0,
                    starts,
                    candidates: Vec::new(),
                })
            }
            _ => None,
        };
        Ok(OfferSegmentCollector {
            by_cell,
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
    /// Whether a document passes the filters read from fast fields other than the distance.
    #[inline]
    fn passes(&self, doc: DocId) -> bool {
        let f = &self.filters;
        if let Some(c) = f.contract {
            if self.contract.first(doc) != Some(c) {
                return false;
            }
        }
        if f.levels != 0 {
            let level = self.level.first(doc).unwrap_or(0).min(15);
            if f.levels & (1 << level) == 0 {
                return false;
            }
        }
        if f.start_from.is_some() || f.start_to.is_some() {
            let start = match self.start.first(doc) {
                Some(START_ASAP) | None => f.today,
                Some(s) => s,
            };
            if f.start_from.is_some_and(|from| start < from)
                || f.start_to.is_some_and(|to| start > to)
            {
                return false;
            }
        }
        if let Some(since) = f.published_since {
            if self.published.first(doc).unwrap_or(0) < since {
                return false;
            }
        }
        true
    }

    /// A document of a search sorted by distance: counted, and set aside with its cell.
    #[inline]
    fn set_aside(&mut self, doc: DocId) {
        if !self.passes(doc) {
            return;
        }
        let Some((lat, lon, radius)) = self.filters.near else {
            return;
        };
        let Some(c) = self.by_cell.as_mut() else {
            return;
        };
        // The query matches only documents of the runs, in order.
        while c.at < c.runs.len() && c.runs[c.at].end <= doc {
            c.at += 1;
            c.starts.push(c.candidates.len());
        }
        let Some(run) = c.runs.get(c.at) else {
            return;
        };
        let distance = if c.cells[run.cell].inside {
            f64::NAN
        } else {
            let (Some(dlat), Some(dlon)) = (self.lat.first(doc), self.lon.first(doc)) else {
                return;
            };
            if (dlat - lat).abs() * KM_PER_DEGREE_LAT > radius {
                return;
            }
            let d = haversine_km(lat, lon, dlat, dlon);
            if d > radius {
                return;
            }
            d
        };
        self.count += 1;
        if self.top > 0 {
            c.candidates.push((doc, distance));
        }
    }

    /// The nearest `top` of the candidates set aside, cell by cell, nearest cells first.
    fn nearest(&mut self) {
        let Some(mut c) = self.by_cell.take() else {
            return;
        };
        let Some((lat, lon, _)) = self.filters.near else {
            return;
        };
        while c.starts.len() <= c.runs.len() {
            c.starts.push(c.candidates.len());
        }
        let mut order: Vec<usize> = (0..c.runs.len()).collect();
        order.sort_by(|&a, &b| {
            c.cells[c.runs[a].cell]
                .min_km
                .total_cmp(&c.cells[c.runs[b].cell].min_km)
        });
        for i in order {
            let min_km = c.cells[c.runs[i].cell].min_km;
            if self.best.len() >= self.top && self.best.peek().is_some_and(|w| min_km > w.key.0) {
                break;
            }
            for &(doc, d) in &c.candidates[c.starts[i]..c.starts[i + 1]] {
                let dist = if d.is_nan() {
                    match (self.lat.first(doc), self.lon.first(doc)) {
                        (Some(dlat), Some(dlon)) => haversine_km(lat, lon, dlat, dlon),
                        _ => continue,
                    }
                } else {
                    d
                };
                if self.best.len() >= self.top && self.best.peek().is_some_and(|w| dist > w.key.0) {
                    continue;
                }
                let published = self.published.first(doc).unwrap_or(0);
                let id = self.id.first(doc).unwrap_or(0);
                self.keep(Ranked {
                    key: (dist, -(published as f64), id),
                    hit: Hit {
                        id: id as i64,
                        score: 0.0,
                        distance_km: Some(dist),
                    },
                });
            }
        }
    }

    #[inline]
    fn keep(&mut self, ranked: Ranked) {
        if self.best.len() < self.top {
            self.best.push(ranked);
        } else if self.best.peek().is_some_and(|worst| ranked < *worst) {
            self.best.pop();
            self.best.push(ranked);
        }
    }

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
        self.keep(ranked);
    }
}

/// Kilometres per degree of latitude on the sphere of [`haversine_km`].
const KM_PER_DEGREE_LAT: f64 = tremplin_domain::geo::EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;

impl SegmentCollector for OfferSegmentCollector {
    type Fruit = (usize, Vec<Ranked>);

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.by_cell.is_some() {
            self.set_aside(doc);
            return;
        }
        let point = if self.filters.near.is_some() {
            (self.lat.first(doc), self.lon.first(doc))
        } else {
            (None, None)
        };
        self.consider(doc, score, point);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        if self.by_cell.is_some() {
            for doc in docs {
                self.set_aside(*doc);
            }
            return;
        }
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

    fn harvest(mut self) -> Self::Fruit {
        self.nearest();
        (self.count, self.best.into_vec())
    }
}
