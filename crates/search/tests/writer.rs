//! Who may write an index folder, and when an index counts as up to date.

use tremplin_domain::ContractType;
use tremplin_search::{OfferDoc, SearchError, SearchIndex};

fn doc(id: i64, title: &str) -> OfferDoc {
    OfferDoc {
        id,
        title: title.into(),
        description: "Du pain chaque matin au fournil.".into(),
        rome_codes: vec![],
        rome_labels: vec![],
        company: format!("Entreprise {id}"),
        commune: "L'Aigle".into(),
        lat: 48.76935,
        lon: 0.58802,
        level: Some(3),
        contract: ContractType::Apprentissage,
        rqth: false,
        start: None,
        published_at: None,
    }
}

fn is_busy<T>(r: Result<T, SearchError>) -> bool {
    matches!(r, Err(SearchError::Busy))
}

#[test]
fn one_process_writes_an_index_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let first = SearchIndex::open(dir.path()).unwrap();
    first.apply(&[doc(1, "Boulanger")], &[], 3).unwrap();
    assert!(is_busy(SearchIndex::open(dir.path())));
    assert!(is_busy(SearchIndex::lock(dir.path())));
    drop(first);

    let lock = SearchIndex::lock(dir.path()).unwrap();
    assert!(
        is_busy(SearchIndex::open(dir.path())),
        "the lock keeps writers out"
    );
    drop(lock);
    let again = SearchIndex::open(dir.path()).unwrap();
    assert_eq!((again.indexed_revision(), again.num_docs()), (3, 1));
}

/// An index of another version is rebuilt empty by `open`, but never one that a running
/// process writes: that one is left as it is.
#[test]
fn an_index_held_by_another_writer_is_never_rebuilt() {
    use tantivy::schema::{STORED, Schema, TEXT};
    let dir = tempfile::tempdir().unwrap();
    let mut schema = Schema::builder();
    let title = schema.add_text_field("titre", TEXT | STORED);
    let other = tantivy::Index::create_in_dir(dir.path(), schema.build()).unwrap();
    let mut writer: tantivy::IndexWriter = other.writer_with_num_threads(1, 15_000_000).unwrap();
    writer
        .add_document(tantivy::doc!(title => "une autre version"))
        .unwrap();
    let mut commit = writer.prepare_commit().unwrap();
    commit.set_payload("autre-version");
    commit.commit().unwrap();

    assert!(is_busy(SearchIndex::open(dir.path())));
    let metas = tantivy::Index::open_in_dir(dir.path())
        .unwrap()
        .load_metas()
        .unwrap();
    assert_eq!(metas.payload.as_deref(), Some("autre-version"));
    assert_eq!(
        metas.segments.len(),
        1,
        "the other writer's data is still there"
    );

    drop(writer);
    let rebuilt = SearchIndex::open(dir.path()).unwrap();
    assert_eq!((rebuilt.indexed_revision(), rebuilt.num_docs()), (0, 0));
}

#[test]
fn clearing_under_the_lock_leaves_a_new_index_for_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index.apply(&[doc(1, "Boulanger")], &[], 9).unwrap();
    }
    let lock = SearchIndex::lock(dir.path()).unwrap();
    lock.clear().unwrap();
    assert!(
        is_busy(SearchIndex::open(dir.path())),
        "still locked once cleared"
    );
    drop(lock);
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!((index.indexed_revision(), index.num_docs()), (0, 0));
}

#[test]
fn a_detached_index_takes_no_lock_and_refuses_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let _writer = SearchIndex::open(dir.path()).unwrap();
    let detached = SearchIndex::detached().unwrap();
    assert!(matches!(
        detached.apply(&[doc(1, "Boulanger")], &[], 1),
        Err(SearchError::Detached)
    ));
    assert!(matches!(
        detached.rebuild(vec![doc(1, "Boulanger")], 1),
        Err(SearchError::Detached)
    ));
    assert_eq!((detached.num_docs(), detached.indexed_revision()), (0, 0));
}

