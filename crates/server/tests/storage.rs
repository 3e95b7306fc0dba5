//! The SQLite file's upkeep: a checkpoint empties the write-ahead log.

/// 2026-11-01T00:00:00Z
const T0: i64 = 1_793_491_200_000;

#[tokio::test]
async fn a_checkpoint_empties_the_write_ahead_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("authority.db");
    let store = sessiondesk_server::app::open_store(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    sessiondesk_server::seed::bench(
        &*store,
        5_000,
        &dir.path().join("tokens"),
        &dir.path().join("key"),
        T0,
    )
    .await
    .unwrap();
    let wal = dir.path().join("authority.db-wal");
    let before = std::fs::metadata(&wal).unwrap().len();
    assert!(before > 1_000_000, "the seed left {before} bytes of log");
    store.checkpoint().await.unwrap();
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
    // The data is all there, now in the database file.
    let org = store.org_by_slug("bench").await.unwrap().unwrap();
    let page = store
        .list_sessions(&org.id, &Default::default(), T0)
        .await
        .unwrap();
    assert_eq!(page.total, 1_000, "capped count of 5,000 active sessions");
}
