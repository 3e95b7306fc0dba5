//! The TypeScript types in `ui/src/bindings/` are generated from the Rust types that cross to
//! the window; this test fails when the committed files drift from them. To regenerate:
//! `SESSIONDESK_WRITE_BINDINGS=1 cargo test -p sessiondesk-console --test bindings`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sessiondesk_console::app::{
    ActionForm, AlertSettings, AuditFilter, AuditRows, ContainForm, ContainReceipt, CsvExport,
    EndAllPreview, FilterOptions, LoginFilter, LoginRows, NewKeyView, ReceiptFormat, UserDevices,
    UserFilter, UserRows,
};
use sessiondesk_console::query::{Rows, TimeOfDay, UserGroup};
use sessiondesk_console::view::{ActionView, ConsoleState, SignInForm};
use sessiondesk_protocol::{ApiKeyInfo, AuditVerification, Policy, PolicyPreview, SessionQuery};
use ts_rs::{Config, TS};

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}

/// Every `.ts` file under `dir`, by name.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".ts") {
                out.insert(name, std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    out
}

fn export(dir: &Path) {
    // Counts and times are far below 2^53: plain numbers, not bigint.
    let cfg = Config::new().with_large_int("number").with_out_dir(dir);
    ConsoleState::export_all(&cfg).unwrap();
    Rows::export_all(&cfg).unwrap();
    SessionQuery::export_all(&cfg).unwrap();
    SignInForm::export_all(&cfg).unwrap();
    ActionView::export_all(&cfg).unwrap();
    ActionForm::export_all(&cfg).unwrap();
    UserGroup::export_all(&cfg).unwrap();
    EndAllPreview::export_all(&cfg).unwrap();
    FilterOptions::export_all(&cfg).unwrap();
    TimeOfDay::export_all(&cfg).unwrap();
    UserFilter::export_all(&cfg).unwrap();
    UserRows::export_all(&cfg).unwrap();
    LoginFilter::export_all(&cfg).unwrap();
    LoginRows::export_all(&cfg).unwrap();
    AuditFilter::export_all(&cfg).unwrap();
    AuditRows::export_all(&cfg).unwrap();
    AuditVerification::export_all(&cfg).unwrap();
    CsvExport::export_all(&cfg).unwrap();
    Policy::export_all(&cfg).unwrap();
    PolicyPreview::export_all(&cfg).unwrap();
    ApiKeyInfo::export_all(&cfg).unwrap();
    NewKeyView::export_all(&cfg).unwrap();
    UserDevices::export_all(&cfg).unwrap();
    ContainForm::export_all(&cfg).unwrap();
    ContainReceipt::export_all(&cfg).unwrap();
    ReceiptFormat::export_all(&cfg).unwrap();
    AlertSettings::export_all(&cfg).unwrap();
}

#[test]
fn the_committed_typescript_types_match_the_rust_ones() {
    let fresh = tempfile::tempdir().unwrap();
    export(fresh.path());
    let want = files(fresh.path());
    assert!(want.contains_key("Session.ts"), "{:?}", want.keys());
    if std::env::var_os("SESSIONDESK_WRITE_BINDINGS").is_some() {
        let dir = committed();
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &want {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let have = files(&committed());
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&have),
        names(&want),
        "ui/src/bindings has other files than the Rust types make; regenerate them (see this test's docs)"
    );
    for (name, text) in &want {
        assert_eq!(
            have.get(name),
            Some(text),
            "ui/src/bindings/{name} drifted from the Rust type; regenerate it (see this test's docs)"
        );
    }
}
