//! The live change stream: `GET /v1/admin/events` (Server-Sent Events). Each `change`
//! event carries the org's latest sequence number; the console then reads the feed after
//! the position it has.

use std::time::Duration;

use bytes::{Buf, BytesMut};
use futures::{Stream, StreamExt};
use reqwest::header::ACCEPT;
use reqwest::Method;

use crate::client::{problem, Client};
use crate::error::{Error, Result};

/// Longest silence before the stream is taken for dead: the server sends a keep-alive
/// comment every 15 seconds.
pub const IDLE_LIMIT: Duration = Duration::from_secs(45);

impl Client {
    /// Opens the event stream. Yields the sequence number of every `change` event; ends
    /// with an error when the connection drops or stays silent past [`IDLE_LIMIT`] (the
    /// caller reconnects with backoff).
    pub async fn events(&self) -> Result<impl Stream<Item = Result<i64>> + Send + 'static> {
        let res = self
            .request(Method::GET, self.url("v1/admin/events")?)
            .header(ACCEPT, "text/event-stream")
            .send()
            .await?;
        let status = res.status();
        if !status.is_success() {
            let body = res.bytes().await.unwrap_or_default();
            return Err(problem(status, &body));
        }
        let bytes = res.bytes_stream();
        let state = (Box::pin(bytes), BytesMut::new(), false);
        Ok(futures::stream::unfold(
            state,
            |(mut bytes, mut buf, done)| async move {
                if done {
                    return None;
                }
                loop {
                    if let Some(block) = take_block(&mut buf) {
                        match parse_block(&block) {
                            Some(seq) => return Some((Ok(seq), (bytes, buf, false))),
                            None => continue,
                        }
                    }
                    match tokio::time::timeout(IDLE_LIMIT, bytes.next()).await {
                        Err(_) => return Some((Err(Error::Timeout), (bytes, buf, true))),
                        Ok(None) => {
                            let e = Error::Unreachable("the event stream ended".into());
                            return Some((Err(e), (bytes, buf, true)));
                        }
                        Ok(Some(Err(e))) => return Some((Err(e.into()), (bytes, buf, true))),
                        Ok(Some(Ok(chunk))) => buf.extend_from_slice(&chunk),
                    }
                }
            },
        ))
    }
}

/// Removes one event block (up to a blank line) from the buffer.
fn take_block(buf: &mut BytesMut) -> Option<String> {
    let text = std::str::from_utf8(buf).ok()?;
    let normalised_end = ["\r\n\r\n", "\n\n", "\r\r"]
        .iter()
        .filter_map(|sep| text.find(sep).map(|i| (i, sep.len())))
        .min();
    let (at, len) = normalised_end?;
    let block = text[..at].to_string();
    buf.advance(at + len);
    Some(block)
}

/// The sequence number of a `change` event block; `None` for comments and other events.
fn parse_block(block: &str) -> Option<i64> {
    let mut event = "message";
    let mut data = String::new();
    for line in block.lines() {
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event = value,
            "data" => data.push_str(value),
            _ => {}
        }
    }
    (event == "change")
        .then(|| data.trim().parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_split_and_change_events_read() {
        let mut buf = BytesMut::from(
            &b": keep-alive\n\nevent: change\nid: 7\ndata: 7\n\nevent: change\r\ndata: 8\r\n\r\nevent: chan"[..],
        );
        let mut seqs = Vec::new();
        while let Some(b) = take_block(&mut buf) {
            seqs.extend(parse_block(&b));
        }
        assert_eq!(seqs, vec![7, 8]);
        assert_eq!(&buf[..], b"event: chan");
    }

    #[test]
    fn other_events_and_bad_data_are_skipped() {
        assert_eq!(parse_block("event: ping\ndata: 3"), None);
        assert_eq!(parse_block("event: change\ndata: x"), None);
        assert_eq!(parse_block("data: 3"), None);
    }
}
