//! The HTTP SMS sender against a fake Twilio: what it sends, how it reads refusals.

use tremplin_mail::Password;
use tremplin_mail::sms::{Sms, SmsConfig, sender};
use tremplin_testing::sms::{FakeSms, start};

fn config(base: &str, token: &str) -> SmsConfig {
    SmsConfig::Http {
        api_base: base.into(),
        account_sid: "AC0123456789".into(),
        auth_token: Password(token.into()),
        from: "+33700000000".into(),
    }
}

fn text() -> Sms {
    Sms {
        to: "+33612345678".into(),
        body:
            "Votre candidature est partie. Suivez la réponse ici : https://x.example/c/k7m2q9x4hw3p"
                .into(),
    }
}

#[tokio::test]
async fn a_text_reaches_the_provider_as_its_api_documents() {
    let fake = FakeSms::new("AC0123456789", "secret-sms");
    let base = start(fake.clone()).await;
    let s = sender(&config(&base, "secret-sms")).unwrap();
    s.send(&text()).await.unwrap();
    let received = fake.lock().unwrap().received.clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["To"], "+33612345678");
    assert_eq!(received[0]["From"], "+33700000000");
    assert_eq!(
        received[0]["Body"],
        text().body,
        "UTF-8 form encoding kept the accents"
    );
}

#[tokio::test]
async fn refusals_are_final_outages_are_tried_again() {
    let fake = FakeSms::new("AC0123456789", "secret-sms");
    let base = start(fake.clone()).await;

    // Wrong secret: refused for good, and the secret is not in the message.
    let e = sender(&config(&base, "pas-le-bon"))
        .unwrap()
        .send(&text())
        .await
        .unwrap_err();
    assert!(e.is_permanent(), "{e}");
    assert!(e.to_string().contains("401"), "{e}");
    assert!(!e.to_string().contains("pas-le-bon"));

    // A number the provider cannot read: final, and the number is not repeated in the error.
    let s = sender(&config(&base, "secret-sms")).unwrap();
    let bad = Sms {
        to: "0612".into(),
        ..text()
    };
    let e = s.send(&bad).await.unwrap_err();
    assert!(e.is_permanent(), "{e}");
    assert!(e.to_string().contains("21211"), "{e}");
    assert!(!e.to_string().contains("0612"), "{e}");

    // 503 and 429: try later.
    fake.lock().unwrap().script.extend([503, 429]);
    for _ in 0..2 {
        let e = s.send(&text()).await.unwrap_err();
        assert!(!e.is_permanent(), "{e}");
    }
    s.send(&text()).await.unwrap();
    assert_eq!(fake.lock().unwrap().received.len(), 1);

    // Nobody listening: try later too.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let e = sender(&config(&closed, "secret-sms"))
        .unwrap()
        .send(&text())
        .await
        .unwrap_err();
    assert!(!e.is_permanent(), "{e}");
}
