//! Captions in WebVTT, as a pépite's video needs them to be published (RGAA 4.1–4.4).
//!
//! We read the subset a counselor writes or a caption tool exports: a `WEBVTT` header, then
//! cues `start --> end` with their text (an optional identifier line before the times, cue
//! settings after them are kept out; NOTE/STYLE blocks skipped). What we refuse, in French:
//! times outside the video or backwards, cues out of order, empty cues, lines too long to read.

use crate::Invalid;
use std::fmt::Write as _;

/// The longest line a viewer reads in time (the usual subtitling rule: 42 characters).
pub const MAX_LINE_CHARS: usize = 42;
/// At most two lines on screen at once.
pub const MAX_LINES: usize = 2;

/// One caption: shown from `start_ms` to `end_ms`, its text in one or two lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cue {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
}

/// Checked captions: ordered, non-empty cues, every one inside the video.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Captions {
    cues: Vec<Cue>,
}

impl Captions {
    /// Reads a WebVTT file and checks it against a video lasting `video_ms`.
    pub fn parse(source: &str, video_ms: u64) -> Result<Self, Invalid> {
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        let normalized = source.replace("\r\n", "\n").replace('\r', "\n");
        // Blocks are separated by blank lines.
        let mut groups: Vec<Vec<&str>> = vec![Vec::new()];
        for line in normalized.lines() {
            if line.trim().is_empty() {
                if !groups.last().is_some_and(Vec::is_empty) {
                    groups.push(Vec::new());
                }
            } else {
                groups.last_mut().expect("one group").push(line);
            }
        }
        let joined: Vec<String> = groups.iter().map(|g| g.join("\n")).collect();
        let mut blocks = joined.iter().map(String::as_str);
        let header = blocks.next().unwrap_or_default();
        let first = header.lines().next().unwrap_or_default();
        if !(first == "WEBVTT" || first.starts_with("WEBVTT ") || first.starts_with("WEBVTT\t")) {
            return Err(field_error(
                "Ce fichier n'est pas un fichier de sous-titres WebVTT : il doit commencer par « WEBVTT ».",
            ));
        }
        let mut cues = Vec::new();
        for block in blocks.filter(|b| !b.trim().is_empty()) {
            if block.starts_with("NOTE")
                || block.starts_with("STYLE")
                || block.starts_with("REGION")
            {
                continue;
            }
            let number = cues.len() + 1;
            let mut lines = block.lines();
            let mut timing = lines.next().unwrap_or_default();
            if !timing.contains("-->") {
                timing = lines.next().unwrap_or_default();
            }
            let (start_ms, end_ms) = parse_timing(timing).ok_or_else(|| {
                field_error(format!(
                    "Sous-titre n° {number} : la ligne des temps doit s'écrire « 00:00:01.000 --> 00:00:04.000 »."
                ))
            })?;
            let text = lines.collect::<Vec<_>>().join("\n");
            cues.push(Cue {
                start_ms,
                end_ms,
                text,
            });
        }
        Self::from_cues(cues, video_ms)
    }

