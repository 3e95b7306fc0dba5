//! The Sessions screen: windows of the list, one session, the list grouped by user, all
//! from the cache so they answer offline too.

use serde::Serialize;
use sessiondesk_protocol::{Session, SessionQuery, StatusFilter};
use ts_rs::TS;

use super::{now_ms, App};
use crate::error::Result;
use crate::query::{Rows, TimeOfDay, UserGroup};

/// What "sign out all team sessions" would do, for its confirmation.
#[derive(Debug, Clone, Serialize, TS)]
pub struct EndAllPreview {
    /// Active sessions that would end.
    pub will_end: u64,
    /// Your own session, which stays.
    pub spared: Option<String>,
}

/// The values the filter bar offers to pick from, as found in the cache.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FilterOptions {
    /// App and client names, the most used first.
    pub apps: Vec<String>,
    /// Country codes, in order.
    pub countries: Vec<String>,
}

impl App {
    /// A window of the sessions list.
    pub async fn sessions(
        &self,
        query: SessionQuery,
        hours: Option<TimeOfDay>,
        offset: u64,
    ) -> Result<Rows> {
        self.workspace()
            .await?
            .cache
            .sessions_at(&query, hours, offset, now_ms())
            .await
    }

    /// The matching sessions grouped by user, most sessions first.
    pub async fn sessions_by_user(
        &self,
        query: SessionQuery,
        hours: Option<TimeOfDay>,
    ) -> Result<Vec<UserGroup>> {
        self.workspace()
            .await?
            .cache
            .sessions_by_user_at(&query, hours, now_ms())
            .await
    }

    pub async fn filter_options(&self) -> Result<FilterOptions> {
        let ws = self.workspace().await?;
        let apps: Vec<String> = sqlx::query_scalar(
            "SELECT app_name FROM sessions WHERE app_name IS NOT NULL AND app_name <> '' \
             GROUP BY app_name ORDER BY COUNT(*) DESC, app_name LIMIT 200",
        )
        .fetch_all(ws.cache.pool())
        .await?;
        let countries: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT country_code FROM sessions WHERE country_code IS NOT NULL \
             ORDER BY country_code",
        )
        .fetch_all(ws.cache.pool())
        .await?;
        Ok(FilterOptions { apps, countries })
    }

    /// One session.
    pub async fn session(&self, id: &str) -> Result<Option<Session>> {
        let ws = self.workspace().await?;
        let body: Option<String> = sqlx::query_scalar(
            "SELECT b.body FROM sessions s JOIN session_bodies b ON b.id = s.rowid WHERE s.id = ?",
        )
        .bind(id)
        .fetch_optional(ws.cache.pool())
        .await?;
        Ok(match body {
            Some(b) => Some(serde_json::from_str(&b)?),
            None => None,
        })
    }

    /// How many sessions "sign out all team sessions" would end: every active one but
    /// the console's own.
    pub async fn end_all_preview(&self) -> Result<EndAllPreview> {
        let ws = self.workspace().await?;
        let active = SessionQuery {
            status: Some(StatusFilter::Active),
            ..SessionQuery::default()
        };
        let total = ws.cache.count_sessions(&active, now_ms()).await?;
        let spared = self.own_session().await;
        let own_active = match &spared {
            Some(id) => self
                .session(id)
                .await?
                .is_some_and(|s| s.status == sessiondesk_protocol::SessionStatus::Active),
            None => false,
        };
        Ok(EndAllPreview {
            will_end: total.saturating_sub(u64::from(own_active)),
            spared,
        })
    }
}
