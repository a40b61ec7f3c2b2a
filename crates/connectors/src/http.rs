//! The HTTP side shared by the connectors: a pace between requests (the partners' rate
//! limits), and retries with backoff on 429, 5xx and network failures.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::ConnectorError;

pub struct Http {
    client: reqwest::Client,
    /// At most one request per this interval (10 per second: 100 ms).
    min_interval: Duration,
    next: Mutex<Instant>,
    /// Attempts after the first one.
    pub retries: u32,
    /// First wait before a retry, doubled each time (a `Retry-After` header wins).
    pub backoff: Duration,
}

/// Longest wait a partner's `Retry-After` may ask for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

impl Http {
    pub fn new(min_interval: Duration) -> Result<Self, ConnectorError> {
        // reqwest is built without a default crypto provider: the process uses ring, as the
        // rest of Tremplin (SMTP, PostgreSQL) does.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("Tremplin/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| ConnectorError::Config(format!("client HTTP : {e}")))?;
        Ok(Self {
            client,
            min_interval,
            next: Mutex::new(Instant::now()),
            retries: 5,
            backoff: Duration::from_millis(500),
        })
    }

    /// Waits for this request's turn under the rate limit.
    async fn pace(&self) {
        let mut next = self.next.lock().await;
        let now = Instant::now();
        let at = (*next).max(now);
        *next = at + self.min_interval;
        drop(next);
        tokio::time::sleep_until(at).await;
    }

    /// Sends the request `build` makes, again after a pause while the partner answers 429, a
    /// 5xx, or nothing. Any other answer is returned for the caller to read.
    pub async fn send(
        &self,
        what: &str,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ConnectorError> {
        let mut attempt = 0;
        loop {
            self.pace().await;
            let outcome = build(&self.client).send().await;
            let wait = match &outcome {
                Ok(r) if r.status().as_u16() == 429 || r.status().is_server_error() => {
                    retry_after(r).unwrap_or(self.backoff * 2u32.pow(attempt))
                }
                Ok(_) => return Ok(outcome.expect("checked")),
                Err(_) => self.backoff * 2u32.pow(attempt),
            };
            if attempt >= self.retries {
                return Err(match outcome {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let body = r.text().await.unwrap_or_default();
                        ConnectorError::Status {
                            what: what.to_owned(),
                            status,
                            body: body.chars().take(300).collect(),
                        }
                    }
                    Err(e) => ConnectorError::Network {
                        what: what.to_owned(),
                        cause: e.to_string(),
                    },
                });
            }
            tracing::info!(what, attempt, ?wait, "nouvel essai");
            tokio::time::sleep(wait.min(MAX_RETRY_AFTER)).await;
            attempt += 1;
        }
    }
}

fn retry_after(r: &reqwest::Response) -> Option<Duration> {
    r.headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// Reads a JSON body, a malformed one reported with what was asked.
pub async fn json(what: &str, r: reqwest::Response) -> Result<serde_json::Value, ConnectorError> {
    let bytes = r.bytes().await.map_err(|e| ConnectorError::Network {
        what: what.to_owned(),
        cause: e.to_string(),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| ConnectorError::Malformed {
        what: what.to_owned(),
        cause: e.to_string(),
    })
}
