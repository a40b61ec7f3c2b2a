//! Recognising an uploaded video by its content, never its name: an MP4 (ISO BMFF: `ftyp` box,
//! duration in `moov/mvhd`, H.264 `avc1` video and AAC `mp4a` sound when the sample
//! descriptions say so) or a WebM (EBML header with DocType `webm`, duration in
//! `Segment/Info`). A file cut short (a box or element running past the end) is refused, as is
//! one over the territory's size or duration limit.

use crate::Invalid;

/// A territory's limits for one video (defaults: 150 MB, 3 minutes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VideoLimits {
    pub max_bytes: u64,
    pub max_ms: u64,
}

impl Default for VideoLimits {
    fn default() -> Self {
        Self {
            max_bytes: 150 * 1_000_000,
            max_ms: 3 * 60 * 1000,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoKind {
    Mp4,
    WebM,
}

impl VideoKind {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Mp4 => "video/mp4",
            Self::WebM => "video/webm",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Self::Mp4 => "mp4",
            Self::WebM => "webm",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "mp4" | "video/mp4" => Some(Self::Mp4),
            "webm" | "video/webm" => Some(Self::WebM),
            _ => None,
        }
    }
}

/// What the container says about a recognised video.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoInfo {
    pub kind: VideoKind,
    pub duration_ms: u64,
    /// Codec names found in the track descriptions (`avc1`, `mp4a`, `V_VP9`, `A_OPUS`…).
    pub codecs: Vec<String>,
}

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid::new("video", message)
}

const NOT_A_VIDEO: &str = "Ce fichier n'est pas une vidéo MP4 ou WebM : son contenu ne correspond pas, quel que soit son nom. Exportez la vidéo en MP4 (H.264/AAC) ou en WebM.";
const TRUNCATED: &str = "Cette vidéo est incomplète (le fichier est coupé avant la fin) : envoyez-la de nouveau, en entier.";

/// Recognises the video in `bytes` and checks it against `limits`.
pub fn recognise(bytes: &[u8], limits: VideoLimits) -> Result<VideoInfo, Invalid> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(invalid(format!(
            "Cette vidéo pèse {} Mo : {} Mo au plus. Raccourcissez-la ou exportez-la en qualité plus légère.",
            bytes.len().div_ceil(1_000_000),
            limits.max_bytes / 1_000_000
        )));
    }
    let info = if bytes.len() >= 8 && &bytes[4..8] == b"ftyp" {
        mp4(bytes)?
    } else if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        webm(bytes)?
    } else {
        return Err(invalid(NOT_A_VIDEO));
    };
    if info.duration_ms == 0 {
        return Err(invalid(
            "Cette vidéo ne dit pas sa durée (ou dure 0 seconde) : exportez-la de nouveau.",
        ));
    }
    if info.duration_ms > limits.max_ms {
        return Err(invalid(format!(
            "Cette vidéo dure {} : {} au plus sur ce territoire. Raccourcissez-la.",
            super::webvtt::clock(info.duration_ms),
            super::webvtt::clock(limits.max_ms)
        )));
    }
    Ok(info)
}

// ---------- MP4 ----------

/// The boxes of `data`: (type, body). A box running past the end means a truncated file.
fn boxes(data: &[u8]) -> Result<Vec<([u8; 4], &[u8])>, Invalid> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < data.len() {
        let rest = &data[at..];
        if rest.len() < 8 {
            return Err(invalid(TRUNCATED));
        }
        let size32 = u32::from_be_bytes(rest[0..4].try_into().unwrap()) as u64;
        let kind: [u8; 4] = rest[4..8].try_into().unwrap();
        let (header, size) = match size32 {
            0 => (8u64, rest.len() as u64),
            1 => {
                if rest.len() < 16 {
                    return Err(invalid(TRUNCATED));
                }
                (16, u64::from_be_bytes(rest[8..16].try_into().unwrap()))
            }
            n => (8, n),
        };
        if size < header {
            return Err(invalid(NOT_A_VIDEO));
        }
        if size > rest.len() as u64 {
            return Err(invalid(TRUNCATED));
        }
        out.push((kind, &rest[header as usize..size as usize]));
        at += size as usize;
    }
    Ok(out)
}

