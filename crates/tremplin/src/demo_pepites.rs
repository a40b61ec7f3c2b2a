//! The demo territory's two published pépites: fictional adults, a small video made for the
//! demo (`demo/make-pepite-video.sh`), its captions and poster, consents recorded on paper;
//! the first is the week's pépite of the editions.

use anyhow::Context;
use chrono::Utc;
use tremplin_domain::pepite::consent::latest_end;
use tremplin_domain::pepite::{Area, Captions, Cue, Portrait, PortraitInput};
use tremplin_storage::MediaSlot;
use tremplin_web::AppState;
use tremplin_web::services::media::MediaKey;

const VIDEO: &[u8] = include_bytes!("../demo/pepite.mp4");
const POSTER: &[u8] = include_bytes!("../demo/pepite-affiche.jpg");

pub async fn load(state: &AppState) -> anyhow::Result<()> {
    let now = Utc::now();
    let today = now.date_naive();
    let store = &state.store;
    let epci = state
        .territory()
        .and_then(|t| t.epcis.first().cloned())
        .context("territoire sans EPCI")?;
    let area_name = state
        .refs
        .communes
        .epci_name(&epci)
        .unwrap_or("Communauté de communes")
        .to_owned();
    let info = tremplin_domain::pepite::recognise(VIDEO, Default::default())
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let people = [
        (
            "Inès",
            "2004-06-12",
            "D1102",
            "Matinale",
            "Soigneuse",
            "Aime apprendre",
            "Je fais du pain chez moi depuis trois ans. Je cherche un apprentissage en boulangerie, près de chez moi.",
        ),
        (
            "Yanis",
            "2003-02-03",
            "I1604",
            "Patient",
            "Débrouillard",
            "Permis B",
            "J'ai toujours réparé les voitures avec mon oncle. Je cherche un garage pour un CAP maintenance.",
        ),
    ];
    let mut ids = Vec::new();
    for (name, birth, rome, s1, s2, s3, story) in people {
        let input = PortraitInput {
            display_name: name.into(),
            birth_date: birth.into(),
            trades: vec![rome.into()],
            available_from: (today + chrono::Duration::days(30)).to_string(),
            licence: name == "Yanis",
            vehicle: false,
            radius_km: "20".into(),
            strengths: [s1.into(), s2.into(), s3.into()],
            text: story.into(),
        };
        let portrait = Portrait::parse(&input, Area::epci(&epci, &area_name), today)
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let id = store.create_pepite(&portrait, 0, None, now).await?;
        let captions = Captions::from_cues(
            vec![
                Cue {
                    start_ms: 0,
                    end_ms: 2500,
                    text: format!("Bonjour, je m'appelle {name}."),
                },
                Cue {
                    start_ms: 2500,
                    end_ms: 5500,
                    text: "Je cherche un apprentissage\nprès de chez moi.".into(),
                },
            ],
            info.duration_ms,
        )
        .map_err(|e| anyhow::anyhow!(e.message))?;
        let files: [(MediaSlot, String, Vec<u8>); 3] = [
            (
                MediaSlot::Video,
                format!("pepites/{id}/video-demo.mp4"),
                VIDEO.to_vec(),
            ),
            (
                MediaSlot::Poster,
                format!("pepites/{id}/affiche-demo.jpg"),
                POSTER.to_vec(),
            ),
            (
                MediaSlot::Captions,
                format!("pepites/{id}/sous-titres-demo.vtt"),
                captions.to_webvtt().into_bytes(),
            ),
        ];
        for (slot, key, bytes) in files {
            let media_key = MediaKey::parse(&key).context("clé")?;
            state.media.put(&media_key, &bytes).await?;
            let video =
                (slot == MediaSlot::Video).then_some((info.kind.mime(), info.duration_ms as i64));
            store
                .set_pepite_media(id, slot, Some(&key), video, now)
                .await?;
        }
        let token = tremplin_web::services::secrets::random_token();
        let hash = tremplin_web::services::secrets::token_hash(&token);
        let c = store
            .ask_pepite_consent(
                id,
                "jeune",
                &format!("{name} Exemple"),
                "lui-même / elle-même",
                None,
                "papier",
                &hash,
                now,
            )
            .await?;
        store
            .give_pepite_consent(c, today, true, true, latest_end(today), "papier", now)
            .await?;
        store.set_pepite_published(id, true, now).await?;
        ids.push(id);
    }
    // Inès is the week's pépite: picked for the next edition, and out with the last one
    // already (its page, its mails and its kit show her).
    if let Some(first) = ids.first() {
        tremplin_web::services::pepite_picks::set(state, &[*first])
            .await?
            .map_err(|e| anyhow::anyhow!(e.join(" ")))?;
        let week = tremplin_web::services::pepite_picks::next_edition_week(state);
        if let Some(last) = store.editions(1).await?.first() {
            store.record_edition_pepites(last.number, &week).await?;
        }
    }
    Ok(())
}
