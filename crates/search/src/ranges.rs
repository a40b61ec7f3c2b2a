//! The covering cells of a search circle as runs of documents: the index is sorted on the
//! Z-order key (see [`crate::geo`]), so each cell is one run of consecutive documents in every
//! segment, found by binary search on the key column. A query over those runs narrows a
//! search to the circle at no cost per document.

use std::sync::{Arc, Mutex};

use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use crate::geo::Cell;
use crate::index::GEO;

/// A run of documents `start..end` holding the keys of `cells[cell]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    pub start: DocId,
    pub end: DocId,
    pub cell: usize,
}

/// The non-empty runs of `cells` (sorted by key) in a segment, in document order.
pub(crate) fn runs(segment: &SegmentReader, cells: &[Cell]) -> tantivy::Result<Vec<Run>> {
    let column: Column<u64> = segment.fast_fields().u64(GEO)?;
    let max = segment.max_doc();
    let key = |doc: DocId| column.first(doc).unwrap_or(u64::MAX);
    // The first document at or after `from` whose key is at least `k`.
    let lower_bound = |from: DocId, k: u64| -> DocId {
        let (mut lo, mut hi) = (from, max);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if key(mid) < k { lo = mid + 1 } else { hi = mid }
        }
        lo
    };
    let mut out = Vec::with_capacity(cells.len());
    let mut from = 0;
    for (i, c) in cells.iter().enumerate() {
        let start = lower_bound(from, c.lo);
        let end = lower_bound(start, c.hi);
        if end > start {
            out.push(Run {
                start,
                end,
                cell: i,
            });
        }
        from = end;
        if from == max {
            break;
        }
    }
    Ok(out)
}

/// The covering cells of one search and their runs in each segment, found once per segment:
/// the query and the collector both need them.
#[derive(Debug)]
pub(crate) struct CellRuns {
    pub cells: Arc<Vec<Cell>>,
    found: Mutex<Vec<(SegmentId, Arc<Vec<Run>>)>>,
}

impl CellRuns {
    pub fn new(cells: Vec<Cell>) -> Self {
        Self {
            cells: Arc::new(cells),
            found: Mutex::new(Vec::new()),
        }
    }

    /// The runs of the cells in `segment`.
    pub fn of(&self, segment: &SegmentReader) -> tantivy::Result<Arc<Vec<Run>>> {
        let id = segment.segment_id();
        let known = |found: &[(SegmentId, Arc<Vec<Run>>)]| {
            found.iter().find(|(s, _)| *s == id).map(|(_, r)| r.clone())
        };
        if let Some(r) = known(&self.found.lock().unwrap_or_else(|e| e.into_inner())) {
            return Ok(r);
        }
        let r = Arc::new(runs(segment, &self.cells)?);
        self.found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((id, r.clone()));
        Ok(r)
    }
}

/// Matches the documents of the covering cells; scores nothing.
#[derive(Debug, Clone)]
pub(crate) struct CellsQuery {
    pub runs: Arc<CellRuns>,
}

impl Query for CellsQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(CellsWeight {
            runs: self.runs.clone(),
        }))
    }
}

struct CellsWeight {
    runs: Arc<CellRuns>,
}

impl Weight for CellsWeight {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut spans: Vec<(DocId, DocId)> = Vec::new();
        for r in self.runs.of(reader)?.iter() {
            match spans.last_mut() {
                Some(last) if last.1 == r.start => last.1 = r.end,
                _ => spans.push((r.start, r.end)),
            }
        }
        Ok(Box::new(Spans::new(spans)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inside = self
            .runs
            .of(reader)?
            .iter()
            .any(|r| r.start <= doc && doc < r.end);
        if inside {
            Ok(Explanation::new("dans le cercle", 0.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} hors du cercle"
            )))
        }
    }
}

/// Sorted, disjoint, non-empty spans of documents.
struct Spans {
    spans: Vec<(DocId, DocId)>,
    at: usize,
    doc: DocId,
}

impl Spans {
    fn new(spans: Vec<(DocId, DocId)>) -> Self {
        let doc = spans.first().map_or(TERMINATED, |s| s.0);
        Self { spans, at: 0, doc }
    }
}

impl DocSet for Spans {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.doc += 1;
        if self.doc >= self.spans[self.at].1 {
            self.at += 1;
            self.doc = self.spans.get(self.at).map_or(TERMINATED, |s| s.0);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        // Spans before the target are skipped in one search.
        let rest = &self.spans[self.at..];
        self.at += rest.partition_point(|s| s.1 <= target);
        self.doc = match self.spans.get(self.at) {
            Some(s) => s.0.max(target),
            None => TERMINATED,
        };
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.spans.iter().map(|s| s.1 - s.0).sum()
    }
}

impl Scorer for Spans {
    fn score(&mut self) -> Score {
        0.0
    }
}
