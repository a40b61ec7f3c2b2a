use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, DirectoryLock, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, NumericOptions, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::{
    Index, IndexReader, IndexSettings, IndexSortByField, IndexWriter, Order, ReloadPolicy,
    TantivyDocument, Term,
};
use tremplin_domain::ContractType;

use crate::{Result, SearchError, analysis, geo};

/// Bumped when the schema or the analysis changes: an index of another version is rebuilt.
///
/// 5: the documents are sorted on a Z-order key of their position (index sorting), and the
/// grid-cell terms are gone: a radius search reads runs of documents instead.
const SCHEMA_VERSION: &str = "tremplin-index-5";

/// What the index needs to know about an offer.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferDoc {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub rome_codes: Vec<String>,
    pub rome_labels: Vec<String>,
    pub company: String,
    pub commune: String,
    pub lat: f64,
    pub lon: f64,
    pub level: Option<u8>,
    pub contract: ContractType,
    pub rqth: bool,
    pub start: Option<NaiveDate>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub title: Field,
    pub rome: Field,
    pub company: Field,
    pub commune: Field,
    pub description: Field,
    pub fuzzy: Field,
    pub rome_code: Field,
    pub level: Field,
    pub contract: Field,
    pub rqth: Field,
    // Fast fields are read by name in the collector; written through these.
    pub geo: Field,
    pub lat: Field,
    pub lon: Field,
    pub start: Field,
    pub published: Field,
}

pub(crate) const LAT: &str = "lat";
pub(crate) const LON: &str = "lon";
pub(crate) const START: &str = "start";
pub(crate) const PUBLISHED: &str = "published";
pub(crate) const LEVEL: &str = "level";
pub(crate) const CONTRACT: &str = "contract";
pub(crate) const ID: &str = "id";
/// The Z-order key of the position ([`geo::key`]), which the index is sorted on.
pub(crate) const GEO: &str = "geo";
/// Stored in the `start` fast field for "as soon as possible".
pub(crate) const START_ASAP: i64 = i64::MIN;

/// Documents sorted along the Z-order curve: the offers of a map cell are consecutive.
fn settings() -> IndexSettings {
    IndexSettings {
        sort_by_field: Some(IndexSortByField {
            field: GEO.to_owned(),
            order: Order::Asc,
        }),
        ..IndexSettings::default()
    }
}

fn builder() -> tantivy::IndexBuilder {
    Index::builder().schema(schema().0).settings(settings())
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fast_indexed = NumericOptions::default().set_indexed().set_fast();
    let fields = Fields {
        id: b.add_u64_field(ID, fast_indexed.clone()),
        title: b.add_text_field("title", text(analysis::STEMMED)),
        rome: b.add_text_field("rome", text(analysis::STEMMED)),
        company: b.add_text_field("company", text(analysis::STEMMED)),
        commune: b.add_text_field("commune", text(analysis::STEMMED)),
        description: b.add_text_field("description", text(analysis::STEMMED)),
        fuzzy: b.add_text_field("fuzzy", text(analysis::FOLDED)),
        rome_code: b.add_text_field("rome_code", STRING),
        // Level and contract rarely narrow a search much: read from fast fields by the collector
        // rather than intersected as posting lists.
        level: b.add_u64_field(LEVEL, fast_indexed.clone()),
        contract: b.add_u64_field(CONTRACT, fast_indexed.clone()),
        rqth: b.add_u64_field("rqth", INDEXED),
        geo: b.add_u64_field(GEO, NumericOptions::default().set_fast()),
        lat: b.add_f64_field(LAT, NumericOptions::default().set_fast()),
        lon: b.add_f64_field(LON, NumericOptions::default().set_fast()),
        start: b.add_i64_field(START, NumericOptions::default().set_fast()),
        published: b.add_i64_field(PUBLISHED, NumericOptions::default().set_fast()),
    };
    (b.build(), fields)
}

pub(crate) fn contract_code(c: ContractType) -> u64 {
    match c {
        ContractType::Apprentissage => 0,
        ContractType::Professionnalisation => 1,
    }
}

/// The index of public offers.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// `None` for an index that is never written (see [`SearchIndex::detached`]).
    writer: Option<Mutex<IndexWriter>>,
    /// What the documents were computed from besides the offers (see [`SearchIndex::with_basis`]).
    basis: String,
    pub(crate) fields: Fields,
}

/// The writer lock of an index folder, held without the index being open (see
/// [`SearchIndex::lock`]). Released when dropped.
pub struct IndexLock {
    dir: std::path::PathBuf,
    _lock: DirectoryLock,
}

