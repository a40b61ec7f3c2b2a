//! A minimal SMTP server for tests: accepts every message (and AUTH PLAIN, kept as
//! `AUTH <base64>`), keeps what it receives.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the sink received: each message's data, and each `AUTH` line.
pub type Received = Arc<Mutex<Vec<String>>>;

/// Accepts connections on `listener` and holds a conversation on each.
pub async fn sink(listener: TcpListener, received: Received) {
    loop {
        let Ok((socket, _)) = listener.accept().await else {
            return;
        };
        let received = received.clone();
        tokio::spawn(converse(socket, received, true));
    }
}

/// One SMTP conversation on `stream` (plain, or TLS already set up by the caller); `greet`:
/// say 220 first (not after STARTTLS, whose greeting came before).
pub async fn converse<S>(stream: S, received: Received, greet: bool)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (read, mut write) = tokio::io::split(stream);
    let mut lines = BufReader::new(read).lines();
    if greet {
        write.write_all(b"220 sink.test ESMTP\r\n").await.ok();
    }
    let mut data: Option<String> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(body) = data.as_mut() {
            if line == "." {
                received.lock().unwrap().push(std::mem::take(body));
                data = None;
                write.write_all(b"250 OK\r\n").await.ok();
            } else {
                body.push_str(&line);
                body.push('\n');
            }
            continue;
        }
        let reply: &[u8] = match line.to_ascii_uppercase().split(' ').next().unwrap_or("") {
            "EHLO" | "HELO" => b"250-sink.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
            "AUTH" => {
                // AUTH PLAIN base64("\0user\0password"): keep what was sent, accept it.
                received
                    .lock()
                    .unwrap()
                    .push(format!("AUTH {}", line.split(' ').nth(2).unwrap_or("")));
                b"235 2.7.0 Authentication successful\r\n"
            }
            "DATA" => {
                data = Some(String::new());
                b"354 Go ahead\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 Bye\r\n").await.ok();
                return;
            }
            _ => b"250 OK\r\n",
        };
        write.write_all(reply).await.ok();
    }
}
