//! A minimal SMTP server for tests: accepts every message (and AUTH PLAIN, kept as
//! `AUTH <base64>`), keeps what it receives.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A minimal SMTP server that keeps every message it accepts.
pub async fn sink(listener: TcpListener, received: Arc<Mutex<Vec<String>>>) {
    loop {
        let Ok((socket, _)) = listener.accept().await else {
            return;
        };
        let received = received.clone();
        tokio::spawn(async move {
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            write.write_all(b"220 sink.test ESMTP\r\n").await.ok();
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
        });
    }
}