impl IndexLock {
    /// Empties the folder, all but the lock itself: the next [`SearchIndex::open`] starts a new
    /// index, to be replayed from revision 0.
    pub fn clear(&self) -> Result<()> {
        let lock_file = std::ffi::OsStr::new(&INDEX_WRITER_LOCK.filepath);
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            if entry.file_name() == lock_file {
                continue;
            }
            let path = entry.path();
            if path.is_dir() {
                std::fs::remove_dir_all(&path)?
            } else {
                std::fs::remove_file(&path)?
            }
        }
        Ok(())
    }
}

impl SearchIndex {
    /// Opens the index in `dir` for writing, creating it, or rebuilding it empty when it was
    /// written by another version (the caller then replays the feed from revision 0).
    ///
    /// Only one process at a time writes an index: [`SearchError::Busy`] when another holds
    /// it, and then nothing in `dir` has been read or changed.
    pub fn open(dir: &Path) -> Result<Self> {
        let lock = Self::lock(dir)?;
        let opened = builder()
            .open_or_create(MmapDirectory::open(dir)?)
            .ok()
            .filter(|i| i.settings().sort_by_field == settings().sort_by_field)
            .filter(|i| {
                i.load_metas()
                    .ok()
                    .and_then(|m| m.payload)
                    .is_some_and(|p| p.starts_with(SCHEMA_VERSION))
                    || Self::is_fresh(i)
            });
        let index = match opened {
            Some(index) => index,
            None => {
                tracing::info!("index de recherche d'une autre version : reconstruction");
                lock.clear()?;
                builder().create_in_dir(dir)?
            }
        };
        // The writer takes the same lock for itself.
        drop(lock);
        Self::with_index(index, true)
    }

    /// Takes the writer lock of the index in `dir` (created if missing) without opening the
    /// index: for a command that must run while no process writes it, and keep any from
    /// starting meanwhile. [`SearchError::Busy`] when a process holds it.
    pub fn lock(dir: &Path) -> Result<IndexLock> {
        std::fs::create_dir_all(dir)?;
        match MmapDirectory::open(dir)?.acquire_lock(&INDEX_WRITER_LOCK) {
            Ok(lock) => Ok(IndexLock {
                dir: dir.to_owned(),
                _lock: lock,
            }),
            Err(LockError::LockBusy) => Err(SearchError::Busy),
            Err(LockError::IoError(e)) => Err(SearchError::Io(std::io::Error::new(
                e.kind(),
                e.to_string(),
            ))),
        }
    }

