//! The channels that bring young people to the catalogue: every link Tremplin makes for one
//! carries it (`?via=whatsapp`). Only these are counted: a made-up `via` counts for nothing.

/// (as in the link, as the dashboard names it)
pub const CHANNELS: [(&str, &str); 15] = [
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
    ("linkedin", "LinkedIn"),
    ("bluesky", "Bluesky"),
    ("x", "X"),
    ("whatsapp", "WhatsApp"),
    ("sms", "SMS"),
    ("email", "E-mail"),
    ("lien", "Lien copié"),
    ("ent", "ENT"),
    ("widget", "Widget"),
    ("affiche", "Affiche"),
    ("qr", "QR code"),
    ("catalogue", "Catalogue imprimé"),
    ("alerte", "Alerte"),
];

/// The channel a `via` names, in its canonical spelling.
pub fn channel(via: &str) -> Option<&'static str> {
    let via = via.trim();
    CHANNELS
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(via))
        .map(|(key, _)| *key)
}

/// How the dashboard names a channel.
pub fn label(channel: &str) -> &'static str {
    CHANNELS
        .iter()
        .find(|(key, _)| *key == channel)
        .map_or("Autre", |(_, label)| *label)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_known_channels_count() {
        assert_eq!(super::channel("WhatsApp"), Some("whatsapp"));
        assert_eq!(super::channel(" qr "), Some("qr"));
        assert_eq!(super::channel("evil'); DROP TABLE"), None);
        assert_eq!(super::channel(""), None);
        assert_eq!(super::label("ent"), "ENT");
    }
}
