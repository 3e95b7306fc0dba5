//! `sqlx::migrate!` embeds the migrations when the crate compiles: rebuild when one is
//! added or edited, or a new migration would silently be left out.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