#[test]
fn an_index_built_on_another_basis_starts_again_from_revision_zero() {
    let dir = tempfile::tempdir().unwrap();
    let open = |basis: &str| SearchIndex::open(dir.path()).unwrap().with_basis(basis);
    {
        // Written before bases were recorded: read as the empty basis.
        let index = open("");
        index.apply(&[doc(1, "Boulanger")], &[], 4).unwrap();
    }
    assert_eq!(open("").indexed_revision(), 4);
    {
        let index = open("centres-1");
        assert_eq!(index.indexed_revision(), 0, "other centres: replayed");
        index.apply(&[doc(1, "Boulanger")], &[], 5).unwrap();
        assert_eq!(index.indexed_revision(), 5);
    }
    assert_eq!(open("centres-1").indexed_revision(), 5);
    assert_eq!(open("centres-2").indexed_revision(), 0);
    assert_eq!(open("").indexed_revision(), 0);
}

/// An index written by the previous version (grid-cell terms, documents not sorted by
/// position) is rebuilt empty on open, so that the indexer replays the feed into the new
/// format instead of searching an index the new code cannot read.
#[test]
fn an_index_of_the_previous_format_is_rebuilt_and_replayed() {
    use tantivy::schema::{STRING, Schema, TEXT};
    let dir = tempfile::tempdir().unwrap();
    {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT);
        let cell = schema.add_text_field("cell_fine", STRING);
        let old = tantivy::Index::create_in_dir(dir.path(), schema.build()).unwrap();
        let mut writer: tantivy::IndexWriter = old.writer_with_num_threads(1, 15_000_000).unwrap();
        writer
            .add_document(tantivy::doc!(title => "Boulanger", cell => "487:5"))
            .unwrap();
        let mut commit = writer.prepare_commit().unwrap();
        commit.set_payload("tremplin-index-4:7");
        commit.commit().unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!((index.indexed_revision(), index.num_docs()), (0, 0));
    index.apply(&[doc(1, "Boulanger")], &[], 7).unwrap();
    drop(index);
    let again = SearchIndex::open(dir.path()).unwrap();
    assert_eq!((again.indexed_revision(), again.num_docs()), (7, 1));
}

/// A bulk load leaves one segment per batch; merging them into one keeps every offer, the
/// same answers and the revision recorded, and a change after it still counts.
#[test]
fn segments_merged_into_one_keep_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    for batch in 0..5i64 {
        let docs: Vec<OfferDoc> = (0..40)
            .map(|i| {
                let id = batch * 40 + i + 1;
                let mut d = doc(id, if id % 3 == 0 { "Boulanger" } else { "Maçon" });
                d.lat += id as f64 * 0.001;
                d
            })
            .collect();
        index.apply(&docs, &[], batch + 1).unwrap();
    }
    index.apply(&[], &[7, 8], 6).unwrap();
    assert!(index.segments() > 1, "{}", index.segments());
    let query = tremplin_search::SearchQuery {
        text: "boulanger".into(),
        near: Some((48.76935, 0.58802, 30.0)),
        sort: tremplin_search::Sort::Distance,
        limit: 20,
        ..Default::default()
    };
    let before = index.search(&query).unwrap();
    assert!(before.total > 20, "{}", before.total);

    assert!(index.compact().unwrap());
    assert_eq!(index.segments(), 1);
    assert_eq!(index.num_docs(), 198);
    assert_eq!(index.search(&query).unwrap(), before);
    assert_eq!(
        index.indexed_revision(),
        6,
        "the merge keeps the revision recorded"
    );
    assert!(!index.compact().unwrap(), "nothing left to merge");

    index.apply(&[], &[3], 7).unwrap();
    assert_eq!(index.search(&query).unwrap().total, before.total - 1);
    drop(index);
    let reopened = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(reopened.indexed_revision(), 7);
    assert_eq!(reopened.num_docs(), 197);
}
