//! Recognising an uploaded video by its content, never its name: an MP4 (ISO BMFF: `ftyp` box,
//! duration in `moov/mvhd`, H.264 `avc1` video and AAC `mp4a` sound when the sample
//! descriptions say so) or a WebM (EBML header with DocType `webm`, duration in
//! `Segment/Info`). A file cut short (a box or element running past the end) is refused, as is
//! one over the territory's size or duration limit.

use std::io::{self, Read, Seek, SeekFrom};

use crate::Invalid;

/// A territory's limits for one video (defaults: 150 MB, 3 minutes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VideoLimits {
    pub max_bytes: u64,
    pub max_ms: u64,
}

impl VideoLimits {
    /// The most a territory may set: the upload route reads no body much larger than this.
    pub const MAX_CONFIGURABLE_MB: u64 = 400;
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
    recognise_from(io::Cursor::new(bytes), limits)
}

/// The refusal of a video over the territory's size limit, said before its end is even read
/// (an upload is stopped there).
pub fn too_heavy(limits: VideoLimits) -> Invalid {
    invalid(format!(
        "Cette vidéo pèse plus de {} Mo, le maximum sur ce territoire. Raccourcissez-la ou exportez-la en qualité plus légère.",
        limits.max_bytes / 1_000_000
    ))
}