    /// Checks cues typed one by one in the back office.
    pub fn from_cues(cues: Vec<Cue>, video_ms: u64) -> Result<Self, Invalid> {
        if cues.is_empty() {
            return Err(field_error(
                "Les sous-titres ne contiennent aucun texte : ajoutez au moins un sous-titre.",
            ));
        }
        let mut previous_start = 0;
        let mut cleaned = Vec::with_capacity(cues.len());
        for (i, cue) in cues.into_iter().enumerate() {
            let n = i + 1;
            if cue.end_ms <= cue.start_ms {
                return Err(field_error(format!(
                    "Sous-titre n° {n} : la fin ({}) doit venir après le début ({}).",
                    clock(cue.end_ms),
                    clock(cue.start_ms)
                )));
            }
            if cue.end_ms > video_ms {
                return Err(field_error(format!(
                    "Sous-titre n° {n} : il finit à {}, après la fin de la vidéo ({}).",
                    clock(cue.end_ms),
                    clock(video_ms)
                )));
            }
            if cue.start_ms < previous_start {
                return Err(field_error(format!(
                    "Sous-titre n° {n} : il commence ({}) avant le précédent ; mettez les sous-titres dans l'ordre.",
                    clock(cue.start_ms)
                )));
            }
            previous_start = cue.start_ms;
            let lines: Vec<&str> = cue
                .text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            if lines.is_empty() {
                return Err(field_error(format!(
                    "Sous-titre n° {n} : il est vide ; écrivez ce qui est dit ou retirez-le."
                )));
            }
            if lines.len() > MAX_LINES {
                return Err(field_error(format!(
                    "Sous-titre n° {n} : {} lignes, c'est trop pour être lu ; {MAX_LINES} lignes au plus, coupez-le en deux sous-titres.",
                    lines.len()
                )));
            }
            for line in &lines {
                if line.chars().any(|c| c.is_control()) {
                    return Err(field_error(format!(
                        "Sous-titre n° {n} : il contient un caractère invisible ; retapez-le."
                    )));
                }
                let count = line.chars().count();
                if count > MAX_LINE_CHARS {
                    return Err(field_error(format!(
                        "Sous-titre n° {n} : une ligne fait {count} caractères ; {MAX_LINE_CHARS} au plus pour qu'on ait le temps de la lire."
                    )));
                }
                if line.contains("-->") {
                    return Err(field_error(format!(
                        "Sous-titre n° {n} : le texte ne peut pas contenir « --> »."
                    )));
                }
            }
            cleaned.push(Cue {
                start_ms: cue.start_ms,
                end_ms: cue.end_ms,
                text: lines.join("\n"),
            });
        }
        Ok(Self { cues: cleaned })
    }

    pub fn cues(&self) -> &[Cue] {
        &self.cues
    }

    /// The WebVTT file served with the video (`<track kind="captions">`).
    pub fn to_webvtt(&self) -> String {
        let mut out = String::from("WEBVTT\n");
        for (i, cue) in self.cues.iter().enumerate() {
            let _ = write!(
                out,
                "\n{}\n{} --> {}\n{}\n",
                i + 1,
                stamp(cue.start_ms),
                stamp(cue.end_ms),
                cue.text
            );
        }
        out
    }

    /// The transcript shown under the video: every cue's text, in order.
    pub fn transcript(&self) -> Vec<String> {
        self.cues
            .iter()
            .map(|c| c.text.replace('\n', " "))
            .collect()
    }
}

fn field_error(message: impl Into<String>) -> Invalid {
    Invalid::new("captions", message)
}

fn parse_timing(line: &str) -> Option<(u64, u64)> {
    let (start, rest) = line.split_once("-->")?;
    let end = rest.split_whitespace().next()?;
    Some((parse_timestamp(start.trim())?, parse_timestamp(end)?))
}

/// `hh:mm:ss.ttt` or `mm:ss.ttt` (WebVTT), to milliseconds.
pub fn parse_timestamp(s: &str) -> Option<u64> {
    let (clock, millis) = s.split_once('.')?;
    if millis.len() != 3 || !millis.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let sixty = |p: &str| {
        (p.len() == 2 && digits(p))
            .then(|| p.parse::<u64>().ok())
            .flatten()
            .filter(|v| *v < 60)
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [m, s] => (0, sixty(m)?, sixty(s)?),
        [h, m, s] if h.len() >= 2 && h.len() <= 3 && digits(h) => {
            (h.parse().ok()?, sixty(m)?, sixty(s)?)
        }
        _ => return None,
    };
    Some(((h * 60 + m) * 60 + sec) * 1000 + millis.parse::<u64>().ok()?)
}

/// `00:01:02.345`, as WebVTT writes it.
pub fn stamp(ms: u64) -> String {
    let s = ms / 1000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        ms % 1000
    )
}

