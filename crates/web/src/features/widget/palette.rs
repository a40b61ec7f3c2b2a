//! The colours a host may give the widget: each one readable as text on white and as white text
//! on it (WCAG AA, contrast 4.5:1 at least, checked by a test), so no choice makes it unreadable.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Bleu,
    Vert,
    Prune,
    Brique,
    Ardoise,
}

/// (theme, name in the address, name shown, colour)
pub const THEMES: [(Theme, &str, &str, &str); 5] = [
    (Theme::Bleu, "bleu", "Bleu Tremplin", "#123c69"),
    (Theme::Vert, "vert", "Vert bocage", "#1d5b38"),
    (Theme::Prune, "prune", "Prune", "#5a2a6d"),
    (Theme::Brique, "brique", "Brique", "#8c2d19"),
    (Theme::Ardoise, "ardoise", "Ardoise", "#37434d"),
];

impl Theme {
    pub fn parse(v: &str) -> Option<Self> {
        THEMES.iter().find(|t| t.1 == v).map(|t| t.0)
    }

    pub fn name(self) -> &'static str {
        THEMES.iter().find(|t| t.0 == self).map_or("bleu", |t| t.1)
    }
}

/// The names a host may choose, for the message that refuses another.
pub fn names() -> String {
    let names: Vec<&str> = THEMES.iter().map(|t| t.1).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::THEMES;

    /// WCAG 2 relative luminance of "#rrggbb".
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    #[test]
    fn every_colour_reads_on_white_and_under_white_text() {
        for (_, name, _, hex) in THEMES {
            let ratio = (1.0 + 0.05) / (luminance(hex) + 0.05);
            assert!(ratio >= 4.5, "{name} {hex}: {ratio:.2}");
        }
    }

    #[test]
    fn the_stylesheet_has_every_theme_with_its_colour() {
        let css = include_str!("../../../assets/widget.css");
        for (_, name, _, hex) in THEMES {
            assert!(
                css.contains(&format!(".theme-{name} {{ --c: {hex}; }}")),
                "{name}"
            );
        }
    }
}