fn mp4(bytes: &[u8]) -> Result<VideoInfo, Invalid> {
    let top = boxes(bytes)?;
    let ftyp = top.first().map(|(_, body)| *body).unwrap_or_default();
    let brand = ftyp.get(0..4).unwrap_or_default();
    // HEIC pictures and QuickTime-only files also start with `ftyp`: they are not MP4 videos.
    if [&b"heic"[..], b"heix", b"mif1", b"avif", b"msf1"].contains(&brand) {
        return Err(invalid(NOT_A_VIDEO));
    }
    let moov = top
        .iter()
        .find(|(k, _)| k == b"moov")
        .map(|(_, b)| *b)
        .ok_or_else(|| invalid(TRUNCATED))?;
    if !top.iter().any(|(k, _)| k == b"mdat") {
        return Err(invalid(TRUNCATED));
    }
    let mut duration_ms = None;
    let mut codecs = Vec::new();
    for (kind, body) in boxes(moov)? {
        match &kind {
            b"mvhd" => duration_ms = Some(mvhd_duration(body).ok_or_else(|| invalid(TRUNCATED))?),
            b"trak" => collect_mp4_codecs(body, &mut codecs)?,
            _ => {}
        }
    }
    let duration_ms = duration_ms.ok_or_else(|| invalid(TRUNCATED))?;
    if codecs.iter().any(|c| c == "hvc1" || c == "hev1") && !codecs.iter().any(|c| c == "avc1") {
        return Err(invalid(
            "Cette vidéo est en H.265 (HEVC), que beaucoup de navigateurs ne lisent pas : exportez-la en MP4 H.264 ou en WebM.",
        ));
    }
    Ok(VideoInfo {
        kind: VideoKind::Mp4,
        duration_ms,
        codecs,
    })
}

fn mvhd_duration(body: &[u8]) -> Option<u64> {
    let version = *body.first()?;
    let (timescale, duration) = if version == 1 {
        (
            u32::from_be_bytes(body.get(20..24)?.try_into().ok()?) as u64,
            u64::from_be_bytes(body.get(24..32)?.try_into().ok()?),
        )
    } else {
        (
            u32::from_be_bytes(body.get(12..16)?.try_into().ok()?) as u64,
            u32::from_be_bytes(body.get(16..20)?.try_into().ok()?) as u64,
        )
    };
    (timescale > 0).then(|| (duration as u128 * 1000 / timescale as u128) as u64)
}

/// `trak/mdia/minf/stbl/stsd`: the sample entry types name the codecs.
fn collect_mp4_codecs(trak: &[u8], codecs: &mut Vec<String>) -> Result<(), Invalid> {
    let find = |data: &[u8], name: &[u8; 4]| -> Result<Option<Vec<u8>>, Invalid> {
        Ok(boxes(data)?
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, b)| b.to_vec()))
    };
    let Some(mdia) = find(trak, b"mdia")? else {
        return Ok(());
    };
    let Some(minf) = find(&mdia, b"minf")? else {
        return Ok(());
    };
    let Some(stbl) = find(&minf, b"stbl")? else {
        return Ok(());
    };
    let Some(stsd) = find(&stbl, b"stsd")? else {
        return Ok(());
    };
    if let Some(entries) = stsd.get(8..) {
        for (kind, _) in boxes(entries)? {
            codecs.push(String::from_utf8_lossy(&kind).into_owned());
        }
    }
    Ok(())
}

// ---------- WebM (Matroska / EBML) ----------

const EBML: u32 = 0x1A45_DFA3;
const DOCTYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TIMECODE_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const CODEC_ID: u32 = 0x86;
const CLUSTER: u32 = 0x1F43_B675;

/// One element: its id, and its body (`None` size: "unknown", runs to the end of the parent).
struct Element<'a> {
    id: u32,
    body: &'a [u8],
}

