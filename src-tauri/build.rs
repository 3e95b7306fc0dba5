fn main() {
    // The config lives at the repository's root (see DESIGN.md's layout).
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri-build failed");
}
