//! Line breaking: SVG and PDF text do not wrap, so Tremplin breaks lines itself, measured
//! with the font's own advances, and shrinks or shortens what still does not fit.

use crate::font::{Metrics, Weight};

/// Lines of at most `max_width`, broken between words, or after a "/" or "-" inside a word
/// too long for a line ("Boulanger/Boulangère"), or anywhere in a word longer than a line.
pub fn wrap(m: &Metrics, text: &str, size: f32, weight: Weight, max_width: f32) -> Vec<String> {
    let fits = |s: &str| m.width(s, size, weight) <= max_width;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone, broken into pieces if it is wider than a line.
        let mut rest = word;
        while !fits(rest) {
            let cut = best_cut(m, rest, size, weight, max_width);
            lines.push(rest[..cut].to_owned());
            rest = &rest[cut..];
        }
        line = rest.to_owned();
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Where to cut a word wider than a line: after the last "/" or "-" that fits, otherwise
/// after as many characters as fit (at least one, so the loop ends).
fn best_cut(m: &Metrics, word: &str, size: f32, weight: Weight, max_width: f32) -> usize {
    let mut last_fit = 0;
    let mut last_break = 0;
    for (i, c) in word.char_indices() {
        let end = i + c.len_utf8();
        if m.width(&word[..end], size, weight) > max_width {
            break;
        }
        last_fit = end;
        if (c == '/' || c == '-') && end < word.len() {
            last_break = end;
        }
    }
    if last_break > 0 {
        last_break
    } else if last_fit > 0 {
        last_fit
    } else {
        word.chars().next().map_or(word.len(), char::len_utf8)
    }
}

/// At most `max_lines` lines; when the text needs more, the last one ends with "…" and still
/// fits. Returns the lines and whether the text was shortened.
pub fn wrap_at_most(
    m: &Metrics,
    text: &str,
    size: f32,
    weight: Weight,
    max_width: f32,
    max_lines: usize,
) -> (Vec<String>, bool) {
    let mut lines = wrap(m, text, size, weight, max_width);
    if lines.len() <= max_lines {
        return (lines, false);
    }
    lines.truncate(max_lines.max(1));
    if let Some(last) = lines.last_mut() {
        let mut s = last.trim_end().to_owned();
        while !s.is_empty() && m.width(&format!("{s}…"), size, weight) > max_width {
            s.pop();
            // Cut at a word's end when one is near, never in the middle of "é".
            s = s.trim_end().to_owned();
        }
        *last = format!("{}…", s.trim_end_matches([' ', ',', '-', '/']));
    }
    (lines, true)
}

/// The largest size from `sizes` (largest first) at which the text takes at most
/// `max_lines` lines; at the smallest size, shortened with "…".
pub fn fit(
    m: &Metrics,
    text: &str,
    sizes: &[f32],
    weight: Weight,
    max_width: f32,
    max_lines: usize,
) -> (f32, Vec<String>) {
    for &size in sizes {
        let lines = wrap(m, text, size, weight, max_width);
        if lines.len() <= max_lines {
            return (size, lines);
        }
    }
    let size = sizes.last().copied().unwrap_or(12.0);
    (
        size,
        wrap_at_most(m, text, size, weight, max_width, max_lines).0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::metrics;
    use proptest::prelude::*;

    #[test]
    fn breaks_between_words_then_inside_long_ones() {
        let m = metrics();
        let lines = wrap(
            m,
            "Boulanger/Boulangère en alternance",
            40.0,
            Weight::Bold,
            300.0,
        );
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines[0], "Boulanger/");
        for l in &lines {
            assert!(m.width(l, 40.0, Weight::Bold) <= 300.0, "{l}");
        }
        let joined: String = lines.concat().split_whitespace().collect();
        assert_eq!(joined, "Boulanger/Boulangèreenalternance");
    }

    #[test]
    fn shortens_with_an_ellipsis() {
        let m = metrics();
        let text = "Opérateur / Opératrice de préparation ou de finition sur articles de cuirs, peaux ou matériaux associés";
        let (lines, cut) = wrap_at_most(m, text, 40.0, Weight::Bold, 400.0, 2);
        assert!(cut);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(m.width(&lines[1], 40.0, Weight::Bold) <= 400.0);
    }

    proptest! {
        #[test]
        fn every_line_fits(text in "[a-zA-Zéèàçœ/ -]{0,200}", width in 20.0f32..900.0) {
            let m = metrics();
            for l in wrap(m, &text, 30.0, Weight::Regular, width) {
                // A single character wider than the frame is the only line allowed to exceed it.
                prop_assert!(l.chars().count() == 1 || m.width(&l, 30.0, Weight::Regular) <= width, "{l}");
            }
            let (lines, _) = wrap_at_most(m, &text, 30.0, Weight::Regular, width.max(80.0), 3);
            prop_assert!(lines.len() <= 3);
            for l in lines {
                prop_assert!(m.width(&l, 30.0, Weight::Regular) <= width.max(80.0), "{l}");
            }
        }
    }
}
