//! `interlog tail-asterisk`: follows a growing Asterisk queue log and posts each call's
//! events to a server as they are written, surviving rotation and resuming where it
//! stopped.
//!
//! The position (the file's inode and the offset of the first line not yet acknowledged)
//! is saved after each batch the server acknowledged, to a state file written whole and
//! renamed into place. On start, the saved offset is used if the file is the same (same
//! inode, at least that long); otherwise the file was rotated or truncated and is read from
//! its start. Event ids come from the lines, so a line read twice adds nothing.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use interlog_core::TenantId;
use interlog_dialects::asterisk::{self, Line};
use serde_json::Value;

use crate::common::Secret;

/// Follow an Asterisk (or FreePBX) queue log and send each call's events to Interlog as
/// they are written. Survives log rotation (a new file under the name, or the file
/// truncated) and resumes from the saved position after a restart. Stops on Ctrl-C or
/// SIGTERM after saving its position.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The queue log, e.g. /var/log/asterisk/queue_log.
    file: PathBuf,

    /// The Interlog server, e.g. http://127.0.0.1:8080.
    #[arg(long, env = "INTERLOG_URL", value_name = "URL")]
    url: String,

    /// The tenant the calls belong to.
    #[arg(long, value_parser = crate::common::parse_tenant, value_name = "TENANT")]
    tenant: TenantId,

    /// A token, or an API key's secret, with interactions:write (sent as
    /// `Authorization: Token ...`; an API key does not expire).
    #[arg(
        long,
        env = "INTERLOG_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    token: Secret,

    /// Where the position is kept (default: the log's path with `.interlog-position`).
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,

    /// Milliseconds between looks at the file when it has nothing new.
    #[arg(long, default_value_t = 500, value_name = "MS")]
    poll_ms: u64,
}

/// Lines sent per request at most.
const LINES_PER_POST: usize = 500;

/// The saved position.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Position {
    inode: u64,
    offset: u64,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let state = (args.state.clone())
        .unwrap_or_else(|| PathBuf::from(format!("{}.interlog-position", args.file.display())));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let mut follower = Follower {
        args,
        state,
        client,
    };
    tokio::select! {
        result = follower.follow() => result,
        _ = shutdown() => {
            tracing::info!("stopping; the position is saved after each acknowledged batch");
            Ok(())
        }
    }
}

async fn shutdown() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

struct Follower {
    args: Args,
    state: PathBuf,
    client: reqwest::Client,
}

impl Follower {
    async fn follow(&mut self) -> anyhow::Result<()> {
        let poll = Duration::from_millis(self.args.poll_ms.max(10));
        loop {
            let Some((mut reader, mut position)) = self.open()? else {
                tokio::time::sleep(poll).await; // not there yet (mid-rotation)
                continue;
            };
            tracing::info!(file = %self.args.file.display(), offset = position.offset, "following");
            loop {
                let (lines, next) = read_lines(&mut reader, position.offset)?;
                if !lines.is_empty() {
                    self.send(&lines).await;
                    position.offset = next;
                    save(&self.state, position)?;
                    continue;
                }
                if self.replaced(position)? {
                    tracing::info!("the log was rotated; reading the new one from its start");
                    break;
                }
                tokio::time::sleep(poll).await;
            }
        }
    }

    /// The log, positioned where reading resumes (the saved offset when it is the same
    /// file, at least that long; else its start).
    fn open(&self) -> anyhow::Result<Option<(BufReader<File>, Position)>> {
        let file = match File::open(&self.args.file) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", self.args.file.display()))
            }
        };
        let meta = file.metadata()?;
        let saved = load(&self.state)?;
        let offset = match saved {
            Some(p) if p.inode == meta.ino() && p.offset <= meta.len() => p.offset,
            _ => 0,
        };
        let mut reader = BufReader::new(file);
        reader.seek(SeekFrom::Start(offset))?;
        Ok(Some((
            reader,
            Position {
                inode: meta.ino(),
                offset,
            },
        )))
    }

    /// Whether the name now holds another file, or the file was truncated behind us.
    fn replaced(&self, position: Position) -> anyhow::Result<bool> {
        Ok(match std::fs::metadata(&self.args.file) {
            Ok(meta) => meta.ino() != position.inode || meta.len() < position.offset,
            Err(_) => false, // renamed away, the new one not yet made: keep waiting
        })
    }

    /// Posts the lines' events until the server has them (retrying with a growing wait
    /// while it cannot be reached or answers 5xx/429); refused events are logged.
    async fn send(&self, lines: &[String]) {
        let mut events: Vec<Value> = Vec::new();
        for line in lines {
            match asterisk::parse_line(line) {
                Ok(Line::Call(call)) => events.extend(call),
                Ok(Line::Skipped) => {}
                Err(error) => {
                    tracing::warn!(%error, line, "a line of the queue log is not understood")
                }
            }
        }
        if events.is_empty() {
            return;
        }
        let url = format!(
            "{}/api/v1/tenants/{}/events",
            self.args.url.trim_end_matches('/'),
            self.args.tenant
        );
        let mut wait = Duration::from_millis(500);
        loop {
            let sent = (self.client.post(&url))
                .header(
                    "authorization",
                    format!("Token {}", self.args.token.expose()),
                )
                .json(&events)
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() || r.status() == 422 => {
                    let answer: Value = r.json().await.unwrap_or_default();
                    tracing::info!(accepted = %answer["accepted"], duplicates = %answer["duplicates"],
                        rejected = %answer["rejected"].as_array().map_or(0, Vec::len), "sent");
                    return;
                }
                Ok(r) if r.status().is_client_error() && r.status() != 429 => {
                    // Bad credentials or tenant: waiting will not mend it, but losing the
                    // lines would be worse; say so loudly and keep trying.
                    tracing::error!(status = %r.status(), "the server refuses the events");
                }
                Ok(r) => {
                    tracing::warn!(status = %r.status(), "the server cannot take the events yet")
                }
                Err(error) => tracing::warn!(%error, "cannot reach the server"),
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(30));
        }
    }
}

/// The complete lines from `offset` (a line still being written waits for its end), at
/// most [`LINES_PER_POST`], and the offset after them.
fn read_lines(reader: &mut BufReader<File>, offset: u64) -> anyhow::Result<(Vec<String>, u64)> {
    reader.seek(SeekFrom::Start(offset))?;
    let (mut lines, mut next) = (Vec::new(), offset);
    let mut buffer = Vec::new();
    while lines.len() < LINES_PER_POST {
        buffer.clear();
        let n = reader.read_until(b'\n', &mut buffer)?;
        if n == 0 || buffer.last() != Some(&b'\n') {
            break; // the end, or a line not yet finished
        }
        next += n as u64;
        let line = String::from_utf8_lossy(&buffer[..n - 1])
            .trim_end_matches('\r')
            .to_string();
        if !line.trim().is_empty() {
            lines.push(line);
        }
    }
    Ok((lines, next))
}

fn load(path: &Path) -> anyhow::Result<Option<Position>> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let saved: Value = serde_json::from_str(&text).unwrap_or_default();
            let (inode, offset) = (saved["inode"].as_u64(), saved["offset"].as_u64());
            Ok(inode
                .zip(offset)
                .map(|(inode, offset)| Position { inode, offset }))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Writes the position whole, then renames it into place (a crash leaves the old or the new).
fn save(path: &Path, position: Position) -> anyhow::Result<()> {
    let temporary = path.with_extension("tmp");
    let text = serde_json::json!({"inode": position.inode, "offset": position.offset});
    std::fs::write(&temporary, text.to_string())
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