    fn is_fresh(index: &Index) -> bool {
        index
            .load_metas()
            .is_ok_and(|m| m.payload.is_none() && m.segments.is_empty())
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_ram() -> Result<Self> {
        Self::with_index(builder().create_in_ram()?, true)
    }

    /// An empty index in memory that is never written and takes no lock: for the commands
    /// that change only the database, beside running instances that keep their own index in
    /// step with it. [`SearchIndex::apply`] and [`SearchIndex::rebuild`] refuse.
    pub fn detached() -> Result<Self> {
        Self::with_index(builder().create_in_ram()?, false)
    }

    /// Names what the documents are computed from besides the offers (for Tremplin, the
    /// official commune centres in use). An index written under another basis is out of date
    /// as a whole: its [`SearchIndex::indexed_revision`] is 0, so that the feed is replayed
    /// from the start; the next commit records the new basis. Empty by default.
    pub fn with_basis(mut self, basis: impl Into<String>) -> Self {
        self.basis = basis.into();
        self
    }

    fn with_index(index: Index, writable: bool) -> Result<Self> {
        index
            .tokenizers()
            .register(analysis::STEMMED, analysis::stemmed());
        index
            .tokenizers()
            .register(analysis::FOLDED, analysis::folded());
        let writer = if writable {
            let (threads, heap) = writer_size();
            match index.writer_with_num_threads(threads, heap) {
                Ok(w) => Some(Mutex::new(w)),
                Err(tantivy::TantivyError::LockFailure(LockError::LockBusy, _)) => {
                    return Err(SearchError::Busy);
                }
                Err(e) => return Err(e.into()),
            }
        } else {
            None
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let (_, fields) = schema();
        Ok(Self {
            index,
            reader,
            writer,
            basis: String::new(),
            fields,
        })
    }

    /// The last database revision this index reflects (0 for a new index, or one written
    /// under another basis).
    pub fn indexed_revision(&self) -> i64 {
        let Some(payload) = self.index.load_metas().ok().and_then(|m| m.payload) else {
            return 0;
        };
        let Some(rest) = payload
            .strip_prefix(SCHEMA_VERSION)
            .and_then(|r| r.strip_prefix(':'))
        else {
            return 0;
        };
        // "revision" from before bases were recorded, or "revision:basis".
        let (revision, basis) = rest.split_once(':').unwrap_or((rest, ""));
        if basis != self.basis {
            return 0;
        }
        revision.parse().unwrap_or(0)
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Writes a batch of the change feed: `upserts` are (re)indexed, `removals` leave the
    /// index; then commits with `revision` and makes it visible to searches.
    pub fn apply(&self, upserts: &[OfferDoc], removals: &[i64], revision: i64) -> Result<()> {
        let mut writer = self.writer()?;
        for id in removals.iter().chain(upserts.iter().map(|d| &d.id)) {
            writer.delete_term(Term::from_field_u64(self.fields.id, *id as u64));
        }
        for doc in upserts {
            writer.add_document(self.document(doc))?;
        }
        self.commit(&mut writer, revision)
    }

    /// Replaces the whole index with `docs`.
    pub fn rebuild(&self, docs: impl IntoIterator<Item = OfferDoc>, revision: i64) -> Result<()> {
        let mut writer = self.writer()?;
        writer.delete_all_documents()?;
        for doc in docs {
            writer.add_document(self.document(&doc))?;
        }
        self.commit(&mut writer, revision)
    }

    /// How many segments searches read: each pays its per-segment costs (term lookups, the
    /// runs of a circle's cells) once per segment.
    pub fn segments(&self) -> usize {
        self.searcher().segment_readers().len()
    }

    /// Merges every committed segment into one, waits for it and makes it visible. A bulk
    /// load leaves the index in tens of segments (one per batch of the feed, merged by
    /// tantivy only eight at a time), and every search pays each segment's fixed costs; once
    /// the load is over, one segment is the cheapest to search. `false` when there was
    /// nothing to merge, or when tantivy is already merging some of the segments (try later).
    pub fn compact(&self) -> Result<bool> {
        let ids = self.index.searchable_segment_ids()?;
        if ids.len() < 2 {
            return Ok(false);
        }
        // The merge runs on tantivy's merge thread: the writer stays free for the feed meanwhile.
        let merging = self.writer()?.merge(&ids);
        if let Err(e) = merging.wait() {
            tracing::debug!(cause = %e, "fusion des segments remise à plus tard");
            return Ok(false);
        }
        self.reader.reload()?;
        Ok(true)
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter>> {
        let writer = self.writer.as_ref().ok_or(SearchError::Detached)?;
        Ok(writer.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn commit(&self, writer: &mut IndexWriter, revision: i64) -> Result<()> {
        let mut prepared = writer.prepare_commit()?;
        let payload = if self.basis.is_empty() {
            format!("{SCHEMA_VERSION}:{revision}")
        } else {
            format!("{SCHEMA_VERSION}:{revision}:{}", self.basis)
        };
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    fn document(&self, d: &OfferDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_u64(f.id, d.id as u64);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.company, &d.company);
        doc.add_text(f.commune, &d.commune);
        doc.add_text(f.description, &d.description);
        for label in &d.rome_labels {
            doc.add_text(f.rome, label);
            doc.add_text(f.fuzzy, label);
        }
        for code in &d.rome_codes {
            doc.add_text(f.rome_code, code);
        }
        doc.add_text(f.fuzzy, &d.title);
        doc.add_text(f.fuzzy, &d.company);
        doc.add_text(f.fuzzy, &d.commune);
        doc.add_u64(f.level, d.level.map_or(0, u64::from));
        doc.add_u64(f.contract, contract_code(d.contract));
        doc.add_u64(f.rqth, u64::from(d.rqth));
        doc.add_f64(f.lat, d.lat);
        doc.add_f64(f.lon, d.lon);
        doc.add_u64(f.geo, geo::key(d.lat, d.lon));
        doc.add_i64(f.start, d.start.map_or(START_ASAP, days));
        doc.add_i64(f.published, d.published_at.map_or(0, |p| p.timestamp()));
        doc
    }

    pub(crate) fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    pub(crate) fn analyzer(&self, name: &str) -> tantivy::tokenizer::TextAnalyzer {
        self.index
            .tokenizers()
            .get(name)
            .expect("registered analyzer")
    }
}

/// Indexing threads and their memory in all. One thread and 64 MB unless
/// `TREMPLIN_INDEX_THREADS` / `TREMPLIN_INDEX_HEAP_MB` say otherwise (benchmarks compare them).
fn writer_size() -> (usize, usize) {
    let read = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|v| *v > 0)
    };
    let threads = read("TREMPLIN_INDEX_THREADS").unwrap_or(1).min(8);
    let heap_mb = read("TREMPLIN_INDEX_HEAP_MB")
        .unwrap_or(64)
        .clamp(15 * threads, 1024);
    (threads, heap_mb * 1_000_000)
}

pub(crate) fn days(d: NaiveDate) -> i64 {
    i64::from(d.to_epoch_days())
}
