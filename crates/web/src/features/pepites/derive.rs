//! Where ffmpeg is installed: a lighter copy of a pépite's video and a poster frame, made in
//! the background after the upload. Without it, nothing here runs and everything else works.

use tremplin_storage::MediaSlot;

use super::uploads::{Content, new_key, replace};
use crate::services::secrets;
use crate::{AppState, WebError};

/// `ffmpeg` on the PATH, if any.
pub(super) fn ffmpeg() -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| std::path::Path::new(d).join("ffmpeg"))
        .find(|p| p.is_file())
}

/// The lighter copy (360 p) and, when there is no poster yet, a frame at one second, made
/// from `input` (the spooled upload: ffmpeg recognises its container by its content).
pub(super) async fn derive(
    state: &AppState,
    ffmpeg: &std::path::Path,
    id: i64,
    input: &std::path::Path,
    poster: bool,
) -> Result<(), WebError> {
    let dir = tempfile_dir().map_err(|e| WebError::Internal(e.to_string()))?;
    let done = make(state, ffmpeg, id, input, poster, &dir).await;
    let _ = tokio::fs::remove_dir_all(&dir).await;
    done
}

async fn make(
    state: &AppState,
    ffmpeg: &std::path::Path,
    id: i64,
    input: &std::path::Path,
    poster: bool,
    dir: &std::path::Path,
) -> Result<(), WebError> {
    let light = dir.join("light.mp4");
    let mut args: Vec<std::ffi::OsString> =
        ["-y", "-loglevel", "error", "-i"].map(Into::into).to_vec();
    args.push(input.into());
    args.extend(
        [
            "-vf",
            "scale=-2:'min(360,ih)'",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "30",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-movflags",
            "+faststart",
        ]
        .map(Into::into),
    );
    args.push(light.clone().into());
    let ok = run(ffmpeg, args).await;
    if ok {
        replace(
            state,
            id,
            MediaSlot::Light,
            &new_key(id, "legere", "mp4"),
            Content::File(&light),
            None,
        )
        .await?;
    }
    if poster {
        let frame = dir.join("poster.jpg");
        let mut args: Vec<std::ffi::OsString> = ["-y", "-loglevel", "error", "-ss", "1", "-i"]
            .map(Into::into)
            .to_vec();
        args.push(input.into());
        args.extend(["-frames:v", "1", "-q:v", "4"].map(Into::into));
        args.push(frame.clone().into());
        let ok = run(ffmpeg, args).await;
        if ok {
            replace(
                state,
                id,
                MediaSlot::Poster,
                &new_key(id, "affiche", "jpg"),
                Content::File(&frame),
                None,
            )
            .await?;
        }
    }
    Ok(())
}

/// Runs ffmpeg off the async threads; whether it succeeded.
async fn run(ffmpeg: &std::path::Path, args: Vec<std::ffi::OsString>) -> bool {
    let ffmpeg = ffmpeg.to_owned();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(ffmpeg)
            .args(args)
            .stdin(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
    .await
    .unwrap_or(false)
}

fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "tremplin-pepite-{}",
        &secrets::random_token()[..16]
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
