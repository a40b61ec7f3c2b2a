//! The pay rules table on both engines: loading the file twice adds nothing, an administrator's
//! row and confirmation survive a reload, nothing is overwritten.

use chrono::{NaiveDate, TimeZone, Utc};
use tremplin_domain::pay::{Category, Rule, parse_csv};
use tremplin_storage::Role;
use tremplin_storage::testing::{TestDb, backends};

const FILE: &str = include_str!("../../referentiels/data/regles.csv");

#[tokio::test]
async fn the_rules_file_loads_once_and_admin_rows_and_confirmations_are_kept() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
        let rules = parse_csv(FILE).unwrap();
        assert_eq!(
            s.seed_pay_rules(&rules, now).await.unwrap(),
            rules.len() as u64,
            "{backend}"
        );
        assert_eq!(s.seed_pay_rules(&rules, now).await.unwrap(), 0, "{backend}");
        let stored = s.pay_rules().await.unwrap();
        assert_eq!(stored.len(), rules.len());
        let read: Vec<Rule> = stored.iter().map(|r| r.rule.clone()).collect();
        for r in &rules {
            assert!(read.contains(r), "{backend}: {r:?} not read back");
        }
        assert_eq!(stored.iter().filter(|r| r.awaiting_check()).count(), 14);

        let admin = s
            .add_user("admin@ml.example", "x", Role::Admin, None, now)
            .await
            .unwrap()
            .unwrap();
        let flagged = stored.iter().find(|r| r.awaiting_check()).unwrap();
        assert!(s.confirm_pay_rule(flagged.id, admin, now).await.unwrap());
        assert!(
            !s.confirm_pay_rule(flagged.id, admin, now).await.unwrap(),
            "confirmed twice"
        );
        let plain = stored.iter().find(|r| !r.rule.to_verify).unwrap();
        assert!(!s.confirm_pay_rule(plain.id, admin, now).await.unwrap());
        let again = s.pay_rule(flagged.id).await.unwrap().unwrap();
        assert_eq!(again.confirmed_by.as_deref(), Some("admin@ml.example"));
        assert_eq!(again.confirmed_at, Some(now));
        assert_eq!(again.rule, flagged.rule);

        let smic = Rule::new(
            Category::Smic,
            "mensuel",
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            "1900,50",
            "€/mois",
            "SMIC mensuel brut (35 h)",
            "",
            "https://www.legifrance.gouv.fr/exemple",
            false,
        )
        .unwrap();
        assert!(s.add_pay_rule(&smic, admin, now).await.unwrap());
        assert!(
            !s.add_pay_rule(&smic, admin, now).await.unwrap(),
            "same rule, same date"
        );
        // A reload changes none of it.
        assert_eq!(s.seed_pay_rules(&rules, now).await.unwrap(), 0);
        let after = s.pay_rules().await.unwrap();
        assert_eq!(after.len(), rules.len() + 1);
        let added = after.iter().find(|r| r.rule == smic).unwrap();
        assert_eq!(
            (added.origin.as_str(), added.created_by.as_deref()),
            ("admin", Some("admin@ml.example"))
        );
        assert_eq!(added.rule.value, "1900.50");
        assert!(
            s.pay_rule(flagged.id)
                .await
                .unwrap()
                .unwrap()
                .confirmed_at
                .is_some()
        );
    }
}
