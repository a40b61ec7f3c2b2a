//! Car-pooling between young people: the demo's pair on the counselors' page, and the opt-in
//! box of the application form, on a phone, with axe-core.

use crate::support::*;
use fantoccini::Locator;

#[tokio::test]
async fn a_counselor_sees_the_demo_pair_on_a_phone_and_the_form_explains_the_opt_in() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(h) = Harness::start(&[], add_counselor) else {
        return;
    };
    let base = h.base.clone();
    let c = h.browser().await;
    let outcome = async {
        c.set_window_size(PHONE.0, PHONE.1).await?;
        // The public form first: the box and its explanation, with no account.
        c.goto(&format!("{base}/offres/1/postuler")).await?;
        let box_text = c
            .wait()
            .for_element(Locator::Id("covoiturage-choix"))
            .await?
            .text()
            .await?;
        assert!(
            box_text.contains("tes coordonnées ne sont jamais données directement"),
            "{box_text}"
        );
        fits_the_phone(&c, "the application form with its car-pool box").await?;
        c.goto(&format!("{base}/gestion/covoiturage")).await?;
        c.wait().for_element(Locator::Id("password")).await?;
        c.find(Locator::Id("email"))
            .await?
            .send_keys("conseil@ml.example")
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys("un mot de passe solide")
            .await?;
        navigate(&c, Locator::Css("form button[type=submit]")).await?;
        let page = c
            .wait()
            .for_element(Locator::Css("main"))
            .await?
            .text()
            .await?;
        // The demo's two young people from L'Aigle and Rai, both at the 3IFA.
        for shown in ["Lucas D.", "Manon D.", "L'Aigle", "Rai", "3IFA", "4 km"] {
            assert!(page.contains(shown), "{shown}: {page}");
        }
        assert!(!page.contains("@exemple.invalid"), "no contact shown");
        fits_the_phone(&c, "the car-pool pairs").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    outcome.expect("browser steps");
}
