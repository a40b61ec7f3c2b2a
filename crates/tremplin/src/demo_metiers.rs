//! The demo territory's métier pages: the three trades the Mission Locale filmed with
//! companies (agent de maintenance, ouvrier agricole, aide-soignant), each with its own text, a
//! film (the small video made for the demo, `demo/make-pepite-video.sh`, with its captions and
//! poster) and the upcoming public events of the trade. The films are about companies and
//! their work: no person's data.

use anyhow::Context;
use chrono::Utc;
use tremplin_domain::pepite::{Captions, Cue};
use tremplin_storage::NewTradeFilm;
use tremplin_web::AppState;
use tremplin_web::services::media::MediaKey;

const VIDEO: &[u8] = include_bytes!("../demo/pepite.mp4");
const POSTER: &[u8] = include_bytes!("../demo/pepite-affiche.jpg");

/// (ROME code, film title, company, own text, the film's two captions, events by title).
const TRADES: [(&str, &str, &str, &str, [&str; 2], &[&str]); 3] = [
    (
        "I1310",
        "Une journée à l'atelier de maintenance",
        "Aiguilles et Ressorts de l'Exemple",
        "L'agent·e de maintenance veille sur les machines d'un atelier : entretien, réglages, dépannage quand une ligne s'arrête.\nDans l'est de l'Orne, tréfileries, fromageries et plasturgie en cherchent toute l'année.",
        [
            "Ici, on répare les machines\navant qu'elles tombent en panne.",
            "L'apprenti·e travaille avec un tuteur\ndès le premier jour.",
        ],
        &[
            "Rallye entreprises de L'Aigle",
            "Job dating de l'alternance",
        ],
    ),
    (
        "A1419",
        "Les saisons à la ferme",
        "GAEC de l'Exemple",
        "L'ouvrier·ère agricole travaille sur une exploitation : soins aux animaux, cultures, conduite du tracteur, entretien du matériel.\nLes fermes de polyculture-élevage du Pays d'Ouche et du Perche forment des apprenti·es avec le CFA agricole de Sées.",
        [
            "À la ferme, chaque saison\na son travail.",
            "On apprend à soigner le troupeau\net à conduire le tracteur.",
        ],
        &["Job dating de l'alternance"],
    ),
    (
        "J1501",
        "Prendre soin, au quotidien",
        "Résidence de l'Exemple",
        "L'aide-soignant·e accompagne les personnes dans les gestes de la vie quotidienne, avec l'équipe infirmière.\nLes EHPAD et hôpitaux du territoire forment au diplôme d'État en apprentissage, avec l'IFAS de Mortagne-au-Perche.",
        [
            "Prendre soin, c'est d'abord\nécouter les résidents.",
            "L'équipe forme les apprenti·es\nau diplôme d'État.",
        ],
        &["Job dating de l'alternance"],
    ),
];

pub async fn load(state: &AppState) -> anyhow::Result<()> {
    let now = Utc::now();
    let store = &state.store;
    let info = tremplin_domain::pepite::recognise(VIDEO, Default::default())
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let upcoming = store.public_activities(now, false).await?;
    for (rome, title, company, text, lines, events) in TRADES {
        anyhow::ensure!(
            state.refs.rome.label(rome).is_some(),
            "code ROME de démonstration inconnu : {rome}"
        );
        store.set_trade_text(rome, text, now).await?;
        let captions = Captions::from_cues(
            vec![
                Cue {
                    start_ms: 0,
                    end_ms: 2500,
                    text: lines[0].into(),
                },
                Cue {
                    start_ms: 2500,
                    end_ms: 5500,
                    text: lines[1].into(),
                },
            ],
            info.duration_ms,
        )
        .map_err(|e| anyhow::anyhow!(e.message))?;
        // Media keys are lowercase.
        let folder = rome.to_ascii_lowercase();
        let keys = [
            format!("metiers/{folder}/video-demo.mp4"),
            format!("metiers/{folder}/sous-titres-demo.vtt"),
            format!("metiers/{folder}/affiche-demo.jpg"),
        ];
        let bytes = [
            VIDEO.to_vec(),
            captions.to_webvtt().into_bytes(),
            POSTER.to_vec(),
        ];
        for (key, b) in keys.iter().zip(bytes) {
            state
                .media
                .put(&MediaKey::parse(key).context("clé")?, &b)
                .await?;
        }
        let [video, captions_key, poster] = keys;
        store
            .create_trade_film(
                &NewTradeFilm {
                    rome: rome.into(),
                    title: title.into(),
                    company: company.into(),
                    video: Some((video, info.kind.mime().into(), info.duration_ms as i64)),
                    hosted_url: None,
                    captions_key,
                    poster_key: Some(poster),
                    published: true,
                },
                now,
            )
            .await?;
        let ids: Vec<i64> = upcoming
            .iter()
            .filter(|a| events.contains(&a.title.as_str()))
            .map(|a| a.id)
            .collect();
        store.set_trade_activities(rome, &ids, &ids).await?;
    }
    Ok(())
}
