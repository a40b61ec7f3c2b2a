//! The load generator's pacing and measuring (`tremplin_bench::load`), against a fake server
//! on the loopback that stalls once: the open loop must show the stall in its tail, where a
//! closed loop hides it.

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tremplin_bench::load::{Sample, Summary, closed_loop, due, latency_from, open_loop};

type HttpClient = Client<HttpConnector, Full<bytes::Bytes>>;

#[test]
fn requests_are_due_evenly_from_the_start() {
    assert_eq!(due(0, 100.0), Duration::ZERO);
    assert_eq!(due(1, 100.0), Duration::from_millis(10));
    assert_eq!(due(250, 100.0), Duration::from_millis(2500));
    assert_eq!(due(3, 2000.0), Duration::from_micros(1500));
}

#[test]
fn latency_runs_from_the_intended_start_not_from_the_send() {
    let intended = Instant::now();
    let sent = intended + Duration::from_millis(300);
    let answered = sent + Duration::from_millis(2);
    assert_eq!(latency_from(intended, answered), Duration::from_millis(302));
    // An answer never comes before it was due.
    assert_eq!(latency_from(answered, intended), Duration::ZERO);
}

#[test]
fn percentiles_read_the_sorted_latencies() {
    let samples: Vec<Sample<()>> = (1..=100)
        .rev()
        .map(|ms| Sample {
            kind: (),
            micros: ms * 1000,
            ok: ms != 7,
        })
        .collect();
    let s = Summary::of(&samples);
    assert_eq!(s.count, 100);
    assert_eq!(s.errors, 1);
    assert_eq!((s.p50, s.p90, s.p99, s.max), (51.0, 90.0, 99.0, 100.0));
    let none: Vec<Sample<()>> = Vec::new();
    assert_eq!(Summary::of(&none).max, 0.0);
}

/// An HTTP/1.1 server on the loopback that answers at once, except that every request
/// arriving between `stall_after` and `stall_after + stall` waits for the end of that window:
/// the whole process pauses once.
async fn stalling_server(stall_after: Duration, stall: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let start = Instant::now();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut have = Vec::new();
                loop {
                    let n = match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    have.extend_from_slice(&buf[..n]);
                    while let Some(end) = have.windows(4).position(|w| w == b"\r\n\r\n") {
                        have.drain(..end + 4);
                        let now = start.elapsed();
                        if now >= stall_after && now < stall_after + stall {
                            tokio::time::sleep(stall_after + stall - now).await;
                        }
                        let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
                        if socket.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("http://{addr}/")
}

fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

async fn get(client: HttpClient, url: String) -> bool {
    let request = http::Request::get(url).body(Full::default()).unwrap();
    match client.request(request).await {
        Ok(r) => r.status().is_success() && r.into_body().collect().await.is_ok(),
        Err(_) => false,
    }
}

/// The same server, stalling 500 ms once in a 3 s run: the closed loop's p99 hides it (its
/// two users wait, and send nothing meanwhile), the open loop's shows it (the requests due
/// during the stall are late, and their latency counts from when they were due).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_shows_in_the_open_loop_p99_and_hides_in_the_closed_loop() {
    let stall = Duration::from_millis(500);
    let run = Duration::from_secs(3);

    let url = stalling_server(Duration::from_secs(1), stall).await;
    let c = client();
    let closed = closed_loop(2, run, move |_, _| {
        let (c, url) = (c.clone(), url.clone());
        async move { ((), get(c, url).await) }
    })
    .await;
    let closed = Summary::of(&closed.samples);

    let url = stalling_server(Duration::from_secs(1), stall).await;
    let c = client();
    let open = open_loop(200.0, run, 64, Duration::from_secs(10), move |_| {
        ((), get(c.clone(), url.clone()))
    })
    .await;
    let sent = open.samples.len();
    let open = Summary::of(&open.samples);

    assert_eq!((closed.errors, open.errors), (0, 0));
    assert_eq!(sent, 600, "3 s at 200 a second");
    // Both met the stall…
    assert!(closed.max >= 400.0, "{closed:?}");
    assert!(open.max >= 400.0, "{open:?}");
    // …but only the open loop's tail tells it: about one request in six was due during it.
    assert!(open.p90 >= 100.0, "{open:?}");
    assert!(open.p99 >= 400.0, "{open:?}");
    assert!(closed.p99 < 100.0, "{closed:?}");
}

/// Requests beyond the allowed in-flight count wait for a slot, and the wait counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_for_a_free_slot_counts_in_the_latency() {
    // One slot, 100 a second, each request taking 50 ms: request i leaves at about i × 50 ms
    // but was due at i × 10 ms, so the last of 20 is answered ~800 ms after it was due.
    let run = open_loop(
        100.0,
        Duration::from_millis(200),
        1,
        Duration::from_secs(10),
        |i| {
            (i, async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                true
            })
        },
    )
    .await;
    assert_eq!((run.samples.len(), run.timeouts), (20, 0));
    assert_eq!(run.peak_in_flight, 1);
    let last = run.samples.iter().find(|s| s.kind == 19).unwrap();
    assert!(last.micros >= 700_000, "{last:?}");
    let first = run.samples.iter().find(|s| s.kind == 0).unwrap();
    assert!(first.micros < 700_000, "{first:?}");
}

#[tokio::test]
async fn an_unanswered_request_is_an_error_at_the_timeout() {
    let run = open_loop(
        10.0,
        Duration::from_millis(100),
        4,
        Duration::from_millis(100),
        |_| ((), std::future::pending::<bool>()),
    )
    .await;
    assert_eq!((run.samples.len(), run.timeouts), (1, 1));
    let s = run.samples[0];
    assert!(!s.ok);
    assert!(s.micros >= 100_000, "{s:?}");
}
