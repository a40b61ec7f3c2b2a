use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

pub use tremplin_referentiels::Referentiels;
use tremplin_search::SearchIndex;
use tremplin_storage::{Store, Territory};

use crate::Clock;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address people reach the site at, for links in shared cards and JSON-LD
    /// ("https://offres.ml-aigle-mortagne.fr"), without a trailing slash.
    pub public_url: String,
    /// The local media folder of [`AppState::new`] (`<data-dir>/uploads` unless set apart);
    /// files are reached through [`Inner::media`], which may be a bucket instead.
    pub uploads_dir: std::path::PathBuf,
    /// Behind a reverse proxy: take the client's address from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// The partners' APIs the connectors may call.
    pub connectors: tremplin_connectors::ConnectorSettings,
    /// How long a request body may stall before a 408 ([`crate::shell::protect::BODY_TIMEOUT`]).
    pub body_timeout: std::time::Duration,
    /// Texts go out (to a provider or the SMS folder): a young person who gives only a mobile
    /// number receives the follow-up link by SMS.
    pub sms: bool,
}

/// Everything a request needs, built once and cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub index: Arc<SearchIndex>,
    pub refs: Arc<Referentiels>,
    pub clock: Arc<dyn Clock>,
    pub config: WebConfig,
    /// The territory and what is derived from it, replaced together on each refresh.
    territory: RwLock<TerritoryView>,
    /// The pay and travel rules as last read ([`crate::services::simulateur::rules`]).
    pub pay_rules: crate::services::simulateur::RulesCache,
    /// The offers search results show, kept current by the feed
    /// ([`crate::services::catalogue::OfferCache`]).
    pub offers: crate::services::catalogue::OfferCache,
    /// The dashboard's offer counts at the current revision ([`crate::services::offer_figures`]).
    pub offer_figures: crate::services::offer_figures::Kept,
    /// Offer cards already drawn ([`crate::services::relays`]).
    pub cards: crate::services::relays::CardCache,
    /// Where uploaded and generated files live ([`crate::services::media`]).
    pub media: crate::services::media::Media,
    /// The public transport network built from the stored feed ([`crate::services::transport`]).
    pub transport: crate::services::transport::Transport,
    index_ready: AtomicBool,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Media in the local folder `config.uploads_dir`.
    pub fn new(
        store: Store,
        index: Arc<SearchIndex>,
        refs: Arc<Referentiels>,
        clock: Arc<dyn Clock>,
        config: WebConfig,
    ) -> Self {
        let media = crate::services::media::Media::local(config.uploads_dir.clone());
        Self::with_media(store, index, refs, clock, config, media)
    }

    /// Media wherever `media` keeps them (a folder shared by the instances, or a bucket).
    pub fn with_media(
        store: Store,
        index: Arc<SearchIndex>,
        refs: Arc<Referentiels>,
        clock: Arc<dyn Clock>,
        config: WebConfig,
        media: crate::services::media::Media,
    ) -> Self {
        Self(Arc::new(Inner {
            store,
            index,
            refs,
            clock,
            config,
            territory: RwLock::new(TerritoryView::default()),
            pay_rules: Default::default(),
            offers: Default::default(),
            offer_figures: Default::default(),
            cards: Default::default(),
            media,
            transport: Default::default(),
            index_ready: AtomicBool::new(false),
        }))
    }

    fn view(&self) -> std::sync::RwLockReadGuard<'_, TerritoryView> {
        self.territory.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn territory(&self) -> Option<Territory> {
        self.view().territory.clone()
    }

    /// Reads the territory from the database again (after the demo is loaded, say).
    pub async fn refresh_territory(&self) -> Result<(), tremplin_storage::StoreError> {
        let t = self.store.territory().await?;
        let view = TerritoryView::of(t, &self.refs);
        *self.territory.write().unwrap_or_else(|e| e.into_inner()) = view;
        Ok(())
    }

    /// The territory's two largest communes, largest first (see [`TerritoryView::towns`]).
    pub fn territory_towns(&self) -> Vec<tremplin_referentiels::Commune> {
        self.view().towns.clone()
    }

    /// The labels of the territory's communes, sorted.
    pub fn territory_commune_labels(&self) -> Vec<String> {
        self.view().commune_labels.clone()
    }

    /// The départements of the territory, to put its communes first in suggestions.
    pub fn territory_departements(&self) -> Vec<String> {
        self.view().departements.clone()
    }

    /// Where typed communes are looked for first: the territory's EPCIs, then its
    /// départements.
    pub fn commune_focus(&self) -> tremplin_referentiels::Focus {
        tremplin_referentiels::Focus {
            epcis: self.territory().map(|t| t.epcis).unwrap_or_default(),
            departements: self.territory_departements(),
        }
    }

    pub fn set_index_ready(&self) {
        self.index_ready.store(true, Ordering::Release);
    }

    pub fn index_ready(&self) -> bool {
        self.index_ready.load(Ordering::Acquire)
    }

    /// What the connectors need to know to run: their settings and the territory's area.
    pub fn connector_area(&self) -> tremplin_connectors::Area {
        tremplin_connectors::Area {
            settings: self.config.connectors.clone(),
            refs: self.refs.clone(),
            departements: self.territory_departements(),
            epcis: self.territory().map(|t| t.epcis).unwrap_or_default(),
        }
    }
}

/// The territory, and what pages read from it on every request, derived once per refresh
/// from one pass over its communes.
#[derive(Default)]
struct TerritoryView {
    territory: Option<Territory>,
    /// Its départements: suggestions read them on every keystroke.
    departements: Vec<String>,
    /// Its two largest communes: every offer page and card names the nearest of them
    /// (« à 12 km de L'Aigle »).
    towns: Vec<tremplin_referentiels::Commune>,
    /// The labels of its communes, sorted: the back office's commune choices.
    commune_labels: Vec<String>,
}

impl TerritoryView {
    fn of(territory: Option<Territory>, refs: &Referentiels) -> Self {
        let epcis = territory
            .as_ref()
            .map(|t| t.epcis.clone())
            .unwrap_or_default();
        let mut communes: Vec<&tremplin_referentiels::Commune> =
            refs.communes.in_epcis(&epcis).collect();
        let mut departements: Vec<String> =
            communes.iter().map(|c| c.departement.clone()).collect();
        departements.sort();
        departements.dedup();
        let mut commune_labels: Vec<String> = communes.iter().map(|c| c.label()).collect();
        commune_labels.sort();
        communes.sort_by(|a, b| b.population.cmp(&a.population).then(a.name.cmp(&b.name)));
        Self {
            territory,
            departements,
            towns: communes.into_iter().take(2).cloned().collect(),
            commune_labels,
        }
    }
}
