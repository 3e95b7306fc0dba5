//! Demo and benchmark data.
//! (being written)
use std::path::Path;

use crate::enrich::Enricher;
use crate::error::Result;
use crate::store::Store;

pub async fn demo(_store: &dyn Store, _e: &Enricher, _seed: u64, _now: i64) -> Result<String> {
    Err(crate::error::Error::Internal(
        "demo seed not written yet".into(),
    ))
}

pub async fn bench(_store: &dyn Store, _n: usize, _t: &Path, _k: &Path, _now: i64) -> Result<()> {
    Err(crate::error::Error::Internal(
        "bench seed not written yet".into(),
    ))
}
