//! How often a password may be tried. A lock on the account, whoever the failures came from,
//! let any stranger shut a member of staff out; instead, the failures of one account from one
//! address make that address wait before its next try for that account (the first few free,
//! then 1 s, 2 s, 4 s… up to 15 minutes), and one address may fail so many times in
//! 15 minutes, whatever the accounts. The owner, from another address, still signs in.
//! Against many addresses at once (a botnet, a phone's fresh IPv6 addresses), an account that
//! failed many times in 15 minutes takes one try every few seconds, from anywhere: slower for
//! the attacker by orders of magnitude, a few seconds for its owner.

use tremplin_storage::{Store, StoreError};

/// Failures of one account from one address that cost nothing: a mistyped password or two.
const FREE_FAILURES: i64 = 3;
/// The longest wait between two tries of one account from one address.
const MAX_DELAY: i64 = 15 * 60;
/// How long the failures of one account from one address are remembered, unless a right
/// password clears them (the table keeps a day).
const PAIR_MEMORY: i64 = 24 * 3600;
/// Failures from one address, whatever the accounts, in `IP_WINDOW` seconds.
const MAX_FAILURES_PER_IP: i64 = 20;
const IP_WINDOW: i64 = 15 * 60;
/// Failures of one account from every address in `IP_WINDOW`, beyond which each try waits
/// `ACCOUNT_SPACING` seconds after the last.
const MAX_FAILURES_PER_ACCOUNT: i64 = 30;
const ACCOUNT_SPACING: i64 = 10;

/// The keys one try counts against.
pub(super) struct Keys {
    /// This account from this address.
    pub pair: String,
    /// This address, whatever the account.
    pub ip: String,
    /// This account, from every address.
    pub account: String,
}

impl Keys {
    pub fn new(email: &str, ip: &str) -> Self {
        let ip = network(ip);
        Self {
            pair: format!("compte-adresse:{email}|{ip}"),
            ip: format!("ip:{ip}"),
            account: format!("compte:{email}"),
        }
    }

    pub fn all(&self) -> [String; 3] {
        [self.pair.clone(), self.ip.clone(), self.account.clone()]
    }
}

/// The network an address stands for: an IPv4 address itself, an IPv6 address its /64 (one
/// home or phone gets a whole /64 and may draw as many addresses from it as it likes).
fn network(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or_else(|| ip.to_owned(), |v4| v4.to_string()),
        _ => ip.to_owned(),
    }
}

/// Seconds to wait after `failures` failures in a row of one account from one address.
fn delay(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        0
    } else {
        (1i64 << (failures - FREE_FAILURES).min(20)).min(MAX_DELAY)
    }
}

/// `Some(seconds)` to wait before this try is considered, `None` to go ahead.
pub(super) async fn wait(store: &Store, keys: &Keys, now: i64) -> Result<Option<i64>, StoreError> {
    let pair = store
        .login_failure_span(&keys.pair, now - PAIR_MEMORY)
        .await?;
    let pair_wait = pair.last + delay(pair.count) - now;
    let ip = store.login_failure_span(&keys.ip, now - IP_WINDOW).await?;
    // When the oldest failure leaves the window, the address is under the limit again.
    let ip_wait = if ip.count >= MAX_FAILURES_PER_IP {
        (ip.first + IP_WINDOW - now).max(1)
    } else {
        0
    };
    let account = store
        .login_failure_span(&keys.account, now - IP_WINDOW)
        .await?;
    let account_wait = if account.count >= MAX_FAILURES_PER_ACCOUNT {
        account.last + ACCOUNT_SPACING - now
    } else {
        0
    };
    let wait = pair_wait.max(ip_wait).max(account_wait);
    Ok((wait > 0).then_some(wait))
}

/// "12 secondes", "3 minutes": what the page says.
pub(super) fn in_words(seconds: i64) -> String {
    match seconds {
        ..=1 => "1 seconde".into(),
        2..=59 => format!("{seconds} secondes"),
        60 => "1 minute".into(),
        _ => format!("{} minutes", (seconds + 59) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_network_counts_as_one_address() {
        let a = Keys::new("x@ml.example", "2001:db8:1:2:aaaa::1");
        let b = Keys::new("x@ml.example", "2001:db8:1:2:bbbb::9");
        assert_eq!(a.all(), b.all(), "one /64, one address");
        assert_ne!(a.ip, Keys::new("x@ml.example", "2001:db8:1:3::1").ip);
        assert_eq!(
            Keys::new("x@ml.example", "::ffff:192.0.2.7").ip,
            "ip:192.0.2.7"
        );
        assert_eq!(Keys::new("x@ml.example", "192.0.2.7").ip, "ip:192.0.2.7");
    }

    #[test]
    fn delays_grow_then_stop_growing() {
        let d: Vec<i64> = (0..8).map(delay).collect();
        assert_eq!(d, [0, 0, 0, 1, 2, 4, 8, 16]);
        assert_eq!(delay(40), MAX_DELAY);
        assert_eq!(in_words(1), "1 seconde");
        assert_eq!(in_words(16), "16 secondes");
        assert_eq!(in_words(61), "2 minutes");
        assert_eq!(in_words(900), "15 minutes");
    }
}
