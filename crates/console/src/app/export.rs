//! Files the console writes for people to keep: the audit trail and revocation receipts,
//! as CSV or JSON in the Downloads folder, each written whole or not at all.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

use super::{now_ms, App};
use crate::error::{Error, Result};

/// Where an export was written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CsvExport {
    pub path: String,
    pub rows: u64,
}

/// One CSV field: quoted when it holds a separator, a quote or a line break; and a
/// leading `=`, `+`, `-` or `@` is defused so a spreadsheet does not run it as a formula.
pub(super) fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One CSV line (CRLF, as RFC 4180 has it) of already-formatted values.
pub(super) fn line<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let fields: Vec<String> = values.into_iter().map(field).collect();
    format!("{}\r\n", fields.join(","))
}

/// A file name's part made of a name people typed: letters and digits kept, the rest `-`.
pub(super) fn safe(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Now, as a file name's part: `2026-11-25T10-15-00-000Z`.
pub(super) fn stamp() -> String {
    sessiondesk_protocol::Timestamp::from_millis(now_ms())
        .to_string()
        .replace([':', '.'], "-")
}

/// The user's Downloads folder (their home when there is none).
fn downloads() -> Result<PathBuf> {
    let dirs = directories::UserDirs::new()
        .ok_or_else(|| Error::Io("no home folder to save the export in".into()))?;
    Ok(dirs
        .download_dir()
        .map_or_else(|| dirs.home_dir().to_path_buf(), |d| d.to_path_buf()))
}

impl App {
    /// Writes `contents` as `name` into the exports folder: first to a `.part` file, synced,
    /// then renamed, so a crash never leaves half a file under the real name.
    pub(super) async fn write_export(&self, name: String, contents: String) -> Result<PathBuf> {
        let dir = match &self.exports {
            Some(d) => d.clone(),
            None => downloads()?,
        };
        let path = dir.join(name);
        tokio::task::spawn_blocking({
            let path = path.clone();
            move || -> std::io::Result<()> {
                std::fs::create_dir_all(path.parent().unwrap_or(&path))?;
                let mut tmp = path.clone().into_os_string();
                tmp.push(".part");
                let mut file = std::fs::File::create(&tmp)?;
                file.write_all(contents.as_bytes())?;
                file.sync_all()?;
                std::fs::rename(&tmp, &path)
            }
        })
        .await
        .map_err(|e| Error::Io(format!("the export did not finish: {e}")))?
        .map_err(|e| Error::Io(format!("could not write {}: {e}", path.display())))?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::{field, line};

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(line(["a", "b,c"]), "a,\"b,c\"\r\n");
    }
}
