//! A local S3-compatible server for the media storage tests: `moto` in server mode (PyPI,
//! `pip install 'moto[server]'`), started once per test binary on a free port of 127.0.0.1.
//! Missing on a newcomer's machine, those tests say so and skip; CI sets `TREMPLIN_REQUIRE_S3`
//! (and installs moto), where a missing one is a failure.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// moto on a port the OS chose; the script prints it, then waits for its standard input to
/// close, so the server ends with the test process even when the process is killed.
const SCRIPT: &str = "import sys\n\
from moto.server import ThreadedMotoServer\n\
s = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)\n\
s.start()\n\
print(s.get_host_and_port()[1], flush=True)\n\
sys.stdin.read()\n";

pub struct Moto {
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
    port: u16,
    _child: Child,
}

static SERVER: LazyLock<Option<Moto>> = LazyLock::new(start);
static BUCKETS: AtomicU32 = AtomicU32::new(0);

fn start() -> Option<Moto> {
    let child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let failure = match child {
        Ok(mut child) => {
            let mut line = String::new();
            let read = child
                .stdout
                .take()
                .map(|out| BufReader::new(out).read_line(&mut line));
            match line.trim().parse::<u16>() {
                Ok(port) if matches!(read, Some(Ok(_))) => {
                    return Some(Moto {
                        endpoint: format!("http://127.0.0.1:{port}"),
                        port,
                        _child: child,
                    });
                }
                _ => {
                    let mut err = String::new();
                    if let Some(mut e) = child.stderr.take() {
                        let _ = e.read_to_string(&mut err);
                    }
                    let _ = child.kill();
                    let _ = child.wait();
                    err.lines()
                        .last()
                        .unwrap_or("moto ne démarre pas")
                        .to_owned()
                }
            }
        }
        Err(e) => format!("python3 introuvable : {e}"),
    };
    assert!(
        std::env::var_os("TREMPLIN_REQUIRE_S3").is_none(),
        "moto (pip install 'moto[server]') est nécessaire alors que TREMPLIN_REQUIRE_S3 est défini : {failure}"
    );
    eprintln!("SKIPPED: no local S3 server (pip install 'moto[server]'): {failure}");
    None
}

/// The shared server, or `None` (after saying so) when moto is not installed.
pub fn moto() -> Option<&'static Moto> {
    SERVER.as_ref()
}

impl Moto {
    /// A new empty bucket, its name unique in this test process.
    pub fn bucket(&self) -> String {
        let name = format!(
            "tremplin-{}-{}",
            std::process::id(),
            BUCKETS.fetch_add(1, Ordering::Relaxed)
        );
        // moto checks no signature: a plain PUT creates the bucket.
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "PUT /{name} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "bucket {name} not created: {answer}"
        );
        name
    }
}