/// Recognises the video read from `source` (an upload spooled to a file), seeking from box to
/// box: only the headers and the small index boxes (`ftyp`, `moov`; WebM's `Info`, `Tracks`)
/// are read, wherever they are in the file (`moov` often comes after the whole `mdat`), never
/// the picture and sound themselves.
pub fn recognise_from<R: Read + Seek>(
    source: R,
    limits: VideoLimits,
) -> Result<VideoInfo, Invalid> {
    let mut src = Source::new(source)?;
    if src.len > limits.max_bytes {
        return Err(invalid(format!(
            "Cette vidéo pèse {} Mo : {} Mo au plus. Raccourcissez-la ou exportez-la en qualité plus légère.",
            src.len.div_ceil(1_000_000),
            limits.max_bytes / 1_000_000
        )));
    }
    let head = src.read_at(0, 8)?;
    let info = if head.len() >= 8 && &head[4..8] == b"ftyp" {
        mp4(&mut src)?
    } else if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        webm(&mut src)?
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

/// The index boxes read into memory are a few hundred KB for a three-minute video; beyond
/// this, the file is not one a phone or a camera wrote.
const MAX_INDEX_BYTES: u64 = 32 * 1024 * 1024;

/// A file read at offsets, through a buffer kept across nearby reads.
struct Source<R> {
    reader: io::BufReader<R>,
    at: u64,
    len: u64,
}

fn unreadable(_: io::Error) -> Invalid {
    invalid("Cette vidéo n'a pas pu être lue : envoyez-la de nouveau.")
}

impl<R: Read + Seek> Source<R> {
    fn new(mut inner: R) -> Result<Self, Invalid> {
        let len = inner.seek(SeekFrom::End(0)).map_err(unreadable)?;
        inner.seek(SeekFrom::Start(0)).map_err(unreadable)?;
        Ok(Self {
            reader: io::BufReader::with_capacity(16 * 1024, inner),
            at: 0,
            len,
        })
    }

    /// Up to `n` bytes from `offset` (fewer at the end of the file).
    fn read_at(&mut self, offset: u64, n: u64) -> Result<Vec<u8>, Invalid> {
        let n = n.min(self.len.saturating_sub(offset));
        if offset != self.at {
            let delta = offset as i128 - self.at as i128;
            match i64::try_from(delta) {
                Ok(d) => self.reader.seek_relative(d),
                Err(_) => self.reader.seek(SeekFrom::Start(offset)).map(|_| ()),
            }
            .map_err(unreadable)?;
        }
        let mut out = vec![0; n as usize];
        self.reader.read_exact(&mut out).map_err(unreadable)?;
        self.at = offset + n;
        Ok(out)
    }

    /// The body of an index box or element, read whole (bounded by [`MAX_INDEX_BYTES`]).
    fn body(&mut self, span: &Span) -> Result<Vec<u8>, Invalid> {
        let n = span.end - span.body;
        if n > MAX_INDEX_BYTES {
            return Err(invalid(NOT_A_VIDEO));
        }
        self.read_at(span.body, n)
    }
}

/// Where a box (or element) lies in the file: its type, and its body `body..end`.
struct Span {
    kind: u32,
    body: u64,
    end: u64,
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

/// The boxes between `from` and `to` in the file, seeking past their bodies, with the same
/// rules as [`boxes`]; `visit` sees each one as it is found.
fn walk_boxes<R: Read + Seek>(
    src: &mut Source<R>,
    from: u64,
    to: u64,
    mut visit: impl FnMut(Span),
) -> Result<(), Invalid> {
    let mut at = from;
    while at < to {
        let rest = to - at;
        if rest < 8 {
            return Err(invalid(TRUNCATED));
        }
        let head = src.read_at(at, 16.min(rest))?;
        let size32 = u32::from_be_bytes(head[0..4].try_into().unwrap()) as u64;
        let kind = u32::from_be_bytes(head[4..8].try_into().unwrap());
        let (header, size) = match size32 {
            0 => (8u64, rest),
            1 => {
                if rest < 16 {
                    return Err(invalid(TRUNCATED));
                }
                (16, u64::from_be_bytes(head[8..16].try_into().unwrap()))
            }
            n => (8, n),
        };
        if size < header {
            return Err(invalid(NOT_A_VIDEO));
        }
        if size > rest {
            return Err(invalid(TRUNCATED));
        }
        visit(Span {
            kind,
            body: at + header,
            end: at + size,
        });
        at += size;
    }
    Ok(())
}

const fn fourcc(name: &[u8; 4]) -> u32 {
    u32::from_be_bytes(*name)
}

fn mp4<R: Read + Seek>(src: &mut Source<R>) -> Result<VideoInfo, Invalid> {
    let (mut ftyp, mut moov, mut mdat) = (None, None, false);
    let len = src.len;
    walk_boxes(src, 0, len, |b| {
        if ftyp.is_none() {
            ftyp = Some((b.body, b.end));
        }
        if b.kind == fourcc(b"moov") && moov.is_none() {
            moov = Some(b);
        } else if b.kind == fourcc(b"mdat") {
            mdat = true;
        }
    })?;
    let brand = match ftyp {
        Some((body, end)) => src.read_at(body, 4.min(end - body))?,
        None => Vec::new(),
    };
    // HEIC pictures and QuickTime-only files also start with `ftyp`: they are not MP4 videos.
    if [&b"heic"[..], b"heix", b"mif1", b"avif", b"msf1"].contains(&brand.as_slice()) {
        return Err(invalid(NOT_A_VIDEO));
    }
    let moov = moov.ok_or_else(|| invalid(TRUNCATED))?;
    if !mdat {
        return Err(invalid(TRUNCATED));
    }
    let moov = src.body(&moov)?;
    let mut duration_ms = None;
    let mut codecs = Vec::new();
    for (kind, body) in boxes(&moov)? {
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

/// The elements between `from` and `to` in the file, seeking past their bodies, with the same
/// rules as [`elements`]; `visit` sees each one as it is found.
fn walk_elements<R: Read + Seek>(
    src: &mut Source<R>,
    from: u64,
    to: u64,
    mut visit: impl FnMut(Span),
) -> Result<(), Invalid> {
    let mut at = from;
    while at < to {
        let rest = to - at;
        let head = src.read_at(at, 12.min(rest))?;
        let (id, id_len, _) = vint(&head, true)
            .filter(|(_, l, _)| *l <= 4)
            .ok_or_else(|| invalid(TRUNCATED))?;
        let (size, size_len, unknown) =
            vint(&head[id_len..], false).ok_or_else(|| invalid(TRUNCATED))?;
        let start = (id_len + size_len) as u64;
        let end = if unknown {
            rest
        } else {
            start
                .checked_add(size)
                .ok_or_else(|| invalid(NOT_A_VIDEO))?
        };
        if end > rest {
            return Err(invalid(TRUNCATED));
        }
        visit(Span {
            kind: id as u32,
            body: at + start,
            end: at + end,
        });
        at += end;
    }
    Ok(())
}

fn webm<R: Read + Seek>(src: &mut Source<R>) -> Result<VideoInfo, Invalid> {
    let (mut first, mut segment) = (None, None);
    let len = src.len;
    walk_elements(src, 0, len, |e| {
        if e.kind == SEGMENT && segment.is_none() {
            segment = Some((e.body, e.end));
        }
        if first.is_none() {
            first = Some(e);
        }
    })?;
    let header = first
        .filter(|e| e.kind == EBML)
        .ok_or_else(|| invalid(NOT_A_VIDEO))?;
    let header = src.body(&header)?;
    let doctype = elements(&header)?
        .into_iter()
        .find(|e| e.id == DOCTYPE)
        .map(|e| e.body.to_vec());
    if doctype.as_deref() != Some(b"webm") {
        return Err(invalid(
            "Ce fichier est un conteneur Matroska (MKV) mais pas une vidéo WebM : exportez-la en WebM ou en MP4.",
        ));
    }
    let (body, end) = segment.ok_or_else(|| invalid(TRUNCATED))?;
    let (mut info, mut tracks, mut cluster) = (None, None, false);
    walk_elements(src, body, end, |e| match e.kind {
        INFO if info.is_none() => info = Some(e),
        TRACKS if tracks.is_none() => tracks = Some(e),
        CLUSTER => cluster = true,
        _ => {}
    })?;
    let info = info.ok_or_else(|| invalid(TRUNCATED))?;
    let info = src.body(&info)?;
    let mut scale = 1_000_000u64;
    let mut duration = None;
    for e in elements(&info)? {
        match e.id {
            TIMECODE_SCALE => scale = uint(e.body),
            DURATION => duration = float(e.body),
            _ => {}
        }
    }
    if !cluster {
        return Err(invalid(TRUNCATED));
    }
    let duration = duration.filter(|d| d.is_finite() && *d >= 0.0).ok_or_else(|| {
        invalid("Cette vidéo WebM ne dit pas sa durée (enregistrement en direct ?) : exportez-la de nouveau depuis votre logiciel.")
    })?;
    let duration_ms = (duration * scale as f64 / 1_000_000.0).round() as u64;
    let mut codecs = Vec::new();
    if let Some(tracks) = tracks {
        let tracks = src.body(&tracks)?;
        for entry in elements(&tracks)?
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
