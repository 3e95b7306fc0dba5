//! What the end-to-end runner and the window benchmark share: tauri-driver as a child
//! process, and the console's window as a WebDriver session.

pub mod driver;
pub mod window;
