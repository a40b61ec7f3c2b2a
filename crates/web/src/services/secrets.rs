//! Secrets: argon2id password hashes, random tokens and the hashes under which tokens are
//! stored (a stolen database gives no usable link).

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

use crate::WebError;

pub fn hash_password(password: &str) -> Result<String, WebError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(format!("argon2 : {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the account does not exist, so that the answer takes as
/// long either way.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("pas-un-vrai-mot-de-passe").unwrap_or_default())
}

/// 32 random bytes, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Crockford's base 32 in lower case: no i, l, o, u to misread or mistype.
const CODE_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// Characters of a short code: 12 × 5 = 60 random bits.
///
/// Why 60 bits is enough: a wrong code counts against the address that tried it, 20 an hour
/// ([`crate::services::secrets::CODE_MISSES_PER_HOUR`]). Even with 10 000 addresses guessing
/// around the clock (200 000 tries an hour) against 1 million live applications, one hit takes
/// 2^60 / 10^6 / 200 000 ≈ 5 800 hours of guessing for a single follow-up page (an
/// application, never an account), which also expires with the application (12 months). The
/// code stays short enough to read aloud, type from an SMS and fit a small QR code.
pub const CODE_LEN: usize = 12;
/// Wrong follow-up codes an address may try in an hour.
pub const CODE_MISSES_PER_HOUR: i64 = 20;

/// A random short code (`k7m2q9x4hw3p`), for a link people keep on a phone.
pub fn short_code() -> String {
    let mut bytes = [0u8; CODE_LEN];
    OsRng.fill_bytes(&mut bytes);
    // 256 is a multiple of 32: taking the low five bits keeps every character equally likely.
    bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(b & 31)] as char)
        .collect()
}

/// A code as a person may type it back (capitals, I/L for 1, O for 0, dashes, spaces), in
/// its one stored form; `None` when it cannot be one.
pub fn normalize_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_lowercase() {
            'i' | 'l' => '1',
            'o' => '0',
            c => c,
        })
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_codes_are_random_and_read_back_as_typed() {
        let a = short_code();
        assert_eq!(a.len(), CODE_LEN);
        assert_ne!(a, short_code());
        assert_eq!(normalize_code(&a).as_deref(), Some(a.as_str()));
        assert_eq!(
            normalize_code("K7M2-Q9X4-HW3P").as_deref(),
            Some("k7m2q9x4hw3p")
        );
        assert_eq!(
            normalize_code("OIL2q9x4hw3p").as_deref(),
            Some("0112q9x4hw3p")
        );
        assert_eq!(normalize_code("k7m2q9x4hw3"), None, "too short");
        assert_eq!(
            normalize_code("k7m2q9x4hw3u"),
            None,
            "u is not in the alphabet"
        );
        assert_eq!(normalize_code(&"a".repeat(64)), None);
    }

    #[test]
    fn every_character_of_the_alphabet_comes_out() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            seen.extend(short_code().chars());
        }
        assert_eq!(seen.len(), 32);
    }
}