fn vint(data: &[u8], keep_marker: bool) -> Option<(u64, usize, bool)> {
    let first = *data.first()?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 || data.len() < len {
        return None;
    }
    let mut value = if keep_marker {
        first as u64
    } else {
        (first as u64) & (0xFF >> len)
    };
    for b in &data[1..len] {
        value = (value << 8) | *b as u64;
    }
    let all_ones = !keep_marker && value == (1u64 << (7 * len)) - 1;
    Some((value, len, all_ones))
}

fn elements(data: &[u8]) -> Result<Vec<Element<'_>>, Invalid> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let rest = &data[at..];
        let (id, id_len, _) = vint(rest, true)
            .filter(|(_, l, _)| *l <= 4)
            .ok_or_else(|| invalid(TRUNCATED))?;
        let (size, size_len, unknown) =
            vint(&rest[id_len..], false).ok_or_else(|| invalid(TRUNCATED))?;
        let start = id_len + size_len;
        let end = if unknown {
            rest.len()
        } else {
            start
                .checked_add(size as usize)
                .ok_or_else(|| invalid(NOT_A_VIDEO))?
        };
        if end > rest.len() {
            return Err(invalid(TRUNCATED));
        }
        out.push(Element {
            id: id as u32,
            body: &rest[start..end],
        });
        at += end;
    }
    Ok(out)
}

fn uint(body: &[u8]) -> u64 {
    body.iter().take(8).fold(0, |v, b| (v << 8) | *b as u64)
}

fn float(body: &[u8]) -> Option<f64> {
    match body.len() {
        4 => Some(f32::from_be_bytes(body.try_into().ok()?) as f64),
        8 => Some(f64::from_be_bytes(body.try_into().ok()?)),
        _ => None,
    }
}

fn webm(bytes: &[u8]) -> Result<VideoInfo, Invalid> {
    let top = elements(bytes)?;
    let header = top
        .first()
        .filter(|e| e.id == EBML)
        .ok_or_else(|| invalid(NOT_A_VIDEO))?;
    let doctype = elements(header.body)?
        .into_iter()
        .find(|e| e.id == DOCTYPE)
        .map(|e| e.body.to_vec());
    if doctype.as_deref() != Some(b"webm") {
        return Err(invalid(
            "Ce fichier est un conteneur Matroska (MKV) mais pas une vidéo WebM : exportez-la en WebM ou en MP4.",
        ));
    }
    let segment = top
        .iter()
        .find(|e| e.id == SEGMENT)
        .ok_or_else(|| invalid(TRUNCATED))?;
    let children = elements(segment.body)?;
    let info = children
        .iter()
        .find(|e| e.id == INFO)
        .ok_or_else(|| invalid(TRUNCATED))?;
    let mut scale = 1_000_000u64;
    let mut duration = None;
    for e in elements(info.body)? {
        match e.id {
            TIMECODE_SCALE => scale = uint(e.body),
            DURATION => duration = float(e.body),
            _ => {}
        }
    }
    if !children.iter().any(|e| e.id == CLUSTER) {
        return Err(invalid(TRUNCATED));
    }
    let duration = duration.filter(|d| d.is_finite() && *d >= 0.0).ok_or_else(|| {
        invalid("Cette vidéo WebM ne dit pas sa durée (enregistrement en direct ?) : exportez-la de nouveau depuis votre logiciel.")
    })?;
    let duration_ms = (duration * scale as f64 / 1_000_000.0).round() as u64;
    let mut codecs = Vec::new();
    if let Some(tracks) = children.iter().find(|e| e.id == TRACKS) {
        for entry in elements(tracks.body)?
            .into_iter()
            .filter(|e| e.id == TRACK_ENTRY)
        {
            if let Some(codec) = elements(entry.body)?.into_iter().find(|e| e.id == CODEC_ID) {
                codecs.push(String::from_utf8_lossy(codec.body).into_owned());
            }
        }
    }
    Ok(VideoInfo {
        kind: VideoKind::WebM,
        duration_ms,
        codecs,
    })
}
