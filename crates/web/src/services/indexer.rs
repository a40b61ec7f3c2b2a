//! Keeps this instance's index in step with the database by following the revision feed, so
//! that a change made through any instance is searchable everywhere within seconds.

use std::time::Duration;

use tremplin_domain::Offer;
use tremplin_search::{OfferDoc, SearchIndex};
use tremplin_storage::{FeedPosition, Store};

use crate::{AppState, Referentiels};

/// How often the feed is read.
pub const POLL: Duration = Duration::from_millis(500);
const BATCH: i64 = 2_000;

/// The index's view of an offer; `None` when it must not be in the catalogue.
pub fn offer_doc(offer: &Offer, refs: &Referentiels) -> Option<OfferDoc> {
    if !offer.is_listed() {
        return None;
    }
    let f = &offer.fields;
    let commune = refs.communes.get(f.commune.as_str())?;
    Some(OfferDoc {
        id: offer.id,
        title: f.title.clone(),
        description: f.description.clone(),
        rome_codes: f.rome_codes.iter().map(|c| c.as_str().to_owned()).collect(),
        rome_labels: f
            .rome_codes
            .iter()
            .filter_map(|c| refs.rome.label(c.as_str()))
            .map(str::to_owned)
            .collect(),
        company: f.company_name.clone(),
        commune: commune.name.clone(),
        // The workplace's own point when the source gave one, else the commune's centre.
        lat: f.location.map_or(commune.lat, |p| p.lat),
        lon: f.location.map_or(commune.lon, |p| p.lon),
        level: f.level.map(|l| l.get()),
        contract: f.contract_type,
        rqth: f.rqth,
        start: f.start.date(),
        published_at: offer.published_at,
    })
}

/// Applies every change since the index's last revision. Returns how many offers changed.
///
/// One transaction gives every offer it writes the same revision, and an edition can write
/// more than a batch: the feed is read by (revision, id), and the index records a revision
/// only once it has read all of it, so a round cut short reads the rest again.
/// Each round's offers also replace the copies the search results keep
/// ([`crate::services::catalogue::OfferCache`]).
pub async fn catch_up(state: &AppState) -> Result<usize, IndexerError> {
    let (store, index, refs) = (&state.store, &state.index, &state.refs);
    let mut total = 0;
    let mut recorded = index.indexed_revision();
    let mut after = FeedPosition::after_revision(recorded);
    loop {
        let changes = store.offers_changed_after(after, BATCH).await?;
        let full = changes.len() as i64 == BATCH;
        after = changes.last().map_or(after, FeedPosition::after);
        // A full batch may stop inside its last revision; anything shorter read to the end.
        let complete = if full {
            after.revision - 1
        } else {
            after.revision
        };
        if changes.is_empty() && complete == recorded {
            return Ok(total);
        }
        total += changes.len();
        let (index, refs) = (index.clone(), refs.clone());
        let changes = tokio::task::spawn_blocking(move || {
            let mut upserts = Vec::new();
            let mut removals = Vec::new();
            for offer in &changes {
                match offer_doc(offer, &refs) {
                    Some(doc) => upserts.push(doc),
                    None => removals.push(offer.id),
                }
            }
            index.apply(&upserts, &removals, complete).map(|()| changes)
        })
        .await??;
        if !changes.is_empty() {
            state.offers.changed(&changes);
        }
        recorded = complete;
        if !full {
            return Ok(total);
        }
    }
}

/// Rebuilds the index from the whole database.
pub async fn rebuild(
    store: &Store,
    index: &std::sync::Arc<SearchIndex>,
    refs: &std::sync::Arc<Referentiels>,
) -> Result<usize, IndexerError> {
    let mut docs = Vec::new();
    let mut after = FeedPosition::after_revision(0);
    let mut revision = store.current_revision().await?;
    loop {
        let changes = store.offers_changed_after(after, 10_000).await?;
        let Some(last) = changes.last() else { break };
        after = FeedPosition::after(last);
        revision = revision.max(after.revision);
        docs.extend(changes.iter().filter_map(|o| offer_doc(o, refs)));
    }
    let count = docs.len();
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.rebuild(docs, revision)).await??;
    Ok(count)
}

/// An index ahead of its database (restored from an older backup: its revisions went back) would
/// skip every change until the counter caught up, and keep offers the database no longer has:
/// it is rebuilt. Returns whether it was.
pub async fn realign(
    store: &Store,
    index: &std::sync::Arc<SearchIndex>,
    refs: &std::sync::Arc<Referentiels>,
) -> Result<bool, IndexerError> {
    let database = store.current_revision().await?;
    if index.indexed_revision() <= database {
        return Ok(false);
    }
    tracing::warn!(
        index = index.indexed_revision(),
        base = database,
        "l'index est en avance sur la base (sauvegarde restaurée ?) : reconstruction"
    );
    rebuild(store, index, refs).await?;
    Ok(true)
}

/// Follows the feed until `shutdown` resolves; a failed round is logged and retried.
pub async fn follow(state: AppState, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    match realign(&state.store, &state.index, &state.refs).await {
        Ok(true) => state.offers.clear(),
        Ok(false) => {}
        Err(e) => tracing::warn!(cause = %e, "vérification de l'index impossible"),
    }
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Offers indexed since the segments were last merged into one; an index found in several
    // segments at start is merged once the feed is read.
    let mut since_compact = COMPACT_AFTER;
    let compacting = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        match catch_up(&state).await {
            Ok(n) if n > 0 => {
                since_compact += n;
                tracing::debug!(offres = n, "index mis à jour");
            }
            Ok(_) if since_compact >= COMPACT_AFTER => {
                if start_compact(&state.index, &compacting) {
                    since_compact = 0;
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(cause = %e, "suivi des modifications interrompu, nouvel essai")
            }
        }
        state.set_index_ready();
    }
}

/// After this many offers indexed, once the feed is read to its end (a bulk import, a first
/// start, a rebuild), the index's segments are merged into one ([`SearchIndex::compact`]).
/// Fewer changes are left to tantivy's own merges: a full merge rewrites the whole index.
pub const COMPACT_AFTER: usize = 2_000;

/// Starts merging the index's segments on a blocking thread; searches go on meanwhile on the
/// segments as they were. `false` when a merge is still running (try again at the next
/// round); `true` when one was started or there is nothing to merge.
fn start_compact(
    index: &std::sync::Arc<SearchIndex>,
    compacting: &std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> bool {
    use std::sync::atomic::Ordering;
    if index.segments() < 2 {
        return true;
    }
    if compacting.swap(true, Ordering::AcqRel) {
        return false;
    }
    let (index, compacting) = (index.clone(), compacting.clone());
    tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let before = index.segments();
        match index.compact() {
            Ok(true) => tracing::info!(
                segments = before,
                secondes = started.elapsed().as_secs_f64(),
                "segments de l'index fusionnés en un"
            ),
            Ok(false) => {}
            Err(e) => tracing::warn!(cause = %e, "fusion des segments de l'index impossible"),
        }
        compacting.store(false, Ordering::Release);
    });
    true
}

#[derive(Debug, thiserror::Error)]
pub enum IndexerError {
    #[error(transparent)]
    Store(#[from] tremplin_storage::StoreError),
    #[error(transparent)]
    Search(#[from] tremplin_search::SearchError),
    #[error("tâche d'indexation interrompue : {0}")]
    Join(#[from] tokio::task::JoinError),
}
