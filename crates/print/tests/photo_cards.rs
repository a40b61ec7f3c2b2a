//! Cards with a photo (a pépite's poster): the photo drawn in its frame, cropped to fill it,
//! the words still inside the card, the QR code still readable; bytes that are no image are
//! refused before drawing.

mod support;

use support::decode_png;
use tremplin_print::Palette;
use tremplin_print::card::{Card, Extras, Format, Photo, png_with};

/// A PNG of one colour, `w`×`h`.
fn plain_png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, w, h);
    e.set_color(png::ColorType::Rgb);
    e.set_depth(png::BitDepth::Eight);
    let mut writer = e.write_header().unwrap();
    let data: Vec<u8> = (0..w * h).flat_map(|_| rgb).collect();
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    out
}

fn card() -> Card {
    Card {
        kicker: "Nos pépites".into(),
        title: "Inès, 22 ans".into(),
        details: vec![
            "Boulanger / Boulangère".into(),
            "Communauté de communes des Hauts du Perche".into(),
            "Disponible à partir du 4 janvier 2027".into(),
        ],
        territory: "Mission Locale de L'Aigle-Mortagne".into(),
        link_label: "offres.example.fr/pepites/1".into(),
        qr_url: "https://offres.example.fr/pepites/1?via=qr".into(),
        palette: Palette::default(),
    }
}

const RED: [u8; 3] = [0xd0, 0x20, 0x20];

#[test]
fn the_photo_fills_its_frame_in_both_formats() {
    let photo = Photo::sniff(plain_png(160, 90, RED)).expect("a PNG");
    assert_eq!(photo.mime, "image/png");
    let extras = Extras {
        photo: Some(photo),
        call: Some("Voir son portrait :".into()),
    };
    // (x, y) inside the frame of each format, near its corners: a 16:9 photo is cropped to
    // fill a wide frame on the square card and a tall one on the link's.
    for (format, points) in [
        (
            Format::Square,
            [(80, 158), (1000, 158), (80, 432), (1000, 432)],
        ),
        (
            Format::Link,
            [(550, 158), (784, 158), (550, 574), (784, 574)],
        ),
    ] {
        let img = decode_png(&png_with(&card(), format, &extras).unwrap());
        let (w, h) = format.size();
        assert_eq!((img.width, img.height), (w as usize, h as usize));
        for (x, y) in points {
            assert_eq!(img.at(x, y), RED, "{format:?} photo at {x},{y}");
        }
        assert!(img.colours() > 3, "{format:?} not blank");
        assert_eq!(
            img.qr_codes(),
            vec!["https://offres.example.fr/pepites/1?via=qr".to_owned()]
        );
        // The name is drawn, out of the photo: below it (square), beside it (link).
        let light = match format {
            Format::Square => img.count_light(72, 480, 1008, 750),
            Format::Link => img.count_light(56, 150, 514, 582),
        };
        assert!(light > 2_000, "{format:?} text drawn: {light}");
    }
}

#[test]
fn a_jpeg_poster_is_drawn_too() {
    let poster = include_bytes!("../../tremplin/demo/pepite-affiche.jpg").to_vec();
    let photo = Photo::sniff(poster).expect("a JPEG");
    assert_eq!(photo.mime, "image/jpeg");
    let extras = Extras {
        photo: Some(photo),
        call: None,
    };
    let img = decode_png(&png_with(&card(), Format::Square, &extras).unwrap());
    // The demo poster's yellow band crosses its middle.
    let [r, g, b] = img.at(540, 295);
    assert!(r > 200 && g > 150 && b < 80, "yellow band: {:?}", [r, g, b]);
}

#[test]
fn bytes_that_are_no_image_are_no_photo() {
    assert_eq!(Photo::sniff(b"MZ\x90\x00 not an image".to_vec()), None);
    assert_eq!(Photo::sniff(Vec::new()), None);
}
