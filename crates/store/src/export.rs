//! An export: every interaction of a tenant that started in a window, oldest first, as
//! NDJSON (the canonical record, transcript included, one per line) or as CSV (one row per
//! interaction, `interlog_core::export`). It is read one keyset page at a time, so memory
//! stays flat however many interactions there are; `interlog export` writes the pages to a
//! file and `GET .../export` streams them.
//!
//! Pages are separate reads: an interaction that starts inside the window while an export
//! runs appears if its start sorts after the page being read, and none appears twice.

use interlog_core::export::{csv_header, csv_row};
use interlog_core::query::{InteractionQuery, Order};
use interlog_core::record::Interaction;
use interlog_core::{TenantId, Timestamp};

use crate::{Interactions, StoreError};

/// Interactions read per page.
const PAGE: u32 = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// One canonical record per line (what `interlog import --format native` reads back).
    Ndjson,
    /// RFC 4180 CSV with a header line.
    Csv,
}

impl ExportFormat {
    /// The media type an HTTP response carries.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Ndjson => "application/x-ndjson",
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Ndjson => "ndjson",
            ExportFormat::Csv => "csv",
        }
    }
}

/// One piece of an export's output.
pub struct Chunk {
    pub text: String,
    /// How many interactions it holds.
    pub interactions: usize,
}

/// An export under way: call [`Export::next_chunk`] until it returns `None`.
pub struct Export {
    tenant: TenantId,
    query: InteractionQuery,
    format: ExportFormat,
    started: bool,
    done: bool,
}

impl Export {
    /// The interactions of `tenant` that started at or after `from` and before `to`.
    pub fn new(
        tenant: TenantId,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        format: ExportFormat,
    ) -> Self {
        let query = InteractionQuery {
            from,
            to,
            order: Order::Asc,
            limit: PAGE,
            ..InteractionQuery::default()
        };
        Self {
            tenant,
            query,
            format,
            started: false,
            done: false,
        }
    }

    /// The query that selects the exported interactions (to count them first).
    pub fn query(&self) -> &InteractionQuery {
        &self.query
    }

    /// The next piece of output: the CSV header first, then a page of interactions; `None`
    /// once every page has been given.
    pub async fn next_chunk<S: Interactions + ?Sized>(
        &mut self,
        store: &S,
    ) -> Result<Option<Chunk>, StoreError> {
        if self.done {
            return Ok(None);
        }
        let mut text = String::new();
        if !self.started && self.format == ExportFormat::Csv {
            text.push_str(&csv_header());
        }
        self.started = true;
        let with_messages = self.format == ExportFormat::Ndjson;
        let page = (store.list_interactions_json(&self.tenant, &self.query, with_messages)).await?;
        for json in &page.items {
            match self.format {
                ExportFormat::Ndjson => {
                    text.push_str(json);
                    text.push('\n');
                }
                ExportFormat::Csv => {
                    let record: Interaction = serde_json::from_str(json)
                        .map_err(|e| StoreError::Corrupt(format!("a stored record: {e}")))?;
                    text.push_str(&csv_row(&record));
                }
            }
        }
        self.done = page.next.is_none();
        self.query.after = page.next;
        Ok(Some(Chunk {
            text,
            interactions: page.items.len(),
        }))
    }
}
