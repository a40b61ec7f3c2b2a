//! What Tremplin draws and prints to relay an edition, with no HTTP in it: the PNG cards of
//! each offer and edition (SVG laid out here, rendered by resvg), the social kit's ZIP and its
//! post texts, and the PDF catalogue and posters (krilla). Text is measured with the shipped
//! font ([`font`]) and wrapped here ([`text`]): neither SVG nor PDF wraps text.

pub mod card;
mod encode;
pub mod font;
pub mod kit;
pub mod pdf;
pub mod pepite_posts;
pub mod posts;
pub mod qr;
pub mod text;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("adresse trop longue pour un QR code")]
    Qr,
    #[error("dessin de la carte impossible : {0}")]
    Render(String),
    #[error("écriture du PDF impossible : {0}")]
    Pdf(String),
    #[error("écriture de l'archive impossible : {0}")]
    Zip(String),
}

/// Colours of the territory's identity, as the site shows them (`#123c69` navy, `#f4b400`
/// yellow).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub dark: (u8, u8, u8),
    pub accent: (u8, u8, u8),
}

impl Default for Palette {
    fn default() -> Self {
        Self {
            dark: (0x12, 0x3c, 0x69),
            accent: (0xf4, 0xb4, 0x00),
        }
    }
}

impl Palette {
    pub fn dark_hex(&self) -> String {
        hex(self.dark)
    }
    pub fn accent_hex(&self) -> String {
        hex(self.accent)
    }
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// `text` safe inside an XML element or attribute.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `data` in standard base64 with padding, for a `data:` address inside an SVG.
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_as_rfc_4648_says() {
        for (raw, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64(raw.as_bytes()), coded);
        }
    }
}