/// `1 min 02 s` or `12,3 s`, for a French message.
pub fn clock(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{},{} s", s, ms % 1000 / 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GOOD: &str = "WEBVTT\n\n1\n00:00:00.500 --> 00:00:03.000\nBonjour, je m'appelle Léa.\n\n00:03.000 --> 00:06.000 align:start\nJe cherche en boulangerie\nà Alençon.\n";

    #[test]
    fn reads_a_good_file() {
        let c = Captions::parse(GOOD, 10_000).unwrap();
        assert_eq!(c.cues().len(), 2);
        assert_eq!(
            c.cues()[1],
            Cue {
                start_ms: 3000,
                end_ms: 6000,
                text: "Je cherche en boulangerie\nà Alençon.".into()
            }
        );
        assert_eq!(c.transcript()[1], "Je cherche en boulangerie à Alençon.");
        assert_eq!(Captions::parse(&c.to_webvtt(), 10_000).unwrap(), c);
        assert_eq!(
            Captions::parse(&GOOD.replace('\n', "\r\n"), 10_000).unwrap(),
            c
        );
    }

    #[test]
    fn refuses_in_french() {
        let cases = [
            ("Bonjour", 10_000, "WEBVTT"),
            (GOOD, 5_000, "après la fin de la vidéo"),
            (
                "WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nA\n",
                10_000,
                "doit venir après le début",
            ),
            (
                "WEBVTT\n\n00:00:02.000 --> 00:00:03.000\nA\n\n00:00:01.000 --> 00:00:04.000\nB\n",
                10_000,
                "dans l'ordre",
            ),
            (
                "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n   \n",
                10_000,
                "vide",
            ),
            (
                "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\nB\nC\n",
                10_000,
                "3 lignes",
            ),
            (
                "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nUne phrase bien trop longue pour une seule ligne.\n",
                10_000,
                "caractères",
            ),
            (
                "WEBVTT\n\n00:00:01 --> 00:00:02.000\nA\n",
                10_000,
                "ligne des temps",
            ),
            ("WEBVTT\n", 10_000, "aucun texte"),
        ];
        for (src, video, expected) in cases {
            let e = Captions::parse(src, video).unwrap_err();
            assert!(e.message.contains(expected), "{src:?}: {}", e.message);
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("01:02:03.004"), Some(3_723_004));
        assert_eq!(parse_timestamp("02:03.004"), Some(123_004));
        for bad in [
            "1:02.000",
            "00:60.000",
            "00:01.00",
            "00:01",
            "a0:01.000",
            "00:00:01.0000",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn stamp_round_trips(ms in 0u64..360_000_000) {
            prop_assert_eq!(parse_timestamp(&stamp(ms)), Some(ms));
        }

        #[test]
        fn never_panics(src in ".{0,400}", video in 0u64..1_000_000) {
            let _ = Captions::parse(&format!("WEBVTT\n\n{src}"), video);
            let _ = Captions::parse(&src, video);
        }

        #[test]
        fn valid_cues_round_trip(words in proptest::collection::vec("[a-zà-ü]{1,10}( [a-z]{1,10}){0,2}", 1..8)) {
            let cues: Vec<Cue> = words.iter().enumerate().map(|(i, w)| Cue {
                start_ms: i as u64 * 2000, end_ms: i as u64 * 2000 + 1500, text: w.clone(),
            }).collect();
            let c = Captions::from_cues(cues.clone(), 60_000).unwrap();
            prop_assert_eq!(c.cues(), &cues[..]);
            prop_assert_eq!(Captions::parse(&c.to_webvtt(), 60_000).unwrap(), c);
        }

        #[test]
        fn accepted_cues_are_inside_and_ordered(src in "(\n\n0[0-9]:[0-5][0-9]\\.[0-9]{3} --> 0[0-9]:[0-5][0-9]\\.[0-9]{3}\n[a-z ]{0,50}){1,5}", video in 0u64..600_000) {
            if let Ok(c) = Captions::parse(&format!("WEBVTT{src}"), video) {
                let mut last = 0;
                for cue in c.cues() {
                    prop_assert!(cue.start_ms < cue.end_ms && cue.end_ms <= video && cue.start_ms >= last);
                    prop_assert!(!cue.text.trim().is_empty());
                    last = cue.start_ms;
                }
            }
        }
    }
}
