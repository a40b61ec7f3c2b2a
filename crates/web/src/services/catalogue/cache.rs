//! The offers that search results show, kept in memory between requests and kept current by
//! the change feed, as the index is.
//!
//! A results page or the JSON search shows twenty offers found by the index; reading them from
//! the database each time was most of the request (one query, a thread hand-off per row).
//! The index itself follows the feed ([`crate::services::indexer`]): every changed offer the
//! feed brings replaces its copy here in the same round, so a list is never staler than the
//! index that found it (half a second, [`crate::services::indexer::POLL`]). Pages about one
//! offer (its page, the back office) read the database.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use tremplin_domain::Offer;
use tremplin_storage::{Store, StoreError};

/// How many offers are kept: the most recently read, about 1 KB each (20 MB in all).
pub const CAPACITY: usize = 20_000;

pub struct OfferCache {
    kept: Mutex<Kept>,
    capacity: usize,
}

#[derive(Default)]
struct Kept {
    offers: HashMap<i64, Arc<Offer>>,
    /// First read first out.
    order: VecDeque<i64>,
    /// Counts the feed's rounds: offers read from the database during a round are used but not
    /// kept (the round may have changed them after they were read).
    rounds: u64,
}

impl Default for OfferCache {
    fn default() -> Self {
        Self::with_capacity(CAPACITY)
    }
}

impl OfferCache {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            kept: Mutex::new(Kept::default()),
            capacity,
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The offers with these ids, in the order of `ids` (unknown ids are skipped): those kept,
    /// and the others read from the database in one query, then kept.
    pub async fn get_offers(
        &self,
        store: &Store,
        ids: &[i64],
    ) -> Result<Vec<Arc<Offer>>, StoreError> {
        let (mut found, missing, round) = {
            let kept = self.kept();
            let mut found: HashMap<i64, Arc<Offer>> = HashMap::with_capacity(ids.len());
            let mut missing = Vec::new();
            for id in ids {
                match kept.offers.get(id) {
                    Some(o) => {
                        found.insert(*id, o.clone());
                    }
                    None => missing.push(*id),
                }
            }
            (found, missing, kept.rounds)
        };
        if !missing.is_empty() {
            let read: Vec<Arc<Offer>> = store
                .get_offers(&missing)
                .await?
                .into_iter()
                .map(Arc::new)
                .collect();
            let mut kept = self.kept();
            if kept.rounds == round {
                for o in &read {
                    kept.insert(o.clone(), self.capacity);
                }
            }
            found.extend(read.into_iter().map(|o| (o.id, o)));
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// A round of the feed: its offers, as the database had them when the round read them,
    /// replace the copies kept (unless a copy is already of a later revision, read since).
    pub fn changed(&self, offers: &[Offer]) {
        let mut kept = self.kept();
        kept.rounds += 1;
        for o in offers {
            if let Some(copy) = kept.offers.get_mut(&o.id)
                && copy.revision <= o.revision
            {
                *copy = Arc::new(o.clone());
            }
        }
    }

    /// Forgets every offer (the index was rebuilt).
    pub fn clear(&self) {
        let mut kept = self.kept();
        kept.rounds += 1;
        kept.offers.clear();
        kept.order.clear();
    }
}

impl Kept {
    fn insert(&mut self, offer: Arc<Offer>, capacity: usize) {
        if capacity == 0 {
            return;
        }
        if self.offers.insert(offer.id, offer.clone()).is_none() {
            self.order.push_back(offer.id);
        }
        while self.order.len() > capacity {
            if let Some(old) = self.order.pop_front() {
                self.offers.remove(&old);
            }
        }
    }
}
