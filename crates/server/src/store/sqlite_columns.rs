//! Reading a row's columns by name, the same way from sqlx's rows and from the bulk
//! reader's (rusqlite) rows, so that each entity has one mapping from its table.

use std::collections::HashMap;

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite};

use crate::error::{Error, Result};

/// A column type both drivers decode.
pub(crate) trait Value:
    for<'r> sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite> + rusqlite::types::FromSql
{
}

impl<T> Value for T where
    T: for<'r> sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite> + rusqlite::types::FromSql
{
}

/// A result row whose columns are read by name.
pub(crate) trait Columns {
    fn get<T: Value>(&self, col: &str) -> Result<T>;
}

impl Columns for SqliteRow {
    fn get<T: Value>(&self, col: &str) -> Result<T> {
        Ok(self.try_get(col)?)
    }
}

/// The column names of a prepared statement, looked up once per statement rather than
/// once per row.
pub(crate) struct Names(HashMap<String, usize>);

impl Names {
    pub(crate) fn of(stmt: &rusqlite::Statement<'_>) -> Self {
        Names(
            stmt.column_names()
                .into_iter()
                .enumerate()
                .map(|(i, n)| (n.to_string(), i))
                .collect(),
        )
    }
}

/// A rusqlite row with its statement's names.
pub(crate) struct Raw<'a> {
    pub(crate) row: &'a rusqlite::Row<'a>,
    pub(crate) names: &'a Names,
}

impl Columns for Raw<'_> {
    fn get<T: Value>(&self, col: &str) -> Result<T> {
        let i = *self
            .names
            .0
            .get(col)
            .ok_or_else(|| Error::Internal(format!("database: no column {col}")))?;
        Ok(self.row.get(i)?)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Internal(format!("database: {e}"))
    }
}
