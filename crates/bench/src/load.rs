//! How `tremplin-load` drives requests and measures them, apart from what the requests are.
//!
//! - [`closed_loop`]: `users` simulated users, each sending its next request as soon as the
//!   previous one is answered. Latency is measured from when the request was sent, so a server
//!   that stalls only slows the users down: the requests they would have sent meanwhile are
//!   never measured (coordinated omission), and the tail looks better than it is.
//! - [`open_loop`]: requests arrive at a constant rate whatever the server does, as wrk2 sends
//!   them. Request `i` is due at `start + i / rate`; its latency runs from that intended start
//!   to its answer, so time spent waiting for the server (or for a free slot among the
//!   `max_in_flight` allowed) counts, as it would for the person who clicked.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

/// One measured request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample<K> {
    pub kind: K,
    pub micros: u64,
    pub ok: bool,
}

/// When request `i` of an open loop at `rate` requests a second is due, after the start.
pub fn due(i: u64, rate: f64) -> Duration {
    Duration::from_secs_f64(i as f64 / rate)
}

/// Latency as an open loop counts it: from the intended start, never from a later send.
pub fn latency_from(intended: Instant, answered: Instant) -> Duration {
    answered.saturating_duration_since(intended)
}

/// What one run gave.
pub struct Run<K> {
    pub samples: Vec<Sample<K>>,
    /// From the start to the last answer.
    pub elapsed: Duration,
    /// Open loop only: the most requests that were in flight at once.
    pub peak_in_flight: usize,
    /// Open loop only: requests unanswered at the timeout (counted as errors).
    pub timeouts: usize,
}

/// `users` users, each sending request after request until `duration` has passed; `request`
/// gets the user's number and its request's number and says the kind and whether it went well.
pub async fn closed_loop<K, F, Fut>(users: usize, duration: Duration, request: F) -> Run<K>
where
    K: Send + 'static,
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = (K, bool)> + Send,
{
    let request = Arc::new(request);
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for user in 0..users {
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut n = 0;
            while Instant::now() < deadline {
                let began = Instant::now();
                let (kind, ok) = request(user, n).await;
                samples.push(Sample {
                    kind,
                    micros: began.elapsed().as_micros() as u64,
                    ok,
                });
                n += 1;
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.expect("utilisateur simulé"));
    }
    Run {
        samples,
        elapsed: start.elapsed(),
        peak_in_flight: users,
        timeouts: 0,
    }
}

/// Requests at `rate` a second for `duration`, at most `max_in_flight` at once; `request` gets
/// the request's number. A request still unanswered `timeout` after its intended start counts
/// as an error with that latency.
pub async fn open_loop<K, F, Fut>(
    rate: f64,
    duration: Duration,
    max_in_flight: usize,
    timeout: Duration,
    request: F,
) -> Run<K>
where
    K: Send + 'static,
    F: Fn(u64) -> (K, Fut),
    Fut: Future<Output = bool> + Send + 'static,
{
    assert!(rate > 0.0 && max_in_flight > 0);
    let slots = Arc::new(Semaphore::new(max_in_flight));
    let start = Instant::now();
    let total = (duration.as_secs_f64() * rate).ceil() as u64;
    let mut tasks = Vec::with_capacity(total as usize);
    let mut peak = 0;
    for i in 0..total {
        let intended = start + due(i, rate);
        // Sleeping has a millisecond's grain: requests already due leave at once, late.
        tokio::time::sleep_until(intended.into()).await;
        // No free slot: the request waits for one, and the wait is part of its latency.
        let permit = slots.clone().acquire_owned().await.expect("sémaphore");
        peak = peak.max(max_in_flight - slots.available_permits());
        let (kind, fut) = request(i);
        tasks.push(tokio::spawn(async move {
            let left = timeout.saturating_sub(intended.elapsed());
            let answer = tokio::time::timeout(left, fut).await;
            drop(permit);
            let timed_out = answer.is_err();
            let sample = Sample {
                kind,
                micros: latency_from(intended, Instant::now()).as_micros() as u64,
                ok: answer.unwrap_or(false),
            };
            (sample, timed_out)
        }));
    }
    let mut samples = Vec::with_capacity(tasks.len());
    let mut timeouts = 0;
    for task in tasks {
        let (sample, timed_out) = task.await.expect("requête");
        samples.push(sample);
        timeouts += usize::from(timed_out);
    }
    Run {
        samples,
        elapsed: start.elapsed(),
        peak_in_flight: peak,
        timeouts,
    }
}

/// Percentiles of latencies, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub errors: usize,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Summary {
    pub fn of<'a, K: 'a>(samples: impl IntoIterator<Item = &'a Sample<K>>) -> Self {
        let mut micros = Vec::new();
        let mut errors = 0;
        for s in samples {
            micros.push(s.micros);
            errors += usize::from(!s.ok);
        }
        micros.sort_unstable();
        let pct = |p: f64| {
            if micros.is_empty() {
                0.0
            } else {
                micros[((micros.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
            }
        };
        Self {
            count: micros.len(),
            errors,
            p50: pct(0.50),
            p90: pct(0.90),
            p99: pct(0.99),
            max: pct(1.0),
        }
    }
}
